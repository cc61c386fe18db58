/*
 * owts_listener.h — the listener record that crosses the control socket and lives in wtsd's
 * store: a name and the WTSLISTENERCONFIG fields, plus the address wtsd binds.
 *
 * OWTS_LISTENER_U32(X) lists the numeric fields once, as X(field, WindowsField), in
 * WTSLISTENERCONFIG's order: the wire codec, the store's columns and the library's conversion to
 * the Windows structure are generated from it, so they cannot drift.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_LISTENER_H
#define OWTS_LISTENER_H

#include <stdint.h>

#include "owts_wire.h"

#define OWTS_LISTENER_NAME_MAX 128    /* bytes with NUL: 32 UTF-16 units of UTF-8 */
#define OWTS_LISTENER_FIRST_ID 65536u /* pseudo-session id of the first listener, as Windows */

#define OWTS_LISTENER_U32(X)                                                                       \
	X(enabled, fEnableListener)                                                                \
	X(max_connections, MaxConnectionCount)                                                     \
	X(prompt_password, fPromptForPassword)                                                     \
	X(inherit_color_depth, fInheritColorDepth)                                                 \
	X(color_depth, ColorDepth)                                                                 \
	X(inherit_broken_timeout, fInheritBrokenTimeoutSettings)                                   \
	X(broken_timeout, BrokenTimeoutSettings)                                                   \
	X(disable_printer, fDisablePrinterRedirection)                                             \
	X(disable_drive, fDisableDriveRedirection)                                                 \
	X(disable_com, fDisableComPortRedirection)                                                 \
	X(disable_lpt, fDisableLPTPortRedirection)                                                 \
	X(disable_clipboard, fDisableClipboardRedirection)                                         \
	X(disable_audio, fDisableAudioRedirection)                                                 \
	X(disable_pnp, fDisablePNPRedirection)                                                     \
	X(disable_default_printer, fDisableDefaultMainClientPrinter)                               \
	X(lan_adapter, LanAdapter)                                                                 \
	X(port, PortNumber)                                                                        \
	X(inherit_shadow, fInheritShadowSettings)                                                  \
	X(shadow, ShadowSettings)                                                                  \
	X(timeout_connection, TimeoutSettingsConnection)                                           \
	X(timeout_disconnection, TimeoutSettingsDisconnection)                                     \
	X(timeout_idle, TimeoutSettingsIdle)                                                       \
	X(security_layer, SecurityLayer)                                                           \
	X(min_encryption, MinEncryptionLevel)                                                      \
	X(user_authentication, UserAuthentication)

/* X(field, WindowsField, capacity in Windows characters) */
#define OWTS_LISTENER_STR(X)                                                                       \
	X(comment, Comment, 61)                                                                    \
	X(logon_user, LogonUserName, 21)                                                           \
	X(logon_domain, LogonDomain, 18)                                                           \
	X(work_dir, WorkDirectory, 261)                                                            \
	X(initial_program, InitialProgram, 261)

struct owts_listener
{
	uint32_t id; /* pseudo-session id (65536, 65537, ...) */
	char name[OWTS_LISTENER_NAME_MAX];
	char address[128]; /* bound address; "" = wtsd's default */
#define OWTS_LISTENER_FIELD(f, w) uint32_t f;
	OWTS_LISTENER_U32(OWTS_LISTENER_FIELD)
#undef OWTS_LISTENER_FIELD
	/* UTF-8, sized for the Windows field's characters at up to 4 bytes each. */
	char comment[4 * 61];
	char logon_user[4 * 21];
	char logon_domain[4 * 18];
	char work_dir[4 * 261];
	char initial_program[4 * 261];
};

void owts_listener_write(struct owts_writer *w, const struct owts_listener *l);
/* Reads a listener; the reader goes bad on malformed input. */
void owts_listener_read(struct owts_reader *r, struct owts_listener *l);
/* A listener name is 1..32 characters, none of them a control character, '\\' or '/'. */
int owts_listener_name_ok(const char *name);

#endif /* OWTS_LISTENER_H */
