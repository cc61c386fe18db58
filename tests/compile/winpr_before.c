/*
 * winpr_before.c — WinPR's <winpr/wtsapi.h> included before OpenWTS's <wtsapi32.h> and
 * <cchannel.h> (and WinPR's <winpr/rpc.h> before <mstlsapi.h>), as happens in code that uses
 * FreeRDP too.
 *
 * The OpenWTS headers then find WinPR's definitions already in place and must only add and
 * correct: this file compiles only if they do, and the static assertions check that the
 * corrections (CHANNEL_MAX_COUNT, Microsoft's 6-parameter VirtualChannelInitEx, a working
 * VCEXPORT) took effect. winpr_after.c checks the opposite order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h> /* under strict ISO C, WinPR's headers need FILE declared first */
#include <winpr/wtsapi.h>
#include <wtsapi32.h>
#include <cchannel.h>
#include <winpr/rpc.h>
#include <mstlsapi.h>

#define OPENWTS_WINPR_ORDER_FN openwts_winpr_before
#include "winpr_order_checks.h"
