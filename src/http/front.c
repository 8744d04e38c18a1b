/* HTTP and HTTPS on one port, told apart by the first byte (see front.h). */
#include "http/front.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "http/answer.h"

/* How long the loop sleeps at most: a stop request is seen within this. */
#define FRONT_TICK_MS 250
/* Connections taken from the listening socket per turn: the silent ones
 * already waiting still get their turn under a flood of new ones. */
#define ACCEPTS_PER_TURN 64
/* TLS's record type of a handshake (RFC 8446, 5.1): a ClientHello's first byte. */
#define TLS_HANDSHAKE_RECORD 0x16
/* Room for waiting connections at first; doubled as needed up to
 * max_connections (a full array is some 80 KiB per listening socket, resident
 * for good once touched). */
#define WAITING_ROOM_FIRST 16

struct waiting {
	int fd;
	bool counted; /* admitted and counted by the budget */
	int64_t accepted_ms;
	struct sockaddr_storage peer;
	socklen_t peer_length;
};

struct http_front {
	int listen_fd;
	struct MHD_Daemon *plain, *tls;
	struct http_connections *connections;
	struct daemon_context *context;
	int64_t timeout_ms;
	/* the connections whose first byte has not come, at most max_connections */
	struct waiting *waiting;
	size_t count, capacity, room; /* room: allocated, grown up to capacity */
	struct pollfd *polls; /* the listening socket, then one per waiting */
	/* out of descriptors: the listening socket, readable all the while, is
	 * polled again from then on, not at once in a loop */
	int64_t accept_again_ms;
	pthread_t thread;
	atomic_bool stopping;
};

/* An accepted socket: on Windows close() knows only the sockets the
 * program made (compat_win32.c), and would leave this one open. */
static void close_accepted(int fd)
{
#ifdef _WIN32
	compat_close_socket(fd);
#else
	close(fd);
#endif
}

static void drop(struct http_front *front, size_t i)
{
	struct waiting *w = &front->waiting[i];

	close_accepted(w->fd);
	if (w->counted)
		http_connections_release(front->connections, (struct sockaddr *)&w->peer);
	front->waiting[i] = front->waiting[--front->count];
}

static void hand_over(struct http_front *front, size_t i, bool tls)
{
	struct waiting w = front->waiting[i];
	struct MHD_Daemon *daemon = tls ? front->tls : front->plain;

	front->waiting[i] = front->waiting[--front->count];
	if (http_connections_hand_over(front->connections, w.fd, (struct sockaddr *)&w.peer,
				       w.counted, w.accepted_ms, tls) < 0) {
		close_accepted(w.fd);
		if (w.counted)
			http_connections_release(front->connections, (struct sockaddr *)&w.peer);
		return;
	}
	/* libmicrohttpd closes the socket when it fails, and says why in the log */
	if (MHD_add_connection(daemon, w.fd, (struct sockaddr *)&w.peer, w.peer_length) != MHD_YES)
		http_connections_take_back(front->connections, w.fd);
}

/* Makes room for one more waiting connection; false when it is full or
 * memory is short (the connection is then refused). */
static bool make_room(struct http_front *front)
{
	size_t room = front->room * 2;
	struct waiting *waiting;
	struct pollfd *polls;

	if (front->count < front->room)
		return true;
	if (front->room == front->capacity)
		return false;
	if (room > front->capacity)
		room = front->capacity;
	if ((waiting = realloc(front->waiting, room * sizeof *waiting)) == NULL)
		return false;
	front->waiting = waiting;
	if ((polls = realloc(front->polls, (room + 1) * sizeof *polls)) == NULL)
		return false;
	front->polls = polls;
	front->room = room;
	return true;
}

