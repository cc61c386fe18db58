/*
 * owts_client.c — the client side of one control exchange: connect to wtsd, send a request
 * frame, receive the reply frame (see owts_client.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "owts_client.h"
#include "owts_paths.h"

#define CALL_TIMEOUT_SEC 30

static int connect_daemon(int timeout_sec)
{
	const char *path = owts_socket_path();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct timeval tv = { .tv_sec = CALL_TIMEOUT_SEC };
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	tv.tv_sec = timeout_sec;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static int send_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Keeps the first descriptor an SCM_RIGHTS message carries in *passed (when passed is not NULL
 * and holds -1); closes every other one, so none leaks. */
static void take_fds(struct msghdr *mh, int *passed)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (passed && *passed < 0)
				*passed = fd;
			else
				close(fd);
		}
	}
}

/* Receives len bytes; descriptors passed with them go to take_fds. */
static int recv_all(int fd, uint8_t *buf, size_t len, int *passed)
{
	while (len) {
		union {
			struct cmsghdr align;
			char space[CMSG_SPACE(4 * sizeof(int))];
		} ctl;
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
			             .msg_controllen = sizeof(ctl.space) };
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n >= 0)
			take_fds(&mh, passed);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Receives one frame into a new buffer (and a descriptor sent with it into *passed). */
static int recv_frame(int fd, uint8_t **out, struct owts_frame *f, int *passed)
{
	uint8_t head[OWTS_FRAME_HEADER];
	int r = recv_all(fd, head, sizeof(head), passed);
	if (r < 0)
		return r;
	long total = owts_frame_length(head);
	if (total < 0)
		return (int)total;
	uint8_t *buf = malloc((size_t)(total > OWTS_FRAME_HEADER ? total : OWTS_FRAME_HEADER));
	if (!buf)
		return -ENOMEM;
	memcpy(buf, head, sizeof(head));
	if (total > OWTS_FRAME_HEADER) {
		r = recv_all(fd, buf + OWTS_FRAME_HEADER, (size_t)total - OWTS_FRAME_HEADER, passed);
		if (r < 0) {
			free(buf);
			return r;
		}
	}
	if (owts_frame_decode(buf, (size_t)total, f) != total) {
		free(buf);
		return -EBADMSG;
	}
	*out = buf;
	return 0;
}

/* owts_client_call, also taking the descriptor the reply carries (passed: NULL or -1). */
static int call(const uint8_t *req, size_t len, uint8_t **reply_buf, struct owts_frame *reply,
                int *passed)
{
	int fd = connect_daemon(CALL_TIMEOUT_SEC);
	if (fd < 0)
		return fd;
	int r = send_all(fd, req, len);
	if (r == 0)
		r = recv_frame(fd, reply_buf, reply, passed);
	close(fd);
	if (r == 0 && (reply->op != (uint16_t)(req[6] | req[7] << 8) ||
	               reply->id != (uint32_t)(req[8] | req[9] << 8 | req[10] << 16 |
	                                       (uint32_t)req[11] << 24))) {
		free(*reply_buf);
		*reply_buf = NULL;
		r = -EBADMSG;
	}
	if (r < 0 && passed && *passed >= 0) {
		close(*passed);
		*passed = -1;
	}
	return r;
}

int owts_client_call(const uint8_t *req, size_t len, uint8_t **reply_buf, struct owts_frame *reply)
{
	return call(req, len, reply_buf, reply, NULL);
}

int owts_client_request_fd(struct owts_writer *w, uint8_t **reply_buf, struct owts_frame *reply,
                           int *passed)
{
	const uint8_t *buf;
	size_t len;
	*passed = -1;
	int r = owts_writer_finish(w, &buf, &len);
	return r < 0 ? r : call(buf, len, reply_buf, reply, passed);
}

int owts_client_request(struct owts_writer *w, uint8_t **reply_buf, struct owts_frame *reply)
{
	const uint8_t *buf;
	size_t len;
	int r = owts_writer_finish(w, &buf, &len);
	return r < 0 ? r : owts_client_call(buf, len, reply_buf, reply);
}

int owts_client_open(void)
{
	return connect_daemon(0);
}

int owts_client_send(int fd, const uint8_t *req, size_t len)
{
	return send_all(fd, req, len);
}

int owts_client_recv(int fd, uint8_t **buf, struct owts_frame *f)
{
	return recv_frame(fd, buf, f, NULL);
}
