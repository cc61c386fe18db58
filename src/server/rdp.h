/*
 * rdp.h — wtsd's RDP side: start-up and shutdown (rdp_listener.c), the sockets of "RDP-Tcp"
 * and every other listener (rdp_listeners.c), one thread per connection
 * (rdp_peer.c), the registry side of a connection (rdp_session.c, main thread only), logon
 * checks (rdp_auth.c, rdp_pam.c), counters and timeouts (rdp_limits.c), client resizes
 * (rdp_disp.c), the session desktop (rdp_desktop.c, rdp_font.c) and the TLS certificate
 * (tls_cert.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_RDP_H
#define WTSD_RDP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <freerdp/listener.h>
#include <freerdp/peer.h>

#include "owts_records.h"

struct wtsd;
struct wtsd_config;
struct wtsd_rdp_peer;

/* The listeners' connections. Created and freed by the main thread. */
struct wtsd_rdp
{
	struct wtsd *d;
	char cert_file[1024], key_file[1024]; /* what every connection uses */
	uint32_t next_connection;             /* N of the next "<listener>#N"; main thread */
	pthread_mutex_t lock;
	struct wtsd_rdp_peer *peers; /* live connections; guarded by lock */
	unsigned npeers;             /* guarded by lock */
};

/* --- rdp_listener.c (main thread) ------------------------------------------------------------ */

/* Records RDP-Tcp (wtsd_rdp_listeners_sync), opens every enabled listener with a port and arms
 * the limits' timer. Returns 0 or -errno (RDP-Tcp of --listen cannot listen: -EADDRNOTAVAIL). */
int wtsd_rdp_open(struct wtsd *d);
/* If tag is one of the listener's epoll tags, accepts connections and returns true. */
bool wtsd_rdp_event(struct wtsd *d, void *tag, uint32_t events);
/* Closes the listener, ends every connection (their sessions become WTSDisconnected), waits for
 * the peer threads. A listener never opened is a no-op. */
void wtsd_rdp_close(struct wtsd *d);

/* --- rdp_listeners.c (main thread): the listener store's listeners on the RDP side -------- */

struct wtsd_listener;
/* Records RDP-Tcp in the listener store from --listen and the configuration (address, port,
 * security, limits, initial program), or without --listen keeps the stored RDP-Tcp (limit
 * options that are not 0 replace its limits). Returns 0 or -errno. */
int wtsd_rdp_listeners_sync(struct wtsd *d);
/* Opens every stored listener that is enabled and has a port. RDP-Tcp of --listen that cannot
 * listen fails (-EADDRNOTAVAIL); other failures are logged (the listener stays stored). */
int wtsd_rdp_listeners_open(struct wtsd *d);
/* Opens l (enabled, with a port, not listening yet; else a no-op) on its address, else
 * RDP-Tcp's, else 127.0.0.1. Returns 0, -EADDRINUSE (cannot listen), -ENOSPC, -errno. */
int wtsd_rdp_listener_start(struct wtsd *d, const struct wtsd_listener *l);
/* Closes the socket of listener id (connections stay). No socket: no-op. */
void wtsd_rdp_listener_stop(struct wtsd *d, uint32_t id);
/* If tag is one of their epoll tags, accepts and returns true. */
bool wtsd_rdp_listeners_event(struct wtsd *d, void *tag);
void wtsd_rdp_listeners_close(struct wtsd *d);
/* The listener id that accepted connection (RDP-Tcp's when not recorded). */
uint32_t wtsd_rdp_connection_listener(uint32_t connection);
/* RDP-Tcp's listener id, 0 when there is none. */
uint32_t wtsd_rdp_tcp_listener(void);
/* True if listener_id's DACL grants uid (with its groups) every right of desired
 * (WTS_SECURITY_*). An unknown listener grants nothing. listener_ops.c. */
bool wtsd_listener_allows(struct wtsd *d, uint32_t listener_id, uint32_t uid, uint32_t desired);

/* --- rdp_peer.c --------------------------------------------------------------------------- */

/*
 * Serves client on a new thread as connection "RDP-Tcp#<connection>". Takes ownership of
 * client (freed on failure too). The peer is in rdp->peers until its thread ends. Main thread.
 * Returns 0 or -errno.
 */
