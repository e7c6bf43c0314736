/*
 * test-header-macros.c: everything libutp's utp.h and utp_types.h define is
 * defined by the shim's, with libutp's meaning: the include guards, the
 * attribute and assertion macros, I64u, SOCKADDR_STORAGE under -DPOSIX, and
 * <stdarg.h> through utp.h (this file includes neither <stdarg.h> nor
 * anything else before utp.h).
 */
#define POSIX
#include "utp.h"

#include <stdio.h>
#include <string.h>

#include "task.h"

#if !defined(__UTP_H__) || !defined(__UTP_TYPES_H__)
#error "libutp's include guard names are missing"
#endif
#ifndef IP_DONTFRAG
# ifdef IP_OPT_DONTFRAG
#  error "IP_OPT_DONTFRAG without IP_DONTFRAG or IP_DONTFRAGMENT"
# endif
#endif

struct PACKED_ATTRIBUTE packed_probe { byte b; uint32 u; };
struct aligned_probe { byte b ALIGNED_ATTRIBUTE(16); };
CASSERT(sizeof(struct aligned_probe) == 16, aligned_attribute_aligns)
CASSERT(sizeof(SOCKADDR_STORAGE) == sizeof(struct sockaddr_storage), sockaddr_storage_is_posix)

static int format(char *out, size_t n, const char *fmt, ...) {
  va_list ap;                                   /* from utp.h's <stdarg.h> */
  va_start(ap, fmt);
  int r = vsnprintf(out, n, fmt, ap);
  va_end(ap);
  return r;
}

TEST_IMPL(header_macros) {
  char buf[64];
  uint64 big = 18446744073709551615ULL;
  format(buf, sizeof(buf), I64u, big);
  ASSERT_STR_EQ(buf, "18446744073709551615");
  ASSERT_STR_EQ(I64u, "%Lu");
  /* Without BROKEN_GCC_STRUCTURE_PACKING, PACKED_ATTRIBUTE is empty, as in libutp. */
  ASSERT_EQ(sizeof(struct packed_probe), 8);
  ASSERT_EQ(_Alignof(struct aligned_probe), 16);
  SOCKADDR_STORAGE ss;
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_INET6;
  ASSERT_EQ(((struct sockaddr *) &ss)->sa_family, AF_INET6);
  return 0;
}
