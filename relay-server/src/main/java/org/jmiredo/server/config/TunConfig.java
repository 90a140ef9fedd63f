package org.jmiredo.server.config;

import org.jmiredo.server.tun.linux.ReceiveSteering;
import org.jmiredo.server.tun.linux.TunOffloadMode;

/**
 * {@code jmiredo.tun}: the tunnel interface.
 *
 * @param name the interface name (at most 15 characters)
 * @param mtu the interface MTU, at least 1280
 * @param readBudget most packets read from one TUN queue per event-loop wake-up
 * @param persistent attach to a persistent device the host created and configured, instead of creating and
 *     configuring one (which needs CAP_NET_ADMIN)
 * @param offload checksum and segmentation offloads on the device (IFF_VNET_HDR): auto, on or off
 * @param txQueueLength the device's txqueuelen (packets the kernel holds for the relay to read); 0 keeps the
 *     kernel's default
 * @param receiveSteering the CPUs the kernel's receive packet steering hands the packets the relay writes to the
 *     tunnel (rps_cpus of its receive queues): off, auto or a CPU list
 */
public record TunConfig(
        String name,
        int mtu,
        int readBudget,
        boolean persistent,
        TunOffloadMode offload,
        int txQueueLength,
        ReceiveSteering receiveSteering) {}
