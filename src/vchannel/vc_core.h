/*
 * vc_core.h — the client-side channel host core of libwtsapi32: the tables of hosts, plug-ins
 * (init handles) and channels (open handles), the pending writes, and the event dispatch that
 * client_api.c (VirtualChannel*), plugin_host.c (OpenWTSPluginHost*) and plugin_load.c share.
 *
 * Model (docs/internals/client-channels.md): a host is one RDP client connection; it holds up to
 * CHANNEL_MAX_COUNT plug-ins and CHANNEL_MAX_COUNT channels among them. Every table entry is
 * named outside by an encoded {tag, generation, slot} value, never a pointer, so a stale or forged
 * init or open handle gives CHANNEL_RC_BAD_INIT_HANDLE / CHANNEL_RC_BAD_CHANNEL_HANDLE. One mutex
 * (vc_lock) guards every table; plug-in callbacks are always called without it, from snapshots
 * (struct vc_call), so a plug-in may call back into the API from any event.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VC_CORE_H
#define VC_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <cchannel.h>
#include <openwts/plugin_host.h>

#define VC_HOSTS    64   /* hosts in a process */
#define VC_PLUGINS  256  /* plug-ins (init handles) in a process */
#define VC_CHANNELS 1024 /* channels (open handles) in a process */

/* A write accepted by VirtualChannelWrite and not yet completed or cancelled. */
struct vc_write
{
	struct vc_write *next;
	uint64_t id;                       /* pWriteId of the send callback; never 0 */
	int chan;                          /* channel slot */
	bool sent;                         /* handed to the send callback */
	void *data;                        /* the plug-in's buffer, borrowed until the event */
	uint32_t len;                      /* bytes */
	void *user_data;                   /* pUserData, returned in the event */
	DWORD open_handle;                 /* the channel's open handle */
	PCHANNEL_OPEN_EVENT_FN proc;       /* the channel's callback when written */
	PCHANNEL_OPEN_EVENT_EX_FN proc_ex; /* or this one, with user_param */
	void *user_param;
	char name[CHANNEL_NAME_LEN + 1];
};

/* One RDP client connection. All fields guarded by vc_lock. */
struct vc_host
{
	bool used;
	uint16_t gen;
	bool initialized;                 /* CHANNEL_EVENT_INITIALIZED raised */
	bool connected;                   /* between CONNECTED and DISCONNECTED */
	OPENWTS_PLUGIN_HOST_SEND_FN send; /* NULL: capture writes for OpenWTSPluginHostRead */
	void *send_ctx;
	int plugins[CHANNEL_MAX_COUNT]; /* plug-in slots in load order */
	int nplugins;
	int channels[CHANNEL_MAX_COUNT]; /* channel slots in registration order */
	int nchannels;
	struct vc_write *writes; /* pending writes, oldest first */
	uint64_t next_write_id;
};

/* One loaded plug-in; its slot is its init handle. All fields guarded by vc_lock. */
struct vc_plugin
{
	bool used;
	uint16_t gen;
	int host;    /* host slot */
	void *dl;    /* dlopen handle, NULL for an entry function */
	bool inited; /* VirtualChannelInit(Ex) succeeded */
	PCHANNEL_INIT_EVENT_FN init_proc;
	PCHANNEL_INIT_EVENT_EX_FN init_proc_ex;
	void *user_param; /* lpUserParam of VirtualChannelInitEx */
};

/* One registered channel; its slot is its open handle (stable across reconnects). */
struct vc_channel
{
	bool used;
	uint16_t gen;
	int plugin; /* plug-in slot */
	char name[CHANNEL_NAME_LEN + 1];
	ULONG options; /* as registered */
	bool open;
	PCHANNEL_OPEN_EVENT_FN proc;
	PCHANNEL_OPEN_EVENT_EX_FN proc_ex;
	void *user_param;
};

/* A snapshot of one callback to make after vc_lock is released. */
struct vc_call
{
	PCHANNEL_INIT_EVENT_FN init_proc;
	PCHANNEL_INIT_EVENT_EX_FN init_proc_ex;
	void *user_param;
	void *init_handle;
};

extern struct vc_host vc_hosts[VC_HOSTS];
extern struct vc_plugin vc_plugins[VC_PLUGINS];
extern struct vc_channel vc_channels[VC_CHANNELS];

void vc_lock(void);
void vc_unlock(void);

/* Encoders and lookups; lookups need vc_lock and return the slot or -1. */
HANDLE vc_host_handle(int slot);
void *vc_init_handle(int slot);
DWORD vc_open_handle(int slot);
int vc_host_find(HANDLE h);
int vc_plugin_find(const void *init_handle);
int vc_channel_find(DWORD open_handle);

/* The init handle of the plug-in inside its entry point on this thread, or NULL. */
void *vc_entry_current(void);
/* Sets it for the duration of an entry call; returns the previous value to restore. */
void *vc_entry_enter(void *init_handle);
void vc_entry_leave(void *previous);

/* Slot allocation (vc_lock held): the first free slot, marked used and zeroed but for gen; -1 if
 * the table is full. Freeing advances the generation. */
int vc_host_alloc(void);
int vc_plugin_alloc(void);
int vc_channel_alloc(void);
void vc_channel_free(int slot);
/* Frees a plug-in, its channels and its place in the host's lists; returns its dlopen handle. */
void *vc_plugin_free(int slot);

/* The channel of host h named name (case-insensitive), or -1 (vc_lock held). */
int vc_host_channel_by_name(const struct vc_host *h, const char *name);
/* Snapshots the init callbacks of host slot's plug-ins into calls (CHANNEL_MAX_COUNT entries);
 * returns their number (vc_lock held). */
int vc_host_calls(int host, struct vc_call *calls);
/* Raises event in each snapshot (vc_lock not held). */
void vc_calls_raise(const struct vc_call *calls, int n, UINT event, void *data, UINT len);

/* Unlinks the pending writes of host slot that match chan (-1: all) and, if unsent_only, were not
 * handed to the send callback; returns them as a list, oldest first (vc_lock held). */
struct vc_write *vc_writes_detach(int host, int chan, bool unsent_only);
/* Unlinks the pending write id of host slot, or returns NULL (vc_lock held). */
struct vc_write *vc_write_take(int host, uint64_t id);
/* Raises event (WRITE_COMPLETE or WRITE_CANCELLED) for each write of list and frees it
 * (vc_lock not held). */
void vc_writes_finish(struct vc_write *list, UINT event);

/* Delivers one chunk to the open channel name of host slot (takes vc_lock). Returns
 * ERROR_SUCCESS, ERROR_INVALID_HANDLE, ERROR_INVALID_STATE or ERROR_NOT_FOUND. */
DWORD vc_receive(HANDLE hHost, const char *name, const void *data, uint32_t len, uint32_t total,
                 uint32_t flags);

/* The host's entry-point tables (client_api.c). */
extern const CHANNEL_ENTRY_POINTS vc_entry_points;
extern const OPENWTS_CHANNEL_ENTRY_POINTS_EX vc_entry_points_ex;

#endif /* VC_CORE_H */
