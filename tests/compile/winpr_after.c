/*
 * winpr_after.c — WinPR's <winpr/wtsapi.h> included after OpenWTS's <wtsapi32.h> and
 * <cchannel.h> (and WinPR's <winpr/rpc.h> after <mstlsapi.h>), as happens when a Windows source
 * later includes a FreeRDP header.
 *
 * The later WinPR headers must change nothing: <winpr/wtsapi.h> is already guarded, and
 * <winpr/rpc.h> redefines RPC_S_OK and RPC_S_INVALID_ARG with exactly the tokens <mstlsapi.h>
 * used. The static assertions check that the OpenWTS corrections (CHANNEL_MAX_COUNT, Microsoft's
 * 6-parameter VirtualChannelInitEx, a working VCEXPORT) survived. winpr_before.c checks the
 * opposite order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <cchannel.h>
#include <wtsapi32.h>
#include <mstlsapi.h>
#include <winpr/wtsapi.h>
#include <winpr/rpc.h>

#define OPENWTS_WINPR_ORDER_FN openwts_winpr_after
#include "winpr_order_checks.h"
