package dev.jutp.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jutp.engine.UdpDefaults;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/**
 * libutp's default UDP sizes, defined once in the engine: the libutp API's default callbacks answer
 * libutp's numbers (Teredo sizes for IPv6), derived here from the header sizes libutp's source
 * subtracts.
 */
class DefaultUdpSizesTest {
    @Test
    void theValuesAreLibutpsArithmetic() {
        int ethernet = 1500, ipv4 = 20, ipv6 = 40, udp = 8, gre = 24, pppoe = 8, mppe = 2, fudge = 36, teredoMtu = 1280;
        assertEquals(ethernet - ipv4 - udp - gre - pppoe - mppe - fudge, UdpDefaults.IPV4_MTU_BYTES);
        assertEquals(teredoMtu - ipv6 - udp, UdpDefaults.IPV6_MTU_BYTES);
        assertEquals(ipv4 + udp, UdpDefaults.IPV4_OVERHEAD_BYTES);
        assertEquals(ipv6 + udp, UdpDefaults.IPV6_OVERHEAD_BYTES);
        assertEquals(ipv4 + udp + ipv6 + udp, UdpDefaults.TEREDO_OVERHEAD_BYTES);
    }

    @Test
    void theDefaultCallbacksAnswerThemPerFamily() {
        UtpCallbackArguments a = new UtpCallbackArguments();
        a.address = new InetSocketAddress("127.0.0.1", 6881);
        assertEquals(1402, UtpContext.Defaults.MTU.call(a));
        assertEquals(28, UtpContext.Defaults.OVERHEAD.call(a));
        a.address = new InetSocketAddress("::1", 6881);
        assertEquals(1232, UtpContext.Defaults.MTU.call(a));
        assertEquals(76, UtpContext.Defaults.OVERHEAD.call(a), "libutp charges Teredo's overhead to any IPv6 peer");
        a.address = null;
        assertEquals(1402, UtpContext.Defaults.MTU.call(a), "no address: IPv4's, as libutp");
    }
}
