/*
 * owts_vc.c — channel socket packets: header, the check of an app's packet, joining a message
 * (see owts_vc.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "owts_vc.h"

#define JOIN_KEEP (64u * 1024u) /* buffer a reset keeps, so small messages never reallocate */

void owts_vc_header_put(uint8_t out[OWTS_VC_HEADER], uint32_t length, uint32_t flags)
{
	for (int i = 0; i < 4; i++) {
		out[i] = (uint8_t)(length >> (8 * i));
		out[4 + i] = (uint8_t)(flags >> (8 * i));
	}
}

void owts_vc_header_get(const uint8_t in[OWTS_VC_HEADER], uint32_t *length, uint32_t *flags)
{
	uint32_t l = 0, f = 0;
	for (int i = 0; i < 4; i++) {
		l |= (uint32_t)in[i] << (8 * i);
		f |= (uint32_t)in[4 + i] << (8 * i);
	}
	*length = l;
	*flags = f;
}

size_t owts_vc_record_len(size_t len, size_t off)
{
	if (off > len || len - off <= OWTS_VC_HEADER)
		return 0;
	size_t rest = len - off - OWTS_VC_HEADER;
	if (rest <= OWTS_VC_CHUNK)
		return rest;
	/* Not the last record: a full one, and the next must have room for its header. */
	return rest > OWTS_VC_CHUNK + OWTS_VC_HEADER ? OWTS_VC_CHUNK : 0;
}

int owts_vc_parse(const uint8_t *pkt, size_t len, struct owts_vc_packet *p)
{
	if (len < OWTS_VC_HEADER)
		return -EBADMSG;
	uint32_t total, flags;
	owts_vc_header_get(pkt, &total, &flags);
	size_t n = len - OWTS_VC_HEADER;
	if (flags & OWTS_VC_CTL_MASK) {
		/* One request, nothing else. */
		if (n || total || (flags & ~OWTS_VC_CTL_MASK) || (flags & (flags - 1)))
			return -EBADMSG;
	} else if ((flags & ~(OWTS_VC_FIRST | OWTS_VC_LAST)) || total == 0 ||
	           total > OWTS_VC_WRITE_MAX || n == 0 || n > OWTS_VC_SEGMENT || n > total) {
		return -EBADMSG;
	}
	p->total = total;
	p->flags = flags;
	p->data = pkt + OWTS_VC_HEADER;
	p->len = n;
	return 0;
}

void owts_vc_join_init(struct owts_vc_join *j)
{
	memset(j, 0, sizeof(*j));
}

int owts_vc_join_feed(struct owts_vc_join *j, const struct owts_vc_packet *p, const uint8_t **msg,
                      size_t *len)
{
	bool first = p->flags & OWTS_VC_FIRST, last = p->flags & OWTS_VC_LAST;
	if (first != (j->total == 0)) {
		owts_vc_join_reset(j);
		return -EBADMSG;
	}
	if (first && last) {
		if (p->len != p->total)
			return -EBADMSG;
		*msg = p->data;
		*len = p->len;
		return 1;
	}
	if (first) {
		if (j->cap > JOIN_KEEP) {
			/* The last message was large: its buffer goes with it. */
			free(j->buf);
			j->buf = NULL;
			j->cap = 0;
		}
		j->total = p->total;
		j->have = 0;
	} else if (p->total != j->total) {
		owts_vc_join_reset(j);
		return -EBADMSG;
	}
	if (p->len > j->total - j->have || (last && j->have + p->len != j->total) ||
	    (!last && j->have + p->len == j->total)) {
		owts_vc_join_reset(j);
		return -EBADMSG;
	}
	/* Memory follows the data that came, not the length a packet announces. */
	if (j->have + p->len > j->cap) {
		size_t cap = j->cap ? j->cap : OWTS_VC_SEGMENT;
		while (cap < j->have + p->len)
			cap *= 2;
		if (cap > j->total)
			cap = j->total;
		uint8_t *b = realloc(j->buf, cap);
		if (!b) {
			owts_vc_join_reset(j);
			return -ENOMEM;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->have, p->data, p->len);
	j->have += (uint32_t)p->len;
	if (!last)
		return 0;
	*msg = j->buf;
	*len = j->total;
	j->total = j->have = 0; /* the buffer stays valid until the next feed */
	return 1;
}

void owts_vc_join_reset(struct owts_vc_join *j)
{
	j->total = j->have = 0;
	if (j->cap > JOIN_KEEP) {
		free(j->buf);
		j->buf = NULL;
		j->cap = 0;
	}
}

void owts_vc_join_free(struct owts_vc_join *j)
{
	free(j->buf);
	owts_vc_join_init(j);
}
