package consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.UtpStream;
import dev.jutp.capi.Utp;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsumerTest {
    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void jutpComesFromTheRepositoryThisBuildResolvedItFrom() throws Exception {
        Path repo = Path.of(System.getProperty("consumer.repository")).toRealPath();
        for (Class<?> api : new Class<?>[] {UtpStream.class, Utp.class}) {
            Path jar = Path.of(api.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
            assertTrue(jar.startsWith(repo.resolve("dev/jutp/jutp")), api + " loaded from " + jar);
            assertTrue(jar.getFileName().toString().endsWith(".jar"), jar.toString());
        }
    }

    @Test
    void streamApiCopiesOverLoopback() throws Exception {
        byte[] sent = data(256 * 1024);
        assertArrayEquals(sent, StreamCopy.overLoopback(sent));
    }

    @Test
    void libutpApiCopiesBetweenTwoContexts() {
        byte[] sent = data(64 * 1024);
        assertArrayEquals(sent, CApiCopy.inMemory(sent));
    }
}
