/*
 * noentry.c — a shared object that exports no VirtualChannelEntry(Ex): OpenWTSPluginHostLoad must
 * refuse it with ERROR_PROC_NOT_FOUND.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
int openwts_test_noentry(void);
int openwts_test_noentry(void)
{
	return 0;
}
