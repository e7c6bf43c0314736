package dev.jutp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Checks a destination the application names (a connect, a datagram) before anything is queued, so a
 * bad call fails at once with a clear exception instead of timing out on the I/O thread.
 */
final class RemoteAddresses {
    private RemoteAddresses() {
    }

    /**
     * {@code remote} as a resolved {@link InetSocketAddress} with a port.
     *
     * @throws IllegalArgumentException for another kind of address, an unresolved one, or port 0
     * @throws NullPointerException if {@code remote} is null
     */
    static InetSocketAddress check(SocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (!(remote instanceof InetSocketAddress to)) {
            throw new IllegalArgumentException("not an InetSocketAddress: " + remote.getClass().getName());
        }
        if (to.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + to);
        }
        if (to.getPort() == 0) {
            throw new IllegalArgumentException("port 0: " + to);
        }
        return to;
    }

    /**
     * An IPv4 socket cannot send to IPv6, and an IPv6 socket bound to a specific address cannot send
     * to IPv4 (only the wildcard {@code ::} is dual-stack).
     *
     * @throws IllegalArgumentException when {@code local} cannot reach {@code to}'s family
     */
    static void checkFamily(InetSocketAddress local, InetSocketAddress to) {
        InetAddress l = local.getAddress();
        InetAddress r = to.getAddress();
        boolean mismatch = (l instanceof Inet4Address && r instanceof Inet6Address)
                || (l instanceof Inet6Address && r instanceof Inet4Address && !l.isAnyLocalAddress());
        if (mismatch) {
            throw new IllegalArgumentException("address family mismatch: the endpoint is bound to " + family(l)
                    + " address " + l.getHostAddress() + " and cannot reach " + family(r) + " address "
                    + r.getHostAddress());
        }
    }

    private static String family(InetAddress a) {
        return a instanceof Inet6Address ? "IPv6" : "IPv4";
    }
}
