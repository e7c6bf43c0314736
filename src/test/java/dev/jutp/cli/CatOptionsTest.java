package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatOptionsTest {
    @Test
    void connectModeWithEveryOption() throws Exception {
        CatOptions o = CatOptions.parse(new String[] {"-dd", "-d", "-p", "4000", "-s", "::1", "-B", "64K", "-n", "-6",
                "--progress", "--stats", "--timeout", "2.5", "--transport", "LINUX", "::1", "9000"});
        assertEquals(CatOptions.Mode.CAT, o.mode());
        assertEquals(3, o.debug());
        assertFalse(o.listen());
        assertEquals(4000, o.localPort());
        assertEquals("::1", o.source());
        assertEquals(65536, o.bufferBytes());
        assertEquals(64 << 20, CatOptions.parse(new String[] {"-B", "64M", "h", "1"}).bufferBytes());
        assertTrue(o.numeric() && o.ipv6() && o.stats());
        assertEquals(Boolean.TRUE, o.progress());
        assertEquals(Duration.ofMillis(2500), o.timeout());
        assertEquals(Transport.LINUX, o.transport());
        assertEquals("::1", o.host());
        assertEquals(9000, o.port());
    }

    @Test
    void listenModeDefaults() throws Exception {
        CatOptions o = CatOptions.parse(new String[] {"-l", "-p", "9000"});
        assertTrue(o.listen());
        assertEquals(9000, o.localPort());
        assertNull(o.host());
        assertNull(o.progress());
        assertNull(o.timeout());
        assertNull(o.transport());
        assertEquals(-1, o.bufferBytes());
        assertEquals(0, o.debug());
        assertFalse(CatOptions.parse(new String[] {"--no-progress", "h", "1"}).progress());
    }

    @Test
    void bufferSizeIsTheStdinReadSizeAndLeavesTheUtpBuffersAlone() throws Exception {
        // ucat's -B is its stdin buffer; a small one must not shrink the uTP window (4K would cap
        // a 50 ms path at 80 KB/s). utpcat's stream buffers are 8 MiB whatever -B says.
        CatOptions o = CatOptions.parse(new String[] {"-B", "4096", "--timeout", "3", "h", "1"});
        assertEquals(4096, o.bufferBytes());
        dev.jutp.UtpOptions uo = Session.utpOptions(o);
        assertEquals(Session.STREAM_BUFFER_BYTES, uo.receiveBufferBytes());
        assertEquals(Session.STREAM_BUFFER_BYTES, uo.sendBufferBytes());
        assertEquals(8 << 20, Session.STREAM_BUFFER_BYTES);
        assertEquals(Duration.ofSeconds(3), uo.connectTimeout());
    }

    @Test
    void congestionControlChoice() throws Exception {
        assertNull(CatOptions.parse(new String[] {"h", "1"}).congestion(), "the library's default (LEDBAT++)");
        CatOptions classic = CatOptions.parse(new String[] {"--congestion", "ledbat", "h", "1"});
        assertEquals(dev.jutp.CongestionControl.LEDBAT, classic.congestion());
        assertEquals(dev.jutp.CongestionControl.LEDBAT, Session.utpOptions(classic).congestionControl());
        CatOptions plus = CatOptions.parse(new String[] {"demo", "--congestion", "LEDBAT++"});
        assertEquals(dev.jutp.CongestionControl.LEDBAT_PLUS_PLUS, Session.utpOptions(plus).congestionControl());
        UsageException e = assertThrows(UsageException.class,
                () -> CatOptions.parse(new String[] {"--congestion", "cubic", "h", "1"}));
        assertTrue(e.getMessage().contains("ledbat++ or ledbat"), e.getMessage());
    }

    @Test
    void demoSizes() throws Exception {
        assertEquals(100L << 20, CatOptions.parse(new String[] {"demo"}).demoSize());
        CatOptions o = CatOptions.parse(new String[] {"demo", "--size", "20M", "--transport", "nio"});
        assertEquals(CatOptions.Mode.DEMO, o.mode());
        assertEquals(20L << 20, o.demoSize());
        assertEquals(Transport.NIO, o.transport());
        assertEquals(1L << 30, CatOptions.parse(new String[] {"demo", "--size", "1GiB"}).demoSize());
        assertEquals(12345, CatOptions.parse(new String[] {"demo", "--size", "12345"}).demoSize());
    }

    @Test
    void bracketedIpv6LiteralIsNumeric() throws Exception {
        assertEquals("[::1]", CatOptions.parse(new String[] {"-n", "[::1]", "1"}).host());
        assertTrue(Addresses.isLiteral("[fe80::1]"));
        assertFalse(Addresses.isLiteral("localhost"));
        assertEquals("::", Addresses.compress("0:0:0:0:0:0:0:0"));
        assertEquals("::1", Addresses.compress("0:0:0:0:0:0:0:1"));
        assertEquals("fe80::1%2", Addresses.compress("fe80:0:0:0:0:0:0:1%2"));
        assertEquals("2001:db8::1:0:0:1", Addresses.compress("2001:db8:0:0:1:0:0:1"));
        assertEquals("1:0:2:3:4:5:6:7", Addresses.compress("1:0:2:3:4:5:6:7"));
    }

    @Test
    void rejectsNonsense() {
        String[][] bad = {{}, {"-l"}, {"-l", "-p", "x"}, {"h"}, {"h", "0"}, {"h", "1", "2"}, {"-p", "70000", "h", "1"},
            {"--progress", "--no-progress", "h", "1"}, {"--timeout", "0", "h", "1"}, {"-B", "2G", "h", "1"}, {"-B", "65M", "h", "1"},
            {"demo", "--size", "0"}, {"demo", "--size", "99999999999T"}, {"--bogus", "h", "1"},
            {"-n", "-s", "localhost", "127.0.0.1", "1"}, {"-n", "-l", "-p", "1", "-s", "localhost"}};
        for (String[] args : bad) {
            assertThrows(UsageException.class, () -> CatOptions.parse(args), String.join(" ", args));
        }
    }

    @Test
    void sizesFormatAndParse() throws Exception {
        assertEquals("999 B", Sizes.bytes(999));
        assertEquals("1.5 KiB", Sizes.bytes(1536));
        assertEquals("20.0 MiB", Sizes.bytes(20L << 20));
        assertEquals("1:05", Sizes.clock(65));
        assertEquals("1:00:00", Sizes.clock(3600));
        assertEquals(4096, Sizes.parse("4k"));
        assertEquals(3L << 20, Sizes.parse("3MB"));
        assertThrows(UsageException.class, () -> Sizes.parse("-1"));
        assertThrows(UsageException.class, () -> Sizes.parse("M"));
    }

    @Test
    void progressLineShowsEtaOnlyWithAKnownSize() {
        Progress known = new Progress(1000, System.err, false);
        known.addSent(1000);
        assertTrue(known.line().startsWith("sent 1000 B / 1000 B (100%) "), known.line());
        assertTrue(known.line().contains(" ETA 0:00 "), known.line());
        Progress unknown = new Progress(-1, System.err, false);
        unknown.addReceived(2048);
        assertFalse(unknown.line().contains("ETA"), unknown.line());
        assertTrue(unknown.line().contains("| received 2.0 KiB "), unknown.line());
    }
}
