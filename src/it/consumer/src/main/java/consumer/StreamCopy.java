package consumer;

import dev.jutp.UtpListener;
import dev.jutp.UtpStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Sends bytes to itself over uTP on loopback with the stream API, as an application would. */
public final class StreamCopy {
    private StreamCopy() {}

    /** Connects to a listener on 127.0.0.1, writes {@code data}, closes, and returns what the listener read. */
    public static byte[] overLoopback(byte[] data) throws Exception {
        try (UtpListener listener = UtpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (UtpStream in = listener.accept(); InputStream is = in.getInputStream()) {
                    return is.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (UtpStream out = UtpStream.connect(listener.localAddress()); OutputStream os = out.getOutputStream()) {
                os.write(data);
            }
            return received.get(60, TimeUnit.SECONDS);
        }
    }
}
