/*
 * rdp_disp.h — the display control channel of one RDP connection (rdp_disp.c): client resizes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_RDP_DISP_H
#define WTSD_RDP_DISP_H

#include <stdbool.h>
#include <stdint.h>

#include <freerdp/freerdp.h>

struct wtsd_rdp_disp;

/*
 * Opens the display control channel on vcm (the dynamic virtual channel manager must be ready)
 * and sends the server's capabilities. wake (borrowed, must outlive the channel) is set
 * whenever the client asks for a new size. Peer thread. Returns NULL when the client has no
 * such channel or on failure.
 */
struct wtsd_rdp_disp *wtsd_rdp_disp_open(HANDLE vcm, rdpContext *context, HANDLE wake);
/* Takes the size the client asked for last, if any. Any thread. NULL: false. */
bool wtsd_rdp_disp_take(struct wtsd_rdp_disp *disp, uint32_t *width, uint32_t *height);
/* Closes the channel and stops its thread. NULL is a no-op. */
void wtsd_rdp_disp_close(struct wtsd_rdp_disp *disp);

#endif /* WTSD_RDP_DISP_H */
