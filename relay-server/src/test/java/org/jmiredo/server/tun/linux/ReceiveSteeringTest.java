package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class ReceiveSteeringTest {
    private static BitSet cpus(int... numbers) {
        BitSet b = new BitSet();
        for (int n : numbers) {
            b.set(n);
        }
        return b;
    }

    @Test
    void offAutoAndListsParseAndPrintCanonically() {
        assertThat(ReceiveSteering.parse(" OFF ")).isEqualTo(ReceiveSteering.OFF);
        assertThat(ReceiveSteering.parse("auto")).isEqualTo(ReceiveSteering.AUTO);
        ReceiveSteering list = ReceiveSteering.parse("7, 2-4,5,9-9");
        assertThat(list.kind()).isEqualTo(ReceiveSteering.Kind.CPUS);
        assertThat(list.cpus()).isEqualTo(cpus(2, 3, 4, 5, 7, 9));
        assertThat(list.label()).isEqualTo("2-5,7,9");
        assertThat(ReceiveSteering.OFF.label()).isEqualTo("off");
        assertThat(ReceiveSteering.parse("8191").cpus()).isEqualTo(cpus(8191));
    }

    @Test
    void badListsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ReceiveSteering.parse("")).hasMessageContaining("at least one CPU");
        assertThatThrownBy(() -> ReceiveSteering.parse("on")).hasMessageContaining("must be off, auto or a CPU list");
        assertThatThrownBy(() -> ReceiveSteering.parse("3-1")).hasMessageContaining("reversed range \"3-1\"");
        assertThatThrownBy(() -> ReceiveSteering.parse("1,,2")).hasMessageContaining("must be off, auto");
        assertThatThrownBy(() -> ReceiveSteering.parse("0x3")).hasMessageContaining("must be off, auto");
        assertThatThrownBy(() -> ReceiveSteering.parse("-1")).hasMessageContaining("must be off, auto");
        assertThatThrownBy(() -> ReceiveSteering.parse("8192")).hasMessageContaining("beyond the kernel's limit");
        assertThatThrownBy(() -> ReceiveSteering.parse("0-99999")).hasMessageContaining("must be off, auto");
    }

    @Test
    void autoResolvesToTheAllowedCpusAndOffToNothing() {
        assertThat(ReceiveSteering.AUTO.resolve(cpus(0, 1, 3))).contains(cpus(0, 1, 3));
        assertThat(ReceiveSteering.parse("2").resolve(cpus(0, 1))).contains(cpus(2));
        assertThat(ReceiveSteering.OFF.resolve(cpus(0, 1))).isEmpty();
    }

    @Test
    void masksAreWrittenAndReadAsTheKernelPrintsThem() {
        assertThat(CpuList.hexMask(cpus(0, 1))).isEqualTo("3");
        assertThat(CpuList.hexMask(cpus(1, 2, 3, 4, 5, 6, 7))).isEqualTo("fe");
        assertThat(CpuList.hexMask(cpus(32))).isEqualTo("1,00000000");
        assertThat(CpuList.hexMask(cpus(0, 63, 64))).isEqualTo("1,80000000,00000001");
        assertThat(CpuList.hexMask(new BitSet())).isEqualTo("0");
        assertThat(CpuList.parseHexMask("00000000,00000003\n")).isEqualTo(cpus(0, 1));
        assertThat(CpuList.parseHexMask("1,80000000,00000001")).isEqualTo(cpus(0, 63, 64));
        assertThat(CpuList.parseHexMask("0")).isEqualTo(new BitSet());
        assertThatThrownBy(() -> CpuList.parseHexMask("1,,2")).hasMessageContaining("not a CPU mask");
        assertThatThrownBy(() -> CpuList.parseHexMask("123456789")).hasMessageContaining("not a CPU mask");
    }
}
