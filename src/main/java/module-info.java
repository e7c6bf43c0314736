/**
 * jutp: the Micro Transport Protocol (uTP, BEP 29) for the JVM.
 *
 * <p>{@code dev.jutp.capi} is the libutp-compatible callback API; {@code dev.jutp} is the
 * stream API. Everything else is internal.
 */
module dev.jutp {
    requires static org.apache.commons.cli;
    // dev.jutp.net: IP_DONTFRAGMENT for the portable transport's DONTFRAG flag.
    requires jdk.net;

    exports dev.jutp;
    exports dev.jutp.capi;
}
