package dev.jutp.cli;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Turning utpcat's host arguments into socket addresses, with or without name resolution. */
final class Addresses {
    private Addresses() {}

    /** True when {@code host} is an IPv4 or IPv6 literal (brackets allowed around IPv6). */
    static boolean isLiteral(String host) {
        try {
            InetAddress.ofLiteral(unbracket(host));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Resolves {@code host}: a literal is taken as is; otherwise (unless {@code numeric}) the name
     * is looked up, preferring IPv6 answers when {@code ipv6}, else IPv4 ones.
     */
    static InetAddress resolve(String host, boolean numeric, boolean ipv6) throws UnknownHostException {
        String h = unbracket(host);
        try {
            return InetAddress.ofLiteral(h);
        } catch (IllegalArgumentException e) {
            if (numeric) {
                throw new UnknownHostException("not a numeric address: " + host);
            }
        }
        InetAddress[] all = InetAddress.getAllByName(h);
        for (InetAddress a : all) {
            if (ipv6 ? a instanceof Inet6Address : a instanceof Inet4Address) {
                return a;
            }
        }
        if (ipv6) {
            throw new UnknownHostException("no IPv6 address for " + host);
        }
        return all[0];
    }

    /** The wildcard address of the family of {@code like} (or of IPv6 when {@code ipv6}). */
    static InetAddress wildcard(InetAddress like, boolean ipv6) {
        boolean six = like != null ? like instanceof Inet6Address : ipv6;
        return InetAddress.ofLiteral(six ? "::" : "0.0.0.0");
    }

    /** "1.2.3.4:5" or "[::1]:5". */
    static String format(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            String h = i.getAddress().getHostAddress();
            return (i.getAddress() instanceof Inet6Address ? "[" + compress(h) + "]" : h) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    /** RFC 5952 short form of Java's full IPv6 text: "0:0:0:0:0:0:0:1" becomes "::1". */
    static String compress(String ipv6) {
        int pct = ipv6.indexOf('%');
        String scope = pct >= 0 ? ipv6.substring(pct) : "";
        String[] groups = (pct >= 0 ? ipv6.substring(0, pct) : ipv6).split(":");
        if (groups.length != 8) {
            return ipv6;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < 8 && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups) + scope;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, 8));
        return head + "::" + tail + scope;
    }

    private static String unbracket(String host) {
        return host.length() > 2 && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
    }
}
