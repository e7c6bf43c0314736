/* test-list.h: the shim's C tests, one file per behaviour. */
#ifndef TEST_LIST_H
#define TEST_LIST_H

#include <stddef.h>

#define TEST_DECLARE(name) int run_test_##name(void);
#define TEST_ENTRY(name) { #name, run_test_##name },

#define TEST_LIST(X)        \
  X(abi)                    \
  X(header_macros)          \
  X(init)                   \
  X(options)                \
  X(process_udp_non_utp)    \
  X(bad_handles)            \
  X(loopback_transfer)      \
  X(reentrant_callbacks)    \
  X(nested_process_udp)     \
  X(deferred_destroy)       \
  X(threads)                \
  X(signal_segv_after_first_call) \
  X(signal_usr2_host)       \
  X(signal_usr2_default)    \
  X(footprint_threads)

TEST_LIST(TEST_DECLARE)

struct test_entry {
  const char *name;
  int (*main)(void);
};

static const struct test_entry TESTS[] = {
  TEST_LIST(TEST_ENTRY)
  { NULL, NULL }
};

#endif /* TEST_LIST_H */
