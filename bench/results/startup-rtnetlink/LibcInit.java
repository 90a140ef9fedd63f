import java.lang.management.ManagementFactory;
public class LibcInit {
    public static void main(String[] a) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Class.forName("org.jmiredo.server.sys.Libc");
        long t1 = System.nanoTime();
        long c1 = os.getProcessCpuTime();
        System.out.printf("%s: Libc init %.1f ms (process CPU %.0f ms)%n", a[0], (t1 - t0) / 1e6, (c1 - c0) / 1e6);
    }
}
