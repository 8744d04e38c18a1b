/* The syslog sender: a bounded queue filled under the log's lock, emptied by
 * a thread that formats each line and sends it over UDP or TCP. The same on
 * Windows, through compat_win32's sockets (errno, connect, poll). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/errno_text.h"
#include "base/timefmt.h"
#include "log/syslog.h"

/* A server that does not answer is tried again after this long; lines
 * queued meanwhile are dropped once the queue is full. */
#define RETRY_MS 5000
/* Longest wait for a TCP connection or a send on it. */
#define SEND_TIMEOUT_MS 2000
/* At stop, longest time spent sending what is still queued. */
#define STOP_DRAIN_MS 1000

struct queued_line {
	enum rotlog_level level;
	struct timespec when;
	size_t length;
	char *message;
};

struct syslog_sender {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	struct queued_line queue[SYSLOG_QUEUE_MAX];
	size_t head, count;
	struct syslog_stats stats;
	/* the thread's own */
	char *host, *hostname;
	char port[8];
	bool tcp;
	int fd;
	struct timespec retry_at;
	long pid;
};

static int64_t ms_since(const struct timespec *then)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - then->tv_sec) * 1000 + (now.tv_nsec - then->tv_nsec) / 1000000;
}

/* A TCP connect bounded by SEND_TIMEOUT_MS. */
static int connect_bounded(int fd, const struct sockaddr *address, socklen_t length)
{
	struct pollfd wait = {.fd = fd, .events = POLLOUT};
	int error = 0;
	socklen_t error_length = sizeof error;

	if (connect(fd, address, length) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	if (poll(&wait, 1, SEND_TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_length) < 0)
		return -errno;
	return -error;
}

/* Opens the socket to the server (looking its name up again). */
static int open_server(struct syslog_sender *sender)
{
	struct addrinfo hints = {.ai_socktype = sender->tcp ? SOCK_STREAM : SOCK_DGRAM};
	struct addrinfo *found = NULL;
	int rc = -EHOSTUNREACH;

	if (getaddrinfo(sender->host, sender->port, &hints, &found) != 0)
		return -EHOSTUNREACH;
	for (struct addrinfo *a = found; a != NULL; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

		if (fd < 0)
			continue;
		rc = connect_bounded(fd, a->ai_addr, a->ai_addrlen);
		if (rc == 0) {
			/* non-blocking: send_all waits SEND_TIMEOUT_MS at most */
			sender->fd = fd;
			break;
		}
		close(fd);
	}
	freeaddrinfo(found);
	return rc;
}

static void close_server(struct syslog_sender *sender)
{
	if (sender->fd >= 0)
		close(sender->fd);
	sender->fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &sender->retry_at);
}

