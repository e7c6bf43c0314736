package dev.jutp.cli;

import dev.jutp.CongestionControl;
import dev.jutp.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * utpcat's command line, parsed with commons-cli into one immutable value. Every rule about
 * which options go together lives here, so that a bad command line is refused before any socket
 * is opened.
 *
 * @param mode       what to do
 * @param debug      how many times -d was given
 * @param listen     -l
 * @param localPort  -p, or -1 when not given
 * @param source     -s, or null
 * @param host       the destination host (connect mode), or null
 * @param port       the destination port (connect mode), or -1
 * @param bufferBytes -B (stdin read size), or -1 when not given
 * @param numeric    -n
 * @param ipv6       -6
 * @param progress   --progress (TRUE), --no-progress (FALSE), or null: on when stderr is a terminal
 * @param stats      --stats
 * @param timeout    --timeout, or null
 * @param transport  --transport, or null for the library's default
 * @param demoSize   demo --size in bytes
 * @param congestion --congestion, or null for the library's default (classic LEDBAT)
 */
record CatOptions(Mode mode, int debug, boolean listen, int localPort, String source, String host, int port,
        int bufferBytes, boolean numeric, boolean ipv6, Boolean progress, boolean stats, Duration timeout,
        Transport transport, long demoSize, CongestionControl congestion) {

    enum Mode { HELP, CAT, DEMO }

    static final long DEFAULT_DEMO_SIZE = 100L << 20;
    /** -B's upper bound: one array of this size is allocated, so keep it well inside a default heap. */
    static final long MAX_READ_BUFFER = 64L << 20;

    static final String SYNOPSIS = """
            usage: utpcat [options] <destination-host> <destination-port>
                   utpcat [options] -l -p <listening-port>
                   utpcat demo [--size <bytes>] [--transport nio|linux|auto] [--congestion ledbat++|ledbat] [-6] [-d]

            netcat over uTP (BEP 29): standard input goes to the connection, the connection goes
            to standard output. Exits 0 once both directions are finished, 1 on a network error
            (refused, reset, timed out), 2 on a bad command line.
            """;

    static Options catOptions() {
        Options o = new Options();
        o.addOption(Option.builder("h").longOpt("help").desc("show this help and exit").build());
        o.addOption(Option.builder("d").desc("debug output to stderr (repeat for more)").build());
        o.addOption(Option.builder("l").desc("listen for one incoming connection").build());
        o.addOption(Option.builder("p").hasArg().argName("port")
                .desc("local port (the listening port with -l)").build());
        o.addOption(Option.builder("s").hasArg().argName("source-ip").desc("local address to bind").build());
        o.addOption(Option.builder("B").hasArg().argName("buffer-size")
                .desc("bytes read from stdin at a time, as in ucat (K/M suffixes; default 64K)").build());
        o.addOption(Option.builder("n").desc("numeric addresses only, no name resolution").build());
        o.addOption(Option.builder("6").desc("use IPv6").build());
        o.addOption(Option.builder().longOpt("progress")
                .desc("progress line on stderr (default: only when stderr is a terminal)").build());
        o.addOption(Option.builder().longOpt("no-progress").desc("no progress line, even on a terminal").build());
        o.addOption(Option.builder().longOpt("stats").desc("connection statistics on stderr at the end").build());
        o.addOption(Option.builder().longOpt("timeout").hasArg().argName("seconds")
                .desc("give up when connecting or idle for this long").build());
        o.addOption(Option.builder().longOpt("transport").hasArg().argName("nio|linux|auto")
                .desc("UDP transport (default: auto)").build());
        o.addOption(Option.builder().longOpt("congestion").hasArg().argName("ledbat++|ledbat")
                .desc("congestion control: libutp's classic LEDBAT (default) or LEDBAT++ (yields to TCP)").build());
        return o;
    }

    static Options demoOptions() {
        Options o = new Options();
        o.addOption(Option.builder("h").longOpt("help").desc("show this help and exit").build());
        o.addOption(Option.builder("d").desc("debug output to stderr (repeat for more)").build());
        o.addOption(Option.builder("6").desc("use IPv6 loopback (::1)").build());
        o.addOption(Option.builder().longOpt("size").hasArg().argName("bytes")
                .desc("amount to transfer, K/M/G suffixes (default 100M)").build());
        o.addOption(Option.builder().longOpt("transport").hasArg().argName("nio|linux|auto")
                .desc("UDP transport (default: auto)").build());
        o.addOption(Option.builder().longOpt("congestion").hasArg().argName("ledbat++|ledbat")
                .desc("congestion control (default: ledbat)").build());
        o.addOption(Option.builder().longOpt("progress").desc("progress line on stderr").build());
        o.addOption(Option.builder().longOpt("no-progress").desc("no progress line").build());
        return o;
    }

    /** The full help text: synopsis, options, and the demo's options. */
    static String usage() {
        HelpFormatter f = HelpFormatter.builder().get();
        f.setWidth(100);
        f.setOptionComparator(null);
        StringWriter w = new StringWriter();
        PrintWriter pw = new PrintWriter(w);
        pw.print(SYNOPSIS);
        pw.println();
        pw.println("options:");
        f.printOptions(pw, f.getWidth(), catOptions(), 2, 3);
        pw.println();
        pw.println("demo (listener and sender in one process on loopback, SHA-256 verified):");
        f.printOptions(pw, f.getWidth(), demoOptions(), 2, 3);
        pw.println();
        pw.println("examples:");
        pw.println("  utpcat -l -p 9000 > received.bin          # receive one connection");
        pw.println("  utpcat --stats 127.0.0.1 9000 < file.bin   # send a file");
        pw.println("  utpcat -6 -l -p 9000                       # IPv6 listener; connect with: utpcat ::1 9000");
        pw.println("  utpcat demo --size 100M");
        pw.flush();
        return w.toString();
    }

    /** Parses {@code args}; throws with a one-line reason when they make no sense. */
    static CatOptions parse(String[] args) throws UsageException {
        if (args.length > 0 && args[0].equals("demo")) {
            return parseDemo(List.of(args).subList(1, args.length).toArray(String[]::new));
        }
        CommandLine cl = commandLine(catOptions(), args);
        if (cl.hasOption("h")) {
            return help();
        }
        int debug = count(cl, "d");
        boolean listen = cl.hasOption("l");
        int localPort = cl.hasOption("p") ? port(cl.getOptionValue("p"), "-p", listen ? 1 : 0) : -1;
        String source = cl.getOptionValue("s");
        int buffer = -1;
        if (cl.hasOption("B")) {
            long b = Sizes.parse(cl.getOptionValue("B"));
            if (b < 1 || b > MAX_READ_BUFFER) {
                throw new UsageException("-B must be between 1 and 64M bytes: " + cl.getOptionValue("B"));
            }
            buffer = (int) b;
        }
        boolean numeric = cl.hasOption("n");
        boolean ipv6 = cl.hasOption("6");
        Boolean progress = progress(cl);
        boolean stats = cl.hasOption("stats");
        Duration timeout = cl.hasOption("timeout") ? timeout(cl.getOptionValue("timeout")) : null;
        Transport transport = cl.hasOption("transport") ? transport(cl.getOptionValue("transport")) : null;
        List<String> rest = cl.getArgList();
        String host = null;
        int port = -1;
        if (listen) {
            if (localPort < 0) {
                throw new UsageException("-l needs the listening port: -l -p <port>");
            }
            if (!rest.isEmpty()) {
                throw new UsageException("unexpected arguments with -l: " + String.join(" ", rest));
            }
        } else {
            if (rest.size() != 2) {
                throw new UsageException(rest.isEmpty()
                        ? "missing destination host and port"
                        : rest.size() == 1 ? "missing destination port"
                        : "too many arguments: " + String.join(" ", rest));
            }
            host = rest.get(0);
            port = port(rest.get(1), "destination port", 1);
        }
        if (numeric) {
            for (String h : new String[] {host, source}) {
                if (h != null && !Addresses.isLiteral(h)) {
                    throw new UsageException("-n: not a numeric address: " + h);
                }
            }
        }
        return new CatOptions(Mode.CAT, debug, listen, localPort, source, host, port, buffer, numeric, ipv6,
                progress, stats, timeout, transport, DEFAULT_DEMO_SIZE, congestion(cl));
    }

    private static CatOptions parseDemo(String[] args) throws UsageException {
        CommandLine cl = commandLine(demoOptions(), args);
        if (cl.hasOption("h")) {
            return help();
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected arguments to demo: " + String.join(" ", cl.getArgList()));
        }
        long size = DEFAULT_DEMO_SIZE;
        if (cl.hasOption("size")) {
            size = Sizes.parse(cl.getOptionValue("size"));
            if (size < 1) {
                throw new UsageException("--size must be at least 1 byte");
            }
        }
        Transport transport = cl.hasOption("transport") ? transport(cl.getOptionValue("transport")) : null;
        return new CatOptions(Mode.DEMO, count(cl, "d"), false, -1, null, null, -1, -1, true, cl.hasOption("6"),
                progress(cl), true, null, transport, size, congestion(cl));
    }

    private static CatOptions help() {
        return new CatOptions(Mode.HELP, 0, false, -1, null, null, -1, -1, false, false, null, false, null, null,
                DEFAULT_DEMO_SIZE, null);
    }

    private static CommandLine commandLine(Options options, String[] args) throws UsageException {
        try {
            return DefaultParser.builder().setAllowPartialMatching(false).build().parse(options, args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int count(CommandLine cl, String opt) {
        int n = 0;
        for (Option o : cl.getOptions()) {
            if (opt.equals(o.getOpt())) {
                n++;
            }
        }
        return n;
    }

    private static Boolean progress(CommandLine cl) throws UsageException {
        if (cl.hasOption("progress") && cl.hasOption("no-progress")) {
            throw new UsageException("--progress and --no-progress together");
        }
        return cl.hasOption("progress") ? Boolean.TRUE : cl.hasOption("no-progress") ? Boolean.FALSE : null;
    }

    private static int port(String text, String what, int min) throws UsageException {
        try {
            int p = Integer.parseInt(text);
            if (p >= min && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException("invalid " + what + ": " + text + " (expected " + min + "-65535)");
    }

    private static Duration timeout(String text) throws UsageException {
        try {
            double s = Double.parseDouble(text);
            if (s > 0 && s <= 86_400 * 365) {
                return Duration.ofNanos((long) (s * 1e9));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException("invalid --timeout: " + text + " (expected seconds > 0)");
    }

    private static CongestionControl congestion(CommandLine cl) throws UsageException {
        if (!cl.hasOption("congestion")) {
            return null;
        }
        String text = cl.getOptionValue("congestion");
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "ledbat++" -> CongestionControl.LEDBAT_PLUS_PLUS;
            case "ledbat" -> CongestionControl.LEDBAT;
            default -> throw new UsageException("invalid --congestion: " + text + " (expected ledbat++ or ledbat)");
        };
    }

    private static Transport transport(String text) throws UsageException {
        try {
            return Transport.fromId(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid --transport: " + text + " (expected nio, linux or auto)");
        }
    }
}