int wtsd_rdp_peer_start(struct wtsd_rdp *rdp, freerdp_peer *client, uint32_t connection);
/* Asks every peer thread to end its connection (also one blocked in a handshake). Any thread. */
void wtsd_rdp_peers_stop(struct wtsd_rdp *rdp);
/* Asks the thread of connection "RDP-Tcp#<connection>" to end it; a connection that has ended
 * already is a no-op. Any thread. */
void wtsd_rdp_peer_stop(struct wtsd_rdp *rdp, uint32_t connection);

/* Tells the thread of connection "RDP-Tcp#<connection>" that it now serves session_id, whose
 * "DOMAIN\user" is user (WTSConnectSession; the registry has moved already). Any thread.
 * Returns 0 or -ENOENT. */
int wtsd_rdp_peer_switch(struct wtsd_rdp *rdp, uint32_t connection, uint32_t session_id,
                         const char *user);

struct wtsd_relay_open;
/* Hands op to the channel relay of connection "RDP-Tcp#<connection>" (relay.h says who owns op
 * then). Any thread. Returns 0, or -ENOENT when the connection has no relay (ended, ending). */
int wtsd_rdp_peer_channel_open(struct wtsd_rdp *rdp, uint32_t connection,
                               struct wtsd_relay_open *op);

/* --- rdp_session.c (functions for wtsd_mainq_call: run on the main thread) ------------------ */

/* What a connection knows about its client, for the session record. */
struct wtsd_rdp_client
{
	char name[OWTS_NAME_MAX];
	char dir[OWTS_PATH_MAX];
	uint32_t build;
	uint16_t product_id;
	uint32_t af;      /* Windows AF_* number */
	uint8_t addr[20]; /* WTS_CLIENT_ADDRESS.Address layout */
	uint32_t hres, vres;
	uint32_t color_depth; /* WTS_CLIENT_DISPLAY.ColorDepth code */
};

struct wtsd_rdp_logon
{
	/* in */
	uint32_t uid;
	uint32_t connection;
	struct wtsd_rdp_client client;
	/* out */
	uint32_t session_id;
	bool reconnected;
	char user[OWTS_NAME_MAX];
	char domain[OWTS_NAME_MAX];
	char station[OWTS_NAME_MAX]; /* "<listener>#N" */
};

/* Attaches the connection to the user's disconnected RDP session or creates one; the session
 * is WTSActive afterwards. arg: struct wtsd_rdp_logon. Returns 0 or -errno. */
int wtsd_rdp_session_logon(struct wtsd *d, void *arg);

struct wtsd_rdp_disconnect
{
	uint32_t session_id;
	uint32_t connection;
	bool broken; /* the connection ended by itself (not WTSDisconnectSession, a limit, a move):
	              * a listener with BrokenTimeoutSettings 1 then ends the session */
};
/* The connection ended: its session becomes WTSDisconnected (processes stay). arg: struct
 * wtsd_rdp_disconnect. Returns 0, or -ENOENT when the session moved on. */
int wtsd_rdp_session_disconnect(struct wtsd *d, void *arg);

/*
 * Detaches session_id from the connection that holds it (WTSDisconnectSession, a logoff): the
 * session is WTSDisconnected at once (disconnect time set, processes untouched, events
 * emitted) and the connection's thread is told to close; its own disconnect call then finds
 * nothing to do. Main thread. Returns 0, or -ENOENT when no connection holds the session.
 */
int wtsd_rdp_session_detach(struct wtsd *d, uint32_t session_id);
/*
 * WTSConnectSession: session_id takes the client connection of holder_id. A connection that held
 * session_id lets it go first (that client is disconnected); holder_id becomes WTSDisconnected,
 * session_id WTSActive with the connection's station and client data, each with its events; the
 * connection's thread then serves session_id. Main thread. Returns 0, -ENOENT when holder_id has
 * no connection or a session is gone, -errno.
 */
int wtsd_rdp_session_move(struct wtsd *d, uint32_t session_id, uint32_t holder_id);
/* True while a connection holds session_id. Main thread. */
bool wtsd_rdp_session_attached(uint32_t session_id);

/* Updates the display of the session a connection holds (client resize). arg: struct
 * wtsd_rdp_logon with session_id, connection and client.hres/vres/color_depth set. */
