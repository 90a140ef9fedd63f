package org.jmiredo.server.sys;

/**
 * The scheduler's nice value of one thread. A daemon gives its helper threads that must never take CPU from the
 * data path (the metrics endpoint) the weakest weight: under CFS a nice-19 thread gets about 1.5 % of a CPU that a
 * nice-0 event loop also wants (weights 15 against 1,024), and all of an idle one, so it is still served whenever
 * the loops leave time.
 */
public final class ThreadNice {
    /** The weakest nice value (include/linux/sched/prio.h, MAX_NICE). */
    public static final int LOWEST = 19;

    private ThreadNice() {}

    /**
     * Sets the calling thread's nice value, on Linux only (elsewhere setpriority(2) with a thread id would name a
     * process, or nothing). Lowering one's own priority needs no privilege.
     *
     * @return true when it was set
     */
    public static boolean setForCurrentThread(int nice) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return false;
        }
        return Libc.setThreadNice(nice) == 0;
    }

    /** This thread's nice value as Linux shows it ({@code /proc/thread-self/stat}, field 19), for tests and logs. */
    public static int ofCurrentThread() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // field 19 of stat(5), counted from field 3 (state)
    }
}
