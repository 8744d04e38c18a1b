/* Counters of what the service answered, by endpoint and outcome (the
 * tables of src/base/endpoint.h and src/base/outcome.h): openings by result,
 * refusals and printer errors by code, unanswered requests by reason, a
 * duration histogram per endpoint, and today's openings for the status page.
 * Counting is an index into arrays, lock-free (atomics) except for today's
 * openings, which are rare. */
#ifndef CASHDRAWERD_METRICS_H
#define CASHDRAWERD_METRICS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/endpoint.h"
#include "base/outcome.h"
#include "base/strbuf.h"

/* What a GET /open-cash-drawer came to. */
enum metrics_opening {
	METRICS_OPENING_SUCCESS,       /* 200, a pulse of its own */
	METRICS_OPENING_COALESCED,     /* 200, shared a pulse */
	METRICS_OPENING_REFUSED,       /* 4xx: not allowed (not_local, ...) */
	METRICS_OPENING_PRINTER_ERROR, /* 5xx: the printer (or the service) failed */
	METRICS_OPENING_COUNT
};

/* Upper bounds of the duration buckets, in microseconds; a last bucket
 * (+Inf) follows. From a cached /status (~0.1 ms) to an opening that waits
 * its whole timeout_ms (2 s by default, 60 s at most). */
#define METRICS_BUCKET_COUNT 14
extern const uint64_t metrics_bucket_bounds_us[METRICS_BUCKET_COUNT];

/* ---- pure ---- */

const char *metrics_opening_name(enum metrics_opening result);

/* The bucket of a duration: the first whose bound is >= it, or
 * METRICS_BUCKET_COUNT (+Inf). */
size_t metrics_bucket_index(uint64_t duration_us);

/* Which opening result a GET /open-cash-drawer that came to outcome is, or
 * -1 for none (an outcome that is no opening's). */
int metrics_opening_of(enum outcome outcome);

/* YYYYMMDD of t's local day. */
long metrics_day_key(time_t t);

/* ---- counters ---- */

struct metrics_histogram {
	atomic_uint_fast64_t buckets[METRICS_BUCKET_COUNT + 1]; /* not cumulative; last: +Inf */
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t count;
};

/* Today's openings: reset at the first opening or read of a new local day. */
struct metrics_today {
	long day;                                /* YYYYMMDD */
	uint64_t openings[METRICS_OPENING_COUNT];
	/* the day is looked up again only outside [from, until): localtime_r
	 * at every /status would cost more than the rest of the counting */
	time_t from, until;
};

struct metrics {
	atomic_uint_fast64_t openings[METRICS_OPENING_COUNT];
	/* every answer (and request left unanswered, on ENDPOINT_OTHER) */
	atomic_uint_fast64_t outcomes[ENDPOINT_COUNT][OUTCOME_COUNT];
	struct metrics_histogram durations[ENDPOINT_COUNT];
	pthread_mutex_t today_lock;
	struct metrics_today today;
};

void metrics_init(struct metrics *metrics);
void metrics_destroy(struct metrics *metrics);

/* Counts one answer to endpoint; kick: the request asked for a kick (a GET
 * /open-cash-drawer, the POS's cashbox: an opening, whatever it came to).
 * now: wall-clock time (for today's counts). */
void metrics_count(struct metrics *metrics, enum endpoint endpoint, bool kick,
		   enum outcome outcome, uint64_t duration_us, time_t now);

/* Counts a request that got no answer (OUTCOME_TIMEOUT, ..._CLIENT_GONE...). */
void metrics_count_unanswered(struct metrics *metrics, enum outcome outcome);

/* How many answers came to outcome, every endpoint together. */
uint64_t metrics_outcome_total(const struct metrics *metrics, enum outcome outcome);

/* Today's openings as of now (zeros once the day has changed). */
void metrics_get_today(struct metrics *metrics, time_t now, struct metrics_today *today);

/* ---- exposition (metrics_format.c) ---- */

/* What /metrics shows beside the counters: the service's state. */
struct metrics_gauges {
	const char *version;
	double start_time_s;    /* Unix time the service started */
	const char *drawer;     /* "open", "closed" or "unknown" */
	int printer_reachable;  /* 1, 0, or -1 for unknown */
	int printer_online;     /* 1, 0, -1 */
	const char *paper;      /* "ok", "near_end", "out", "unknown" */
	double printer_checked_s; /* Unix time of the last check, 0 if never */
	uint64_t log_lines_written;
	uint64_t log_write_failures;
	uint64_t syslog_sent;
	uint64_t syslog_dropped;
};

/* Appends every metric in the Prometheus text format (version 0.0.4). */
void metrics_format(struct strbuf *out, const struct metrics *metrics,
		    const struct metrics_gauges *gauges);

#endif
