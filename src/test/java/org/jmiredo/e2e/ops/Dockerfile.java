package org.jmiredo.e2e.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** deploy/docker/Dockerfile as instructions (continuation lines joined, comments dropped). */
final class Dockerfile {

    static final String PATH = "deploy/docker/Dockerfile";

    record Instruction(String keyword, String args) {}

    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

    private final List<Instruction> instructions;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = instructions;
    }

    static Dockerfile read() {
        return parse(RepoPaths.read(PATH));
    }

    static Dockerfile parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            String full = current.toString().strip();
            current.setLength(0);
            if (full.isEmpty()) {
                continue;
            }
            int space = full.indexOf(' ');
            out.add(new Instruction(
                    full.substring(0, space).toUpperCase(),
                    full.substring(space + 1).strip()));
        }
        return new Dockerfile(List.copyOf(out));
    }

    /** Every instruction, in file order. */
    List<Instruction> instructions() {
        return instructions;
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The last value ENV gives {@code name} (key=value form, quotes removed). */
    Optional<String> env(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction i : all("ENV")) {
            Matcher m = ENV_PAIR.matcher(i.args());
            while (m.find()) {
                String value = m.group(2);
                env.put(m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
            }
        }
        return Optional.ofNullable(env.get(name));
    }

    /** The shell command of HEALTHCHECK ... CMD <command>. */
    String healthcheckCommand() {
        List<Instruction> checks = all("HEALTHCHECK");
        if (checks.size() != 1) {
            throw new AssertionError("expected one HEALTHCHECK, found " + checks.size());
        }
        String args = checks.getFirst().args();
        int cmd = args.indexOf("CMD ");
        if (cmd < 0) {
            throw new AssertionError("HEALTHCHECK without CMD: " + args);
        }
        return args.substring(cmd + 4).strip();
    }
}
