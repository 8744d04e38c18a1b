/* Connection limits glue. The accept policy asks the connection budget
 * (connlimit.c) about every new connection: every listening socket and
 * server (HTTP and HTTPS, the till's lanes) draws on the one max_connections,
 * which libmicrohttpd's limit, per server, cannot do; LAN addresses are capped
 * one by one and together, so that a quarter of max_connections always stays
 * for the till itself. A watchdog thread closes connections whose request does
 * not arrive whole, body included, within request_timeout_s (libmicrohttpd's
 * own timeout is reset by every byte, so a client trickling bytes would
 * never meet it). At each close, the bytes no logged request accounts for
 * (a request line the library refused or dropped) get their line
 * (traffic.c). */
#include "http/connections.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "base/heap.h"
#include "admission/connlimit.h"
#include "http/answer.h"

/* How often the watchdog looks: a timeout is met within this much. */
#define WATCHDOG_PERIOD_MS 250
/* At most one log line a second about refused connections: a flood must not
 * flood the log too. */
#define REFUSAL_LOG_PERIOD_MS 1000
/* The heap's free memory goes back to the system once no connection has
 * closed for this long: after a burst, not at each close of one. */
#define HEAP_GIVE_BACK_QUIET_MS 1000

struct tracked {
	struct tracked *prev, *next;
	int fd;
	bool counted; /* admitted by the budget: released when it closes */
	bool tls;     /* HTTPS (handed over by front.c): its bytes are TLS records */
	bool requested; /* a request got through (HTTPS: the handshake did) */
	struct sockaddr_storage peer;
	/* when the clock of the awaited request started; 0 while one is answered */
	atomic_llong waiting_since_ms;
	atomic_bool timed_out;
	/* the socket's counters when the last logged request ended (zero at
	 * first); only this connection's thread touches them */
	bool traffic_counted;
	struct traffic at_last_request;
	/* HTTPS: the counters when the request being answered had all arrived.
	 * What comes after is the next one's, even before libmicrohttpd says
	 * this one's answer is done, which over TLS often comes after the
	 * client has sent its next bytes (over HTTP it comes at once) */
	bool whole_counted;
	struct traffic at_whole;
};

struct http_connections {
	struct daemon_context *context;
	pthread_mutex_t lock; /* the budget, the list, the counters */
	pthread_cond_t wake;
	pthread_t watchdog;
	bool watchdog_started, stopping;
	struct connlimit limit;
	struct tracked *head;
	/* connections front.c handed to libmicrohttpd, not yet started there */
	struct tracked *handed;
	int64_t request_timeout_ms;
	uint64_t timed_out;
	/* connections closed since the heap last gave its free memory back */
	bool closed_since_give_back;
	int64_t last_close_ms;
	uint64_t refused_unlogged;
	int64_t refusal_logged_ms;
	/* whether the system counts a socket's bytes: 0 not known yet, 1 yes,
	 * -1 no; and a new connection's counters (zero, with what is counted) */
	atomic_int traffic_counted;
	struct traffic zero_traffic;
};

/* The accept policy and the "started" notification of one connection run
 * back to back on the same thread (libmicrohttpd's accept path): the
 * admission is handed over through this slot. If the connection failed in
 * between (out of memory), the next admission on the thread gives the stale
 * one back. */
static _Thread_local struct {
	struct http_connections *owner;
	struct sockaddr_storage peer;
	bool pending;
} admission;

