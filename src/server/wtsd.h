/*
 * wtsd.h — the session host daemon's shared context and the pieces of its request path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_H
#define WTSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "owts_wire.h"
#include "registry.h"

#define WTSD_USER_MAP_MAX 64

/* How RDP passwords are checked (config "auth"). */
enum wtsd_auth {
	WTSD_AUTH_DEFAULT, /* SAM when a SAM file is configured, else PAM */
	WTSD_AUTH_SAM,     /* the WinPR SAM file only (NLA and TLS) */
	WTSD_AUTH_PAM,     /* PAM only: TLS security only, NLA is not offered */
	WTSD_AUTH_BOTH,    /* NLA against the SAM file; TLS: the SAM file, then PAM */
};

/* One "user_map = rdpuser:linuxuser" line: an RDP user name and the Linux account it logs on as. */
struct wtsd_user_map {
	char rdp_user[128];
	char linux_user[128];
};

struct wtsd_config {
	const char *socket_path;
	const char *state_dir;
	const char *config_path;
	char admin_group[64]; /* members act on any session; "" = root only */
	bool foreground;
	/* The RDP listener "RDP-Tcp" (rdp_listener.c); no listener while listen_addr is "". */
	char listen_addr[128]; /* host or address to bind, without brackets */
	uint16_t listen_port;
	char cert_file[1024]; /* TLS certificate (PEM); "" = generated in the state dir */
	char key_file[1024];  /* its private key (PEM) */
	char sam_file[1024];  /* WinPR SAM file (winpr-hash format) of RDP users */
	struct wtsd_user_map user_map[WTSD_USER_MAP_MAX];
	unsigned n_user_map;
	/* Session lifecycle (lifecycle.c, logoff.c). */
	char initial_program[1024]; /* command line run by /bin/sh -c at RDP logon; "" = none */
	bool logoff_on_exit;        /* the initial program's exit logs the session off */
	unsigned logoff_grace_ms;   /* SIGTERM → SIGKILL delay of a logoff */
	/* Authentication of RDP passwords (rdp_auth.c, rdp_pam.c). */
	enum wtsd_auth auth;       /* WTSD_AUTH_DEFAULT: SAM if sam_file is set, else PAM */
	char pam_service[64];      /* PAM service name; "" = "openwts" */
	char pam_confdir[1024];    /* PAM configuration directory; "" = /etc/pam.d (tests) */
	/* RDP-Tcp's limits, recorded in its listener configuration at start (rdp_listeners.c);
	 * every listener's own are enforced (rdp_limits.c). 0 = no limit. */
	unsigned max_connections;  /* connections at a time; a further one is refused */
	unsigned idle_timeout_s;   /* an Active session without input is disconnected after it */
	unsigned disconnect_timeout_s; /* a Disconnected RDP session is logged off after it */
};

struct wtsd_mainq;
struct wtsd_rdp;

struct wtsd {
	struct wtsd_config cfg;
	struct wtsd_registry reg;
	gid_t admin_gid;      /* (gid_t)-1 if none */
	int listen_fd;
	int epoll_fd;
	int signal_fd;
	bool stopping;
	struct wtsd_mainq *mainq; /* calls from RDP peer threads, run by the main loop (mainq.c) */
	struct wtsd_rdp *rdp;     /* the RDP listener and its peers, NULL without one */
};

/* Who sent a request: from SO_PEERCRED / SO_PEERGROUPS at accept. */
struct wtsd_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool privileged; /* root or member of the admin group */
	/* The request being handled (set by control.c for wtsd_control_defer). */
	void *client;
	uint16_t op;
	uint32_t id;
};

/*
 * Deferred replies: a handler that cannot answer yet (a wait for an event, a logoff with bWait)
 * calls wtsd_control_defer() and returns WTSD_STATUS_DEFERRED; later, from the main loop,
 * wtsd_control_complete() sends the reply. If the client goes away first, cancel(ctx, pending)
 * runs and the pending reply is freed: whoever keeps it must drop it there.
 */
#define WTSD_STATUS_DEFERRED 0xFFFFFFFFu
struct wtsd_pending;
typedef void (*wtsd_cancel_fn)(void *ctx, struct wtsd_pending *pending);
/* Returns NULL on allocation failure (the handler then fails with ERROR_NOT_ENOUGH_MEMORY). */
struct wtsd_pending *wtsd_control_defer(struct wtsd *d, const struct wtsd_peer *peer,
                                        wtsd_cancel_fn cancel, void *ctx);
/* Sends the reply (status and, if status is 0, body[0..len)) and frees pending. */
void wtsd_control_complete(struct wtsd *d, struct wtsd_pending *pending, uint32_t status,
                           const void *body, size_t len);
/* wtsd_control_complete whose reply also carries fd (SCM_RIGHTS) when status is 0. Takes
 * ownership of fd (-1: none): it is closed once sent, or at once when the reply fails. */
void wtsd_control_complete_fd(struct wtsd *d, struct wtsd_pending *pending, uint32_t status,
                              const void *body, size_t len, int fd);
/*
 * Sends a frame (status 0, the pending request's op and id, body[0..len)) without completing
 * pending: a stream of replies to one request (event subscriptions). Never frees the client; a
 * client whose socket failed is closed by the main loop later, and its cancel runs then.
 * Returns 0 or -errno.
 */
int wtsd_control_push(struct wtsd *d, struct wtsd_pending *pending, const void *body, size_t len);

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
/* Parses "ADDR:PORT" ("[v6addr]:PORT" for IPv6) into cfg->listen_addr/listen_port. 0 or -EINVAL. */
int wtsd_config_set_listen(struct wtsd_config *cfg, const char *value);
/* Parses "rdpuser:linuxuser" and appends it to cfg->user_map. 0, -EINVAL or -ENOSPC. */
int wtsd_config_add_user_map(struct wtsd_config *cfg, const char *value);
/* Parses the logoff grace period in milliseconds (0 … 600000). 0 or -EINVAL. */
int wtsd_config_set_grace(struct wtsd_config *cfg, const char *value);
/* Parses "sam", "pam" or "both" into cfg->auth. 0 or -EINVAL. */
int wtsd_config_set_auth(struct wtsd_config *cfg, const char *value);
/* Parses a count or a number of seconds (0 … 10000000) into *out. 0 or -EINVAL. */
int wtsd_config_set_uint(unsigned *out, const char *value);
/* The authentication mode in effect (WTSD_AUTH_DEFAULT resolved). */
enum wtsd_auth wtsd_config_auth(const struct wtsd_config *cfg);
/* Copies value into a fixed config string field. 0 or -ENAMETOOLONG. */
int wtsd_config_set_path(char *field, size_t size, const char *value);

#endif /* WTSD_H */
