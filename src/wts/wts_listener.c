/*
 * wts_listener.c — WTSEnumerateListeners, WTSQueryListenerConfig, WTSCreateListener,
 * WTSSetListenerSecurity and WTSGetListenerSecurity (A and W).
 *
 * Every function checks, in this order: output pointers and the listener name, pReserved (must
 * be NULL) and Reserved (must be 0) — ERROR_INVALID_PARAMETER —, then flags and version, then
 * the server handle; wtsd does the rest (docs/api/WTS*Listener*.md). Buffers are the caller's
 * (two-call patterns: a count or a length too small gives FALSE + ERROR_INSUFFICIENT_BUFFER and
 * the needed count or length, the one output written on failure, as Windows' sizing calls do).
 * WTSLISTENERCONFIG is converted field by field from the record's field lists
 * (owts_listener.h), so the A and W forms cannot drift from the wire.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <wtsapi32.h>

#include "owts_listener.h"
#include "owts_sd.h"
#include "owts_utf.h"
#include "wts_private.h"

#define SECINFO_ALL 0xFu /* OWNER | GROUP | DACL | SACL _SECURITY_INFORMATION */

static DWORD common_checks(HANDLE hServer, PVOID pReserved, DWORD Reserved)
{
	if (pReserved || Reserved)
		return ERROR_INVALID_PARAMETER;
	return wts_handle_check(hServer);
}

