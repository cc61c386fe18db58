/*
 * rdp_pam.c — password checks of real accounts through PAM (see rdp.h).
 *
 * wtsd authenticates a Linux account with the PAM service "openwts" (dist/pam.d/openwts:
 * common-auth and common-account), pam_authenticate then pam_acct_mgmt, so expired or locked
 * accounts are refused as at a console logon. The conversation answers every echo-off prompt
 * with the password and every echo-on prompt with the user name; it never logs either. Only
 * clients that log on over TLS reach this: their password arrives in the Client Info PDU. NLA
 * (CredSSP with FreeRDP's NTLM) needs the NT hash of the password, which PAM cannot give, so NLA
 * logons use the SAM file only (rdp_peer.c offers NLA only when a SAM file is used).
 *
 * pam_confdir (Linux-PAM 1.4 and later, pam_start_confdir) lets tests point wtsd at a
 * directory of their own service files (pam_permit, pam_deny) instead of /etc/pam.d.
 *
 * Runs on a peer thread: Linux-PAM handles are per call and the modules wtsd's default stack
 * uses (pam_unix) are thread-safe for separate handles.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>
#include <winpr/wlog.h>

#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp.pam"

struct conv_data
{
	const char *user;
	const char *password;
};

static void free_replies(struct pam_response *r, int n)
{
	for (int i = 0; i < n; i++) {
		if (r[i].resp) {
			memset(r[i].resp, 0, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
}

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *ctx)
{
	const struct conv_data *c = ctx;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		const char *answer = NULL;
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			answer = c->password;
			break;
		case PAM_PROMPT_ECHO_ON:
			answer = c->user;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			continue; /* nobody to show it to */
		default:
			free_replies(r, n);
			return PAM_CONV_ERR;
		}
		if (!(r[i].resp = strdup(answer))) {
			free_replies(r, n);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

int wtsd_rdp_auth_pam(const struct wtsd_config *cfg, const char *account, const char *password)
{
	if (!account || !*account || !password)
		return -EACCES;
	struct conv_data c = {account, password};
	struct pam_conv pc = {conv, &c};
	pam_handle_t *h = NULL;
	const char *service = cfg->pam_service[0] ? cfg->pam_service : "openwts";
	int e = pam_start_confdir(service, account, &pc,
	                          cfg->pam_confdir[0] ? cfg->pam_confdir : NULL, &h);
	if (e != PAM_SUCCESS) {
		WLog_ERR(TAG, "pam_start(\"%s\"): %s", service, pam_strerror(h, e));
		return -EIO;
	}
	e = pam_authenticate(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (e == PAM_SUCCESS)
		e = pam_acct_mgmt(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (e != PAM_SUCCESS)
		WLog_DBG(TAG, "PAM refused \"%s\": %s", account, pam_strerror(h, e));
	pam_end(h, e);
	switch (e) {
	case PAM_SUCCESS:
		return 0;
	case PAM_BUF_ERR:
		return -ENOMEM;
	case PAM_SYSTEM_ERR:
	case PAM_ABORT:
		return -EIO;
	default: /* PAM_AUTH_ERR, PAM_USER_UNKNOWN, PAM_ACCT_EXPIRED, PAM_NEW_AUTHTOK_REQD, … */
		return -EACCES;
	}
}
