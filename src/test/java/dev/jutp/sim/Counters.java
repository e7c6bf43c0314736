package dev.jutp.sim;

import dev.jutp.capi.UtpSocketStats;

/** A snapshot of one socket's counters (taken before the handle dies at DESTROYING). */
public record Counters(int fastRetransmits, int timeoutRetransmits, int recoveryRetransmits,
                       int packetsSent, int packetsReceived, int mtuGuess, int duplicatesReceived) {
    public static final Counters NONE = new Counters(0, 0, 0, 0, 0, 0, 0);

    static Counters of(UtpSocketStats s) {
        return new Counters(s.rexmit(), s.timeoutRetransmits(), s.fastrexmit(), s.nxmit(), s.nrecv(),
                s.mtu_guess(), s.nduprecv());
    }
}
