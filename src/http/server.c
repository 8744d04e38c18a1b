/* libmicrohttpd glue: our own listening sockets (exact errors, dual stack,
 * port 0), one MHD daemon with a small thread pool per socket (with HTTPS:
 * a plain and a TLS daemon per socket, fed by front.c), the till's own lanes
 * on the loopback addresses, and the per-request state. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <time.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/resource.h> /* Windows has no descriptor limit for sockets */
#endif
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/timefmt.h"
#include "base/json_arena.h"
#include "http/connections.h"
#ifdef CASHDRAWERD_HAVE_TLS
#include "http/front.h"
#include "tls/credentials.h"
#endif
#include "http/listener.h"
#include "http/request_cycle.h"

/* every bind address, and the two lanes of the wildcard */
#define LISTEN_MAX (CONFIG_LIST_MAX + 2)
/* Descriptors the daemon needs besides its connections: log, printer,
 * listening sockets, MHD's own. */
#define SPARE_DESCRIPTORS 64
/* Per-connection buffer for the request line, headers and answer headers.
 * Browsers send well under 2 KiB here; MHD zeroes the buffer for every
 * request, so a smaller one is faster and keeps memory low. A request whose
 * headers do not fit gets 431. */
#define CONNECTION_MEMORY_BYTES 8192
/* At shutdown, longest wait for the requests under way (the drawer's last
 * answers) to be sent before every connection is closed. */
#define STOP_DRAIN_MS 1000

struct http_server {
	struct daemon_context *context;
	struct http_connections *connections; /* limits and the request watchdog */
	/* with HTTPS, two per listening socket: plain, then TLS */
	struct MHD_Daemon *daemons[2 * LISTEN_MAX];
	/* listening sockets handed back by MHD_quiesce_daemon, ours to close;
	 * -1 while MHD owns them (MHD_stop_daemon closes those) or front.c does */
	int sockets[2 * LISTEN_MAX];
	size_t count;
#ifdef CASHDRAWERD_HAVE_TLS
	/* HTTPS: the certificate and key, and one front door per listening socket */
	bool tls;
	struct tls_credentials credentials;
	struct http_front *fronts[LISTEN_MAX];
	size_t front_count;
#endif
	char tls_note[1100]; /* why HTTPS is not served, "": it is or is off */
	bool tls_broken;     /* ...because its files cannot be used: an error */
	/* listening sockets opened, served once the start is logged (http_server_serve) */
	struct {
		int fd;
		unsigned threads;
		bool lane;
	} pending[LISTEN_MAX + 2];
	size_t pending_count;
	char description[512];
	/* the cls of every request callback: the context, the lanes, the count */
	struct http_cycle cycle;
};

/* One daemon: on listening socket fd, or fed by front.c (fd -1); TLS with
 * the server's certificate when tls. */
