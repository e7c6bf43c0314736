package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel refusing a send (EAGAIN on a full socket send buffer, libtorrent #3542's "packets
 * lost that were never sent") is counted by {@link UtpEndpoint#sendBufferStalls()}, and the refused
 * datagrams wait and go out as the buffer drains instead of being dropped: the transfer completes
 * byte-exact with (almost) no retransmission. Before, each refused datagram was dropped and
 * resent: 150–220 retransmissions per 2 MB on the NIO transport, a 10 MB transfer took 21 s
 * instead of 5 s at 20 Mbit/s. Loopback never refuses a send, so the sender (16 KiB socket
 * buffers) runs in a network namespace whose loopback a tbf qdisc limits to 20 Mbit/s: datagrams
 * wait in the qdisc, charged to the sender's socket buffer, as on a slow uplink.
 */
class SendBufferStallTest {
    static final String THROTTLE = "tc qdisc add dev lo root tbf rate 20mbit burst 16kb limit 4mb";
    static final int SIZE = 2_000_000;

    @ParameterizedTest
    @ValueSource(strings = {"nio", "linux"})
    void refusedSendsWaitInsteadOfBeingLost(String transport) throws Exception {
        NamespaceRun.Result r = NamespaceRun.checkedTransfer(THROTTLE, "tc (iproute2)", transport, SIZE, 16 * 1024);
        assertTrue(r.stalls() > 0, "the throttled link never refused a send: " + r.line());
        // A refused datagram that was dropped would be retransmitted: there were 14-45 stalls.
        assertTrue(r.retransmits() <= 5, "refused datagrams were lost and resent: " + r.line());
    }
}
