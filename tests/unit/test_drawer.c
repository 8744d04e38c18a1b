/* Specifies the drawer: one whole kick per operation, coalescing, failures, deadlines, shutdown.
 * Time is tests/unit/fake_clock.c's: a slow printer moves the clock instead of sleeping, and a
 * test that needs requests to arrive while an operation is under way holds the printer's
 * connect until they have (fake_hold), so that no outcome depends on the machine's speed. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "drawer/drawer.h"
#include "fake_clock.h"
#include "settings/printer_uri.h"

#include "drawer/escpos.h"

/* An error's stable code and French message, as the answers give them. */
static const char *error_code(int error)
{
	return outcome_code(outcome_of_error(error));
}

static const char *outcome_message_of(int error)
{
	return outcome_message(outcome_of_error(error));
}

#define MAX_CYCLES 64
#define MAX_REQUESTS 16
#define WAIT_LIMIT_MS 2000 /* real time: a bug fails the test instead of hanging it */

static const uint8_t default_kick[ESCPOS_KICK_LEN] = {0x1B, 0x70, 0x00, 0x19, 0xFA};

/* ---- a fake printer behind struct transport_ops ---- */

struct cycle {
	uint8_t bytes[32];
	size_t len;
	bool closed;
};

static struct fake_printer {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* behaviour, set by the test */
	bool hold;                   /* open waits until the test releases it (fake_release) */
	int open_result;	     /* 0, or a transport_error returned by open */
	unsigned open_delay_ms;	     /* a slow connect (fake time, bounded by the deadline) */
	unsigned write_delay_ms;     /* a slow printer (fake time, bounded by the deadline) */
	bool write_ignores_deadline; /* a printer that keeps the line longer than asked */
	int reply;                   /* byte answered to each DLE EOT; -1: never answers */
	int write_result;            /* 0, or a transport_error returned by write */
	int read_result;             /* 0, or a transport_error returned by read instead of a reply */
	int confirm_result;          /* 0, or a transport_error returned by confirm */
	/* what happened */
	unsigned opens, writes, closes, reads, confirms;
	unsigned writes_at_confirm; /* writes done when confirm was last called */
	unsigned connected; /* open minus close: more than 1 means two operations overlap */
	bool overlapped;
	struct cycle cycles[MAX_CYCLES]; /* one per successful open */
	size_t cycle_count;
	int64_t last_deadline_ms;
	int64_t first_write_done_ms, first_read_ms; /* 0: none yet */
} fake = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

/* The printer takes delay_ms of fake time, or until the deadline if that
 * comes first; false when cut short. It yields first, so that an operation
 * overlapping this one would run and show (fake.overlapped). */
static bool take_time(unsigned delay_ms, int64_t deadline_ms)
{
	int64_t until = clock_monotonic_ms() + delay_ms;

	sched_yield();
	if (until <= deadline_ms) {
		clock_sleep_until_ms(until);
		return true;
	}
	clock_sleep_until_ms(deadline_ms);
	return false;
}

static int fake_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	unsigned delay;
	int result;

	(void)transport;
	pthread_mutex_lock(&fake.lock);
	fake.opens++;
	fake.last_deadline_ms = deadline_ms;
	delay = fake.open_delay_ms;
	result = fake.open_result;
	pthread_cond_broadcast(&fake.changed);
	while (fake.hold)
		pthread_cond_wait(&fake.changed, &fake.lock);
	pthread_mutex_unlock(&fake.lock);

	if (!take_time(delay, deadline_ms)) {
		snprintf(err, errlen, "fake printer: connect timed out");
		return TRANSPORT_ERR_TIMEOUT;
	}
	if (result < 0) {
		snprintf(err, errlen, "fake printer: %s",
			 result == TRANSPORT_ERR_CONNECTION_LOST ? "reset" : "connection refused");
		return result;
	}
	pthread_mutex_lock(&fake.lock);
	if (fake.connected > 0)
		fake.overlapped = true;
	fake.connected++;
	if (fake.cycle_count < MAX_CYCLES)
		memset(&fake.cycles[fake.cycle_count], 0, sizeof fake.cycles[0]);
	fake.cycle_count++;
	pthread_mutex_unlock(&fake.lock);
	return 0;
}

static int fake_write(struct transport *transport, const void *buf, size_t len, int64_t deadline_ms,
		      char *err, size_t errlen)
{
	unsigned delay;
	bool ignores_deadline;
	int result;

	(void)transport;
	pthread_mutex_lock(&fake.lock);
	fake.writes++;
	fake.last_deadline_ms = deadline_ms;
	delay = fake.write_delay_ms;
	ignores_deadline = fake.write_ignores_deadline;
	result = fake.write_result;
	pthread_mutex_unlock(&fake.lock);
	if (result < 0) {
		snprintf(err, errlen, "fake printer: reset");
		return result;
	}

	if (ignores_deadline)
		take_time(delay, INT64_MAX);
	else if (!take_time(delay, deadline_ms)) {
		snprintf(err, errlen, "fake printer: write timed out");
		return TRANSPORT_ERR_TIMEOUT;
	}
	pthread_mutex_lock(&fake.lock);
	if (fake.cycle_count >= 1 && fake.cycle_count <= MAX_CYCLES) {
		struct cycle *cycle = &fake.cycles[fake.cycle_count - 1];

		if (cycle->len + len <= sizeof cycle->bytes) {
			memcpy(cycle->bytes + cycle->len, buf, len);
			cycle->len += len;
		}
	}
	if (fake.first_write_done_ms == 0)
		fake.first_write_done_ms = clock_monotonic_ms();
	pthread_cond_broadcast(&fake.changed);
	pthread_mutex_unlock(&fake.lock);
	return 0;
}

static void fake_close(struct transport *transport)
{
	(void)transport;
	pthread_mutex_lock(&fake.lock);
	fake.closes++;
	fake.connected--;
	if (fake.cycle_count >= 1 && fake.cycle_count <= MAX_CYCLES)
		fake.cycles[fake.cycle_count - 1].closed = true;
	pthread_cond_broadcast(&fake.changed);
	pthread_mutex_unlock(&fake.lock);
}

/* What the printer confirmed of the bytes written (tcp: acknowledged). */
static int fake_confirm(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	int result;

	(void)transport;
	(void)deadline_ms;
	pthread_mutex_lock(&fake.lock);
	fake.confirms++;
	fake.writes_at_confirm = fake.writes;
	result = fake.confirm_result;
	pthread_mutex_unlock(&fake.lock);
	if (result < 0)
		snprintf(err, errlen, "fake printer: %s",
			 result == TRANSPORT_ERR_TIMEOUT ? "no acknowledgement" : "closed");
	return result;
}

/* A print queue: write-only, its write already the confirmation. */
static const struct transport_ops fake_ops = {
	.name = "fake",
	.open = fake_open,
	.write = fake_write,
	.read = NULL,
	.close = fake_close,
};

