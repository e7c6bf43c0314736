package dev.jutp;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Idle streams hold no buffers: rings are allocated at the first byte and dropped at EOF. */
class StreamRingTest {
    @Test
    void ringsAreAllocatedOnFirstUseAndDroppedWhenFinished() throws Exception {
        try (UtpEndpoint server = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0));
             UtpEndpoint client = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0))) {
            UtpListener listener = server.listen();
            UtpStream c = client.connect(server.localAddress());
            c.getOutputStream().write(new byte[10]);                 // confirms the connection
            UtpStream s = listener.accept(Duration.ofSeconds(10));
            assertNotNull(s);
            UtpStream idle = client.connect(server.localAddress());
            assertEquals(0, idle.ringBytes(), "a connected, idle stream holds no ring");
            assertTrue(c.ringBytes() > 0, "the writer's send ring exists");
            byte[] got = s.getInputStream().readNBytes(10);
            assertEquals(10, got.length);
            assertTrue(s.ringBytes() > 0, "the reader's receive ring exists");
            c.shutdownOutput();
            assertEquals(-1, s.getInputStream().read());
            assertEquals(0, s.ringBytes(), "drained to EOF: receive ring dropped");
            s.getOutputStream().write(new byte[5]);
            s.shutdownOutput();
            assertEquals(5, c.getInputStream().readAllBytes().length);
            assertEquals(0, c.ringBytes(), "output shut down, EOF read: both rings dropped");
            idle.close();
            c.close();
            s.close();
        }
    }
}
