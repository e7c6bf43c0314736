/*
 * test-loopback.c: two contexts in one program move data byte-exact through
 * the shim over an in-memory network with a fake clock, in both directions'
 * roles (A connects and sends, B accepts and receives), clean and with loss.
 */
#include <string.h>

#include "mem-net.h"
#include "task.h"

#define TOTAL (1024 * 1024)

struct side {
  utp_socket *sock;
  size_t written, received;
  int connected, accepted, writable, eof, destroyed, errors, reads;
  int first_state, last_state, nstates;
};

static byte pattern(size_t i) { return (byte) ((i * 131u) ^ (i >> 11)); }

static void pump_writes(struct side *s) {
  static byte chunk[16384];
  for (int guard = 0; guard < 1000 && s->written < TOTAL; guard++) {
    size_t n = TOTAL - s->written < sizeof(chunk) ? TOTAL - s->written : sizeof(chunk);
    for (size_t i = 0; i < n; i++) chunk[i] = pattern(s->written + i);
    ssize_t w = utp_write(s->sock, chunk, n);
    ASSERT_GE(w, 0);
    if (w == 0) return;
    s->written += (size_t) w;
  }
  if (s->written == TOTAL)
    utp_close(s->sock);
}

static struct side *side_of(utp_callback_arguments *a) {
  return (struct side *) ((struct mem_peer *) utp_context_get_userdata(a->context))->user;
}

static uint64 on_accept(utp_callback_arguments *a) {
  struct side *s = side_of(a);
  ASSERT_NULL(s->sock);
  ASSERT_NOT_NULL(a->socket);
  ASSERT_EQ(a->address->sa_family, AF_INET);
  ASSERT_EQ(a->address_len, sizeof(struct sockaddr_in));
  s->sock = a->socket;
  s->accepted++;
  return 0;
}

static uint64 on_read(utp_callback_arguments *a) {
  struct side *s = side_of(a);
  ASSERT_PTR_EQ(a->socket, s->sock);
  ASSERT_GT(a->len, 0);
  for (size_t i = 0; i < a->len; i++)
    if (a->buf[i] != pattern(s->received + i))
      FATAL("payload differs");
  s->received += a->len;
  s->reads++;
  utp_read_drained(a->socket);
  return 0;
}

static uint64 on_state(utp_callback_arguments *a) {
  struct side *s = side_of(a);
  ASSERT_PTR_EQ(a->socket, s->sock);
  ASSERT_NE(s->last_state, UTP_STATE_DESTROYING);   /* nothing after DESTROYING */
  if (s->nstates++ == 0) s->first_state = a->state;
  s->last_state = a->state;
  switch (a->state) {
  case UTP_STATE_CONNECT:
    s->connected++;
    pump_writes(s);
    break;
  case UTP_STATE_WRITABLE:
    s->writable++;
    pump_writes(s);
    break;
  case UTP_STATE_EOF:
    s->eof++;
    utp_close(a->socket);
    break;
  case UTP_STATE_DESTROYING:
    s->destroyed++;
    break;
  default:
    FATAL("unknown state");
  }
  return 0;
}

static uint64 on_error(utp_callback_arguments *a) {
  struct side *s = side_of(a);
  /* The only error allowed is libutp's close race: the side that closes
   * second gets ECONNRESET for its FIN when the first is already freed. */
  ASSERT_EQ(a->error_code, UTP_ECONNRESET);
  ASSERT_EQ(s->eof, 1);
  s->errors++;
  return 0;
}

static void transfer(unsigned drop_every) {
  struct mem_net *net = mem_net_new();
  struct side a, b;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  struct mem_peer *pa = mem_net_peer(net, 0), *pb = mem_net_peer(net, 1);
  pa->user = &a;
  pb->user = &b;
  mem_net_drop_every(net, drop_every);
  for (int i = 0; i < 2; i++) {
    utp_context *ctx = mem_net_peer(net, i)->ctx;
    utp_set_callback(ctx, UTP_ON_READ, on_read);
    utp_set_callback(ctx, UTP_ON_STATE_CHANGE, on_state);
    utp_set_callback(ctx, UTP_ON_ERROR, on_error);
  }
  utp_set_callback(pb->ctx, UTP_ON_ACCEPT, on_accept);

  a.sock = utp_create_socket(pa->ctx);
  ASSERT_NOT_NULL(a.sock);
  ASSERT_EQ(utp_connect(a.sock, (const struct sockaddr *) &pb->addr, sizeof(pb->addr)), 0);
  ASSERT_GE(pa->sent, 1);                           /* the SYN left inside utp_connect */

  /* 1 ms per step; at most 10 virtual minutes. */
  for (int step = 0; step < 600000 && !(a.destroyed && b.destroyed); step++)
    mem_net_step(net, 1000);

  ASSERT_EQ(a.written, TOTAL);
  ASSERT_EQ(b.received, TOTAL);
  ASSERT_EQ(a.connected, 1);
  ASSERT_EQ(b.accepted, 1);
  ASSERT_EQ(b.connected, 0);                        /* CONNECT is for outgoing sockets only */
  ASSERT_EQ(b.eof, 1);
  ASSERT_EQ(a.destroyed, 1);
  ASSERT_EQ(b.destroyed, 1);
  ASSERT_EQ(a.errors, 0);
  ASSERT_LE(b.errors, 1);
  ASSERT_EQ(a.first_state, UTP_STATE_CONNECT);
  ASSERT_EQ(a.last_state, UTP_STATE_DESTROYING);
  ASSERT_EQ(b.last_state, UTP_STATE_DESTROYING);
  ASSERT_GE(b.reads, TOTAL / 1500);

  /* Context statistics count datagrams on both sides. */
  utp_context_stats *st = utp_get_context_stats(pb->ctx);
  ASSERT_NOT_NULL(st);
  uint64 recv = 0;
  for (int i = 0; i < 5; i++) recv += st->_nraw_recv[i];
  ASSERT_GE(recv, TOTAL / 1500);
  mem_net_free(net);
}

TEST_IMPL(loopback_transfer) {
  transfer(0);
  transfer(23);               /* every 23rd datagram lost: retransmission through the shim */
  return 0;
}
