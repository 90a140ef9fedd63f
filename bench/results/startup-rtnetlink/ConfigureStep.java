import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmiredo.server.netlink.InterfaceConfigurator;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.jmiredo.server.tun.linux.LinuxTunDevice;

/**
 * Times the tunnel's set-up as the daemon does it, in a fresh JVM: the TUN device is opened first (so the
 * FFM downcalls it shares are warm, as in the daemon), then the configurator named by args[0] (a class in
 * org.jmiredo.server.netlink, loaded by reflection so this compiles against either jar) configures it.
 * Prints the wall time and the process's CPU time (its own threads and the children it waited for) of
 * configure(), then of the undo; then the same again in the same JVM (warm: what is left is the system calls,
 * or the forks).
 */
public class ConfigureStep {
    public static void main(String[] args) throws Exception {
        try (LinuxTunDevice tun = LinuxTunDevice.open("teredo", 1)) {
            TunnelInterfaceSpec spec = TunnelInterfaceSpec.relay(tun.name(), 1280, TunnelInterfaceSpec.TEREDO_PREFIX, 32);
            InterfaceConfigurator configurator = null;
            for (String round : new String[] {"cold", "again"}) {
                long t0 = System.nanoTime();
                long c0 = cpuMs();
                if (configurator == null) {
                    configurator = (InterfaceConfigurator) Class.forName("org.jmiredo.server.netlink." + args[0])
                            .getConstructor().newInstance();
                }
                InterfaceConfigurator.ConfiguredInterface configured = configurator.configure(spec);
                long t1 = System.nanoTime();
                long c1 = cpuMs();
                configured.close();
                long t2 = System.nanoTime();
                long c2 = cpuMs();
                System.out.printf("%s %s: configure %.1f ms (CPU %d ms), undo %.1f ms (CPU %d ms)%n", args[0], round,
                        (t1 - t0) / 1e6, c1 - c0, (t2 - t1) / 1e6, c2 - c1);
            }
        }
    }

    // utime + stime + cutime + cstime (fields 14 to 17 of /proc/self/stat), in ms at 100 ticks per second.
    private static long cpuMs() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
    }
}
