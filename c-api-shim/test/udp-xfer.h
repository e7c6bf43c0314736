/*
 * udp-xfer.h: one transfer between two utp contexts of this process over real
 * UDP sockets on 127.0.0.1, driven either by udp_xfer_run (a poll loop) or by
 * the caller's own event loop (udp_xfer_readable / udp_xfer_tick). Context A
 * connects and sends `total` bytes of a fixed pattern, B accepts, checks every
 * byte and closes at EOF. Used by the signal and event-loop tests.
 */
#ifndef UDP_XFER_H
#define UDP_XFER_H

#include <stddef.h>
#include "utp.h"

struct udp_xfer;

/* Called with every chunk B receives, after it was checked. */
typedef void (*udp_xfer_data_fn)(void *arg, const byte *buf, size_t len);

struct udp_xfer *udp_xfer_new(size_t total, udp_xfer_data_fn on_data, void *arg);
void udp_xfer_free(struct udp_xfer *x);                 /* destroys both contexts */
int udp_xfer_fd(const struct udp_xfer *x, int side);    /* 0 = A, 1 = B */
void udp_xfer_readable(struct udp_xfer *x, int side);   /* drains the socket */
void udp_xfer_tick(struct udp_xfer *x);                 /* utp_check_timeouts on both */
int udp_xfer_state(const struct udp_xfer *x);           /* 0 running, 1 done, -1 failed */
size_t udp_xfer_received(const struct udp_xfer *x);
byte udp_xfer_pattern(size_t offset);

/* Runs the transfer with poll(); calls tick(arg) after each round when not
 * NULL. Returns udp_xfer_state at the end; at most timeout_s seconds. */
int udp_xfer_run(struct udp_xfer *x, int timeout_s, void (*tick)(void *), void *arg);

#endif /* UDP_XFER_H */