/* A printer that answers every DLE EOT with fake.reply (or never). */
static int fake_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		     char *err, size_t errlen)
{
	int reply, result;

	(void)transport;
	(void)len;
	pthread_mutex_lock(&fake.lock);
	fake.reads++;
	if (fake.first_read_ms == 0)
		fake.first_read_ms = clock_monotonic_ms();
	reply = fake.reply;
	result = fake.read_result;
	pthread_mutex_unlock(&fake.lock);
	if (result < 0) {
		snprintf(err, errlen, "fake printer: %s",
			 result == TRANSPORT_ERR_CONNECTION_LOST ? "closed" : "read failed");
		return result;
	}
	if (reply < 0) {
		take_time(60000, deadline_ms);
		snprintf(err, errlen, "fake printer: no answer");
		return TRANSPORT_ERR_TIMEOUT;
	}
	*(uint8_t *)buf = (uint8_t)reply;
	return 1;
}

/* A printer on a connection (tcp): reads back, confirms what it took. */
static const struct transport_ops fake_reading_ops = {
	.name = "fake-reading",
	.open = fake_open,
	.write = fake_write,
	.read = fake_read,
	.close = fake_close,
	.confirm = fake_confirm,
};

static void fake_set(int open_result, unsigned open_delay_ms, unsigned write_delay_ms)
{
	pthread_mutex_lock(&fake.lock);
	fake.open_result = open_result;
	fake.open_delay_ms = open_delay_ms;
	fake.write_delay_ms = write_delay_ms;
	pthread_mutex_unlock(&fake.lock);
}

/* The real time after WAIT_LIMIT_MS, for pthread_cond_timedwait. */
static struct timespec wait_limit(void)
{
	struct timespec limit;

	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += WAIT_LIMIT_MS / 1000;
	return limit;
}

/* Waits until the worker has called open n times in all. */
static void wait_for_opens(unsigned n)
{
	struct timespec limit = wait_limit();
	unsigned opens;

	pthread_mutex_lock(&fake.lock);
	while (fake.opens < n) {
		if (pthread_cond_timedwait(&fake.changed, &fake.lock, &limit) == ETIMEDOUT)
			break;
	}
	opens = fake.opens;
	pthread_mutex_unlock(&fake.lock);
	if (opens < n)
		fail_msg("printer opened %u times, expected %u", opens, n);
}

/* From now on the printer's open waits for fake_release: the requests the
 * test makes meanwhile all arrive while the operation is under way. */
static void fake_hold(void)
{
	pthread_mutex_lock(&fake.lock);
	fake.hold = true;
	pthread_mutex_unlock(&fake.lock);
}

static void fake_release(void)
{
	pthread_mutex_lock(&fake.lock);
	fake.hold = false;
	pthread_cond_broadcast(&fake.changed);
	pthread_mutex_unlock(&fake.lock);
}

/* Every recorded cycle is one whole default kick, closed, and none overlapped. */
static void assert_whole_kicks(size_t expected_cycles)
{
	static struct cycle cycles[MAX_CYCLES];
	size_t cycle_count;
	bool overlapped;

	/* a copy: a failed assertion must not leave the lock taken */
	pthread_mutex_lock(&fake.lock);
	overlapped = fake.overlapped;
	cycle_count = fake.cycle_count;
	memcpy(cycles, fake.cycles, sizeof cycles);
	pthread_mutex_unlock(&fake.lock);
	assert_false(overlapped);
	assert_int_equal(cycle_count, expected_cycles);
	for (size_t i = 0; i < cycle_count && i < MAX_CYCLES; i++) {
		assert_int_equal(cycles[i].len, sizeof default_kick);
		assert_memory_equal(cycles[i].bytes, default_kick, sizeof default_kick);
		assert_true(cycles[i].closed);
	}
}

/* ---- requests and their answers ---- */

static struct test_request {
	struct drawer_request request;
	unsigned done_calls;
	int64_t opened_ms, done_ms;
} requests[MAX_REQUESTS];

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static unsigned done_total;

static struct drawer *drawer;
/* destroying the drawer on another thread (destroy_while_held) */
static pthread_t destroyer;
static bool destroyer_running;

/* Whether on_done says the opening's line is written, as the HTTP side does
 * once it wrote it (drawer_logged; reset by setup). */
static bool lines_written;

static void on_done(struct drawer_request *request)
{
	struct test_request *test_request = request->context;

	if (lines_written)
		drawer_logged(drawer, request->result.pulse);
	pthread_mutex_lock(&done_lock);
	test_request->done_calls++;
	test_request->done_ms = clock_monotonic_ms();
	done_total++;
	pthread_cond_broadcast(&done_cond);
	pthread_mutex_unlock(&done_lock);
}

/* drawer_open on requests[i]; returns what drawer_open returned. */
/* Whether the openings of open_request ask for the read-back (reset by setup). */
static bool asks_read_back;

static bool open_request(size_t i)
{
	struct test_request *r = &requests[i];

	r->request.on_done = on_done;
	r->request.context = r;
	r->request.read_back = asks_read_back;
	r->opened_ms = clock_monotonic_ms();
	return drawer_open(drawer, &r->request);
}

