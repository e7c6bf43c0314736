package dev.jutp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.engine.cc.CongestionController;
import org.junit.jupiter.api.Test;

/** The options record: defaults, validation, one field per with-method, and who sees a change. */
class EngineConfigTest {

    @Test
    void defaultsAreLibutpsWithJutpsOwnOptionsAtTheirs() {
        EngineConfig d = EngineConfig.DEFAULTS;
        assertEquals(1 << 20, d.sendBufferBytes());
        assertEquals(1 << 20, d.receiveBufferBytes());
        assertEquals(CongestionController.LEDBAT_PLUS_PLUS, d.congestionControl());
        assertEquals(CongestionController.defaultTargetMicros(CongestionController.LEDBAT_PLUS_PLUS), d.effectiveTargetDelayMicros());
        assertFalse(d.acceptsConnections());
        assertTrue(d.duplicateAckFastRetransmit());
        assertTrue(d.receiveWindowEnforced());
        assertEquals(Engine.LOSS_RECOVERY_RACK_TLP, d.lossRecovery());
        assertEquals(500, d.tickMillis());
        assertFalse(d.logs(Engine.LOG_NORMAL));
    }

    @Test
    void eachWithChangesItsOwnFieldOnly() {
        EngineConfig d = EngineConfig.DEFAULTS;
        EngineConfig c = d.withSendBuffer(4096);
        assertNotSame(d, c);
        assertEquals(4096, c.sendBufferBytes());
        assertEquals(d, c.withSendBuffer(d.sendBufferBytes()), "records compare by value");
        assertEquals(1 << 20, d.sendBufferBytes(), "the old record is untouched");
        EngineConfig logs = d.withLog(Engine.LOG_MTU, true).withLog(Engine.LOG_DEBUG, true).withLog(Engine.LOG_MTU, false);
        assertFalse(logs.logs(Engine.LOG_MTU));
        assertTrue(logs.logs(Engine.LOG_DEBUG));
        assertEquals(d.withLog(Engine.LOG_DEBUG, true), logs);
        assertEquals(77_000, d.withTargetDelayMicros(77_000).effectiveTargetDelayMicros());
    }

    @Test
    void settersClampWhatLibutpClampsAndTheRecordRejectsTheRest() {
        EngineConfig d = EngineConfig.DEFAULTS;
        assertEquals(1, d.withGiveUpRetransmissions(0).giveUpRetransmissions());
        assertEquals(1, d.withMaxHalfOpen(-5).maxHalfOpen());
        assertEquals(1, d.withTickMillis(0).tickMillis());
        assertThrows(IllegalArgumentException.class, () -> d.withIdleTimeoutMillis(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withLossRecovery(2));
        assertThrows(IllegalArgumentException.class, () -> d.withCongestionControl(99));
        assertThrows(IllegalArgumentException.class, () -> d.withKeepAliveEarlyMillis(ConnectionTimers.LAZY_TIMER_SLACK_MILLIS + 1));
    }

    @Test
    void aConnectionKeepsTheRecordOfItsCreationAndTheEngineSwitchesAtOnce() {
        try (Engine e = new Engine(ConnectionTableTest.SILENT)) {
            Connection before = e.createConnection();
            EngineConfig old = e.config();
            e.configure(old.withSendBuffer(8192).withAcceptsConnections(true));
            Connection after = e.createConnection();
            assertEquals(1 << 20, before.sendBuffer(), "created before the change");
            assertEquals(8192, after.sendBuffer());
            assertTrue(e.config().acceptsConnections());
            assertSame(old, before.config);
            assertThrows(NullPointerException.class, () -> e.configure(null));
        }
    }
}
