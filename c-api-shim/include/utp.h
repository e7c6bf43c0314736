/*
 * utp.h: the public API of libutp (API generation 2), served by jutp.
 *
 * Part of jutp's c-api-shim. Written for jutp from libutp's documented ABI
 * (function signatures, enum values, struct layouts): a program written against
 * libutp compiles against this header and links against jutp's libutp.so
 * unchanged. Behaviour and the few deliberate differences from libutp are
 * described in c-api-shim/README.md ("Using jutp from C").
 *
 * Threading: every call on a context (and on its sockets) is serialised by a
 * recursive mutex inside the shim; callbacks run on the calling thread with
 * that mutex held and may re-enter the API. See the README.
 */
#ifndef __UTP_H__                  /* libutp's guard name: a program may test it */
#define __UTP_H__

#include <stdarg.h>
#include "utp_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handles. The struct tags are libutp's; nothing outside the shim
 * dereferences them (in jutp they are tokens that name Java objects). */
typedef struct UTPSocket          utp_socket;
typedef struct struct_utp_context utp_context;

/* flags of UTP_SENDTO */
enum {
  UTP_UDP_DONTFRAG = 2             /* MTU probe: send with the DF bit set */
};

/* `state` of UTP_ON_STATE_CHANGE */
enum {
  UTP_STATE_CONNECT    = 1,        /* outgoing connection completed; writable */
  UTP_STATE_WRITABLE   = 2,        /* send window reopened after a short write */
  UTP_STATE_EOF        = 3,        /* peer's FIN reached in order */
  UTP_STATE_DESTROYING = 4         /* the handle is invalid after this callback */
};

/* `error_code` of UTP_ON_ERROR */
enum {
  UTP_ECONNREFUSED = 0,
  UTP_ECONNRESET   = 1,
  UTP_ETIMEDOUT    = 2
};

/* Callback slots (utp_set_callback) and options (utp_*_option, utp_*sockopt)
 * share one numbering. */
enum {
  UTP_ON_FIREWALL            = 0,
  UTP_ON_ACCEPT              = 1,
  UTP_ON_CONNECT             = 2,
  UTP_ON_ERROR               = 3,
  UTP_ON_READ                = 4,
  UTP_ON_OVERHEAD_STATISTICS = 5,
  UTP_ON_STATE_CHANGE        = 6,
  UTP_GET_READ_BUFFER_SIZE   = 7,
  UTP_ON_DELAY_SAMPLE        = 8,
  UTP_GET_UDP_MTU            = 9,
  UTP_GET_UDP_OVERHEAD       = 10,
  UTP_GET_MILLISECONDS       = 11,
  UTP_GET_MICROSECONDS       = 12,
  UTP_GET_RANDOM             = 13,
  UTP_LOG                    = 14,
  UTP_SENDTO                 = 15,

  UTP_LOG_NORMAL             = 16,
  UTP_LOG_MTU                = 17,
  UTP_LOG_DEBUG              = 18,
  UTP_SNDBUF                 = 19,
  UTP_RCVBUF                 = 20,
  UTP_TARGET_DELAY           = 21, /* microseconds */

  UTP_ARRAY_SIZE             = 22
};

/* Name tables: utp_state_names[UTP_STATE_*] (index 0 is NULL),
 * utp_error_code_names[UTP_E*], utp_callback_names[UTP_ON_FIREWALL..UTP_SENDTO]. */
UTP_EXTERN extern const char *utp_state_names[];
UTP_EXTERN extern const char *utp_error_code_names[];
UTP_EXTERN extern const char *utp_callback_names[];

/* The one argument of every callback. Fields outside those documented for a
 * callback are unspecified. x86-64: size 56, see test/test-abi.c. */
typedef struct {
  utp_context *context;
  utp_socket  *socket;
  size_t       len;
  uint32       flags;
  int          callback_type;
  const byte  *buf;

  union {
    const struct sockaddr *address;
    int send;                      /* ON_OVERHEAD_STATISTICS: 1 sent, 0 received */
    int sample_ms;                 /* ON_DELAY_SAMPLE */
    int error_code;                /* ON_ERROR */
    int state;                     /* ON_STATE_CHANGE */
  };

  union {
    socklen_t address_len;
    int type;                      /* ON_OVERHEAD_STATISTICS: bandwidth type */
  };
} utp_callback_arguments;