static void *watch(void *arg)
{
	struct http_connections *connections = arg;
	struct timespec until;

	pthread_mutex_lock(&connections->lock);
	while (!connections->stopping) {
		int64_t now;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += WATCHDOG_PERIOD_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&connections->wake, &connections->lock, &until);
		now = clock_monotonic_ms();
		for (struct tracked *t = connections->head; t != NULL; t = t->next) {
			long long since = atomic_load(&t->waiting_since_ms);

			if (since == 0 || now - since < connections->request_timeout_ms ||
			    atomic_load(&t->timed_out))
				continue;
			/* Under the lock: the "closed" notification takes it before
			 * libmicrohttpd closes the descriptor, so fd is still this
			 * connection's. Its thread sees the end of the stream and closes. */
			atomic_store(&t->timed_out, true);
			shutdown(t->fd, SHUT_RDWR);
			connections->timed_out++;
		}
		/* What the closed connections freed (their pools, GnuTLS's
		 * sessions) goes back to the system once they have stopped
		 * closing: a till's memory after a burst is its idle memory. */
		if (connections->closed_since_give_back &&
		    now - connections->last_close_ms >= HEAP_GIVE_BACK_QUIET_MS) {
			connections->closed_since_give_back = false;
			pthread_mutex_unlock(&connections->lock);
			heap_give_back();
			pthread_mutex_lock(&connections->lock);
		}
	}
	pthread_mutex_unlock(&connections->lock);
	return NULL;
}

int http_connections_create(struct http_connections **out, struct daemon_context *context,
			    char *err, size_t errlen)
{
	const struct config *config = context->config;
	struct http_connections *connections = calloc(1, sizeof *connections);
	pthread_condattr_t attributes;
	int rc;

	*out = NULL;
	if (connections == NULL)
		return -ENOMEM;
	connections->context = context;
	connections->request_timeout_ms = (int64_t)config->request_timeout_s * 1000;
	atomic_init(&connections->traffic_counted, 0);
	pthread_mutex_init(&connections->lock, NULL);
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&connections->wake, &attributes);
	pthread_condattr_destroy(&attributes);
	rc = connlimit_init(&connections->limit, config->max_connections,
			    config->max_connections_per_ip);
	if (rc == 0) {
		rc = -pthread_create(&connections->watchdog, NULL, watch, connections);
		connections->watchdog_started = rc == 0;
	}
	if (rc < 0) {
		snprintf(err, errlen, "impossible de lancer le fil de garde des connexions : %s",
			 errno_text(-rc));
		http_connections_destroy(connections);
		return rc;
	}
	*out = connections;
	return 0;
}

void http_connections_destroy(struct http_connections *connections)
{
	if (connections == NULL)
		return;
	if (connections->watchdog_started) {
		pthread_mutex_lock(&connections->lock);
		connections->stopping = true;
		pthread_cond_signal(&connections->wake);
		pthread_mutex_unlock(&connections->lock);
		pthread_join(connections->watchdog, NULL);
	}
	/* every daemon is stopped: each connection was notified closed and freed */
	while (connections->handed != NULL) {
		struct tracked *t = connections->handed;

		connections->handed = t->next;
		free(t);
	}
	connlimit_free(&connections->limit);
	pthread_cond_destroy(&connections->wake);
	pthread_mutex_destroy(&connections->lock);
	free(connections);
}

static bool admitted(enum connlimit_verdict verdict)
{
	return verdict == CONNLIMIT_ADMITTED || verdict == CONNLIMIT_LOOPBACK;
}

static void log_refusal(struct http_connections *connections, const struct sockaddr *address,
			enum connlimit_verdict verdict, int64_t now)
{
	char peer[ACCESS_ADDRESS_MAX], others[96] = "";

	/* called with the lock held */
	connections->refused_unlogged++;
	if (connections->refusal_logged_ms != 0 &&
	    now - connections->refusal_logged_ms < REFUSAL_LOG_PERIOD_MS)
		return;
	if (connections->refused_unlogged > 1)
		snprintf(others, sizeof others, " (et %llu autres refus depuis la ligne précédente)",
			 (unsigned long long)connections->refused_unlogged - 1);
	connections->refused_unlogged = 0;
	connections->refusal_logged_ms = now;
	access_format_address(address, peer, sizeof peer);
	if (verdict == CONNLIMIT_PER_IP_FULL)
		rotlog_write(connections->context->log, ROTLOG_WARNING,
			     "%s - connexion refusée : %u connexions ouvertes par cette adresse "
			     "(max_connections_per_ip)%s",
			     peer, connections->limit.per_ip, others);
	else if (verdict == CONNLIMIT_FULL)
		rotlog_write(connections->context->log, ROTLOG_WARNING,
			     "%s - connexion refusée : %u connexions ouvertes en tout, le poste "
			     "compris (max_connections)%s",
			     peer, connections->limit.max_connections, others);
	else
		rotlog_write(connections->context->log, ROTLOG_WARNING,
			     "%s - connexion refusée : %u connexions ouvertes par le réseau, le reste "
			     "de max_connections est gardé pour le poste%s",
			     peer, connections->limit.lan_max, others);
}

