/* test-bad-handles.c: NULL, forged and misused handles get libutp's error values. */
#include <string.h>

#include "utp.h"
#include "task.h"

static uint64 noop(utp_callback_arguments *a) { return 0; }

TEST_IMPL(bad_handles) {
  utp_context *forged_ctx = (utp_context *) (uintptr_t) 0x7777770;
  utp_socket *forged = (utp_socket *) (uintptr_t) 0x123450;
  byte buf[64] = { 0 };
  struct utp_iovec iov = { buf, sizeof(buf) };
  uint32 ours = 9, theirs = 9, age = 9;

  /* NULL and forged contexts. */
  utp_destroy(NULL);
  utp_destroy(forged_ctx);
  utp_set_callback(NULL, UTP_ON_READ, noop);
  ASSERT_NULL(utp_context_set_userdata(NULL, buf));
  ASSERT_NULL(utp_context_get_userdata(forged_ctx));
  ASSERT_EQ(utp_context_set_option(NULL, UTP_SNDBUF, 1), -1);
  ASSERT_EQ(utp_context_get_option(forged_ctx, UTP_SNDBUF), -1);
  ASSERT_EQ(utp_process_udp(forged_ctx, buf, 20, NULL, 0), 0);
  ASSERT_EQ(utp_process_icmp_error(NULL, buf, 20, NULL, 0), 0);
  ASSERT_EQ(utp_process_icmp_fragmentation(NULL, buf, 20, NULL, 0, 1200), 0);
  utp_check_timeouts(NULL);
  utp_issue_deferred_acks(forged_ctx);
  ASSERT_NULL(utp_get_context_stats(NULL));
  ASSERT_NULL(utp_create_socket(forged_ctx));

  /* NULL and forged sockets. */
  ASSERT_NULL(utp_set_userdata(NULL, buf));
  ASSERT_NULL(utp_get_userdata(forged));
  ASSERT_EQ(utp_setsockopt(NULL, UTP_SNDBUF, 100), -1);
  ASSERT_EQ(utp_getsockopt(forged, UTP_SNDBUF), -1);
  ASSERT_EQ(utp_connect(forged, NULL, 0), -1);
  ASSERT_EQ(utp_write(NULL, buf, sizeof(buf)), -1);
  ASSERT_EQ(utp_writev(forged, &iov, 1), -1);
  ASSERT_EQ(utp_getpeername(NULL, NULL, NULL), -1);
  utp_read_drained(forged);
  ASSERT_EQ(utp_get_delays(forged, &ours, &theirs, &age), -1);
  ASSERT_NULL(utp_get_context(forged));
  utp_shutdown(NULL, SHUT_RDWR);
  utp_close(forged);

  /* A context handle is not a socket handle and vice versa. */
  utp_context *ctx = utp_init(2);
  ASSERT_NOT_NULL(ctx);
  ASSERT_EQ(utp_getsockopt((utp_socket *) ctx, UTP_SNDBUF), -1);
  utp_socket *s = utp_create_socket(ctx);
  ASSERT_NOT_NULL(s);
  ASSERT_EQ(utp_context_get_option((utp_context *) s, UTP_SNDBUF), -1);

  /* Misuse of a valid, unconnected socket. */
  ASSERT_EQ(utp_write(s, buf, sizeof(buf)), 0);            /* not connected: nothing accepted */
  ASSERT_EQ(utp_writev(s, NULL, 1), -1);
  ASSERT_EQ(utp_writev(s, &iov, 0), -1);
  struct sockaddr_storage ss;
  socklen_t sslen = sizeof(ss);
  ASSERT_EQ(utp_getpeername(s, (struct sockaddr *) &ss, &sslen), -1);
  ASSERT_EQ(utp_get_delays(s, &ours, &theirs, &age), -1);
  ASSERT_EQ(ours, 0);
  ASSERT_EQ(theirs, 0);
  ASSERT_EQ(age, 0);
  ASSERT_EQ(utp_connect(s, NULL, 0), -1);
  /* jutp throws inside for a bad 'how'; the upcall catches it, so this process lives on. */
  utp_shutdown(s, 77);
  utp_shutdown(s, -1);
  ASSERT_GT(utp_getsockopt(s, UTP_SNDBUF), 0);

  /* Out-of-range callback slots are ignored, not stored. */
  utp_set_callback(ctx, UTP_ARRAY_SIZE, noop);
  utp_set_callback(ctx, -1, noop);
  utp_set_callback(ctx, 1 << 20, noop);

  utp_destroy(ctx);
  return 0;
}
