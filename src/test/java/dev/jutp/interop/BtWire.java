package dev.jutp.interop;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Just enough of the BitTorrent peer wire (BEP 3) for the libtorrent interop tests: handshake and
 * length-prefixed messages. Reserved bytes are zero, so no fast or extension protocol is negotiated.
 */
final class BtWire {
    static final byte[] PSTR = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    static final int BLOCK = 16384;
    static final int CHOKE = 0, UNCHOKE = 1, INTERESTED = 2, NOT_INTERESTED = 3, HAVE = 4, BITFIELD = 5,
            REQUEST = 6, PIECE = 7, CANCEL = 8;
    /** Largest message we accept: a piece message of one block with room to spare (libtorrent sends 16 KiB). */
    static final int MAX_MESSAGE = 1 << 17;

    private BtWire() {
    }

    /** One message: its id and its payload (the bytes after the id). */
    record Message(int id, byte[] payload) {
        ByteBuffer body() {
            return ByteBuffer.wrap(payload);
        }
    }

    static byte[] handshake(byte[] infoHash, String peerId) {
        return ByteBuffer.allocate(68).put((byte) 19).put(PSTR).put(new byte[8]).put(infoHash)
                .put(Arrays.copyOf(peerId.getBytes(StandardCharsets.US_ASCII), 20)).array();
    }

    /** Reads the peer's 68-byte handshake, checks protocol and info-hash; returns the peer id. */
    static byte[] readHandshake(DataInputStream in, byte[] infoHash) throws IOException {
        byte[] h = new byte[68];
        in.readFully(h);
        assertEquals(19, h[0]);
        assertArrayEquals(PSTR, Arrays.copyOfRange(h, 1, 20));
        assertArrayEquals(infoHash, Arrays.copyOfRange(h, 28, 48), "info-hash echoed");
        return Arrays.copyOfRange(h, 48, 68);
    }

    static void send(OutputStream out, int id, byte[] payload) throws IOException {
        out.write(ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array());
    }

    static void request(OutputStream out, int piece, int begin, int length) throws IOException {
        send(out, REQUEST, ByteBuffer.allocate(12).putInt(piece).putInt(begin).putInt(length).array());
    }

    /** A piece message carrying {@code length} bytes of {@code data} from {@code offset}, in one write. */
    static void piece(OutputStream out, int piece, int begin, byte[] data, int offset, int length) throws IOException {
        out.write(ByteBuffer.allocate(13 + length).putInt(9 + length).put((byte) PIECE).putInt(piece).putInt(begin)
                .put(data, offset, length).array());
    }

    /** A bitfield with the first {@code pieces} bits set (a seed's). */
    static byte[] allPieces(int pieces) {
        byte[] bits = new byte[(pieces + 7) / 8];
        for (int i = 0; i < pieces; i++) {
            bits[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return bits;
    }

    /** Next message, keep-alives skipped. Bounded by the stream's read timeout and the loop count. */
    static Message read(DataInputStream in) throws IOException {
        for (int i = 0; i < 1000; i++) {
            int len = in.readInt();
            if (len == 0) {
                continue;
            }
            assertTrue(len > 0 && len <= MAX_MESSAGE, "message length " + len);
            int id = in.readUnsignedByte();
            byte[] payload = new byte[len - 1];
            in.readFully(payload);
            return new Message(id, payload);
        }
        throw new AssertionError("only keep-alives");
    }
}
