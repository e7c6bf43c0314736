package dev.jutp;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Byte counts and SHA-256 of what a test reads or writes, shared by the stream and interop tests. */
public final class StreamDigest {
    private StreamDigest() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads to EOF; returns the byte count and the SHA-256 (hex). */
    public static String[] drain(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 << 10];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            total += n;
        }
        return new String[] {Long.toString(total), HexFormat.of().formatHex(md.digest())};
    }
}
