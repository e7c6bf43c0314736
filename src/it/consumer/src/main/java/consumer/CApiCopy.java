package consumer;

import static dev.jutp.capi.Utp.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.jutp.capi.UtpContext;
import dev.jutp.capi.UtpSocket;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Sends bytes from one libutp-API context to another, as a host program of libutp's API would, with
 * the host's "UDP" an in-process queue between two loopback addresses (no socket, so no loss).
 */
public final class CApiCopy {
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress RECEIVER = new InetSocketAddress("127.0.0.1", 40002);
    private static final int MAX_ROUNDS = 100_000;

    private record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {}

    private final ArrayDeque<Datagram> wire = new ArrayDeque<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final byte[] data;
    private UtpSocket sender;
    private int written;
    private boolean eof;

    private CApiCopy(byte[] data) {
        this.data = data;
    }

    /** Writes {@code data} on a socket of one context and returns what the other context read before EOF. */
    public static byte[] inMemory(byte[] data) {
        return new CApiCopy(data).run();
    }

    private UtpContext context(InetSocketAddress self) {
        UtpContext ctx = utp_init(2);
        utp_set_callback(ctx, UTP_SENDTO, a -> {
            wire.add(new Datagram(self, a.address(), a.buf().toArray(JAVA_BYTE)));
            return 0;
        });
        return ctx;
    }

    private byte[] run() {
        UtpContext a = context(SENDER);
        UtpContext b = context(RECEIVER);
        try {
            utp_set_callback(a, UTP_ON_STATE_CHANGE, e -> {
                if (e.state() == UTP_STATE_CONNECT || e.state() == UTP_STATE_WRITABLE) {
                    writeMore();
                }
                return 0;
            });
            utp_set_callback(b, UTP_ON_ACCEPT, e -> 0); // as in libutp: without it, connections are refused
            utp_set_callback(b, UTP_ON_READ, e -> {
                received.writeBytes(e.buf().toArray(JAVA_BYTE));
                utp_read_drained(e.socket());
                return 0;
            });
            utp_set_callback(b, UTP_ON_STATE_CHANGE, e -> {
                if (e.state() == UTP_STATE_EOF) {
                    eof = true;
                    utp_close(e.socket());
                }
                return 0;
            });
            sender = utp_create_socket(a);
            if (utp_connect(sender, RECEIVER) != 0) {
                throw new IllegalStateException("utp_connect failed");
            }
            for (int round = 0; round < MAX_ROUNDS && !eof; round++) {
                for (int n = wire.size(); n > 0; n--) {
                    Datagram d = wire.poll();
                    UtpContext to = d.to().equals(RECEIVER) ? b : a;
                    utp_process_udp(to, MemorySegment.ofArray(d.bytes()), d.bytes().length, d.from());
                }
                utp_issue_deferred_acks(a);
                utp_issue_deferred_acks(b);
                utp_check_timeouts(a);
                utp_check_timeouts(b);
            }
            if (!eof) {
                throw new IllegalStateException("no EOF after " + MAX_ROUNDS + " rounds; received " + received.size());
            }
            return received.toByteArray();
        } finally {
            utp_destroy(a);
            utp_destroy(b);
        }
    }

    /** Fills the send window; closes once every byte is queued (the FIN follows the data). */
    private void writeMore() {
        while (written < data.length) {
            long n = utp_write(sender, MemorySegment.ofArray(data).asSlice(written), data.length - written);
            if (n <= 0) {
                return;
            }
            written += (int) n;
        }
        utp_close(sender);
        written++; // closed: later WRITABLE events find nothing to do
    }
}
