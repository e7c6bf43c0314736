/* test-options.c: context and socket options, defaults and validation as libutp. */
#include "utp.h"
#include "jutp.h"
#include "task.h"

TEST_IMPL(options) {
  utp_context *ctx = utp_init(2);
  ASSERT_NOT_NULL(ctx);

  ASSERT_EQ(utp_context_get_option(ctx, UTP_LOG_NORMAL), 0);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_LOG_MTU), 0);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_LOG_DEBUG), 0);
  /* LEDBAT++ is the default controller (jutp.h): its 60 ms target; libutp's LEDBAT reads 100 ms. */
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_CONGESTION_CONTROL), JUTP_CC_LEDBAT_PLUS_PLUS);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_TARGET_DELAY), 60000);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT), 0);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_CONGESTION_CONTROL), JUTP_CC_LEDBAT);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_TARGET_DELAY), 100000);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, 2), -1);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_CONGESTION_CONTROL), JUTP_CC_LEDBAT);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_SNDBUF), 1048576);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_RCVBUF), 1048576);

  ASSERT_EQ(utp_context_set_option(ctx, UTP_LOG_NORMAL, 7), 0);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_LOG_NORMAL), 1);
  ASSERT_EQ(utp_context_set_option(ctx, UTP_LOG_NORMAL, 0), 0);
  ASSERT_EQ(utp_context_set_option(ctx, UTP_TARGET_DELAY, 50000), 0);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_TARGET_DELAY), 50000);
  ASSERT_EQ(utp_context_set_option(ctx, UTP_SNDBUF, 5000), 0);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_SNDBUF), 5000);

  /* jutp's own options (jutp.h): defaults, round trip, validation. */
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_DUPLICATE_ACK_RESEND), 1);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_GIVE_UP_RETRANSMISSIONS), 4);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_MAX_HALF_OPEN), 1000);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_ENFORCE_RECEIVE_WINDOW), 1);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_IDLE_TIMEOUT), 0);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_IDLE_TIMEOUT, 90000), 0);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_IDLE_TIMEOUT), 90000);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_IDLE_TIMEOUT, -1), -1);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_LOSS_RECOVERY), JUTP_LOSS_RECOVERY_RACK_TLP);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_LOSS_RECOVERY, JUTP_LOSS_RECOVERY_LIBUTP), 0);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_LOSS_RECOVERY), JUTP_LOSS_RECOVERY_LIBUTP);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_LOSS_RECOVERY, 2), -1);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_LOSS_RECOVERY), JUTP_LOSS_RECOVERY_LIBUTP);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_ENFORCE_RECEIVE_WINDOW, 0), 0);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_ENFORCE_RECEIVE_WINDOW), 0);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_MAX_HALF_OPEN, 16), 0);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_MAX_HALF_OPEN), 16);
  ASSERT_EQ(utp_context_set_option(ctx, JUTP_GIVE_UP_RETRANSMISSIONS, 0), -1);
  ASSERT_EQ(utp_context_get_option(ctx, JUTP_GIVE_UP_RETRANSMISSIONS), 4);

  /* Unknown options: -1 both ways. */
  ASSERT_EQ(utp_context_set_option(ctx, UTP_ON_READ, 1), -1);
  ASSERT_EQ(utp_context_get_option(ctx, UTP_ON_READ), -1);
  ASSERT_EQ(utp_context_get_option(ctx, 999), -1);
  ASSERT_EQ(utp_context_set_option(ctx, -5, 1), -1);

  /* Sockets copy the context's values when created, and only then. */
  utp_socket *s = utp_create_socket(ctx);
  ASSERT_NOT_NULL(s);
  ASSERT_EQ(utp_getsockopt(s, UTP_SNDBUF), 5000);
  ASSERT_EQ(utp_getsockopt(s, UTP_RCVBUF), 1048576);
  ASSERT_EQ(utp_getsockopt(s, UTP_TARGET_DELAY), 50000);
  ASSERT_EQ(utp_context_set_option(ctx, UTP_SNDBUF, 7000), 0);
  ASSERT_EQ(utp_getsockopt(s, UTP_SNDBUF), 5000);

  ASSERT_EQ(utp_setsockopt(s, UTP_RCVBUF, 3000), 0);
  ASSERT_EQ(utp_getsockopt(s, UTP_RCVBUF), 3000);
  ASSERT_EQ(utp_setsockopt(s, UTP_TARGET_DELAY, 25000), 0);
  ASSERT_EQ(utp_getsockopt(s, UTP_TARGET_DELAY), 25000);
  /* Log options are context-only. */
  ASSERT_EQ(utp_setsockopt(s, UTP_LOG_NORMAL, 1), -1);
  ASSERT_EQ(utp_getsockopt(s, UTP_LOG_MTU), -1);
  ASSERT_EQ(utp_getsockopt(s, 12345), -1);

  utp_destroy(ctx);
  return 0;
}
