package dev.jutp.engine.cc;

import dev.jutp.engine.time.Deadline;

/**
 * LEDBAT++ (draft-irtf-iccrg-ledbat-plus-plus-06), jutp's default controller: a background flow
 * that gets out of the way of TCP (CUBIC and BBR) and of later LEDBAT++ flows.
 *
 * <ul>
 *   <li>Target queuing delay 60 ms (below the queue a modern TCP builds, so it yields first).</li>
 *   <li>Gain {@code 1/min(16, ceil(2·target/base))}: the shorter the path, the slower the growth,
 *       so flows on short paths do not out-grow the delay signal. uTP's one-way base delay includes
 *       the clock offset between the hosts, so the base here is the least round trip seen.</li>
 *   <li>Slow start grows by gain × acked bytes and ends when the delay reaches 3/4 of the target
 *       (or at ssthresh).</li>
 *   <li>Below target the window grows by gain packets per RTT; above it, it shrinks by
 *       {@code W·C·(delay/target − 1)} per RTT (C = 1), at most half the window per RTT.</li>
 *   <li>Periodic slowdowns: 2 RTTs after slow start ends the window drops to 2 packets for
 *       2 RTTs, then slow start climbs back. The next slowdown is due 9× that slowdown's duration
 *       after it ended (≤ 10 % of the time slowed), and at least 1 s later. The queue drains
 *       meanwhile, so every flow re-measures its base delay and a latecomer is not fooled by the
 *       standing queue of an earlier flow.</li>
 *   <li>Two departures from the draft, both measured on the real kernel (a router namespace,
 *       20 Mbit/s, a second flow 10 s late; docs/congestion.md): with the draft's rules the
 *       latecomer kept 89-90 % of the link for the whole 20 s after it joined (Jain 0.57) while
 *       classic LEDBAT shared it. (1) The climb back after a slowdown is an ordinary slow start
 *       (doubling) that ends at the saved window or above the target, not at 3/4 of it: with the
 *       draft's rule, a flow slowing down while another holds the queue above 3/4 of the target
 *       ended its climb at once and fell to 2 packets for good. (2) The window to climb back to
 *       is the window before the slowdown less 3/4 of this flow's share of the standing queue
 *       ({@code W·(1 − ¾·q/RTT)}). Below the target the draft's window only grows, by the same
 *       amount for every flow, so unequal windows stay unequal; this cut takes more from a larger
 *       window, like TCP's multiplicative decrease, and the flows converge within seconds. It
 *       removes only queue (the part of the window above the path's bandwidth-delay product), so a
 *       flow alone still fills the link, with a shorter queue. The 1 s floor on the interval keeps
 *       slowdowns from costing throughput on paths whose round trip is a few milliseconds.</li>
 *   <li>Loss halves the window at most once per RTT (≥ 100 ms apart), as classic LEDBAT.</li>
 * </ul>
 *
 * <p>Two more departures, found by replaying the simulator's bursty-loss sweep (docs/congestion.md),
 * where with the draft's rules 6 of 100 transfers gave up with ETIMEDOUT (classic LEDBAT: none):
 * <ul>
 *   <li><b>Regrowth after a loss on an empty queue.</b> After a loss cut, while the window is
 *       below the window the loss cut and the queuing delay is under a quarter of the target, the
 *       window grows by at least {@link Ledbat#MAX_CWND_INCREASE_BYTES_PER_RTT} per RTT (what
 *       libutp's LEDBAT grows at zero delay), not gain packets. On a lossy path (Wi-Fi) a window
 *       regrowing at 1/16 packet per RTT after each loss cut sits at two or three packets, where
 *       one burst takes the whole flight and the retransmissions after it: several RTOs in a row
 *       and the connection gives up. Only the window a loss took is regrown this fast: growing
 *       every window so (the first version of this rule) took TCP BBR's share through a router
 *       from 82-83 % to 71-79 %, because BBR keeps the queue near a quarter of the target.</li>
 *   <li><b>A loss postpones the slowdown.</b> If a loss was reported since the slowdown was
 *       scheduled, it is postponed by the same wait: the loss cut already halved the window and let
 *       the queue drain, and two packets in flight on a path that is losing packets are the same
 *       fragile state.</li>
 * </ul>
 */
