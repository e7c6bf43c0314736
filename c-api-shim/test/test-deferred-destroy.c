/*
 * test-deferred-destroy.c: utp_close never frees synchronously. The handle
 * stays valid until UTP_STATE_DESTROYING, which fires from a later
 * utp_check_timeouts (or from utp_destroy); afterwards the handle is stale
 * and every call on it returns libutp's error value.
 */
#include <string.h>

#include "mem-net.h"
#include "task.h"

struct watch {
  utp_socket *accepted;
  int connected;
  int destroying[2];           /* per peer */
  utp_socket *last_destroyed;
};

static struct watch W;

static int peer_index(utp_callback_arguments *a) {
  struct mem_peer *p = utp_context_get_userdata(a->context);
  return p == mem_net_peer(p->net, 0) ? 0 : 1;
}

static uint64 on_accept(utp_callback_arguments *a) { W.accepted = a->socket; return 0; }

static uint64 on_state(utp_callback_arguments *a) {
  if (a->state == UTP_STATE_CONNECT) W.connected++;
  if (a->state == UTP_STATE_DESTROYING) {
    W.destroying[peer_index(a)]++;
    W.last_destroyed = a->socket;
    ASSERT_NOT_NULL(utp_get_userdata(a->socket));   /* still valid in the callback */
  }
  return 0;
}

static int tag_a, tag_b, tag_c;

TEST_IMPL(deferred_destroy) {
  memset(&W, 0, sizeof(W));
  struct mem_net *net = mem_net_new();
  struct mem_peer *pa = mem_net_peer(net, 0), *pb = mem_net_peer(net, 1);
  for (int i = 0; i < 2; i++)
    utp_set_callback(mem_net_peer(net, i)->ctx, UTP_ON_STATE_CHANGE, on_state);
  utp_set_callback(pb->ctx, UTP_ON_ACCEPT, on_accept);

  /* 1. A SYN_SENT socket closed at once is destroyed by the next effective tick. */
  utp_socket *s = utp_create_socket(pa->ctx);
  utp_set_userdata(s, &tag_a);
  /* Nobody listens on port 9: the SYN goes nowhere. */
  struct sockaddr_in nowhere = pb->addr;
  nowhere.sin_port = htons(9);
  ASSERT_EQ(utp_connect(s, (const struct sockaddr *) &nowhere, sizeof(nowhere)), 0);
  utp_close(s);
  ASSERT_EQ(W.destroying[0], 0);                     /* not inside utp_close */
  ASSERT_PTR_EQ(utp_get_userdata(s), &tag_a);        /* handle still valid */
  for (int i = 0; i < 600 && W.destroying[0] == 0; i++)
    mem_net_step(net, 1000);
  ASSERT_EQ(W.destroying[0], 1);
  ASSERT_PTR_EQ(W.last_destroyed, s);
  /* Now stale: error values, no crash, never another socket's data. */
  ASSERT_NULL(utp_get_userdata(s));
  ASSERT_EQ(utp_write(s, &tag_a, sizeof(tag_a)), -1);
  ASSERT_EQ(utp_getsockopt(s, UTP_SNDBUF), -1);
  ASSERT_NULL(utp_get_context(s));
  utp_close(s);

  /* 2. A connected pair: close on one side, DESTROYING comes later for both. */
  utp_socket *c = utp_create_socket(pa->ctx);
  utp_set_userdata(c, &tag_b);
  ASSERT_EQ(utp_connect(c, (const struct sockaddr *) &pb->addr, sizeof(pb->addr)), 0);
  for (int i = 0; i < 1000 && !(W.connected && W.accepted); i++)
    mem_net_step(net, 1000);
  ASSERT_EQ(W.connected, 1);
  ASSERT_NOT_NULL(W.accepted);
  utp_set_userdata(W.accepted, &tag_c);
  /* Let the accepted side see the initiator's first packet (leave SYN_RECV). */
  ASSERT_EQ(utp_write(c, "x", 1), 1);
  for (int i = 0; i < 50; i++) mem_net_step(net, 1000);

  utp_close(c);
  ASSERT_EQ(W.destroying[0], 1);
  ASSERT_PTR_EQ(utp_get_userdata(c), &tag_b);

  /* 3. utp_destroy fires DESTROYING for the accepted socket still open. */
  int before_b = W.destroying[1];
  ASSERT_EQ(before_b, 0);
  utp_destroy(pb->ctx);
  ASSERT_EQ(W.destroying[1], 1);
  ASSERT_PTR_EQ(W.last_destroyed, W.accepted);
  ASSERT_NULL(utp_get_userdata(W.accepted));
  ASSERT_NULL(utp_context_get_userdata(pb->ctx));   /* stale context */
  pb->ctx = utp_init(2);                              /* mem_net_free destroys a live one */
  utp_context_set_userdata(pb->ctx, pb);

  for (int i = 0; i < 70000 && W.destroying[0] < 2; i++)
    mem_net_step(net, 1000);
  ASSERT_EQ(W.destroying[0], 2);                     /* c: FIN never acked, gave up later */
  mem_net_free(net);
  return 0;
}
