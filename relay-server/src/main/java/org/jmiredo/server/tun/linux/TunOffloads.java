package org.jmiredo.server.tun.linux;

import org.jmiredo.server.sys.TunSyscalls;

/**
 * The offloads a TUN device was opened with: what TUNSETOFFLOAD accepted. With any of them the device
 * speaks virtio headers ({@code IFF_VNET_HDR}): reads may be GSO super-packets or carry partial checksums,
 * and writes may be super-packets the kernel segments.
 */
public enum TunOffloads {
    /** Plain packets, no virtio header. */
    NONE("none", 0),
    /** Partial checksums and TCP/IPv6 segmentation (TSO6, with ECN). */
    TSO("tso", TunSyscalls.TUN_F_CSUM | TunSyscalls.TUN_F_TSO6 | TunSyscalls.TUN_F_TSO_ECN),
    /** TSO and UDP segmentation (USO, Linux 6.2). */
    TSO_USO("tso+uso", TSO.flags | TunSyscalls.TUN_F_USO4 | TunSyscalls.TUN_F_USO6);

    private final String label;
    private final int flags;

    TunOffloads(String label, int flags) {
        this.label = label;
        this.flags = flags;
    }

    /** The metric and log spelling. */
    public String label() {
        return label;
    }

    /** The TUNSETOFFLOAD flags. */
    int flags() {
        return flags;
    }

    /** True when reads and writes carry a virtio header. */
    public boolean vnetHeader() {
        return this != NONE;
    }

    /** True when the kernel segments UDP super-packets we write (and may hand us some). */
    public boolean udpSegmentation() {
        return this == TSO_USO;
    }
}
