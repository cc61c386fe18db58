/*
 * owts_records.h — the records that cross the control socket: sessions and processes.
 *
 * The daemon owns the truth; the library turns these records into Windows structures (A or W).
 * Keeping the records flat and fixed-size (strings in char arrays sized for their Windows
 * field plus UTF-8 headroom) lets one decode function validate every length once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_RECORDS_H
#define OWTS_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "owts_wire.h"

#define OWTS_NO_UID      UINT32_MAX
#define OWTS_NAME_MAX    128 /* bytes of a user, domain, station or client name, with NUL */
#define OWTS_PATH_MAX    1024 /* bytes of a path or program line, with NUL */

/* Windows' fixed session ids. */
#define OWTS_SESSION_SERVICES 0u

struct owts_session {
	uint32_t id;
	uint32_t state;    /* WTS_CONNECTSTATE_CLASS */
	uint32_t uid;      /* logged-on Linux user, OWTS_NO_UID if nobody */
	uint16_t protocol; /* WTS_PROTOCOL_TYPE_* */
	uint32_t flags;    /* WTS_SESSIONSTATE_* (lock state) */
	char station[OWTS_NAME_MAX]; /* WinStation name: "Services", "Console", "RDP-Tcp#3", "" */
	char user[OWTS_NAME_MAX];
	char domain[OWTS_NAME_MAX];
	char initial_program[OWTS_PATH_MAX];
	char working_dir[OWTS_PATH_MAX];
	char client_name[OWTS_NAME_MAX];
	char client_dir[OWTS_PATH_MAX];
	uint32_t client_build;
	uint32_t client_hardware_id;
	uint16_t client_product_id;
	uint32_t client_af;       /* Windows AF_* number: 0, 2 (inet), 23 (inet6) */
	uint8_t client_addr[20];  /* WTS_CLIENT_ADDRESS.Address layout */
	uint32_t hres, vres, color_depth; /* WTS_CLIENT_DISPLAY */
	/* Times as Windows FILETIME (100 ns since 1601-01-01 UTC); 0 = never. */
	uint64_t logon_time, connect_time, disconnect_time, last_input_time;
	uint32_t in_bytes, out_bytes, in_frames, out_frames, in_cbytes, out_cbytes;
};

/* What session lists carry: enough for WTS_SESSION_INFO and WTS_SESSION_INFO_1. */
struct owts_session_brief {
	uint32_t id;
	uint32_t state;
	uint32_t uid;
	char station[OWTS_NAME_MAX];
	char user[OWTS_NAME_MAX];
	char domain[OWTS_NAME_MAX];
};

struct owts_process {
	uint32_t pid;
	uint32_t session_id;
	uint32_t uid;
	uint32_t threads;
	uint32_t handles;
	uint64_t pagefile, peak_pagefile, working_set, peak_working_set; /* bytes */
	uint64_t user_time, kernel_time; /* 100 ns units */
	char name[64];
};

void owts_session_write(struct owts_writer *w, const struct owts_session *s);
/* Reads a session; the reader goes bad on malformed input. */
void owts_session_read(struct owts_reader *r, struct owts_session *s);

/* The brief form of a session, for lists. */
void owts_session_brief_write(struct owts_writer *w, const struct owts_session *s);
void owts_session_brief_read(struct owts_reader *r, struct owts_session_brief *b);

/* level 0 writes the WTS_PROCESS_INFO fields, level 1 everything. */
void owts_process_write(struct owts_writer *w, const struct owts_process *p, uint32_t level);
void owts_process_read(struct owts_reader *r, struct owts_process *p, uint32_t level);

#endif /* OWTS_RECORDS_H */
