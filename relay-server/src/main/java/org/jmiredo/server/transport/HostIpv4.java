package org.jmiredo.server.transport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jmiredo.proto.Ipv4;

/** The IPv4 addresses assigned to this host (in the process's network namespace), read with {@link NetworkInterface}. */
public final class HostIpv4 {
    private HostIpv4() {}

    /** Every IPv4 address of every interface, up or down, in network-order ints. */
    public static Set<Integer> addresses() throws SocketException {
        Set<Integer> addresses = new LinkedHashSet<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address v4) {
                    addresses.add(Ipv4.of(v4.getAddress()));
                }
            }
        }
        return addresses;
    }
}
