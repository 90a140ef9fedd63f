package org.jmiredo.server.tun.linux;

import java.util.BitSet;
import java.util.Locale;

/**
 * Linux CPU lists ("0-3,8", cpuset(7) "List format", as in /proc/PID/status Cpus_allowed_list) and the
 * kernel's hexadecimal CPU masks (rps_cpus: 32-bit groups, most significant first, comma-separated, as
 * bitmap_parse(3) in lib/bitmap.c reads and "%*pb" prints them).
 */
public final class CpuList {
    /** CONFIG_NR_CPUS is at most 8192 (x86-64 MAXSMP); a larger number is a typo. */
    public static final int MAX_CPUS = 8192;

    private CpuList() {}

    /** Parses "N", "N-M" and comma-separated lists of them; rejects an empty list, reversed or too large ranges. */
    public static BitSet parse(String text) {
        BitSet cpus = new BitSet();
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("must name at least one CPU, e.g. \"2-7\" or \"1,3\"");
        }
        for (String item : trimmed.split(",", -1)) {
            String s = item.trim();
            int dash = s.indexOf('-');
            int first = cpu(dash < 0 ? s : s.substring(0, dash), text);
            int last = dash < 0 ? first : cpu(s.substring(dash + 1), text);
            if (last < first) {
                throw new IllegalArgumentException("has the reversed range \"" + s + "\" in \"" + text + "\"");
            }
            cpus.set(first, last + 1);
        }
        return cpus;
    }

    private static int cpu(String number, String text) {
        String s = number.trim();
        if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "must be off, auto or a CPU list such as \"2-7\" or \"0,2,4-6\", got \"" + text + "\"");
        }
        int cpu = Integer.parseInt(s);
        if (cpu >= MAX_CPUS) {
            throw new IllegalArgumentException(
                    "names CPU " + cpu + ", beyond the kernel's limit of " + MAX_CPUS + " in \"" + text + "\"");
        }
        return cpu;
    }

    /** The shortest list: runs of two or more as "N-M". */
    public static String format(BitSet cpus) {
        StringBuilder b = new StringBuilder();
        for (int first = cpus.nextSetBit(0); first >= 0; first = cpus.nextSetBit(cpus.nextClearBit(first))) {
            int last = cpus.nextClearBit(first) - 1;
            b.append(b.isEmpty() ? "" : ",").append(first);
            if (last > first) {
                b.append('-').append(last);
            }
        }
        return b.toString();
    }

    /** The kernel's mask text: "3" for CPUs 0 and 1, "1,00000000" for CPU 32, "0" for none. */
    public static String hexMask(BitSet cpus) {
        int groups = Math.max(1, (cpus.length() + 31) / 32);
        StringBuilder b = new StringBuilder();
        for (int g = groups - 1; g >= 0; g--) {
            long bits = 0;
            for (int i = cpus.nextSetBit(g * 32); i >= 0 && i < g * 32 + 32; i = cpus.nextSetBit(i + 1)) {
                bits |= 1L << (i - g * 32);
            }
            b.append(g == groups - 1 ? Long.toHexString(bits) : "," + String.format(Locale.ROOT, "%08x", bits));
        }
        return b.toString();
    }

    /** Reads a mask as the kernel prints it ("00000000,00000003", leading zero groups and all). */
    public static BitSet parseHexMask(String text) {
        BitSet cpus = new BitSet();
        String[] groups = text.trim().split(",", -1);
        for (int g = 0; g < groups.length; g++) {
            String hex = groups[groups.length - 1 - g].trim();
            if (hex.isEmpty() || hex.length() > 8) {
                throw new IllegalArgumentException("not a CPU mask: \"" + text.trim() + "\"");
            }
            long bits = Long.parseLong(hex, 16);
            for (int i = 0; i < 32; i++) {
                if ((bits & (1L << i)) != 0) {
                    cpus.set(g * 32 + i);
                }
            }
        }
        return cpus;
    }
}
