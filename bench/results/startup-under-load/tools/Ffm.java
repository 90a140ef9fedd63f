import static java.lang.foreign.ValueLayout.*;
import java.lang.foreign.*;
import java.lang.invoke.*;
import java.nio.file.*;
public class Ffm {
    static long cpu() throws Exception { String s=Files.readString(Path.of("/proc/self/stat")); String[] f=s.substring(s.lastIndexOf(')')+2).split(" "); return (Long.parseLong(f[11])+Long.parseLong(f[12]))*10; }
    static Linker L=Linker.nativeLinker();
    static MethodHandle dc(String n, FunctionDescriptor d, Linker.Option... o) {
        Linker.Option[] all=java.util.Arrays.copyOf(o,o.length+1); all[o.length]=Linker.Option.captureCallState("errno");
        return L.downcallHandle(L.defaultLookup().find(n).get(), d, all);
    }
    public static void main(String[] a) throws Exception {
        String[] names={"open","ioctl","ioctl2","close","readv","sendmmsg","recvmmsg","fcntl","socket","setsockopt","send","sigaction","signal","mmap"};
        FunctionDescriptor[] ds={FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),FunctionDescriptor.of(JAVA_INT, JAVA_INT),FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT),FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG),FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS),FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG)};
        long c0=cpu(), t0=System.nanoTime();
        for (int i=0;i<names.length;i++) {
            long c=cpu(), t=System.nanoTime();
            String n=names[i].equals("ioctl2")?"ioctl":names[i];
            MethodHandle h = (n.equals("ioctl")||n.equals("fcntl")) ? dc(n, ds[i], Linker.Option.firstVariadicArg(2)) : dc(n, ds[i]);
            System.out.printf("%-10s %6.1f ms wall, %4d ms proc CPU%n", names[i], (System.nanoTime()-t)/1e6, cpu()-c);
        }
        System.out.printf("all %6.1f ms wall, %d ms CPU%n", (System.nanoTime()-t0)/1e6, cpu()-c0);
    }
}
