package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jutp.net.Transports;

/**
 * Whether a test may run on a transport: the Linux transport exists only on Linux (x86-64, aarch64),
 * so elsewhere its cases skip with that reason; under CI (a Linux machine) its absence fails instead.
 */
public final class TransportAvailability {
    private TransportAvailability() {
    }

    /** Skips (or, under {@code CI=true}, fails) unless {@code transport} can run here. */
    public static void require(Transport transport) {
        boolean available = transport != Transport.LINUX || Transports.linuxSupported();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(available, "CI=true: the " + transport + " transport must be available here");
        }
        assumeTrue(available, "the linux transport needs Linux on x86-64 or aarch64");
    }
}