int http_connections_admit(struct http_connections *connections, const struct sockaddr *address)
{
	enum connlimit_verdict verdict;

	pthread_mutex_lock(&connections->lock);
	verdict = connlimit_admit(&connections->limit, address);
	if (!admitted(verdict))
		log_refusal(connections, address, verdict, clock_monotonic_ms());
	pthread_mutex_unlock(&connections->lock);
	return admitted(verdict) ? 1 : -1;
}

void http_connections_release(struct http_connections *connections, const struct sockaddr *address)
{
	pthread_mutex_lock(&connections->lock);
	connlimit_release(&connections->limit, address);
	pthread_mutex_unlock(&connections->lock);
}

void http_connections_note_timeout(struct http_connections *connections)
{
	pthread_mutex_lock(&connections->lock);
	connections->timed_out++;
	pthread_mutex_unlock(&connections->lock);
}

/* Takes the handed-over record of fd out of the list (called with the lock held). */
static struct tracked *unhand(struct http_connections *connections, int fd)
{
	for (struct tracked **at = &connections->handed; *at != NULL; at = &(*at)->next) {
		struct tracked *t = *at;

		if (t->fd == fd) {
			*at = t->next;
			t->next = NULL;
			return t;
		}
	}
	return NULL;
}

int http_connections_hand_over(struct http_connections *connections, int fd,
			       const struct sockaddr *peer, bool counted, int64_t accepted_ms,
			       bool tls)
{
	struct tracked *t = calloc(1, sizeof *t), *stale;

	if (t == NULL)
		return -ENOMEM;
	t->fd = fd;
	t->counted = counted;
	t->tls = tls;
	memcpy(&t->peer, peer,
	       peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	atomic_init(&t->waiting_since_ms, accepted_ms);
	atomic_init(&t->timed_out, false);
	pthread_mutex_lock(&connections->lock);
	/* the same descriptor handed before never started (libmicrohttpd
	 * closed it on a failure of its own): its admission ends now */
	if ((stale = unhand(connections, fd)) != NULL && stale->counted)
		connlimit_release(&connections->limit, (struct sockaddr *)&stale->peer);
	t->next = connections->handed;
	connections->handed = t;
	pthread_mutex_unlock(&connections->lock);
	free(stale);
	return 0;
}

void http_connections_take_back(struct http_connections *connections, int fd)
{
	struct tracked *t;

	pthread_mutex_lock(&connections->lock);
	if ((t = unhand(connections, fd)) != NULL && t->counted)
		connlimit_release(&connections->limit, (struct sockaddr *)&t->peer);
	pthread_mutex_unlock(&connections->lock);
	free(t);
}

enum MHD_Result http_connections_accept(void *cls, const struct sockaddr *address,
					socklen_t length)
{
	struct http_connections *connections = cls;
	enum connlimit_verdict verdict;

	pthread_mutex_lock(&connections->lock);
	if (admission.pending && admission.owner == connections)
		connlimit_release(&connections->limit, (struct sockaddr *)&admission.peer);
	admission.pending = false;
	verdict = connlimit_admit(&connections->limit, address);
	if (!admitted(verdict))
		log_refusal(connections, address, verdict, clock_monotonic_ms());
	pthread_mutex_unlock(&connections->lock);
	if (admitted(verdict)) {
		admission.owner = connections;
		memset(&admission.peer, 0, sizeof admission.peer);
		memcpy(&admission.peer, address,
		       (size_t)length < sizeof admission.peer ? (size_t)length : sizeof admission.peer);
		admission.pending = true;
	}
	return admitted(verdict) ? MHD_YES : MHD_NO;
}

/* The first connection tells whether the system counts, and what (once:
 * between the accept and the first read, the less time the better). A new
 * connection's baseline is zero: its first bytes may be queued. */
static void note_traffic_counting(struct http_connections *connections, struct tracked *t)
{
	if (atomic_load(&connections->traffic_counted) == 0) {
		struct traffic probe;
		int verdict = http_traffic_read(t->fd, &probe) == 0 ? 1 : -1;

		pthread_mutex_lock(&connections->lock);
		connections->zero_traffic.segments_known = probe.segments_known;
		connections->zero_traffic.written_known = probe.written_known;
		pthread_mutex_unlock(&connections->lock);
		atomic_store(&connections->traffic_counted, verdict);
	}
	t->traffic_counted = atomic_load(&connections->traffic_counted) > 0;
}

/* Into the list the watchdog watches. */
static void watch_connection(struct http_connections *connections, struct tracked *t)
{
	pthread_mutex_lock(&connections->lock);
	t->at_last_request = connections->zero_traffic;
	t->prev = NULL;
	t->next = connections->head;
	if (t->next != NULL)
		t->next->prev = t;
	connections->head = t;
	pthread_mutex_unlock(&connections->lock);
}

static void on_started(struct http_connections *connections, struct MHD_Connection *connection,
		       void **socket_context)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct tracked *t = NULL;
	bool counted = admission.pending && admission.owner == connections;

	if (info != NULL) {
		pthread_mutex_lock(&connections->lock);
		t = unhand(connections, info->connect_fd);
		pthread_mutex_unlock(&connections->lock);
	}
	if (t != NULL) {
		/* front.c admitted it and started its clock at the accept */
		note_traffic_counting(connections, t);
		watch_connection(connections, t);
		*socket_context = t;
		return;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL || info == NULL) {
		free(t);
		if (counted) {
			pthread_mutex_lock(&connections->lock);
			connlimit_release(&connections->limit, (struct sockaddr *)&admission.peer);
			pthread_mutex_unlock(&connections->lock);
		}
		admission.pending = false;
		return;
	}
	t->fd = info->connect_fd;
	t->counted = counted;
	if (counted)
		t->peer = admission.peer;
	admission.pending = false;
	note_traffic_counting(connections, t);
	atomic_init(&t->waiting_since_ms, clock_monotonic_ms());
	atomic_init(&t->timed_out, false);
	watch_connection(connections, t);
	*socket_context = t;
}