/* Waits until on_done was called n times in all; fails after WAIT_LIMIT_MS. */
static void wait_for_answers(unsigned n)
{
	struct timespec limit = wait_limit();

	pthread_mutex_lock(&done_lock);
	while (done_total < n) {
		if (pthread_cond_timedwait(&done_cond, &done_lock, &limit) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&done_lock);
	if (done_total < n)
		fail_msg("%u answers after %d ms, expected %u", done_total, WAIT_LIMIT_MS, n);
}

static unsigned answers(void)
{
	unsigned n;

	pthread_mutex_lock(&done_lock);
	n = done_total;
	pthread_mutex_unlock(&done_lock);
	return n;
}

static const struct printer_uri *test_uri(void)
{
	static struct printer_uri uri;
	char err[256];

	/* never contacted: drawer_options.ops replaces the tcp transport */
	assert_int_equal(printer_uri_parse("tcp://127.0.0.1:9", &uri, err, sizeof err), 0);
	return &uri;
}

static void start_drawer_on(const struct transport_ops *ops, unsigned min_interval_ms,
			    unsigned timeout_ms)
{
	struct drawer_options options = {
		.uri = test_uri(),
		.pin = 2,
		.pulse_on_ms = 50,
		.pulse_off_ms = 500,
		.timeout_ms = timeout_ms,
		.min_interval_ms = min_interval_ms,
		.ops = ops,
	};
	char err[256] = "";

	if (drawer_create(&drawer, &options, err, sizeof err) != 0)
		fail_msg("drawer_create: %s", err);
	assert_non_null(drawer);
}

/* A drawer on a write-only printer (a print queue), kicking pin 2 for 50 ms. */
static void start_drawer(unsigned min_interval_ms, unsigned timeout_ms)
{
	start_drawer_on(&fake_ops, min_interval_ms, timeout_ms);
}

static void stop_drawer(void)
{
	drawer_destroy(drawer);
	drawer = NULL;
}

static int setup(void **state)
{
	(void)state;
	pthread_mutex_lock(&fake.lock);
	fake.hold = false;
	fake.open_result = 0;
	fake.open_delay_ms = fake.write_delay_ms = 0;
	fake.write_ignores_deadline = false;
	fake.reply = 0x12;
	fake.write_result = fake.read_result = fake.confirm_result = 0;
	fake.opens = fake.writes = fake.closes = fake.connected = 0;
	fake.reads = fake.confirms = fake.writes_at_confirm = 0;
	fake.overlapped = false;
	fake.cycle_count = 0;
	fake.last_deadline_ms = 0;
	fake.first_write_done_ms = fake.first_read_ms = 0;
	pthread_mutex_unlock(&fake.lock);
	pthread_mutex_lock(&done_lock);
	memset(requests, 0, sizeof requests);
	done_total = 0;
	pthread_mutex_unlock(&done_lock);
	drawer = NULL;
	asks_read_back = false;
	lines_written = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* after a failed assertion the drawer may still hold requests: answer them */
	fake_release();
	if (destroyer_running) {
		pthread_join(destroyer, NULL);
		destroyer_running = false;
		drawer = NULL;
	}
	stop_drawer();
	return 0;
}

/* ---- one opening ---- */

static void test_one_open_is_one_connection_writing_1b_70_00_19_fa(void **state)
{
	(void)state;
	start_drawer(1000, 2000);
	assert_false(open_request(0));
	wait_for_answers(1);
	stop_drawer();

	assert_int_equal(requests[0].done_calls, 1);
	assert_int_equal(requests[0].request.result.error, 0);
	assert_false(requests[0].request.result.coalesced);
	assert_int_equal(fake.opens, 1);
	assert_int_equal(fake.writes, 1);
	assert_int_equal(fake.closes, 1);
	assert_whole_kicks(1);
}

static void test_kick_uses_the_configured_pin_and_times(void **state)
{
	static const uint8_t expected[5] = {0x1B, 0x70, 0x01, 0x32, 0x64};
	struct drawer_options options = {
		.uri = test_uri(),
		.pin = 5,
		.pulse_on_ms = 100,
		.pulse_off_ms = 200,
		.timeout_ms = 2000,
		.min_interval_ms = 0,
		.ops = &fake_ops,
	};
	char err[256] = "";

	(void)state;
	assert_int_equal(drawer_create(&drawer, &options, err, sizeof err), 0);
	assert_false(open_request(0));
	wait_for_answers(1);
	stop_drawer();
	assert_int_equal(fake.cycle_count, 1);
	assert_int_equal(fake.cycles[0].len, 5);
	assert_memory_equal(fake.cycles[0].bytes, expected, 5);
}

static void test_printer_is_given_the_deadline_arrival_plus_timeout(void **state)
{
	(void)state;
	start_drawer(0, 1500);
	assert_false(open_request(0));
	wait_for_answers(1);
	assert_int_equal(fake.last_deadline_ms, requests[0].opened_ms + 1500);
}

static void test_invalid_kick_is_refused_at_create_naming_the_setting(void **state)
{
	struct drawer_options options = {
		.uri = test_uri(),
		.pin = 3,
		.pulse_on_ms = 50,
		.pulse_off_ms = 500,
		.timeout_ms = 2000,
		.min_interval_ms = 0,
		.ops = &fake_ops,
	};
	static char sentinel;
	struct drawer *created = (struct drawer *)(void *)&sentinel;
	char err[256] = "";

	(void)state;
	assert_int_equal(drawer_create(&created, &options, err, sizeof err), -EINVAL);
	assert_null(created);
	assert_non_null(strstr(err, "pin"));
	options.pin = 2;
	options.pulse_on_ms = 51;
	assert_int_equal(drawer_create(&created, &options, err, sizeof err), -EINVAL);
	assert_null(created);
	assert_non_null(strstr(err, "pulse_on_ms"));
	assert_int_equal(fake.opens, 0);
}

/* ---- the protection window ---- */

static void test_second_open_within_min_interval_is_answered_at_once_as_coalesced(void **state)
{
	(void)state;
	start_drawer(1000, 2000);
	assert_false(open_request(0));
	wait_for_answers(1);

	assert_true(open_request(1));
	assert_int_equal(requests[1].request.result.error, 0);
	assert_true(requests[1].request.result.coalesced);
	stop_drawer();

	assert_int_equal(requests[1].done_calls, 0);
	assert_int_equal(fake.writes, 1);
	assert_whole_kicks(1);
}

static void test_open_after_min_interval_pulses_again(void **state)
{
	(void)state;
	start_drawer(100, 2000);
	assert_false(open_request(0));
	wait_for_answers(1);
	fake_clock_advance_ms(99);
	assert_true(open_request(1)); /* 99 ms after the pulse: still within the window */
	assert_true(requests[1].request.result.coalesced);
	fake_clock_advance_ms(1);
	assert_false(open_request(2)); /* 100 ms: the window is over */
	wait_for_answers(2);
	stop_drawer();

	assert_int_equal(requests[2].request.result.error, 0);
	assert_false(requests[2].request.result.coalesced);
	assert_whole_kicks(2);
}

static void test_requests_during_a_slow_kick_share_it(void **state)
{
	struct drawer_stats stats;

	(void)state;
	fake_hold();
	start_drawer(1000, 2000);
	assert_false(open_request(0));
	wait_for_opens(1); /* the kick is under way, held */
	for (size_t i = 1; i <= 4; i++)
		assert_false(open_request(i));
	fake_release();
	wait_for_answers(5);
	drawer_get_stats(drawer, &stats);
	stop_drawer();

	assert_whole_kicks(1);
	assert_false(requests[0].request.result.coalesced);
	for (size_t i = 0; i <= 4; i++) {
		assert_int_equal(requests[i].done_calls, 1);
		assert_int_equal(requests[i].request.result.error, 0);
		if (i > 0)
			assert_true(requests[i].request.result.coalesced);
	}
	assert_int_equal(stats.pulses, 1);
	assert_int_equal(stats.coalesced, 4);
	assert_int_equal(stats.failures, 0);
}

struct opener {
	pthread_barrier_t *start;
	size_t index;
	bool final;
};

static void *opener_main(void *arg)
{
	struct opener *opener = arg;

	pthread_barrier_wait(opener->start);
	opener->final = open_request(opener->index);
	return NULL;
}

/* Opens requests[0..n-1] from n threads released at the same moment; returns how many were final.
 */
static unsigned open_concurrently(size_t n)
{
	pthread_t threads[MAX_REQUESTS];
	struct opener openers[MAX_REQUESTS];
	pthread_barrier_t start;
	unsigned final = 0;

	assert_true(n <= MAX_REQUESTS);
	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (size_t i = 0; i < n; i++) {
		openers[i] = (struct opener){.start = &start, .index = i};
		assert_int_equal(pthread_create(&threads[i], NULL, opener_main, &openers[i]), 0);
	}
	for (size_t i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
		final += openers[i].final;
	}
	pthread_barrier_destroy(&start);
	return final;
}

static void test_simultaneous_opens_within_min_interval_make_one_kick(void **state)
{
	const size_t n = 8;
	unsigned final, leaders = 0;

	(void)state;
	fake_set(0, 0, 20);
	start_drawer(1000, 2000);
	final = open_concurrently(n);
	wait_for_answers((unsigned)(n - final));
	stop_drawer();

	assert_whole_kicks(1);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(requests[i].request.result.error, 0);
		leaders += !requests[i].request.result.coalesced;
	}
	assert_int_equal(leaders, 1);
}

