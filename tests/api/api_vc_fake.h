/*
 * api_vc_fake.h — a fake wtsd for the tests of the app's side of server channels
 * (api_vchannel.c, api_vchannel_io.c). The real relay in wtsd is tested end to end elsewhere.
 *
 * vc_fake_setup() (a cmocka group setup) listens on a temp socket, points OPENWTS_SOCKET at it
 * and serves it in a thread: each connection's CHANNEL_OPEN frame is decoded with
 * owts_frame_decode/owts_reader and recorded in `fake`, and answered as `fake` says — the status,
 * and on success the reply body with one end of a socketpair(AF_UNIX, SOCK_SEQPACKET) by
 * SCM_RIGHTS. The other end ("the peer") waits in fake.peer for the test, which plays wtsd's relay
 * on it with the peer_* helpers and the collector.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef API_VC_FAKE_H
#define API_VC_FAKE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <windows.h>
#include <wtsapi32.h>

#include "api_common.h"
#include "owts_error.h"
#include "owts_vc.h"
#include "owts_wire.h"

#define SENTINEL 0xA5A5A5A5u
#define FORGED   ((HANDLE)0x12345678)

/* The call fails (NULL / FALSE) with last error e. */
#define EXPECT_NULL(call, e)                                                                       \
	do {                                                                                       \
		SetLastError(SENTINEL);                                                            \
		assert_null(call);                                                                 \
		assert_int_equal(GetLastError(), e);                                               \
	} while (0)
#define EXPECT_FALSE(call, e)                                                                      \
	do {                                                                                       \
		SetLastError(SENTINEL);                                                            \
		assert_false(call);                                                                \
		assert_int_equal(GetLastError(), e);                                               \
	} while (0)

enum reply_mode
{
	REPLY_OK,    /* as configured */
	REPLY_NO_FD, /* success without the socket */
	REPLY_SHORT  /* success with a body one field short */
};

/* The fake daemon's state (mu): what the next reply says, what the last request said. */
struct vc_fake
{
	pthread_mutex_t mu;
	uint32_t status, session, flags, options; /* the next reply */
	enum reply_mode mode;
	int requests;                    /* requests answered so far */
	uint32_t req_session, req_flags; /* the last request */
	char req_name[OWTS_VC_NAME_MAX + 8];
	int peer; /* our end of the last channel, for the test to take */
};
extern struct vc_fake fake;
extern char vc_dir[64], vc_sock_path[128];

int vc_fake_setup(void **st);
int vc_fake_teardown(void **st);

/* Sets what the next reply says (session 7). */
void fake_reply(uint32_t status, uint32_t flags, uint32_t options, enum reply_mode mode);
int fake_requests(void);
/* Takes the peer end of the channel the last reply carried. */
int take_peer(void);
/* Opens a channel served by the fake (checks the last error is left alone); *peer: wtsd's end. */
HANDLE open_channel(const char *name, DWORD flags, uint32_t reply_flags, uint32_t options,
                    int *peer);
/* "CHAN1", static, client options INITIALIZED|COMPRESS_RDP. */
HANDLE open_static(int *peer);
/* "ECHO", dynamic, shows the protocol. */
HANDLE open_dynamic(int *peer);

/* Sends one wtsd → app packet: header {total, flags} and data[0..len), len <= 1600. */
void peer_send(int peer, uint32_t total, uint32_t flags, const void *data, size_t len);
/* Receives one packet the library sent (5 s at most); returns its length. */
ssize_t peer_recv(int peer, uint8_t *buf, size_t cap);
/* True if nothing waits on the peer. */
bool peer_idle(int peer);

double now_s(void);
void sleep_ms(int ms);
uint8_t pattern(size_t i, uint32_t seed);
int count_fds(void);
/* count_fds once it equals want, or after 2 s whatever it is then. */
int count_fds_settled(int want);
/* count_fds once it has not changed for a moment (the baseline of a leak check). */
int count_fds_stable(void);

/* Collects `want` messages the library writes, in a thread: parses every packet with
 * owts_vc_parse and joins them with owts_vc_join; ok is false on any protocol error or a packet
 * but the last of a message that is not a full OWTS_VC_SEGMENT. */
struct collect
{
	int peer;
	int want;      /* messages to collect */
	int got;       /* messages collected */
	uint8_t **msg; /* copies */
	size_t *len;
	int packets; /* data packets seen */
	bool ok;
};
void collect_start(struct collect *c, pthread_t *t, int peer, int want);
void collect_free(struct collect *c);

/* A thread that sleeps ms, then sends "late" on peer, or SIGUSR1 to target when sig. */
struct delayed
{
	int peer;
	int ms;
	pthread_t target;
	bool sig;
};
void *delayed_main(void *arg);
/* An empty SIGUSR1 handler (installed without SA_RESTART). */
void on_usr1(int sig);

#endif /* API_VC_FAKE_H */
