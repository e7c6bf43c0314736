package dev.jutp.bench.e2e;

/**
 * One transfer of one case: {@code mbPerSecond} is goodput as the receiver saw it (first data byte to
 * EOF, MB = 10^6 bytes); {@code cpuSeconds} is the user+sys CPU of both ends' processes over the run.
 *
 * @param bytesVerified bytes the receiver got and checked against {@link DataPattern}
 * @param sendBufferFullDrops jutp only: datagrams the sending endpoints dropped on a full kernel send
 *     buffer ({@code UtpEndpoint.sendBufferFullDrops()}); -1 when no jutp end sends
 * @param note extra facts (raw UDP loss, errors), empty when none
 * @param kernelDrops the kernel's UDP RcvbufErrors and SndbufErrors over the run (machine-wide: on a quiet
 *     machine they are this run's; null when not measured)
 * @param startToSynSeconds utpcat rows only: from the launch of {@code bin/utpcat} to its first SYN arriving
 *     at a loopback socket (a separate launch in the same round); NaN when not measured
 */
public record RunResult(String caseName, int round, boolean ok, long bytesVerified, double mbPerSecond,
                        double cpuSeconds, long sendBufferFullDrops, String note, Machine.UdpDrops kernelDrops,
                        double startToSynSeconds) {

    RunResult(String caseName, int round, boolean ok, long bytesVerified, double mbPerSecond, double cpuSeconds,
              long sendBufferFullDrops, String note) {
        this(caseName, round, ok, bytesVerified, mbPerSecond, cpuSeconds, sendBufferFullDrops, note, null, Double.NaN);
    }

    RunResult withKernelDrops(Machine.UdpDrops d) {
        return new RunResult(caseName, round, ok, bytesVerified, mbPerSecond, cpuSeconds, sendBufferFullDrops, note, d,
                startToSynSeconds);
    }

    RunResult withStartToSyn(double seconds) {
        return new RunResult(caseName, round, ok, bytesVerified, mbPerSecond, cpuSeconds, sendBufferFullDrops, note,
                kernelDrops, seconds);
    }

    double cpuSecondsPerGb() {
        return bytesVerified > 0 ? cpuSeconds / (bytesVerified / 1e9) : Double.NaN;
    }

    static RunResult failed(String caseName, int round, String why) {
        return new RunResult(caseName, round, false, 0, 0, 0, -1, why);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s round %d: %s %d B, %.1f MB/s, %.2f CPU-s/GB%s%s%s%s", caseName,
                round, ok ? "ok" : "FAILED", bytesVerified, mbPerSecond, cpuSecondsPerGb(),
                sendBufferFullDrops >= 0 ? ", send-buffer-full drops " + sendBufferFullDrops : "",
                kernelDrops == null ? "" : ", kernel UDP RcvbufErrors " + kernelDrops.rcvbufErrors()
                        + " SndbufErrors " + kernelDrops.sndbufErrors(),
                Double.isNaN(startToSynSeconds) ? "" : String.format(java.util.Locale.ROOT,
                        ", start to first SYN %.3f s", startToSynSeconds),
                note.isEmpty() ? "" : ", " + note);
    }
}
