/*
 * utp_types.h: the integer typedefs of libutp's public API.
 *
 * Part of jutp's c-api-shim. Written for jutp from libutp's documented ABI; the
 * names and widths are libutp's so that programs written against libutp compile
 * unchanged. x86-64 / aarch64 Linux (LP64) is the supported target.
 */
#ifndef __UTP_TYPES_H__            /* libutp's guard name: a program may test it */
#define __UTP_TYPES_H__

#include <stddef.h>
#include <sys/types.h>   /* ssize_t */
#include <sys/socket.h>  /* struct sockaddr, socklen_t, SHUT_RD/WR/RDWR */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

/* libutp's helper macros, with libutp's meaning. A program may define
 * PACKED_ATTRIBUTE and CASSERT itself before including this header. */
#ifndef PACKED_ATTRIBUTE
# if defined(BROKEN_GCC_STRUCTURE_PACKING) && defined(__GNUC__)
#  define PACKED_ATTRIBUTE __attribute__((__packed__))
# else
#  define PACKED_ATTRIBUTE
# endif
#endif

#ifdef __GNUC__
# define ALIGNED_ATTRIBUTE(x) __attribute__((aligned(x)))
#else
# define ALIGNED_ATTRIBUTE(x)
#endif

#if defined(IP_DONTFRAG)
# define IP_OPT_DONTFRAG IP_DONTFRAG
#elif defined(IP_DONTFRAGMENT)
# define IP_OPT_DONTFRAG IP_DONTFRAGMENT
#endif

#ifdef POSIX
typedef struct sockaddr_storage SOCKADDR_STORAGE;
#endif

/* printf conversion for a uint64, spelled as libutp spells it. */
#define I64u "%Lu"

#ifndef CASSERT
# define CASSERT(exp, name) typedef int is_not_##name[(exp) ? 1 : -1];
#endif

typedef unsigned char      byte;
typedef unsigned char      uint8;
typedef signed char        int8;
typedef unsigned short     uint16;
typedef signed short       int16;
typedef unsigned int       uint;
typedef unsigned int       uint32;
typedef signed int         int32;
typedef unsigned long long uint64;
typedef long long          int64;

CASSERT(8 == sizeof(uint64), sizeof_uint64_is_8)
CASSERT(8 == sizeof(int64), sizeof_int64_is_8)

typedef const char *cstr;
typedef char       *str;

/* libutp's C programs may use `bool` without <stdbool.h>; C23 makes it a keyword. */
#if !defined(__cplusplus) && !defined(__bool_true_false_are_defined) && \
    (!defined(__STDC_VERSION__) || __STDC_VERSION__ < 202311L)
typedef uint8 bool;
#endif

#ifndef INT64_MAX
#define INT64_MAX 0x7fffffffffffffffLL
#endif

/* Exported symbols of libutp.so (the rest of the shim is built hidden). */
#if defined(__GNUC__)
# define UTP_EXTERN __attribute__((visibility("default")))
#else
# define UTP_EXTERN
#endif

#endif /* __UTP_TYPES_H__ */
