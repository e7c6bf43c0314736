package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.interop.Peer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * utpcat against libutp (utp-native's prebuilt libutp, driven by src/test/interop/utp_peer.js),
 * both ways: what libutp's ucat users do with it. The data is utp_peer.js's pattern
 * byte[i] = (i*31+7) & 0xff, which the libutp side verifies.
 */
class UtpCatLibutpInteropTest {
    static final int BYTES = 5_000_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void peerPresent() {
        Peer.requireNode();
    }

    static Path pattern(Path dir) throws Exception {
        Path f = dir.resolve("pattern.bin");
        byte[] b = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        Files.write(f, b);
        return f;
    }

    static int port(String listeningLine) {
        String digits = listeningLine.replaceAll(".*\"port\":(\\d+).*", "$1");
        return Integer.parseInt(digits);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void utpcatSendsToALibutpListener() throws Exception {
        Path data = pattern(dir);
        try (Peer sink = Peer.start(List.of("node", Peer.INTEROP.resolve("utp_peer.js").toString(), "listen",
                "--host", "127.0.0.1", "--port", "0", "--mode", "sink", "--bytes", "" + BYTES, "--timeout-ms", "60000"))) {
            int port = port(sink.await(l -> l.contains("\"listening\""), Duration.ofSeconds(20)));
            try (CatProcess cat = CatProcess.start(dir, "client", data.toFile(), "127.0.0.1", "" + port)) {
                assertEquals(0, cat.exitCode(), cat::err);
                String done = sink.await(l -> l.contains("\"done\"") || l.contains("\"error\""), Duration.ofSeconds(60));
                assertTrue(done.contains("\"ok\":true"), done);
                assertTrue(done.contains("\"bytes\":" + BYTES), done);
            }
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void libutpSendsToAUtpcatListener() throws Exception {
        Path expected = pattern(dir);
        int port = CatProcess.freeUdpPort();
        try (CatProcess cat = CatProcess.start(dir, "server", new File("/dev/null"), "-d", "-l", "-p", "" + port)) {
            cat.awaitErrLine(l -> l.startsWith("utpcat: listening on "));
            try (Peer sender = Peer.start(List.of("node", Peer.INTEROP.resolve("utp_peer.js").toString(), "connect",
                    "--host", "127.0.0.1", "--port", "" + port, "--mode", "send", "--bytes", "" + BYTES, "--timeout-ms", "60000"))) {
                String done = sender.await(l -> l.contains("\"done\"") || l.contains("\"error\""), Duration.ofSeconds(60));
                assertTrue(done.contains("\"ok\":true"), done);
                assertEquals(0, cat.exitCode(), cat::err);
                assertEquals(BYTES, Files.size(cat.stdout));
                assertEquals(CatProcess.sha256(expected), CatProcess.sha256(cat.stdout));
            }
        }
    }
}
