package dev.jutp.wire;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

class PacketViewTest {
    private final PacketView view = new PacketView();

    private static MemorySegment seg(byte[] b) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, b.length));
        MemorySegment.copy(MemorySegment.ofArray(b), 0, s, 0, b.length);
        return s;
    }

    private static byte[] header(int type, int ext) {
        MemorySegment s = Arena.ofAuto().allocate(20);
        Header.write(s, 0, type, ext, 0xBEEF, 0x01020304, 0x05060708, 0xFFFF_FFFFL, 0xFFFE, 0x0001);
        return s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void headerRoundTrip() {
        byte[] b = header(Header.ST_DATA, 0);
        assertEquals(0x01, b[0]);
        assertEquals(PacketView.OK, view.parse(seg(b), 0, b.length));
        assertEquals(Header.ST_DATA, view.type);
        assertEquals(0xBEEF, view.connectionId);
        assertEquals(0x01020304, view.timestamp);
        assertEquals(0x05060708, view.timestampDifference);
        assertEquals(0xFFFF_FFFFL, view.windowSize);
        assertEquals(0xFFFE, view.seq);
        assertEquals(1, view.ack);
        assertEquals(0, view.payloadLength);
        assertFalse(view.hasSack());
    }

    @Test
    void recognitionRules() {
        byte[] ok = header(Header.ST_STATE, 0);
        assertTrue(Header.isUtpV1(seg(ok), 0, 20));
        assertFalse(Header.isUtpV1(seg(ok), 0, 19));
        byte[] v0 = ok.clone();
        v0[0] = 0x20;
        assertFalse(Header.isUtpV1(seg(v0), 0, 20));
        byte[] t5 = ok.clone();
        t5[0] = 0x51;
        assertFalse(Header.isUtpV1(seg(t5), 0, 20));
        byte[] e3 = ok.clone();
        e3[1] = 3;
        assertFalse(Header.isUtpV1(seg(e3), 0, 20));
        assertEquals(PacketView.NOT_UTP, view.parse(seg(e3), 0, 20));
    }

    @Test
    void sackOfAnyLengthAndPayloadAfterIt() {
        byte[] b = concat(header(Header.ST_STATE, Header.EXT_SACK), new byte[] {0, 5, 1, 2, 3, 4, 5}, new byte[] {9, 9});
        assertEquals(PacketView.OK, view.parse(seg(b), 0, b.length));
        assertTrue(view.hasSack());
        assertEquals(5, view.sackLength);
        assertEquals(22, view.sackOffset);
        assertEquals(2, view.payloadLength);
        assertEquals(27, view.payloadOffset);
    }

    @Test
    void extensionBitsMustBeEightBytes() {
        byte[] good = concat(header(Header.ST_SYN, Header.EXT_BITS), new byte[] {0, 8}, new byte[8]);
        assertEquals(PacketView.OK, view.parse(seg(good), 0, good.length));
        assertEquals(22, view.extensionBitsOffset);
        byte[] bad = concat(header(Header.ST_SYN, Header.EXT_BITS), new byte[] {0, 7}, new byte[7]);
        assertEquals(PacketView.MALFORMED, view.parse(seg(bad), 0, bad.length));
    }

    @Test
    void unknownNonFirstExtensionIsSkipped() {
        byte[] b = concat(header(Header.ST_DATA, Header.EXT_SACK), new byte[] {77, 4, 0, 0, 0, 0}, new byte[] {0, 3, 1, 2, 3}, new byte[] {42});
        assertEquals(PacketView.OK, view.parse(seg(b), 0, b.length));
        assertEquals(1, view.payloadLength);
    }

    @Test
    void extensionsPastTheEndAreMalformed() {
        for (int len : new int[] {0, 1, 3, 5, 255}) {
            byte[] b = concat(header(Header.ST_STATE, Header.EXT_SACK), new byte[] {0, (byte) len});
            int verdict = view.parse(seg(b), 0, b.length);
            assertEquals(len == 0 ? PacketView.OK : PacketView.MALFORMED, verdict, "sack len " + len);
        }
        byte[] truncated = concat(header(Header.ST_STATE, Header.EXT_SACK), new byte[] {0});
        assertEquals(PacketView.MALFORMED, view.parse(seg(truncated), 0, truncated.length));
    }

    @Test
    void longExtensionChainTerminates() {
        // 100 chained unknown extensions of length 0: parsing walks them all and stops.
        java.io.ByteArrayOutputStream chain = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            chain.write(i == 99 ? 0 : 200);
            chain.write(0);
        }
        byte[] b = concat(header(Header.ST_DATA, Header.EXT_SACK), chain.toByteArray());
        assertEquals(PacketView.OK, view.parse(seg(b), 0, b.length));
        assertEquals(0, view.payloadLength);
    }

    @Test
    void sackBits() {
        MemorySegment m = Arena.ofAuto().allocate(4);
        Sack.set(m, 0, 0);
        Sack.set(m, 0, 9);
        Sack.set(m, 0, 31);
        assertTrue(Sack.isSet(m, 0, 0));
        assertTrue(Sack.isSet(m, 0, 9));
        assertTrue(Sack.isSet(m, 0, 31));
        assertFalse(Sack.isSet(m, 0, 1));
        assertEquals(0x01, m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        assertEquals(0x02, m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1));
        assertEquals((byte) 0x80, m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 3));
        assertEquals(2, Sack.seqOfBit(0xFFFF, 1));
    }
}
