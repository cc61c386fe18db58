/*
 * tls_client.c — the Terminal Server licensing client (mstlsapi.h).
 *
 * The license service arrives in a later issue. Until then TLSConnectToLsServer fails with NULL
 * and ERROR_CALL_NOT_IMPLEMENTED, so no TLS_HANDLE ever exists, and the DWORD functions return
 * ERROR_CALL_NOT_IMPLEMENTED as their transport status without touching *pdwErrCode (the
 * two-level convention of reference §8: the return value says whether the call reached a
 * server at all).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <mstlsapi.h>

#include "wts_private.h"

WTS_EXPORT TLS_HANDLE WINAPI TLSConnectToLsServer(LPWSTR pszLsServer)
{
	(void)pszLsServer;
	return wts_fail_null(ERROR_CALL_NOT_IMPLEMENTED);
}

WTS_EXPORT void WINAPI TLSDisconnectFromServer(TLS_HANDLE hHandle)
{
	(void)hHandle; /* no handle can exist yet */
}

WTS_EXPORT DWORD WINAPI TLSGetServerCertificate(TLS_HANDLE hHandle, BOOL bSignCert,
                                                LPBYTE *ppbCertBlob, LPDWORD lpdwCertBlobLen,
                                                PDWORD pdwErrCode)
{
	(void)hHandle, (void)bSignCert, (void)ppbCertBlob, (void)lpdwCertBlobLen, (void)pdwErrCode;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

WTS_EXPORT DWORD WINAPI TLSKeyPackEnumBegin(TLS_HANDLE hHandle, DWORD dwSearchParm, BOOL bMatchAll,
                                            LPLSKeyPack lpSearchParm, PDWORD pdwErrCode)
{
	(void)hHandle, (void)dwSearchParm, (void)bMatchAll, (void)lpSearchParm, (void)pdwErrCode;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

WTS_EXPORT DWORD WINAPI TLSKeyPackEnumNext(TLS_HANDLE hHandle, LPLSKeyPack lpKeyPack,
                                           PDWORD pdwErrCode)
{
	(void)hHandle, (void)lpKeyPack, (void)pdwErrCode;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

WTS_EXPORT DWORD WINAPI TLSKeyPackEnumEnd(TLS_HANDLE hHandle, PDWORD pdwErrCode)
{
	(void)hHandle, (void)pdwErrCode;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

WTS_EXPORT DWORD WINAPI TLSLicenseEnumBegin(TLS_HANDLE hHandle, DWORD dwSearchParm,
                                            BOOL bMatchAll, LPLSLicense lpSearchParm,
                                            PDWORD pdwErrCode)
{
	(void)hHandle, (void)dwSearchParm, (void)bMatchAll, (void)lpSearchParm, (void)pdwErrCode;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

WTS_EXPORT DWORD WINAPI TLSLicenseEnumNext(TLS_HANDLE hHandle, LPLSLicense lpLicense,
                                           PDWORD pdwErrCode)
{
	(void)hHandle, (void)lpLicense, (void)pdwErrCode;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

WTS_EXPORT DWORD WINAPI TLSLicenseEnumEnd(TLS_HANDLE hHandle, PDWORD pdwErrCode)
{
	(void)hHandle, (void)pdwErrCode;
	return ERROR_CALL_NOT_IMPLEMENTED;
}
