package dev.jutp.sim;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpSocket;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * One bulk transfer: the sender writes {@code size} seeded random bytes as fast as the window
 * takes them, then closes (FIN); the receiver checks every byte against the source as it
 * arrives, hashes the stream (SHA-256), and closes on EOF. Optionally the receiving application
 * is slow: it holds data unread (reported through GET_READ_BUFFER_SIZE) and drains it at a fixed
 * rate, which drives the advertised window to zero.
 */
public final class BulkTransfer {
    private final Sim sim;
    private final byte[] data;
    private final MemorySegment source;
    private final String expectedSha;
    private final MessageDigest digest;

    UtpSocket sender;
    UtpSocket receiver;
    long written;
    boolean senderClosed;
    long received;
    long firstMismatch = -1;
    boolean eof;
    boolean senderDestroyed;
    boolean receiverDestroyed;
    int senderError = -1;
    int receiverError = -1;
    long unread;
    Counters senderCounters;
    Counters receiverCounters;
    long doneMicros;
    long connectedMicros;
    private long drainBytesPerTick;

    public BulkTransfer(Sim sim, int size) {
        this.sim = sim;
        this.data = new byte[size];
        new SplittableRandom(sim.seed() ^ 0x5DEECE66DL).nextBytes(data);
        this.source = MemorySegment.ofArray(data);
        this.expectedSha = sha256(data);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the receiving application slow: drain {@code bytesPerSecond} in 10 ms steps. */
    public BulkTransfer slowReader(long bytesPerSecond) {
        drainBytesPerTick = Math.max(1, bytesPerSecond / 100);
        return this;
    }

    public int size() {
        return data.length;
    }

    /** Wires both nodes and starts the connection from {@code from} to {@code to}. */
    public BulkTransfer start(UtpNode from, UtpNode to) {
        to.listen().app(receiverApp());
        from.app(senderApp());
        sender = from.connect(to.address());
        if (drainBytesPerTick > 0) {
            sim.every(10_000, () -> {
                if (unread > 0 && receiver != null && !receiverDestroyed) {
                    unread -= Math.min(unread, drainBytesPerTick);
                    utp_read_drained(receiver);
                }
                return !receiverDestroyed;
            });
        }
        return this;
    }

    public boolean finished() {
        return senderDestroyed && receiverDestroyed;
    }

    /** Null if every byte arrived once, in order, and both ends reached DESTROYING; else why not. */
    public String verdict() {
        if (firstMismatch >= 0) {
            return "byte " + firstMismatch + " differs from the source";
        }
        if (received != data.length) {
            return "received " + received + " of " + data.length + " bytes";
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        if (!sha.equals(expectedSha)) {
            return "SHA-256 " + sha + " != " + expectedSha;
        }
        if (!eof) {
            return "no EOF";
        }
        if (!finished()) {
            return "not terminal: sender destroyed=" + senderDestroyed + " receiver destroyed=" + receiverDestroyed;
        }
        return null;
    }

    private UtpApp senderApp() {
        return new UtpApp() {
            @Override public void onConnect(UtpNode node, UtpSocket s) {
                connectedMicros = sim.nowMicros();
                pump();
            }
            @Override public void onWritable(UtpNode node, UtpSocket s) { pump(); }
            @Override public void onError(UtpNode node, UtpSocket s, int code) {
                senderError = code;
                utp_close(s);
            }
            @Override public void onDestroying(UtpNode node, UtpSocket s) {
                senderCounters = Counters.of(utp_get_stats(s));
                senderDestroyed = true;
            }
        };
    }

    private void pump() {
        while (written < data.length) {
            long n = utp_write(sender, source.asSlice(written), data.length - written);
            if (n <= 0) {
                return;
            }
            written += n;
        }
        if (!senderClosed) {
            senderClosed = true;            // everything accepted: FIN follows the data
            utp_close(sender);
        }
    }

    private UtpApp receiverApp() {
        return new UtpApp() {
            @Override public void onAccept(UtpNode node, UtpSocket s) {
                if (receiver == null) {
                    receiver = s;
                } else {
                    utp_close(s);           // one transfer per instance
                }
            }
            @Override public void onRead(UtpNode node, UtpSocket s, MemorySegment buf) {
                int n = (int) buf.byteSize();
                ByteBuffer bb = buf.asByteBuffer();
                if (firstMismatch < 0) {
                    if (received + n > data.length) {
                        firstMismatch = data.length;        // more bytes than were ever sent
                    } else {
                        long at = MemorySegment.mismatch(buf, 0, n, source, received, received + n);
                        if (at >= 0) {
                            firstMismatch = received + at;
                        }
                    }
                }
                digest.update(bb);
                received += n;
                if (drainBytesPerTick > 0) {
                    unread += n;
                }
            }
            @Override public void onEof(UtpNode node, UtpSocket s) {
                eof = true;
                doneMicros = sim.nowMicros();
                utp_close(s);
            }
            @Override public void onError(UtpNode node, UtpSocket s, int code) {
                receiverError = code;
                utp_close(s);
            }
            @Override public void onDestroying(UtpNode node, UtpSocket s) {
                if (s == receiver) {
                    receiverCounters = Counters.of(utp_get_stats(s));
                    receiverDestroyed = true;
                }
            }
            @Override public long readBufferSize(UtpNode node, UtpSocket s) { return unread; }
        };
    }

    /** Counters of both ends: the snapshot at DESTROYING, or live values if still alive. */
    public Counters senderCounters() {
        return senderCounters != null ? senderCounters : Counters.of(utp_get_stats(sender));
    }

    public Counters receiverCounters() {
        return receiverCounters != null ? receiverCounters : receiver == null ? Counters.NONE : Counters.of(utp_get_stats(receiver));
    }

    /** Goodput over the data phase, bits per second of virtual time. */
    public double goodputBitsPerSecond() {
        long end = doneMicros > 0 ? doneMicros : sim.nowMicros();
        long span = Math.max(1, end - Math.max(connectedMicros, Sim.START_MICROS));
        return received * 8e6 / span;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