/* The line owed for bytes that formed no logged request: a request line
 * libmicrohttpd refused (it answered 400, 414 or 505 itself) or dropped (no
 * space in it), or one cut short. Its own message about it names no client:
 * this line does. */
static void log_leftover(struct http_connections *connections, struct MHD_Connection *connection,
			 struct tracked *t)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char peer[ACCESS_ADDRESS_MAX];
	struct traffic now;

	if (!t->traffic_counted || http_traffic_read(t->fd, &now) < 0)
		return;
	access_format_address(info != NULL ? info->client_addr : NULL, peer, sizeof peer);
	switch ((t->tls ? traffic_tls_leftover : traffic_leftover)(&t->at_last_request, &now,
								     atomic_load(&t->timed_out))) {
	case TRAFFIC_ANSWERED:
		answer_unanswered(connections->context, peer, "-", OUTCOME_MALFORMED,
				  "requête mal formée (ligne de requête illisible ou version HTTP "
				  "non prise en charge) : erreur renvoyée, connexion fermée");
		break;
	case TRAFFIC_UNANSWERED:
		answer_unanswered(connections->context, peer, "-", OUTCOME_MALFORMED, NULL);
		break;
	case TRAFFIC_TIMED_OUT:
		answer_unanswered(connections->context, peer, "-", OUTCOME_TIMEOUT, NULL);
		break;
	case TRAFFIC_NOTHING:
		break;
	}
}

