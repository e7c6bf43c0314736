package dev.jutp.cli;

import java.util.Locale;

/** Byte counts: parsing "100M"-style sizes and formatting counts, rates and durations. */
final class Sizes {
    private Sizes() {}

    /**
     * Parses a size: a decimal number of bytes with an optional binary suffix K, M, G or T
     * (optionally followed by "i" and/or "B", case-insensitive): "4096", "64K", "100M", "1GiB".
     */
    static long parse(String text) throws UsageException {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("I")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) {
                s = s.substring(0, s.length() - 1);
            } else {
                shift = 0;
            }
        }
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9') || s.length() > 18) {
            throw new UsageException("invalid size: " + text);
        }
        long n = Long.parseLong(s);
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new UsageException("size too large: " + text);
        }
        return n << shift;
    }

    /** "999 B", "1.5 KiB", "20.0 MiB", ... */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A rate in bytes per second, e.g. "81.3 MiB/s". */
    static String rate(double bytesPerSecond) {
        if (!(bytesPerSecond > 0) || Double.isInfinite(bytesPerSecond)) {
            return "0 B/s";
        }
        return bytes((long) bytesPerSecond) + "/s";
    }

    /** A rate in megabits per second, e.g. "682.1 Mbit/s". */
    static String megabits(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f Mbit/s", bytesPerSecond * 8 / 1e6);
    }

    /** Seconds as "m:ss" or "h:mm:ss". */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = (seconds / 60) % 60;
        long sec = seconds % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
