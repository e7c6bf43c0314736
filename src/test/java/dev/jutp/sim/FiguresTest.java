package dev.jutp.sim;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Regenerates the figures of docs/congestion.md and checks they are sane. By default they go to
 * target/figures; {@code mvn -Dtest=FiguresTest -Djutp.figures.out=docs/figures test} writes
 * the committed copies.
 */
class FiguresTest {
    @Test
    void figuresAreGeneratedAndConsistent() throws Exception {
        Path dir = Path.of(System.getProperty("jutp.figures.out", "target/figures"));
        Files.createDirectories(dir);
        String tables = Figures.goodputTables(dir);
        System.out.println(tables);
        Figures.ledbatTrace(LedbatBottleneckTest.scenario(), dir);
        byte[] png = Files.readAllBytes(dir.resolve("ledbat-trace.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(png.length > 5_000, "a plot, not a blank canvas: " + png.length + " bytes");
        double clean = Figures.goodputKbit(0, 50);
        double lossy = Figures.goodputKbit(0.05, 50);
        assertTrue(lossy < clean, "5 % loss must cost goodput: " + lossy + " vs " + clean);
        assertTrue(Files.readAllLines(dir.resolve("ledbat-trace.csv")).size() > 900);
    }
}
