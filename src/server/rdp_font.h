/*
 * rdp_font.h — a 5×7 bitmap font for the session desktop: digits, upper-case letters (lower
 * case is drawn as upper case) and common punctuation; anything else is drawn as '?'.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_RDP_FONT_H
#define WTSD_RDP_FONT_H

#include <stdint.h>

#define WTSD_FONT_W 5
#define WTSD_FONT_H 7

/* Pixels text occupies at scale (a cell is (5 + 1) × scale wide, the last gap excluded). */
uint32_t wtsd_font_width(const char *text, uint32_t scale);

/*
 * Draws UTF-8 text into a 32-bit framebuffer (pixels: width × height, stride bytes per row) at
 * x, y, each font pixel a scale × scale block of color (0x00RRGGBB). Clips at the edges.
 */
void wtsd_font_draw(uint8_t *pixels, uint32_t stride, uint32_t width, uint32_t height, int x, int y,
                    uint32_t scale, uint32_t color, const char *text);

#endif /* WTSD_RDP_FONT_H */
