/*
 * test-abi.c: the public structs and constants match libutp's on x86-64 Linux.
 *
 * The expected numbers are libutp's layout (LP64: pointers and size_t 8 bytes,
 * int/uint32/socklen_t 4, uint64 8 with 8-byte alignment), derived from its
 * utp.h and checked against the header shipped in npm utp-native 2.5.3
 * (deps/libutp/utp.h) by compiling the same offsetof() probes against it.
 */
#include <stddef.h>

#include "utp.h"
#include "task.h"

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "the expected values below are for LP64 Linux"
#endif

TEST_IMPL(abi) {
  /* utp_callback_arguments: 6 leading fields, then two anonymous unions. */
  ASSERT_EQ(sizeof(utp_callback_arguments), 56);
  ASSERT_EQ(offsetof(utp_callback_arguments, context), 0);
  ASSERT_EQ(offsetof(utp_callback_arguments, socket), 8);
  ASSERT_EQ(offsetof(utp_callback_arguments, len), 16);
  ASSERT_EQ(offsetof(utp_callback_arguments, flags), 24);
  ASSERT_EQ(offsetof(utp_callback_arguments, callback_type), 28);
  ASSERT_EQ(offsetof(utp_callback_arguments, buf), 32);
  ASSERT_EQ(offsetof(utp_callback_arguments, address), 40);
  ASSERT_EQ(offsetof(utp_callback_arguments, send), 40);
  ASSERT_EQ(offsetof(utp_callback_arguments, sample_ms), 40);
  ASSERT_EQ(offsetof(utp_callback_arguments, error_code), 40);
  ASSERT_EQ(offsetof(utp_callback_arguments, state), 40);
  ASSERT_EQ(offsetof(utp_callback_arguments, address_len), 48);
  ASSERT_EQ(offsetof(utp_callback_arguments, type), 48);
  ASSERT_EQ(_Alignof(utp_callback_arguments), 8);

  ASSERT_EQ(sizeof(utp_context_stats), 40);
  ASSERT_EQ(offsetof(utp_context_stats, _nraw_recv), 0);
  ASSERT_EQ(offsetof(utp_context_stats, _nraw_send), 20);
  ASSERT_EQ(_Alignof(utp_context_stats), 4);

  ASSERT_EQ(sizeof(utp_socket_stats), 40);
  ASSERT_EQ(offsetof(utp_socket_stats, nbytes_recv), 0);
  ASSERT_EQ(offsetof(utp_socket_stats, nbytes_xmit), 8);
  ASSERT_EQ(offsetof(utp_socket_stats, rexmit), 16);
  ASSERT_EQ(offsetof(utp_socket_stats, fastrexmit), 20);
  ASSERT_EQ(offsetof(utp_socket_stats, nxmit), 24);
  ASSERT_EQ(offsetof(utp_socket_stats, nrecv), 28);
  ASSERT_EQ(offsetof(utp_socket_stats, nduprecv), 32);
  ASSERT_EQ(offsetof(utp_socket_stats, mtu_guess), 36);
  ASSERT_EQ(_Alignof(utp_socket_stats), 8);

  ASSERT_EQ(sizeof(struct utp_iovec), 16);
  ASSERT_EQ(offsetof(struct utp_iovec, iov_base), 0);
  ASSERT_EQ(offsetof(struct utp_iovec, iov_len), 8);
  ASSERT_EQ(UTP_IOV_MAX, 1024);

  /* Integer typedefs. */
  ASSERT_EQ(sizeof(byte), 1);
  ASSERT_EQ(sizeof(uint16), 2);
  ASSERT_EQ(sizeof(uint32), 4);
  ASSERT_EQ(sizeof(uint64), 8);
  ASSERT_EQ(sizeof(int64), 8);
  ASSERT_EQ(sizeof(socklen_t), 4);

  /* Enumerations. */
  ASSERT_EQ(UTP_UDP_DONTFRAG, 2);
  ASSERT_EQ(UTP_STATE_CONNECT, 1);
  ASSERT_EQ(UTP_STATE_WRITABLE, 2);
  ASSERT_EQ(UTP_STATE_EOF, 3);
  ASSERT_EQ(UTP_STATE_DESTROYING, 4);
  ASSERT_EQ(UTP_ECONNREFUSED, 0);
  ASSERT_EQ(UTP_ECONNRESET, 1);
  ASSERT_EQ(UTP_ETIMEDOUT, 2);
  ASSERT_EQ(UTP_ON_FIREWALL, 0);
  ASSERT_EQ(UTP_ON_ACCEPT, 1);
  ASSERT_EQ(UTP_ON_CONNECT, 2);
  ASSERT_EQ(UTP_ON_ERROR, 3);
  ASSERT_EQ(UTP_ON_READ, 4);
  ASSERT_EQ(UTP_ON_OVERHEAD_STATISTICS, 5);
  ASSERT_EQ(UTP_ON_STATE_CHANGE, 6);
  ASSERT_EQ(UTP_GET_READ_BUFFER_SIZE, 7);
  ASSERT_EQ(UTP_ON_DELAY_SAMPLE, 8);
  ASSERT_EQ(UTP_GET_UDP_MTU, 9);
  ASSERT_EQ(UTP_GET_UDP_OVERHEAD, 10);
  ASSERT_EQ(UTP_GET_MILLISECONDS, 11);
  ASSERT_EQ(UTP_GET_MICROSECONDS, 12);
  ASSERT_EQ(UTP_GET_RANDOM, 13);
  ASSERT_EQ(UTP_LOG, 14);
  ASSERT_EQ(UTP_SENDTO, 15);
  ASSERT_EQ(UTP_LOG_NORMAL, 16);
  ASSERT_EQ(UTP_LOG_MTU, 17);
  ASSERT_EQ(UTP_LOG_DEBUG, 18);
  ASSERT_EQ(UTP_SNDBUF, 19);
  ASSERT_EQ(UTP_RCVBUF, 20);
  ASSERT_EQ(UTP_TARGET_DELAY, 21);
  ASSERT_EQ(UTP_ARRAY_SIZE, 22);

  /* Exported name tables (no JVM needed for these). */
  ASSERT_NULL(utp_state_names[0]);
  ASSERT_STR_EQ(utp_state_names[UTP_STATE_CONNECT], "UTP_STATE_CONNECT");
  ASSERT_STR_EQ(utp_state_names[UTP_STATE_DESTROYING], "UTP_STATE_DESTROYING");
  ASSERT_STR_EQ(utp_error_code_names[UTP_ECONNREFUSED], "UTP_ECONNREFUSED");
  ASSERT_STR_EQ(utp_error_code_names[UTP_ETIMEDOUT], "UTP_ETIMEDOUT");
  ASSERT_STR_EQ(utp_callback_names[UTP_ON_FIREWALL], "UTP_ON_FIREWALL");
  ASSERT_STR_EQ(utp_callback_names[UTP_ON_OVERHEAD_STATISTICS], "UTP_ON_OVERHEAD_STATISTICS");
  ASSERT_STR_EQ(utp_callback_names[UTP_SENDTO], "UTP_SENDTO");
  return 0;
}
