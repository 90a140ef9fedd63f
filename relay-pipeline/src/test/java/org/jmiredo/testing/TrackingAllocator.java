package org.jmiredo.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out (bubbles, queue copies, ICMPv6 errors, RAs,
 * forwarded datagrams), so a test can assert that all of them were released: a deterministic leak check,
 * where Netty's paranoid detector only reports after a GC and never fails a test by itself.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    public TrackingAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(buf);
        return buf;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(buf);
        return buf;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    public int allocations() {
        return allocated.size();
    }

    /**
     * Throws when a buffer allocated so far is still referenced. Releases the leaked ones and forgets
     * them all either way, so that the next case (or fuzz input) starts clean.
     */
    public void assertAllReleased() {
        List<ByteBuf> leaked = allocated.stream().filter(b -> b.refCnt() != 0).toList();
        leaked.forEach(b -> b.release(b.refCnt()));
        allocated.clear();
        if (!leaked.isEmpty()) {
            throw new AssertionError(
                    leaked.size() + " buffer(s) allocated by the data path were never released: " + leaked);
        }
    }
}
