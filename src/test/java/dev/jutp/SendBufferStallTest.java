package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jutp.net.Transports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel refusing a send (EAGAIN on a full socket send buffer, libtorrent #3542's "packets
 * lost that were never sent") is counted by {@link UtpEndpoint#sendBufferStalls()}, and the refused
 * datagrams wait and go out as the buffer drains instead of being dropped: the transfer completes
 * byte-exact with (almost) no retransmission. Before, each refused datagram was dropped and
 * resent: 150–220 retransmissions per 2 MB on the NIO transport, a 10 MB transfer took 21 s
 * instead of 5 s at 20 Mbit/s. Loopback never refuses a send, so the
 * transfer runs in a child JVM inside a new user and network namespace ({@code unshare -rn})
 * whose loopback is limited to 20 Mbit/s by a tbf qdisc. Traffic stays inside that namespace.
 */
class SendBufferStallTest {
    static final int SIZE = 2_000_000;

    @ParameterizedTest
    @ValueSource(strings = {"nio", "linux"})
    void refusedSendsAreCountedAndRecovered(String transport) throws Exception {
        assumeTrue(transport.equals("nio") || Transports.linuxSupported(), "linux transport unavailable");
        assumeTrue(namespacesAvailable() || "true".equals(System.getenv("CI")),
                "needs unshare -rn and tc (iproute2) to build a throttled loopback; CI requires them");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String script = "ip link set lo up && tc qdisc add dev lo root tbf rate 20mbit burst 16kb limit 4mb"
                + " && exec \"$0\" --enable-native-access=ALL-UNNAMED -Xmx256m -cp \"$1\" "
                + ThrottledLoopbackTransfer.class.getName() + " " + transport + " " + SIZE;
        List<String> cmd = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c", script, java, System.getProperty("java.class.path")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                p.getInputStream().transferTo(output);
            } catch (java.io.IOException ignored) {
                // process gone
            }
        });
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        reader.join(5_000);
        String out = output.toString(StandardCharsets.UTF_8);
        assertTrue(exited, "transfer did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("ok=(\\w+) bytes=(\\d+) sendBufferStalls=(\\d+) sendBufferFullDrops=(\\d+) retransmits=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals("true", m.group(1), out);
        assertEquals(SIZE, Integer.parseInt(m.group(2)), out);
        assertTrue(Long.parseLong(m.group(3)) > 0, "the throttled link never refused a send: " + out);
        // A refused datagram that was dropped would be retransmitted: there were 14-45 stalls.
        assertTrue(Integer.parseInt(m.group(5)) <= 5, "refused datagrams were lost and resent: " + out);
        System.out.println(transport + ": " + m.group());
    }

    static boolean namespacesAvailable() {
        try {
            Process p = new ProcessBuilder("unshare", "-rn", "sh", "-c", "ip link set lo up && tc qdisc add dev lo root tbf rate 1mbit burst 16kb limit 1mb")
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
