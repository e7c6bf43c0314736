package dev.jutp.net;

import java.io.IOException;
import java.net.InetSocketAddress;

class NioTransportTest extends AbstractTransportTest {
    @Override
    Transport openTransport(InetSocketAddress bind, TransportOptions options) throws IOException {
        return NioTransport.open(bind, options);
    }

    @Override
    boolean expectsIcmpErrors() {
        return false;
    }
}
