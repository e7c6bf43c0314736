package dev.jutp.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportsTest {
    private static final InetSocketAddress BIND = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final String saved = System.getProperty(Transports.PROPERTY);

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(Transports.PROPERTY);
        } else {
            System.setProperty(Transports.PROPERTY, saved);
        }
    }

    @Test
    void autoPicksLinuxWhereSupported() throws IOException {
        System.clearProperty(Transports.PROPERTY);
        try (Transport t = Transports.open(BIND, TransportOptions.defaults())) {
            assertEquals(Transports.linuxSupported() ? "linux" : "nio", t.name());
        }
    }

    @Test
    void propertySelectsTheTransport() throws IOException {
        System.setProperty(Transports.PROPERTY, "nio");
        try (Transport t = Transports.open(BIND, TransportOptions.defaults())) {
            assertEquals("nio", t.name());
        }
        System.setProperty(Transports.PROPERTY, "LINUX");
        if (Transports.linuxSupported()) {
            try (Transport t = Transports.open(BIND, TransportOptions.defaults())) {
                assertEquals("linux", t.name());
            }
        } else {
            assertThrows(IOException.class, () -> Transports.open(BIND, TransportOptions.defaults()));
        }
    }

    @Test
    void unknownPropertyValueIsRejected() {
        System.setProperty(Transports.PROPERTY, "epoll");
        assertThrows(IllegalArgumentException.class, () -> Transports.open(BIND, TransportOptions.defaults()));
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> TransportOptions.defaults().withReceiveBufferBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> TransportOptions.defaults().withMaxDatagramsPerSyscall(0));
        assertThrows(IllegalArgumentException.class, () -> TransportOptions.defaults().withMaxDatagramsPerSyscall(1025));
    }
}