static int start_daemon(struct http_server *server, int fd, unsigned threads, bool tls, char *err,
			size_t errlen)
{
	const struct config *config = server->context->config;
	struct MHD_OptionItem extra[5];
	size_t n = 0;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *daemon;

	if (fd >= 0)
		extra[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
	else
		flags |= MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC; /* MHD_add_connection wakes it */
#ifdef CASHDRAWERD_HAVE_TLS
	if (tls) {
		flags |= MHD_USE_TLS;
		extra[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
						     server->credentials.key_pem};
		extra[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
						     server->credentials.cert_pem};
		extra[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
						     (void *)TLS_PRIORITIES};
	}
#else
	(void)tls;
#endif
	extra[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	/* The accept policy keeps LAN clients under their caps, so that loopback
	 * always finds room below max_connections, which the policy counts for
	 * every daemon together (MHD's own limit is per daemon); front.c
	 * asks it itself at its accept. */
	daemon = MHD_start_daemon(
		flags, 0, fd >= 0 ? http_connections_accept : NULL, server->connections,
		http_cycle_request, &server->cycle,
		/* first, so that MHD reports even the errors of the options below to our log */
		MHD_OPTION_EXTERNAL_LOGGER, http_cycle_mhd_log, &server->cycle, MHD_OPTION_ARRAY,
		extra,
		MHD_OPTION_CONNECTION_TIMEOUT, config->connection_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, config->max_connections,
		MHD_OPTION_NOTIFY_CONNECTION, http_connections_notify, server->connections,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY_BYTES,
		MHD_OPTION_URI_LOG_CALLBACK, http_cycle_request_line, &server->cycle,
		MHD_OPTION_UNESCAPE_CALLBACK, http_cycle_unescape, NULL,
		MHD_OPTION_NOTIFY_COMPLETED, http_cycle_completed, &server->cycle,
		/* last: one thread is no pool, and MHD warns at a pool of size 0 */
		threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, MHD_OPTION_END);
	if (daemon == NULL) {
		snprintf(err, errlen, "impossible de démarrer le serveur %s (la raison de "
			 "libmicrohttpd est dans le journal)", tls ? "HTTPS" : "HTTP");
		return -EIO;
	}
	server->daemons[server->count] = daemon;
	server->sockets[server->count++] = -1;
	return 0;
}

/* Serves listening socket fd (which it then owns, even on failure): one
 * daemon on it, or with HTTPS a plain and a TLS daemon behind a front door. */
static int serve_socket(struct http_server *server, int fd, unsigned threads, char *err,
			size_t errlen)
{
	int rc;

#ifdef CASHDRAWERD_HAVE_TLS
	if (server->tls) {
		struct http_front *front;

		if ((rc = start_daemon(server, -1, threads, false, err, errlen)) < 0 ||
		    (rc = start_daemon(server, -1, threads, true, err, errlen)) < 0 ||
		    (rc = http_front_start(&front, fd, server->daemons[server->count - 2],
					   server->daemons[server->count - 1], server->connections,
					   server->context, err, errlen)) < 0) {
			close(fd);
			return rc;
		}
		server->fronts[server->front_count++] = front;
		return 0;
	}
#endif
	if ((rc = start_daemon(server, fd, threads, false, err, errlen)) < 0)
		close(fd);
	return rc;
}

#ifdef CASHDRAWERD_HAVE_TLS
/* HTTPS when the setting asks and the certificate is there. Without it, or
 * with one that cannot be used, HTTP still serves: the till's drawer must
 * open whatever happened to a certificate; the log (an ERROR for a broken
 * one) and /status (tls.error) say why. */
static void load_tls(struct http_server *server)
{
	struct daemon_context *context = server->context;
	const struct config *config = context->config;
	char why[1024], warning[256];
	int rc;

	if (!config->tls)
		return;
	rc = tls_credentials_load(&server->credentials, config->tls_cert, config->tls_key, why,
				  sizeof why);
	if (rc == -ENOENT) {
		/* not set up yet (a till that only ever served HTTP): said after
		 * the start line, not warned */
		snprintf(server->tls_note, sizeof server->tls_note, "HTTPS pas en place : %s", why);
		return;
	}
	if (rc < 0) {
		server->tls_broken = true;
		snprintf(server->tls_note, sizeof server->tls_note,
			 "HTTPS désactivé, HTTP seul : %s ; ou réglez tls sur false", why);
		snprintf(context->tls_error, sizeof context->tls_error, "%s", why);
		return;
	}
	server->tls = true;
	context->tls_on = true;
	context->tls_not_after = server->credentials.not_after;
	tls_expiry_check(server->credentials.not_after, time(NULL), warning, sizeof warning);
	if (warning[0] != '\0')
		rotlog_write(context->log, ROTLOG_WARNING, "HTTPS : %s", warning);
}
#endif

/* Lets the process hold max_connections sockets, each with the file of a
 * /logs download: a soft limit of 1024 descriptors is common. Counting the
 * sockets alone, a LAN holding downloads it never reads took the
 * descriptors of the quarter kept for the till, whose connections accept
 * then refused. Up to the hard limit only; failure is harmless
 * (connections beyond it are refused by accept, loopback reserve included). */
#ifdef _WIN32
static void raise_descriptor_limit(size_t wanted)
{
	(void)wanted;
}
#else
static void raise_descriptor_limit(rlim_t wanted)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) < 0 || limit.rlim_cur >= wanted)
		return;
	limit.rlim_cur = limit.rlim_max == RLIM_INFINITY || limit.rlim_max > wanted ? wanted
										     : limit.rlim_max;
	setrlimit(RLIMIT_NOFILE, &limit);
}
#endif

/* A listening socket to serve once the start is logged (it owns fd). */
static void defer_socket(struct http_server *server, int fd, unsigned threads, bool lane)
{
	if (server->pending_count == sizeof server->pending / sizeof server->pending[0]) {
		close(fd);
		return;
	}
	server->pending[server->pending_count].fd = fd;
	server->pending[server->pending_count].threads = threads;
	server->pending[server->pending_count].lane = lane;
	server->pending_count++;
}

/* The till's lanes (where SO_REUSEPORT exists): listening on every
 * interface, the loopback addresses get listeners of their own, each with an
 * MHD thread of its own, so a LAN client flooding the service never queues
 * the till's openings behind its requests in an event loop. The kernel gives
 * a connection to 127.0.0.1 or ::1 to the listener bound to that address
 * rather than to the wildcard one. SO_REUSEPORT, set on the wildcard only
 * once it is bound, lets them share the port while a second service still
 * gets EADDRINUSE. A lane that cannot open (no IPv6) is simply not there:
 * the wildcard still takes those clients. */
