/*
 * jutp.h: jutp's extensions to libutp's API, for C programs linked against jutp's libutp.so.
 * Include it after utp.h. Each is a context option for utp_context_set_option /
 * utp_context_get_option; libutp itself answers -1 to all of them, so a program can probe
 * whether it runs on jutp. Values and meaning match dev.jutp.capi.Utp.
 */
#ifndef JUTP_H
#define JUTP_H

enum {
	/* 1 (default): resend the oldest packet after three duplicate ACKs without SACK (BEP 29);
	 * 0: recover such loss by RTO only, as libutp does. */
	JUTP_DUPLICATE_ACK_RESEND = 0x4A01,
	/* Unanswered RTO retransmissions before UTP_ETIMEDOUT (default 4, as libutp; >= 1). */
	JUTP_GIVE_UP_RETRANSMISSIONS = 0x4A02,
	/* The SYN backlog: accepted sockets not yet confirmed by their peer (default 1000, >= 1);
	 * a SYN beyond it pushes the oldest out. */
	JUTP_MAX_HALF_OPEN = 0x4A03,
	/* 1 (default): drop DATA sent beyond the advertised receive window (+16 KiB);
	 * 0: accept it, as libutp does. */
	JUTP_ENFORCE_RECEIVE_WINDOW = 0x4A04,
	/* Milliseconds without a packet from the peer before a connected socket fails with
	 * UTP_ETIMEDOUT; 0 (default): never, as libutp. Peers keep-alive every 29 s: use >= 60000. */
	JUTP_IDLE_TIMEOUT = 0x4A05,
	/* The congestion controller of sockets created afterwards: JUTP_CC_LEDBAT_PLUS_PLUS (default:
	 * draft-irtf-iccrg-ledbat-plus-plus, 60 ms target; yields to TCP, slower on lossy paths) or
	 * JUTP_CC_LEDBAT (libutp's LEDBAT, bit for bit, 100 ms target). Other values: -1.
	 * UTP_TARGET_DELAY sets the target of either; unset, it reads as the controller's default. */
	JUTP_CONGESTION_CONTROL = 0x4A06,
	/* How lost packets are found: JUTP_LOSS_RECOVERY_RACK_TLP (default): time-based detection from
	 * SACK (RFC 8985 RACK) and a tail-loss probe after about two smoothed RTTs, ahead of the RTO;
	 * JUTP_LOSS_RECOVERY_LIBUTP: libutp's exact rules (three SACK marks, else the RTO). */
	JUTP_LOSS_RECOVERY = 0x4A07
};

/* Values of JUTP_CONGESTION_CONTROL. */
enum {
	JUTP_CC_LEDBAT = 0,
	JUTP_CC_LEDBAT_PLUS_PLUS = 1
};

/* Values of JUTP_LOSS_RECOVERY. */
enum {
	JUTP_LOSS_RECOVERY_LIBUTP = 0,
	JUTP_LOSS_RECOVERY_RACK_TLP = 1
};

#endif /* JUTP_H */
