/* The load loop: options->connections slots on one epoll, each sending the
 * mix's next request, reading its answer(s) and checking them (check.c). A
 * slot keeps its connection alive between requests; a request that needs a
 * connection of its own (malformed, cut short) gets one while the kept one
 * is parked. Bounded by the request count and by max_seconds. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "soakgen.h"

#define SCHEDULE_MAX 4096
#define HEAD_MAX (64 * 1024)
/* bodies beyond this are counted, not kept (today's log) */
#define KEEP_MAX (256 * 1024)
#define REQUESTS_PER_CONNECTION 100
#define TRICKLE_PERIOD_MS 300
/* Requests cut short, and slowloris, at a time: each holds a connection
 * until the server cuts it, and the daemon gives one LAN address 32. */
#define CUT_MAX 3
#define SLOW_MAX 2
/* A parked connection idle longer than this is closed rather than reused:
 * the daemon cuts a kept-alive connection request_timeout_s after its last
 * answer (README, Settings), and the soak sets that low. */
#define PARKED_MAX_MS 500

enum slot_state {
	SLOT_IDLE,
	SLOT_CONNECTING,
	SLOT_SENDING,
	SLOT_READING,   /* answers expected */
	SLOT_AWAIT_EOF, /* the server closes: nothing more may come */
	SLOT_TRICKLING,
};

struct slot {
	int fd, parked_fd; /* parked: the kept-alive connection, unpolled */
	unsigned target, uses, parked_uses;
	int64_t parked_ms;
	enum slot_state state;
	const struct kind *kind;
	struct kind_tally *kind_tally;
	char *out; /* the request's bytes (owned by the request table) */
	size_t out_length, out_done;
	int64_t deadline_ms, next_ms;
	unsigned responses_left, trickled;
	bool server_closes, failed;
	/* the answer being read */
	char *in;
	size_t in_length, in_cap;
	bool have_head;
	struct response head;
	uint64_t body_expected, discard_left;
	char last_byte;
};

