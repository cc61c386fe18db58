/*
 * mstlsapi.h — the Terminal Server licensing functions of Mstlsapi.dll (TLS*): connect to a
 * license server, read its certificate, enumerate its key packs and issued licenses.
 *
 * Microsoft ships no header for this API: its documentation tells callers to declare the
 * structures themselves and to load the DLL with LoadLibrary/GetProcAddress. This header declares
 * what the documentation publishes (reference §8), so ported code can delete its own copies and
 * either call the functions directly (link -lwtsapi32) or keep loading "mstlsapi.dll", which
 * OpenWTS installs as a name that resolves to the same library.
 *
 * Character width. The documentation writes TCHAR and LPTSTR, but the DLL exports one function per
 * name (no A/W pair), so the width is fixed by how the DLL was built, and Windows builds its
 * system DLLs as UNICODE. OpenWTS therefore fixes TCHAR to WCHAR (UTF-16LE) here, whether or not
 * the caller defines UNICODE: a char-built and a UNICODE-built caller share one structure layout
 * and one function, as they do on Windows.
 *
 * Names and values. Only what Microsoft publishes carries Microsoft's names: the LSERVER_*,
 * TLS_E_* and TLS_W_* codes, the LSLICENSE_SEARCH_* flags and LSKEYPACK_SEARCH_ALL. Microsoft
 * publishes no value for GUID_MAX_SIZE, MAXCOMPUTERNAMELENGTH and MAXUSERNAMELENGTH (the array
 * sizes in LSLicense), nor any macro for key-pack types, key-pack status or license status. Those
 * are OpenWTS choices and carry the OPENWTS_ prefix so they cannot be mistaken for Windows values;
 * the type and license-status values mirror the numbers the license server's WMI classes
 * (Win32_TSLicenseKeyPack.KeyPackType, Win32_TSIssuedLicense.LicenseStatus) document.
 *
 * Return convention of the DWORD functions: the return value is the transport status (RPC_S_OK when
 * the license server was reached, RPC_S_INVALID_ARG for a bad argument); the license server's own
 * result is then in *pdwErrCode (LSERVER_S_SUCCESS or one of the codes below).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_MSTLSAPI_H
#define OPENWTS_MSTLSAPI_H

#include <openwts/prologue.h>

#include <winpr/wtypes.h>
#include <winpr/error.h>

/* Transport status; same definitions as WinPR's <winpr/rpc.h>, so either may come first. */
#ifndef RPC_S_OK
#define RPC_S_OK ERROR_SUCCESS
#endif
#ifndef RPC_S_INVALID_ARG
#define RPC_S_INVALID_ARG ERROR_INVALID_PARAMETER
#endif

/* License server results in *pdwErrCode (Microsoft's documentation). Note that
 * LSERVER_E_SERVER_BUSY and TLS_E_ALLOCATE_HANDLE share the value 5007. */
#define LSERVER_S_SUCCESS          0
#define LSERVER_I_NO_MORE_DATA     4001 /* enumeration finished */
#define TLS_W_SELFSIGN_CERTIFICATE 4007 /* the server's certificate is self-signed */
#define TLS_W_TEMP_SELFSIGN_CERT   4009 /* the server's certificate is temporary, self-signed */
#define LSERVER_E_INTERNAL_ERROR   5001
#define TLS_E_ACCESS_DENIED        5003
#define LSERVER_E_INVALID_HANDLE   5005
#define LSERVER_E_INVALID_SEQUENCE 5006 /* Begin without End, or Next without Begin */
#define LSERVER_E_SERVER_BUSY      5007
#define TLS_E_ALLOCATE_HANDLE      5007 /* server busy */
#define LSERVER_E_OUTOFMEMORY      5008
#define LSERVER_E_INVALID_DATA     5009
#define TLS_E_NO_CERTIFICATE       5022

/* dwSearchParm of TLSLicenseEnumBegin: which LSLicense fields of the template must match. */
#define LSLICENSE_SEARCH_LICENSEID       0x00000001 /* dwLicenseId */
#define LSLICENSE_SEARCH_KEYPACKID       0x00000002 /* dwKeyPackId */
#define LSLICENSE_SEARCH_MACHINENAME     0x00000008 /* szMachineName */
#define LSLICENSE_SEARCH_USERNAME        0x00000010 /* szUserName */
#define LSLICENSE_SEARCH_ISSUEDATE       0x00000080 /* ftIssueDate */
#define LSLICENSE_SEARCH_EXPIREDATE      0x00000100 /* ftExpireDate */
#define LSLICENSE_SEARCH_NUMLICENSES     0x00000200
#define LSLICENSE_EXSEARCH_LICENSESTATUS 0x00100000 /* ucLicenseStatus */
#define LSLICENSE_SEARCH_ENTRY_STATUS    0x20000000