static void accept_new(struct http_front *front)
{
	for (int n = 0; n < ACCEPTS_PER_TURN; n++) {
		struct waiting w = {.peer_length = sizeof w.peer};
		int verdict;

#ifdef __linux__
		w.fd = accept4(front->listen_fd, (struct sockaddr *)&w.peer, &w.peer_length,
			       SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
		w.fd = accept(front->listen_fd, (struct sockaddr *)&w.peer, &w.peer_length);
#endif
		if (w.fd < 0) {
			/* EAGAIN: none left; out of descriptors: at the next tick */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				front->accept_again_ms = clock_monotonic_ms() + FRONT_TICK_MS;
			return;
		}
		verdict = http_connections_admit(front->connections, (struct sockaddr *)&w.peer);
		/* over the LAN's caps (logged), or no room left even for the till */
		if (verdict < 0 || !make_room(front)) {
			if (verdict > 0)
				http_connections_release(front->connections,
							 (struct sockaddr *)&w.peer);
			close_accepted(w.fd);
			continue;
		}
		w.counted = verdict > 0;
		w.accepted_ms = clock_monotonic_ms();
		front->waiting[front->count++] = w;
	}
}

/* A connection whose first byte never came within the request timeout. */
static void time_out(struct http_front *front, size_t i)
{
	char peer[ACCESS_ADDRESS_MAX];

	access_format_address((struct sockaddr *)&front->waiting[i].peer, peer, sizeof peer);
	http_connections_note_timeout(front->connections);
	answer_unanswered(front->context, peer, "-", OUTCOME_TIMEOUT,
			  "aucun octet reçu dans le délai (request_timeout_s) : connexion fermée");
	drop(front, i);
}

/* The first byte, peeked (left for the daemon to read): which daemon. */
static void classify(struct http_front *front, size_t i)
{
	unsigned char first;
	ssize_t got = recv(front->waiting[i].fd, (char *)&first, 1, MSG_PEEK);

	if (got == 1)
		hand_over(front, i, first == TLS_HANDSHAKE_RECORD);
	else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		drop(front, i); /* closed before a byte, as a port probe does: nothing to log */
}

static void *run(void *arg)
{
	struct http_front *front = arg;
	bool poll_failed = false;

	while (!atomic_load(&front->stopping)) {
		int64_t now = clock_monotonic_ms(), wait_ms = FRONT_TICK_MS;
		size_t polled = front->count;
		int ready;

		front->polls[0] = (struct pollfd){.fd = front->listen_fd, .events = POLLIN};
		if (now < front->accept_again_ms) {
			front->polls[0].events = 0;
			wait_ms = front->accept_again_ms - now;
		}
		for (size_t i = 0; i < polled; i++) {
			int64_t left = front->waiting[i].accepted_ms + front->timeout_ms - now;

			front->polls[i + 1] = (struct pollfd){.fd = front->waiting[i].fd, .events = POLLIN};
			if (left < wait_ms)
				wait_ms = left > 0 ? left : 0;
		}
		ready = poll(front->polls, (nfds_t)polled + 1, (int)wait_ms);
		if (ready < 0) {
			/* never the end of the port: said once, tried again each tick */
			if (errno != EINTR && !poll_failed) {
				poll_failed = true;
				rotlog_write(front->context->log, ROTLOG_ERROR,
					     "HTTP et HTTPS : attente des connexions en échec (%s)",
					     errno_text(errno));
			}
			clock_sleep_until_ms(now + FRONT_TICK_MS);
			continue;
		}
		now = clock_monotonic_ms();
		/* from the last: drop and hand_over move the last one into i */
		for (size_t i = polled; i-- > 0;) {
			if (front->polls[i + 1].revents != 0)
				classify(front, i);
			else if (now - front->waiting[i].accepted_ms >= front->timeout_ms)
				time_out(front, i);
		}
		if (front->polls[0].revents & POLLIN)
			accept_new(front);
	}
	while (front->count > 0)
		drop(front, front->count - 1);
	return NULL;
}

int http_front_start(struct http_front **out, int fd, struct MHD_Daemon *plain,
		     struct MHD_Daemon *tls, struct http_connections *connections,
		     struct daemon_context *context, char *err, size_t errlen)
{
	struct http_front *front = calloc(1, sizeof *front);
	int rc = -ENOMEM;

	*out = NULL;
	if (front == NULL)
		goto fail;
	front->listen_fd = fd;
	front->plain = plain;
	front->tls = tls;
	front->connections = connections;
	front->context = context;
	front->timeout_ms = (int64_t)context->config->request_timeout_s * 1000;
	front->capacity = context->config->max_connections;
#ifdef _WIN32
	/* compat_poll's select sets: the listening socket and FD_SETSIZE - 1 */
	if (front->capacity > FD_SETSIZE - 1)
		front->capacity = FD_SETSIZE - 1;
#endif
	front->room = front->capacity < WAITING_ROOM_FIRST ? front->capacity : WAITING_ROOM_FIRST;
	front->waiting = calloc(front->room, sizeof *front->waiting);
	front->polls = calloc(front->room + 1, sizeof *front->polls);
	if (front->waiting == NULL || front->polls == NULL)
		goto fail;
	atomic_init(&front->stopping, false);
	if ((rc = -pthread_create(&front->thread, NULL, run, front)) < 0)
		goto fail;
	*out = front;
	return 0;
fail:
	snprintf(err, errlen, "impossible de lancer l'accueil des connexions HTTP et HTTPS : %s",
		 errno_text(-rc));
	if (front != NULL) {
		free(front->waiting);
		free(front->polls);
		free(front);
	}
	return rc;
}

void http_front_stop(struct http_front *front)
{
	if (front == NULL)
		return;
	atomic_store(&front->stopping, true);
	pthread_join(front->thread, NULL);
	close(front->listen_fd);
	free(front->waiting);
	free(front->polls);
	free(front);
}
