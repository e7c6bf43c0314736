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
    /** Choice names, as {@link #PROPERTY} spells them. */
    public static final String AUTO = "auto", NIO = "nio", LINUX = "linux";

    private Transports() {
    }

    /**
     * Opens the transport the system property {@link #PROPERTY} names ({@code auto} when unset).
     *
     * @throws IllegalArgumentException if the property names no transport
     */
    public static Transport open(InetSocketAddress bind, TransportOptions options) throws IOException {
        return open(System.getProperty(PROPERTY, AUTO), bind, options);
    }

    /**
     * Opens the transport {@code choice} names: {@code nio}, {@code linux} or {@code auto}
     * (case-insensitive).
     *
     * @throws IOException if the socket cannot be bound, or {@code linux} was asked for on a platform
     *     without it
     * @throws IllegalArgumentException if {@code choice} names no transport
     */
    public static Transport open(String choice, InetSocketAddress bind, TransportOptions options) throws IOException {
        return switch (choice.trim().toLowerCase(Locale.ROOT)) {
            case NIO -> NioTransport.open(bind, options);
            case LINUX -> {
                if (!linuxSupported()) {
                    throw new IOException("transport linux needs Linux on x86-64 or aarch64, not "
                            + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
                }
                yield LinuxTransport.open(bind, options);
            }
            case AUTO -> openAuto(bind, options);
            default -> throw new IllegalArgumentException("transport must be nio, linux or auto: " + choice);
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
