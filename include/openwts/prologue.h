/*
 * openwts/prologue.h — what every OpenWTS public header does before it includes WinPR.
 *
 * - UNICODE: Windows builds pass -DUNICODE (a macro expanding to 1), but WinPR's
 *   <winpr/wtypes.h> declares a type named UNICODE, which "typedef ... 1;" breaks. Redefining
 *   UNICODE to expand to itself keeps #ifdef UNICODE true (selecting the W forms) and the typedef
 *   valid. It works when an OpenWTS header is the first to include <winpr/wtypes.h>, as Windows
 *   code includes <windows.h> or <wtsapi32.h> first.
 * - <stdio.h>: WinPR's headers use FILE without including it; under strict ISO C (-std=c11)
 *   nothing else declares it.
 *
 * Included by every public header; no include guard needed beyond its own.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_PROLOGUE_H
#define OPENWTS_PROLOGUE_H

#ifdef UNICODE
#undef UNICODE
#define UNICODE UNICODE
#endif

#include <stdio.h>

/* A compile-time check usable in C11, C++11 and older dialects (headers state the layouts they
 * commit to with it). */
#ifndef OPENWTS_STATIC_ASSERT
#if defined(__cplusplus) && __cplusplus >= 201103L
#define OPENWTS_STATIC_ASSERT(expr, message) static_assert(expr, message)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define OPENWTS_STATIC_ASSERT(expr, message) _Static_assert(expr, message)
#else
#define OPENWTS_STATIC_ASSERT(expr, message)                                                    \
	extern char openwts_static_assert_failed[(expr) ? 1 : -1]
#endif
#endif

#endif /* OPENWTS_PROLOGUE_H */
