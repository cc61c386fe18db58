/*
 * wtsd.h — the session host daemon's shared context and the pieces of its request path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_H
#define WTSD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "owts_wire.h"
#include "registry.h"

struct wtsd_config {
	const char *socket_path;
	const char *state_dir;
	const char *config_path;
	char admin_group[64]; /* members act on any session; "" = root only */
	bool foreground;
};

struct wtsd {
	struct wtsd_config cfg;
	struct wtsd_registry reg;
	gid_t admin_gid;      /* (gid_t)-1 if none */
	int listen_fd;
	int epoll_fd;
	int signal_fd;
	bool stopping;
};

/* Who sent a request: from SO_PEERCRED / SO_PEERGROUPS at accept. */
struct wtsd_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool privileged; /* root or member of the admin group */
};

/*
 * Handles one decoded request frame and writes the reply body into *reply (begun by the caller
 * with the request's op and id). Returns the Win32 status of the reply; on failure the caller
 * drops whatever body was written.
 */
uint32_t wtsd_dispatch(struct wtsd *d, const struct wtsd_peer *peer, const struct owts_frame *req,
                       struct owts_writer *reply);

/* Control socket (control.c). */
int wtsd_control_open(struct wtsd *d);
/* Handles readiness of fd (the listener or a client). */
void wtsd_control_event(struct wtsd *d, void *tag, uint32_t events);
void wtsd_control_close(struct wtsd *d);

/* Reads the config file (key = value lines). Returns 0 or -errno. */
int wtsd_config_load(struct wtsd_config *cfg);

#endif /* WTSD_H */
