/* test-init.c: utp_init accepts API generation 2 only; handles are distinct and usable. */
#include "utp.h"
#include "task.h"

TEST_IMPL(init) {
  ASSERT_NULL(utp_init(1));
  ASSERT_NULL(utp_init(3));
  ASSERT_NULL(utp_init(-2));

  utp_context *a = utp_init(2);
  utp_context *b = utp_init(2);
  ASSERT_NOT_NULL(a);
  ASSERT_NOT_NULL(b);
  ASSERT_PTR_NE(a, b);

  int tag_a = 1, tag_b = 2;
  ASSERT_NULL(utp_context_get_userdata(a));
  ASSERT_PTR_EQ(utp_context_set_userdata(a, &tag_a), &tag_a);
  ASSERT_PTR_EQ(utp_context_set_userdata(b, &tag_b), &tag_b);
  ASSERT_PTR_EQ(utp_context_get_userdata(a), &tag_a);
  ASSERT_PTR_EQ(utp_context_get_userdata(b), &tag_b);

  utp_socket *s = utp_create_socket(a);
  ASSERT_NOT_NULL(s);
  ASSERT_PTR_EQ(utp_get_context(s), a);
  ASSERT_NULL(utp_get_userdata(s));
  ASSERT_PTR_EQ(utp_set_userdata(s, &tag_b), &tag_b);
  ASSERT_PTR_EQ(utp_get_userdata(s), &tag_b);

  ASSERT_NOT_NULL(utp_get_context_stats(a));
  utp_destroy(a);
  utp_destroy(b);
  /* A destroyed context is a stale handle: libutp's error values, no crash. */
  ASSERT_NULL(utp_context_get_userdata(a));
  ASSERT_EQ(utp_context_get_option(a, UTP_SNDBUF), -1);
  return 0;
}
