package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A thousand connections on the virtual network: how often an idle endpoint wakes, and what happens
 * to streams the application drops without closing them.
 */
class StreamScaleSimTest {
    private static final int CONNECTIONS = 1_000;

    /** Opens {@link #CONNECTIONS} connections from a to b; returns the server sides. */
    private static List<UtpStream> connectAll(VirtualStreamNet net, VirtualStreamNet.Host a, VirtualStreamNet.Host b,
                                              List<UtpStream> clients) throws Exception {
        UtpListener l = b.endpoint.listen();
        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(a.endpoint.startConnect(b.addr));
        }
        List<UtpStream> servers = new ArrayList<>();
        assertTrue(net.runUntil(() -> {
            for (UtpStream s; (s = l.poll()) != null; ) {
                servers.add(s);
            }
            return servers.size() == CONNECTIONS && clients.stream().allMatch(UtpStream::isConnected);
        }, 30_000), "all connected: " + servers.size());
        return servers;
    }

    @Test
    void anIdleEndpointWakesForDueKeepAlivesOnlyNotOnATick() throws Exception {
        try (VirtualStreamNet net = new VirtualStreamNet(11)) {
            VirtualStreamNet.Host a = net.host(1, 5000, UtpOptions.defaults());
            VirtualStreamNet.Host b = net.host(2, 6000, UtpOptions.defaults());
            List<UtpStream> clients = new ArrayList<>();
            List<UtpStream> servers = connectAll(net, a, b, clients);
            // Stagger the connections' last activity over 29 s, the worst case for coalescing.
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).getOutputStream().write(1);
                net.run(29);
            }
            net.run(60_000);
            long before = a.wakeups;
            int minutes = 10;
            net.run(minutes * 60_000L);
            double perMinute = (a.wakeups - before) / (double) minutes;
            System.out.printf("idle endpoint, %d connections: %.1f wake-ups per minute (a fixed 50 ms tick: 1200)%n",
                    CONNECTIONS, perMinute);
            // Every connection's keep-alive is due every 29 s; one wake-up serves all connections due
            // within the next second, so at most one wake-up a second for our keep-alives and one for
            // the arrival of each group of the peer's.
            assertTrue(perMinute <= 125, "wake-ups per minute: " + perMinute);
            assertTrue(perMinute >= 2, "keep-alives still go out: " + perMinute);
            assertEquals(CONNECTIONS, servers.stream().filter(UtpStream::isConnected).count(), "all alive");
        }
    }

    @Test
    void droppedStreamsAreReclaimedAndTheirPeersSeeTheEnd() throws Exception {
        try (VirtualStreamNet net = new VirtualStreamNet(12)) {
            VirtualStreamNet.Host a = net.host(1, 5000, UtpOptions.defaults().withLinger(java.time.Duration.ofSeconds(2)));
            VirtualStreamNet.Host b = net.host(2, 6000, UtpOptions.defaults().withReceiveBufferBytes(16 * 1024));
            List<UtpStream> clients = new ArrayList<>();
            List<UtpStream> servers = connectAll(net, a, b, clients);
            // Half leave bytes their peer will not take (it never reads, its window is 16 KiB): RST
            // once the linger passes. Half leave nothing pending: FIN.
            for (int i = 0; i < CONNECTIONS; i += 2) {
                clients.get(i).getOutputStream().write(new byte[100_000]);
            }
            clients.clear();                         // dropped without close()
            boolean done = false;
            for (int round = 0; round < 50 && !done; round++) {
                System.gc();
                done = net.runUntil(() -> a.driver.connectionCount() == 0, 1_000);
            }
            assertTrue(done, "every dropped stream was closed: " + a.driver.connectionCount() + " connections left");
            net.run(1_000);
            int eofs = 0;
            int resets = 0;
            for (UtpStream s : servers) {
                try {
                    s.getInputStream().readAllBytes();
                    eofs++;
                } catch (java.net.SocketException e) {
                    assertEquals("connection reset by peer", e.getMessage());
                    resets++;
                }
            }
            assertEquals(CONNECTIONS / 2, eofs, "FIN for the streams with nothing pending");
            assertEquals(CONNECTIONS / 2, resets, "RST for the streams whose bytes could not be delivered");
            assertEquals(0, a.driver.streamCount(), "the endpoint holds none of them any more");
        }
    }
}