/* ---- no protection window ---- */

static void test_without_min_interval_sequential_opens_each_pulse(void **state)
{
	const unsigned n = 5;

	(void)state;
	start_drawer(0, 2000);
	for (unsigned i = 0; i < n; i++) {
		assert_false(open_request(i));
		wait_for_answers(i + 1);
		assert_int_equal(requests[i].request.result.error, 0);
		assert_false(requests[i].request.result.coalesced);
	}
	stop_drawer();
	assert_whole_kicks(n);
}

static void test_without_min_interval_concurrent_opens_each_pulse_never_interleaved(void **state)
{
	const size_t n = 12;
	struct drawer_stats stats;

	(void)state;
	fake_set(0, 2, 5);
	start_drawer(0, 2000);
	assert_int_equal(open_concurrently(n), 0);
	wait_for_answers((unsigned)n);
	drawer_get_stats(drawer, &stats);
	stop_drawer();

	assert_whole_kicks(n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(requests[i].done_calls, 1);
		assert_int_equal(requests[i].request.result.error, 0);
		assert_false(requests[i].request.result.coalesced);
	}
	assert_int_equal(stats.pulses, n);
	assert_int_equal(stats.coalesced, 0);
}

/* ---- the log line of each pulse before the next pulse ---- */

/* Two openings, the second asked once the first is answered: two pulses. */
static void two_openings_in_turn(void)
{
	start_drawer(0, 2000);
	assert_false(open_request(0));
	wait_for_answers(1);
	assert_false(open_request(1));
	wait_for_answers(2);
	stop_drawer();
	assert_whole_kicks(2);
}

static void test_the_next_pulse_waits_for_the_last_ones_line(void **state)
{
	(void)state;
	lines_written = false; /* the HTTP side is slow: no line comes */
	two_openings_in_turn();

	assert_int_equal(requests[0].request.result.pulse, 1);
	assert_int_equal(requests[1].request.result.pulse, 2);
	assert_int_equal(requests[1].request.result.error, 0);
	/* the second pulse went once the wait for the first's line was over */
	assert_true(requests[1].done_ms - requests[1].opened_ms >= DRAWER_LOG_WAIT_MS);
}

static void test_a_written_line_lets_the_next_pulse_go_at_once(void **state)
{
	(void)state;
	two_openings_in_turn();

	assert_int_equal(requests[1].request.result.pulse, 2);
	assert_true(requests[1].done_ms - requests[1].opened_ms < DRAWER_LOG_WAIT_MS);
}

/* ---- failures ---- */

static void test_refused_printer_fails_the_leader_and_its_followers(void **state)
{
	struct drawer_stats stats;

	(void)state;
	fake_set(TRANSPORT_ERR_REFUSED, 0, 0);
	fake_hold();
	start_drawer(1000, 2000);
	assert_false(open_request(0));
	wait_for_opens(1); /* connecting, held */
	for (size_t i = 1; i <= 3; i++)
		assert_false(open_request(i));
	fake_release();
	wait_for_answers(4);
	drawer_get_stats(drawer, &stats);
	stop_drawer();

	for (size_t i = 0; i <= 3; i++) {
		const struct drawer_result *result = &requests[i].request.result;

		assert_int_equal(requests[i].done_calls, 1);
		assert_int_equal(result->error, TRANSPORT_ERR_REFUSED);
		assert_string_equal(error_code(result->error), "printer_refused");
		assert_non_null(strstr(result->detail, "connection refused"));
		assert_int_equal(result->coalesced, i > 0);
	}
	assert_int_equal(fake.writes, 0);
	assert_int_equal(fake.closes, 0);
	assert_int_equal(stats.pulses, 0);
	assert_int_equal(stats.failures, 4);
	assert_int_equal(stats.last_pulse, 0);
}

static void test_after_a_failed_pulse_the_next_request_tries_again(void **state)
{
	(void)state;
	fake_set(TRANSPORT_ERR_REFUSED, 0, 0);
	start_drawer(1000, 2000);
	assert_false(open_request(0));
	wait_for_answers(1);
	assert_int_equal(requests[0].request.result.error, TRANSPORT_ERR_REFUSED);

	fake_set(TRANSPORT_ERR_REFUSED, 0, 0);
	assert_false(open_request(1));
	wait_for_answers(2);
	assert_int_equal(requests[1].request.result.error, TRANSPORT_ERR_REFUSED);
	assert_false(requests[1].request.result.coalesced);

	fake_set(0, 0, 0);
	assert_false(open_request(2));
	wait_for_answers(3);
	stop_drawer();

	assert_int_equal(requests[2].request.result.error, 0);
	assert_false(requests[2].request.result.coalesced);
	assert_int_equal(fake.opens, 3);
	assert_whole_kicks(1);
}

static void test_requests_behind_a_slow_printer_are_answered_by_their_deadline(void **state)
{
	const unsigned timeout_ms = 200, n = 5;

	(void)state;
	fake_set(0, 0, 150); /* each kick takes 150 ms */
	fake_hold();
	start_drawer(0, timeout_ms);
	for (size_t i = 0; i < n; i++)
		assert_false(open_request(i)); /* all at the same moment */
	fake_release();
	wait_for_answers(n);
	stop_drawer();

	/* the first kicks in 150 ms; the second runs out of time kicking at 200 ms; the rest
	 * never get a turn, and are told so at their deadline */
	assert_int_equal(requests[0].request.result.error, 0);
	assert_int_equal(requests[0].done_ms - requests[0].opened_ms, 150);
	assert_int_equal(requests[1].request.result.error, TRANSPORT_ERR_TIMEOUT);
	for (size_t i = 1; i < n; i++) {
		const struct drawer_result *result = &requests[i].request.result;

		assert_int_equal(requests[i].done_calls, 1);
		assert_int_equal(requests[i].done_ms - requests[i].opened_ms, timeout_ms);
		if (i >= 2) {
			assert_int_equal(result->error, DRAWER_ERR_BUSY);
			assert_string_equal(error_code(result->error), "printer_busy");
			assert_false(result->coalesced);
		}
	}
	assert_int_equal(fake.opens, 2);
}

