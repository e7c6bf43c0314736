package dev.jutp.shim;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/**
 * The {@code Premain-Class} of the jutp jar. When a C program that owns {@code main()} makes its
 * first {@code utp_*} call, {@code libutp.so} starts a JVM with {@code -javaagent:<jutp jar>} and
 * {@code -Djutp.shim.library=<path of libutp.so>}; this premain loads that library (the dynamic
 * linker hands back the instance already in the process) and installs the upcall table through FFM.
 */
@SuppressWarnings("restricted")
public final class ShimAgent {

    /** System property naming the {@code libutp.so} to connect. */
    public static final String LIBRARY_PROPERTY = "jutp.shim.library";

    private ShimAgent() {
    }

    /**
     * Agent entry point.
     *
     * @param agentArgs ignored
     */
    public static void premain(String agentArgs) {
        String lib = System.getProperty(LIBRARY_PROPERTY);
        if (lib == null || lib.isEmpty()) {
            System.err.println("jutp: agent loaded without -D" + LIBRARY_PROPERTY + "; nothing installed");
            return;
        }
        try {
            ShimTable.install(SymbolLookup.libraryLookup(Path.of(lib), Arena.global()));
        } catch (Throwable t) {
            // Never let an agent failure kill the host program: libutp.so reports the missing table.
            System.err.println("jutp: cannot install the upcall table into " + lib + ": " + t);
        }
    }
}
