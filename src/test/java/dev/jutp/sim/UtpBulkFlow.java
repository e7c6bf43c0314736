package dev.jutp.sim;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One endless uTP bulk flow between two simulated nodes: the sender keeps its window full, the
 * receiver counts what arrives.
 */
public final class UtpBulkFlow {
    public final UtpNode sender;
    public final UtpNode receiver;
    private final MemorySegment chunk = Arena.ofAuto().allocate(65536);
    private UtpSocket socket;
    private long received;
    private int lastDelaySample;

    public UtpBulkFlow(UtpNode sender, UtpNode receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    /** Connects and starts sending now. */
    public UtpBulkFlow start() {
        receiver.listen().app(new UtpApp() {
            @Override public void onRead(UtpNode node, UtpSocket s, MemorySegment data) { received += data.byteSize(); }
        });
        sender.app(new UtpApp() {
            @Override public void onConnect(UtpNode node, UtpSocket s) { pump(); }
            @Override public void onWritable(UtpNode node, UtpSocket s) { pump(); }
            @Override public void onDelaySample(UtpNode node, UtpSocket s, int ms) { lastDelaySample = ms; }
        });
        sender.startTicking(UtpNode.DEFAULT_TICK_MICROS);
        receiver.startTicking(UtpNode.DEFAULT_TICK_MICROS);
        socket = sender.connect(receiver.address());
        return this;
    }

    private void pump() {
        for (int i = 0; i < 10_000 && utp_write(socket, chunk, chunk.byteSize()) > 0; i++) {
            // keep the window full; bounded so a broken window test cannot spin forever
        }
    }

    public boolean started() {
        return socket != null;
    }

    public long received() {
        return received;
    }

    public long congestionWindow() {
        return socket == null ? 0 : utp_get_stats(socket).congestionWindow();
    }

    public int lastDelaySample() {
        return lastDelaySample;
    }

    public void destroy() {
        sender.destroy();
        receiver.destroy();
    }
}