/* dwSearchParm meaning "everything"; the only value TLSKeyPackEnumBegin accepts, and also valid
 * for TLSLicenseEnumBegin. Microsoft publishes no other key-pack search flag. */
#define LSKEYPACK_SEARCH_ALL 0xFFFFFFFF

/*
 * OpenWTS choices for the array sizes of LSLicense, in WCHARs including the terminating NUL:
 * a GUID in text form without braces (36 characters), and 63 characters for a computer name (a
 * DNS host label) and for a user name.
 */
#define OPENWTS_GUID_MAX_SIZE         37
#define OPENWTS_MAXCOMPUTERNAMELENGTH 64
#define OPENWTS_MAXUSERNAMELENGTH     64

/* OpenWTS values of LSKeyPack.ucKeyPackType, as Win32_TSLicenseKeyPack.KeyPackType numbers them. */
#define OPENWTS_LSKEYPACKTYPE_UNKNOWN     0
#define OPENWTS_LSKEYPACKTYPE_RETAIL      1 /* retail purchase */
#define OPENWTS_LSKEYPACKTYPE_VOLUME      2 /* volume purchase */
#define OPENWTS_LSKEYPACKTYPE_CONCURRENT  3
#define OPENWTS_LSKEYPACKTYPE_TEMPORARY   4
#define OPENWTS_LSKEYPACKTYPE_OPEN        5 /* open license */
#define OPENWTS_LSKEYPACKTYPE_UNSUPPORTED 6

/* OpenWTS values of LSKeyPack.ucKeyPackStatus; no Windows numbering is published at all. */
#define OPENWTS_LSKEYPACKSTATUS_UNKNOWN 0
#define OPENWTS_LSKEYPACKSTATUS_ACTIVE  1 /* licenses can be issued from it */
#define OPENWTS_LSKEYPACKSTATUS_PENDING 2 /* installed, not yet activated */
#define OPENWTS_LSKEYPACKSTATUS_EXPIRED 3 /* past dwExpirationDate */
#define OPENWTS_LSKEYPACKSTATUS_REVOKED 4 /* withdrawn by the administrator */

/* OpenWTS values of LSLicense.ucLicenseStatus, as Win32_TSIssuedLicense.LicenseStatus numbers
 * them. */
#define OPENWTS_LSLICENSESTATUS_UNKNOWN    0
#define OPENWTS_LSLICENSESTATUS_TEMPORARY  1
#define OPENWTS_LSLICENSESTATUS_ACTIVE     2
#define OPENWTS_LSLICENSESTATUS_UPGRADED   3
#define OPENWTS_LSLICENSESTATUS_REVOKED    4
#define OPENWTS_LSLICENSESTATUS_PENDING    5
#define OPENWTS_LSLICENSESTATUS_CONCURRENT 6

/* A connection to one license server; NULL is no connection. */
typedef HANDLE TLS_HANDLE;

/*
 * A key pack: a purchase of licenses for one product, as Microsoft's documentation lists its
 * fields. Strings are NUL-terminated UTF-16. Natural alignment (Microsoft documents no packing);
 * the dates' encoding is the license service's, see its documentation.
 */
typedef struct _LSKeyPack
{
	DWORD dwVersion;
	UCHAR ucKeyPackType; /* OPENWTS_LSKEYPACKTYPE_* */
	WCHAR szCompanyName[256];
	WCHAR szKeyPackId[256];
	WCHAR szProductName[256];
	WCHAR szProductId[256];
	WCHAR szProductDesc[256];
	WORD wMajorVersion;
	WORD wMinorVersion;
	DWORD dwPlatformType;
	UCHAR ucLicenseType;
	DWORD dwLanguageId;
	UCHAR ucChannelOfPurchase;
	WCHAR szBeginSerialNumber[256];
	DWORD dwTotalLicenseInKeyPack;
	DWORD dwProductFlags;
	DWORD dwKeyPackId;     /* unique on the server; LSLicense.dwKeyPackId refers to it */
	UCHAR ucKeyPackStatus; /* OPENWTS_LSKEYPACKSTATUS_* */
	DWORD dwActivateDate;
	DWORD dwExpirationDate;
	DWORD dwNumberOfLicenses; /* licenses still available */
} LSKeyPack, *LPLSKeyPack;

