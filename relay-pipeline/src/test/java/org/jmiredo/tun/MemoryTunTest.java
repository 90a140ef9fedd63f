package org.jmiredo.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryTunTest {
    /** Copies each packet, remembers the thread, releases; counts bursts. */
    private static final class Recorder implements TunReceiver {
        final List<byte[]> packets = new ArrayList<>();
        final List<Integer> readerIndexes = new ArrayList<>();
        final List<Boolean> direct = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        int bursts;

        @Override
        public void packetRead(ByteBuf packet) {
            byte[] bytes = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), bytes);
            packets.add(bytes);
            readerIndexes.add(packet.readerIndex());
            direct.add(packet.isDirect());
            threads.add(Thread.currentThread().getName());
            packet.release();
        }

        @Override
        public void readComplete() {
            bursts++;
        }
    }

    @Test
    void recordsACopyAndLeavesTheCallersBufferAlone() {
        MemoryTun tun = new MemoryTun();
        ByteBuf packet = Unpooled.buffer().writeBytes(new byte[] {0x60, 1, 2, 3});
        packet.readerIndex(1);

        assertThat(tun.write(packet)).isTrue();
        packet.setByte(1, 99); // later changes by the caller do not alter the record

        assertThat(packet.refCnt()).isEqualTo(1);
        assertThat(packet.readerIndex()).isEqualTo(1);
        assertThat(tun.writtenCount()).isEqualTo(1);
        assertThat(tun.pollWritten()).containsExactly(1, 2, 3);
        assertThat(tun.pollWritten()).isNull();
        packet.release();
    }

    @Test
    void aRefusingDeviceReturnsFalseAndRecordsNothing() {
        MemoryTun tun = new MemoryTun();
        tun.setAccepting(false);
        assertThat(tun.write(Unpooled.wrappedBuffer(new byte[] {0x60}))).isFalse();
        tun.setAccepting(true);
        assertThat(tun.write(Unpooled.EMPTY_BUFFER)).as("an empty packet").isFalse();
        assertThat(tun.write(Unpooled.wrappedBuffer(new byte[] {0x60}))).isTrue();
        assertThat(tun.drainWritten()).hasSize(1);
    }

    @Test
    void injectIsOneBurstOfDirectBuffersWithHeadroom() {
        Recorder recorder = new Recorder();
        MemoryTun tun = new MemoryTun().attach(recorder);

        tun.inject(new byte[] {0x60, 1}, new byte[] {0x60, 2, 2});

        assertThat(recorder.packets).containsExactly(new byte[] {0x60, 1}, new byte[] {0x60, 2, 2});
        assertThat(recorder.readerIndexes).containsOnly(MemoryTun.HEADROOM);
        assertThat(recorder.direct).containsOnly(true);
        assertThat(recorder.bursts).isEqualTo(1);
    }

    @Test
    void injectRunsOnTheGivenExecutorAndWritesMayComeFromAnotherThread() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-loop"));
        try {
            Recorder recorder = new Recorder();
            MemoryTun tun = new MemoryTun(loop).attach(recorder);
            tun.inject(new byte[] {0x60});
            loop.submit(() -> tun.write(Unpooled.wrappedBuffer(new byte[] {0x60, 7})))
                    .get(5, TimeUnit.SECONDS);

            assertThat(tun.pollWritten(5, TimeUnit.SECONDS)).containsExactly(0x60, 7);
            loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
            assertThat(recorder.threads).containsExactly("fake-loop");
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void injectWithoutAReceiverIsAnError() {
        assertThatThrownBy(() -> new MemoryTun().inject(new byte[] {0x60}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("attach");
    }
}
