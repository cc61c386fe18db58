/*
 * mainq.c — calls from other threads into the main loop (see mainq.h).
 *
 * A mutex-protected FIFO of calls, each living on its caller's stack, and an eventfd in the
 * main epoll set that says "the FIFO is not empty". The main thread takes one call at a time
 * off the FIFO, runs it without the lock held, stores the result and wakes the callers through
 * one condition variable. The caller cannot return before its call is done or failed, so a
 * stack-allocated call never dangles.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mainq.h"
#include "wtsd.h"

struct call
{
	struct call *next;
	wtsd_mainq_fn fn;
	void *arg;
	int result;
	bool done; /* guarded by wtsd_mainq.lock */
};

struct wtsd_mainq
{
	pthread_mutex_t lock;
	pthread_cond_t done;      /* signalled when any call completes */
	struct call *head, *tail; /* guarded by lock */
	bool closed;              /* guarded by lock */
	int efd;
};

int wtsd_mainq_open(struct wtsd *d)
{
	struct wtsd_mainq *q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		int r = -errno;
		free(q);
		return r;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->done, NULL);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = q};
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, q->efd, &ev) < 0) {
		int r = -errno;
		close(q->efd);
		free(q);
		return r;
	}
	d->mainq = q;
	return 0;
}

void wtsd_mainq_run(struct wtsd *d)
{
	struct wtsd_mainq *q = d->mainq;
	if (!q)
		return;
	uint64_t n;
	(void)!read(q->efd, &n, sizeof(n));
	for (;;) {
		pthread_mutex_lock(&q->lock);
		struct call *c = q->head;
		if (c) {
			q->head = c->next;
			if (!q->head)
				q->tail = NULL;
		}
		pthread_mutex_unlock(&q->lock);
		if (!c)
			return;
		int result = c->fn(d, c->arg);
		pthread_mutex_lock(&q->lock);
		c->result = result;
		c->done = true;
		pthread_cond_broadcast(&q->done);
		pthread_mutex_unlock(&q->lock);
	}
}

bool wtsd_mainq_event(struct wtsd *d, void *tag)
{
	if (!d->mainq || tag != d->mainq)
		return false;
	wtsd_mainq_run(d);
	return true;
}

int wtsd_mainq_call(struct wtsd *d, wtsd_mainq_fn fn, void *arg)
{
	struct wtsd_mainq *q = d->mainq;
	if (!q)
		return -ESHUTDOWN;
	struct call c = {.fn = fn, .arg = arg};
	pthread_mutex_lock(&q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return -ESHUTDOWN;
	}
	if (q->tail)
		q->tail->next = &c;
	else
		q->head = &c;
	q->tail = &c;
	uint64_t one = 1;
	(void)!write(q->efd, &one, sizeof(one));
	while (!c.done)
		pthread_cond_wait(&q->done, &q->lock);
	pthread_mutex_unlock(&q->lock);
	return c.result;
}

void wtsd_mainq_close(struct wtsd *d)
{
	struct wtsd_mainq *q = d->mainq;
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	for (struct call *c = q->head; c; c = c->next) {
		c->result = -ESHUTDOWN;
		c->done = true;
	}
	q->head = q->tail = NULL;
	pthread_cond_broadcast(&q->done);
	pthread_mutex_unlock(&q->lock);
	(void)epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, q->efd, NULL);
	close(q->efd);
	/* Every caller has ended (the contract): nobody waits on the lock or condition now. */
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->lock);
	free(q);
	d->mainq = NULL;
}
