package dev.jutp.shim;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Upcalls must never throw (the JVM would terminate), so each one catches everything and reports
 * here: the first failure of each function is logged with its stack trace, later ones only counted.
 */
final class Failures {

    private static final System.Logger LOG = System.getLogger("dev.jutp.shim");
    private static final int MAX_SITES = 64;
    private static final AtomicIntegerArray COUNTS = new AtomicIntegerArray(MAX_SITES);

    private Failures() {
    }

    /** Records a failure at call site {@code site} (an index below 64) named {@code what}. */
    static void report(int site, String what, Throwable t) {
        try {
            if (COUNTS.getAndIncrement(site & (MAX_SITES - 1)) == 0) {
                LOG.log(System.Logger.Level.WARNING,
                        "jutp shim: " + what + " failed; returning libutp's error value "
                                + "(further failures here are not logged)", t);
            }
        } catch (Throwable ignored) {
            // Logging itself failed: nothing more can be done without risking the upcall.
        }
    }

    /** Failures recorded at {@code site} (for tests). */
    static int count(int site) {
        return COUNTS.get(site & (MAX_SITES - 1));
    }
}
