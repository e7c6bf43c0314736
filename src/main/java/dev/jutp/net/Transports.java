package dev.jutp.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Opens the best transport for this platform. System property {@code jutp.transport}: {@code nio},
 * {@code linux} or {@code auto} (default): Linux on x86-64/aarch64 when the FFM probe (libc lookup,
 * socket creation) works, otherwise NIO.
 */
public final class Transports {
    public static final String PROPERTY = "jutp.transport";

    private Transports() {
    }

    public static Transport open(InetSocketAddress bind, TransportOptions options) throws IOException {
        String choice = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "nio" -> NioTransport.open(bind, options);
            case "linux" -> {
                if (!linuxSupported()) {
                    throw new IOException("jutp.transport=linux needs Linux on x86-64 or aarch64, not "
                            + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
                }
                yield LinuxTransport.open(bind, options);
            }
            case "auto" -> openAuto(bind, options);
            default -> throw new IllegalArgumentException(PROPERTY + " must be nio, linux or auto: " + choice);
        };
    }

    /**
     * Links, on the calling thread, the native calls the Linux transport otherwise links at their
     * first use, before a client's first SYN goes out (the per-batch calls and the errno lookup). For
     * a short-lived process that opens one endpoint: run it on a second thread as the process starts,
     * while the first thread links the socket calls. Does nothing where the Linux transport is not
     * used; a failure is left for the transport to report.
     */
    public static void prepare() {
        String choice = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!linuxSupported() || choice.equals("nio")) {
            return;
        }
        try {
            Downcalls.criticalSyscall();
            Downcalls.errnoLocation();
        } catch (LinkageError | RuntimeException e) {
            // No native access or no such symbol: LinuxTransport.open falls back or reports it.
        }
    }

    /** True on the platforms whose struct layouts and constants {@link LibC} encodes. */
    public static boolean linuxSupported() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return os.equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    private static Transport openAuto(InetSocketAddress bind, TransportOptions options) throws IOException {
        if (linuxSupported()) {
            try {
                return LinuxTransport.open(bind, options);
            } catch (LinkageError | IllegalCallerException | UnsupportedOperationException e) {
                // FFM unavailable (native access denied, libc symbol missing): the portable path still works.
                return NioTransport.open(bind, options);
            }
        }
        return NioTransport.open(bind, options);
    }
}
