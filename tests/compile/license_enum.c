/*
 * license_enum.c — a Terminal Server licensing sample written the way Windows code is: connects
 * to the license server of this machine and lists its key packs.
 *
 * It exists to prove that code using the TLS* functions compiles against OpenWTS's <mstlsapi.h>,
 * where on Windows it would declare LSKeyPack itself and load mstlsapi.dll. Note the two-level
 * result: the return value says whether the server was reached (RPC_S_OK), *pdwErrCode what the
 * server answered; the enumeration ends when the server answers LSERVER_I_NO_MORE_DATA.
 * Run, it needs a wtsd with its license service.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <stdio.h>
#include <mstlsapi.h>

/* Prints a NUL-terminated field of a key pack (always WCHAR, see mstlsapi.h) as UTF-8. */
static void PrintField(LPCSTR pszLabel, LPCWSTR pwszValue)
{
	char szValue[512];

	if (WideCharToMultiByte(CP_UTF8, 0, pwszValue, -1, szValue, (int)sizeof(szValue), NULL,
	                        NULL) <= 0)
		szValue[0] = '\0';
	printf("  %-14s %s\n", pszLabel, szValue);
}

static LPCSTR KeyPackTypeName(UCHAR ucType)
{
	switch (ucType) {
	case OPENWTS_LSKEYPACKTYPE_RETAIL:
		return "retail";
	case OPENWTS_LSKEYPACKTYPE_VOLUME:
		return "volume";
	case OPENWTS_LSKEYPACKTYPE_CONCURRENT:
		return "concurrent";
	case OPENWTS_LSKEYPACKTYPE_TEMPORARY:
		return "temporary";
	case OPENWTS_LSKEYPACKTYPE_OPEN:
		return "open";
	default:
		return "unknown";
	}
}

int main(void)
{
	TLS_HANDLE hServer;
	LSKeyPack keyPack;
	DWORD dwStatus;
	DWORD dwErrCode = LSERVER_S_SUCCESS;
	DWORD dwCount = 0;
	int nResult = 0;

	hServer = TLSConnectToLsServer(NULL);
	if (!hServer) {
		printf("TLSConnectToLsServer failed: error %u\n", GetLastError());
		return 1;
	}

	/* The search template is ignored when every key pack is requested. */
	ZeroMemory(&keyPack, sizeof(keyPack));
	dwStatus = TLSKeyPackEnumBegin(hServer, LSKEYPACK_SEARCH_ALL, FALSE, &keyPack, &dwErrCode);
	if (dwStatus != RPC_S_OK || dwErrCode != LSERVER_S_SUCCESS) {
		printf("TLSKeyPackEnumBegin failed: status %u, error %u\n", dwStatus, dwErrCode);
		TLSDisconnectFromServer(hServer);
		return 1;
	}

	for (;;) {
		ZeroMemory(&keyPack, sizeof(keyPack));
		dwStatus = TLSKeyPackEnumNext(hServer, &keyPack, &dwErrCode);
		if (dwStatus != RPC_S_OK) {
			printf("TLSKeyPackEnumNext failed: status %u\n", dwStatus);
			nResult = 1;
			break;
		}
		if (dwErrCode == LSERVER_I_NO_MORE_DATA)
			break;
		if (dwErrCode != LSERVER_S_SUCCESS) {
			printf("TLSKeyPackEnumNext failed: error %u\n", dwErrCode);
			nResult = 1;
			break;
		}

		dwCount++;
		printf("Key pack %u (%s)\n", keyPack.dwKeyPackId,
		       KeyPackTypeName(keyPack.ucKeyPackType));
		PrintField("Product:", keyPack.szProductDesc);
		PrintField("Product id:", keyPack.szProductId);
		PrintField("Company:", keyPack.szCompanyName);
		printf("  %-14s %u.%u\n", "Version:", keyPack.wMajorVersion, keyPack.wMinorVersion);
		printf("  %-14s %u of %u\n", "Available:", keyPack.dwNumberOfLicenses,
		       keyPack.dwTotalLicenseInKeyPack);
	}

	dwStatus = TLSKeyPackEnumEnd(hServer, &dwErrCode);
	if (dwStatus != RPC_S_OK || dwErrCode != LSERVER_S_SUCCESS) {
		printf("TLSKeyPackEnumEnd failed: status %u, error %u\n", dwStatus, dwErrCode);
		nResult = 1;
	}
	TLSDisconnectFromServer(hServer);

	printf("%u key pack(s).\n", dwCount);
	return nResult;
}
