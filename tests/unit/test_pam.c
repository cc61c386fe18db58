/*
 * test_pam.c — wtsd's PAM check (src/server/rdp_pam.c) and the auth mode choice of rdp_auth.c,
 * against PAM stacks of the test's own in a temporary directory (pam_start_confdir): no real
 * account password is needed.
 *   permit   auth/account pam_permit            → accepted
 *   deny     auth pam_deny                       → refused
 *   acctdeny auth pam_permit, account pam_deny   → refused (pam_acct_mgmt is checked)
 *   exec     auth pam_exec expose_authtok, a script that compares the password it reads
 *            (then pam_deny on failure, as Debian's common-auth) → the right password
 *            accepted, a wrong one refused: the conversation hands PAM the password
 * and the configuration keys auth, max_connections, idle_timeout, disconnect_timeout.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "rdp.h"
#include "wtsd.h"

#define RIGHT "Right-pass.1"

static char dir[64];

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/openwts-pam.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	write_file("permit", "auth required pam_permit.so\naccount required pam_permit.so\n", 0644);
	write_file("deny", "auth required pam_deny.so\naccount required pam_permit.so\n", 0644);
	write_file("acctdeny", "auth required pam_permit.so\naccount required pam_deny.so\n", 0644);
	/* pam_exec writes the password and a NUL to the script's stdin. */
	write_file("check.sh", "#!/bin/sh\np=$(tr -d '\\000')\n[ \"$p\" = '" RIGHT "' ]\n", 0755);
	char exec[512];
	snprintf(exec, sizeof(exec),
	         "auth [success=1 default=ignore] pam_exec.so quiet expose_authtok %s/check.sh\n"
	         "auth requisite pam_deny.so\nauth required pam_permit.so\n"
	         "account required pam_permit.so\n",
	         dir);
	write_file("exec", exec, 0644);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void config(struct wtsd_config *cfg, const char *service)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->pam_confdir, sizeof(cfg->pam_confdir), "%s", dir);
	snprintf(cfg->pam_service, sizeof(cfg->pam_service), "%s", service);
}

static void test_permit_deny(void **state)
{
	(void)state;
	struct wtsd_config cfg;
	config(&cfg, "permit");
	assert_int_equal(wtsd_rdp_auth_pam(&cfg, "nobody", "anything"), 0);
	config(&cfg, "deny");
	assert_int_equal(wtsd_rdp_auth_pam(&cfg, "nobody", "anything"), -EACCES);
	config(&cfg, "acctdeny");
	assert_int_equal(wtsd_rdp_auth_pam(&cfg, "nobody", "anything"), -EACCES);
	/* No user, no password: refused before PAM. */
	config(&cfg, "permit");
	assert_int_equal(wtsd_rdp_auth_pam(&cfg, "", "x"), -EACCES);
	assert_int_equal(wtsd_rdp_auth_pam(&cfg, "nobody", NULL), -EACCES);
}

static void test_conversation(void **state)
{
	(void)state;
	struct wtsd_config cfg;
	config(&cfg, "exec");
	assert_int_equal(wtsd_rdp_auth_pam(&cfg, "nobody", RIGHT), 0);
	assert_int_equal(wtsd_rdp_auth_pam(&cfg, "nobody", "wrong"), -EACCES);
}

static void test_modes(void **state)
{
	(void)state;
	struct wtsd_config cfg;
	config(&cfg, "permit");
	/* No SAM file: the default is PAM. */
	assert_int_equal(wtsd_config_auth(&cfg), WTSD_AUTH_PAM);
	assert_int_equal(wtsd_rdp_auth_check(&cfg, "someone", NULL, "x"), 0);
	/* auth = sam without a usable SAM file refuses; both falls through to PAM. */
	assert_int_equal(wtsd_config_set_auth(&cfg, "sam"), 0);
	assert_int_equal(wtsd_rdp_auth_check(&cfg, "someone", NULL, "x"), -EACCES);
	assert_int_equal(wtsd_config_set_auth(&cfg, "BOTH"), 0);
	assert_int_equal(wtsd_config_auth(&cfg), WTSD_AUTH_BOTH);
	assert_int_equal(wtsd_rdp_auth_check(&cfg, "someone", NULL, "x"), 0);
	/* user_map: PAM sees the Linux account the RDP user maps to. */
	config(&cfg, "exec");
	assert_int_equal(wtsd_config_add_user_map(&cfg, "Rdp:nobody"), 0);
	assert_int_equal(wtsd_rdp_auth_check(&cfg, "rdp", NULL, RIGHT), 0);
	assert_int_equal(wtsd_rdp_auth_check(&cfg, "rdp", NULL, "wrong"), -EACCES);
	assert_int_equal(wtsd_config_set_auth(&cfg, "kerberos"), -EINVAL);
	/* A SAM file makes SAM the default. */
	snprintf(cfg.sam_file, sizeof(cfg.sam_file), "/nonexistent");
	cfg.auth = WTSD_AUTH_DEFAULT;
	assert_int_equal(wtsd_config_auth(&cfg), WTSD_AUTH_SAM);
}

static void test_limits_config(void **state)
{
	(void)state;
	unsigned v = 7;
	assert_int_equal(wtsd_config_set_uint(&v, "0"), 0);
	assert_int_equal(v, 0);
	assert_int_equal(wtsd_config_set_uint(&v, "3600"), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(wtsd_config_set_uint(&v, "-1"), -EINVAL);
	assert_int_equal(wtsd_config_set_uint(&v, "1x"), -EINVAL);
	assert_int_equal(wtsd_config_set_uint(&v, ""), -EINVAL);
	assert_int_equal(wtsd_config_set_uint(&v, "10000001"), -EINVAL);
	assert_int_equal(v, 3600);
	/* The keys through a file. */
	struct wtsd_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	write_file("wtsd.conf",
	           "auth = pam\npam_service = permit\nmax_connections = 2\nidle_timeout = 30\n"
	           "disconnect_timeout = 60\n",
	           0644);
	char path[128];
	snprintf(path, sizeof(path), "%s/wtsd.conf", dir);
	cfg.config_path = path;
	assert_int_equal(wtsd_config_load(&cfg), 0);
	assert_int_equal(cfg.auth, WTSD_AUTH_PAM);
	assert_string_equal(cfg.pam_service, "permit");
	assert_int_equal(cfg.max_connections, 2);
	assert_int_equal(cfg.idle_timeout_s, 30);
	assert_int_equal(cfg.disconnect_timeout_s, 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_permit_deny),
	    cmocka_unit_test(test_conversation),
	    cmocka_unit_test(test_modes),
	    cmocka_unit_test(test_limits_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