/* An HTTPS connection that closes before any request got through: a
 * handshake refused (an old TLS version, no common cipher, not TLS at all)
 * or cut short, or a silent one timed out. GnuTLS's own reason, when there
 * is one, is libmicrohttpd's message just before. After a request, what
 * came since is judged as over HTTP (libmicrohttpd's own message about it,
 * naming no client, is left out there too). */
static void log_tls_leftover(struct http_connections *connections,
			     struct MHD_Connection *connection, struct tracked *t)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char peer[ACCESS_ADDRESS_MAX];

	if (t->requested) {
		log_leftover(connections, connection, t);
		return;
	}
	access_format_address(info != NULL ? info->client_addr : NULL, peer, sizeof peer);
	if (atomic_load(&t->timed_out))
		answer_unanswered(connections->context, peer, "-", OUTCOME_TIMEOUT,
				  "HTTPS : poignée de main TLS ou requête pas finie à temps "
				  "(request_timeout_s) : connexion fermée");
	else
		answer_unanswered(connections->context, peer, "-", OUTCOME_MALFORMED,
				  "HTTPS : connexion fermée sans requête (poignée de main TLS refusée "
				  "ou interrompue : version TLS trop ancienne, client sans suite "
				  "commune, ou pas du TLS)");
}

static void on_closed(struct http_connections *connections, struct MHD_Connection *connection,
		      void **socket_context)
{
	struct tracked *t = *socket_context;

	if (t == NULL)
		return;
	/* the descriptor is still open: libmicrohttpd closes it after this */
	if (t->tls)
		log_tls_leftover(connections, connection, t);
	else
		log_leftover(connections, connection, t);
	pthread_mutex_lock(&connections->lock);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		connections->head = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	if (t->counted)
		connlimit_release(&connections->limit, (struct sockaddr *)&t->peer);
	connections->closed_since_give_back = true;
	connections->last_close_ms = clock_monotonic_ms();
	pthread_mutex_unlock(&connections->lock);
	free(t);
	*socket_context = NULL;
}

void http_connections_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
			     enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		on_started(cls, connection, socket_context);
	else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
		on_closed(cls, connection, socket_context);
}

static struct tracked *tracked_of(struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return info != NULL ? info->socket_context : NULL;
}

void http_connections_request_received(struct MHD_Connection *connection, bool whole)
{
	struct tracked *t = tracked_of(connection);

	if (t == NULL)
		return;
	atomic_store(&t->waiting_since_ms, 0);
	t->whole_counted = whole && t->tls && t->traffic_counted &&
			   http_traffic_read(t->fd, &t->at_whole) == 0;
}

void http_connections_request_done(struct MHD_Connection *connection)
{
	struct tracked *t = tracked_of(connection);
	struct traffic now;

	if (t == NULL)
		return;
	t->requested = true;
	atomic_store(&t->waiting_since_ms, clock_monotonic_ms());
	/* what the connection carried so far is this request's (and its log line's) */
	if (t->traffic_counted && http_traffic_read(t->fd, &now) == 0) {
		if (t->whole_counted) {
			now.received = t->at_whole.received;
			now.received_segments = t->at_whole.received_segments;
		}
		t->at_last_request = now;
	}
	t->whole_counted = false;
}

bool http_connections_count_traffic(struct http_connections *connections)
{
	return atomic_load(&connections->traffic_counted) > 0;
}

bool http_connections_timed_out(struct MHD_Connection *connection)
{
	struct tracked *t = tracked_of(connection);

	return t != NULL && atomic_load(&t->timed_out);
}

void http_connections_stats(struct http_connections *connections,
			    struct http_connection_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	if (connections == NULL)
		return;
	pthread_mutex_lock(&connections->lock);
	stats->max_connections = connections->limit.max_connections;
	stats->per_ip = connections->limit.per_ip;
	stats->lan_max = connections->limit.lan_max;
	stats->lan_open = connections->limit.lan_open;
	stats->refused = connections->limit.refused;
	stats->timed_out = connections->timed_out;
	pthread_mutex_unlock(&connections->lock);
}
