/* task.h: assertion macros and test registration for the shim's C tests (libuv style). */
#ifndef TASK_H
#define TASK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_IMPL(name) int run_test_##name(void)

#define FATAL(msg)                                                            \
  do {                                                                        \
    fprintf(stderr, "Assertion failed in %s on line %d: %s\n",                \
            __FILE__, __LINE__, msg);                                         \
    fflush(stderr);                                                           \
    abort();                                                                  \
  } while (0)

#define ASSERT(expr)                                                          \
  do { if (!(expr)) FATAL(#expr); } while (0)

#define ASSERT_BASE(a, op, b, type, fmt)                                      \
  do {                                                                        \
    type a_ = (type) (a);                                                     \
    type b_ = (type) (b);                                                     \
    if (!(a_ op b_)) {                                                        \
      fprintf(stderr, "Assertion failed in %s on line %d: `%s %s %s` "       \
              "(" fmt " %s " fmt ")\n", __FILE__, __LINE__, #a, #op, #b,      \
              a_, #op, b_);                                                   \
      fflush(stderr);                                                         \
      abort();                                                                \
    }                                                                         \
  } while (0)

#define ASSERT_EQ(a, b)  ASSERT_BASE(a, ==, b, int64_t, "%" PRId64)
#define ASSERT_NE(a, b)  ASSERT_BASE(a, !=, b, int64_t, "%" PRId64)
#define ASSERT_GE(a, b)  ASSERT_BASE(a, >=, b, int64_t, "%" PRId64)
#define ASSERT_GT(a, b)  ASSERT_BASE(a, >, b, int64_t, "%" PRId64)
#define ASSERT_LE(a, b)  ASSERT_BASE(a, <=, b, int64_t, "%" PRId64)
#define ASSERT_LT(a, b)  ASSERT_BASE(a, <, b, int64_t, "%" PRId64)
#define ASSERT_PTR_EQ(a, b) ASSERT_BASE(a, ==, b, const void *, "%p")
#define ASSERT_PTR_NE(a, b) ASSERT_BASE(a, !=, b, const void *, "%p")
#define ASSERT_NULL(a)      ASSERT_PTR_EQ(a, NULL)
#define ASSERT_NOT_NULL(a)  ASSERT_PTR_NE(a, NULL)
#define ASSERT_STR_EQ(a, b)                                                   \
  do {                                                                        \
    const char *sa_ = (a), *sb_ = (b);                                        \
    if (sa_ == NULL || sb_ == NULL || strcmp(sa_, sb_) != 0) {                \
      fprintf(stderr, "Assertion failed in %s on line %d: `%s == %s` "       \
              "(\"%s\" == \"%s\")\n", __FILE__, __LINE__, #a, #b,             \
              sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                    \
      abort();                                                                \
    }                                                                         \
  } while (0)

#endif /* TASK_H */
