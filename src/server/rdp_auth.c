/*
 * rdp_auth.c — who an RDP user is: the password check against the WinPR SAM file and the map
 * from RDP user names to Linux accounts (see rdp.h).
 *
 * With NLA (CredSSP) FreeRDP's NTLM checks the password itself against the same SAM file
 * (settings->NtlmSamFile); wtsd_rdp_auth_password is for clients that log on over plain TLS
 * and send their password in the Client Info PDU. Both end in wtsd_rdp_auth_map: an account
 * must exist (WinPR's LogonUserA is never used: it accepts anything, DESIGN.md known traps) and
 * must not be root. wtsd_rdp_auth_check picks the SAM file, PAM (rdp_pam.c, real accounts) or
 * both, as the configuration's auth says.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>

#include <winpr/ntlm.h>
#include <winpr/sam.h>

#include "rdp.h"
#include "wtsd.h"

/* Constant-time comparison of two NT hashes. */
static bool hash_equal(const BYTE *a, const BYTE *b)
{
	unsigned diff = 0;
	for (int i = 0; i < 16; i++)
		diff |= (unsigned)(a[i] ^ b[i]);
	return diff == 0;
}

int wtsd_rdp_auth_password(const struct wtsd_config *cfg, const char *user, const char *domain,
                           const char *password)
{
	if (!cfg->sam_file[0] || !user || !*user || !password)
		return -EACCES;
	WINPR_SAM *sam = SamOpen(cfg->sam_file, TRUE);
	if (!sam)
		return -ENOENT;
	size_t ulen = strlen(user), dlen = domain ? strlen(domain) : 0;
	WINPR_SAM_ENTRY *e = NULL;
	if (dlen)
		e = SamLookupUserA(sam, (LPSTR)user, (UINT32)ulen, (LPSTR)domain, (UINT32)dlen);
	if (!e)
		e = SamLookupUserA(sam, (LPSTR)user, (UINT32)ulen, NULL, 0);
	BYTE hash[16];
	int r = -EACCES;
	if (e && NTOWFv1A((LPSTR)password, (UINT32)strlen(password), hash) &&
	    hash_equal(hash, e->NtHash))
		r = 0;
	memset(hash, 0, sizeof(hash));
	if (e)
		SamFreeEntry(sam, e);
	SamClose(sam);
	return r;
}

/* The Linux account name user logs on as (user_map, else the same name). */
static const char *account_of(const struct wtsd_config *cfg, const char *user)
{
	for (unsigned i = 0; i < cfg->n_user_map; i++)
		if (strcasecmp(cfg->user_map[i].rdp_user, user) == 0)
			return cfg->user_map[i].linux_user;
	return user;
}

int wtsd_rdp_auth_check(const struct wtsd_config *cfg, const char *user, const char *domain,
                        const char *password)
{
	if (!user || !*user || !password)
		return -EACCES;
	enum wtsd_auth mode = wtsd_config_auth(cfg);
	int r = -EACCES;
	if (mode == WTSD_AUTH_SAM || mode == WTSD_AUTH_BOTH)
		r = wtsd_rdp_auth_password(cfg, user, domain, password);
	if ((mode == WTSD_AUTH_PAM || mode == WTSD_AUTH_BOTH) && r != 0)
		r = wtsd_rdp_auth_pam(cfg, account_of(cfg, user), password);
	return r;
}

int wtsd_rdp_auth_map(const struct wtsd_config *cfg, const char *user, uid_t *uid)
{
	const char *account = account_of(cfg, user); /* Windows names are case-insensitive */
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwnam_r(account, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	if (pw.pw_uid == 0)
		return -EPERM;
	*uid = pw.pw_uid;
	return 0;
}
