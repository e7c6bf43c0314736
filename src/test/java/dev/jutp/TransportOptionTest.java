package dev.jutp;

import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.net.Transports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** The typed transport option, its names, and the system property that still overrides {@code AUTO}. */
class TransportOptionTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void namesRoundTripAndNonsenseIsRejected() {
        for (Transport t : Transport.values()) {
            assertEquals(t, Transport.fromId(t.id()));
            assertEquals(t, Transport.fromId(" " + t.id().toUpperCase(java.util.Locale.ROOT) + " "));
        }
        assertEquals("linux", Transport.LINUX.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.fromId("epoll"));
        assertTrue(e.getMessage().contains("nio, linux or auto"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Transport.fromId(null));
        assertThrows(NullPointerException.class, () -> UtpOptions.defaults().withTransport(null));
        assertEquals(Transport.AUTO, UtpOptions.defaults().transport());
        assertEquals(Transport.NIO, UtpOptions.defaults().withTransport(Transport.NIO).transport());
    }

    @Test
    void theChosenTransportIsTheOneBound() throws IOException {
        try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, UtpOptions.defaults().withTransport(Transport.NIO))) {
            assertEquals("nio", ep.transportName());
        }
        if (Transports.linuxSupported()) {
            try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, UtpOptions.defaults().withTransport(Transport.LINUX))) {
                assertEquals(Transport.LINUX.id(), ep.transportName());
            }
        } else {
            IOException e = assertThrows(IOException.class,
                    () -> UtpEndpoint.bind(LOOPBACK, UtpOptions.defaults().withTransport(Transport.LINUX)));
            assertTrue(e.getMessage().contains("needs Linux"), e.getMessage());
        }
    }

    /** {@code -Djutp.transport} picks the transport behind {@code AUTO}, and only behind it. */
    @Test
    void thePropertyOverridesAutoOnly() throws IOException {
        String saved = System.getProperty(Transports.PROPERTY);
        try {
            System.setProperty(Transports.PROPERTY, "nio");
            try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, UtpOptions.defaults())) {
                assertEquals("nio", ep.transportName(), "AUTO follows the property");
            }
            if (Transports.linuxSupported()) {
                try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, UtpOptions.defaults().withTransport(Transport.LINUX))) {
                    assertEquals("linux", ep.transportName(), "an explicit choice wins over the property");
                }
            }
            System.setProperty(Transports.PROPERTY, "epoll");
            assertThrows(IllegalArgumentException.class, () -> UtpEndpoint.bind(LOOPBACK, UtpOptions.defaults()));
        } finally {
            if (saved == null) {
                System.clearProperty(Transports.PROPERTY);
            } else {
                System.setProperty(Transports.PROPERTY, saved);
            }
        }
    }
}
