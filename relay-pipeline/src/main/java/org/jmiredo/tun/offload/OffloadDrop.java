package org.jmiredo.tun.offload;

/** Why a packet read with a virtio header was dropped instead of being delivered. */
public enum OffloadDrop {
    /** The virtio header contradicts the packet (checksum position outside it, zero gso_size, lengths). */
    MALFORMED,
    /** A GSO type or layout not split here: IPv4, UFO, or IPv6 extension headers before TCP/UDP. */
    UNSUPPORTED
}
