package org.jmiredo.pipeline;

import org.jmiredo.proto.TeredoHeaders;

/**
 * What the decoder learnt about the datagram now travelling down one UDP channel's pipeline, shared by
 * that channel's handlers. All of them run on the channel's event loop, one datagram at a time, so a
 * single reusable instance per channel replaces a message object per packet.
 */
final class DecodedDatagram {
    final TeredoHeaders headers = new TeredoHeaders();
    int srcIpv4;
    int srcPort;
}
