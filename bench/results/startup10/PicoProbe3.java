package org.jmiredo.server;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
/** CPU of the main thread for Main.execute of a relay command line that fails at parsing (no daemon start). */
public class PicoProbe3 {
    public static void main(String[] a) {
        var mx = ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "relay", "--config", "/x", "--bogus");
        long c1 = mx.getCurrentThreadCpuTime();
        System.out.printf("%d %d%n", (c1 - c0) / 1_000_000, code);
    }
}