struct loop {
	const struct options *options;
	struct tally *tally;
	int epoll;
	struct slot *slots;
	const struct kind *schedule[SCHEDULE_MAX];
	size_t schedule_length, schedule_next;
	/* the expanded request of every kind, for every target */
	char **requests;
	size_t *request_lengths;
	uint64_t issued;
	unsigned cut_active, slow_active;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Index of a kind in the tally: the mix's kinds, then slow, then log_today. */
static size_t kind_index(const struct mix *mix, const struct kind *kind)
{
	if (kind == mix->slow)
		return mix->count;
	if (kind == mix->log_today)
		return mix->count + 1;
	return (size_t)(kind - mix->kinds);
}

static void watch(struct loop *loop, struct slot *slot, uint32_t events)
{
	struct epoll_event event = {.events = events, .data.ptr = slot};

	epoll_ctl(loop->epoll, EPOLL_CTL_MOD, slot->fd, &event);
}

static void close_current(struct loop *loop, struct slot *slot)
{
	if (slot->fd >= 0) {
		epoll_ctl(loop->epoll, EPOLL_CTL_DEL, slot->fd, NULL);
		close(slot->fd);
	}
	slot->fd = -1;
	slot->uses = 0;
}

/* Holds its connection until the server cuts it. */
static bool holds(const struct kind *kind)
{
	return kind->send != SEND_WHOLE;
}

static void reset_answer(struct slot *slot)
{
	slot->in_length = 0;
	slot->have_head = false;
	slot->discard_left = 0;
}

/* Back to idle: the kept connection is reused if it may be, else closed. */
static void finish(struct loop *loop, struct slot *slot, bool keep)
{
	if (slot->kind->send == SEND_TRICKLE)
		loop->slow_active--;
	else if (holds(slot->kind))
		loop->cut_active--;
	if (!keep || slot->failed || slot->server_closes || slot->uses >= REQUESTS_PER_CONNECTION)
		close_current(loop, slot);
	if (slot->parked_fd >= 0 && now_ms() - slot->parked_ms > PARKED_MAX_MS) {
		close(slot->parked_fd);
		slot->parked_fd = -1;
	}
	if (slot->fd < 0 && slot->parked_fd >= 0) {
		struct epoll_event event = {.events = 0, .data.ptr = slot};

		slot->fd = slot->parked_fd;
		slot->uses = slot->parked_uses;
		slot->parked_fd = -1;
		epoll_ctl(loop->epoll, EPOLL_CTL_ADD, slot->fd, &event);
	}
	slot->kind = NULL;
	slot->state = SLOT_IDLE;
	reset_answer(slot);
}

static void fail(struct loop *loop, struct slot *slot, const char *what, int error)
{
	if (error != 0)
		failure(loop->tally, slot->kind_tally, slot->kind, "%s: %s", what, strerror(error));
	else
		failure(loop->tally, slot->kind_tally, slot->kind, "%s", what);
	slot->failed = true;
	finish(loop, slot, false);
}

static const struct kind *next_kind(struct loop *loop)
{
	const struct options *options = loop->options;
	const struct mix *mix = options->mix;
	uint64_t n = loop->issued + 1;
	bool may_cut = loop->cut_active < CUT_MAX;
	const struct kind *kind;

	if (options->slow_every > 0 && mix->slow != NULL && n % options->slow_every == 0 &&
	    loop->slow_active < SLOW_MAX)
		return mix->slow;
	if (options->logs_every > 0 && mix->log_today != NULL && n % options->logs_every == 0)
		return mix->log_today;
	/* a cut request over the limit gives its turn to the next kind */
	do
		kind = loop->schedule[loop->schedule_next++ % loop->schedule_length];
	while (holds(kind) && !may_cut);
	return kind;
}

static bool needs_own_connection(const struct kind *kind)
{
	return kind->fresh || kind->send != SEND_WHOLE || kind->status == 0;
}

static int open_connection(struct loop *loop, struct slot *slot)
{
	const struct options *options = loop->options;
	const struct sockaddr_storage *target = &options->targets[slot->target];
	struct epoll_event event = {.events = EPOLLOUT, .data.ptr = slot};
	int one = 1;

	slot->fd = socket(target->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (slot->fd < 0)
		return -errno;
	setsockopt(slot->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	loop->tally->connections++;
	if (connect(slot->fd, (const struct sockaddr *)target,
		    options->target_lengths[slot->target]) < 0 &&
	    errno != EINPROGRESS) {
		int rc = -errno;

		close(slot->fd);
		slot->fd = -1;
		return rc;
	}
	epoll_ctl(loop->epoll, EPOLL_CTL_ADD, slot->fd, &event);
	slot->state = SLOT_CONNECTING;
	return 0;
}

static void start_sending(struct loop *loop, struct slot *slot)
{
	slot->state = slot->kind->send == SEND_TRICKLE ? SLOT_TRICKLING : SLOT_SENDING;
	slot->uses++;
	watch(loop, slot, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
}

/* Gives an idle slot its next request. */
static void start(struct loop *loop, struct slot *slot, int64_t now)
{
	const struct options *options = loop->options;
	const struct kind *kind = next_kind(loop);
	size_t index = kind_index(options->mix, kind),
	       request = index * options->target_count + slot->target;
	int rc;

	slot->kind = kind;
	slot->kind_tally = &loop->tally->kinds[index];
	slot->kind_tally->sent++;
	loop->issued += kind->responses > 1 ? kind->responses : 1;
	loop->tally->requests += kind->responses > 1 ? kind->responses : 1;
	if (kind->send == SEND_TRICKLE)
		loop->slow_active++;
	else if (holds(kind))
		loop->cut_active++;
	slot->out = loop->requests[request];
	slot->out_length = loop->request_lengths[request];
	slot->out_done = 0;
	slot->responses_left = kind->responses;
	slot->trickled = 0;
	slot->server_closes = false;
	slot->failed = false;
	slot->deadline_ms =
		now + (int64_t)(holds(kind) ? options->slow_cut_s : options->timeout_s) * 1000;
	slot->next_ms = 0;
	reset_answer(slot);
	if (needs_own_connection(kind) && slot->fd >= 0) {
		/* park the kept-alive connection for after this one */
		epoll_ctl(loop->epoll, EPOLL_CTL_DEL, slot->fd, NULL);
		slot->parked_fd = slot->fd;
		slot->parked_uses = slot->uses;
		slot->parked_ms = now;
		slot->fd = -1;
	}
	if (slot->fd >= 0) {
		start_sending(loop, slot);
		return;
	}
	if ((rc = open_connection(loop, slot)) < 0)
		fail(loop, slot, "connect", -rc);
}

/* One complete answer: checked, counted; the slot goes on or finishes. */
static void answered(struct loop *loop, struct slot *slot, const char *body, size_t kept,
		     uint64_t total)
{
	struct check_input input = {
		.kind = slot->kind,
		.head = &slot->head,
		.body = body,
		.kept = kept,
		.total = total,
		/* a body read whole ends in the buffer; a big one's end was counted */
		.last_byte = total == kept && kept > 0 ? body[kept - 1] : slot->last_byte,
		.archive = loop->options->archive,
		.archive_length = loop->options->archive_length,
	};

	if (slot->head.close)
		slot->server_closes = true;
	if (check_answer(loop->tally, slot->kind_tally, &input) < 0)
		slot->failed = true;
	slot->responses_left--;
}

/* Drops the first n bytes of the input buffer. */
static void consume(struct slot *slot, size_t n)
{
	memmove(slot->in, slot->in + n, slot->in_length - n);
	slot->in_length -= n;
}

/* Answers complete in the buffer; returns -1 when the slot has failed. */
static int process_input(struct loop *loop, struct slot *slot)
{
	for (;;) {
		uint64_t have;
		int rc;

		if (!slot->have_head) {
			if (slot->in_length == 0)
				return 0;
			rc = response_parse(slot->in, slot->in_length, &slot->head);
			if (rc < 0 || (rc == 0 && slot->in_length > HEAD_MAX)) {
				fail(loop, slot,
				     rc < 0 ? "not an HTTP answer" : "answer head too large", 0);
				return -1;
			}
			if (rc == 0)
				return 0;
			if (slot->responses_left == 0) {
				fail(loop, slot, "an answer nobody asked for", 0);
				return -1;
			}
			if (slot->head.status >= 100 && slot->head.status < 200) {
				consume(slot, slot->head.header_length); /* 100 Continue */
				continue;
			}
			slot->have_head = true;
			if (strncmp(slot->kind->request, "HEAD ", 5) == 0 ||
			    slot->head.status == 204 || slot->head.status == 304) {
				slot->body_expected = 0;
			} else if (slot->head.chunked || !slot->head.has_length) {
				fail(loop, slot, "answer without Content-Length", 0);
				return -1;
			} else {
				slot->body_expected = slot->head.length;
			}
		}
		have = slot->in_length - slot->head.header_length;
		if (have >= slot->body_expected) {
			answered(loop, slot, slot->in + slot->head.header_length,
				 (size_t)slot->body_expected, slot->body_expected);
			consume(slot, slot->head.header_length + (size_t)slot->body_expected);
			slot->have_head = false;
			if (slot->responses_left == 0)
				return 0;
			continue;
		}
		if (slot->in_length > KEEP_MAX) {
			/* a big body (today's log): the rest is counted as it comes */
			slot->discard_left = slot->body_expected - have;
			slot->last_byte = slot->in[slot->in_length - 1];
		}
		return 0;
	}
}

static int append_input(struct slot *slot, const char *data, size_t n)
{
	if (slot->in_length + n > slot->in_cap) {
		size_t grown = (slot->in_length + n) * 2;
		char *bigger = realloc(slot->in, grown);

		if (bigger == NULL)
			return -1;
		slot->in = bigger;
		slot->in_cap = grown;
	}
	memcpy(slot->in + slot->in_length, data, n);
	slot->in_length += n;
	return 0;
}

/* Bytes arrived for a slot that reads answers. */
static void received(struct loop *loop, struct slot *slot, const char *data, size_t n)
{
	loop->tally->bytes_received += n;
	if (slot->state == SLOT_AWAIT_EOF && slot->kind->sent_twice && slot->responses_left == 0)
		return; /* the rest of the second copy */
	if (slot->state == SLOT_AWAIT_EOF || slot->state == SLOT_TRICKLING) {
		fail(loop, slot, "bytes where the server should only close", 0);
		return;
	}
	while (n > 0) {
		if (slot->discard_left > 0) {
			size_t take = n < slot->discard_left ? n : (size_t)slot->discard_left;

			slot->last_byte = data[take - 1];
			slot->discard_left -= take;
			data += take;
			n -= take;
			if (slot->discard_left == 0) {
				size_t kept = slot->in_length - slot->head.header_length;

				answered(loop, slot, slot->in + slot->head.header_length, kept,
					 slot->body_expected);
				reset_answer(slot);
			}
			continue;
		}
		if (append_input(slot, data, n) < 0) {
			fail(loop, slot, "out of memory", 0);
			return;
		}
		n = 0;
		if (process_input(loop, slot) < 0)
			return;
	}
	if (slot->responses_left > 0)
		return;
	if (slot->in_length > 0 && !slot->kind->sent_twice) {
		fail(loop, slot, "bytes after the last answer", 0);
		return;
	}
	slot->kind_tally->answered++;
	if (slot->server_closes) {
		slot->state = SLOT_AWAIT_EOF; /* the server closes first: its TIME_WAIT, not ours */
		watch(loop, slot, EPOLLIN | EPOLLRDHUP);
		return;
	}
	finish(loop, slot, !slot->kind->fresh && !slot->failed);
}

/* The server closed (or reset) the connection. */
static void closed(struct loop *loop, struct slot *slot, int error)
{
	const struct kind *kind = slot->kind;

	if (slot->state == SLOT_AWAIT_EOF && kind->status != 0) {
		finish(loop, slot, false); /* after its answer, as announced */
		return;
	}
	if (kind->status == 0 && slot->in_length == 0 && slot->out_done > 0) {
		/* the designed end of a request the server drops, or a slowloris cut */
		slot->kind_tally->closed_as_expected++;
		if (kind->unanswered == UNANSWERED_GONE)
			loop->tally->gone_lines++;
		else if (kind->unanswered == UNANSWERED_MALFORMED)
			loop->tally->malformed_lines++;
		else if (kind->unanswered == UNANSWERED_CUT_LINE)
			loop->tally->cut_line_lines++;
		finish(loop, slot, false);
		return;
	}
	fail(loop, slot,
	     error != 0 ? "connection lost before the answer" : "closed before the answer", error);
}

static void on_readable(struct loop *loop, struct slot *slot)
{
	char buf[64 * 1024];

	for (;;) {
		ssize_t n = read(slot->fd, buf, sizeof buf);

		if (n > 0) {
			received(loop, slot, buf, (size_t)n);
			if (slot->kind == NULL || slot->state == SLOT_IDLE)
				return; /* finished (or failed) meanwhile */
			continue;
		}
		if (n == 0) {
			closed(loop, slot, 0);
			return;
		}
		if (errno == EAGAIN || errno == EINTR)
			return;
		closed(loop, slot, errno);
		return;
	}
}

static void on_writable(struct loop *loop, struct slot *slot)
{
	if (slot->state == SLOT_CONNECTING) {
		int error = 0;
		socklen_t length = sizeof error;

		getsockopt(slot->fd, SOL_SOCKET, SO_ERROR, &error, &length);
		if (error != 0) {
			fail(loop, slot, "connect", error);
			return;
		}
		start_sending(loop, slot);
	}
	if (slot->state != SLOT_SENDING && !(slot->state == SLOT_TRICKLING && slot->out_done == 0))
		return;
	while (slot->out_done < slot->out_length) {
		ssize_t n = send(slot->fd, slot->out + slot->out_done,
				 slot->out_length - slot->out_done, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			closed(loop, slot, errno);
			return;
		}
		slot->out_done += (size_t)n;
	}
	if (slot->kind->send == SEND_THEN_SHUT) {
		shutdown(slot->fd, SHUT_WR);
		slot->state = SLOT_AWAIT_EOF;
		watch(loop, slot, EPOLLIN | EPOLLRDHUP);
		return;
	}
	if (slot->kind->send == SEND_TRICKLE) {
		slot->next_ms = now_ms() + TRICKLE_PERIOD_MS;
		watch(loop, slot, EPOLLIN | EPOLLRDHUP);
		return;
	}
	slot->state = slot->kind->status == 0 ? SLOT_AWAIT_EOF : SLOT_READING;
	watch(loop, slot, EPOLLIN | EPOLLRDHUP);
}

/* Slowloris: one more header line, never the blank one. */
static void trickle(struct loop *loop, struct slot *slot, int64_t now)
{
	char line[48];
	int length = snprintf(line, sizeof line, "X-Slow-%u: x\r\n", slot->trickled++);

	slot->next_ms = now + TRICKLE_PERIOD_MS;
	if (send(slot->fd, line, (size_t)length, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
		closed(loop, slot, errno);
}

static void timers(struct loop *loop, int64_t now)
{
	for (unsigned i = 0; i < loop->options->connections; i++) {
		struct slot *slot = &loop->slots[i];

		if (slot->state == SLOT_IDLE)
			continue;
		if (now >= slot->deadline_ms) {
			fail(loop, slot,
			     slot->state == SLOT_TRICKLING
				     ? "slowloris not cut by the server in time"
			     : slot->state == SLOT_AWAIT_EOF ? "the server did not close in time"
							     : "no answer in time",
			     0);
			continue;
		}
		if (slot->state == SLOT_TRICKLING && slot->next_ms != 0 && now >= slot->next_ms)
			trickle(loop, slot, now);
	}
}

static int build_requests(struct loop *loop)
{
	const struct options *options = loop->options;
	const struct mix *mix = options->mix;
	size_t kinds = mix->count + 2;

	loop->requests = calloc(kinds * options->target_count, sizeof *loop->requests);
	loop->request_lengths =
		calloc(kinds * options->target_count, sizeof *loop->request_lengths);
	if (loop->requests == NULL || loop->request_lengths == NULL)
		return -1;
	for (size_t k = 0; k < kinds; k++) {
		const struct kind *kind = k < mix->count    ? &mix->kinds[k]
					  : k == mix->count ? mix->slow
							    : mix->log_today;

		for (size_t t = 0; kind != NULL && t < options->target_count; t++) {
			size_t i = k * options->target_count + t;

			loop->requests[i] =
				mix_expand(kind->request, options->hosts[t], options->token,
					   options->date, &loop->request_lengths[i]);
			if (loop->requests[i] == NULL)
				return -1;
		}
	}
	return 0;
}

static void free_loop(struct loop *loop)
{
	size_t n = (loop->options->mix->count + 2) * loop->options->target_count;

	for (unsigned i = 0; loop->slots != NULL && i < loop->options->connections; i++) {
		if (loop->slots[i].fd >= 0)
			close(loop->slots[i].fd);
		if (loop->slots[i].parked_fd >= 0)
			close(loop->slots[i].parked_fd);
		free(loop->slots[i].in);
	}
	free(loop->slots);
	for (size_t i = 0; loop->requests != NULL && i < n; i++)
		free(loop->requests[i]);
	free(loop->requests);
	free(loop->request_lengths);
	if (loop->epoll >= 0)
		close(loop->epoll);
}

int load_run(const struct options *options, struct tally *tally, bool *time_up, double *seconds)
{
	struct loop loop = {.options = options, .tally = tally, .epoll = -1};
	int64_t started = now_ms(), end = started + (int64_t)options->max_seconds * 1000;
	int rc = -1;

	*time_up = false;
	loop.schedule_length = mix_schedule(options->mix, loop.schedule, SCHEDULE_MAX);
	loop.epoll = epoll_create1(EPOLL_CLOEXEC);
	loop.slots = calloc(options->connections, sizeof *loop.slots);
	if (loop.epoll < 0 || loop.slots == NULL || loop.schedule_length == 0 ||
	    build_requests(&loop) < 0)
		goto out;
	for (unsigned i = 0; i < options->connections; i++) {
		loop.slots[i].fd = loop.slots[i].parked_fd = -1;
		loop.slots[i].target = i % options->target_count;
	}
	for (;;) {
		struct epoll_event events[64];
		int64_t now = now_ms();
		bool busy = false;
		int n;

		if (now >= end) {
			*time_up = true;
			break;
		}
		timers(&loop, now);
		for (unsigned i = 0; i < options->connections; i++) {
			struct slot *slot = &loop.slots[i];

			if (slot->state == SLOT_IDLE && loop.issued < options->requests)
				start(&loop, slot, now);
			busy = busy || slot->state != SLOT_IDLE;
		}
		if (!busy && loop.issued >= options->requests)
			break;
		n = epoll_wait(loop.epoll, events, 64, 20);
		if (n < 0 && errno != EINTR)
			goto out;
		for (int i = 0; i < n; i++) {
			struct slot *slot = events[i].data.ptr;

			if (slot->state == SLOT_IDLE)
				continue; /* finished by an earlier event of this batch */
			if (events[i].events & (EPOLLOUT | EPOLLERR))
				on_writable(&loop, slot);
			if (slot->state != SLOT_IDLE && slot->state != SLOT_CONNECTING &&
			    (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
				on_readable(&loop, slot);
		}
	}
	rc = 0;
out:
	*seconds = (double)(now_ms() - started) / 1000.0;
	free_loop(&loop);
	return rc;
}
