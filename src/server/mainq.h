/*
 * mainq.h — calls from other threads into wtsd's main loop.
 *
 * The registry, the store and the control socket belong to the main thread and take no locks.
 * A thread that needs them (an RDP peer) hands a function to the main loop with
 * wtsd_mainq_call() and sleeps until the loop has run it: every registry change still happens
 * on one thread, in the order the calls arrive.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_MAINQ_H
#define WTSD_MAINQ_H

#include <stdbool.h>
#include <stdint.h>

struct wtsd;

/* A function run on the main thread; its result is wtsd_mainq_call's. */
typedef int (*wtsd_mainq_fn)(struct wtsd *d, void *arg);

/* Creates the queue and adds its eventfd to d's epoll set. Main thread. Returns 0 or -errno. */
int wtsd_mainq_open(struct wtsd *d);

/* If tag is the queue's epoll tag, runs every queued call and returns true. Main thread. */
bool wtsd_mainq_event(struct wtsd *d, void *tag);

/* Runs every queued call now (shutdown, while waiting for peer threads). Main thread. */
void wtsd_mainq_run(struct wtsd *d);

/*
 * From any thread but the main one: queues fn(d, arg), wakes the main loop and waits until fn
 * has run. arg is borrowed for that time. Returns fn's result, or -ESHUTDOWN when the queue is
 * closed (fn then never runs).
 */
int wtsd_mainq_call(struct wtsd *d, wtsd_mainq_fn fn, void *arg);

/*
 * Closes the queue: pending calls fail with -ESHUTDOWN. Call after every thread that could
 * still call has ended. Main thread; a queue never opened is a no-op.
 */
void wtsd_mainq_close(struct wtsd *d);

#endif /* WTSD_MAINQ_H */
