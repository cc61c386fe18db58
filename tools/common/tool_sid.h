/*
 * tool_sid.h — the users behind the SIDs of WTSEnumerateProcesses.
 *
 * OpenWTS maps Linux users to SIDs as Samba does: uid N is S-1-22-1-N, root is LocalSystem
 * (S-1-5-18) (docs/api/WTSEnumerateProcessesA.md). These functions turn such a SID back into the
 * user's name, as Windows' qprocess shows account names.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_SID_H
#define OPENWTS_TOOL_SID_H

#include <stdbool.h>
#include <stddef.h>

#include <windows.h>

/* Text form of a SID ("S-1-22-1-1000") in buf; false (buf "") for NULL or a malformed SID. */
bool tool_sid_format(PSID sid, char *buf, size_t size);

/*
 * The name of the user sid stands for: the passwd name of the uid (root for LocalSystem); the
 * uid in decimal for a uid with no passwd entry; otherwise the SID's text form. Written to buf,
 * which is returned.
 */
const char *tool_sid_user(PSID sid, char *buf, size_t size);

/* Text form of the SID of the calling process's effective user (same mapping). */
void tool_sid_current(char *buf, size_t size);

#endif /* OPENWTS_TOOL_SID_H */
