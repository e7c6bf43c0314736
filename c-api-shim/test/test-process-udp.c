/* test-process-udp.c: utp_process_udp returns 0 for datagrams that are not uTP. */
#include <string.h>

#include "mem-net.h"
#include "task.h"

TEST_IMPL(process_udp_non_utp) {
  struct mem_net *net = mem_net_new();
  struct mem_peer *p = mem_net_peer(net, 0);
  const struct sockaddr *from = (const struct sockaddr *) &mem_net_peer(net, 1)->addr;
  socklen_t fromlen = sizeof(struct sockaddr_in);

  /* A DHT query (bencoded): first byte 'd' is type 6 version 4. */
  static const char dht[] = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe";
  ASSERT_EQ(utp_process_udp(p->ctx, (const byte *) dht, sizeof(dht) - 1, from, fromlen), 0);

  /* Shorter than a uTP header. */
  byte shortpkt[19] = { 0x41 };
  ASSERT_EQ(utp_process_udp(p->ctx, shortpkt, sizeof(shortpkt), from, fromlen), 0);

  /* Right length, version 0. */
  byte v0[20] = { 0x40 };
  ASSERT_EQ(utp_process_udp(p->ctx, v0, sizeof(v0), from, fromlen), 0);

  /* Type 7 (no such packet type), version 1. */
  byte badtype[20] = { 0x71 };
  ASSERT_EQ(utp_process_udp(p->ctx, badtype, sizeof(badtype), from, fromlen), 0);

  /* NULL context or buffer. */
  ASSERT_EQ(utp_process_udp(NULL, v0, sizeof(v0), from, fromlen), 0);
  ASSERT_EQ(utp_process_udp(p->ctx, NULL, 20, from, fromlen), 0);

  /* A well-formed SYN is uTP (1) even though this context accepts nothing
   * (no UTP_ON_ACCEPT): ignored silently, nothing sent. */
  byte syn[20];
  memset(syn, 0, sizeof(syn));
  syn[0] = 0x41;               /* ST_SYN, version 1 */
  syn[3] = 0x07;               /* connection id 7 */
  syn[13] = 0x0f;              /* wnd_size */
  syn[17] = 0x01;              /* seq_nr 1 */
  ASSERT_EQ(utp_process_udp(p->ctx, syn, sizeof(syn), from, fromlen), 1);
  mem_net_step(net, 1000);
  ASSERT_EQ(p->sent, 0);

  mem_net_free(net);
  return 0;
}
