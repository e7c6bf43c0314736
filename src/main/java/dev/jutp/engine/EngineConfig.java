package dev.jutp.engine;

import dev.jutp.engine.cc.CongestionController;
import dev.jutp.engine.cc.RttEstimator;

/**
 * An engine's options, immutable: setting an option ({@code utp_context_set_option}, the stream
 * endpoint's setup) makes a new record and hands it to {@link Engine#configure}. A connection
 * keeps the record current when it was created, so the options libutp copies into a socket at
 * creation (buffers, target, controller, loss recovery, give-up count, idle timeout, window
 * enforcement) stay as they were for it; the engine-wide switches (accepting, overhead events,
 * logging, duplicate-ack resend, limits, tick, keep-alive grouping) are read from the engine's
 * current record when they apply.
 *
 * @param sendBufferBytes SNDBUF of new connections
 * @param receiveBufferBytes RCVBUF of new connections
 * @param targetDelayMicros the LEDBAT target of new connections, or {@link Engine#TARGET_DELAY_UNSET}
 * @param congestionControl {@link CongestionController#LEDBAT} or {@link CongestionController#LEDBAT_PLUS_PLUS}
 * @param acceptsConnections whether SYNs open connections (an accept callback is set)
 * @param overheadEvents whether OVERHEAD events are queued
 * @param duplicateAckFastRetransmit BEP 29's 3-duplicate-ack fast retransmit (libutp lacks it)
 * @param receiveWindowEnforced drop data beyond the window we advertised (libutp accepts it)
 * @param idleTimeoutMillis silence (ms) after which a connection fails with ETIMEDOUT; 0: never
 * @param lossRecovery {@link Engine#LOSS_RECOVERY_RACK_TLP} or {@link Engine#LOSS_RECOVERY_LIBUTP}
 * @param giveUpRetransmissions consecutive unanswered RTO retransmissions before ETIMEDOUT (≥ 1)
 * @param maxConnections SYNs are refused once this many connections exist
 * @param maxHalfOpen the SYN backlog's size (≥ 1)
 * @param tickMillis minimum spacing of effective timer ticks (≥ 1)
 * @param keepAliveEarlyMillis how much before its 29 s a keep-alive may go (0..{@link ConnectionTimers#LAZY_TIMER_SLACK_MILLIS})
 * @param logMask bit {@code level − LOG_NORMAL} set: that log level is on
 */
public record EngineConfig(
        int sendBufferBytes,
        int receiveBufferBytes,
        int targetDelayMicros,
        int congestionControl,
        boolean acceptsConnections,
        boolean overheadEvents,
        boolean duplicateAckFastRetransmit,
        boolean receiveWindowEnforced,
        int idleTimeoutMillis,
        int lossRecovery,
        int giveUpRetransmissions,
        int maxConnections,
        int maxHalfOpen,
        long tickMillis,
        long keepAliveEarlyMillis,
        int logMask) {

    /** libutp's defaults, with jutp's own options at theirs. */
    public static final EngineConfig DEFAULTS = new EngineConfig(
            Engine.DEFAULT_BUFFER_BYTES, Engine.DEFAULT_BUFFER_BYTES, Engine.TARGET_DELAY_UNSET,
            CongestionController.LEDBAT_PLUS_PLUS, false, false, true, true, 0, Engine.LOSS_RECOVERY_RACK_TLP,
            RttEstimator.GIVE_UP_RETRANSMISSIONS, Engine.DEFAULT_MAX_CONNECTIONS, Engine.DEFAULT_MAX_HALF_OPEN,
            Engine.DEFAULT_TICK_MILLIS, 0, 0);

    /** Rejects values no setter would produce. */
    public EngineConfig {
        if (!CongestionController.isKind(congestionControl)) {
            throw new IllegalArgumentException("no such congestion controller: " + congestionControl);
        }
        if (idleTimeoutMillis < 0) {
            throw new IllegalArgumentException("idle timeout must be 0 (off) or positive: " + idleTimeoutMillis);
        }
        if (lossRecovery != Engine.LOSS_RECOVERY_LIBUTP && lossRecovery != Engine.LOSS_RECOVERY_RACK_TLP) {
            throw new IllegalArgumentException("loss recovery must be 0 (libutp) or 1 (RACK-TLP): " + lossRecovery);
        }
        if (keepAliveEarlyMillis < 0 || keepAliveEarlyMillis > ConnectionTimers.LAZY_TIMER_SLACK_MILLIS) {
            throw new IllegalArgumentException("keep-alive early millis must be in 0.." + ConnectionTimers.LAZY_TIMER_SLACK_MILLIS);
        }
        if (giveUpRetransmissions < 1 || maxHalfOpen < 1 || tickMillis < 1) {
            throw new IllegalArgumentException("give-up count, SYN backlog and tick must be at least 1");
        }
    }

    /** The configured target delay (µs), or the controller's default when none was set. */
    public int effectiveTargetDelayMicros() {
        return targetDelayMicros == Engine.TARGET_DELAY_UNSET
                ? CongestionController.defaultTargetMicros(congestionControl) : targetDelayMicros;
    }

    /** Whether log level {@code level} ({@link Engine#LOG_NORMAL}..{@link Engine#LOG_DEBUG}) is on. */
    public boolean logs(int level) {
        return (logMask & 1 << level - Engine.LOG_NORMAL) != 0;
    }

    public EngineConfig withSendBuffer(int bytes) {
        return new EngineConfig(bytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withReceiveBuffer(int bytes) {
        return new EngineConfig(sendBufferBytes, bytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withTargetDelayMicros(int micros) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, micros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    /** {@link CongestionController#LEDBAT} or {@link CongestionController#LEDBAT_PLUS_PLUS}. */
    public EngineConfig withCongestionControl(int kind) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, kind, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withAcceptsConnections(boolean accept) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, accept,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withOverheadEvents(boolean enabled) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                enabled, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withDuplicateAckFastRetransmit(boolean enabled) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, enabled, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withReceiveWindowEnforced(boolean enabled) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, enabled, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    /** 0 (off, as libutp) or a positive silence in ms. */
    public EngineConfig withIdleTimeoutMillis(int millis) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, millis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withLossRecovery(int mode) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, mode,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    /** Raised to 1 when lower (libutp: 4; a SYN gets half). */
    public EngineConfig withGiveUpRetransmissions(int count) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                Math.max(1, count), maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withMaxConnections(int max) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, max, maxHalfOpen, tickMillis, keepAliveEarlyMillis, logMask);
    }

    /** Raised to 1 when lower. */
    public EngineConfig withMaxHalfOpen(int max) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, Math.max(1, max), tickMillis, keepAliveEarlyMillis, logMask);
    }

    /** Raised to 1 when lower (libutp: 500 ms). */
    public EngineConfig withTickMillis(long millis) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, Math.max(1, millis), keepAliveEarlyMillis, logMask);
    }

    public EngineConfig withKeepAliveEarlyMillis(long millis) {
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, millis, logMask);
    }

    public EngineConfig withLog(int level, boolean on) {
        int bit = 1 << level - Engine.LOG_NORMAL;
        return new EngineConfig(sendBufferBytes, receiveBufferBytes, targetDelayMicros, congestionControl, acceptsConnections,
                overheadEvents, duplicateAckFastRetransmit, receiveWindowEnforced, idleTimeoutMillis, lossRecovery,
                giveUpRetransmissions, maxConnections, maxHalfOpen, tickMillis, keepAliveEarlyMillis,
                on ? logMask | bit : logMask & ~bit);
    }
}
