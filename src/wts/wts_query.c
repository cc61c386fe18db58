/*
 * wts_query.c — WTSQuerySessionInformationA/W.
 *
 * One table, indexed by WTS_INFO_CLASS, says what each class returns: a string field of the
 * session record, a 16- or 32-bit number, a structure built by a fill function, or
 * ERROR_NOT_SUPPORTED (the classes Windows 7 and later refuse, and those with no meaning on
 * this host). The same table drives the tests (tests/api/WTSQuerySessionInformation.c) and the
 * class list in docs/api/WTSQuerySessionInformation.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wtsapi32.h>

#include "owts_time.h"
#include "wts_private.h"

enum kind
{
	KIND_INVALID = 0,
	KIND_STR,      /* string field at .off */
	KIND_STR_NONE, /* always "" */
	KIND_U32,      /* uint32_t field at .off */
	KIND_U16,      /* uint16_t field at .off */
	KIND_STRUCT,   /* fill(), size_w / size_a bytes */
	KIND_BOOL1,    /* WTSIsRemoteSession: one byte */
	KIND_UNSUPPORTED,
};

typedef void (*fill_fn)(void *out, const struct owts_session *s, bool wide);

struct info_class {
	enum kind kind;
	size_t off;
	size_t size_w, size_a;
	fill_fn fill;
};

#define STR(field)   { KIND_STR, offsetof(struct owts_session, field), 0, 0, NULL }
#define U32(field)   { KIND_U32, offsetof(struct owts_session, field), 4, 4, NULL }
#define U16(field)   { KIND_U16, offsetof(struct owts_session, field), 2, 2, NULL }
#define STRUCT(W, A, f) { KIND_STRUCT, 0, sizeof(W), sizeof(A), f }
#define UNSUPPORTED  { KIND_UNSUPPORTED, 0, 0, 0, NULL }

static void fill_client_address(void *out, const struct owts_session *s, bool wide);
static void fill_client_display(void *out, const struct owts_session *s, bool wide);
static void fill_client_info(void *out, const struct owts_session *s, bool wide);
static void fill_session_info(void *out, const struct owts_session *s, bool wide);
static void fill_session_info_ex(void *out, const struct owts_session *s, bool wide);
static void fill_config_info(void *out, const struct owts_session *s, bool wide);

static const struct info_class classes[] = {
	[WTSInitialProgram] = STR(initial_program),
	[WTSApplicationName] = { KIND_STR_NONE, 0, 0, 0, NULL },
	[WTSWorkingDirectory] = STR(working_dir),
	[WTSOEMId] = { KIND_STR_NONE, 0, 0, 0, NULL },
	[WTSSessionId] = U32(id),
	[WTSUserName] = STR(user),
	[WTSWinStationName] = STR(station),
	[WTSDomainName] = STR(domain),
	[WTSConnectState] = U32(state),
	[WTSClientBuildNumber] = U32(client_build),
	[WTSClientName] = STR(client_name),
	[WTSClientDirectory] = STR(client_dir),
	[WTSClientProductId] = U16(client_product_id),
	[WTSClientHardwareId] = U32(client_hardware_id),
	[WTSClientAddress] = STRUCT(WTS_CLIENT_ADDRESS, WTS_CLIENT_ADDRESS, fill_client_address),
	[WTSClientDisplay] = STRUCT(WTS_CLIENT_DISPLAY, WTS_CLIENT_DISPLAY, fill_client_display),
	[WTSClientProtocolType] = U16(protocol),
	[WTSIdleTime] = UNSUPPORTED,
	[WTSLogonTime] = UNSUPPORTED,
	[WTSIncomingBytes] = UNSUPPORTED,
	[WTSOutgoingBytes] = UNSUPPORTED,
	[WTSIncomingFrames] = UNSUPPORTED,
	[WTSOutgoingFrames] = UNSUPPORTED,
	[WTSClientInfo] = STRUCT(WTSCLIENTW, WTSCLIENTA, fill_client_info),
	[WTSSessionInfo] = STRUCT(WTSINFOW, WTSINFOA, fill_session_info),
	[WTSSessionInfoEx] = STRUCT(WTSINFOEXW, WTSINFOEXA, fill_session_info_ex),
	[WTSConfigInfo] = STRUCT(WTSCONFIGINFOW, WTSCONFIGINFOA, fill_config_info),
	[WTSValidationInfo] = UNSUPPORTED,
	[WTSSessionAddressV4] = UNSUPPORTED, /* no session has a virtual IP address */
	[WTSIsRemoteSession] = { KIND_BOOL1, 0, 1, 1, NULL },
	[30] = UNSUPPORTED, /* WTSSessionActivityId: Windows 11 23H2+, no activity ids here */
	[31] = UNSUPPORTED, /* WTSCapabilityCheck: Windows 11 24H2+, no RAIL */
};

