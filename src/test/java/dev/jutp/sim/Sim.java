package dev.jutp.sim;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The simulator's heart: a virtual clock in microseconds, one seeded random source, and an
 * event queue ordered by time with FIFO order for events at the same microsecond (so a batch
 * of deliveries at one instant is followed by the ack flush scheduled behind it). Nothing here
 * sleeps or reads a wall clock: a run is a pure function of its seed.
 */
public final class Sim {
    /** Virtual time starts away from zero so that "0 = unset" in engine timers never collides. */
    public static final long START_MICROS = 1_000_000_000L;

    private record Event(long timeMicros, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(timeMicros, o.timeMicros);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final SplittableRandom random;
    private final long seed;
    private long nowMicros = START_MICROS;
    private long order;
    private long eventsRun;

    public Sim(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    public long nowMicros() {
        return nowMicros;
    }

    /** Seconds of virtual time since the start, for reports. */
    public double elapsedSeconds() {
        return (nowMicros - START_MICROS) / 1e6;
    }

    public long eventsRun() {
        return eventsRun;
    }

    /** An independent random stream for one component, so components do not perturb each other. */
    public SplittableRandom split() {
        return random.split();
    }

    public void at(long timeMicros, Runnable action) {
        queue.add(new Event(Math.max(timeMicros, nowMicros), order++, action));
    }

    public void after(long delayMicros, Runnable action) {
        at(nowMicros + delayMicros, action);
    }

    /** Calls {@code action} every {@code periodMicros} from now on, for as long as it returns true. */
    public void every(long periodMicros, BooleanSupplier action) {
        after(periodMicros, () -> {
            if (action.getAsBoolean()) {
                every(periodMicros, action);
            }
        });
    }

    /**
     * Runs events until {@code done} holds, virtual time passes {@code untilMicros}, or
     * {@code maxEvents} have run (a safety bound; every loop here is bounded). Returns whether
     * {@code done} was reached.
     */
    public boolean runUntil(BooleanSupplier done, long untilMicros, long maxEvents) {
        long budget = maxEvents;
        while (!done.getAsBoolean()) {
            Event e = queue.peek();
            if (e == null || e.timeMicros > untilMicros || budget-- <= 0) {
                if (e == null || e.timeMicros > untilMicros) {
                    nowMicros = Math.max(nowMicros, Math.min(untilMicros, e == null ? untilMicros : e.timeMicros));
                }
                return done.getAsBoolean();
            }
            queue.poll();
            nowMicros = e.timeMicros;
            eventsRun++;
            e.action.run();
        }
        return true;
    }

    /** Runs every event up to {@code untilMicros}. */
    public void runFor(long micros, long maxEvents) {
        runUntil(() -> false, nowMicros + micros, maxEvents);
    }
}
