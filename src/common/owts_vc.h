/*
 * owts_vc.h — the channel socket: how data of one open virtual channel travels between wtsd and
 * the app that opened it (docs/internals/vchannels.md).
 *
 * Each open channel is one AF_UNIX SOCK_SEQPACKET socket pair; wtsd keeps one end and hands the
 * other to the app with SCM_RIGHTS in the reply to OWTS_OP_CHANNEL_OPEN. Every packet, either
 * way, starts with an 8-byte header laid out as Windows' CHANNEL_PDU_HEADER (little-endian):
 *
 *	u32 length	length of the whole message this packet is part of
 *	u32 flags	CHANNEL_FLAG_FIRST / CHANNEL_FLAG_LAST (both: the message's only packet)
 *
 * followed by a piece of the message:
 *
 *  - wtsd → app: up to OWTS_VC_RECORDS records, each a header and at most OWTS_VC_CHUNK
 *    (CHANNEL_CHUNK_LENGTH) bytes of one message: what one WTSVirtualChannelRead returns, header
 *    included when the channel shows the protocol. Every record of a packet but the last holds
 *    exactly OWTS_VC_CHUNK bytes, so the records need no length of their own; a packet holds
 *    records of one message only. The library peeks a packet once, hands out its records one
 *    read at a time, and takes the packet off the socket after the last one: the socket (what
 *    WTSVirtualFileHandle gives) stays readable while any record is left, and a packet costs the
 *    app two system calls, not one per 1600 bytes.
 *  - app → wtsd: at most OWTS_VC_SEGMENT bytes; wtsd joins the pieces of a message
 *    (struct owts_vc_join) and sends it to the client as one channel write. A packet whose
 *    flags have a bit of OWTS_VC_CTL_MASK and length 0 carries no data but asks wtsd to purge.
 *
 * The app's end is untrusted in wtsd: owts_vc_parse() is the one decoder of its packets and is
 * fuzzed (tests/fuzz/fuzz_vc.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_VC_H
#define OWTS_VC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OWTS_VC_HEADER    8u                 /* sizeof(CHANNEL_PDU_HEADER) */
#define OWTS_VC_CHUNK     1600u              /* CHANNEL_CHUNK_LENGTH: data bytes wtsd → app */
#define OWTS_VC_SEGMENT   (64u * 1024u)      /* data bytes of one packet app → wtsd */
#define OWTS_VC_WRITE_MAX (16u * 1024u * 1024u) /* the largest WTSVirtualChannelWrite */
#define OWTS_VC_NAME_MAX  260u               /* a dynamic channel's name, NUL included (MAX_PATH) */
#define OWTS_VC_RECORDS   40u                /* records in a packet wtsd → app */
#define OWTS_VC_PACKET_MAX (OWTS_VC_RECORDS * (OWTS_VC_HEADER + OWTS_VC_CHUNK)) /* 64,320 bytes */

#define OWTS_VC_FIRST 0x01u /* CHANNEL_FLAG_FIRST */
#define OWTS_VC_LAST  0x02u /* CHANNEL_FLAG_LAST */

/* Control packets app → wtsd (length 0, no data). */
#define OWTS_VC_CTL_PURGE_INPUT  0x01000000u /* drop what wtsd holds for the app */
#define OWTS_VC_CTL_PURGE_OUTPUT 0x02000000u /* drop the message wtsd is joining for the client */
#define OWTS_VC_CTL_MASK         0x03000000u

/* The reply to OWTS_OP_CHANNEL_OPEN: u32 session id, u32 OWTS_VC_F_* bits, u32 the client's
 * CHANNEL_OPTION_* of a static channel (0 for a dynamic one); the socket comes with it. */
#define OWTS_VC_F_DYNAMIC       0x1u
#define OWTS_VC_F_SHOW_PROTOCOL 0x2u /* reads return the CHANNEL_PDU_HEADER too */

/* Writes / reads a packet header. */
void owts_vc_header_put(uint8_t out[OWTS_VC_HEADER], uint32_t length, uint32_t flags);
void owts_vc_header_get(const uint8_t in[OWTS_VC_HEADER], uint32_t *length, uint32_t *flags);

/*
 * The record at offset off of a packet of len bytes from wtsd: its data length (the header is
 * OWTS_VC_HEADER bytes at off). Returns 0 for a malformed packet (no room for a header and one
 * byte, or a record that is neither full nor the packet's last).
 */
size_t owts_vc_record_len(size_t len, size_t off);

/* A packet from an app, checked. */
struct owts_vc_packet {
	uint32_t total; /* length of the whole message (0 for a control packet) */
	uint32_t flags; /* OWTS_VC_FIRST / OWTS_VC_LAST, or one OWTS_VC_CTL_* bit */
	const uint8_t *data;
	size_t len;
};

/*
 * Checks a packet received from an app: header present, data no longer than OWTS_VC_SEGMENT nor
 * than the message, the message no longer than OWTS_VC_WRITE_MAX and not empty, no unknown flag,
 * a control packet alone and empty. Returns 0 and fills *p, or -EBADMSG.
 */
int owts_vc_parse(const uint8_t *pkt, size_t len, struct owts_vc_packet *p);

/*
 * Joins the packets of one message. Feed data packets in order; a message that is whole is
 * handed out (pointer and length valid until the next feed or reset). A packet that does not
 * continue the message being joined (a FIRST in the middle, a middle packet without a FIRST,
 * more bytes than announced, a LAST short of them) is a protocol error.
 */
struct owts_vc_join {
	uint8_t *buf;
	uint32_t total; /* 0: no message under way */
	uint32_t have;
	size_t cap;
};

void owts_vc_join_init(struct owts_vc_join *j);
/*
 * Adds p. Returns 1 with *msg / *len set when the message is complete (for a packet that is the
 * whole message, *msg points into p's data: nothing is copied), 0 when more is needed, -EBADMSG
 * for a packet out of order (the message under way is dropped), -ENOMEM.
 */
int owts_vc_join_feed(struct owts_vc_join *j, const struct owts_vc_packet *p, const uint8_t **msg,
                      size_t *len);
/* Drops the message under way (purge, close); keeps no memory beyond a small buffer. */
void owts_vc_join_reset(struct owts_vc_join *j);
void owts_vc_join_free(struct owts_vc_join *j);

#endif /* OWTS_VC_H */
