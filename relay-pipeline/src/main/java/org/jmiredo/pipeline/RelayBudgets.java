package org.jmiredo.pipeline;

import org.jmiredo.engine.PerSecondBudget;
import org.jmiredo.engine.RelaySettings;

/**
 * The relay's per-second budgets that bound what it sends for the whole relay, each one instance shared by every
 * event loop (lock-free, {@link PerSecondBudget}): ICMPv6 errors ({@code icmp.errors-per-second}) and bubbles to
 * peers without an entry and to unproved peers over their credit ({@code relay.unknown-bubbles-per-second}). A SIGHUP's new rates are set on them once, by
 * {@link RelayDataPath#update}.
 */
record RelayBudgets(PerSecondBudget icmpErrors, PerSecondBudget unknownBubbles) {
    /** New budgets at the rates of {@code settings}. */
    static RelayBudgets of(RelaySettings settings) {
        return new RelayBudgets(
                new PerSecondBudget(settings.icmpErrorsPerSecond()),
                new PerSecondBudget(settings.unknownBubblesPerSecond()));
    }
}
