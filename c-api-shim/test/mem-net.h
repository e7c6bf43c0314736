/*
 * mem-net.h: two utp contexts joined by an in-memory network with a fake
 * clock, for the shim's behaviour tests. Each peer's context userdata is its
 * struct mem_peer; tests keep their own state in mem_peer.user.
 */
#ifndef MEM_NET_H
#define MEM_NET_H

#include <netinet/in.h>
#include "utp.h"

struct mem_net;

struct mem_peer {
  struct mem_net *net;
  utp_context *ctx;
  struct sockaddr_in addr;     /* 127.0.0.1:(10001 + index), never bound */
  void *user;
  uint64 sent;                 /* datagrams this peer handed to UTP_SENDTO */
};

struct mem_net *mem_net_new(void);
void mem_net_free(struct mem_net *net);               /* utp_destroy()s both contexts */
struct mem_peer *mem_net_peer(struct mem_net *net, int i);
void mem_net_drop_every(struct mem_net *net, unsigned n);  /* drop every n-th datagram; 0 = none */

/* Delivers every queued datagram (and those sent while delivering, up to a
 * bound), issues deferred acks, advances the clock by advance_us and runs
 * utp_check_timeouts on both contexts. */
void mem_net_step(struct mem_net *net, uint64 advance_us);
uint64 mem_net_now_us(const struct mem_net *net);
uint64 mem_net_delivered(const struct mem_net *net);

/* The UTP_SENDTO callback mem-net installs, for tests that wrap it. */
uint64 mem_net_sendto(utp_callback_arguments *a);

#endif /* MEM_NET_H */