public final class LedbatPlusPlus implements CongestionController {
    public static final int DEFAULT_TARGET_MICROS = 60_000;
    static final int MAX_GAIN_DIVISOR = 16;
    static final double SLOW_START_EXIT_FRACTION = 0.75;
    static final double DECREASE_CONSTANT = 1.0;
    static final int MIN_WINDOW_PACKETS = 2;
    static final int SLOWDOWN_WINDOW_PACKETS = 2;
    static final int SLOWDOWN_FREEZE_RTTS = 2;
    static final int INITIAL_SLOWDOWN_WAIT_RTTS = 2;
    static final int SLOWDOWN_INTERVAL_FACTOR = 9;
    static final long MIN_SLOWDOWN_INTERVAL_MICROS = 1_000_000;
    /** At each slowdown a flow gives up this fraction of its share of the standing queue. */
    static final double SLOWDOWN_QUEUE_CUT = 0.75;
    static final int MIN_LOSS_SPACING_MILLIS = 100;
    static final int WINDOW_FULL_MEMORY_MILLIS = 1000;
    /** Below this fraction of the target the queue is taken as empty (growth at libutp's rate). */
    static final double EMPTY_QUEUE_FRACTION = 0.25;

    /** Phases of the window. */
    public enum Phase { SLOW_START, CONGESTION_AVOIDANCE, SLOWDOWN }

    private double window;
    private long ssthresh = Ledbat.INITIAL_SSTHRESH;
    private Phase phase = Phase.SLOW_START;
    /** The current slow start climbs back after a slowdown (its end schedules the next one). */
    private boolean recovering;
    /** The window before the last loss cut, regrown at libutp's rate on an empty queue (0: none pending). */
    private double windowBeforeLoss;
    /** A loss was reported since the next slowdown was scheduled (it is then postponed). */
    private boolean lossSinceScheduled;
    /** The wait the next slowdown was scheduled with (µs), reused when a loss postpones it. */
    private long slowdownWaitMicros;
    private long slowdownStartMicros;
    private final Deadline slowdownEnd = new Deadline();
    private final Deadline nextSlowdown = new Deadline();
    private long lastDecayMillis = Long.MIN_VALUE / 2;
    private long lastNowMicros;
    private long lastRoundMicros;
    private int packetSize = 1;

    public LedbatPlusPlus(int initialWindow) {
        this.window = initialWindow;
    }

    @Override
    public int kind() {
        return LEDBAT_PLUS_PLUS;
    }

    @Override
    public long window() {
        return (long) window;
    }

    @Override
    public void setWindow(long bytes) {
        window = bytes;
    }

