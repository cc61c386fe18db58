/*
 * owts_error.h — the one conversion from errno (POSIX domain, `int r`) to Win32 error codes
 * (domain code, `DWORD err`). STYLE.md: r is always -errno, err always Win32.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_ERROR_H
#define OWTS_ERROR_H

#include <stdint.h>

/* Win32 codes used by OpenWTS that WinPR's headers may lack. */
#define OWTS_ERROR_CTX_WINSTATION_NOT_FOUND    7022u
#define OWTS_ERROR_CTX_WINSTATION_ACCESS_DENIED 7045u
#define OWTS_RPC_S_SERVER_UNAVAILABLE          1722u
#define OWTS_RPC_S_CALL_FAILED                 1726u
#define OWTS_RPC_S_PROTOCOL_ERROR              1728u

/* Maps errno (positive or negative) to a Win32 error code; 0 maps to ERROR_SUCCESS. */
uint32_t owts_errno_to_win32(int err);

#endif /* OWTS_ERROR_H */
