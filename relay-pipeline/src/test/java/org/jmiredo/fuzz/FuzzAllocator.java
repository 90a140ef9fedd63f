package org.jmiredo.fuzz;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Remembers every buffer the data path allocates (bubbles, queue copies, ICMPv6 errors, forwarded
 * datagrams, RAs), so that the end of a fuzz input can check each was released: deterministic, unlike
 * the paranoid leak detector, which reports only after a GC and never fails a test by itself.
 */
final class FuzzAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    FuzzAllocator() {
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

    /** Throws when a buffer allocated so far is still referenced; releases them so the next input starts clean. */
    void assertAllReleased() {
        List<ByteBuf> leaked = allocated.stream().filter(b -> b.refCnt() != 0).toList();
        leaked.forEach(b -> b.release(b.refCnt()));
        allocated.clear();
        if (!leaked.isEmpty()) {
            throw new AssertionError(leaked.size() + " buffer(s) allocated by the data path were never released");
        }
    }
}
