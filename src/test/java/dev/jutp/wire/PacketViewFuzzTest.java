package dev.jutp.wire;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Jazzer target for the header and extension codec. Without JAZZER_FUZZ it replays the corpus in
 * src/test/resources/dev/jutp/wire/PacketViewFuzzTestInputs/parse; with JAZZER_FUZZ=1 it fuzzes.
 * Whatever the bytes: parse never throws, an accepted packet's parts lie inside the datagram,
 * and the header fields survive a write and re-parse.
 */
class PacketViewFuzzTest {
    private final PacketView view = new PacketView();

    @FuzzTest(maxDuration = "3m")
    void parse(byte[] data) {
        // At an odd offset inside a larger segment, so reads past the datagram would not fault.
        MemorySegment seg = MemorySegment.ofArray(new byte[data.length + 64]);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, seg, 3, data.length);
        int verdict = view.parse(seg, 3, data.length);
        assertEquals(Header.isUtpV1(seg, 3, data.length), verdict != PacketView.NOT_UTP);
        if (verdict != PacketView.OK) {
            return;
        }
        long end = 3L + data.length;
        assertTrue(view.payloadOffset >= 3 + Header.SIZE && view.payloadOffset + view.payloadLength == end);
        if (view.hasSack()) {
            assertTrue(view.sackOffset >= 3 + Header.SIZE + 2 && view.sackOffset + view.sackLength <= view.payloadOffset);
            for (int k = 0; k < view.sackLength * 8; k++) {
                Sack.isSet(seg, view.sackOffset, k);
            }
        }
        if (view.extensionBitsOffset >= 0) {
            assertTrue(view.extensionBitsOffset + 8 <= view.payloadOffset);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(Header.SIZE);
            Header.write(copy, 0, view.type, Header.extension(seg, 3), view.connectionId, view.timestamp,
                    view.timestampDifference, view.windowSize, view.seq, view.ack);
            assertEquals(-1L, copy.mismatch(seg.asSlice(3, Header.SIZE)), "header round trip");
            PacketView again = new PacketView();
            MemorySegment bare = arena.allocate(Header.SIZE);
            MemorySegment.copy(copy, 0, bare, 0, Header.SIZE);
            Header.setExtension(bare, 0, Header.EXT_NONE);
            assertEquals(PacketView.OK, again.parse(bare, 0, Header.SIZE));
            assertEquals(view.seq, again.seq);
            assertEquals(view.ack, again.ack);
            assertEquals(view.windowSize, again.windowSize);
            assertEquals(view.connectionId, again.connectionId);
            assertEquals(0, again.payloadLength);
        }
    }
}
