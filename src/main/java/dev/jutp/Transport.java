package dev.jutp;

import java.util.Locale;
import java.util.Objects;

/**
 * The UDP transport an endpoint uses ({@link UtpOptions#withTransport}).
 */
public enum Transport {
    /**
     * The Linux transport where it is available, else NIO (the default). The system property
     * {@code jutp.transport} ({@code nio}, {@code linux} or {@code auto}) overrides this choice.
     */
    AUTO,
    /**
     * The portable {@link java.nio.channels.DatagramChannel}: any platform, one system call per
     * datagram, blind to ICMP errors (a connect to a closed port times out instead of being refused).
     */
    NIO,
    /**
     * recvmmsg/sendmmsg with UDP GSO and GRO, and ICMP errors from the socket's error queue, through
     * FFM downcalls: Linux on x86-64 or aarch64, with native access enabled for jutp
     * ({@code --enable-native-access}). Binding fails with an {@link java.io.IOException} elsewhere.
     */
    LINUX;

    /**
     * The lower-case name, as the system property, {@code utpcat --transport} and
     * {@link UtpEndpoint#transportName()} spell it.
     *
     * @return {@code "auto"}, {@code "nio"} or {@code "linux"}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The transport named {@code id} ({@code "auto"}, {@code "nio"} or {@code "linux"}, any case,
     * surrounding blanks ignored).
     *
     * @param id the name
     * @return the transport
     * @throws IllegalArgumentException for any other name
     * @throws NullPointerException if {@code id} is null
     */
    public static Transport fromId(String id) {
        Objects.requireNonNull(id, "transport");
        String t = id.trim().toLowerCase(Locale.ROOT);
        for (Transport v : values()) {
            if (v.id().equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("transport must be nio, linux or auto: " + id);
    }
}
