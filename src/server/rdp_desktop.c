/*
 * rdp_desktop.c — the session desktop (see rdp_desktop.h).
 *
 * The picture is drawn into a BGRX32 framebuffer and sent as Bitmap Update PDUs, cut into 64×64
 * tiles: every RDP client decodes those, without the graphics pipeline or RemoteFX. A 32 bpp
 * client gets planar tiles (RLE), lower depths interleaved RLE tiles, both from libfreerdp's
 * codecs; a mostly flat desktop compresses to a few kilobytes. Tiles are batched so that one
 * update stays below the client's MultifragMaxRequestSize. Tile widths are rounded up to a
 * multiple of 4 as the codecs need; the framebuffer is padded to whole tiles so that reading
 * past the visible edge stays inside it, and destRight clips what the client draws.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/codec/color.h>
#include <freerdp/codec/interleaved.h>
#include <freerdp/codec/planar.h>
#include <freerdp/update.h>
#include <winpr/wlog.h>

#include "rdp_desktop.h"
#include "rdp_font.h"

#define TAG "openwts.wtsd.rdp.desktop"

#define TILE      64
#define TILE_MAX  (TILE * TILE * 4 + 1024) /* bytes of one encoded tile, worst case */
#define BATCH_MAX 64                       /* tiles per update (one more slot is kept) */
#define DIM_MAX   8192

#define COLOR_BACKGROUND 0x1F4E79u
#define COLOR_BAR        0x10273Du
#define COLOR_PANEL      0x2B6CA3u
#define COLOR_TEXT       0xFFFFFFu
#define COLOR_DIM        0xC8D8E8u

static uint32_t round_up(uint32_t v, uint32_t to)
{
	return (v + to - 1) / to * to;
}

void wtsd_desktop_fini(struct wtsd_desktop *dt)
{
	free(dt->pixels);
	free(dt->tiles);
	if (dt->planar)
		freerdp_bitmap_planar_context_free(dt->planar);
	if (dt->interleaved)
		bitmap_interleaved_context_free(dt->interleaved);
	memset(dt, 0, sizeof(*dt));
}

int wtsd_desktop_resize(struct wtsd_desktop *dt, uint32_t width, uint32_t height)
{
	if (width == 0 || height == 0 || width > DIM_MAX || height > DIM_MAX)
		return -EINVAL;
	uint32_t stride = round_up(width, TILE) * 4;
	uint8_t *pixels = calloc(round_up(height, TILE), stride);
	if (!pixels)
		return -ENOMEM;
	free(dt->pixels);
	dt->pixels = pixels;
	dt->width = width;
	dt->height = height;
	dt->stride = stride;
	return 0;
}

static void rect(struct wtsd_desktop *dt, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                 uint32_t color)
{
	for (uint32_t row = y; row < y + h && row < dt->height; row++) {
		uint8_t *p = dt->pixels + (size_t)row * dt->stride;
		for (uint32_t col = x; col < x + w && col < dt->width; col++)
			memcpy(p + (size_t)col * 4, &color, 4);
	}
}

/* The largest scale ≤ max at which text fits into width. */
static uint32_t fit(const char *text, uint32_t width, uint32_t max)
{
	uint32_t s = max;
	while (s > 1 && wtsd_font_width(text, s) > width)
		s--;
	return s;
}

static void text(struct wtsd_desktop *dt, uint32_t x, uint32_t y, uint32_t scale, uint32_t color,
                 const char *s)
{
	wtsd_font_draw(dt->pixels, dt->stride, dt->width, dt->height, (int)x, (int)y, scale, color,
	               s);
}

void wtsd_desktop_draw(struct wtsd_desktop *dt, const struct wtsd_desktop_info *info)
{
	uint32_t w = dt->width, h = dt->height;
	rect(dt, 0, 0, w, h, COLOR_BACKGROUND);
	/* Top bar: four blocks and the product name. */
	uint32_t bar = h >= 200 ? 48 : 24;
	rect(dt, 0, 0, w, bar, COLOR_BAR);
	uint32_t b = bar / 2 - 4;
	rect(dt, 8, 4, b, b, 0xE74C3Cu);
	rect(dt, 8 + b + 4, 4, b, b, 0x2ECC71u);
	rect(dt, 8, 8 + b, b, b, 0x3498DBu);
	rect(dt, 8 + b + 4, 8 + b, b, b, 0xF1C40Fu);
	text(dt, 2 * b + 24, (bar - 7 * (bar / 16)) / 2, bar / 16, COLOR_TEXT, "OpenWTS");
	/* Panel: host, session, user. */
	char lines[4][256];
	snprintf(lines[0], sizeof(lines[0]), "Host: %s", info->host);
	snprintf(lines[1], sizeof(lines[1]), "Session %u  %s", info->session_id, info->station);
	snprintf(lines[2], sizeof(lines[2]), "User: %s", info->user);
	snprintf(lines[3], sizeof(lines[3]), "%s", info->reconnected ? "Reconnected" : "Logged on");
	uint32_t margin = w / 10, scale = 4;
	for (int i = 0; i < 4; i++)
		scale = fit(lines[i], w > 2 * margin + 32 ? w - 2 * margin - 32 : 1, scale);
	uint32_t line_h = (WTSD_FONT_H + 4) * scale;
	uint32_t panel_h = 4 * line_h + 32;
	uint32_t top = h > panel_h + bar ? bar + (h - bar - panel_h) / 2 : bar;
	rect(dt, margin, top, w - 2 * margin, panel_h, COLOR_PANEL);
	for (int i = 0; i < 4; i++)
		text(dt, margin + 16, top + 16 + (uint32_t)i * line_h, scale,
		     i == 3 ? COLOR_DIM : COLOR_TEXT, lines[i]);
}

