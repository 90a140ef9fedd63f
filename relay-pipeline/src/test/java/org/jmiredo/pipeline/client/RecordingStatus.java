package org.jmiredo.pipeline.client;

import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.proto.TeredoAddress;

/**
 * What a client channel reported to the daemon, in order: "qualified ADDRESS", "unqualified WHY", "servers P S";
 * and the address it holds now ({@link #address}: high and low halves, null while unqualified).
 */
final class RecordingStatus implements ClientStatus {
    final List<String> reports = new ArrayList<>();
    final List<ClientState> states = new ArrayList<>();
    long[] address;

    @Override
    public void qualified(long addressHi, long addressLo, int mtu) {
        reports.add("qualified " + TeredoAddress.toString(addressHi, addressLo));
        address = new long[] {addressHi, addressLo};
    }

    @Override
    public void unqualified(QualificationFailure why) {
        reports.add("unqualified " + why);
        address = null;
    }

    @Override
    public void state(ClientState state) {
        states.add(state);
    }

    @Override
    public void servers(int primary, int secondary) {
        reports.add("servers " + primary + " " + secondary);
    }
}
