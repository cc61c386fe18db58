/*
 * wts_process.c — WTSEnumerateProcesses(A/W), WTSEnumerateProcessesEx(A/W) and
 * WTSTerminateProcess.
 *
 * wtsd scans the processes and decides what the caller may see (other users' processes only for
 * privileged callers, as Windows shows them only to administrators); the library packs the
 * records with their names and SIDs into one block.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <wtsapi32.h>

#include "owts_sid.h"
#include "wts_private.h"

/* Smallest wire size of a process record (pid, session, uid, empty name). */
#define MIN_RECORD 16u

static void reserve_process(struct wts_block *b, const struct owts_process *p)
{
	wts_block_reserve_str(b, p->name);
	wts_block_reserve(b, OWTS_SID_MAX);
}

/* Fills the fields WTS_PROCESS_INFO and WTS_PROCESS_INFO_EX share (same offsets, A or W). */
static void fill_common(struct wts_block *b, WTS_PROCESS_INFOW *info, const struct owts_process *p)
{
	uint8_t sid[OWTS_SID_MAX];
	size_t len = owts_sid_from_uid(p->uid, sid);
	info->SessionId = p->session_id;
	info->ProcessId = p->pid;
	info->pProcessName = wts_block_put_str(b, p->name);
	info->pUserSid = wts_block_put(b, sid, len);
}

static void fill_process_ex(struct wts_block *b, WTS_PROCESS_INFO_EXW *info,
                            const struct owts_process *p)
{
	fill_common(b, (WTS_PROCESS_INFOW *)info, p);
	info->NumberOfThreads = p->threads;
	info->HandleCount = p->handles;
	/* DWORD byte counts saturate at 4 GiB, as on 32-bit-era Windows structures. */
	info->PagefileUsage = p->pagefile > UINT32_MAX ? UINT32_MAX : (DWORD)p->pagefile;
	info->PeakPagefileUsage =
	    p->peak_pagefile > UINT32_MAX ? UINT32_MAX : (DWORD)p->peak_pagefile;
	info->WorkingSetSize = p->working_set > UINT32_MAX ? UINT32_MAX : (DWORD)p->working_set;
	info->PeakWorkingSetSize =
	    p->peak_working_set > UINT32_MAX ? UINT32_MAX : (DWORD)p->peak_working_set;
	info->UserTime.QuadPart = (LONGLONG)p->user_time;
	info->KernelTime.QuadPart = (LONGLONG)p->kernel_time;
}

/* Packs the records of reply into WTS_PROCESS_INFO (level 0) or _EX (level 1) entries, sizing
 * and validating in a first pass, filling in a second. */
static DWORD pack_processes(struct wts_reply *reply, uint32_t level, bool wide, void **out,
                            uint32_t *count)
{
	size_t entry = level ? sizeof(WTS_PROCESS_INFO_EXW) : sizeof(WTS_PROCESS_INFOW);
	uint32_t n = owts_read_u32(&reply->r);
	if (n > reply->frame.body_len / MIN_RECORD)
		return OWTS_RPC_S_PROTOCOL_ERROR;
	struct owts_process p;
	struct wts_block b;
	wts_block_init(&b, (size_t)n * entry, wide);
	for (uint32_t i = 0; i < n; i++) {
		owts_process_read(&reply->r, &p, level);
		reserve_process(&b, &p);
	}
	if (!owts_reader_done(&reply->r))
		return OWTS_RPC_S_PROTOCOL_ERROR;
	DWORD err = wts_block_alloc(&b);
	if (err)
		return err;
	owts_reader_init(&reply->r, reply->frame.body, reply->frame.body_len);
	(void)owts_read_u32(&reply->r);
	for (uint32_t i = 0; i < n; i++) {
		owts_process_read(&reply->r, &p, level);
		if (level)
			fill_process_ex(&b, (WTS_PROCESS_INFO_EXW *)b.base + i, &p);
		else
			fill_common(&b, (WTS_PROCESS_INFOW *)b.base + i, &p);
	}
	*out = b.base;
	*count = n;
	return ERROR_SUCCESS;
}

static DWORD list_processes(uint32_t level, uint32_t session_id, bool wide, void **out,
                            uint32_t *count)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, OWTS_OP_PROCESS_ENUM, 1, 0) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_write_u32(&w, level);
	owts_write_u32(&w, session_id);
	struct wts_reply reply;
	DWORD err = wts_call(&w, &reply);
	owts_writer_free(&w);
	if (err)
		return err;
	err = pack_processes(&reply, level, wide, out, count);
	wts_reply_free(&reply);
	return err;
}

static BOOL enumerate(HANDLE hServer, DWORD Reserved, DWORD Version, void **ppProcessInfo,
                      DWORD *pCount, bool wide)
{
	if (!ppProcessInfo || !pCount || Reserved != 0 || Version != 1)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	void *block = NULL;
	uint32_t n = 0;
	err = list_processes(0, WTS_ANY_SESSION, wide, &block, &n);
	return wts_return_list(err, block, n, ppProcessInfo, pCount);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateProcessesW(HANDLE hServer, DWORD Reserved, DWORD Version,
                                              PWTS_PROCESS_INFOW *ppProcessInfo, DWORD *pCount)
{
	return enumerate(hServer, Reserved, Version, (void **)ppProcessInfo, pCount, true);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateProcessesA(HANDLE hServer, DWORD Reserved, DWORD Version,
                                              PWTS_PROCESS_INFOA *ppProcessInfo, DWORD *pCount)
{
	return enumerate(hServer, Reserved, Version, (void **)ppProcessInfo, pCount, false);
}

/* A bad *pLevel fails and gets 1 written back, as Microsoft documents (reference §6.2). */
static BOOL enumerate_ex(HANDLE hServer, DWORD *pLevel, DWORD SessionId, void **ppProcessInfo,
                         DWORD *pCount, bool wide)
{
	if (!pLevel || !ppProcessInfo || !pCount)
		return wts_fail(ERROR_INVALID_PARAMETER);
	if (*pLevel > WTS_PROCESS_INFO_LEVEL_1) {
		*pLevel = WTS_PROCESS_INFO_LEVEL_1;
		return wts_fail(ERROR_INVALID_PARAMETER);
	}
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	void *block = NULL;
	uint32_t n = 0;
	err = list_processes(*pLevel, SessionId, wide, &block, &n);
	return wts_return_list(err, block, n, ppProcessInfo, pCount);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateProcessesExW(HANDLE hServer, DWORD *pLevel, DWORD SessionId,
                                                LPWSTR *ppProcessInfo, DWORD *pCount)
{
	return enumerate_ex(hServer, pLevel, SessionId, (void **)ppProcessInfo, pCount, true);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateProcessesExA(HANDLE hServer, DWORD *pLevel, DWORD SessionId,
                                                LPSTR *ppProcessInfo, DWORD *pCount)
{
	return enumerate_ex(hServer, pLevel, SessionId, (void **)ppProcessInfo, pCount, false);
}

WTS_EXPORT BOOL WINAPI WTSTerminateProcess(HANDLE hServer, DWORD ProcessId, DWORD ExitCode)
{
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	struct owts_writer w;
	if (owts_writer_begin(&w, OWTS_OP_PROCESS_TERMINATE, 1, 0) < 0)
		return wts_fail(ERROR_NOT_ENOUGH_MEMORY);
	owts_write_u32(&w, ProcessId);
	owts_write_u32(&w, ExitCode);
	struct wts_reply reply;
	err = wts_call(&w, &reply);
	owts_writer_free(&w);
	if (err)
		return wts_fail(err);
	wts_reply_free(&reply);
	return wts_ok();
}
