import org.openjdk.jol.vm.VM;

/** Where the JVM puts long[] arrays of a 10 M-peer segment (6 + 4 * 52,084 longs) and of a 1 M one. */
public class Align {
    public static void main(String[] args) {
        System.out.println("long[] base offset " + VM.current().arrayBaseOffset("long"));
        for (int slots : new int[] {52_084, 5_209}) {
            int n = 6 + 4 * slots;
            long[][] keep = new long[64][];
            long[] raw = new long[keep.length];
            int aligned = 0;
            for (int k = 0; k < keep.length; k++) {
                keep[k] = new long[n];
                raw[k] = VM.current().addressOf(keep[k]);
                aligned += raw[k] % 64 == 0 ? 1 : 0;
            }
            System.out.printf("long[%d] (%d bytes): %d of %d at a 64-byte boundary; first raw addresses %x %x %x%n",
                    n, 16 + 8L * n, aligned, keep.length, raw[0], raw[1], raw[2]);
        }
    }
}
