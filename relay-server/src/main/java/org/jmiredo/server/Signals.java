package org.jmiredo.server;

import org.jmiredo.server.sys.SignalDisposition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * POSIX signal handling through {@code sun.misc.Signal} (module jdk.unsupported; jdk.internal.misc.Signal
 * is not exported). Handling TERM and INT ourselves replaces the JVM's default, which runs the shutdown
 * hooks and exits with 128 + signal: the daemon stops cleanly and exits 0, as an init system expects.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /**
     * As {@link #handle}, for a signal the daemon gives a meaning of its own (SIGHUP: reload): taken even when
     * whoever started the daemon ignored it, e.g. {@code nohup}, for which the JVM would install no handler.
     */
    static boolean handleEvenIfIgnored(String name, int number, Runnable action) {
        if (SignalDisposition.unignore(number)) {
            LOG.info("SIG{} was ignored by whoever started the daemon (nohup?): the daemon takes it again", name);
        }
        return handle(name, action);
    }

    /**
     * Runs {@code action} on the JVM's signal thread whenever {@code name} ("TERM", "INT", "HUP") arrives.
     *
     * @return false when the signal cannot be handled (the JVM runs with -Xrs, or the OS lacks it)
     */
    static boolean handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> action.run());
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("cannot handle SIG{}: {}", name, e.getMessage());
            return false;
        }
    }
}
