/*
 * vcecho_proto.h — what the static-channel test plug-in (vcecho_plugin.c) and the app in the
 * session (tests/e2e/vc_app.c) agree on: the command that makes the plug-in send, the sizes of
 * the messages it sends, and the bytes of every test message (a function of a seed, the message's
 * index and the offset, so that a byte out of place, a message out of order or another session's
 * message shows).
 *
 * The plug-in echoes every message it receives, except a command: a message shorter than
 * VCECHO_CMD_MAX that starts with VCECHO_CMD_SEND ("OWTSECH:SEND <count> <seed>"), which makes it
 * send <count> messages of its own, message i being vcecho_size(i) bytes of vcecho_byte(seed, i,
 * …); "OWTSECH:SEND STALL <ms>" makes it hold the client's receiving thread for <ms> (a slow
 * client). No test message starts with the command's prefix (vcecho_byte never yields it for 13
 * bytes in a row for the seeds the tests use; the app checks).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VCECHO_PROTO_H
#define VCECHO_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define VCECHO_CMD_SEND "OWTSECH:SEND "
#define VCECHO_CMD_MAX  64u

/* With VCECHO_GREET_<channel name>=N in its environment the plug-in sends N messages as soon as
 * its channel is open on the client, before any app on the server has opened it: message i of
 * vcecho_size(i) bytes, seed VCECHO_GREET_SEED. */
#define VCECHO_GREET_SEED 999u

/* Message sizes on both sides of CHANNEL_CHUNK_LENGTH (1600) and of 64 KiB; 303,069 bytes a
 * round. */
static const uint32_t vcecho_sizes[] = {1, 1599, 1600, 1601, 3200, 65535, 65536, 65537, 100000};
#define VCECHO_NSIZES (sizeof(vcecho_sizes) / sizeof(vcecho_sizes[0]))

static inline uint32_t vcecho_size(uint32_t i)
{
	return vcecho_sizes[i % VCECHO_NSIZES];
}

static inline uint32_t vcecho_hash(uint32_t seed, uint32_t msg)
{
	uint32_t h = (seed * 0x9E3779B1u) ^ (msg * 0x85EBCA77u) ^ 0x27d4eb2fu;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

/* Byte off of message msg under seed. */
static inline uint8_t vcecho_byte(uint32_t h, uint32_t off)
{
	return (uint8_t)(h + off * 7u + (off >> 8) * 13u + (off >> 16) * 101u + (h >> (off & 15u)));
}

/* Fills buf (len bytes) with message msg of seed. */
static inline void vcecho_fill(uint8_t *buf, uint32_t len, uint32_t seed, uint32_t msg)
{
	uint32_t h = vcecho_hash(seed, msg);
	for (uint32_t i = 0; i < len; i++)
		buf[i] = vcecho_byte(h, i);
}

/* Offset of the first byte of buf (len bytes) that is not message msg of seed; len if none. */
static inline uint32_t vcecho_check(const uint8_t *buf, uint32_t len, uint32_t seed, uint32_t msg)
{
	uint32_t h = vcecho_hash(seed, msg);
	for (uint32_t i = 0; i < len; i++)
		if (buf[i] != vcecho_byte(h, i))
			return i;
	return len;
}

#endif /* VCECHO_PROTO_H */
