package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.CongestionControl;
import dev.jutp.UtpOptions;
import org.junit.jupiter.api.Test;

/**
 * {@code JUTP_CONGESTION_CONTROL}: LEDBAT++ by default, libutp's LEDBAT selectable, each with its
 * own default target delay; {@code UTP_TARGET_DELAY} sets the target of whichever is chosen.
 */
class CongestionControlOptionTest {
    @Test
    void ledbatPlusPlusIsTheDefaultWithA60MsTarget() {
        UtpContext ctx = utp_init(2);
        assertEquals(JUTP_CC_LEDBAT_PLUS_PLUS, utp_context_get_option(ctx, JUTP_CONGESTION_CONTROL));
        assertEquals(60_000, utp_context_get_option(ctx, UTP_TARGET_DELAY));
        assertEquals(60_000, utp_getsockopt(utp_create_socket(ctx), UTP_TARGET_DELAY));
        utp_destroy(ctx);
    }

    @Test
    void classicLedbatIsSelectableWithA100MsTarget() {
        UtpContext ctx = utp_init(2);
        UtpSocket before = utp_create_socket(ctx);
        assertEquals(0, utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT));
        assertEquals(JUTP_CC_LEDBAT, utp_context_get_option(ctx, JUTP_CONGESTION_CONTROL));
        assertEquals(100_000, utp_context_get_option(ctx, UTP_TARGET_DELAY));
        assertEquals(100_000, utp_getsockopt(utp_create_socket(ctx), UTP_TARGET_DELAY));
        assertEquals(60_000, utp_getsockopt(before, UTP_TARGET_DELAY), "a socket keeps the controller it was created with");
        assertEquals(0, utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT_PLUS_PLUS));
        assertEquals(JUTP_CC_LEDBAT_PLUS_PLUS, utp_context_get_option(ctx, JUTP_CONGESTION_CONTROL));
        utp_destroy(ctx);
    }

    @Test
    void anExplicitTargetAppliesToEitherController() {
        UtpContext ctx = utp_init(2);
        assertEquals(0, utp_context_set_option(ctx, UTP_TARGET_DELAY, 25_000));
        assertEquals(25_000, utp_getsockopt(utp_create_socket(ctx), UTP_TARGET_DELAY));
        assertEquals(0, utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT));
        assertEquals(25_000, utp_context_get_option(ctx, UTP_TARGET_DELAY), "the explicit target survives a change of controller");
        assertEquals(25_000, utp_getsockopt(utp_create_socket(ctx), UTP_TARGET_DELAY));
        utp_destroy(ctx);
    }

    @Test
    void unknownControllersAreRefused() {
        UtpContext ctx = utp_init(2);
        assertEquals(-1, utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, 2));
        assertEquals(-1, utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, -1));
        assertEquals(JUTP_CC_LEDBAT_PLUS_PLUS, utp_context_get_option(ctx, JUTP_CONGESTION_CONTROL));
        assertEquals(-1, utp_context_set_option(null, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT));
        assertEquals(-1, utp_context_get_option(null, JUTP_CONGESTION_CONTROL));
        utp_destroy(ctx);
    }

    @Test
    void streamOptionsDefaultToLedbatPlusPlus() {
        assertEquals(CongestionControl.LEDBAT_PLUS_PLUS, UtpOptions.defaults().congestionControl());
        UtpOptions classic = UtpOptions.defaults().withCongestionControl(CongestionControl.LEDBAT);
        assertEquals(CongestionControl.LEDBAT, classic.congestionControl());
        assertTrue(classic.toString().contains("congestionControl=LEDBAT,"), classic.toString());
        assertThrows(NullPointerException.class, () -> UtpOptions.defaults().withCongestionControl(null));
    }
}