#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

/* Copies a string into a fixed array field of an A or W structure. */
#define SET_STR(dst, src, wide)                                                                   \
	wts_str_copy((dst), sizeof(dst) / ((wide) ? sizeof(WCHAR) : 1), (src), (wide))

static void fill_client_address(void *out, const struct owts_session *s, bool wide)
{
	(void)wide;
	WTS_CLIENT_ADDRESS *a = out;
	a->AddressFamily = s->client_af;
	memcpy(a->Address, s->client_addr, sizeof(a->Address));
}

static void fill_client_display(void *out, const struct owts_session *s, bool wide)
{
	(void)wide;
	WTS_CLIENT_DISPLAY *d = out;
	d->HorizontalResolution = s->hres;
	d->VerticalResolution = s->vres;
	d->ColorDepth = s->color_depth;
}

/* WTSCLIENT.ClientAddress: text for AF_INET ("127.0.0.1"), raw bytes for AF_INET6 (reference
 * §5); USHORT elements in both A and W. */
static void client_address_text(USHORT *dst, size_t cap, const struct owts_session *s)
{
	if (s->client_af == 2) {
		char text[16];
		const uint8_t *b = s->client_addr + 2;
		int n = snprintf(text, sizeof(text), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		for (int i = 0; i < n && (size_t)i + 1 < cap; i++)
			dst[i] = (USHORT)text[i];
	} else if (s->client_af == 23) {
		for (size_t i = 0; i < 16 && i < cap; i++)
			dst[i] = s->client_addr[2 + i];
	}
}

#define FILL_CLIENT(T, out, s, wide)                                                              \
	do {                                                                                      \
		T *c = (out);                                                                     \
		SET_STR(c->ClientName, (s)->client_name, wide);                                  \
		SET_STR(c->Domain, (s)->domain, wide);                                           \
		SET_STR(c->UserName, (s)->user, wide);                                           \
		SET_STR(c->WorkDirectory, (s)->working_dir, wide);                               \
		SET_STR(c->InitialProgram, (s)->initial_program, wide);                          \
		c->EncryptionLevel = (s)->protocol ? 2 : 0;                                       \
		c->ClientAddressFamily = (s)->client_af;                                          \
		client_address_text(c->ClientAddress, CLIENTADDRESS_LENGTH + 1, (s));             \
		c->HRes = (USHORT)(s)->hres;                                                      \
		c->VRes = (USHORT)(s)->vres;                                                      \
		c->ColorDepth = (USHORT)(s)->color_depth;                                         \
		SET_STR(c->ClientDirectory, (s)->client_dir, wide);                              \
		c->ClientBuildNumber = (s)->client_build;                                         \
		c->ClientHardwareId = (s)->client_hardware_id;                                    \
		c->ClientProductId = (s)->client_product_id;                                      \
	} while (0)

static void fill_client_info(void *out, const struct owts_session *s, bool wide)
{
	if (wide)
		FILL_CLIENT(WTSCLIENTW, out, s, true);
	else
		FILL_CLIENT(WTSCLIENTA, out, s, false);
}

/* State, SessionId and the six counters open WTSINFOA and WTSINFOW alike (WinPR misspells one
 * WTSINFOA counter, so they are set by position). */
static void set_counters(uint32_t *d, const struct owts_session *s)
{
	d[0] = s->state;
	d[1] = s->id;
	d[2] = s->in_bytes;
	d[3] = s->out_bytes;
	d[4] = s->in_frames;
	d[5] = s->out_frames;
	d[6] = s->in_cbytes;
	d[7] = s->out_cbytes;
}

#define FILL_TIMES(i, s)                                                                          \
	do {                                                                                      \
		(i)->ConnectTime.QuadPart = (LONGLONG)(s)->connect_time;                          \
		(i)->DisconnectTime.QuadPart = (LONGLONG)(s)->disconnect_time;                    \
		(i)->LastInputTime.QuadPart = (LONGLONG)(s)->last_input_time;                     \
		(i)->LogonTime.QuadPart = (LONGLONG)(s)->logon_time;                              \
		(i)->_CurrentTime.QuadPart = (LONGLONG)owts_filetime_now();                       \
	} while (0)

static void fill_session_info(void *out, const struct owts_session *s, bool wide)
{
	set_counters(out, s);
	if (wide) {
		WTSINFOW *i = out;
		SET_STR(i->WinStationName, s->station, true);
		SET_STR(i->Domain, s->domain, true);
		SET_STR(i->UserName, s->user, true);
		FILL_TIMES(i, s);
	} else {
		WTSINFOA *i = out;
		SET_STR(i->WinStationName, s->station, false);
		SET_STR(i->Domain, s->domain, false);
		SET_STR(i->UserName, s->user, false);
		FILL_TIMES(i, s);
	}
}

#define FILL_INFO_EX(T, out, s, wide)                                                             \
	do {                                                                                      \
		T *e = (out);                                                                     \
		e->Level = 1;                                                                     \
		e->Data.WTSInfoExLevel1.SessionId = (s)->id;                                      \
		e->Data.WTSInfoExLevel1.SessionState = (WTS_CONNECTSTATE_CLASS)(s)->state;        \
		e->Data.WTSInfoExLevel1.SessionFlags = (LONG)(s)->flags;                          \
		SET_STR(e->Data.WTSInfoExLevel1.WinStationName, (s)->station, wide);             \
		SET_STR(e->Data.WTSInfoExLevel1.UserName, (s)->user, wide);                      \
		SET_STR(e->Data.WTSInfoExLevel1.DomainName, (s)->domain, wide);                  \
		FILL_TIMES(&e->Data.WTSInfoExLevel1, s);                                          \
		e->Data.WTSInfoExLevel1.IncomingBytes = (s)->in_bytes;                            \
		e->Data.WTSInfoExLevel1.OutgoingBytes = (s)->out_bytes;                           \
		e->Data.WTSInfoExLevel1.IncomingFrames = (s)->in_frames;                          \
		e->Data.WTSInfoExLevel1.OutgoingFrames = (s)->out_frames;                         \
		e->Data.WTSInfoExLevel1.IncomingCompressedBytes = (s)->in_cbytes;                 \
		e->Data.WTSInfoExLevel1.OutgoingCompressedBytes = (s)->out_cbytes;                \
	} while (0)

static void fill_session_info_ex(void *out, const struct owts_session *s, bool wide)
{
	if (wide)
		FILL_INFO_EX(WTSINFOEXW, out, s, true);
	else
		FILL_INFO_EX(WTSINFOEXA, out, s, false);
}

#define FILL_CONFIG(T, out, s, wide)                                                              \
	do {                                                                                      \
		T *c = (out);                                                                     \
		c->version = 1;                                                                   \
		c->ShadowSettings = 1; /* Windows' default: full control with consent */          \
		SET_STR(c->LogonUserName, (s)->user, wide);                                      \
		SET_STR(c->LogonDomain, (s)->domain, wide);                                      \
		SET_STR(c->WorkDirectory, (s)->working_dir, wide);                               \
		SET_STR(c->InitialProgram, (s)->initial_program, wide);                          \
	} while (0)

static void fill_config_info(void *out, const struct owts_session *s, bool wide)
{
	if (wide)
		FILL_CONFIG(WTSCONFIGINFOW, out, s, true);
	else
		FILL_CONFIG(WTSCONFIGINFOA, out, s, false);
}

/* Builds the buffer of class c for session s. */
static DWORD build(const struct info_class *c, const struct owts_session *s, bool wide,
                   void **out, DWORD *bytes)
{
	const char *str = "";
	size_t size;
	switch (c->kind) {
	case KIND_STR:
		str = (const char *)s + c->off;
		/* fall through */
	case KIND_STR_NONE:
		size = wts_str_bytes(str, wide);
		break;
	case KIND_BOOL1:
		size = 4; /* one meaningful byte; allocated wider for callers reading a BOOL */
		break;
	default:
		size = wide ? c->size_w : c->size_a;
		break;
	}
	struct wts_block b;
	wts_block_init(&b, size, wide);
	DWORD err = wts_block_alloc(&b);
	if (err)
		return err;
	switch (c->kind) {
	case KIND_STR:
	case KIND_STR_NONE:
		b.cursor = 0;
		(void)wts_block_put_str(&b, str);
		break;
	case KIND_U32:
		memcpy(b.base, (const uint8_t *)s + c->off, 4);
		break;
	case KIND_U16:
		memcpy(b.base, (const uint8_t *)s + c->off, 2);
		break;
	case KIND_BOOL1:
		b.base[0] = s->protocol != WTS_PROTOCOL_TYPE_CONSOLE;
		size = 1;
		break;
	default:
		c->fill(b.base, s, wide);
		break;
	}
	*out = b.base;
	*bytes = (DWORD)size;
	return ERROR_SUCCESS;
}

static BOOL query(HANDLE hServer, DWORD SessionId, WTS_INFO_CLASS WTSInfoClass, void **ppBuffer,
                  DWORD *pBytesReturned, bool wide)
{
	if (!ppBuffer || !pBytesReturned)
		return wts_fail(ERROR_INVALID_USER_BUFFER);
	if ((unsigned)WTSInfoClass >= NCLASSES || classes[WTSInfoClass].kind == KIND_INVALID)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	const struct info_class *c = &classes[WTSInfoClass];
	struct owts_session *s = malloc(sizeof(*s));
	if (!s)
		return wts_fail(ERROR_NOT_ENOUGH_MEMORY);
	/* The session must exist even for classes this host does not support. */
	err = wts_session_get(SessionId, s);
	if (!err && c->kind == KIND_UNSUPPORTED)
		err = ERROR_NOT_SUPPORTED;
	void *buf = NULL;
	DWORD bytes = 0;
	if (!err)
		err = build(c, s, wide, &buf, &bytes);
	free(s);
	if (err)
		return wts_fail(err);
	*ppBuffer = buf;
	*pBytesReturned = bytes;
	return wts_ok();
}

WTS_EXPORT BOOL WINAPI WTSQuerySessionInformationW(HANDLE hServer, DWORD SessionId,
                                                   WTS_INFO_CLASS WTSInfoClass, LPWSTR *ppBuffer,
                                                   DWORD *pBytesReturned)
{
	return query(hServer, SessionId, WTSInfoClass, (void **)ppBuffer, pBytesReturned, true);
}

WTS_EXPORT BOOL WINAPI WTSQuerySessionInformationA(HANDLE hServer, DWORD SessionId,
                                                   WTS_INFO_CLASS WTSInfoClass, LPSTR *ppBuffer,
                                                   DWORD *pBytesReturned)
{
	return query(hServer, SessionId, WTSInfoClass, (void **)ppBuffer, pBytesReturned, false);
}
