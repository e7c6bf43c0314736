/*
 * test-nested-process-udp.c: a host that drains its socket from inside
 * UTP_ON_READ (issue 14 #3). Each nested utp_process_udp is fed from the one
 * receive buffer, which the host scribbles over as soon as the call returns;
 * every UTP_ON_READ must still see exactly the bytes the peer sent.
 */
#include <string.h>

#include "mem-net.h"
#include "task.h"

#define MSG_LEN 6000
#define CHUNK 1000
#define PACKETS (MSG_LEN / CHUNK)

struct nested {
  utp_socket *client, *server;
  int connected;
  byte msg[MSG_LEN];
  byte got[MSG_LEN];
  size_t got_len;
  utp_context *server_ctx;
  uint16 syn_conn_id, isn_a, isn_b;
  int have_syn, have_syn_ack;
  byte captured[PACKETS][20 + CHUNK];  /* DATA from A, held back: B's "socket" */
  size_t captured_len[PACKETS];
  int ncaptured, next;
  byte *rx;                            /* the host's only receive buffer */
  struct sockaddr_in from;
  int depth, deepest;
};

static struct nested *N(utp_callback_arguments *a) {
  return (struct nested *) ((struct mem_peer *) utp_context_get_userdata(a->context))->user;
}

static uint16 be16(const byte *p) { return (uint16) ((p[0] << 8) | p[1]); }
static void put16(byte *p, uint16 v) { p[0] = (byte) (v >> 8); p[1] = (byte) v; }

/* Learns the connection ids and ISNs from the handshake. */
static uint64 watch_sendto(utp_callback_arguments *a) {
  struct nested *n = N(a);
  int type = a->buf[0] >> 4;
  if (type == 4 /* ST_SYN */ && !n->have_syn) {
    n->syn_conn_id = be16(a->buf + 2);
    n->isn_a = be16(a->buf + 16);
    n->have_syn = 1;
  } else if (type == 2 /* ST_STATE */ && n->have_syn && !n->have_syn_ack
             && a->context == n->server_ctx) {
    n->isn_b = be16(a->buf + 16);
    n->have_syn_ack = 1;
  }
  return mem_net_sendto(a);
}

/* A's DATA packet k (1-based) carrying msg[(k-1)*CHUNK ..], built by hand. */
static void build_data(struct nested *n, int k) {
  byte *d = n->captured[k - 1];
  memset(d, 0, 20);
  d[0] = 0x01;                                      /* ST_DATA, version 1 */
  put16(d + 2, (uint16) (n->syn_conn_id + 1));
  d[13] = 0x10;                                     /* wnd_size 1 MiB */
  put16(d + 16, (uint16) (n->isn_a + k));
  put16(d + 18, (uint16) (n->isn_b - 1));
  memcpy(d + 20, n->msg + (size_t) (k - 1) * CHUNK, CHUNK);
  n->captured_len[k - 1] = 20 + CHUNK;
}

static uint64 on_accept(utp_callback_arguments *a) {
  N(a)->server = a->socket;
  return 0;
}

static uint64 on_state(utp_callback_arguments *a) {
  if (a->state == UTP_STATE_CONNECT) N(a)->connected = 1;
  return 0;
}

/* Feeds the next held datagram through the shared buffer, then reuses it. */
static void feed_next(utp_context *ctx, struct nested *n) {
  int k = n->next++;
  memcpy(n->rx, n->captured[k], n->captured_len[k]);
  ASSERT_EQ(utp_process_udp(ctx, n->rx, n->captured_len[k],
                            (const struct sockaddr *) &n->from, sizeof(n->from)), 1);
  memset(n->rx, 0xEE, 2048);
}

static uint64 on_read(utp_callback_arguments *a) {
  struct nested *n = N(a);
  utp_callback_arguments saved = *a;
  ASSERT_PTR_EQ(a->socket, n->server);
  ASSERT_LE(n->got_len + a->len, sizeof(n->got));
  memcpy(n->got + n->got_len, a->buf, a->len);
  n->got_len += a->len;
  if (n->next < n->ncaptured) {
    n->depth++;
    if (n->depth > n->deepest) n->deepest = n->depth;
    feed_next(a->context, n);
    n->depth--;
  }
  /* Nested callbacks used their own argument struct. */
  ASSERT_EQ(memcmp(&saved, a, sizeof(saved)), 0);
  return 0;
}

TEST_IMPL(nested_process_udp) {
  struct mem_net *net = mem_net_new();
  struct mem_peer *pa = mem_net_peer(net, 0), *pb = mem_net_peer(net, 1);
  struct nested *n = calloc(1, sizeof(*n));
  ASSERT_NOT_NULL(n);
  n->rx = malloc(2048);
  ASSERT_NOT_NULL(n->rx);
  n->from = pa->addr;
  n->server_ctx = pb->ctx;
  for (int i = 0; i < MSG_LEN; i++) n->msg[i] = (byte) (i * 7 + i / 251);
  pa->user = pb->user = n;
  utp_set_callback(pa->ctx, UTP_SENDTO, watch_sendto);
  utp_set_callback(pb->ctx, UTP_SENDTO, watch_sendto);
  utp_set_callback(pa->ctx, UTP_ON_STATE_CHANGE, on_state);
  utp_set_callback(pb->ctx, UTP_ON_ACCEPT, on_accept);
  utp_set_callback(pb->ctx, UTP_ON_READ, on_read);

  n->client = utp_create_socket(pa->ctx);
  ASSERT_EQ(utp_connect(n->client, (const struct sockaddr *) &pb->addr, sizeof(pb->addr)), 0);
  for (int step = 0; step < 1000 && !(n->connected && n->server); step++)
    mem_net_step(net, 1000);
  ASSERT(n->connected && n->server);

  ASSERT(n->have_syn && n->have_syn_ack);
  for (int k = 1; k <= PACKETS; k++) build_data(n, k);
  n->ncaptured = PACKETS;

  feed_next(pb->ctx, n);                            /* the outermost call */
  ASSERT_EQ(n->next, n->ncaptured);
  ASSERT_EQ(n->got_len, MSG_LEN);
  ASSERT_EQ(memcmp(n->got, n->msg, MSG_LEN), 0);
  ASSERT_EQ(n->deepest, n->ncaptured - 1);          /* each later one from inside ON_READ */

  mem_net_free(net);
  free(n->rx);
  free(n);
  return 0;
}