static void test_request_past_its_deadline_in_the_queue_gets_printer_busy_and_no_kick(void **state)
{
	struct drawer_stats stats;

	(void)state;
	/* the printer holds the first kick 250 ms although the timeout is 100 ms */
	fake_set(0, 0, 250);
	fake.write_ignores_deadline = true;
	fake_hold();
	start_drawer(0, 100);
	assert_false(open_request(0));
	assert_false(open_request(1));
	assert_false(open_request(2));
	fake_release();
	wait_for_answers(3);
	drawer_get_stats(drawer, &stats);
	stop_drawer();

	assert_int_equal(requests[0].request.result.error, 0);
	for (size_t i = 1; i <= 2; i++) {
		const struct drawer_result *result = &requests[i].request.result;

		assert_int_equal(requests[i].done_calls, 1);
		assert_int_equal(result->error, DRAWER_ERR_BUSY);
		assert_string_equal(error_code(result->error), "printer_busy");
		assert_non_null(strstr(result->detail, "100 ms"));
	}
	assert_int_equal(fake.opens, 1);
	assert_whole_kicks(1);
	assert_int_equal(stats.pulses, 1);
	assert_int_equal(stats.failures, 2);
}

/* ---- shutting down ---- */

static void *destroy_main(void *arg)
{
	(void)arg;
	drawer_destroy(drawer);
	return NULL;
}

/* Whether drawer_stop has begun. Asking for a status without queueing it is
 * answered at once only when stopping, on a printer that reads and a state
 * never fresh (status_cache_ms 0): a question that changes nothing. */
static bool drawer_is_stopping(void)
{
	struct drawer_request probe = {0};

	return drawer_query_cached(drawer, &probe);
}

/* Destroys the drawer on another thread while the kick under way is held;
 * returns once the drawer is stopping, the kick still held. */
static void destroy_while_held(void)
{
	struct timespec limit = wait_limit(), now;

	assert_false(drawer_is_stopping());
	assert_int_equal(pthread_create(&destroyer, NULL, destroy_main, NULL), 0);
	destroyer_running = true;
	while (!drawer_is_stopping()) {
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > limit.tv_sec)
			fail_msg("the drawer is not stopping %d ms after drawer_destroy", WAIT_LIMIT_MS);
		sched_yield();
	}
}

/* Lets the held kick finish and waits for the destroyer: the drawer is gone. */
static void finish_destroy(void)
{
	fake_release();
	pthread_join(destroyer, NULL);
	destroyer_running = false;
	drawer = NULL;
}

static void test_destroy_answers_waiting_requests_with_service_stopping(void **state)
{
	(void)state;
	fake_hold();
	start_drawer_on(&fake_reading_ops, 0, 2000);
	assert_false(open_request(0));
	wait_for_opens(1);
	assert_false(open_request(1));
	assert_false(open_request(2));
	destroy_while_held();
	finish_destroy();

	/* the operation under way is finished, the others are told why they were not served */
	assert_int_equal(answers(), 3);
	assert_int_equal(requests[0].request.result.error, 0);
	for (size_t i = 1; i <= 2; i++) {
		assert_int_equal(requests[i].done_calls, 1);
		assert_int_equal(requests[i].request.result.error, DRAWER_ERR_STOPPING);
		assert_false(requests[i].request.result.coalesced);
		assert_string_equal(error_code(requests[i].request.result.error),
				    "service_stopping");
	}
	assert_whole_kicks(1);
}

static void test_open_while_stopping_is_answered_at_once_with_service_stopping(void **state)
{
	(void)state;
	fake_hold();
	start_drawer_on(&fake_reading_ops, 0, 2000);
	assert_false(open_request(0));
	wait_for_opens(1);
	destroy_while_held(); /* destroy has begun: it waits for the held kick */

	assert_true(open_request(1));
	assert_int_equal(requests[1].request.result.error, DRAWER_ERR_STOPPING);
	assert_false(requests[1].request.result.coalesced);

	finish_destroy();
	assert_int_equal(requests[1].done_calls, 0);
	assert_int_equal(requests[0].done_calls, 1);
	assert_int_equal(requests[0].request.result.error, 0);
}

static void test_open_after_stop_is_answered_at_once_and_stats_stay_readable(void **state)
{
	struct drawer_stats stats;

	(void)state;
	start_drawer(0, 2000);
	assert_false(open_request(0));
	wait_for_answers(1);
	drawer_stop(drawer);

	assert_true(open_request(1));
	assert_int_equal(requests[1].request.result.error, DRAWER_ERR_STOPPING);
	drawer_get_stats(drawer, &stats);
	assert_int_equal(stats.pulses, 1);
	assert_int_equal(stats.failures, 1);
	drawer_stop(drawer); /* a second stop is harmless */
	stop_drawer();

	assert_int_equal(requests[1].done_calls, 0);
	assert_whole_kicks(1);
}

static void test_stop_and_destroy_of_null_do_nothing(void **state)
{
	(void)state;
	drawer_stop(NULL);
	drawer_destroy(NULL);
}

/* ---- statistics and codes ---- */

static void test_stats_count_pulses_coalesced_answers_and_failures(void **state)
{
	struct drawer_stats stats;
	time_t first_pulse, second_pulse;

	(void)state;
	start_drawer(100, 2000);
	drawer_get_stats(drawer, &stats);
	assert_int_equal(stats.pulses, 0);
	assert_int_equal(stats.coalesced, 0);
	assert_int_equal(stats.failures, 0);
	assert_int_equal(stats.last_pulse, 0);

	first_pulse = clock_wall();
	assert_false(open_request(0)); /* pulse */
	wait_for_answers(1);
	assert_true(open_request(1)); /* coalesced */
	fake_clock_advance_ms(5000); /* past the window, on another second */
	fake_set(TRANSPORT_ERR_REFUSED, 0, 0);
	assert_false(open_request(2)); /* failure */
	wait_for_answers(2);
	assert_false(open_request(3)); /* failure: a failed pulse opens no window */
	wait_for_answers(3);
	fake_set(0, 0, 0);
	second_pulse = clock_wall();
	assert_false(open_request(4)); /* pulse */
	wait_for_answers(4);
	drawer_get_stats(drawer, &stats);
	stop_drawer();

	assert_int_equal(stats.pulses, 2);
	assert_int_equal(stats.coalesced, 1);
	assert_int_equal(stats.failures, 2);
	assert_int_equal(stats.last_pulse, second_pulse); /* the last pulse's, not the first's */
	assert_int_equal(second_pulse, first_pulse + 5);
}