    @Override
    public boolean inSlowStart() {
        return phase == Phase.SLOW_START;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    public Phase phase() {
        return phase;
    }

    /** When the next slowdown starts (µs), if one is scheduled. */
    public Deadline nextSlowdown() {
        return nextSlowdown;
    }

    /** The draft's GAIN: {@code 1/min(16, ceil(2·target/base))}; the smallest gain while the base is unknown. */
    static double gain(double targetMicros, long baseMicros) {
        if (baseMicros <= 0) {
            return 1.0 / MAX_GAIN_DIVISOR;
        }
        double divisor = Math.min(MAX_GAIN_DIVISOR, Math.ceil(2 * targetMicros / baseMicros));
        return 1.0 / Math.max(1, divisor);
    }

    @Override
    public void onAck(AckSample a) {
        packetSize = Math.max(1, a.packetSize);
        lastNowMicros = a.nowMicros;
        lastRoundMicros = roundMicros(a);
        double target = a.targetMicros <= 0 ? DEFAULT_TARGET_MICROS : a.targetMicros;
        double gain = gain(target, a.baseRttMicros);
        boolean growing = a.nowMillis - a.lastWindowFullMillis <= WINDOW_FULL_MEMORY_MILLIS;
        double acked = Math.min(a.ackedBytes, window);
        double delay = a.roundTripQueuingMicros;

        if (phase == Phase.SLOWDOWN) {
            if (!slowdownEnd.due(a.nowMicros)) {
                window = slowdownWindow();
                return;
            }
            slowdownEnd.disarm();
            phase = Phase.SLOW_START;       // climb back to the window the slowdown saved
            recovering = true;
        }
        if (phase == Phase.SLOW_START) {
            // The first slow start probes an unknown path; the climb back returns to a known window
            // and yields only to a queue above the target, whoever holds it.
            if (delay > target * (recovering ? 1.0 : SLOW_START_EXIT_FRACTION)) {
                ssthresh = (long) window;
                endSlowStart(a.nowMicros);
            } else {
                if (growing) {
                    window += (recovering ? 1.0 : gain) * acked;
                }
                if (window >= ssthresh) {
                    window = ssthresh;
                    endSlowStart(a.nowMicros);
                }
            }
        } else if (nextSlowdown.due(a.nowMicros)) {
            if (lossSinceScheduled) {
                scheduleSlowdown(a.nowMicros, slowdownWaitMicros);
            } else {
                startSlowdown(a);
                return;
            }
        } else {
            double perRound = gain * packetSize;
            if (window >= windowBeforeLoss) {
                windowBeforeLoss = 0;
            }
            if (delay < target * EMPTY_QUEUE_FRACTION && windowBeforeLoss > 0) {
                perRound = Math.max(perRound, Ledbat.MAX_CWND_INCREASE_BYTES_PER_RTT);
            } else if (delay > target) {
                perRound = Math.max(perRound - window * DECREASE_CONSTANT * (delay / target - 1), -window / 2);
            }
            if (perRound < 0 || growing) {
                window += perRound * acked / window;
            }
        }
        window = Math.clamp(window, minWindow(), Math.max(minWindow(), a.sndbuf));
    }

    /** Round trip used to time the slowdowns: the smoothed RTT, never less than the base. */
    private static long roundMicros(AckSample a) {
        return Math.max(1, Math.max(a.rttMicros, a.baseRttMicros));
    }

    private void endSlowStart(long nowMicros) {
        phase = Phase.CONGESTION_AVOIDANCE;
        if (recovering) {
            long duration = Math.max(1, nowMicros - slowdownStartMicros);
            scheduleSlowdown(nowMicros, Math.max(MIN_SLOWDOWN_INTERVAL_MICROS, SLOWDOWN_INTERVAL_FACTOR * duration));
            recovering = false;
        } else {
            scheduleSlowdown(nowMicros, INITIAL_SLOWDOWN_WAIT_RTTS * lastRoundMicros);
        }
    }

    private void scheduleSlowdown(long nowMicros, long waitMicros) {
        slowdownWaitMicros = waitMicros;
        lossSinceScheduled = false;
        nextSlowdown.armAfter(nowMicros, waitMicros);
    }

    /** Saves the window to climb back to, less {@link #SLOWDOWN_QUEUE_CUT} of this flow's share of the queue. */
    private void startSlowdown(AckSample a) {
        nextSlowdown.disarm();
        long queuing = Math.max(0, a.roundTripQueuingMicros);
        double queueShare = (double) queuing / Math.max(1, queuing + Math.max(0, a.baseRttMicros));
        ssthresh = Math.max((long) (window * (1 - SLOWDOWN_QUEUE_CUT * queueShare)), (long) slowdownWindow());
        slowdownStartMicros = a.nowMicros;
        slowdownEnd.armAfter(a.nowMicros, SLOWDOWN_FREEZE_RTTS * lastRoundMicros);
        phase = Phase.SLOWDOWN;
        window = slowdownWindow();
    }

    private double slowdownWindow() {
        return (double) SLOWDOWN_WINDOW_PACKETS * packetSize;
    }

    private double minWindow() {
        return (double) MIN_WINDOW_PACKETS * packetSize;
    }

    @Override
    public boolean onLoss(long nowMillis, int rttMillis) {
        lossSinceScheduled = true;
        if (nowMillis - lastDecayMillis < Math.max(MIN_LOSS_SPACING_MILLIS, rttMillis)) {
            return false;
        }
        lastDecayMillis = nowMillis;
        if (phase == Phase.SLOWDOWN) {
            ssthresh = Math.max((long) minWindow(), ssthresh / 2);   // climb back to less
            return true;
        }
        windowBeforeLoss = Math.max(windowBeforeLoss, window);
        window = Math.max(minWindow(), window / 2);
        ssthresh = (long) window;
        if (phase == Phase.SLOW_START) {
            endSlowStart(lastNowMicros);
        }
        return true;
    }

    @Override
    public void onTimeout(boolean packetsOutstanding, int packetSize) {
        if (!packetsOutstanding && window > packetSize) {
            window = Math.max(window * 2 / 3, packetSize);
            return;
        }
        ssthresh = Math.max((long) (2.0 * packetSize), (long) (window / 2));
        windowBeforeLoss = Math.max(windowBeforeLoss, window);
        window = packetSize;
        phase = Phase.SLOW_START;
        recovering = false;
        slowdownEnd.disarm();
        nextSlowdown.disarm();
    }
}
