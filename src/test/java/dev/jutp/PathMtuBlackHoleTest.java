package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A path narrower than the 1402-byte first guess whose routers' ICMP "fragmentation needed" is
 * filtered: IPv4 datagrams with DF over 1100 bytes vanish (an nft rule on the namespace's
 * loopback), datagrams without DF pass as a router would fragment them. Only MTU probes carry
 * DF, so data flows from the first packet and the search settles below the hole. With the
 * kernel's default (DF on every datagram, as a libutp application's socket has) every full-size
 * packet vanished and the connection timed out.
 */
class PathMtuBlackHoleTest {
    static final int IP_LIMIT = 1100;
    static final String BLACK_HOLE = "nft add table ip bh"
            + " && nft add chain ip bh out '{ type filter hook output priority 0; }'"
            + " && nft add rule ip bh out ip protocol udp ip frag-off '&' 0x4000 != 0 ip length '>' " + IP_LIMIT + " drop";
    static final int SIZE = 2_000_000;

    @ParameterizedTest
    @ValueSource(strings = {"nio", "linux"})
    void dataGetsThroughAndTheSearchSettlesBelowTheHole(String transport) throws Exception {
        NamespaceRun.Result r = NamespaceRun.checkedTransfer(BLACK_HOLE, "nft (nftables)", transport, SIZE, 0);
        assertTrue(r.mtu() <= IP_LIMIT - 28, "MTU guess above the hole: " + r.line());
    }
}
