package dev.jutp.sim;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * A tiny RGB canvas that writes PNG. Test classes compile patched into the library module,
 * which does not read java.desktop, so java.awt/ImageIO are out of reach; lines, rectangles
 * and a PNG encoder are all the figures need.
 */
final class Png {
    final int width;
    final int height;
    private final int[] rgb;

    Png(int width, int height, int background) {
        this.width = width;
        this.height = height;
        this.rgb = new int[width * height];
        java.util.Arrays.fill(rgb, background);
    }

    void set(int x, int y, int color) {
        if (x >= 0 && y >= 0 && x < width && y < height) {
            rgb[y * width + x] = color;
        }
    }

    int get(int x, int y) {
        return rgb[y * width + x];
    }

    /** Bresenham line, {@code thickness} pixels high. */
    void line(int x0, int y0, int x1, int y1, int color, int thickness) {
        int dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
        for (int guard = 0; guard < 100_000; guard++) {
            for (int t = 0; t < thickness; t++) {
                set(x0, y0 + t, color);
            }
            if (x0 == x1 && y0 == y1) {
                return;
            }
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    void dashedHorizontal(int x0, int x1, int y, int color) {
        for (int x = x0; x < x1; x++) {
            if ((x / 6) % 2 == 0) {
                set(x, y, color);
            }
        }
    }

    void rect(int x0, int y0, int x1, int y1, int color) {
        line(x0, y0, x1, y0, color, 1);
        line(x0, y1, x1, y1, color, 1);
        line(x0, y0, x0, y1, color, 1);
        line(x1, y0, x1, y1, color, 1);
    }

    void write(Path file) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(raw)) {
            for (int y = 0; y < height; y++) {
                z.write(0);                 // filter: none
                for (int x = 0; x < width; x++) {
                    int c = rgb[y * width + x];
                    z.write(c >> 16);
                    z.write(c >> 8);
                    z.write(c);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});    // 8-bit RGB, no interlace
        chunk(d, "IHDR", ihdr.toByteArray());
        chunk(d, "IDAT", raw.toByteArray());
        chunk(d, "IEND", new byte[0]);
        Files.write(file, out.toByteArray());
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
