/*
 * owts_records.c — wire form of struct owts_session and struct owts_process. The field order
 * here is the protocol: change it only with OWTS_PROTO_VERSION.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "owts_records.h"

void owts_session_write(struct owts_writer *w, const struct owts_session *s)
{
	owts_write_u32(w, s->id);
	owts_write_u32(w, s->state);
	owts_write_u32(w, s->uid);
	owts_write_u16(w, s->protocol);
	owts_write_u32(w, s->flags);
	owts_write_str(w, s->station);
	owts_write_str(w, s->user);
	owts_write_str(w, s->domain);
	owts_write_str(w, s->initial_program);
	owts_write_str(w, s->working_dir);
	owts_write_str(w, s->client_name);
	owts_write_str(w, s->client_dir);
	owts_write_u32(w, s->client_build);
	owts_write_u32(w, s->client_hardware_id);
	owts_write_u16(w, s->client_product_id);
	owts_write_u32(w, s->client_af);
	owts_write_bytes(w, s->client_addr, sizeof(s->client_addr));
	owts_write_u32(w, s->hres);
	owts_write_u32(w, s->vres);
	owts_write_u32(w, s->color_depth);
	owts_write_u64(w, s->logon_time);
	owts_write_u64(w, s->connect_time);
	owts_write_u64(w, s->disconnect_time);
	owts_write_u64(w, s->last_input_time);
	owts_write_u32(w, s->in_bytes);
	owts_write_u32(w, s->out_bytes);
	owts_write_u32(w, s->in_frames);
	owts_write_u32(w, s->out_frames);
	owts_write_u32(w, s->in_cbytes);
	owts_write_u32(w, s->out_cbytes);
}

void owts_session_read(struct owts_reader *r, struct owts_session *s)
{
	memset(s, 0, sizeof(*s));
	s->id = owts_read_u32(r);
	s->state = owts_read_u32(r);
	s->uid = owts_read_u32(r);
	s->protocol = owts_read_u16(r);
	s->flags = owts_read_u32(r);
	owts_read_str(r, s->station, sizeof(s->station));
	owts_read_str(r, s->user, sizeof(s->user));
	owts_read_str(r, s->domain, sizeof(s->domain));
	owts_read_str(r, s->initial_program, sizeof(s->initial_program));
	owts_read_str(r, s->working_dir, sizeof(s->working_dir));
	owts_read_str(r, s->client_name, sizeof(s->client_name));
	owts_read_str(r, s->client_dir, sizeof(s->client_dir));
	s->client_build = owts_read_u32(r);
	s->client_hardware_id = owts_read_u32(r);
	s->client_product_id = owts_read_u16(r);
	s->client_af = owts_read_u32(r);
	owts_read_bytes(r, s->client_addr, sizeof(s->client_addr));
	s->hres = owts_read_u32(r);
	s->vres = owts_read_u32(r);
	s->color_depth = owts_read_u32(r);
	s->logon_time = owts_read_u64(r);
	s->connect_time = owts_read_u64(r);
	s->disconnect_time = owts_read_u64(r);
	s->last_input_time = owts_read_u64(r);
	s->in_bytes = owts_read_u32(r);
	s->out_bytes = owts_read_u32(r);
	s->in_frames = owts_read_u32(r);
	s->out_frames = owts_read_u32(r);
	s->in_cbytes = owts_read_u32(r);
	s->out_cbytes = owts_read_u32(r);
}

void owts_session_brief_write(struct owts_writer *w, const struct owts_session *s)
{
	owts_write_u32(w, s->id);
	owts_write_u32(w, s->state);
	owts_write_u32(w, s->uid);
	owts_write_str(w, s->station);
	owts_write_str(w, s->user);
	owts_write_str(w, s->domain);
}

void owts_session_brief_read(struct owts_reader *r, struct owts_session_brief *b)
{
	b->id = owts_read_u32(r);
	b->state = owts_read_u32(r);
	b->uid = owts_read_u32(r);
	owts_read_str(r, b->station, sizeof(b->station));
	owts_read_str(r, b->user, sizeof(b->user));
	owts_read_str(r, b->domain, sizeof(b->domain));
}

void owts_process_write(struct owts_writer *w, const struct owts_process *p, uint32_t level)
{
	owts_write_u32(w, p->pid);
	owts_write_u32(w, p->session_id);
	owts_write_u32(w, p->uid);
	owts_write_str(w, p->name);
	if (level < 1)
		return;
	owts_write_u32(w, p->threads);
	owts_write_u32(w, p->handles);
	owts_write_u64(w, p->pagefile);
	owts_write_u64(w, p->peak_pagefile);
	owts_write_u64(w, p->working_set);
	owts_write_u64(w, p->peak_working_set);
	owts_write_u64(w, p->user_time);
	owts_write_u64(w, p->kernel_time);
}

void owts_process_read(struct owts_reader *r, struct owts_process *p, uint32_t level)
{
	memset(p, 0, sizeof(*p));
	p->pid = owts_read_u32(r);
	p->session_id = owts_read_u32(r);
	p->uid = owts_read_u32(r);
	owts_read_str(r, p->name, sizeof(p->name));
	if (level < 1)
		return;
	p->threads = owts_read_u32(r);
	p->handles = owts_read_u32(r);
	p->pagefile = owts_read_u64(r);
	p->peak_pagefile = owts_read_u64(r);
	p->working_set = owts_read_u64(r);
	p->peak_working_set = owts_read_u64(r);
	p->user_time = owts_read_u64(r);
	p->kernel_time = owts_read_u64(r);
}
