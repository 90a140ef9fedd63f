import java.nio.file.*;
public class Probe {
    static long cpu() throws Exception { String s=Files.readString(Path.of("/proc/self/stat")); String[] f=s.substring(s.lastIndexOf(')')+2).split(" "); return (Long.parseLong(f[11])+Long.parseLong(f[12]))*10; }
    public static void main(String[] a) throws Exception {
        long c=cpu(), t=System.nanoTime();
        Class.forName("io.netty.util.internal.PlatformDependent").getMethod("hasUnsafe").invoke(null);
        Object alloc = Class.forName("io.netty.buffer.ByteBufAllocator").getField("DEFAULT").get(null);
        Object buf = alloc.getClass().getMethod("directBuffer", int.class).invoke(alloc, 256);
        System.out.printf("netty probe+alloc: %.1f ms wall, %d ms CPU, unsafe=%s%n", (System.nanoTime()-t)/1e6, cpu()-c,
            Class.forName("io.netty.util.internal.PlatformDependent").getMethod("hasUnsafe").invoke(null));
    }
}
