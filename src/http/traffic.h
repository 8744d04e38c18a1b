/* What a connection's socket carried, as the kernel counts it, and what a
 * connection owes the log when it closes (pure; src/http/traffic_read.c
 * reads the counters). libmicrohttpd closes a connection whose request line
 * it cannot read without saying which connection it was: the counters taken
 * when each logged request ended, against those taken at the close, tell
 * whether bytes came (or an answer went) that no logged request accounts
 * for. */
#ifndef CASHDRAWERD_TRAFFIC_H
#define CASHDRAWERD_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

struct traffic {
	/* bytes received; the client's FIN counts as one (Linux's
	 * tcpi_bytes_received counts sequence numbers) */
	uint64_t received;
	/* segments that carried data (a FIN alone carries none) */
	uint64_t received_segments;
	bool segments_known;
	/* bytes the service wrote, sent or still queued; the service's own FIN
	 * may count as one while it waits behind queued data */
	uint64_t written;
	bool written_known;
};

/* What the bytes between two readings amount to. */
enum traffic_leftover {
	TRAFFIC_NOTHING,    /* no byte beyond the requests already logged */
	TRAFFIC_ANSWERED,   /* bytes that formed no request, answered with an error:
			     * the HTTP library refused a request line */
	TRAFFIC_UNANSWERED, /* bytes that formed no request, and no answer: a request line
			     * the HTTP library dropped, or one the client cut short */
	TRAFFIC_TIMED_OUT,  /* bytes that formed no request before request_timeout_s */
};

/* since: the counters when the connection's last logged request ended (all
 * zero for a new connection, the *_known flags as now's); now: at the
 * close; timed_out: the request watchdog cut the connection. */
enum traffic_leftover traffic_leftover(const struct traffic *since, const struct traffic *now,
				       bool timed_out);

/* The same for an HTTPS connection after its first request, whose bytes are
 * TLS records: a close_notify each way is no request (traffic.c says how
 * far that goes). */
enum traffic_leftover traffic_tls_leftover(const struct traffic *since, const struct traffic *now,
					   bool timed_out);

#endif
