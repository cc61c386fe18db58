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

#endif /* OPENWTS_PROLOGUE_H */
