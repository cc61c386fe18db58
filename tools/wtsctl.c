/*
 * wtsctl — OpenWTS administration: the requests of wtsd that have no Windows API.
 *
 *	wtsctl create-session UID [PROGRAM [ARG...]]
 *		creates a session for the Linux user UID (no RDP client: the session is
 *		WTSDisconnected) and, with PROGRAM, starts it in the session as that user.
 *		Prints "SESSION_ID PID" (PID 0 without a program).
 *	wtsctl spawn SESSION_ID PROGRAM [ARG...]
 *		starts PROGRAM as the session's user, inside the session. Prints the PID.
 *
 * Both need root or the admin group of wtsd. OPENWTS_SOCKET selects the daemon. The tool
 * speaks the control protocol through src/common; libwtsapi32 exports the Windows API only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owts_client.h"
#include "owts_error.h"
#include "owts_wire.h"

static int usage(void)
{
	fprintf(stderr, "usage: wtsctl create-session UID [PROGRAM [ARG...]]\n"
	                "       wtsctl spawn SESSION_ID PROGRAM [ARG...]\n");
	return 2;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > UINT32_MAX - 1)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Sends op with the id and argv; prints the reply. */
static int call(uint16_t op, uint32_t id, int argc, char **argv)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, op, 1, 0) < 0)
		return 1;
	owts_write_u32(&w, id);
	owts_write_u32(&w, (uint32_t)argc);
	for (int i = 0; i < argc; i++)
		owts_write_str(&w, argv[i]);
	uint8_t *rbuf = NULL;
	struct owts_frame f;
	int r = owts_client_request(&w, &rbuf, &f);
	owts_writer_free(&w);
	if (r < 0) {
		fprintf(stderr, "wtsctl: %s: %s\n", owts_op_name(op), strerror(-r));
		return 1;
	}
	int rc = 0;
	if (f.status) {
		fprintf(stderr, "wtsctl: %s failed: Windows error %u\n", owts_op_name(op),
		        f.status);
		rc = 1;
	} else {
		struct owts_reader rd;
		owts_reader_init(&rd, f.body, f.body_len);
		uint32_t session = owts_read_u32(&rd);
		uint32_t pid = owts_read_u32(&rd);
		if (!owts_reader_done(&rd)) {
			fprintf(stderr, "wtsctl: malformed reply\n");
			rc = 1;
		} else if (op == OWTS_OP_SESSION_CREATE) {
			printf("%u %u\n", session, pid);
		} else {
			printf("%u\n", pid);
		}
	}
	free(rbuf);
	return rc;
}

int main(int argc, char **argv)
{
	uint32_t id;
	if (argc >= 3 && strcmp(argv[1], "create-session") == 0 && parse_u32(argv[2], &id) == 0)
		return call(OWTS_OP_SESSION_CREATE, id, argc - 3, argv + 3);
	if (argc >= 4 && strcmp(argv[1], "spawn") == 0 && parse_u32(argv[2], &id) == 0)
		return call(OWTS_OP_SESSION_SPAWN, id, argc - 3, argv + 3);
	return usage();
}
