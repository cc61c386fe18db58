/*
 * wts_session.c — WTSEnumerateSessions(A/W), WTSEnumerateSessionsEx(A/W) and the session lookup
 * shared with WTSQuerySessionInformation.
 *
 * wtsd sends every session record; the library packs them into one block of WTS_SESSION_INFO or
 * WTS_SESSION_INFO_1 entries and their strings.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include <wtsapi32.h>

#include "wts_private.h"

/*
 * Session lists are packed straight from the reply in two passes over its records — one to size
 * the block (and validate every record), one to fill it — so no intermediate array of full
 * records is built even for 10,000 sessions.
 */
typedef void (*reserve_fn)(struct wts_block *b, const struct owts_session_brief *s);
typedef void (*fill_fn)(struct wts_block *b, uint32_t i, const struct owts_session_brief *s);

static DWORD pack_reply(struct wts_reply *reply, size_t entry_size, bool wide, reserve_fn reserve,
                        fill_fn fill, void **out, uint32_t *count)
{
	struct owts_session_brief *s = malloc(sizeof(*s));
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	uint32_t n = owts_read_u32(&reply->r);
	/* Every brief record takes at least 24 bytes on the wire: bound n before multiplying. */
	DWORD err = n > reply->frame.body_len / 24 ? OWTS_RPC_S_PROTOCOL_ERROR : ERROR_SUCCESS;
	struct wts_block b;
	wts_block_init(&b, (size_t)n * entry_size, wide);
	for (uint32_t i = 0; !err && i < n; i++) {
		owts_session_brief_read(&reply->r, s);
		reserve(&b, s);
	}
	if (!err && !owts_reader_done(&reply->r))
		err = OWTS_RPC_S_PROTOCOL_ERROR;
	if (!err)
		err = wts_block_alloc(&b);
	if (!err) {
		owts_reader_init(&reply->r, reply->frame.body, reply->frame.body_len);
		(void)owts_read_u32(&reply->r);
		for (uint32_t i = 0; i < n; i++) {
			owts_session_brief_read(&reply->r, s);
			fill(&b, i, s);
		}
		*out = b.base;
		*count = n;
	}
	free(s);
	return err;
}

/* Fetches all sessions and packs them with reserve/fill. */
static DWORD list_sessions(size_t entry_size, bool wide, reserve_fn reserve, fill_fn fill,
                           void **out, uint32_t *count)
{
	struct wts_reply reply;
	DWORD err = wts_call_simple(OWTS_OP_SESSION_ENUM, &reply);
	if (err)
		return err;
	err = pack_reply(&reply, entry_size, wide, reserve, fill, out, count);
	wts_reply_free(&reply);
	return err;
}

DWORD wts_session_get(uint32_t session_id, struct owts_session *out)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, OWTS_OP_SESSION_QUERY, 1, 0) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_write_u32(&w, session_id);
	struct wts_reply reply;
	DWORD err = wts_call(&w, &reply);
	owts_writer_free(&w);
	if (err)
		return err;
	owts_session_read(&reply.r, out);
	bool ok = owts_reader_done(&reply.r);
	wts_reply_free(&reply);
	return ok ? ERROR_SUCCESS : OWTS_RPC_S_PROTOCOL_ERROR;
}

/* WTS_SESSION_INFOA/W: the A and W records have the same layout but for string types. */
static void reserve_info(struct wts_block *b, const struct owts_session_brief *s)
{
	wts_block_reserve_str(b, s->station);
}

static void fill_info(struct wts_block *b, uint32_t i, const struct owts_session_brief *s)
{
	WTS_SESSION_INFOW *info = (WTS_SESSION_INFOW *)b->base + i;
	info->SessionId = s->id;
	info->State = (WTS_CONNECTSTATE_CLASS)s->state;
	info->pWinStationName = wts_block_put_str(b, s->station);
}

static BOOL enumerate_sessions(HANDLE hServer, DWORD Reserved, DWORD Version, void **ppSessionInfo,
                               DWORD *pCount, bool wide)
{
	if (!ppSessionInfo || !pCount || Reserved != 0 || Version != 1)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	void *block = NULL;
	uint32_t n = 0;
	err = list_sessions(sizeof(WTS_SESSION_INFOW), wide, reserve_info, fill_info, &block, &n);
	return wts_return_list(err, block, n, ppSessionInfo, pCount);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateSessionsW(HANDLE hServer, DWORD Reserved, DWORD Version,
                                             PWTS_SESSION_INFOW *ppSessionInfo, DWORD *pCount)
{
	return enumerate_sessions(hServer, Reserved, Version, (void **)ppSessionInfo, pCount, true);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateSessionsA(HANDLE hServer, DWORD Reserved, DWORD Version,
                                             PWTS_SESSION_INFOA *ppSessionInfo, DWORD *pCount)
{
	return enumerate_sessions(hServer, Reserved, Version, (void **)ppSessionInfo, pCount, false);
}

/* Level 1: pUserName / pDomainName are NULL when nobody is logged on, pHostName and pFarmName
 * NULL for sessions of this host (reference §5). */
static void reserve_info_1(struct wts_block *b, const struct owts_session_brief *s)
{
	wts_block_reserve_str(b, s->station);
	if (s->uid != OWTS_NO_UID) {
		wts_block_reserve_str(b, s->user);
		wts_block_reserve_str(b, s->domain);
	}
}

static void fill_info_1(struct wts_block *b, uint32_t i, const struct owts_session_brief *s)
{
	WTS_SESSION_INFO_1W *info = (WTS_SESSION_INFO_1W *)b->base + i;
	info->ExecEnvId = s->id;
	info->State = (WTS_CONNECTSTATE_CLASS)s->state;
	info->SessionId = s->id;
	info->pSessionName = wts_block_put_str(b, s->station);
	if (s->uid != OWTS_NO_UID) {
		info->pUserName = wts_block_put_str(b, s->user);
		info->pDomainName = wts_block_put_str(b, s->domain);
	}
}

static BOOL enumerate_sessions_ex(HANDLE hServer, DWORD *pLevel, DWORD Filter, void **ppSessionInfo,
                                  DWORD *pCount, bool wide)
{
	if (!pLevel || !ppSessionInfo || !pCount || *pLevel != 1 || Filter != 0)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	void *block = NULL;
	uint32_t n = 0;
	err = list_sessions(sizeof(WTS_SESSION_INFO_1W), wide, reserve_info_1, fill_info_1, &block,
	                    &n);
	return wts_return_list(err, block, n, ppSessionInfo, pCount);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateSessionsExW(HANDLE hServer, DWORD *pLevel, DWORD Filter,
                                               PWTS_SESSION_INFO_1W *ppSessionInfo, DWORD *pCount)
{
	return enumerate_sessions_ex(hServer, pLevel, Filter, (void **)ppSessionInfo, pCount, true);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateSessionsExA(HANDLE hServer, DWORD *pLevel, DWORD Filter,
                                               PWTS_SESSION_INFO_1A *ppSessionInfo, DWORD *pCount)
{
	return enumerate_sessions_ex(hServer, pLevel, Filter, (void **)ppSessionInfo, pCount, false);
}
