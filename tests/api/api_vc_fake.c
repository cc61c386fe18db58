/*
 * api_vc_fake.c — a fake wtsd for the channel tests (see api_vc_fake.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "api_vc_fake.h"

struct vc_fake fake = {.mu = PTHREAD_MUTEX_INITIALIZER, .peer = -1};

char vc_dir[64], vc_sock_path[128];

double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static bool recv_exact(int fd, uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = recv(fd, buf, len, 0);
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Sends the reply frame, with fd attached when fd >= 0. */
static void send_reply(int c, const uint8_t *frame, size_t len, int fd)
{
	union
	{
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {(void *)frame, len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		mh.msg_control = ctl.space;
		mh.msg_controllen = sizeof(ctl.space);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	(void)sendmsg(c, &mh, MSG_NOSIGNAL);
}

/* Answers one CHANNEL_OPEN request on connection c as configured in fake. */
static void serve(int c)
{
	uint8_t head[OWTS_FRAME_HEADER];
	if (!recv_exact(c, head, sizeof(head)))
		return;
	long total = owts_frame_length(head);
	if (total < OWTS_FRAME_HEADER)
		return;
	uint8_t *buf = malloc((size_t)total);
	memcpy(buf, head, sizeof(head));
	struct owts_frame f;
	if (!recv_exact(c, buf + sizeof(head), (size_t)total - sizeof(head)) ||
	    owts_frame_decode(buf, (size_t)total, &f) != total || f.op != OWTS_OP_CHANNEL_OPEN) {
		free(buf);
		return;
	}
	pthread_mutex_lock(&fake.mu);
	struct owts_reader r;
	owts_reader_init(&r, f.body, f.body_len);
	fake.req_session = owts_read_u32(&r);
	fake.req_flags = owts_read_u32(&r);
	owts_read_str(&r, fake.req_name, sizeof(fake.req_name));
	if (!owts_reader_done(&r))
		snprintf(fake.req_name, sizeof(fake.req_name), "<malformed>");
	fake.requests++;
	struct owts_writer w;
	owts_writer_begin(&w, OWTS_OP_CHANNEL_OPEN, (uint16_t)f.id, fake.status);
	int sv[2] = {-1, -1};
	if (fake.status == ERROR_SUCCESS) {
		owts_write_u32(&w, fake.session);
		owts_write_u32(&w, fake.flags);
		if (fake.mode != REPLY_SHORT)
			owts_write_u32(&w, fake.options);
		if (fake.mode != REPLY_NO_FD &&
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0)
			fake.peer = sv[0];
	}
	const uint8_t *out;
	size_t len;
	owts_writer_finish(&w, &out, &len);
	pthread_mutex_unlock(&fake.mu);
	send_reply(c, out, len, sv[1]);
	if (sv[1] >= 0)
		close(sv[1]);
	owts_writer_free(&w);
	free(buf);
}

static void *daemon_main(void *arg)
{
	int l = (int)(intptr_t)arg;
	for (;;) {
		int c = accept(l, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		serve(c);
		close(c);
	}
}

/* Sets what the next reply says. */
void fake_reply(uint32_t status, uint32_t flags, uint32_t options, enum reply_mode mode)
{
	pthread_mutex_lock(&fake.mu);
	fake.status = status;
	fake.session = 7;
	fake.flags = flags;
	fake.options = options;
	fake.mode = mode;
	pthread_mutex_unlock(&fake.mu);
}

int fake_requests(void)
{
	pthread_mutex_lock(&fake.mu);
	int n = fake.requests;
	pthread_mutex_unlock(&fake.mu);
	return n;
}

/* Takes the peer end of the channel the last reply carried. */
int take_peer(void)
{
	pthread_mutex_lock(&fake.mu);
	int p = fake.peer;
	fake.peer = -1;
	pthread_mutex_unlock(&fake.mu);
	assert_true(p >= 0);
	return p;
}

/* Opens a channel served by the fake: static (flags 0) or dynamic; *peer gets wtsd's end. */
HANDLE open_channel(const char *name, DWORD flags, uint32_t reply_flags, uint32_t options,
                    int *peer)
{
	fake_reply(ERROR_SUCCESS, reply_flags, options, REPLY_OK);
	SetLastError(SENTINEL);
	HANDLE h = WTSVirtualChannelOpenEx(WTS_CURRENT_SESSION, (LPSTR)name, flags);
	assert_non_null(h);
	assert_int_equal(GetLastError(), SENTINEL); /* left alone on success */
	*peer = take_peer();
	return h;
}

HANDLE open_static(int *peer)
{
	return open_channel("CHAN1", 0, 0, CHANNEL_OPTION_INITIALIZED | CHANNEL_OPTION_COMPRESS_RDP,
	                    peer);
}

HANDLE open_dynamic(int *peer)
{
	return open_channel("ECHO", WTS_CHANNEL_OPTION_DYNAMIC,
	                    OWTS_VC_F_DYNAMIC | OWTS_VC_F_SHOW_PROTOCOL, 0, peer);
}

void peer_send(int peer, uint32_t total, uint32_t flags, const void *data, size_t len)
{
	uint8_t pkt[OWTS_VC_HEADER + OWTS_VC_CHUNK];
	assert_true(len <= OWTS_VC_CHUNK);
	owts_vc_header_put(pkt, total, flags);
	if (len)
		memcpy(pkt + OWTS_VC_HEADER, data, len);
	assert_int_equal(send(peer, pkt, OWTS_VC_HEADER + len, MSG_NOSIGNAL),
	                 (ssize_t)(OWTS_VC_HEADER + len));
}

/* Receives one packet the library sent (5 s at most); returns its length. */
ssize_t peer_recv(int peer, uint8_t *buf, size_t cap)
{
	struct pollfd p = {.fd = peer, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 5000), 1);
	return recv(peer, buf, cap, 0);
}

bool peer_idle(int peer)
{
	struct pollfd p = {.fd = peer, .events = POLLIN};
	return poll(&p, 1, 0) == 0;
}

uint8_t pattern(size_t i, uint32_t seed)
{
	return (uint8_t)(i * 31u + seed * 7u + (i >> 8));
}

/* Number of open descriptors of this process. */
int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

int count_fds_settled(int want)
{
	/* The fake's thread may still be closing its end of the last exchange. */
	int n = count_fds();
	for (int i = 0; i < 200 && n != want; i++) {
		usleep(10000);
		n = count_fds();
	}
	return n;
}

int count_fds_stable(void)
{
	/* The fake's thread may still hold the connection of an earlier exchange: wait until the
	 * count has not moved for 60 ms (2 s at most). */
	int n = count_fds(), same = 0;
	for (int i = 0; i < 100 && same < 3; i++) {
		usleep(20000);
		int m = count_fds();
		same = m == n ? same + 1 : 0;
		n = m;
	}
	return n;
}

/* --- collecting the messages the library writes ------------------------------------------- */

static void *collect_main(void *arg)
{
	struct collect *c = arg;
	struct owts_vc_join j;
	owts_vc_join_init(&j);
	uint8_t *pkt = malloc(OWTS_VC_HEADER + OWTS_VC_SEGMENT + 1);
	c->ok = true;
	while (c->got < c->want) {
		struct pollfd p = {.fd = c->peer, .events = POLLIN};
		if (poll(&p, 1, 10000) != 1)
			break;
		ssize_t n = recv(c->peer, pkt, OWTS_VC_HEADER + OWTS_VC_SEGMENT + 1, 0);
		struct owts_vc_packet v;
		if (n <= 0 || owts_vc_parse(pkt, (size_t)n, &v) < 0 ||
		    (v.flags & OWTS_VC_CTL_MASK)) {
			c->ok = false;
			break;
		}
		if (!(v.flags & OWTS_VC_LAST) && v.len != OWTS_VC_SEGMENT)
			c->ok = false;
		c->packets++;
		const uint8_t *m;
		size_t len;
		int r = owts_vc_join_feed(&j, &v, &m, &len);
		if (r < 0) {
			c->ok = false;
			break;
		}
		if (r == 1) {
			c->msg[c->got] = malloc(len ? len : 1);
			memcpy(c->msg[c->got], m, len);
			c->len[c->got++] = len;
		}
	}
	owts_vc_join_free(&j);
	free(pkt);
	return NULL;
}

void collect_start(struct collect *c, pthread_t *t, int peer, int want)
{
	memset(c, 0, sizeof(*c));
	c->peer = peer;
	c->want = want;
	c->msg = calloc((size_t)want, sizeof(*c->msg));
	c->len = calloc((size_t)want, sizeof(*c->len));
	assert_int_equal(pthread_create(t, NULL, collect_main, c), 0);
}

void collect_free(struct collect *c)
{
	for (int i = 0; i < c->got; i++)
		free(c->msg[i]);
	free(c->msg);
	free(c->len);
}

void *delayed_main(void *arg)
{
	struct delayed *d = arg;
	sleep_ms(d->ms);
	if (d->sig)
		pthread_kill(d->target, SIGUSR1);
	else
		peer_send(d->peer, 4, OWTS_VC_FIRST | OWTS_VC_LAST, "late", 4);
	return NULL;
}

void on_usr1(int sig)
{
	(void)sig;
}

int vc_fake_setup(void **st)
{
	(void)st;
	snprintf(vc_dir, sizeof(vc_dir), "/tmp/owts-vc-XXXXXX");
	if (!mkdtemp(vc_dir))
		return -1;
	snprintf(vc_sock_path, sizeof(vc_sock_path), "%s/wtsd.sock", vc_dir);
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, vc_sock_path, strlen(vc_sock_path) + 1);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 16) < 0)
		return -1;
	setenv("OPENWTS_SOCKET", vc_sock_path, 1);
	pthread_t t;
	if (pthread_create(&t, NULL, daemon_main, (void *)(intptr_t)l) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}

int vc_fake_teardown(void **st)
{
	(void)st;
	unlink(vc_sock_path);
	rmdir(vc_dir);
	return 0;
}