/* Sends all of data (TCP may take it in parts). */
static int send_all(int fd, const char *data, size_t length)
{
	while (length > 0) {
		struct pollfd wait = {.fd = fd, .events = POLLOUT};
		ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (poll(&wait, 1, SEND_TIMEOUT_MS) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (sent < 0)
			return -errno;
		data += sent;
		length -= (size_t)sent;
	}
	return 0;
}

/* Formats and sends one line. Returns true when it left. */
static bool send_line(struct syslog_sender *sender, const struct queued_line *line)
{
	char timestamp[40], message[SYSLOG_MESSAGE_MAX], frame[SYSLOG_MESSAGE_MAX + 16];
	struct tm tm;
	size_t length;

	if (sender->fd < 0) {
		if (sender->retry_at.tv_sec != 0 && ms_since(&sender->retry_at) < RETRY_MS)
			return false;
		if (open_server(sender) < 0) {
			close_server(sender);
			return false;
		}
	}
	localtime_r(&line->when.tv_sec, &tm);
	syslog_format_timestamp(timestamp, sizeof timestamp, &tm, (int)(line->when.tv_nsec / 1000000),
				timefmt_utc_offset(line->when.tv_sec, &tm));
	length = syslog_format_message(message, sizeof message, SYSLOG_FACILITY_DAEMON, line->level,
				       timestamp, sender->hostname, "cashdrawerd", sender->pid,
				       line->message, line->length);
	if (sender->tcp) {
		length = syslog_frame_octet_counted(frame, sizeof frame, message, length);
		if (send_all(sender->fd, frame, length) == 0)
			return true;
	} else if (send(sender->fd, message, length, MSG_NOSIGNAL) == (ssize_t)length) {
		return true;
	}
	close_server(sender);
	return false;
}

static void *sender_thread(void *arg)
{
	struct syslog_sender *sender = arg;
	struct timespec stop_started = {0};

	pthread_mutex_lock(&sender->lock);
	for (;;) {
		struct queued_line line;
		bool sent;

		while (sender->count == 0 && !sender->stopping)
			pthread_cond_wait(&sender->wake, &sender->lock);
		if (sender->count == 0)
			break;
		if (sender->stopping) {
			if (stop_started.tv_sec == 0)
				clock_gettime(CLOCK_MONOTONIC, &stop_started);
			else if (ms_since(&stop_started) > STOP_DRAIN_MS)
				break;
		}
		line = sender->queue[sender->head];
		sender->head = (sender->head + 1) % SYSLOG_QUEUE_MAX;
		sender->count--;
		pthread_mutex_unlock(&sender->lock);
		sent = send_line(sender, &line);
		free(line.message);
		pthread_mutex_lock(&sender->lock);
		if (sent)
			sender->stats.sent++;
		else
			sender->stats.dropped++;
	}
	/* what the deadline left unsent */
	while (sender->count > 0) {
		free(sender->queue[sender->head].message);
		sender->head = (sender->head + 1) % SYSLOG_QUEUE_MAX;
		sender->count--;
		sender->stats.dropped++;
	}
	pthread_mutex_unlock(&sender->lock);
	return NULL;
}

void syslog_submit(void *context, enum rotlog_level level, const struct timespec *when,
		   const char *message, size_t length)
{
	struct syslog_sender *sender = context;
	struct queued_line *line;
	char *copy;

	pthread_mutex_lock(&sender->lock);
	if (sender->count == SYSLOG_QUEUE_MAX || sender->stopping ||
	    (copy = malloc(length + 1)) == NULL) {
		sender->stats.dropped++;
		pthread_mutex_unlock(&sender->lock);
		return;
	}
	memcpy(copy, message, length);
	copy[length] = '\0';
	line = &sender->queue[(sender->head + sender->count) % SYSLOG_QUEUE_MAX];
	*line = (struct queued_line){.level = level, .when = *when, .length = length, .message = copy};
	sender->count++;
	pthread_cond_signal(&sender->wake);
	pthread_mutex_unlock(&sender->lock);
}

void syslog_get_stats(struct syslog_sender *sender, struct syslog_stats *stats)
{
	if (sender == NULL) {
		memset(stats, 0, sizeof *stats);
		return;
	}
	pthread_mutex_lock(&sender->lock);
	*stats = sender->stats;
	pthread_mutex_unlock(&sender->lock);
}

int syslog_start(struct syslog_sender **out, const struct syslog_options *options, char *err,
		 size_t errlen)
{
	struct syslog_sender *sender = calloc(1, sizeof *sender);
	sigset_t all, previous;
	int rc;

	*out = NULL;
	if (sender == NULL || (sender->host = strdup(options->host)) == NULL ||
	    (sender->hostname = strdup(options->hostname != NULL ? options->hostname : "")) == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "syslog : mémoire insuffisante");
		goto fail;
	}
	snprintf(sender->port, sizeof sender->port, "%u", options->port);
	sender->tcp = options->tcp;
	sender->fd = -1;
	sender->pid = (long)getpid();
	pthread_mutex_init(&sender->lock, NULL);
	pthread_cond_init(&sender->wake, NULL);
	/* signals are for main's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	rc = -pthread_create(&sender->thread, NULL, sender_thread, sender);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (rc < 0) {
		snprintf(err, errlen, "syslog %s:%u : impossible de lancer le fil d'envoi : %s",
			 options->host, options->port, errno_text(-rc));
		pthread_cond_destroy(&sender->wake);
		pthread_mutex_destroy(&sender->lock);
		goto fail;
	}
	*out = sender;
	return 0;
fail:
	if (sender != NULL) {
		free(sender->host);
		free(sender->hostname);
	}
	free(sender);
	return rc;
}

void syslog_stop(struct syslog_sender *sender)
{
	if (sender == NULL)
		return;
	pthread_mutex_lock(&sender->lock);
	sender->stopping = true;
	pthread_cond_signal(&sender->wake);
	pthread_mutex_unlock(&sender->lock);
	pthread_join(sender->thread, NULL);
	if (sender->fd >= 0)
		close(sender->fd);
	pthread_cond_destroy(&sender->wake);
	pthread_mutex_destroy(&sender->lock);
	free(sender->host);
	free(sender->hostname);
	free(sender);
}
