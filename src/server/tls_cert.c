/*
 * tls_cert.c — the certificate of wtsd's RDP listener (see rdp.h).
 *
 * An administrator's certificate (--cert/--key, cert_file/key_file) is used as given. Without
 * one, wtsd makes its own on first start: an RSA 2048 key and a self-signed X.509 certificate
 * (SHA-256, CN = host name, ten years), written into the state directory with the key at mode
 * 0600 and each file put in place by rename, so a crash never leaves half a key. Clients see it
 * as untrusted; the SHA-256 fingerprint in the log is what an administrator compares with the
 * client's prompt.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <winpr/wlog.h>

#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.tls"

#define CERT_DAYS 3650

/* Writes what put() produces into path through path.tmp (mode) and a rename. 0 or -errno. */
static int write_pem(const char *path, mode_t mode, int (*put)(FILE *f, void *obj), void *obj)
{
	char tmp[1100];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	int ok = put(f, obj);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static int put_key(FILE *f, void *obj)
{
	return PEM_write_PrivateKey(f, obj, NULL, NULL, 0, NULL, NULL);
}

static int put_cert(FILE *f, void *obj)
{
	return PEM_write_X509(f, obj);
}

/* A self-signed certificate for pkey. NULL on failure. */
static X509 *make_cert(EVP_PKEY *pkey)
{
	X509 *x = X509_new();
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	char host[256] = "localhost";
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	bool ok = x && RAND_bytes(serial, sizeof(serial)) == 1;
	if (ok) {
		serial[0] &= 0x7f; /* positive */
		bn = BN_bin2bn(serial, sizeof(serial), NULL);
		ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	}
	X509_NAME *name = ok ? X509_get_subject_name(x) : NULL;
	ok = ok && X509_set_version(x, 2) && X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), (long)CERT_DAYS * 24 * 3600) &&
	     X509_set_pubkey(x, pkey) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (unsigned char *)host, -1, -1,
	                                0) &&
	     X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (unsigned char *)"OpenWTS", -1,
	                                -1, 0) &&
	     X509_set_issuer_name(x, name) && X509_sign(x, pkey, EVP_sha256()) > 0;
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int generate(const char *cert, const char *key)
{
	EVP_PKEY *pkey = EVP_RSA_gen(2048);
	X509 *x = pkey ? make_cert(pkey) : NULL;
	int r = x ? 0 : -EIO;
	if (r == 0)
		r = write_pem(key, 0600, put_key, pkey);
	if (r == 0)
		r = write_pem(cert, 0644, put_cert, x);
	X509_free(x);
	EVP_PKEY_free(pkey);
	if (r == 0)
		WLog_INFO(TAG, "generated a self-signed certificate %s (key %s)", cert, key);
	return r;
}

/* Logs the SHA-256 fingerprint of the certificate in path. 0 or -errno. */
static int log_fingerprint(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		WLog_ERR(TAG, "%s: not a PEM certificate", path);
		return -EINVAL;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	int ok = X509_digest(x, EVP_sha256(), md, &len);
	X509_free(x);
	if (!ok)
		return -EIO;
	char hex[EVP_MAX_MD_SIZE * 3 + 1];
	for (unsigned i = 0; i < len; i++)
		snprintf(hex + 3 * i, 4, "%02X%s", md[i], i + 1 < len ? ":" : "");
	WLog_INFO(TAG, "RDP certificate %s SHA-256 fingerprint %s", path, hex);
	return 0;
}

int wtsd_tls_cert_settle(const struct wtsd_config *cfg, char *cert, size_t cert_size, char *key,
                         size_t key_size)
{
	int r = 0;
	if (cfg->cert_file[0]) {
		if (snprintf(cert, cert_size, "%s", cfg->cert_file) >= (int)cert_size ||
		    snprintf(key, key_size, "%s", cfg->key_file) >= (int)key_size)
			return -ENAMETOOLONG;
		if (access(key, R_OK) < 0) {
			r = -errno;
			WLog_ERR(TAG, "key %s: %s", key, strerror(-r));
			return r;
		}
	} else {
		if (snprintf(cert, cert_size, "%s/tls.crt", cfg->state_dir) >= (int)cert_size ||
		    snprintf(key, key_size, "%s/tls.key", cfg->state_dir) >= (int)key_size)
			return -ENAMETOOLONG;
		if (access(cert, F_OK) < 0 || access(key, F_OK) < 0)
			r = generate(cert, key);
		if (r < 0) {
			WLog_ERR(TAG, "cannot generate a certificate in %s: %s", cfg->state_dir,
			         strerror(-r));
			return r;
		}
	}
	return log_fingerprint(cert);
}
