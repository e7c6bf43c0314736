package dev.jutp.engine.time;

/**
 * A point in engine time at which something is due, or "not armed". Keeping "not armed" as its
 * own state (rather than a magic 0) means a deadline armed for time 0 of a virtual clock is
 * still a deadline. The unit is the caller's (milliseconds or microseconds).
 */
public final class Deadline {
    private long at;
    private boolean armed;

    /** Due at {@code time}. */
    public void armAt(long time) {
        at = time;
        armed = true;
    }

    /** Due {@code delay} after {@code now}. */
    public void armAfter(long now, long delay) {
        armAt(now + delay);
    }

    public void disarm() {
        armed = false;
    }

    public boolean armed() {
        return armed;
    }

    /** Armed and reached at {@code now}. */
    public boolean due(long now) {
        return armed && now >= at;
    }

    /** When it is due; {@link IllegalStateException} if not armed. */
    public long at() {
        if (!armed) {
            throw new IllegalStateException("deadline not armed");
        }
        return at;
    }

    @Override
    public String toString() {
        return armed ? "Deadline[" + at + "]" : "Deadline[not armed]";
    }
}
