package dev.jutp.kernel;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A kernel IT case that runs TCP BBR: skipped where the kernel offers no BBR, a kernel feature no
 * package adds (an unprivileged namespace cannot load tcp_bbr); under CI it runs and fails instead.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@EnabledIf(value = "dev.jutp.kernel.Tools#bbrOrCi", disabledReason = "this kernel offers no TCP BBR"
        + " (/proc/sys/net/ipv4/tcp_available_congestion_control); modprobe tcp_bbr as root to run it."
        + " Under CI (CI=true) the case runs and fails instead: .ci/run loads tcp_bbr")
@interface KernelOffersBbr {
}
