package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 #1: 1,000 peers each open a connection and flood it with 1-byte and empty DATA
 * packets out of order (the packet after the SYN never comes). Every such packet used to pin a
 * whole 2 KiB slot whatever the window said (1,023 per connection, 2 MiB behind a 64 KiB
 * window). Now each connection holds at most its window plus 16 KiB of slots, the rest are
 * dropped and counted, and once the gap fills the slab gives its chunks back.
 */
class OutOfOrderFloodTest {
    static final int CONNECTIONS = 1000;
    static final int PACKETS_PER_CONNECTION = 300;   // seq +2 .. +301, the next expected (+1) missing
    static final int RCVBUF = 64 * 1024;
    static final int SLOT = 2048;
    static final int SLACK = 16 * 1024;
    static final int CHUNK_BYTES = 256 * SLOT;

    record Peer(InetSocketAddress addr, int connId, int isn) { }

    @Test
    void tinyOutOfOrderPacketsCannotPinMoreThanTheWindowAndTheSlabShrinksAfterwards() throws UnknownHostException {
        UtpContext ctx = utp_init(2);
        long[] now = {1_000_000};
        Map<InetSocketAddress, Integer> synAckSeq = new HashMap<>();
        List<UtpSocket> accepted = new ArrayList<>();
        long[] delivered = {0};
        try (Arena arena = Arena.ofConfined()) {
            utp_set_callback(ctx, UTP_GET_MILLISECONDS, a -> now[0] / 1000);
            utp_set_callback(ctx, UTP_GET_MICROSECONDS, a -> now[0]);
            utp_set_callback(ctx, UTP_SENDTO, a -> {
                MemorySegment b = a.buf();
                int type = (b.get(ValueLayout.JAVA_BYTE, 0) >> 4) & 0xF;
                if (type == 2 && !synAckSeq.containsKey(a.address())) {
                    // The initiator acks one less than the SYN-ACK's seq (libutp's ack_nr = seq_nr - 1).
                    synAckSeq.put(a.address(), -1 + Short.toUnsignedInt(b.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 16)));
                }
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_ACCEPT, a -> {
                accepted.add(a.socket());
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_READ, a -> {
                delivered[0] += a.len();
                return 0;
            });
            utp_context_set_option(ctx, UTP_RCVBUF, RCVBUF);
            MemorySegment rx = arena.allocate(2048);

            List<Peer> peers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                InetAddress ip = InetAddress.getByAddress(new byte[] {10, 7, (byte) (i >> 8), (byte) i});
                Peer p = new Peer(new InetSocketAddress(ip, 40_000 + i), 100 + i, 5000 + i);
                peers.add(p);
                feed(ctx, rx, Harness.packet(4, p.connId(), p.isn(), 0, RCVBUF, 0, 0, null, null), p.addr());
            }
            assertEquals(CONNECTIONS, accepted.size());
            UtpContextStats stats = utp_get_context_stats(ctx);
            long before = stats.packetMemoryBytes();

            for (int k = 2; k <= PACKETS_PER_CONNECTION + 1; k++) {
                byte[] payload = k % 2 == 0 ? new byte[] {(byte) k} : new byte[0];
                for (Peer p : peers) {
                    int ack = synAckSeq.get(p.addr());
                    feed(ctx, rx, Harness.packet(0, p.connId() + 1, (p.isn() + k) & 0xFFFF, ack, RCVBUF, 0, 0, null, payload), p.addr());
                }
            }
            int perConnectionBound = (RCVBUF + SLACK) / SLOT;
            long peak = stats.packetMemoryBytes();
            int slots = stats.packetSlotsInUse();
            long drops = 0;
            for (UtpSocket s : accepted) {
                drops += utp_get_stats(s).windowOverrunDrops();
            }
            System.out.printf("OOO flood: %d connections x %d packets (1-byte and empty): %d slots held (bound %d per connection),"
                    + " %d drops, slab %d -> %d bytes%n", CONNECTIONS, PACKETS_PER_CONNECTION, slots, perConnectionBound, drops, before, peak);
            assertEquals((long) CONNECTIONS * perConnectionBound, slots, "every connection holds exactly its bound");
            assertTrue(peak <= (long) CONNECTIONS * (RCVBUF + SLACK) + 2L * CHUNK_BYTES, "slab " + peak);
            long oneBytePackets = PACKETS_PER_CONNECTION / 2;
            assertEquals((long) CONNECTIONS * (oneBytePackets - perConnectionBound), drops, "every 1-byte packet past the bound counted");

            // The burst ends: the missing packet arrives and everything held is delivered.
            for (Peer p : peers) {
                feed(ctx, rx, Harness.packet(0, p.connId() + 1, (p.isn() + 1) & 0xFFFF, synAckSeq.get(p.addr()), RCVBUF, 0, 0, null, new byte[] {1}), p.addr());
            }
            utp_check_timeouts(ctx);           // frees the slots whose data was handed out
            assertEquals((long) CONNECTIONS * (1 + perConnectionBound), delivered[0]);
            assertEquals(0, stats.packetSlotsInUse());
            System.out.printf("after the gap filled: slab %d bytes%n", stats.packetMemoryBytes());
            assertTrue(stats.packetMemoryBytes() <= 2L * CHUNK_BYTES,
                    "the slab gave its chunks back but its spare of two: " + stats.packetMemoryBytes());
        } finally {
            utp_destroy(ctx);
        }
    }

    private static void feed(UtpContext ctx, MemorySegment rx, byte[] datagram, InetSocketAddress from) {
        MemorySegment.copy(MemorySegment.ofArray(datagram), 0, rx, 0, datagram.length);
        assertEquals(1, utp_process_udp(ctx, rx, datagram.length, from));
    }
}