static void test_error_codes_are_stable_machine_words(void **state)
{
	(void)state;
	assert_string_equal(error_code(DRAWER_ERR_BUSY), "printer_busy");
	assert_string_equal(error_code(DRAWER_ERR_STOPPING), "service_stopping");
	assert_string_equal(error_code(TRANSPORT_ERR_REFUSED), "printer_refused");
	assert_string_equal(error_code(TRANSPORT_ERR_TIMEOUT), "printer_timeout");
	assert_string_equal(error_code(TRANSPORT_ERR_UNREACHABLE), "printer_unreachable");
	assert_string_equal(error_code(TRANSPORT_ERR_CONNECTION_LOST),
			    "printer_connection_lost");
	assert_string_equal(error_code(-1), "printer_error");
}

static void test_french_messages_differ_for_busy_stopping_and_refused(void **state)
{
	const char *busy = outcome_message_of(DRAWER_ERR_BUSY);
	const char *stopping = outcome_message_of(DRAWER_ERR_STOPPING);
	const char *refused = outcome_message_of(TRANSPORT_ERR_REFUSED);

	(void)state;
	assert_true(strlen(busy) > 0 && strlen(stopping) > 0 && strlen(refused) > 0);
	assert_string_not_equal(busy, stopping);
	assert_string_not_equal(busy, refused);
	assert_string_equal(refused, outcome_message(OUTCOME_PRINTER_REFUSED));
}

/* ---- the printer's state ---- */

/* A printer that answers status; the openings ask for the read-back or not. */
static void start_reading_drawer_within(unsigned status_cache_ms, bool read_back,
					unsigned min_interval_ms)
{
	struct drawer_options options = {
		.uri = test_uri(),
		.pin = 2,
		.pulse_on_ms = 2,
		.pulse_off_ms = 500,
		.open_level_high = true,
		.timeout_ms = 2000,
		.min_interval_ms = min_interval_ms,
		.status_cache_ms = status_cache_ms,
		.status_timeout_ms = 50,
		.ops = &fake_reading_ops,
	};
	char err[256] = "";

	asks_read_back = read_back;
	if (drawer_create(&drawer, &options, err, sizeof err) != 0)
		fail_msg("drawer_create: %s", err);
}

static void start_reading_drawer_with(unsigned status_cache_ms, bool read_back)
{
	start_reading_drawer_within(status_cache_ms, read_back, 0);
}

static void start_reading_drawer(unsigned status_cache_ms)
{
	start_reading_drawer_with(status_cache_ms, true);
}

static bool query_request(size_t i)
{
	struct test_request *r = &requests[i];

	r->request.on_done = on_done;
	r->request.context = r;
	return drawer_query(drawer, &r->request);
}

static void test_concurrent_status_requests_share_one_check(void **state)
{
	(void)state;
	fake_hold(); /* the connect waits: every request arrives during the check */
	start_reading_drawer(60000);
	for (size_t i = 0; i < 5; i++)
		assert_false(query_request(i));
	fake_release();
	wait_for_answers(5);
	stop_drawer();

	assert_int_equal(fake.opens, 1);
	for (size_t i = 0; i < 5; i++) {
		const struct drawer_printer_state *s = &requests[i].request.result.state;

		assert_int_equal(requests[i].done_calls, 1);
		assert_int_equal(s->reachable, ESCPOS_FLAG_YES);
		assert_int_equal(s->drawer, ESCPOS_DRAWER_CLOSED);
		assert_int_equal(s->status.offline, ESCPOS_FLAG_NO);
		assert_int_equal(escpos_status_paper(&s->status), ESCPOS_PAPER_OK);
		assert_null(drawer_printer_state_error(s));
	}
	/* DLE EOT 1, 2 and 4 on one connection */
	assert_int_equal(fake.cycles[0].len, 9);
	assert_memory_equal(fake.cycles[0].bytes, "\x10\x04\x01\x10\x04\x02\x10\x04\x04", 9);
}

static void test_a_fresh_check_is_reused_and_a_kick_makes_it_stale(void **state)
{
	(void)state;
	start_reading_drawer(60000);
	assert_false(query_request(0));
	wait_for_answers(1);
	assert_true(query_request(1)); /* cached: final at once, nothing opened */
	assert_int_equal(fake.opens, 1);
	assert_int_equal(requests[1].request.result.state.checked_at,
			 requests[0].request.result.state.checked_at);
	assert_false(open_request(2));
	wait_for_answers(2);
	assert_false(query_request(3)); /* the drawer moved: checked again */
	wait_for_answers(3);
	stop_drawer();
	assert_int_equal(fake.opens, 3);
}

static void test_opening_reads_the_drawer_back_after_the_kick(void **state)
{
	(void)state;
	fake.reply = 0x16; /* pin 3 HIGH */
	start_reading_drawer(0);
	assert_false(open_request(0));
	wait_for_answers(1);
	stop_drawer();

	assert_int_equal(requests[0].request.result.error, 0);
	assert_int_equal(requests[0].request.result.drawer, ESCPOS_DRAWER_OPEN);
	assert_int_equal(fake.cycles[0].len, 8);
	assert_memory_equal(fake.cycles[0].bytes, "\x1b\x70\x00\x01\xfa\x10\x04\x01", 8);
}

static void test_the_drawer_is_read_back_once_the_pulse_had_time_to_throw_it(void **state)
{
	(void)state;
	start_reading_drawer(0); /* pulse_on_ms 2 */
	assert_false(open_request(0));
	wait_for_answers(1);
	stop_drawer();

	assert_int_equal(fake.first_read_ms - fake.first_write_done_ms, 2);
	assert_int_equal(requests[0].request.result.drawer, ESCPOS_DRAWER_CLOSED);
}

static void test_without_read_back_an_opening_is_done_once_the_kick_is_written(void **state)
{
	(void)state;
	fake.reply = 0x16; /* it would say open */
	start_reading_drawer_with(0, false);
	assert_false(open_request(0));
	wait_for_answers(1);
	stop_drawer();

	assert_int_equal(requests[0].request.result.error, 0);
	assert_int_equal(requests[0].request.result.drawer, ESCPOS_DRAWER_UNKNOWN);
	assert_int_equal(fake.cycles[0].len, 5); /* the kick, no DLE EOT 1 */
	assert_memory_equal(fake.cycles[0].bytes, "\x1b\x70\x00\x01\xfa", 5);
}

/* Openings that do not ask, then one that does, all queued behind a slow
 * status check: they share one pulse, read back for everyone. */
