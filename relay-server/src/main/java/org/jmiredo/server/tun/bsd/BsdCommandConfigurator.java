package org.jmiredo.server.tun.bsd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.jmiredo.server.netlink.InterfaceConfigurator;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the relay's tunnel interface on a BSD or macOS with the system's ifconfig(8) and route(8)
 * ({@link BsdInterfacePlan}), as Miredo's scripts do on some systems. Chosen over the ioctls (SIOCAIFADDR_IN6 with
 * a struct in6_aliasreq whose layout differs per system, and a routing-socket message) because the commands'
 * syntax is documented and stable where the structs are not, and because the plan can be checked here as data,
 * where no BSD kernel is at hand to check a struct against. Three child processes at start (a few ms each), two
 * at stop; nothing per packet. A host's own device ({@code tun.persistent}) is Linux-only.
 */
public final class BsdCommandConfigurator implements InterfaceConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(BsdCommandConfigurator.class);

    private final BsdFlavor flavor;
    private final Commands commands;

    public BsdCommandConfigurator(BsdFlavor flavor, Commands commands) {
        this.flavor = flavor;
        this.commands = commands;
    }

    @Override
    public ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        List<List<String>> steps = BsdInterfacePlan.configure(flavor, spec);
        List<List<String>> undo = BsdInterfacePlan.undo(flavor, spec);
        for (int i = 0; i < steps.size(); i++) {
            try {
                commands.run(steps.get(i));
            } catch (IOException e) {
                // Only the address (step 0) needs undoing: the route is the last step, so it was not added, and
                // deleting it could take someone else's route for the prefix.
                undoQuietly(i == 0 ? List.of() : undo.subList(1, 2));
                throw new InterfaceConfigException(
                        "cannot set up the tunnel interface " + spec.name() + ": " + e.getMessage(), e);
            }
        }
        return () -> undoQuietly(undo);
    }

    private void undoQuietly(List<List<String>> steps) {
        for (List<String> step : steps) {
            try {
                commands.run(step);
            } catch (IOException e) {
                LOG.debug("undoing the tunnel set-up: {}", e.getMessage()); // the interface may be gone already
            }
        }
    }

    @Override
    public List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) throws InterfaceConfigException {
        throw new InterfaceConfigException("jmiredo.tun.persistent is built for Linux only");
    }

    /** Nothing is watched on the BSDs (no tunnel watch runs there): reports the link up and nothing restored. */
    @Override
    public Restoration restore(TunnelInterfaceSpec spec) {
        return new Restoration(true, new ArrayList<>());
    }

    @Override
    public boolean serving(TunnelInterfaceSpec spec) {
        return true;
    }

    @Override
    public String routing(TunnelInterfaceSpec spec) {
        return "route " + spec.prefixText() + " (" + flavor.label() + " ifconfig/route)";
    }
}
