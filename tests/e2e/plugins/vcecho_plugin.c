/*
 * vcecho_plugin.c — the client side of the end-to-end tests of static virtual channels: a
 * Windows-style channel plug-in, written against <cchannel.h> only (the VirtualChannelEntry form
 * that every Windows plug-in has), that xfreerdp loads with /vc:<name> from
 * /usr/lib/x86_64-linux-gnu/freerdp2/lib<name>-client.so.
 *
 * It registers one channel, VCECHO_NAME (default "OWTSECH"), with VCECHO_OPTIONS (a build with
 * VCECHO_SHOW_PROTOCOL adds CHANNEL_OPTION_SHOW_PROTOCOL), opens it on CONNECTED and then:
 *   - joins the chunks of every server message (DATA_RECEIVED: totalLength, FIRST / LAST) and
 *     writes the whole message back with VirtualChannelWrite (the buffer lives until its
 *     WRITE_COMPLETE or WRITE_CANCELLED; pUserData is the buffer);
 *   - on the command "OWTSECH:SEND <count> <seed>" (vcecho_proto.h) sends <count> messages of its
 *     own, message i of vcecho_size(i) bytes vcecho_fill(seed, i), at most SEND_WINDOW writes in
 *     flight (the next goes out on a WRITE_COMPLETE), so that a long stream costs little memory;
 *   - on "OWTSECH:SEND STALL <ms>" sleeps in its DATA_RECEIVED callback for that long (at most
 *     30 s), which stops xfreerdp's receiving: a slow client, for the server.
 *
 * With VCECHO_GREET_<name>=N it also sends N messages as soon as the channel is open, before any
 * server app has opened it (wtsd must hold them for the app and keep the connection).
 *
 * With the environment variable VCECHO_TRACE naming a file, it appends what happened there (entry,
 * init, connect, open, protocol errors, counters at disconnect and exit), so a test can tell that
 * xfreerdp loaded it and that the channel was joined, and show the client's side on failure.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cchannel.h>

#include "../vc_line.h"
#include "vcecho_proto.h"

#ifndef VCECHO_NAME
#define VCECHO_NAME "OWTSECH"
#endif
#ifdef VCECHO_SHOW_PROTOCOL
#define VCECHO_OPTIONS                                                                             \
	(CHANNEL_OPTION_INITIALIZED | CHANNEL_OPTION_ENCRYPT_RDP | CHANNEL_OPTION_SHOW_PROTOCOL)
#else
#define VCECHO_OPTIONS (CHANNEL_OPTION_INITIALIZED | CHANNEL_OPTION_ENCRYPT_RDP)
#endif

#define SEND_WINDOW 8u
#define MESSAGE_MAX (16u * 1024u * 1024u)

/* A write in flight: what VirtualChannelWrite got as pUserData. */
struct out
{
	bool sent; /* one of the SEND stream (its completion sends the next) */
	uint32_t len;
	uint8_t data[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static CHANNEL_ENTRY_POINTS entry;
static LPVOID init_handle;
static DWORD open_handle;
static bool opened;
/* The server message being joined (rx NULL: none); guarded by lock. */
static struct out *rx;
static uint32_t rx_have;
/* The SEND stream: next index, how many in all, seed, writes in flight; guarded by lock. */
static uint32_t send_next, send_count, send_seed, send_flight;
/* Counters, guarded by lock. */
static unsigned long n_chunks, n_msgs, n_echoed, n_sent, n_complete, n_cancelled, n_errors;

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
	const char *path = getenv("VCECHO_TRACE");
	if (!path)
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vc_line_vwrite(fd, fmt, ap);
	va_end(ap);
	close(fd);
}

static void trace_counters(const char *when)
{
	pthread_mutex_lock(&lock);
	trace("%s %s: chunks %lu messages %lu echoed %lu sent %lu complete %lu cancelled %lu"
	      " errors %lu",
	      VCECHO_NAME, when, n_chunks, n_msgs, n_echoed, n_sent, n_complete, n_cancelled,
	      n_errors);
	pthread_mutex_unlock(&lock);
}

/* Hands o to the client; frees it if the write is refused. */
static void put(struct out *o)
{
	UINT rc = entry.pVirtualChannelWrite(open_handle, o->data, o->len, o);
	if (rc != CHANNEL_RC_OK) {
		trace("%s VirtualChannelWrite(%u bytes) = %u", VCECHO_NAME, o->len, rc);
		pthread_mutex_lock(&lock);
		n_errors++;
		if (o->sent)
			send_flight--;
		pthread_mutex_unlock(&lock);
		free(o);
	}
}

/* Sends the next messages of the SEND stream while fewer than SEND_WINDOW are in flight. */
static void send_more(void)
{
	for (;;) {
		pthread_mutex_lock(&lock);
		if (!opened || send_next >= send_count || send_flight >= SEND_WINDOW) {
			pthread_mutex_unlock(&lock);
			return;
		}
		uint32_t i = send_next++;
		send_flight++;
		n_sent++;
		uint32_t seed = send_seed;
		pthread_mutex_unlock(&lock);
		uint32_t len = vcecho_size(i);
		struct out *o = malloc(sizeof(*o) + len);
		if (!o) {
			pthread_mutex_lock(&lock);
			send_flight--;
			n_errors++;
			pthread_mutex_unlock(&lock);
			return;
		}
		o->sent = true;
		o->len = len;
		vcecho_fill(o->data, len, seed, i);
		put(o);
	}
}

/* A whole message from the server: a command or something to echo. Takes ownership of m. */
static void on_message(struct out *m)
{
	size_t plen = strlen(VCECHO_CMD_SEND);
	if (m->len < VCECHO_CMD_MAX && m->len > plen &&
	    memcmp(m->data, VCECHO_CMD_SEND, plen) == 0) {
		char cmd[VCECHO_CMD_MAX + 1];
		memcpy(cmd, m->data, m->len);
		cmd[m->len] = '\0';
		free(m);
		unsigned long count = 0, seed = 0;
		if (sscanf(cmd + plen, "STALL %lu", &count) == 1) {
			/* Hold the client's receiving thread: the server sees a slow client. */
			trace("%s command STALL %lu ms", VCECHO_NAME, count);
			usleep((useconds_t)(count > 30000 ? 30000 : count) * 1000u);
			trace("%s stall over", VCECHO_NAME);
			return;
		}
		if (sscanf(cmd + plen, "%lu %lu", &count, &seed) != 2) {
			trace("%s bad command \"%s\"", VCECHO_NAME, cmd);
			return;
		}
		trace("%s command SEND %lu %lu", VCECHO_NAME, count, seed);
		pthread_mutex_lock(&lock);
		send_next = 0;
		send_count = (uint32_t)count;
		send_seed = (uint32_t)seed;
		pthread_mutex_unlock(&lock);
		send_more();
		return;
	}
	pthread_mutex_lock(&lock);
	n_echoed++;
	pthread_mutex_unlock(&lock);
	m->sent = false;
	put(m);
}

/* One chunk of a server message: joins the message by totalLength and FIRST / LAST. */
static void on_chunk(const uint8_t *data, UINT32 len, UINT32 total, UINT32 flags)
{
	struct out *done = NULL;
	pthread_mutex_lock(&lock);
	n_chunks++;
	if (flags & CHANNEL_FLAG_FIRST) {
		if (rx) {
			trace("%s FIRST chunk while %u of %u bytes were joined", VCECHO_NAME,
			      rx_have, rx->len);
			n_errors++;
			free(rx);
			rx = NULL;
		}
		if (total == 0 || total > MESSAGE_MAX || !(rx = malloc(sizeof(*rx) + total))) {
			trace("%s message of %u bytes refused", VCECHO_NAME, total);
			n_errors++;
			goto out;
		}
		rx->len = total;
		rx_have = 0;
	} else if (!rx) {
		trace("%s chunk (flags 0x%x) without a FIRST", VCECHO_NAME, flags);
		n_errors++;
		goto out;
	}
	if (total != rx->len || len > rx->len - rx_have) {
		trace("%s chunk of %u (total %u) does not fit: %u of %u joined", VCECHO_NAME, len,
		      total, rx_have, rx->len);
		n_errors++;
		free(rx);
		rx = NULL;
		goto out;
	}
	memcpy(rx->data + rx_have, data, len);
	rx_have += len;
	if (flags & CHANNEL_FLAG_LAST) {
		if (rx_have != rx->len) {
			trace("%s LAST chunk at %u of %u bytes", VCECHO_NAME, rx_have, rx->len);
			n_errors++;
			free(rx);
		} else {
			n_msgs++;
			done = rx;
		}
		rx = NULL;
	}
out:
	pthread_mutex_unlock(&lock);
	if (done)
		on_message(done);
}

static VOID VCAPITYPE open_event(DWORD openHandle, UINT event, LPVOID pData, UINT32 dataLength,
                                 UINT32 totalLength, UINT32 dataFlags)
{
	switch (event) {
	case CHANNEL_EVENT_DATA_RECEIVED:
		on_chunk(pData, dataLength, totalLength, dataFlags);
		break;
	case CHANNEL_EVENT_WRITE_COMPLETE:
	case CHANNEL_EVENT_WRITE_CANCELLED: {
		struct out *o = pData;
		bool sent = o && o->sent;
		pthread_mutex_lock(&lock);
		if (event == CHANNEL_EVENT_WRITE_COMPLETE)
			n_complete++;
		else
			n_cancelled++;
		if (sent)
			send_flight--;
		pthread_mutex_unlock(&lock);
		free(o);
		if (sent && event == CHANNEL_EVENT_WRITE_COMPLETE)
			send_more();
		break;
	}
	default:
		break;
	}
}

/* The messages of VCECHO_GREET_<name>, sent on connecting (vcecho_proto.h). */
static void greet(void)
{
	const char *v = getenv("VCECHO_GREET_" VCECHO_NAME);
	unsigned long n = v ? strtoul(v, NULL, 10) : 0;
	for (unsigned long i = 0; i < n && i < 1000; i++) {
		uint32_t len = vcecho_size((uint32_t)i);
		struct out *o = malloc(sizeof(*o) + len);
		if (!o)
			return;
		o->sent = false;
		o->len = len;
		vcecho_fill(o->data, len, VCECHO_GREET_SEED, (uint32_t)i);
		put(o);
	}
	if (n)
		trace("%s sent %lu greetings", VCECHO_NAME, n);
}

static VOID VCAPITYPE init_event(LPVOID pInitHandle, UINT event, LPVOID pData, UINT dataLength)
{
	switch (event) {
	case CHANNEL_EVENT_INITIALIZED:
		trace("%s initialized", VCECHO_NAME);
		break;
	case CHANNEL_EVENT_CONNECTED: {
		UINT rc =
		    entry.pVirtualChannelOpen(init_handle, &open_handle, VCECHO_NAME, open_event);
		pthread_mutex_lock(&lock);
		opened = rc == CHANNEL_RC_OK;
		send_next = send_count = send_flight = 0;
		pthread_mutex_unlock(&lock);
		trace("%s connected; VirtualChannelOpen = %u", VCECHO_NAME, rc);
		if (rc == CHANNEL_RC_OK)
			greet();
		break;
	}
	case CHANNEL_EVENT_V1_CONNECTED:
		trace("%s connected to a server without channels", VCECHO_NAME);
		break;
	case CHANNEL_EVENT_DISCONNECTED:
		pthread_mutex_lock(&lock);
		opened = false;
		free(rx);
		rx = NULL;
		pthread_mutex_unlock(&lock);
		trace_counters("disconnected");
		break;
	case CHANNEL_EVENT_TERMINATED:
		trace_counters("terminated");
		pthread_mutex_lock(&lock);
		free(rx);
		rx = NULL;
		pthread_mutex_unlock(&lock);
		break;
	default:
		break;
	}
}

VCEXPORT BOOL VCAPITYPE VirtualChannelEntry(PCHANNEL_ENTRY_POINTS pEntryPoints)
{
	if (!pEntryPoints || pEntryPoints->cbSize < sizeof(CHANNEL_ENTRY_POINTS))
		return FALSE;
	entry = *pEntryPoints; /* valid only during this call */
	CHANNEL_DEF def;
	memset(&def, 0, sizeof(def));
	snprintf(def.name, sizeof(def.name), "%s", VCECHO_NAME);
	def.options = VCECHO_OPTIONS;
	UINT rc = entry.pVirtualChannelInit(&init_handle, &def, 1, VIRTUAL_CHANNEL_VERSION_WIN2000,
	                                    init_event);
	trace("%s VirtualChannelEntry: VirtualChannelInit = %u, options 0x%08x", VCECHO_NAME, rc,
	      (unsigned)def.options);
	return rc == CHANNEL_RC_OK;
}
