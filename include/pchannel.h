/*
 * pchannel.h — the virtual channel protocol definitions of Windows' pchannel.h: CHANNEL_DEF,
 * CHANNEL_PDU_HEADER, the chunk and buffer sizes, CHANNEL_FLAG_* and CHANNEL_OPTION_*.
 *
 * Windows sources include this header unchanged (normally through <cchannel.h>). WinPR's
 * <winpr/wtsapi.h> already defines these names with Windows' values and layouts on Linux, and any
 * second definition of CHANNEL_DEF would clash with it. So this header includes WinPR's first --
 * its include guard then makes every later #include <winpr/wtsapi.h> empty, in whatever order a
 * source includes the two -- and afterwards only adds or corrects what differs from Windows:
 *   - CHANNEL_MAX_COUNT is 30 as in the Windows SDK (WinPR says 31, the protocol maximum);
 *   - CHANNEL_BUFFER_SIZE, which WinPR lacks.
 * The preprocessor checks below stop the build if a WinPR release ever changes a value that
 * Windows code relies on, and the static assertions pin the two structures' sizes.
 *
 * Differences from Windows that cannot be fixed here: WinPR declares CHANNEL_DEF without
 * #pragma pack(1), so its alignment is 4 instead of 1 (its size, 12, and an array's stride are the
 * same), and PCHANNEL_DEF is an ordinary rather than an UNALIGNED pointer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_PCHANNEL_H
#define OPENWTS_PCHANNEL_H

#include <openwts/prologue.h> /* -DUNICODE and <stdio.h> before WinPR */

#include <winpr/wtypes.h>
#include <winpr/wtsapi.h>

/* Windows SDK value (reference §4); WinPR uses 31, the most static channels RDP can carry. */
#undef CHANNEL_MAX_COUNT
#define CHANNEL_MAX_COUNT 30

/* Defined by Windows' pchannel.h (reference §4); WinPR lacks it. */
#ifndef CHANNEL_BUFFER_SIZE
#define CHANNEL_BUFFER_SIZE 65535
#endif

/* Values that come from WinPR; Windows code depends on every one of them. */
#if CHANNEL_CHUNK_LENGTH != 1600 || CHANNEL_NAME_LEN != 7
#error "WinPR's CHANNEL_CHUNK_LENGTH or CHANNEL_NAME_LEN differs from Windows"
#endif
#if CHANNEL_FLAG_MIDDLE != 0x00 || CHANNEL_FLAG_FIRST != 0x01 || CHANNEL_FLAG_LAST != 0x02 ||      \
    CHANNEL_FLAG_ONLY != 0x03 || CHANNEL_FLAG_SHOW_PROTOCOL != 0x10 ||                             \
    CHANNEL_FLAG_SUSPEND != 0x20 || CHANNEL_FLAG_RESUME != 0x40 ||                                 \
    CHANNEL_FLAG_SHADOW_PERSISTENT != 0x80 || CHANNEL_FLAG_FAIL != 0x100
#error "WinPR's CHANNEL_FLAG_* values differ from Windows"
#endif
#if CHANNEL_OPTION_INITIALIZED != 0x80000000 || CHANNEL_OPTION_ENCRYPT_RDP != 0x40000000 ||        \
    CHANNEL_OPTION_ENCRYPT_SC != 0x20000000 || CHANNEL_OPTION_ENCRYPT_CS != 0x10000000 ||          \
    CHANNEL_OPTION_PRI_HIGH != 0x08000000 || CHANNEL_OPTION_PRI_MED != 0x04000000 ||               \
    CHANNEL_OPTION_PRI_LOW != 0x02000000 || CHANNEL_OPTION_COMPRESS_RDP != 0x00800000 ||           \
    CHANNEL_OPTION_COMPRESS != 0x00400000 || CHANNEL_OPTION_SHOW_PROTOCOL != 0x00200000 ||         \
    CHANNEL_OPTION_REMOTE_CONTROL_PERSISTENT != 0x00100000
#error "WinPR's CHANNEL_OPTION_* values differ from Windows"
#endif

/* Wire and ABI sizes (reference §1): the PDU header precedes every chunk on the wire. */
OPENWTS_STATIC_ASSERT(sizeof(CHANNEL_DEF) == 12, "CHANNEL_DEF must be 12 bytes");
OPENWTS_STATIC_ASSERT(sizeof(CHANNEL_PDU_HEADER) == 8, "CHANNEL_PDU_HEADER must be 8 bytes");
OPENWTS_STATIC_ASSERT(CHANNEL_PDU_LENGTH == 1608, "CHANNEL_PDU_LENGTH must be 1608");

#endif /* OPENWTS_PCHANNEL_H */
