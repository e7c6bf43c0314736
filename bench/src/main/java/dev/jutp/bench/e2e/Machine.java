package dev.jutp.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Facts about the machine a table came from, and this process's CPU time. */
final class Machine {
    private Machine() {}

    /** The kernel's UDP drop counters (/proc/net/snmp), summed over IPv4 and IPv6: receive- and send-buffer errors. */
    record UdpDrops(long rcvbufErrors, long sndbufErrors) {
        UdpDrops minus(UdpDrops before) {
            return new UdpDrops(rcvbufErrors - before.rcvbufErrors, sndbufErrors - before.sndbufErrors);
        }
    }

    /** Null when /proc/net/snmp cannot be read. */
    static UdpDrops udpDrops() {
        String[] lines = read("/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Udp: ") && lines[i + 1].startsWith("Udp: ")) {
                List<String> names = List.of(lines[i].split(" +"));
                String[] values = lines[i + 1].split(" +");
                int r = names.indexOf("RcvbufErrors");
                int s = names.indexOf("SndbufErrors");
                if (r > 0 && s > 0 && values.length == names.size()) {
                    UdpDrops v6 = udp6Drops();
                    return new UdpDrops(Long.parseLong(values[r]) + v6.rcvbufErrors(),
                            Long.parseLong(values[s]) + v6.sndbufErrors());
                }
            }
        }
        return null;
    }

    private static UdpDrops udp6Drops() {
        long r = 0;
        long s = 0;
        for (String line : read("/proc/net/snmp6").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals("Udp6RcvbufErrors")) {
                r = Long.parseLong(f[1]);
            } else if (f.length == 2 && f[0].equals("Udp6SndbufErrors")) {
                s = Long.parseLong(f[1]);
            }
        }
        return new UdpDrops(r, s);
    }

    /** user+sys CPU of this whole JVM (every thread: both jutp ends, I/O threads, GC, JIT). */
    static double processCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }

    /** net.core.rmem_default: the SO_RCVBUF a socket gets when nobody asks (212992 on most kernels). */
    static int kernelDefaultSocketBuffer() {
        String v = read("/proc/sys/net/core/rmem_default");
        return v.isEmpty() ? 212_992 : Integer.parseInt(v);
    }

    static String describe() {
        String model = "?";
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                model = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return String.format(Locale.ROOT,
                "machine: %d CPUs (%s), Linux %s, JDK %s (%s), rmem_default %s, rmem_max %s, load avg %s",
                Runtime.getRuntime().availableProcessors(), model, read("/proc/sys/kernel/osrelease"),
                Runtime.version(), System.getProperty("java.vm.vendor"), read("/proc/sys/net/core/rmem_default"),
                read("/proc/sys/net/core/rmem_max"), loadAverage());
    }

    static String loadAverage() {
        String[] f = read("/proc/loadavg").split(" ");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
    }

    private static String read(String path) {
        try {
            // procfs reports size 0: read the stream to its end rather than trusting the size
            try (var in = Files.newInputStream(Path.of(path))) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
