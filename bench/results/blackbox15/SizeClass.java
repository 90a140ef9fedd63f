import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
public class SizeClass {
    public static void main(String[] a) {
        for (int size : new int[] {48, 64, 100, 128, 200, 256, 600, 1024, 1152, 1280, 1400, 1500, 2048, 4096}) {
            AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator();
            ByteBuf[] keep = new ByteBuf[20000];
            for (int i = 0; i < keep.length; i++) keep[i] = alloc.directBuffer(size, size);
            System.out.printf("%5d -> %.0f bytes of direct memory each%n", size, alloc.metric().usedDirectMemory() / (double) keep.length);
            for (ByteBuf b : keep) b.release();
        }
    }
}
