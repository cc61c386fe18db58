/*
 * xresize.c — test helper: resizes the first top-level X window whose name starts with PREFIX
 * to WIDTH × HEIGHT (no window manager needed; none runs under xvfb-run), as a user dragging the
 * client window's edge would. e2e_session_data drives xfreerdp /dynamic-resolution with it.
 *
 *	xresize PREFIX WIDTH HEIGHT     exit 0 resized, 1 no such window, 2 usage or no display
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>

static Window find(Display *dpy, Window w, const char *prefix, int depth)
{
	char *name = NULL;
	if (XFetchName(dpy, w, &name) && name) {
		int hit = strncmp(name, prefix, strlen(prefix)) == 0;
		XFree(name);
		if (hit)
			return w;
	}
	Window root, parent, *kids = NULL, found = 0;
	unsigned n = 0;
	if (depth < 3 && XQueryTree(dpy, w, &root, &parent, &kids, &n)) {
		for (unsigned i = 0; i < n && !found; i++)
			found = find(dpy, kids[i], prefix, depth + 1);
		if (kids)
			XFree(kids);
	}
	return found;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	int w = (int)strtol(argv[2], NULL, 10), h = (int)strtol(argv[3], NULL, 10);
	Display *dpy = XOpenDisplay(NULL);
	if (!dpy || w <= 0 || h <= 0)
		return 2;
	Window win = find(dpy, DefaultRootWindow(dpy), argv[1], 0);
	if (win) {
		XResizeWindow(dpy, win, (unsigned)w, (unsigned)h);
		XSync(dpy, False);
	}
	XCloseDisplay(dpy);
	return win ? 0 : 1;
}