static void test_a_pulse_is_read_back_when_one_request_waiting_for_it_asks(void **state)
{
	(void)state;
	fake.reply = 0x16; /* pin 3 HIGH: open */
	fake_hold(); /* the check's connect waits: the openings queue behind it */
	start_reading_drawer_within(0, false, 1000);
	assert_false(query_request(0));
	wait_for_opens(1);
	assert_false(open_request(1));
	assert_false(open_request(2));
	asks_read_back = true;
	assert_false(open_request(3));
	fake_release();
	wait_for_answers(4);
	stop_drawer();

	for (size_t i = 1; i <= 3; i++) {
		assert_int_equal(requests[i].request.result.error, 0);
		assert_int_equal(requests[i].request.result.drawer, ESCPOS_DRAWER_OPEN);
	}
	assert_false(requests[1].request.result.coalesced);
	assert_true(requests[3].request.result.coalesced);
	assert_int_equal(fake.cycle_count, 2); /* the check, then one kick */
	assert_int_equal(fake.cycles[1].len, 8);
	assert_memory_equal(fake.cycles[1].bytes, "\x1b\x70\x00\x01\xfa\x10\x04\x01", 8);
}

/* The field's request (no read-back) right after one that asked: it shares
 * the pulse, and is answered with what the pulse found, never waiting again. */
static void test_an_opening_within_the_window_of_a_read_back_pulse_gets_its_drawer(void **state)
{
	(void)state;
	fake.reply = 0x16;
	start_reading_drawer_within(0, true, 60000);
	assert_false(open_request(0));
	wait_for_answers(1);
	asks_read_back = false;
	assert_true(open_request(1)); /* final at once */
	stop_drawer();

	assert_int_equal(requests[0].request.result.drawer, ESCPOS_DRAWER_OPEN);
	assert_true(requests[1].request.result.coalesced);
	assert_int_equal(requests[1].request.result.drawer, ESCPOS_DRAWER_OPEN);
	assert_int_equal(fake.cycle_count, 1);
}

/* Asking after a pulse that was not read back: nothing is fired again, and
 * the answer does not pretend to know the drawer. */
static void test_a_read_back_asked_within_the_window_of_an_unread_pulse_is_unknown(void **state)
{
	(void)state;
	fake.reply = 0x16;
	start_reading_drawer_within(0, false, 60000);
	assert_false(open_request(0));
	wait_for_answers(1);
	asks_read_back = true;
	assert_true(open_request(1));
	stop_drawer();

	assert_int_equal(requests[0].request.result.drawer, ESCPOS_DRAWER_UNKNOWN);
	assert_true(requests[1].request.result.coalesced);
	assert_int_equal(requests[1].request.result.drawer, ESCPOS_DRAWER_UNKNOWN);
	assert_int_equal(fake.cycle_count, 1);
	assert_int_equal(fake.cycles[0].len, 5); /* the kick alone */
}

static void test_a_silent_printer_is_asked_once_then_openings_do_not_wait(void **state)
{
	(void)state;
	fake.reply = -1;
	start_reading_drawer(0);
	assert_false(open_request(0));
	wait_for_answers(1);
	assert_false(open_request(1));
	wait_for_answers(2);
	stop_drawer();

	assert_int_equal(requests[0].request.result.error, 0);
	assert_int_equal(requests[0].request.result.drawer, ESCPOS_DRAWER_UNKNOWN);
	assert_int_equal(requests[1].request.result.drawer, ESCPOS_DRAWER_UNKNOWN);
	assert_int_equal(fake.cycles[0].len, 8); /* kick + DLE EOT 1 */
	assert_int_equal(fake.cycles[1].len, 5); /* kick only */
}

/* One opening on the reading fake; returns its result. */
static const struct drawer_result *open_once(bool read_back)
{
	start_reading_drawer_with(0, read_back);
	assert_false(open_request(0));
	wait_for_answers(1);
	stop_drawer();
	return &requests[0].request.result;
}

static void test_a_valid_reply_vouches_for_the_kick_without_asking_the_transport(void **state)
{
	const struct drawer_result *result;

	(void)state;
	fake.confirm_result = TRANSPORT_ERR_CONNECTION_LOST; /* would fail, if asked */
	result = open_once(true);
	assert_int_equal(result->error, 0);
	assert_int_equal(result->drawer, ESCPOS_DRAWER_CLOSED);
	assert_int_equal(fake.confirms, 0);
}

static void test_a_connection_lost_instead_of_the_reply_fails_the_opening(void **state)
{
	struct drawer_stats stats;

	(void)state;
	fake.read_result = TRANSPORT_ERR_CONNECTION_LOST;
	start_reading_drawer_with(0, true);
	assert_false(open_request(0));
	wait_for_answers(1);
	drawer_get_stats(drawer, &stats);
	stop_drawer();

	assert_int_equal(requests[0].request.result.error, TRANSPORT_ERR_CONNECTION_LOST);
	assert_string_equal(requests[0].request.result.detail,
			    "ordre d'ouverture non confirmé : fake printer: closed");
	assert_int_equal(requests[0].request.result.drawer, ESCPOS_DRAWER_UNKNOWN);
	assert_int_equal(stats.pulses, 0);
	assert_int_equal(stats.failures, 1);
	assert_int_equal(fake.cycles[0].len, 8); /* the kick and DLE EOT 1 went out */
	assert_true(fake.cycles[0].closed);
}

static void test_a_read_back_failure_that_loses_no_connection_leaves_the_opening_done(
	void **state)
{
	const struct drawer_result *result;

	(void)state;
	fake.read_result = TRANSPORT_ERR_IO; /* a USB printer that cannot read back, say */
	result = open_once(true);
	assert_int_equal(result->error, 0);
	assert_string_equal(result->detail, "tiroir non relu : fake printer: read failed");
	assert_int_equal(fake.confirms, 1); /* no reply: the transport vouches */
}

static void test_a_silent_printer_is_confirmed_after_the_kick_and_its_query(void **state)
{
	const struct drawer_result *result;

	(void)state;
	fake.reply = -1;
	result = open_once(true);
	assert_int_equal(result->error, 0);
	assert_string_equal(result->detail, "");
	assert_int_equal(fake.confirms, 1);
	assert_int_equal(fake.writes_at_confirm, 2); /* after the kick and DLE EOT 1 */
}

static void test_without_read_back_the_opening_is_done_once_the_transport_confirms_the_kick(
	void **state)
{
	const struct drawer_result *result;

	(void)state;
	result = open_once(false);
	assert_int_equal(result->error, 0);
	assert_int_equal(fake.confirms, 1);
	assert_int_equal(fake.writes_at_confirm, 1);
	assert_int_equal(fake.reads, 0);
	assert_true(fake.cycles[0].closed);
}

