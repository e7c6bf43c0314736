package dev.jutp;

/**
 * The congestion controller of an endpoint's streams ({@link UtpOptions#withCongestionControl}).
 * Both are background controllers driven by one-way delay; they differ in how readily they yield.
 */
public enum CongestionControl {
    /**
     * LEDBAT++ (draft-irtf-iccrg-ledbat-plus-plus), the default: 60 ms target, growth scaled down
     * on short paths, multiplicative decrease above the target and periodic slowdowns, so it
     * yields to TCP (CUBIC and BBR) and shares fairly with later LEDBAT++ flows.
     */
    LEDBAT_PLUS_PLUS,
    /** libutp's LEDBAT (BEP 29), unchanged: 100 ms target, additive decrease, no slowdowns. */
    LEDBAT
}
