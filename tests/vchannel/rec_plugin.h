/*
 * rec_plugin.h — a configurable Windows-style plug-in for the tests of the client channel host:
 * it registers the channels a test gives it (through CHANNEL_ENTRY_POINTS, CHANNEL_ENTRY_POINTS_EX
 * or the exported VirtualChannelInit), opens them on CHANNEL_EVENT_CONNECTED if asked, and records
 * every event it gets, with the bytes of DATA_RECEIVED appended to one buffer per plug-in.
 *
 * A test fills a struct rec, points rec_next at it and loads rec_entry or rec_entry_ex with
 * OpenWTSPluginHostLoadEntry; the entry binds to rec_next.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef REC_PLUGIN_H
#define REC_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cchannel.h>

#define REC_EVENTS   8192
#define REC_CHANNELS 40

enum rec_kind
{
	REC_INIT,
	REC_OPEN
};

struct rec_event
{
	enum rec_kind kind;
	UINT event;
	DWORD handle; /* open handle (REC_OPEN) */
	void *data;   /* pData as given (pUserData for write events) */
	UINT32 len, total, flags;
	char text[64]; /* CONNECTED: the server name */
};

struct rec
{
	/* configuration, set by the test */
	int nchan;
	CHANNEL_DEF defs[REC_CHANNELS];
	bool open_on_connect; /* VirtualChannelOpen every channel on CONNECTED */
	bool init_by_export;  /* call the exported VirtualChannelInit, not the table's */
	bool init_twice;      /* call Init a second time inside the entry */
	bool call_init;       /* call Init at all (default set by rec_setup) */
	BOOL entry_result;    /* what the entry returns when Init succeeded */
	/* results */
	bool ex;
	void *init_handle;
	UINT init_rc, init2_rc;
	DWORD open[REC_CHANNELS];
	UINT open_rc[REC_CHANNELS];
	CHANNEL_ENTRY_POINTS ep;
	OPENWTS_CHANNEL_ENTRY_POINTS_EX epx;
	/* log */
	struct rec_event ev[REC_EVENTS];
	int nev;
	uint8_t *rx; /* DATA_RECEIVED bytes, in order */
	size_t rxlen, rxcap;
};

extern struct rec *rec_next;

/* Zeroes r and gives it the channels of names (NULL-terminated), Init on, entry result TRUE. */
void rec_setup(struct rec *r, const char *const names[]);
/* Frees r's buffers. */
void rec_free(struct rec *r);
/* The number of events of kind and event code in r. */
int rec_count(const struct rec *r, enum rec_kind kind, UINT event);
/* Index of the first event of kind and code at or after from, or -1. */
int rec_find(const struct rec *r, int from, enum rec_kind kind, UINT event);

BOOL VCAPITYPE rec_entry(PCHANNEL_ENTRY_POINTS pEntryPoints);
BOOL VCAPITYPE rec_entry_ex(PCHANNEL_ENTRY_POINTS_EX pEntryPointsEx, PVOID pInitHandle);

/* Opens channel i of r through the plug-in's own table (Ex or not); returns the code. */
UINT rec_open(struct rec *r, int i);
/* Writes through the plug-in's own table (Ex or not). */
UINT rec_write(struct rec *r, DWORD handle, void *data, ULONG len, void *user);
/* Closes through the plug-in's own table (Ex or not). */
UINT rec_close(struct rec *r, DWORD handle);

#endif /* REC_PLUGIN_H */
