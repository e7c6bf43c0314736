package dev.jutp.cli;

import dev.jutp.net.Transports;
import java.security.SecureRandom;

/**
 * Start-up work of the endpoint that does not depend on the command line, done on a second thread
 * once the options are parsed, while the main thread links the native call that opens the socket:
 * linking the per-batch native calls and the errno lookup the I/O thread needs before the first SYN
 * goes out ({@link Transports#prepare()}), and loading the security providers (the endpoint's
 * {@link SecureRandom}). Both are class or JDK initialisation done once, so the endpoint finds them
 * done or waits for them to finish; on a machine with a free core they cost no time to the first SYN.
 */
final class StartupWarmup {
    private StartupWarmup() {}

    static void start() {
        Thread.ofPlatform().daemon().name("utpcat-warmup").start(StartupWarmup::run);
    }

    private static void run() {
        try {
            Transports.prepare();
            new SecureRandom().nextLong();
        } catch (RuntimeException | Error e) {
            // Only a head start: the endpoint does the same work itself and reports what fails.
        }
    }
}
