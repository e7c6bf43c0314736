package dev.jutp.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LinuxTransportTest extends AbstractTransportTest {
    @BeforeAll
    static void requireLinux() {
        // This suite exists to test the Linux path; on any other platform it must fail, not skip.
        assertTrue(Transports.linuxSupported(), "the Linux transport tests need Linux on x86-64 or aarch64");
    }

    @Override
    Transport openTransport(InetSocketAddress bind, TransportOptions options) throws IOException {
        return LinuxTransport.open(bind, options);
    }

    @Override
    boolean expectsIcmpErrors() {
        return true;
    }

    @Override
    int kernelDefaultReceiveBuffer() throws IOException {
        // getsockopt reports the kernel's value; the JDK halves it on Linux.
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("/proc/sys/net/core/rmem_default"))) {
            return Integer.parseInt(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
        }
    }

    /**
     * Zero allocation per datagram must not depend on the JIT: in a JVM whose compiler does no
     * escape analysis (C1 only) and in the interpreter, a receive+send cycle allocates nothing once
     * the first round has initialised what it uses. (The JDK's captured-errno downcalls sliced a segment per call, which only
     * C2 removed: 80 to 160 bytes per cycle before C2 had compiled the path.)
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"-XX:TieredStopAtLevel=1", "-Xint"})
    void steadyStateAllocatesNothingWithoutEscapeAnalysis(String jitFlag) throws Exception {
        java.util.List<String> cmd = java.util.List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", jitFlag, "-cp", System.getProperty("java.class.path"),
                PingPongAllocation.class.getName(), "4");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "child JVM did not finish");
        org.junit.jupiter.api.Assertions.assertEquals(0, p.exitValue(), out);
        // The first round pays for first use (class initialisation, address cache); then nothing.
        org.junit.jupiter.api.Assertions.assertEquals("0 0 0", out.substring(out.indexOf(' ') + 1),
                "bytes allocated per cycle, by round (" + jitFlag + "): " + out);
    }

    @Test
    void groRunIsSplitIntoTheSentDatagrams() throws IOException {
        LinuxTransport sender = (LinuxTransport) open(V4_ANY_PORT);
        LinuxTransport receiver = (LinuxTransport) open(V4_ANY_PORT);
        assertTrue(sender.usesGso(), "kernel refused UDP GSO at probe time");
        int count = 20;
        MemorySegment slab = arena.allocate(count * 1000L);
        OutgoingBatch out = new OutgoingBatch(count);
        InetSocketAddress to = receiver.localAddress();
        DatagramBatch in = new DatagramBatch(arena, 8, DatagramBatch.MAX_SLOT_BYTES);
        receiver.receive(in);                   // nothing yet; turns GRO on for full-size slots
        assertTrue(receiver.usesGro(), "kernel refused UDP_GRO");
        for (int i = 0; i < count; i++) {
            int length = i == count - 1 ? 300 : 1000;
            fill(slab.asSlice(i * 1000L, length), i);
            out.add(slab, i * 1000L, length, to, 0);
        }
        sendAll(sender, out);
        int got = 0;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (got < count && System.nanoTime() < deadline) {
            receiver.awaitReadable(TimeUnit.MILLISECONDS.toNanos(50));
            int n = receiver.receive(in);
            for (int i = 0; i < n; i++) {
                int id = got + i;
                MemorySegment expected = slab.asSlice(id * 1000L, id == count - 1 ? 300 : 1000);
                MemorySegment actual = in.segment().asSlice(in.offset(i), in.length(i));
                assertEquals(-1L, expected.mismatch(actual), "datagram " + id);
                assertEquals(sender.localAddress(), in.source(i));
            }
            got += n;
        }
        assertEquals(count, got);
        assertTrue(receiver.counters().groBuffers() > 0, "the GSO run was not coalesced on receive");
    }

    @Test
    void gsoRunArrivesAsSeparateDatagramsAtAPlainReceiver() throws IOException {
        Transport sender = open(V4_ANY_PORT);
        Transport plain = open(V4_ANY_PORT, TransportOptions.defaults(), "nio");
        assertTrue(sender.usesGso(), "kernel refused UDP GSO at probe time");
        int count = 11;
        int[] lengths = {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 500};
        MemorySegment slab = arena.allocate(count * 1000L);
        OutgoingBatch out = new OutgoingBatch(count);
        InetSocketAddress to = plain.localAddress();
        for (int i = 0; i < count; i++) {
            // Separate slots, not one contiguous buffer: each becomes its own iovec of the GSO message.
            MemorySegment slot = slab.asSlice(i * 1000L, lengths[i]);
            fill(slot, i);
            out.add(slab, i * 1000L, lengths[i], to, 0);
        }
        sendAll(sender, out);
        assertEquals(count, sender.counters().gsoSends(), "the run did not leave as one GSO message");
        DatagramBatch in = new DatagramBatch(arena, 32, 65_536);
        int got = 0;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (got < count && System.nanoTime() < deadline) {
            plain.awaitReadable(TimeUnit.MILLISECONDS.toNanos(50));
            int n = plain.receive(in);
            for (int i = 0; i < n; i++) {
                int id = got + i;
                assertEquals(lengths[id], in.length(i), "datagram " + id);
                MemorySegment expected = slab.asSlice(id * 1000L, lengths[id]);
                MemorySegment actual = in.segment().asSlice(in.offset(i), in.length(i));
                assertEquals(-1L, expected.mismatch(actual), "datagram " + id);
                assertEquals(id, actual.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            }
            got += n;
        }
        assertEquals(count, got);
    }

    /**
     * Only MTU probes carry DF on IPv4: a plain datagram leaves it clear (IP_PMTUDISC_DONT, as the
     * NIO transport's IP_DONTFRAGMENT=false), so a narrower router fragments it rather than drop it.
     */
    @Test
    void onlyDontFragmentDatagramsCarryTheDfBit() throws IOException {
        LinuxTransport sender = (LinuxTransport) open(V4_ANY_PORT);
        Transport receiver = open(V4_ANY_PORT);
        assertEquals(LibC.IP_PMTUDISC_DONT, sender.ipv4PathMtuDiscoveryMode(), "DF off before any send");
        MemorySegment slab = arena.allocate(600);
        OutgoingBatch out = new OutgoingBatch(4);
        out.add(slab, 0, 600, receiver.localAddress(), Transport.FLAG_DONTFRAG);
        sendAll(sender, out);
        assertEquals(LibC.IP_PMTUDISC_DO, sender.ipv4PathMtuDiscoveryMode(), "a probe carries DF");
        out.add(slab, 0, 600, receiver.localAddress(), 0);
        sendAll(sender, out);
        assertEquals(LibC.IP_PMTUDISC_DONT, sender.ipv4PathMtuDiscoveryMode(), "plain datagrams do not");
        DatagramBatch in = new DatagramBatch(arena, 4, 2048);
        assertEquals(2, drain(receiver, in, 2));
    }

    @Test
    void mixedDestinationsAndFlagsSplitGsoRuns() throws IOException {
        Transport sender = open(V4_ANY_PORT);
        Transport a = open(V4_ANY_PORT);
        Transport b = open(V4_ANY_PORT);
        MemorySegment slab = arena.allocate(600);
        OutgoingBatch out = new OutgoingBatch(16);
        InetSocketAddress toA = a.localAddress();
        InetSocketAddress toB = b.localAddress();
        InetSocketAddress[] order = {toA, toA, toB, toA, toA, toA, toB, toB};
        for (int i = 0; i < order.length; i++) {
            out.add(slab, 0, 600, order[i], i == 5 ? Transport.FLAG_DONTFRAG : 0);
        }
        sendAll(sender, out);
        DatagramBatch in = new DatagramBatch(arena, 16, 2048);
        assertEquals(5, drain(a, in, 5));
        assertEquals(3, drain(b, in, 3));
    }

    /**
     * The endpoint's receive batch (64 slots of 64 KiB) costs no page before it is used: the Linux
     * transport maps it rather than allocate and zero it (Arena.allocate touches all 1,024 pages, 12 ms
     * before a client's first SYN on a small VM). Read from /proc/self/pagemap (bit 63: page present).
     * A small datagram then touches the page it lands on, and closing the arena unmaps the memory.
     */
    @Test
    void receiveBatchMemoryIsBackedOnlyWhereDatagramsLandAndUnmappedWithItsArena() throws IOException {
        Transport sender = open(V4_ANY_PORT);
        Transport receiver = open(V4_ANY_PORT);
        long batchBytes = DatagramBatch.slabBytes(64, DatagramBatch.MAX_SLOT_BYTES);
        try (Arena own = Arena.ofShared()) {
            DatagramBatch zeroed = new DatagramBatch(own, 64, DatagramBatch.MAX_SLOT_BYTES);
            assertEquals(batchBytes / PAGE, presentPages(zeroed.segment()), "Arena.allocate zeroes every page");

            DatagramBatch in = receiver.newReceiveBatch(own, 64, DatagramBatch.MAX_SLOT_BYTES);
            assertEquals(batchBytes, in.segment().byteSize());
            assertEquals(0, presentPages(in.segment()), "pages backed before any receive");
            assertEquals(0, in.segment().get(ValueLayout.JAVA_LONG, batchBytes - 8), "reads as zeroed memory");

            MemorySegment payload = arena.allocate(100);
            fill(payload, 7);
            OutgoingBatch out = new OutgoingBatch(1);
            out.add(payload, 0, 100, receiver.localAddress(), 0);
            sendAll(sender, out);
            assertEquals(1, drain(receiver, in, 1));
            assertEquals(-1L, payload.mismatch(in.segment().asSlice(in.offset(0), in.length(0))));
            long present = presentPages(in.segment());
            assertTrue(present >= 1 && present <= 2, present + " pages backed after one 100-byte datagram");
        }
        // Unmapped on close: 64 more such batches leave the process's address space as it was (each is
        // 4 MiB, so without munmap it would grow by 256 MiB).
        long before = virtualMemoryKib();
        for (int i = 0; i < 64; i++) {
            try (Arena own = Arena.ofShared()) {
                receiver.newReceiveBatch(own, 64, DatagramBatch.MAX_SLOT_BYTES);
            }
        }
        long grown = virtualMemoryKib() - before;
        assertTrue(grown < 64 * 1024, "address space grew by " + grown + " KiB");
    }

    private static final long PAGE = 4096;

    /** Pages of {@code segment} (page-aligned, a multiple of 4 KiB) the kernel has backed. */
    private static long presentPages(MemorySegment segment) throws IOException {
        long pages = segment.byteSize() / PAGE;
        byte[] entries = new byte[(int) pages * 8];
        try (var file = new java.io.RandomAccessFile("/proc/self/pagemap", "r")) {
            file.seek(segment.address() / PAGE * 8);
            file.readFully(entries);
        }
        java.nio.ByteBuffer map = java.nio.ByteBuffer.wrap(entries).order(java.nio.ByteOrder.nativeOrder());
        long present = 0;
        for (int i = 0; i < pages; i++) {
            if (map.getLong(i * 8) < 0) {
                present++;
            }
        }
        return present;
    }

    private static long virtualMemoryKib() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmSize in /proc/self/status");
    }

    private static int drain(Transport t, DatagramBatch in, int expected) {
        int got = 0;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (got < expected && System.nanoTime() < deadline) {
            t.awaitReadable(TimeUnit.MILLISECONDS.toNanos(50));
            got += t.receive(in);
        }
        return got;
    }

    private Transport open(InetSocketAddress bind, TransportOptions options, String kind) throws IOException {
        Transport t = NioTransport.open(bind, options);
        assertEquals(kind, t.name());
        return track(t);
    }
}