/* Creates the codec contexts and the tile buffer on first use. */
static bool prepare(struct wtsd_desktop *dt, rdpSettings *settings)
{
	if (!dt->tiles && !(dt->tiles = malloc((size_t)(BATCH_MAX + 1) * TILE_MAX)))
		return false;
	if (settings->ColorDepth == 32 && !dt->planar) {
		DWORD flags = PLANAR_FORMAT_HEADER_RLE;
		if (settings->DrawAllowSkipAlpha)
			flags |= PLANAR_FORMAT_HEADER_NA;
		dt->planar = freerdp_bitmap_planar_context_new(flags, TILE, TILE);
		return dt->planar != NULL;
	}
	if (settings->ColorDepth != 32 && !dt->interleaved)
		dt->interleaved = bitmap_interleaved_context_new(TRUE);
	return settings->ColorDepth == 32 || dt->interleaved != NULL;
}

/* Encodes the tile at x, y into slot. Returns false on a codec failure. */
static bool encode(struct wtsd_desktop *dt, uint32_t bpp, uint32_t x, uint32_t y, BYTE *slot,
                   BITMAP_DATA *b)
{
	uint32_t w = dt->width - x < TILE ? dt->width - x : TILE;
	uint32_t h = dt->height - y < TILE ? dt->height - y : TILE;
	uint32_t w4 = round_up(w, 4);
	UINT32 size = TILE_MAX;
	memset(b, 0, sizeof(*b));
	b->destLeft = x;
	b->destTop = y;
	b->destRight = x + w - 1;
	b->destBottom = y + h - 1;
	b->width = w4;
	b->height = h;
	b->compressed = TRUE;
	b->bitsPerPixel = bpp;
	if (bpp == 32) {
		const BYTE *src = dt->pixels + (size_t)y * dt->stride + (size_t)x * 4;
		if (!freerdp_bitmap_compress_planar(dt->planar, src, PIXEL_FORMAT_BGRX32, w4, h,
		                                    dt->stride, slot, &size))
			return false;
	} else if (!interleaved_compress(dt->interleaved, slot, &size, w4, h, dt->pixels,
	                                 PIXEL_FORMAT_BGRX32, dt->stride, x, y, NULL, bpp)) {
		return false;
	}
	b->bitmapDataStream = slot;
	b->bitmapLength = size;
	b->cbCompMainBodySize = size;
	b->cbScanWidth = w4 * ((bpp + 7) / 8);
	b->cbUncompressedSize = b->cbScanWidth * h;
	return true;
}

bool wtsd_desktop_send(struct wtsd_desktop *dt, rdpContext *context)
{
	rdpSettings *settings = context->settings;
	uint32_t bpp = settings->ColorDepth;
	if (bpp != 32 && bpp != 24 && bpp != 16 && bpp != 15) {
		WLog_WARN(TAG, "client color depth %u: desktop not drawn", bpp);
		return true;
	}
	if (!dt->pixels || !prepare(dt, settings))
		return false;
	/* Room for headers in each update; a tile alone always goes out. */
	uint32_t limit = settings->MultifragMaxRequestSize;
	limit = limit > 8192 ? limit - 4096 : 4096;
	BITMAP_DATA rects[BATCH_MAX];
	BITMAP_UPDATE update = {.rectangles = rects};
	uint32_t n = 0, bytes = 0;
	bool ok = true;
	for (uint32_t y = 0; ok && y < dt->height; y += TILE) {
		for (uint32_t x = 0; ok && x < dt->width; x += TILE) {
			BITMAP_DATA b;
			if (!encode(dt, bpp, x, y, dt->tiles + (size_t)n * TILE_MAX, &b)) {
				WLog_ERR(TAG, "cannot encode the tile at %u,%u", x, y);
				return false;
			}
			if (n > 0 && (n == BATCH_MAX || bytes + b.bitmapLength + 32 > limit)) {
				update.count = update.number = n;
				ok = context->update->BitmapUpdate(context, &update);
				/* The tile was encoded into slot n: move it to slot 0. */
				memmove(dt->tiles, dt->tiles + (size_t)n * TILE_MAX,
				        b.bitmapLength);
				b.bitmapDataStream = dt->tiles;
				n = bytes = 0;
			}
			rects[n++] = b;
			bytes += b.bitmapLength + 32;
		}
	}
	if (ok && n > 0) {
		update.count = update.number = n;
		ok = context->update->BitmapUpdate(context, &update);
	}
	if (!ok)
		WLog_WARN(TAG, "sending the desktop failed");
	return ok;
}