/* Starts a request naming a listener (A or W name). */
static DWORD begin_named(struct owts_writer *w, uint16_t op, const void *name, bool wide)
{
	char utf8[OWTS_LISTENER_NAME_MAX];
	DWORD err = wts_arg_utf8(name, wide, utf8, sizeof(utf8));
	if (err)
		return err;
	if (owts_writer_begin(w, op, 1, 0) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_write_str(w, utf8);
	return ERROR_SUCCESS;
}

/* Sends w (freed here) and waits for the reply. */
static DWORD call(struct owts_writer *w, struct wts_reply *reply)
{
	DWORD err = wts_call(w, reply);
	owts_writer_free(w);
	return err;
}

static BOOL enumerate(HANDLE hServer, PVOID pReserved, DWORD Reserved, void *pListeners,
                      DWORD *pCount, bool wide)
{
	if (!pCount)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = common_checks(hServer, pReserved, Reserved);
	if (err)
		return wts_fail(err);
	struct wts_reply reply;
	err = wts_call_simple(OWTS_OP_LISTENER_ENUM, &reply);
	if (err)
		return wts_fail(err);
	uint32_t n = owts_read_u32(&reply.r);
	if (n > reply.frame.body_len / 4)
		err = OWTS_RPC_S_PROTOCOL_ERROR;
	else if (pListeners && *pCount < n)
		err = ERROR_INSUFFICIENT_BUFFER;
	size_t unit = wide ? sizeof(WTSLISTENERNAMEW) : sizeof(WTSLISTENERNAMEA);
	uint8_t *names = !err && n ? calloc(n, unit) : NULL;
	if (!err && n && !names)
		err = ERROR_NOT_ENOUGH_MEMORY;
	for (uint32_t i = 0; !err && i < n; i++) {
		char name[OWTS_LISTENER_NAME_MAX];
		owts_read_str(&reply.r, name, sizeof(name));
		wts_str_copy(names + i * unit, WTS_LISTENER_NAME_LENGTH + 1, name, wide);
	}
	if (!err && !owts_reader_done(&reply.r))
		err = OWTS_RPC_S_PROTOCOL_ERROR;
	wts_reply_free(&reply);
	if (err == ERROR_INSUFFICIENT_BUFFER)
		*pCount = n;
	if (err) {
		free(names);
		return wts_fail(err);
	}
	if (pListeners && n)
		memcpy(pListeners, names, (size_t)n * unit);
	free(names);
	*pCount = n;
	return TRUE;
}

WTS_EXPORT BOOL WINAPI WTSEnumerateListenersW(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                              PWTSLISTENERNAMEW pListeners, DWORD *pCount)
{
	return enumerate(hServer, pReserved, Reserved, pListeners, pCount, true);
}

WTS_EXPORT BOOL WINAPI WTSEnumerateListenersA(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                              PWTSLISTENERNAMEA pListeners, DWORD *pCount)
{
	return enumerate(hServer, pReserved, Reserved, pListeners, pCount, false);
}

/* record → WTSLISTENERCONFIG(A/W) */
#define TO_WIN(T, dst, src, wide)                                                                  \
	do {                                                                                       \
		T *c_ = (T *)(dst);                                                                \
		memset(c_, 0, sizeof(*c_));                                                        \
		c_->version = 1;                                                                   \
		OWTS_LISTENER_U32(U32_TO)                                                          \
		OWTS_LISTENER_STR(STR_TO)                                                          \
	} while (0)
#define U32_TO(f, win)      c_->win = src->f;
#define STR_TO(f, win, cap) wts_str_copy(c_->win, cap, src->f, wide);

static DWORD query(const void *name, struct owts_listener *out, bool wide)
{
	struct owts_writer w;
	DWORD err = begin_named(&w, OWTS_OP_LISTENER_QUERY, name, wide);
	if (err)
		return err;
	struct wts_reply reply;
	err = call(&w, &reply);
	if (err)
		return err;
	owts_listener_read(&reply.r, out);
	bool ok = owts_reader_done(&reply.r);
	wts_reply_free(&reply);
	return ok ? ERROR_SUCCESS : OWTS_RPC_S_PROTOCOL_ERROR;
}

static BOOL query_config(HANDLE hServer, PVOID pReserved, DWORD Reserved, const void *name,
                         void *pBuffer, bool wide)
{
	if (!name || !pBuffer)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = common_checks(hServer, pReserved, Reserved);
	struct owts_listener *src = err ? NULL : malloc(sizeof(*src));
	if (!err && !src)
		err = ERROR_NOT_ENOUGH_MEMORY;
	if (!err)
		err = query(name, src, wide);
	if (!err) {
		if (wide)
			TO_WIN(WTSLISTENERCONFIGW, pBuffer, src, true);
		else
			TO_WIN(WTSLISTENERCONFIGA, pBuffer, src, false);
	}
	free(src);
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL WINAPI WTSQueryListenerConfigW(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                               LPWSTR pListenerName, PWTSLISTENERCONFIGW pBuffer)
{
	return query_config(hServer, pReserved, Reserved, pListenerName, pBuffer, true);
}

WTS_EXPORT BOOL WINAPI WTSQueryListenerConfigA(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                               LPSTR pListenerName, PWTSLISTENERCONFIGA pBuffer)
{
	return query_config(hServer, pReserved, Reserved, pListenerName, pBuffer, false);
}

/* A fixed A or W array of cap characters (maybe unterminated) → UTF-8. */
static void field_utf8(const void *src, size_t cap, bool wide, char *out, size_t size)
{
	if (wide) {
		WCHAR tmp[262];
		size_t n = cap < 261 ? cap : 261;
		memcpy(tmp, src, n * sizeof(WCHAR));
		tmp[n] = 0;
		if (owts_utf16_to_utf8(tmp, out, size) < 0)
			out[0] = '\0';
	} else {
		size_t n = strnlen(src, cap);
		if (n >= size)
			n = size - 1;
		memcpy(out, src, n);
		out[n] = '\0';
	}
}

#define FROM_WIN(T, src, dst, wide)                                                                \
	do {                                                                                       \
		const T *c_ = (const T *)(src);                                                    \
		OWTS_LISTENER_U32(U32_FROM)                                                        \
		OWTS_LISTENER_STR(STR_FROM)                                                        \
	} while (0)
#define U32_FROM(f, win)      dst->f = c_->win;
#define STR_FROM(f, win, cap) field_utf8(c_->win, cap, wide, dst->f, sizeof(dst->f));

static BOOL create(HANDLE hServer, PVOID pReserved, DWORD Reserved, const void *name,
                   const void *pBuffer, DWORD flag, bool wide)
{
	if (!name || !pBuffer)
		return wts_fail(ERROR_INVALID_PARAMETER);
	if (pReserved || Reserved || (flag != WTS_LISTENER_CREATE && flag != WTS_LISTENER_UPDATE))
		return wts_fail(ERROR_INVALID_PARAMETER);
	/* version is the first ULONG of both forms */
	if (((const WTSLISTENERCONFIGW *)pBuffer)->version != 1)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	struct owts_listener *dst = calloc(1, sizeof(*dst));
	if (!dst)
		return wts_fail(ERROR_NOT_ENOUGH_MEMORY);
	err = wts_arg_utf8(name, wide, dst->name, sizeof(dst->name));
	if (!err) {
		if (wide)
			FROM_WIN(WTSLISTENERCONFIGW, pBuffer, dst, true);
		else
			FROM_WIN(WTSLISTENERCONFIGA, pBuffer, dst, false);
	}
	struct owts_writer w;
	if (!err && owts_writer_begin(&w, OWTS_OP_LISTENER_CREATE, 1, 0) < 0)
		err = ERROR_NOT_ENOUGH_MEMORY;
	if (!err) {
		owts_write_u32(&w, flag);
		owts_listener_write(&w, dst);
		struct wts_reply reply;
		err = call(&w, &reply);
		if (!err)
			wts_reply_free(&reply);
	}
	free(dst);
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL WINAPI WTSCreateListenerW(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                          LPWSTR pListenerName, PWTSLISTENERCONFIGW pBuffer,
                                          DWORD flag)
{
	return create(hServer, pReserved, Reserved, pListenerName, pBuffer, flag, true);
}

WTS_EXPORT BOOL WINAPI WTSCreateListenerA(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                          LPSTR pListenerName, PWTSLISTENERCONFIGA pBuffer,
                                          DWORD flag)
{
	return create(hServer, pReserved, Reserved, pListenerName, pBuffer, flag, false);
}

/* The length of the caller's self-relative SD (its parts' ends), 0 if it is not one. */
static size_t sd_length(const uint8_t *sd)
{
	uint16_t control = (uint16_t)(sd[2] | sd[3] << 8);
	if (sd[0] != 1 || !(control & 0x8000))
		return 0;
	size_t end = 20;
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = sd + 4 + 4 * i;
		uint32_t off = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		               (uint32_t)p[3] << 24;
		if (!off)
			continue;
		if (off < 20 || off > OWTS_SD_MAX)
			return 0;
		const uint8_t *q = sd + off;
		size_t n = i < 2 ? 8 + 4 * (size_t)q[1] : (size_t)(q[2] | q[3] << 8);
		if (off + n > end)
			end = off + n;
	}
	return end <= OWTS_SD_MAX ? end : 0;
}

static BOOL set_security(HANDLE hServer, PVOID pReserved, DWORD Reserved, const void *name,
                         SECURITY_INFORMATION info, PSECURITY_DESCRIPTOR pSD, bool wide)
{
	if (!name || !pSD)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = common_checks(hServer, pReserved, Reserved);
	if (!err && (!info || (info & ~SECINFO_ALL)))
		err = ERROR_INVALID_PARAMETER;
	const uint8_t *bytes = (const uint8_t *)pSD;
	size_t len = err ? 0 : sd_length(bytes);
	struct owts_sd parsed;
	if (!err && (!len || owts_sd_parse(bytes, len, &parsed) < 0))
		err = ERROR_INVALID_SECURITY_DESCR;
	struct owts_writer w;
	if (!err)
		err = begin_named(&w, OWTS_OP_LISTENER_SET_SECURITY, name, wide);
	if (!err) {
		owts_write_u32(&w, info);
		owts_write_u32(&w, (uint32_t)len);
		owts_write_bytes(&w, bytes, len);
		struct wts_reply reply;
		err = call(&w, &reply);
		if (!err)
			wts_reply_free(&reply);
	}
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL WINAPI WTSSetListenerSecurityW(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                               LPWSTR pListenerName,
                                               SECURITY_INFORMATION SecurityInformation,
                                               PSECURITY_DESCRIPTOR pSecurityDescriptor)
{
	return set_security(hServer, pReserved, Reserved, pListenerName, SecurityInformation,
	                    pSecurityDescriptor, true);
}

WTS_EXPORT BOOL WINAPI WTSSetListenerSecurityA(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                               LPSTR pListenerName,
                                               SECURITY_INFORMATION SecurityInformation,
                                               PSECURITY_DESCRIPTOR pSecurityDescriptor)
{
	return set_security(hServer, pReserved, Reserved, pListenerName, SecurityInformation,
	                    pSecurityDescriptor, false);
}

static BOOL get_security(HANDLE hServer, PVOID pReserved, DWORD Reserved, const void *name,
                         SECURITY_INFORMATION info, PSECURITY_DESCRIPTOR pSD, DWORD nLength,
                         LPDWORD lpnLengthNeeded, bool wide)
{
	if (!name || !lpnLengthNeeded || (!pSD && nLength))
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = common_checks(hServer, pReserved, Reserved);
	if (!err && (!info || (info & ~SECINFO_ALL)))
		err = ERROR_INVALID_PARAMETER;
	struct owts_writer w;
	if (!err)
		err = begin_named(&w, OWTS_OP_LISTENER_GET_SECURITY, name, wide);
	if (err)
		return wts_fail(err);
	owts_write_u32(&w, info);
	struct wts_reply reply;
	err = call(&w, &reply);
	if (err)
		return wts_fail(err);
	uint32_t len = owts_read_u32(&reply.r);
	if (len > OWTS_SD_MAX || len > reply.frame.body_len) {
		wts_reply_free(&reply);
		return wts_fail(OWTS_RPC_S_PROTOCOL_ERROR);
	}
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf) {
		wts_reply_free(&reply);
		return wts_fail(ERROR_NOT_ENOUGH_MEMORY);
	}
	owts_read_bytes(&reply.r, buf, len);
	bool ok = owts_reader_done(&reply.r);
	wts_reply_free(&reply);
	if (!ok)
		err = OWTS_RPC_S_PROTOCOL_ERROR;
	else if (len > nLength)
		err = ERROR_INSUFFICIENT_BUFFER;
	if (!err)
		memcpy(pSD, buf, len);
	free(buf);
	if (!err || err == ERROR_INSUFFICIENT_BUFFER)
		*lpnLengthNeeded = len;
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL WINAPI WTSGetListenerSecurityW(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                               LPWSTR pListenerName,
                                               SECURITY_INFORMATION SecurityInformation,
                                               PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                               DWORD nLength, LPDWORD lpnLengthNeeded)
{
	return get_security(hServer, pReserved, Reserved, pListenerName, SecurityInformation,
	                    pSecurityDescriptor, nLength, lpnLengthNeeded, true);
}

WTS_EXPORT BOOL WINAPI WTSGetListenerSecurityA(HANDLE hServer, PVOID pReserved, DWORD Reserved,
                                               LPSTR pListenerName,
                                               SECURITY_INFORMATION SecurityInformation,
                                               PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                               DWORD nLength, LPDWORD lpnLengthNeeded)
{
	return get_security(hServer, pReserved, Reserved, pListenerName, SecurityInformation,
	                    pSecurityDescriptor, nLength, lpnLengthNeeded, false);
}
