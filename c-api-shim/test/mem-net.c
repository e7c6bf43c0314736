/* mem-net.c: see mem-net.h. */
#include "mem-net.h"

#include <stdlib.h>
#include <string.h>

#include "task.h"

#define QUEUE_CAP 8192
#define MAX_DGRAM 2048

struct dgram {
  int to;                      /* peer index */
  int from;
  size_t len;
  byte data[MAX_DGRAM];
};

struct mem_net {
  struct mem_peer peers[2];
  uint64 now_us;
  uint32 rng;
  unsigned drop_every;
  uint64 sendto_count, delivered;
  struct dgram *queue;         /* ring */
  size_t head, count;
};

static struct mem_peer *peer_of(utp_callback_arguments *a) {
  return (struct mem_peer *) utp_context_get_userdata(a->context);
}

uint64 mem_net_sendto(utp_callback_arguments *a) {
  struct mem_peer *p = peer_of(a);
  struct mem_net *net = p->net;
  const struct sockaddr_in *to = (const struct sockaddr_in *) a->address;
  ASSERT_EQ(a->callback_type, UTP_SENDTO);
  ASSERT_EQ(to->sin_family, AF_INET);
  ASSERT_LE(a->len, MAX_DGRAM);
  p->sent++;
  if (net->drop_every != 0 && ++net->sendto_count % net->drop_every == 0)
    return 0;
  int dst = -1;
  for (int i = 0; i < 2; i++)
    if (to->sin_port == net->peers[i].addr.sin_port) dst = i;
  if (dst < 0)
    return 0;                  /* nobody at that address */
  if (net->count == QUEUE_CAP)
    return 0;                  /* tail drop */
  struct dgram *d = &net->queue[(net->head + net->count++) % QUEUE_CAP];
  d->to = dst;
  d->from = (int) (p - net->peers);
  d->len = a->len;
  memcpy(d->data, a->buf, a->len);
  return 0;
}

static uint64 on_millis(utp_callback_arguments *a) {
  return peer_of(a)->net->now_us / 1000;
}

static uint64 on_micros(utp_callback_arguments *a) {
  return peer_of(a)->net->now_us;
}

static uint64 on_random(utp_callback_arguments *a) {
  struct mem_net *net = peer_of(a)->net;
  net->rng = net->rng * 1103515245u + 12345u;
  return net->rng >> 1;
}

struct mem_net *mem_net_new(void) {
  struct mem_net *net = calloc(1, sizeof(*net));
  ASSERT_NOT_NULL(net);
  net->queue = calloc(QUEUE_CAP, sizeof(struct dgram));
  ASSERT_NOT_NULL(net->queue);
  net->now_us = 1000000;
  net->rng = 12345;
  for (int i = 0; i < 2; i++) {
    struct mem_peer *p = &net->peers[i];
    p->net = net;
    p->addr.sin_family = AF_INET;
    p->addr.sin_port = htons((uint16) (10001 + i));
    p->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    p->ctx = utp_init(2);
    ASSERT_NOT_NULL(p->ctx);
    utp_context_set_userdata(p->ctx, p);
    utp_set_callback(p->ctx, UTP_SENDTO, mem_net_sendto);
    utp_set_callback(p->ctx, UTP_GET_MILLISECONDS, on_millis);
    utp_set_callback(p->ctx, UTP_GET_MICROSECONDS, on_micros);
    utp_set_callback(p->ctx, UTP_GET_RANDOM, on_random);
  }
  return net;
}

void mem_net_free(struct mem_net *net) {
  for (int i = 0; i < 2; i++)
    utp_destroy(net->peers[i].ctx);
  free(net->queue);
  free(net);
}

struct mem_peer *mem_net_peer(struct mem_net *net, int i) { return &net->peers[i]; }
void mem_net_drop_every(struct mem_net *net, unsigned n) { net->drop_every = n; }
uint64 mem_net_now_us(const struct mem_net *net) { return net->now_us; }
uint64 mem_net_delivered(const struct mem_net *net) { return net->delivered; }

void mem_net_step(struct mem_net *net, uint64 advance_us) {
  static __thread struct dgram d;       /* delivery copy: the ring may be refilled meanwhile */
  for (int budget = 4 * QUEUE_CAP; net->count > 0 && budget > 0; budget--) {
    d = net->queue[net->head];
    net->head = (net->head + 1) % QUEUE_CAP;
    net->count--;
    struct mem_peer *dst = &net->peers[d.to];
    int r = utp_process_udp(dst->ctx, d.data, d.len,
                            (const struct sockaddr *) &net->peers[d.from].addr,
                            sizeof(struct sockaddr_in));
    ASSERT_EQ(r, 1);
    net->delivered++;
  }
  for (int i = 0; i < 2; i++)
    utp_issue_deferred_acks(net->peers[i].ctx);
  net->now_us += advance_us;
  for (int i = 0; i < 2; i++)
    utp_check_timeouts(net->peers[i].ctx);
}
