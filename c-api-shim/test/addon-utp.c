/*
 * addon-utp.c: a "native addon" built against libutp, the way a language
 * runtime's extension module is: a shared object linked with -lutp that the
 * runtime loads with dlopen(RTLD_LOCAL) and drives from its own event loop
 * (see host-event-loop.c). Each instance owns one transfer between two
 * contexts (test/udp-xfer.c) and hands every received chunk to the host, which
 * checks it on its thread pool.
 */
#include <stdlib.h>

#include "udp-xfer.h"

#define ADDON_API __attribute__((visibility("default")))

typedef void (*addon_post_fn)(void *host, size_t offset, const byte *buf, size_t len);

struct addon {
  struct udp_xfer *xfer;
  addon_post_fn post;
  void *host;
  size_t offset;
};

static void on_data(void *arg, const byte *buf, size_t len) {
  struct addon *a = arg;
  a->post(a->host, a->offset, buf, len);
  a->offset += len;
}

ADDON_API void *addon_start(size_t total, addon_post_fn post, void *host) {
  struct addon *a = calloc(1, sizeof(*a));
  if (a == NULL) return NULL;
  a->post = post;
  a->host = host;
  a->xfer = udp_xfer_new(total, on_data, a);
  if (a->xfer == NULL) { free(a); return NULL; }
  return a;
}

ADDON_API int addon_fd(void *a, int side) { return udp_xfer_fd(((struct addon *) a)->xfer, side); }
ADDON_API void addon_readable(void *a, int side) { udp_xfer_readable(((struct addon *) a)->xfer, side); }
ADDON_API void addon_timer(void *a) { udp_xfer_tick(((struct addon *) a)->xfer); }
ADDON_API int addon_state(void *a) { return udp_xfer_state(((struct addon *) a)->xfer); }

ADDON_API void addon_stop(void *p) {
  struct addon *a = p;
  udp_xfer_free(a->xfer);
  free(a);
}