/* A license issued to one client from a key pack. Same conventions as LSKeyPack. */
typedef struct _LSLicense
{
	DWORD dwVersion;
	DWORD dwLicenseId;
	DWORD dwKeyPackId;
	WCHAR szHWID[OPENWTS_GUID_MAX_SIZE]; /* client hardware id */
	WCHAR szMachineName[OPENWTS_MAXCOMPUTERNAMELENGTH];
	WCHAR szUserName[OPENWTS_MAXUSERNAMELENGTH];
	DWORD dwCertSerialLicense; /* reserved */
	DWORD dwLicenseSerialNumber;
	DWORD ftIssueDate; /* a DWORD despite the prefix */
	DWORD ftExpireDate;
	UCHAR ucLicenseStatus; /* OPENWTS_LSLICENSESTATUS_* */
} LSLicense, *LPLSLicense;


/* Layout OpenWTS commits to (x86-64 and i386 alike: no member needs more than 4-byte alignment). */
OPENWTS_STATIC_ASSERT(sizeof(WCHAR) == 2, "WCHAR must be UTF-16");
OPENWTS_STATIC_ASSERT(sizeof(LSKeyPack) == 3128, "LSKeyPack must be 3128 bytes");
OPENWTS_STATIC_ASSERT(sizeof(LSLicense) == 364, "LSLicense must be 364 bytes");

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Connects to the license server pszLsServer (a NetBIOS or DNS name; NULL = this machine).
 * Returns NULL on failure, with GetLastError. Every handle is released by TLSDisconnectFromServer.
 */
TLS_HANDLE WINAPI TLSConnectToLsServer(LPWSTR pszLsServer);

/* Closes hHandle, ending any enumeration still open on it. */
void WINAPI TLSDisconnectFromServer(TLS_HANDLE hHandle);

/*
 * Returns the server's signature certificate (bSignCert TRUE) or exchange certificate (FALSE) in
 * a buffer the function allocates (*ppbCertBlob, *lpdwCertBlobLen bytes). Microsoft does not
 * document how that buffer is freed; OpenWTS's rule is in docs/api/TLSGetServerCertificate.md.
 * *pdwErrCode: LSERVER_S_SUCCESS, TLS_W_SELFSIGN_CERTIFICATE, TLS_W_TEMP_SELFSIGN_CERT,
 * TLS_E_ACCESS_DENIED, TLS_E_ALLOCATE_HANDLE, TLS_E_NO_CERTIFICATE.
 */
DWORD WINAPI TLSGetServerCertificate(TLS_HANDLE hHandle, BOOL bSignCert, LPBYTE *ppbCertBlob,
                                     LPDWORD lpdwCertBlobLen, PDWORD pdwErrCode);

/*
 * Key-pack enumeration, one at a time per handle: Begin (dwSearchParm must be
 * LSKEYPACK_SEARCH_ALL; bMatchAll and *lpSearchParm select key packs), Next until *pdwErrCode is
 * LSERVER_I_NO_MORE_DATA, then End. Begin twice or Next without Begin give
 * LSERVER_E_INVALID_SEQUENCE; End on a bad handle gives LSERVER_E_INVALID_HANDLE.
 */
DWORD WINAPI TLSKeyPackEnumBegin(TLS_HANDLE hHandle, DWORD dwSearchParm, BOOL bMatchAll,
                                 LPLSKeyPack lpSearchParm, PDWORD pdwErrCode);
DWORD WINAPI TLSKeyPackEnumNext(TLS_HANDLE hHandle, LPLSKeyPack lpKeyPack, PDWORD pdwErrCode);
DWORD WINAPI TLSKeyPackEnumEnd(TLS_HANDLE hHandle, PDWORD pdwErrCode);

/*
 * License enumeration, same sequence as the key-pack one; dwSearchParm is an OR of
 * LSLICENSE_SEARCH_* naming the fields of *lpSearchParm to compare, or LSKEYPACK_SEARCH_ALL.
 */
DWORD WINAPI TLSLicenseEnumBegin(TLS_HANDLE hHandle, DWORD dwSearchParm, BOOL bMatchAll,
                                 LPLSLicense lpSearchParm, PDWORD pdwErrCode);
DWORD WINAPI TLSLicenseEnumNext(TLS_HANDLE hHandle, LPLSLicense lpLicense, PDWORD pdwErrCode);
DWORD WINAPI TLSLicenseEnumEnd(TLS_HANDLE hHandle, PDWORD pdwErrCode);

#ifdef __cplusplus
}
#endif

#endif /* OPENWTS_MSTLSAPI_H */
