/*
 * openwts/provider.h — InitWtsApi, the WinPR provider entry point of libwtsapi32.
 *
 * WinPR's WTS* functions dispatch to a provider table. When WTSAPI_LIBRARY names
 * libwtsapi32.so, WinPR loads it and calls InitWtsApi, which returns a table holding every
 * function of the library; a program linked only to libwinpr2 then reaches OpenWTS. Programs
 * linked to libwtsapi32 call the functions directly and never need this.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_PROVIDER_H
#define OPENWTS_PROVIDER_H

#include <openwts/prologue.h>
#include <winpr/wtsapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns OpenWTS's complete function table (static storage; never NULL). */
PWtsApiFunctionTable CDECL InitWtsApi(void);

#ifdef __cplusplus
}
#endif

#endif /* OPENWTS_PROVIDER_H */