static void test_without_read_back_a_connection_lost_before_confirmation_fails_the_opening(
	void **state)
{
	const struct drawer_result *result;

	(void)state;
	fake.confirm_result = TRANSPORT_ERR_CONNECTION_LOST;
	result = open_once(false);
	assert_int_equal(result->error, TRANSPORT_ERR_CONNECTION_LOST);
	assert_string_equal(result->detail, "ordre d'ouverture non confirmé : fake printer: closed");
}

static void test_without_read_back_a_kick_never_confirmed_is_a_timeout(void **state)
{
	const struct drawer_result *result;

	(void)state;
	fake.confirm_result = TRANSPORT_ERR_TIMEOUT;
	result = open_once(false);
	assert_int_equal(result->error, TRANSPORT_ERR_TIMEOUT);
	assert_string_equal(result->detail, "fake printer: no acknowledgement");
}

static void test_a_connection_lost_while_writing_the_kick_fails_the_opening(void **state)
{
	const struct drawer_result *result;

	(void)state;
	fake.write_result = TRANSPORT_ERR_CONNECTION_LOST;
	result = open_once(true);
	assert_int_equal(result->error, TRANSPORT_ERR_CONNECTION_LOST);
	assert_string_equal(result->detail, "ordre d'ouverture non confirmé : fake printer: reset");
	assert_int_equal(fake.reads + fake.confirms, 0);
}

static void test_a_connection_lost_as_it_opened_is_told_as_the_others(void **state)
{
	const struct drawer_result *result;

	(void)state;
	fake_set(TRANSPORT_ERR_CONNECTION_LOST, 0, 0);
	result = open_once(true);
	assert_int_equal(result->error, TRANSPORT_ERR_CONNECTION_LOST);
	assert_string_equal(result->detail, "ordre d'ouverture non confirmé : fake printer: reset");
	assert_int_equal(fake.writes, 0);
}

static void test_a_write_only_transport_needs_no_confirmation(void **state)
{
	(void)state;
	fake.confirm_result = TRANSPORT_ERR_CONNECTION_LOST; /* fake_ops has no confirm */
	start_drawer(0, 2000);
	assert_false(open_request(0));
	wait_for_answers(1);
	stop_drawer();
	assert_int_equal(requests[0].request.result.error, 0);
	assert_int_equal(fake.confirms, 0);
}

static void test_status_of_a_write_only_transport_is_unknown_and_opens_nothing(void **state)
{
	(void)state;
	start_drawer(0, 2000); /* fake_ops: read = NULL, like a print queue */
	assert_true(query_request(0));
	stop_drawer();

	assert_false(requests[0].request.result.state.can_read);
	assert_int_equal(requests[0].request.result.state.reachable, ESCPOS_FLAG_UNKNOWN);
	assert_int_equal(requests[0].request.result.state.drawer, ESCPOS_DRAWER_UNKNOWN);
	assert_int_equal(fake.opens, 0);
}

static void test_status_of_a_refused_printer_says_unreachable(void **state)
{
	(void)state;
	fake_set(TRANSPORT_ERR_REFUSED, 0, 0);
	start_reading_drawer(0);
	assert_false(query_request(0));
	wait_for_answers(1);
	stop_drawer();

	assert_int_equal(requests[0].request.result.state.reachable, ESCPOS_FLAG_NO);
	assert_string_equal(drawer_printer_state_error(&requests[0].request.result.state),
			    "printer_refused");
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_one_open_is_one_connection_writing_1b_70_00_19_fa),
		TEST(test_kick_uses_the_configured_pin_and_times),
		TEST(test_printer_is_given_the_deadline_arrival_plus_timeout),
		TEST(test_invalid_kick_is_refused_at_create_naming_the_setting),
		TEST(test_second_open_within_min_interval_is_answered_at_once_as_coalesced),
		TEST(test_open_after_min_interval_pulses_again),
		TEST(test_requests_during_a_slow_kick_share_it),
		TEST(test_simultaneous_opens_within_min_interval_make_one_kick),
		TEST(test_without_min_interval_sequential_opens_each_pulse),
		TEST(test_without_min_interval_concurrent_opens_each_pulse_never_interleaved),
		TEST(test_the_next_pulse_waits_for_the_last_ones_line),
		TEST(test_a_written_line_lets_the_next_pulse_go_at_once),
		TEST(test_refused_printer_fails_the_leader_and_its_followers),
		TEST(test_after_a_failed_pulse_the_next_request_tries_again),
		TEST(test_requests_behind_a_slow_printer_are_answered_by_their_deadline),
		TEST(test_request_past_its_deadline_in_the_queue_gets_printer_busy_and_no_kick),
		TEST(test_destroy_answers_waiting_requests_with_service_stopping),
		TEST(test_open_while_stopping_is_answered_at_once_with_service_stopping),
		TEST(test_open_after_stop_is_answered_at_once_and_stats_stay_readable),
		TEST(test_stop_and_destroy_of_null_do_nothing),
		TEST(test_stats_count_pulses_coalesced_answers_and_failures),
		TEST(test_error_codes_are_stable_machine_words),
		TEST(test_french_messages_differ_for_busy_stopping_and_refused),
		TEST(test_concurrent_status_requests_share_one_check),
		TEST(test_a_fresh_check_is_reused_and_a_kick_makes_it_stale),
		TEST(test_opening_reads_the_drawer_back_after_the_kick),
		TEST(test_the_drawer_is_read_back_once_the_pulse_had_time_to_throw_it),
		TEST(test_without_read_back_an_opening_is_done_once_the_kick_is_written),
		TEST(test_a_pulse_is_read_back_when_one_request_waiting_for_it_asks),
		TEST(test_an_opening_within_the_window_of_a_read_back_pulse_gets_its_drawer),
		TEST(test_a_read_back_asked_within_the_window_of_an_unread_pulse_is_unknown),
		TEST(test_a_silent_printer_is_asked_once_then_openings_do_not_wait),
		TEST(test_a_valid_reply_vouches_for_the_kick_without_asking_the_transport),
		TEST(test_a_connection_lost_instead_of_the_reply_fails_the_opening),
		TEST(test_a_read_back_failure_that_loses_no_connection_leaves_the_opening_done),
		TEST(test_a_silent_printer_is_confirmed_after_the_kick_and_its_query),
		TEST(test_without_read_back_the_opening_is_done_once_the_transport_confirms_the_kick),
		TEST(test_without_read_back_a_connection_lost_before_confirmation_fails_the_opening),
		TEST(test_without_read_back_a_kick_never_confirmed_is_a_timeout),
		TEST(test_a_connection_lost_while_writing_the_kick_fails_the_opening),
		TEST(test_a_connection_lost_as_it_opened_is_told_as_the_others),
		TEST(test_a_write_only_transport_needs_no_confirmation),
		TEST(test_status_of_a_write_only_transport_is_unknown_and_opens_nothing),
		TEST(test_status_of_a_refused_printer_says_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