typedef uint64 utp_callback_t(utp_callback_arguments *);

/* utp_get_context_stats(): datagrams by size bucket (<=300, <=600, <=1200,
 * <=MTU, larger), context-wide. */
typedef struct {
  uint32 _nraw_recv[5];
  uint32 _nraw_send[5];
} utp_context_stats;

/* utp_get_stats() */
typedef struct {
  uint64 nbytes_recv;
  uint64 nbytes_xmit;
  uint32 rexmit;
  uint32 fastrexmit;
  uint32 nxmit;
  uint32 nrecv;
  uint32 nduprecv;
  uint32 mtu_guess;
} utp_socket_stats;

#define UTP_IOV_MAX 1024

struct utp_iovec {
  void  *iov_base;
  size_t iov_len;
};

/* Context */
UTP_EXTERN utp_context       *utp_init(int version);
UTP_EXTERN void               utp_destroy(utp_context *ctx);
UTP_EXTERN void               utp_set_callback(utp_context *ctx, int callback_name, utp_callback_t *proc);
UTP_EXTERN void              *utp_context_set_userdata(utp_context *ctx, void *userdata);
UTP_EXTERN void              *utp_context_get_userdata(utp_context *ctx);
UTP_EXTERN int                utp_context_set_option(utp_context *ctx, int opt, int val);
UTP_EXTERN int                utp_context_get_option(utp_context *ctx, int opt);

/* Input and timers */
UTP_EXTERN int                utp_process_udp(utp_context *ctx, const byte *buf, size_t len,
                                              const struct sockaddr *to, socklen_t tolen);
UTP_EXTERN int                utp_process_icmp_error(utp_context *ctx, const byte *buffer, size_t len,
                                                     const struct sockaddr *to, socklen_t tolen);
UTP_EXTERN int                utp_process_icmp_fragmentation(utp_context *ctx, const byte *buffer, size_t len,
                                                             const struct sockaddr *to, socklen_t tolen,
                                                             uint16 next_hop_mtu);
UTP_EXTERN void               utp_check_timeouts(utp_context *ctx);
UTP_EXTERN void               utp_issue_deferred_acks(utp_context *ctx);
UTP_EXTERN utp_context_stats *utp_get_context_stats(utp_context *ctx);

/* Sockets */
UTP_EXTERN utp_socket        *utp_create_socket(utp_context *ctx);
UTP_EXTERN void              *utp_set_userdata(utp_socket *s, void *userdata);
UTP_EXTERN void              *utp_get_userdata(utp_socket *s);
UTP_EXTERN int                utp_setsockopt(utp_socket *s, int opt, int val);
UTP_EXTERN int                utp_getsockopt(utp_socket *s, int opt);
UTP_EXTERN int                utp_connect(utp_socket *s, const struct sockaddr *to, socklen_t tolen);
UTP_EXTERN ssize_t            utp_write(utp_socket *s, void *buf, size_t count);
UTP_EXTERN ssize_t            utp_writev(utp_socket *s, struct utp_iovec *iovec, size_t num_iovecs);
UTP_EXTERN int                utp_getpeername(utp_socket *s, struct sockaddr *addr, socklen_t *addrlen);
UTP_EXTERN void               utp_read_drained(utp_socket *s);
UTP_EXTERN int                utp_get_delays(utp_socket *s, uint32 *ours, uint32 *theirs, uint32 *age);
UTP_EXTERN utp_socket_stats  *utp_get_stats(utp_socket *s);
UTP_EXTERN utp_context       *utp_get_context(utp_socket *s);
UTP_EXTERN void               utp_shutdown(utp_socket *s, int how);
UTP_EXTERN void               utp_close(utp_socket *s);

#ifdef __cplusplus
}
#endif

#endif /* __UTP_H__ */
