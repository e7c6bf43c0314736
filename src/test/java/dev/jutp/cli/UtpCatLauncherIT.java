package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/utpcat itself, run after {@code package} (failsafe) so that target/jutp-*.jar and
 * target/lib exist: JDK discovery, the missing-jar message, and the README's demo command.
 */
class UtpCatLauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path LAUNCHER = ROOT.resolve("bin/utpcat");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run run(Path launcher, Map<String, String> env, File stdin, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k); // null: unset
            } else {
                pb.environment().put(k, v);
            }
        });
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectInput(stdin).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "launcher did not finish");
        } finally {
            p.destroy();
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Map<String, String> javaHome(String home) {
        return Map.of("JUTP_JAVA_HOME", home, "JAVA_HOME", "/nonexistent-jdk");
    }

    @Test
    void demoOfTwentyMegabytesSucceedsAndPrintsThroughput() throws Exception {
        Run r = run(LAUNCHER, Map.of(), new File("/dev/null"), "demo", "--size", "20M");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("transferred 20.0 MiB (20971520 bytes) in "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("sha-256 received") && l.endsWith("  OK")), r.out());
        assertTrue(r.out().contains("sender statistics"), r.out());
    }

    @Test
    void usesTheJdkNamedByJutpJavaHome() throws Exception {
        Run r = run(LAUNCHER, javaHome(System.getProperty("java.home")), new File("/dev/null"), "-h");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("usage: utpcat"), r.out());
    }

    @Test
    void skipsAJavaHomeThatIsNotAJdk22AndStillFindsOne() throws Exception {
        // JAVA_HOME points nowhere useful; the launcher goes on to PATH and /usr/lib/jvm. The test
        // JVM's own bin/ is put first on PATH so one 22+ JDK is certainly reachable.
        String path = Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin";
        Run r = run(LAUNCHER, Map.of("JAVA_HOME", dir.toString(), "PATH", path), new File("/dev/null"), "-h");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("usage: utpcat"), r.out());
    }

    @Test
    void passesOverAJdk17OnPathAndInJavaHomeToOneUnderUsrLibJvm() throws Exception {
        // The README's promise: Maven's default java may be 17, JAVA_HOME may name it, and
        // bin/utpcat still finds a JDK 22+ under /usr/lib/jvm by itself.
        boolean underUsrLibJvm = System.getProperty("java.home").startsWith("/usr/lib/jvm/");
        // CI installs its JDK there (.ci/run): a missing one is a failure there, never a silent skip.
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(underUsrLibJvm, "CI=true: the test JDK must be under /usr/lib/jvm, is " + System.getProperty("java.home"));
        }
        assumeTrue(underUsrLibJvm, "the test JDK is not under /usr/lib/jvm");
        Path fake = Files.createDirectories(dir.resolve("jdk-17/bin"));
        Files.writeString(dir.resolve("jdk-17/release"), "JAVA_VERSION=\"17.0.9\"\n");
        Path java = fake.resolve("java");
        // Answers the version probe as a Java 17 would; fails loudly if it is ever run as utpcat.
        Files.writeString(java, """
                #!/bin/sh
                case "$*" in
                  *-XshowSettings*) echo '    java.specification.version = 17' >&2; exit 0 ;;
                esac
                echo "fake java 17 was run: $*" >&2
                exit 42
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new java.util.HashMap<>();
        env.put("JAVA_HOME", dir.resolve("jdk-17").toString());
        env.put("PATH", fake + ":/usr/bin:/bin");
        env.put("JUTP_JAVA_HOME", null);
        Run r = run(LAUNCHER, env, new File("/dev/null"), "-h");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("usage: utpcat"), r.out());
    }

    @Test
    void badArgumentsThroughTheLauncherExitTwo() throws Exception {
        Run r = run(LAUNCHER, Map.of(), new File("/dev/null"), "-l");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("utpcat: -l needs the listening port"), r.err());
    }

    @Test
    void missingJarIsOneLineTellingHowToBuild() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("checkout/bin"));
        Path copy = Files.copy(LAUNCHER, bin.resolve("utpcat"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = run(copy, Map.of(), new File("/dev/null"), "demo");
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("mvn -B -DskipTests package"), r.err());
        assertEquals("", r.out());
    }
}
