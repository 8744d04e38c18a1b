/* The drawer: one printer operation at a time on a worker thread, and the
 * solenoid's protection: requests within min_interval_ms of a pulse share it.
 * Every request is answered by its arrival + timeout_ms (plus scheduling). */
#ifndef CASHDRAWERD_DRAWER_H
#define CASHDRAWERD_DRAWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "printer_uri.h"
#include "transport/transport.h"

/* Errors of the drawer itself, beside the transport's. */
enum drawer_error {
	DRAWER_ERR_BUSY = -2001,     /* waited its whole timeout behind other openings */
	DRAWER_ERR_STOPPING = -2002, /* the service is shutting down */
};

struct drawer_options {
	const struct printer_uri *uri;
	unsigned pin, pulse_on_ms, pulse_off_ms;
	unsigned timeout_ms;
	unsigned min_interval_ms;
	/* NULL: chosen from uri. Set by tests to drive a transport of their own. */
	const struct transport_ops *ops;
};

struct drawer_result {
	int error;      /* 0, a transport_error or a drawer_error */
	bool coalesced; /* shared a pulse asked by another request */
	char detail[384]; /* English, for the log: what failed and what to check */
};

struct drawer_request {
	/* Set by the caller before drawer_open; called once when the request
	 * was queued: from the drawer's thread, or at shutdown from the thread
	 * calling drawer_stop. Must not block. */
	void (*on_done)(struct drawer_request *request);
	void *context;
	struct drawer_result result;
	/* private */
	int64_t arrived_ms;
	struct drawer_request *next;
};

struct drawer_stats {
	uint64_t pulses;    /* pulses sent */
	uint64_t coalesced; /* requests answered by a shared pulse */
	uint64_t failures;  /* requests answered with an error */
	time_t last_pulse;  /* wall-clock time of the last pulse, 0 if none */
};

struct drawer;

/* Validates the kick, selects the transport, starts the worker. Returns 0 or
 * a negative code with err filled. */
int drawer_create(struct drawer **drawer, const struct drawer_options *options, char *err,
		  size_t errlen);

/* Asks for an opening. Returns true when request->result is already final
 * (a coalesced answer, or the service stopping): on_done is then NOT called.
 * Returns false when queued: on_done will be called exactly once. */
bool drawer_open(struct drawer *drawer, struct drawer_request *request);

void drawer_get_stats(struct drawer *drawer, struct drawer_stats *stats);

/* Stable machine code and French message for a result's error. */
const char *drawer_error_code(int error);
const char *drawer_error_message_fr(int error);

/* Stops taking openings (later ones get DRAWER_ERR_STOPPING at once),
 * finishes the operation under way, answers every waiting request with
 * DRAWER_ERR_STOPPING and stops the worker. The drawer stays usable by
 * drawer_open and drawer_get_stats until drawer_destroy, so that HTTP threads
 * still running at shutdown never touch freed memory. Idempotent; NULL is fine. */
void drawer_stop(struct drawer *drawer);

/* drawer_stop, then frees. Call once nothing can call the drawer any more.
 * NULL is fine. */
void drawer_destroy(struct drawer *drawer);

#endif