int wtsd_rdp_session_display(struct wtsd *d, void *arg);

/* The connection that holds session_id, UINT32_MAX if none. Main thread. */
uint32_t wtsd_rdp_session_holder(uint32_t session_id);
/* The listener of the connection that holds session_id or held it last (kept in memory while
 * the session lives); RDP-Tcp's for a session no connection has held since wtsd started. */
uint32_t wtsd_rdp_session_listener(uint32_t session_id);

/* --- rdp_limits.c (main thread) -------------------------------------------------------------- */

/* Traffic of a connection since it began, as the peer thread reports it (rdp_peer.c says what
 * each counter counts), and the time of its last keyboard or mouse input (FILETIME, 0: none). */
struct wtsd_rdp_stats
{
	uint32_t session_id;
	uint32_t connection;
	uint64_t in_bytes, out_bytes, in_frames, out_frames;
	uint64_t last_input;
};
/* Copies the counters and the last input time into the session the connection holds (not
 * stored). arg: struct wtsd_rdp_stats. For wtsd_mainq_call. Returns 0, or -ENOENT. */
int wtsd_rdp_session_stats(struct wtsd *d, void *arg);
/* Makes the timer of the idle and disconnect timeouts (armed by wtsd_rdp_limits_refresh).
 * Returns 0 or -errno. */
int wtsd_rdp_limits_open(struct wtsd *d);
/* Arms the once-a-second timer while some listener has TimeoutSettingsIdle or
 * TimeoutSettingsDisconnection, disarms it otherwise. After every change of a listener. */
void wtsd_rdp_limits_refresh(struct wtsd *d);
/* MaxConnectionCount of listener_id; 0 (and 0xFFFFFFFF, or an unknown listener): no limit. */
unsigned wtsd_rdp_limits_max_connections(struct wtsd *d, uint32_t listener_id);
/* If tag is the timer's epoll tag: disconnects idle sessions, logs off sessions disconnected
 * too long (each by the timeouts of its listener, wtsd_rdp_session_listener), returns true. */
bool wtsd_rdp_limits_event(struct wtsd *d, void *tag);
void wtsd_rdp_limits_close(struct wtsd *d);

/* --- rdp_auth.c (any thread: reads only the configuration) ---------------------------------- */

/* Checks password of user (domain may be NULL or "") against the SAM file. Returns 0, -EACCES
 * for a wrong password or unknown user, -errno. The password is never logged. */
int wtsd_rdp_auth_password(const struct wtsd_config *cfg, const char *user, const char *domain,
                           const char *password);
/*
 * Checks a password sent in the Client Info PDU (TLS logons) the way cfg->auth says: the SAM file
 * (wtsd_rdp_auth_password), PAM for the Linux account user maps to (wtsd_rdp_auth_pam), or the
 * SAM file first, then PAM. Returns 0, -EACCES for a refused logon, -errno. Never logs it.
 */
int wtsd_rdp_auth_check(const struct wtsd_config *cfg, const char *user, const char *domain,
                        const char *password);
/* Checks password of the Linux account through PAM (rdp_pam.c: pam_authenticate, then
 * pam_acct_mgmt; service cfg->pam_service in cfg->pam_confdir). Returns 0, -EACCES, -errno. */
int wtsd_rdp_auth_pam(const struct wtsd_config *cfg, const char *account, const char *password);
/* The Linux account an RDP user logs on as (user_map, else the same name). Root is refused.
 * Returns 0 with *uid, -ENOENT, -EPERM. */
int wtsd_rdp_auth_map(const struct wtsd_config *cfg, const char *user, uid_t *uid);

/* --- tls_cert.c (main thread, at start) --------------------------------------------------------
 */

/*
 * Settles the TLS certificate: the configured pair, or <state_dir>/tls.crt + tls.key, generated
 * (RSA 2048, self-signed, SHA-256) when missing. Logs the certificate's SHA-256 fingerprint.
 * Writes the paths used into cert/key. Returns 0 or -errno.
 */
int wtsd_tls_cert_settle(const struct wtsd_config *cfg, char *cert, size_t cert_size, char *key,
                         size_t key_size);

#endif /* WTSD_RDP_H */
