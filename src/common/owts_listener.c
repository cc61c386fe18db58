/*
 * owts_listener.c — wire codec of listener records (see owts_listener.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "owts_listener.h"
#include "owts_utf.h"

void owts_listener_write(struct owts_writer *w, const struct owts_listener *l)
{
	owts_write_u32(w, l->id);
	owts_write_str(w, l->name);
	owts_write_str(w, l->address);
#define W32(f, win) owts_write_u32(w, l->f);
	OWTS_LISTENER_U32(W32)
#undef W32
#define WSTR(f, win, cap) owts_write_str(w, l->f);
	OWTS_LISTENER_STR(WSTR)
#undef WSTR
}

void owts_listener_read(struct owts_reader *r, struct owts_listener *l)
{
	memset(l, 0, sizeof(*l));
	l->id = owts_read_u32(r);
	owts_read_str(r, l->name, sizeof(l->name));
	owts_read_str(r, l->address, sizeof(l->address));
#define R32(f, win) l->f = owts_read_u32(r);
	OWTS_LISTENER_U32(R32)
#undef R32
#define RSTR(f, win, cap) owts_read_str(r, l->f, sizeof(l->f));
	OWTS_LISTENER_STR(RSTR)
#undef RSTR
}

int owts_listener_name_ok(const char *name)
{
	size_t units = owts_utf16_len(name);
	if (!name[0] || units > 32)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7F || *p == '\\' || *p == '/')
			return 0;
	return 1;
}
