/*
 * test-reentrant.c: callbacks call back into the API (as ucat does): an echo
 * server writes from inside UTP_ON_READ, every side closes from inside
 * UTP_ON_STATE_CHANGE, SENDTO reads options. The callback argument struct
 * seen by an outer callback is intact after nested callbacks ran.
 */
#include <string.h>

#include "mem-net.h"
#include "task.h"

#define MSG_LEN 3000
#define ROUNDS 20

struct echo {
  utp_socket *client, *server;
  byte backlog[MSG_LEN * ROUNDS];   /* server: received, not yet echoed */
  size_t backlog_len;
  size_t echoed, got_back;
  size_t client_target, client_sent;   /* client: bytes it means to have sent / has sent */
  int rounds, nested_sendto, eof, destroyed;
  byte msg[MSG_LEN];
};

static struct echo *E(utp_callback_arguments *a) {
  return (struct echo *) ((struct mem_peer *) utp_context_get_userdata(a->context))->user;
}

static uint64 on_accept(utp_callback_arguments *a) {
  E(a)->server = a->socket;
  ASSERT_PTR_EQ(utp_get_context(a->socket), a->context);
  return 0;
}

/* Client: send up to client_target, as far as the window allows. */
static void client_pump(struct echo *e) {
  while (e->client_sent < e->client_target) {
    size_t at = e->client_sent % MSG_LEN;
    size_t n = MSG_LEN - at;
    if (n > e->client_target - e->client_sent) n = e->client_target - e->client_sent;
    ssize_t w = utp_write(e->client, e->msg + at, n);
    ASSERT_GE(w, 0);
    if (w == 0) return;
    e->client_sent += (size_t) w;
  }
}

/* Server: echo what the send window takes now; the rest on UTP_STATE_WRITABLE. */
static void echo_backlog(struct echo *e) {
  while (e->echoed < e->backlog_len) {
    ssize_t w = utp_write(e->server, e->backlog + e->echoed, e->backlog_len - e->echoed);
    ASSERT_GE(w, 0);
    if (w == 0) return;
    e->echoed += (size_t) w;
  }
}

static uint64 on_read(utp_callback_arguments *a) {
  struct echo *e = E(a);
  utp_callback_arguments saved = *a;
  if (a->socket == e->server) {
    ASSERT_LE(e->backlog_len + a->len, sizeof(e->backlog));
    memcpy(e->backlog + e->backlog_len, a->buf, a->len);
    e->backlog_len += a->len;
    /* Nested: utp_write fires SENDTO (and more) before it returns. */
    echo_backlog(e);
    ASSERT_EQ(utp_getsockopt(a->socket, UTP_SNDBUF), 1048576);
  } else {
    ASSERT_PTR_EQ(a->socket, e->client);
    for (size_t i = 0; i < a->len; i++)
      ASSERT_EQ(a->buf[i], e->msg[(e->got_back + i) % MSG_LEN]);
    e->got_back += a->len;
    if (e->got_back == (size_t) MSG_LEN * (e->rounds + 1)) {
      if (++e->rounds < ROUNDS) {
        e->client_target += MSG_LEN;
        client_pump(e);
      } else
        utp_close(a->socket);                      /* close from inside ON_READ */
    }
  }
  utp_read_drained(a->socket);
  /* The outer callback's argument struct survived the nested calls. */
  ASSERT_PTR_EQ(a->context, saved.context);
  ASSERT_PTR_EQ(a->socket, saved.socket);
  ASSERT_PTR_EQ(a->buf, saved.buf);
  ASSERT_EQ(a->len, saved.len);
  ASSERT_EQ(a->callback_type, UTP_ON_READ);
  return 0;
}

static uint64 on_state(utp_callback_arguments *a) {
  struct echo *e = E(a);
  if (a->state == UTP_STATE_CONNECT) {
    e->client_target = MSG_LEN;
    client_pump(e);
  } else if (a->state == UTP_STATE_WRITABLE) {
    if (a->socket == e->server) echo_backlog(e); else client_pump(e);
  } else if (a->state == UTP_STATE_EOF) {
    e->eof++;
    utp_close(a->socket);                          /* close from inside ON_STATE_CHANGE */
    ASSERT_EQ(a->state, UTP_STATE_EOF);
  } else if (a->state == UTP_STATE_DESTROYING) {
    e->destroyed++;
    /* Still valid inside DESTROYING. */
    ASSERT_PTR_EQ(utp_get_context(a->socket), a->context);
  }
  return 0;
}

/* Wraps mem-net's SENDTO: re-enters the API from SENDTO itself. */
static uint64 (*inner_sendto)(utp_callback_arguments *);
static uint64 spy_sendto(utp_callback_arguments *a) {
  struct echo *e = E(a);
  e->nested_sendto++;
  ASSERT_EQ(utp_context_get_option(a->context, UTP_TARGET_DELAY), 60000);   /* LEDBAT++'s default */
  ASSERT_NULL(a->socket);                          /* libutp passes no socket to SENDTO */
  return inner_sendto(a);
}

TEST_IMPL(reentrant_callbacks) {
  struct echo e;
  memset(&e, 0, sizeof(e));
  for (int i = 0; i < MSG_LEN; i++) e.msg[i] = (byte) (i * 7 + 3);
  struct mem_net *net = mem_net_new();
  struct mem_peer *pa = mem_net_peer(net, 0), *pb = mem_net_peer(net, 1);
  pa->user = pb->user = &e;

  inner_sendto = mem_net_sendto;
  for (int i = 0; i < 2; i++) {
    utp_context *ctx = mem_net_peer(net, i)->ctx;
    utp_set_callback(ctx, UTP_SENDTO, spy_sendto);
    utp_set_callback(ctx, UTP_ON_READ, on_read);
    utp_set_callback(ctx, UTP_ON_STATE_CHANGE, on_state);
  }
  utp_set_callback(pb->ctx, UTP_ON_ACCEPT, on_accept);

  e.client = utp_create_socket(pa->ctx);
  ASSERT_EQ(utp_connect(e.client, (const struct sockaddr *) &pb->addr, sizeof(pb->addr)), 0);
  for (int step = 0; step < 120000 && e.destroyed < 2; step++)
    mem_net_step(net, 1000);

  ASSERT_EQ(e.rounds, ROUNDS);
  ASSERT_EQ(e.echoed, (size_t) MSG_LEN * ROUNDS);
  ASSERT_EQ(e.got_back, (size_t) MSG_LEN * ROUNDS);
  ASSERT_EQ(e.eof, 1);                             /* the server saw the client's FIN */
  ASSERT_EQ(e.destroyed, 2);
  ASSERT_GT(e.nested_sendto, ROUNDS);
  mem_net_free(net);
  return 0;
}
