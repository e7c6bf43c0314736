package dev.jutp;

import dev.jutp.net.Transports;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The stream suite over the Linux recvmmsg/sendmmsg transport. */
class LinuxUtpStreamTest extends AbstractUtpStreamTest {
    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Transports.linuxSupported(), "the linux transport needs Linux on x86-64 or aarch64");
    }

    @Override
    String transport() {
        return "linux";
    }
}
