/*
 * fuzz_vc.c — libFuzzer target for the channel socket's decoder: owts_vc_parse() over packets an
 * app sends wtsd, and owts_vc_join_feed() over any sequence of them (the chunk reassembly).
 *
 * The input is a sequence of records {u16 little-endian length, that many bytes}: each record is
 * one SOCK_SEQPACKET packet, as wtsd receives it. Every packet that parses is fed to one joiner,
 * as the relay does; a joined message is read through, so a wrong length or pointer shows under
 * ASan. A purge (control packet) resets the joiner, as the relay does; the input's first byte
 * also decides whether a protocol error resets or keeps going. Each packet is also split into
 * records as the library splits a packet from wtsd (owts_vc_record_len).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "owts_vc.h"

static volatile uint8_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct owts_vc_join j;
	owts_vc_join_init(&j);
	bool reset_on_error = size > 0 && (data[0] & 1);
	size_t off = size > 0 ? 1 : 0;
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;
		off += 2;
		if (len > size - off)
			len = size - off;
		/* A copy of its own, so ASan sees a read beyond the packet. */
		uint8_t *pkt = malloc(len ? len : 1);
		memcpy(pkt, data + off, len);
		off += len;
		/* The same bytes as a packet from wtsd: its records, as the library reads them. */
		for (size_t at = 0, dl; (dl = owts_vc_record_len(len, at)) != 0;
		     at += OWTS_VC_HEADER + dl) {
			uint32_t total, flags;
			owts_vc_header_get(pkt + at, &total, &flags);
			sink = (uint8_t)(sink ^ pkt[at + OWTS_VC_HEADER + dl - 1] ^ total ^ flags);
		}
		struct owts_vc_packet p;
		if (owts_vc_parse(pkt, len, &p) == 0) {
			if (p.flags & OWTS_VC_CTL_MASK) {
				owts_vc_join_reset(&j);
			} else {
				const uint8_t *msg;
				size_t n;
				int r = owts_vc_join_feed(&j, &p, &msg, &n);
				if (r == 1 && n > 0)
					sink = (uint8_t)(msg[0] ^ msg[n - 1]);
				else if (r < 0 && reset_on_error)
					owts_vc_join_reset(&j);
			}
		}
		free(pkt);
	}
	/* The whole input as one packet too. */
	struct owts_vc_packet p;
	(void)owts_vc_parse(data, size, &p);
	owts_vc_join_free(&j);
	return 0;
}