static void open_till_lanes(struct http_server *server, int wildcard, unsigned port)
{
#ifdef SO_REUSEPORT
	static const char *const lanes[] = {"127.0.0.1", "::1"};
	char desc[128], err[256];
	unsigned bound;
	int one = 1, fd;

	if (setsockopt(wildcard, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0)
		return;
	for (size_t i = 0; i < sizeof lanes / sizeof lanes[0]; i++) {
		if (http_listener_open(lanes[i], port, true, &fd, &bound, desc, sizeof desc, err,
				  sizeof err) < 0)
			continue;
		defer_socket(server, fd, 1, true);
	}
#else
	(void)server, (void)wildcard, (void)port;
#endif
}

int http_server_start(struct http_server **out, struct daemon_context *context, char *err,
		      size_t errlen)
{
	const struct config *config = context->config;
	struct http_server *server = calloc(1, sizeof *server);
	size_t wanted = config->bind_count > 0 ? config->bind_count : 1;
	char desc[128];
	int rc = 0, fd = -1;
	unsigned port;

	*out = NULL;
	if (server == NULL)
		return -ENOMEM;
	server->context = context;
	server->cycle.context = context;
	/* before the HTTP threads: their answers' JSON comes from per-thread arenas */
	json_arena_install();
	raise_descriptor_limit(2 * config->max_connections * wanted + SPARE_DESCRIPTORS);
	if ((rc = http_connections_create(&server->connections, context, err, errlen)) < 0)
		goto fail;
	context->connections = server->connections;
	server->cycle.connections = server->connections;
#ifdef CASHDRAWERD_HAVE_TLS
	load_tls(server);
#endif
	if (timefmt_iso8601(context->started_at, context->started_at_text,
			    sizeof context->started_at_text) < 0)
		snprintf(context->started_at_text, sizeof context->started_at_text, "unknown");
	for (size_t i = 0; i < wanted; i++) {
		const char *address = config->bind_count > 0 ? config->bind[i] : NULL;

		rc = http_listener_open_setting(address, config->port, &fd, &port, desc, sizeof desc,
						err, errlen);
		if (rc < 0)
			goto fail;
		if (address == NULL)
			open_till_lanes(server, fd, port);
		defer_socket(server, fd, config->threads, false);
		snprintf(server->description + strlen(server->description),
			 sizeof server->description - strlen(server->description), "%s%s",
			 i > 0 ? ", " : "", desc);
	}
#ifdef CASHDRAWERD_HAVE_TLS
	if (server->tls)
		snprintf(server->description + strlen(server->description),
			 sizeof server->description - strlen(server->description), ", HTTP et HTTPS");
#endif
	*out = server;
	return 0;
fail:
	http_server_stop(server);
	return rc;
}

int http_server_serve(struct http_server *server, char *err, size_t errlen)
{
	int rc = 0;

	for (size_t i = 0; i < server->pending_count; i++) {
		/* a till lane that cannot be served is simply not there */
		char lane_err[256];
		bool lane = server->pending[i].lane;
		int fd = server->pending[i].fd;

		server->pending[i].fd = -1;
		if (rc < 0) {
			close(fd);
			continue;
		}
		if (lane) {
			if (serve_socket(server, fd, 1, lane_err, sizeof lane_err) == 0)
				atomic_store(&server->cycle.lanes, true);
		} else {
			rc = serve_socket(server, fd, server->pending[i].threads, err, errlen);
		}
	}
	server->pending_count = 0;
	return rc;
}

const char *http_server_tls_note(const struct http_server *server, bool *error)
{
	*error = server->tls_broken;
	return server->tls_note[0] != '\0' ? server->tls_note : NULL;
}

const char *http_server_describe(const struct http_server *server)
{
	return server->description;
}

/* The front doors stop accepting (their silent connections are closed). */
static void stop_fronts(struct http_server *server)
{
#ifdef CASHDRAWERD_HAVE_TLS
	for (size_t i = 0; i < server->front_count; i++)
		http_front_stop(server->fronts[i]);
	server->front_count = 0;
#else
	(void)server;
#endif
}

void http_server_quiesce(struct http_server *server)
{
	if (server != NULL)
		stop_fronts(server);
	for (size_t i = 0; server != NULL && i < server->count; i++)
		if (server->sockets[i] < 0)
			server->sockets[i] = MHD_quiesce_daemon(server->daemons[i]);
}

/* Lets MHD send the answers still under way (bounded: a keep-alive client
 * could go on sending requests). */
static void wait_for_requests(struct http_server *server, int64_t max_ms)
{
	int64_t deadline = clock_monotonic_ms() + max_ms;

	while (atomic_load(&server->cycle.active) > 0 && clock_monotonic_ms() < deadline) {
		struct timespec pause = {.tv_sec = 0, .tv_nsec = 5 * 1000000L};

		nanosleep(&pause, NULL);
	}
}

void http_server_stop(struct http_server *server)
{
	if (server == NULL)
		return;
	stop_fronts(server);
	wait_for_requests(server, STOP_DRAIN_MS);
	for (size_t i = 0; i < server->count; i++) {
		MHD_stop_daemon(server->daemons[i]);
		if (server->sockets[i] >= 0)
			close(server->sockets[i]);
	}
	for (size_t i = 0; i < server->pending_count; i++) /* never served */
		close(server->pending[i].fd);
	/* every connection is closed: the watchdog has nothing left to watch */
	server->context->connections = NULL;
	http_connections_destroy(server->connections);
#ifdef CASHDRAWERD_HAVE_TLS
	tls_credentials_free(&server->credentials);
#endif
	free(server);
}
