package dev.jutp;

/**
 * The congestion controller of an endpoint's streams ({@link UtpOptions#withCongestionControl}).
 * Both are background controllers driven by one-way delay; they differ in how readily they yield.
 */
public enum CongestionControl {
    /**
     * LEDBAT++ (draft-irtf-iccrg-ledbat-plus-plus): 60 ms target, growth scaled down on short
     * paths, multiplicative decrease above the target and periodic slowdowns, so it yields to TCP
     * far better than LEDBAT; on lossy paths its window stays small (slower, and on bursty loss it
     * can give up with a timeout), which is why it is not yet the default.
     */
    LEDBAT_PLUS_PLUS,
    /** libutp's LEDBAT (BEP 29), unchanged: 100 ms target, additive decrease, no slowdowns; the default. */
    LEDBAT
}
