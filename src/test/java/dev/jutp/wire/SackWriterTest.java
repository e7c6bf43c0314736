package dev.jutp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SACK extension writer, byte for byte, at an odd offset over a dirty buffer. */
class SackWriterTest {
    static final int OFF = 3;

    static MemorySegment dirty() {
        byte[] b = new byte[OFF + SackWriter.EXTENSION_BYTES + 2];
        Arrays.fill(b, (byte) 0xAA);            // stale bytes from the previous packet, and guards
        return MemorySegment.ofArray(b);
    }

    static String hex(MemorySegment s) {
        return HexFormat.of().formatHex(s.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void marksTheReceivedSequenceNumbersAfterTheGap() {
        MemorySegment s = dirty();
        int ack = 100;                          // 101 is missing; bit k is seq 102 + k
        Set<Integer> held = Set.of(102, 104, 111, 131);
        int n = SackWriter.write(s, OFF, ack, 30, held::contains);
        assertEquals(6, n);
        // next extension 0, length 4; mask bytes: bits 0, 2 -> 0x05; bit 9 -> byte 1 0x02; bit 29 -> byte 3 0x20
        assertEquals("aaaaaa" + "00" + "04" + "05" + "02" + "00" + "20" + "aaaa", hex(s));
        assertTrue(Sack.isSet(s, OFF + 2, 29));
        assertFalse(Sack.isSet(s, OFF + 2, 1));
    }

    @Test
    void neverSetsTheTwoBitsLibutpLeavesClearNorBitsBeyondTheBuffer() {
        MemorySegment s = dirty();
        SackWriter.write(s, OFF, 0xFFFF, 32, seq -> true);   // wraps: bit 0 is seq 1
        assertEquals("aaaaaa" + "0004" + "ffffff3f" + "aaaa", hex(s), "bits 30 and 31 stay clear");
        s = dirty();
        SackWriter.write(s, OFF, 7, 4, seq -> true);          // a reorder ring of 4 covers bits 0..3 only
        assertEquals("aaaaaa" + "0004" + "0f000000" + "aaaa", hex(s));
    }

    @Test
    void asksAboutTheWrappedSequenceNumbers() {
        MemorySegment s = dirty();
        SackWriter.write(s, OFF, 0xFFFE, 30, seq -> seq == 0 || seq == 2);  // bit 0 is seq 0
        assertEquals("aaaaaa" + "0004" + "05000000" + "aaaa", hex(s));
    }
}
