package dev.jutp.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Golden counters (libtorrent-style): for a few named profiles, the exact fast-retransmit,
 * timeout and packet counts of a seeded 1 MiB transfer, committed in
 * {@code golden-counters.properties}. Any change to loss recovery or congestion control moves
 * them; the reviewer then sees the new values in the diff and decides whether they are better.
 * Regenerate with {@code mvn -Dtest=GoldenCountersTest -Djutp.sim.printGolden=true test} and
 * copy the printed lines from target/surefire-reports/dev.jutp.sim.GoldenCountersTest-output.txt.
 */
class GoldenCountersTest {
    static final long SEED = 2024;

    static Scenario profile(String name) {
        PathProfile.Path path = PathProfile.byLabel(name).path();
        // pinned to libutp's LEDBAT: these are the counters of libutp's controller (LEDBAT++ moves them)
        return new Scenario(SEED, 1 << 20, path.forward, path.backward).bound(600).classicLedbat();
    }

    static String counters(Scenario s) {
        Counters tx = s.transfer.senderCounters();
        Counters rx = s.transfer.receiverCounters();
        return "fastRetransmits=%d timeouts=%d recoveryRetransmits=%d senderOut=%d senderIn=%d receiverOut=%d receiverIn=%d mtu=%d"
                .formatted(tx.fastRetransmits(), tx.timeoutRetransmits(), tx.recoveryRetransmits(), tx.packetsSent(),
                        tx.packetsReceived(), rx.packetsSent(), rx.packetsReceived(), tx.mtuGuess());
    }

    @ParameterizedTest
    @ValueSource(strings = {"clean-50ms", "loss2-50ms", "burst-100ms", "reorder-dup", "mtu-icmp-1200"})
    void countersMatchTheCommittedValues(String name) throws IOException {
        Scenario s = profile(name).run();
        String replay = " (seed " + SEED + "; replay: mvn -Dtest='GoldenCountersTest' -Djutp.sim.printGolden=true test)";
        assertEquals(null, s.failure(), name + " must complete" + replay);
        String actual = counters(s);
        s.close();
        if (Boolean.getBoolean("jutp.sim.printGolden")) {
            System.out.println(name + " = " + actual);
        }
        Properties golden = new Properties();
        try (InputStream in = GoldenCountersTest.class.getResourceAsStream("golden-counters.properties")) {
            golden.load(in);
        }
        assertEquals(golden.getProperty(name), actual, "golden counters of " + name
                + " changed; if intended, update src/test/resources/dev/jutp/sim/golden-counters.properties" + replay);
    }
}
