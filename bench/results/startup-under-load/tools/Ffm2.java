import static java.lang.foreign.ValueLayout.*;
import java.lang.foreign.*;
import java.lang.invoke.*;
import java.nio.file.*;
public class Ffm2 {
    static long cpu() throws Exception { String s=Files.readString(Path.of("/proc/self/stat")); String[] f=s.substring(s.lastIndexOf(')')+2).split(" "); return (Long.parseLong(f[11])+Long.parseLong(f[12]))*10; }
    static Linker L=Linker.nativeLinker();
    static FunctionDescriptor SIX=FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    static FunctionDescriptor VAR=FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    public static void main(String[] a) throws Exception {
        String[] names={"open","ioctl","ioctl","close","readv","sendmmsg","recvmmsg","fcntl","socket","setsockopt","send","sigaction","signal","mmap"};
        long c0=cpu(), t0=System.nanoTime();
        for (int i=0;i<names.length;i++) {
            long c=cpu(), t=System.nanoTime();
            String n=names[i]; boolean v=n.equals("ioctl")||n.equals("fcntl")||n.equals("open");
            MethodHandle h = v ? L.downcallHandle(L.defaultLookup().find(n).get(), VAR, Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"))
                : L.downcallHandle(L.defaultLookup().find(n).get(), SIX, Linker.Option.captureCallState("errno"));
            System.out.printf("%-10s %6.1f ms wall, %4d ms proc CPU%n", names[i], (System.nanoTime()-t)/1e6, cpu()-c);
        }
        System.out.printf("all %6.1f ms wall, %d ms CPU%n", (System.nanoTime()-t0)/1e6, cpu()-c0);
    }
}
