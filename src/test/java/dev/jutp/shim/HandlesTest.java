package dev.jutp.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HandlesTest {

    private static final class E extends Handles.Entry {
    }

    @Test
    void handlesAreAlignedNonNullAndFindTheirEntry() {
        Handles h = new Handles();
        E a = new E();
        E b = new E();
        long ha = h.register(a, -1);
        long hb = h.register(b, Handles.stripeOf(ha));
        assertNotEquals(0, ha);
        assertEquals(0, ha & 0xF);
        assertNotEquals(ha, hb);
        assertEquals(Handles.stripeOf(ha), Handles.stripeOf(hb));
        assertSame(a, h.lookup(ha));
        assertSame(b, h.lookup(hb));
    }

    @Test
    void staleForgedAndNullHandlesFindNothing() {
        Handles h = new Handles();
        E a = new E();
        long ha = h.register(a, -1);
        h.release(a);
        assertNull(h.lookup(ha));
        E c = new E();
        long hc = h.register(c, -1);                   // reuses the slot, new generation
        assertNotEquals(ha, hc);
        assertNull(h.lookup(ha));
        assertSame(c, h.lookup(hc));
        assertNull(h.lookup(0));
        assertNull(h.lookup(hc + 1));                  // misaligned
        assertNull(h.lookup(0x7777770L));
        assertNull(h.lookup(-16L));
    }

    @Test
    void tableGrowsBeyondItsInitialSize() {
        Handles h = new Handles();
        E[] es = new E[5000];
        long[] hs = new long[es.length];
        for (int i = 0; i < es.length; i++) {
            es[i] = new E();
            hs[i] = h.register(es[i], -1);
        }
        for (int i = 0; i < es.length; i++) {
            assertSame(es[i], h.lookup(hs[i]));
        }
    }
}
