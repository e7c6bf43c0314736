package dev.jutp.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code utpcat}: netcat over uTP, with libutp's {@code ucat} usage. See {@link CatOptions#usage()}.
 *
 * <p>Exit status: 0 when both directions finished (our EOF sent as FIN and acknowledged, the peer's
 * FIN received), 1 on a network or I/O error (one line on stderr), 2 on a bad command line (one
 * line and the usage).
 */
public final class UtpCat {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private UtpCat() {}

    public static void main(String[] args) {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status;
        try {
            status = run(args, err);
        } catch (Throwable e) {
            err.println("utpcat: internal error: " + e);
            status = EXIT_FAILURE;
        }
        err.flush();
        System.out.flush();
        System.exit(status); // does not wait for a copy thread still blocked reading stdin
    }

    static int run(String[] args, PrintStream err) {
        CatOptions options;
        try {
            options = CatOptions.parse(args);
        } catch (UsageException e) {
            err.println("utpcat: " + e.getMessage());
            err.println("usage: utpcat [options] <destination-host> <destination-port> | utpcat [options] -l -p <port>"
                    + " | utpcat demo [--size N]  (utpcat -h for help)");
            return EXIT_USAGE;
        }
        if (options.mode() != CatOptions.Mode.HELP) {
            // The demo too: it is the run bin/utpcat records its class-data archive from, so the
            // archive then holds this start-up path as a transfer takes it.
            StartupWarmup.start();
        }
        boolean errTerminal = Terminal.isTerminal(2);
        return switch (options.mode()) {
            case HELP -> {
                System.out.print(CatOptions.usage());
                System.out.flush();
                yield EXIT_OK;
            }
            case DEMO -> new Demo(options, err, errTerminal).run();
            case CAT -> new Session(options, new FileInputStream(FileDescriptor.in), Terminal.stdinSize(),
                    new FileOutputStream(FileDescriptor.out), err, errTerminal).run();
        };
    }
}
