package dev.jutp.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * jutp as a Maven user gets it: {@code mvn verify} installs the built jar and pom into
 * target/consumer-repo (maven-install-plugin, pre-integration-test), and this test builds the
 * consumer project in src/it/consumer against that repository with Maven itself. The consumer
 * declares {@code dev.jutp:jutp:<version>}, uses {@code dev.jutp} and {@code dev.jutp.capi} from the
 * class path, and its own tests run a stream transfer over loopback and a transfer between two
 * libutp-API contexts, and check that jutp was loaded from target/consumer-repo. (The module-path
 * consumer is {@link ModulePathConsumerIT}.)
 *
 * <p>Offline: the consumer's Maven runs with {@code -o}, everything else it needs (plugins, JUnit,
 * jutp's own dependencies) comes from the local repository of the Maven running this build, read as
 * a file: mirror, so nothing is fetched from the network.
 */
class InstalledArtifactConsumerIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path TARGET = ROOT.resolve("target");
    private static final Path REPO = TARGET.resolve("consumer-repo");

    private static String property(String name) {
        String v = System.getProperty(name);
        assertTrue(v != null && !v.isBlank(), "system property " + name + " not set (run through mvn verify)");
        return v;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void aMavenProjectDependingOnTheInstalledArtifactBuildsAndTransfers() throws Exception {
        String version = property("jutp.version");
        Path installed = REPO.resolve("dev/jutp/jutp/" + version);
        assertTrue(Files.isRegularFile(installed.resolve("jutp-" + version + ".jar")), "not installed: " + installed);
        assertTrue(Files.isRegularFile(installed.resolve("jutp-" + version + ".pom")), "pom not installed: " + installed);

        Path project = TARGET.resolve("consumer-it");
        if (Files.exists(project)) {
            try (Stream<Path> old = Files.walk(project)) {
                for (Path f : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        copyTree(ROOT.resolve("src/it/consumer"), project);
        Path settings = project.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors>
                    <mirror>
                      <id>build-local-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(REPO, Path.of(property("jutp.it.outerRepository")).toUri()));

        Path log = TARGET.resolve("consumer-it.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(property("jutp.it.mavenHome"), "bin", "mvn").toString(),
                "-B", "-o", "-Daether.offline.protocols=file", "-s", settings.toString(),
                "-Djutp.version=" + version,
                "-Djunit.version=" + property("junit.version"),
                "-Dcompiler-plugin.version=" + property("compiler-plugin.version"),
                "-Dsurefire.version=" + property("surefire.version"),
                "test"))
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        // The consumer's Maven runs on the JDK running this test (22+): it compiles and tests with it.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        Process mvn = pb.start();
        try {
            assertTrue(mvn.waitFor(300, TimeUnit.SECONDS), "the consumer build did not finish; see " + log);
        } finally {
            mvn.descendants().forEach(ProcessHandle::destroyForcibly); // our own children (surefire's fork), by handle
            mvn.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, mvn.exitValue(), out);
        assertTrue(out.contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0"), out);
        assertTrue(out.contains("BUILD SUCCESS"), out);
        // What the consumer loaded (its test checks it came from consumer-repo) is this build's jar.
        assertEquals(-1, Files.mismatch(installed.resolve("jutp-" + version + ".jar"), TARGET.resolve("jutp-" + version + ".jar")),
                "the jar in consumer-repo is not this build's");
    }
}
