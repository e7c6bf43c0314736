package dev.jutp.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a consumer on the module path sees it (run after {@code package}, so
 * target/jutp-*.jar exists): a tiny module that {@code requires dev.jutp} compiles against the jar
 * with the javac of the JDK running the tests, then runs a loopback transfer through
 * {@code UtpListener}/{@code UtpStream} and a libutp-face context through {@code dev.jutp.capi}.
 * A consumer naming an internal package must not compile: only the two API packages are exported.
 */
class ModulePathConsumerIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path JDK_BIN = Path.of(System.getProperty("java.home"), "bin");
    private static final int TRANSFER_BYTES = 8 * 1024;

    @TempDir
    Path dir;

    private record Run(int exit, String out) {}

    private static Path libraryJar() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("target"))) {
            List<Path> jars = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("jutp-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
                        && !n.endsWith("-javadoc.jar") && !n.endsWith("-tests.jar");
            }).toList();
            assertEquals(1, jars.size(), "expected exactly one library jar in target/: " + jars);
            return jars.get(0);
        }
    }

    private Run run(String... cmd) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + String.join(" ", cmd));
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private Path writeModule(String name, String mainSource) throws IOException {
        Path src = dir.resolve(name + "-src");
        Files.createDirectories(src.resolve("consumer"));
        Files.writeString(src.resolve("module-info.java"), "module consumer { requires dev.jutp; }\n");
        Files.writeString(src.resolve("consumer/Main.java"), mainSource);
        return src;
    }

    private Run javac(Path src, Path classes) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JDK_BIN.resolve("javac").toString(),
                "--module-path", libraryJar().toString(), "-d", classes.toString(),
                src.resolve("module-info.java").toString(), src.resolve("consumer/Main.java").toString()));
        return run(cmd.toArray(String[]::new));
    }

    @Test
    void aModuleRequiringDevJutpTransfersOverLoopbackAndDrivesTheCApi() throws Exception {
        Path src = writeModule("ok", """
                package consumer;

                import static dev.jutp.capi.Utp.*;

                import dev.jutp.UtpListener;
                import dev.jutp.UtpStream;
                import dev.jutp.capi.UtpContext;
                import java.io.InputStream;
                import java.io.OutputStream;
                import java.net.InetAddress;
                import java.net.InetSocketAddress;
                import java.util.Arrays;
                import java.util.concurrent.CompletableFuture;
                import java.util.concurrent.TimeUnit;

                public class Main {
                    public static void main(String[] args) throws Exception {
                        int size = Integer.parseInt(args[0]);
                        byte[] sent = new byte[size];
                        for (int i = 0; i < size; i++) {
                            sent[i] = (byte) (i * 31 + 7);
                        }
                        try (UtpListener listener = UtpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                                try (UtpStream in = listener.accept(); InputStream is = in.getInputStream()) {
                                    return is.readAllBytes();
                                } catch (Exception e) {
                                    throw new RuntimeException(e);
                                }
                            });
                            try (UtpStream out = UtpStream.connect(listener.localAddress());
                                 OutputStream os = out.getOutputStream()) {
                                os.write(sent);
                            }
                            byte[] got = received.get(30, TimeUnit.SECONDS);
                            System.out.println("module " + UtpStream.class.getModule().getName()
                                    + " named " + UtpStream.class.getModule().isNamed());
                            System.out.println("received " + got.length + (Arrays.equals(sent, got) ? " equal" : " DIFFERENT"));
                        }
                        UtpContext ctx = utp_init(2);
                        System.out.println("capi sndbuf " + utp_context_get_option(ctx, UTP_SNDBUF));
                        utp_destroy(ctx);
                    }
                }
                """);
        Path classes = dir.resolve("ok-classes");
        Run compiled = javac(src, classes);
        assertEquals(0, compiled.exit(), compiled.out());

        Run r = run(JDK_BIN.resolve("java").toString(), "--enable-native-access=dev.jutp",
                "--module-path", libraryJar() + java.io.File.pathSeparator + classes,
                "--module", "consumer/consumer.Main", Integer.toString(TRANSFER_BYTES));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("module dev.jutp named true"), r.out());
        assertTrue(r.out().contains("received " + TRANSFER_BYTES + " equal"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("capi sndbuf [1-9][0-9]*")), r.out());
    }

    @Test
    void anInternalPackageIsNotVisibleToAConsumer() throws Exception {
        Path src = writeModule("internal", """
                package consumer;

                public class Main {
                    public static void main(String[] args) {
                        System.out.println(dev.jutp.engine.Engine.class);
                    }
                }
                """);
        Run compiled = javac(src, dir.resolve("internal-classes"));
        assertNotEquals(0, compiled.exit(), compiled.out());
        assertTrue(compiled.out().contains("package dev.jutp.engine is not visible"), compiled.out());
    }
}
