package dev.jutp;

import static org.junit.jupiter.api.Assertions.*;


import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Datagrams that are not uTP share the endpoint's port both ways: {@link UtpEndpoint#sendDatagram}
 * sends from the endpoint's socket through its I/O loop, and the datagram handler receives (and can
 * answer from the I/O thread).
 */
class DatagramSharingTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int RECEIVE_TIMEOUT_MILLIS = 10_000;

    /** Linux-only transports are skipped elsewhere; under CI (a Linux machine) their absence fails. */
    private static UtpOptions options(Transport transport) {
        TransportAvailability.require(transport);
        return UtpOptions.defaults().withTransport(transport);
    }

    private static DatagramChannel plainSocket() throws IOException {
        DatagramChannel ch = DatagramChannel.open().bind(LOOPBACK);
        ch.socket().setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
        return ch;
    }

    /** Receives one datagram (bounded by the socket timeout) and checks where it came from. */
    private static byte[] receive(DatagramChannel ch, InetSocketAddress expectedSource) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[70_000], 70_000);
        ch.socket().receive(p);
        assertEquals(expectedSource, p.getSocketAddress(), "sent from the endpoint's own port");
        return Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "LINUX"})
    void sendDatagramLeavesFromTheEndpointsPort(Transport transport) throws Exception {
        try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, options(transport));
             DatagramChannel peer = plainSocket()) {
            InetSocketAddress to = (InetSocketAddress) peer.getLocalAddress();
            byte[] small = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe".getBytes(StandardCharsets.US_ASCII);
            byte[] large = new byte[20_000];       // beyond a staging slot: its own native copy
            new Random(18).nextBytes(large);
            ByteBuffer direct = ByteBuffer.allocateDirect(large.length).put(large).flip();

            ByteBuffer smallBuf = ByteBuffer.wrap(small);
            ep.sendDatagram(to, smallBuf);
            assertFalse(smallBuf.hasRemaining(), "the datagram's bytes were consumed");
            ep.sendDatagram(to, direct);
            ep.sendDatagram(to, ByteBuffer.allocate(0));

            assertArrayEquals(small, receive(peer, ep.localAddress()));
            assertArrayEquals(large, receive(peer, ep.localAddress()), "in order, and whole");
            assertEquals(0, receive(peer, ep.localAddress()).length, "an empty datagram is a datagram");
            assertEquals(0, ep.internalErrors());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "LINUX"})
    void theHandlerAnswersOnTheSharedPort(Transport transport) throws Exception {
        try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, options(transport));
             DatagramChannel peer = plainSocket()) {
            ep.setDatagramHandler((datagram, from) -> {
                ByteBuffer reply = ByteBuffer.allocate(5 + datagram.remaining());
                reply.put("pong:".getBytes(StandardCharsets.US_ASCII)).put(datagram).flip();
                try {
                    ep.sendDatagram(from, reply);         // on the I/O thread
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            peer.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), ep.localAddress());
            assertEquals("pong:ping", new String(receive(peer, ep.localAddress()), StandardCharsets.US_ASCII));
            assertEquals(0, ep.internalErrors(), "the handler's send did not throw");
        }
    }

    @Test
    void badCallsFailAtOnceAndMoveNothing() throws Exception {
        UtpEndpoint ep = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), options(Transport.NIO));
        InetSocketAddress somewhere = new InetSocketAddress("127.0.0.1", 9);
        ByteBuffer b = ByteBuffer.wrap(new byte[10]);
        try (ep) {
            assertThrows(NullPointerException.class, () -> ep.sendDatagram(null, b));
            assertThrows(NullPointerException.class, () -> ep.sendDatagram(somewhere, null));
            assertThrows(IllegalArgumentException.class,
                    () -> ep.sendDatagram(InetSocketAddress.createUnresolved("example.invalid", 9), b));
            assertThrows(IllegalArgumentException.class, () -> ep.sendDatagram(new InetSocketAddress("127.0.0.1", 0), b));
            assertThrows(IllegalArgumentException.class, () -> ep.sendDatagram(UnixDomainSocketAddress.of("x"), b));
            IllegalArgumentException family = assertThrows(IllegalArgumentException.class,
                    () -> ep.sendDatagram(new InetSocketAddress("::1", 9), b));
            assertTrue(family.getMessage().contains("address family mismatch"), family.getMessage());
            ByteBuffer tooLarge = ByteBuffer.allocate(EndpointRequests.MAX_UDP_PAYLOAD_V4_BYTES + 1);
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> ep.sendDatagram(somewhere, tooLarge));
            assertTrue(size.getMessage().contains("at most 65507"), size.getMessage());
            assertEquals(0, tooLarge.position(), "a refused datagram is not consumed");
            assertEquals(0, b.position());
        }
        IOException closed = assertThrows(IOException.class, () -> ep.sendDatagram(somewhere, b));
        assertEquals("endpoint closed", closed.getMessage());
    }

    /** On the virtual network: the driver queues the datagram and its next pass sends it, in virtual time. */
    @Test
    void theDriverSendsItOnItsNextPass() throws Exception {
        try (VirtualStreamNet net = new VirtualStreamNet(18)) {
            VirtualStreamNet.Host host = net.host(1, 6000, UtpOptions.defaults());
            VirtualStreamNet.RawHost peer = net.raw(2, 6001);
            long start = net.nowNanos();
            host.endpoint.sendDatagram(peer.addr, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertTrue(net.runUntil(() -> !peer.inbox.isEmpty(), 1_000), "delivered within one link delay");
            assertArrayEquals(new byte[] {1, 2, 3}, peer.inbox.poll());
            assertEquals(net.latencyNanos, net.nowNanos() - start, "sent at once, not on a later timer");
        }
    }
}
