/*
 * relay_private.h — what relay.c (channels, apps, opens) and relay_client.c (the client's side
 * through FreeRDP) share. Connection thread only, but the fields marked "lock".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_RELAY_PRIVATE_H
#define WTSD_RELAY_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <freerdp/peer.h>

#include "owts_time.h"
#include "owts_vc.h"
#include "relay.h"

#define HELD_HIGH   (4u * 1024u * 1024u) /* client data apps have not taken: pause the client */
#define HELD_LOW    (1u * 1024u * 1024u) /* ... and go on under this */
#define PREOPEN_MAX (1u * 1024u * 1024u) /* kept for a static channel no app has opened */
#define RELAY_BUF   (OWTS_VC_HEADER + OWTS_VC_SEGMENT)

/* A packet for an app that its socket did not take yet: header and data. */
struct relay_pkt
{
	struct relay_pkt *next;
	size_t len;
	uint8_t data[];
};

struct relay_chan
{
	struct relay_chan *next;
	char name[OWTS_VC_NAME_MAX];
	bool dynamic;
	uint16_t id;      /* static: the MCS channel id */
	uint32_t options; /* static: the client's CHANNEL_OPTION_* */
	HANDLE dvc;       /* dynamic: FreeRDP's channel */
	struct wtsd_relay_open *opening; /* dynamic: until the client answers */
	int fd;                          /* wtsd's end of the app's socket, -1: no app */
	bool out_armed;                  /* EPOLLOUT is in the epoll set */
	struct relay_pkt *pk;            /* the packet being built this turn (OWTS_VC_PACKET_MAX) */
	unsigned pk_records;             /* records in pk */
	struct relay_pkt *q, **qtail;    /* held for the app, oldest first */
	size_t held;                     /* bytes in q (headers included) */
	bool dropping, drop_logged;      /* static, no app, over PREOPEN_MAX */
	struct owts_vc_join join;        /* the app's message under way */
};

struct wtsd_relay
{
	freerdp_peer *client;
	HANDLE vcm;
	uint32_t connection;
	uint32_t session_id;
	int ep;       /* epoll: the wake eventfd (data.ptr NULL) and every app socket */
	int wake;     /* eventfd: a request was posted */
	HANDLE event; /* ep as a WinPR handle */
	pthread_mutex_t lock;
	struct wtsd_relay_open *posted;  /* lock: requests not seen yet */
	struct wtsd_relay_open *waiting; /* dynamic opens waiting for drdynvc */
	struct relay_chan *chans;
	size_t held; /* bytes held for apps that have a socket */
	bool throttled;
	bool failed; /* the client connection failed while sending */
	bool flush_due; /* packets built this turn wait for its end */
	psPeerReceiveChannelData freerdp_receive; /* FreeRDP's handler (drdynvc) */
	uint8_t buf[RELAY_BUF];                   /* one packet from an app */
	uint8_t *dvc_buf;                         /* one message from a dynamic channel */
	size_t dvc_cap;
};

struct relay_chan *relay_chan_new(struct wtsd_relay *r, const char *name, bool dynamic);
/* Closes the app's side, the dynamic channel, and frees c. */
void relay_chan_free(struct wtsd_relay *r, struct relay_chan *c, const char *why);
/* Client data (one piece of a message of total bytes, OWTS_VC_FIRST/LAST) for c's app: cut into
 * chunks of OWTS_VC_CHUNK, sent or held. */
void relay_to_app(struct wtsd_relay *r, struct relay_chan *c, uint32_t total, uint32_t flags,
                  const uint8_t *data, size_t len);
/* The client answered c's dynamic open (0, ERROR_FILE_NOT_FOUND) or did not (ERROR_TIMEOUT). */
void relay_open_answered(struct wtsd_relay *r, struct relay_chan *c, uint32_t status);

/* relay_client.c */
int relay_client_hook(struct wtsd_relay *r);
void relay_client_unhook(struct wtsd_relay *r);
/* The static channel the client joined under name (compared as Windows does, ignoring case),
 * made a relay channel if it is not one yet; NULL if the client has no such channel. */
struct relay_chan *relay_client_static_by_name(struct wtsd_relay *r, const char *name);
/* Starts a dynamic open: 0 (the answer comes to relay_open_answered), ERROR_IO_PENDING (drdynvc
 * is not ready yet: ask again), or the Win32 error. */
uint32_t relay_client_open_dvc(struct wtsd_relay *r, struct wtsd_relay_open *op);
/* Moves what dynamic channels received to their apps; settles dynamic opens. */
void relay_client_poll(struct wtsd_relay *r);
/* Drops what FreeRDP still holds for c (PurgeInput). */
void relay_client_purge(struct wtsd_relay *r, struct relay_chan *c);
/* One whole message from c's app to the client. Returns false if the connection failed. */
bool relay_to_client(struct wtsd_relay *r, struct relay_chan *c, const uint8_t *msg, size_t len);

#endif /* WTSD_RELAY_PRIVATE_H */
