package dev.jutp;

/** The stream suite over the portable DatagramChannel transport. */
class NioUtpStreamTest extends AbstractUtpStreamTest {
    @Override
    String transport() {
        return "nio";
    }
}
