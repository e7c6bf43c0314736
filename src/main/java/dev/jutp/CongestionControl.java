package dev.jutp;

/**
 * The congestion controller of an endpoint's streams ({@link UtpOptions#withCongestionControl}).
 * Both are background controllers driven by delay; they differ in how readily they yield.
 */
public enum CongestionControl {
    /**
     * LEDBAT++ (draft-irtf-iccrg-ledbat-plus-plus), the default: 60 ms target on the round trip,
     * growth scaled down on short paths, multiplicative decrease above the target and periodic
     * slowdowns, so it leaves kernel TCP (CUBIC, BBR) most of a shared link where LEDBAT takes
     * nearly all of it. Its cost: on lossy paths its window stays small, so it is slower there than
     * LEDBAT, and on long bursts of loss it gives up (timeout) more often.
     */
    LEDBAT_PLUS_PLUS,
    /** libutp's LEDBAT (BEP 29), unchanged: 100 ms one-way target, additive decrease, no slowdowns. */
    LEDBAT
}
