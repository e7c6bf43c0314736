package dev.jutp.wire;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/** The header codec at an odd (unaligned) offset, byte for byte against BEP 29's big-endian layout. */
class HeaderTest {
    static final int OFF = 3;

    static MemorySegment fresh() {
        byte[] b = new byte[OFF + Header.SIZE + 2];
        java.util.Arrays.fill(b, (byte) 0xAA);              // guard bytes show writes that spill
        return MemorySegment.ofArray(b);
    }

    static String hex(MemorySegment s) {
        return HexFormat.of().formatHex(s.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void writeLaysOutBigEndianFieldsAtAnUnalignedOffset() {
        MemorySegment s = fresh();
        Header.write(s, OFF, Header.ST_SYN, Header.EXT_SACK, 0xBEEF, 0x01020304, 0x8000_0001, 0x0A0B_0C0DL, 0xFFFE, 0x1234);
        assertEquals("aaaaaa" + "41" + "01" + "beef" + "01020304" + "80000001" + "0a0b0c0d" + "fffe" + "1234" + "aaaa", hex(s));
        assertEquals(Header.ST_SYN, Header.type(s, OFF));
        assertEquals(1, Header.version(s, OFF));
        assertEquals(Header.EXT_SACK, Header.extension(s, OFF));
        assertEquals(0xBEEF, Header.connectionId(s, OFF));
        assertEquals(0x01020304, Header.timestamp(s, OFF));
        assertEquals(0x8000_0001, Header.timestampDifference(s, OFF));
        assertEquals(0x0A0B_0C0DL, Header.windowSize(s, OFF));
        assertEquals(0xFFFE, Header.seq(s, OFF));
        assertEquals(0x1234, Header.ack(s, OFF));
    }

    @Test
    void windowIsUnsigned32BitAndClampedOnWrite() {
        MemorySegment s = fresh();
        Header.write(s, OFF, Header.ST_STATE, 0, 1, 0, 0, 0xFFFF_FFFFL, 0, 0);
        assertEquals(0xFFFF_FFFFL, Header.windowSize(s, OFF), "read as unsigned");
        Header.setWindowSize(s, OFF, 1L << 40);
        assertEquals(0xFFFF_FFFFL, Header.windowSize(s, OFF), "larger values clamp, not wrap");
        Header.setWindowSize(s, OFF, -5);
        assertEquals(0, Header.windowSize(s, OFF), "negative values clamp to 0");
    }

    @Test
    void settersTouchOnlyTheirOwnBytes() {
        MemorySegment s = fresh();
        Header.write(s, OFF, Header.ST_DATA, 0, 0x1111, 0x22222222, 0x33333333, 0x44444444L, 0x5555, 0x6666);
        Header.setExtension(s, OFF, Header.EXT_BITS);
        Header.setTimestamps(s, OFF, 0x77777777, 0x88888888);
        Header.setAck(s, OFF, 0x9999);
        assertEquals("aaaaaa" + "01" + "02" + "1111" + "77777777" + "88888888" + "44444444" + "5555" + "9999" + "aaaa", hex(s));
    }

    @Test
    void recognitionNeverReadsOutsideTheGivenRange() {
        MemorySegment s = fresh();
        Header.write(s, OFF, Header.ST_DATA, 0, 1, 0, 0, 0, 0, 0);
        assertTrue(Header.isUtpV1(s, OFF, Header.SIZE));
        assertFalse(Header.isUtpV1(s, OFF, Header.SIZE + 3), "length past the segment");
        assertFalse(Header.isUtpV1(s, -1, Header.SIZE), "negative offset");
        assertFalse(Header.isUtpV1(s, OFF, Header.SIZE - 1));
        Header.setExtension(s, OFF, 2);
        assertTrue(Header.isUtpV1(s, OFF, Header.SIZE), "extension 2 (bits) is a known first extension");
    }
}
