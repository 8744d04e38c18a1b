/* The drawer: serialises printer operations (kicks and status checks) on
 * one worker thread, coalesces the openings that come close together into
 * one pulse, and shares one status check among concurrent askers. */
#include "drawer/drawer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "drawer/drawer_printer.h"
#include "drawer/escpos.h"

struct drawer {
	struct drawer_options options;
	struct printer_uri uri;
	struct drawer_printer printer;

	pthread_t worker;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	/* waiting for their own operation, oldest first; how many are openings */
	struct drawer_request *pending, **pending_tail;
	size_t pending_opens;
	/* the operation under way: its leader and the requests sharing it */
	bool in_flight;
	struct drawer_request *followers;
	/* end of the last successful pulse, for the coalescing window */
	bool have_pulse;
	int64_t last_pulse_ms;
	enum escpos_drawer last_pulse_drawer; /* read back after it */
	/* pulses tried, and the last of them whose opening's line is written */
	uint64_t pulses_tried, pulse_logged;
	struct drawer_stats stats;
	/* a check nobody waits for (drawer_refresh), while it is queued */
	struct drawer_request refresh;
	bool refresh_queued;
	/* the last status check, reused for status_cache_ms */
	bool have_state;
	int64_t state_ms;
	struct drawer_printer_state state;
};

static void answer(struct drawer_request *list, const struct drawer_result *result, bool coalesced)
{
	while (list != NULL) {
		struct drawer_request *next = list->next;

		list->result = *result;
		list->result.coalesced = coalesced;
		list->on_done(list);
		list = next;
	}
}

static struct drawer_request *pop_pending(struct drawer *drawer)
{
	struct drawer_request *request = drawer->pending;

	drawer->pending = request->next;
	if (drawer->pending == NULL)
		drawer->pending_tail = &drawer->pending;
	request->next = NULL;
	if (request->kind == DRAWER_REQUEST_OPEN)
		drawer->pending_opens--;
	return request;
}

/* Takes every pending request of one kind out of the queue, in order. */
static struct drawer_request *take_pending(struct drawer *drawer, enum drawer_request_kind kind)
{
	struct drawer_request *taken = NULL, **taken_tail = &taken, **link = &drawer->pending;

	while (*link != NULL) {
		struct drawer_request *request = *link;

		if (request->kind != kind) {
			link = &request->next;
			continue;
		}
		*link = request->next;
		request->next = NULL;
		*taken_tail = request;
		taken_tail = &request->next;
		if (kind == DRAWER_REQUEST_OPEN)
			drawer->pending_opens--;
	}
	drawer->pending_tail = link;
	return taken;
}

static bool state_is_fresh(const struct drawer *drawer, int64_t now)
{
	return drawer->have_state && now - drawer->state_ms < (int64_t)drawer->options.status_cache_ms;
}

/* A status request at the head of the queue: one check answers every status
 * request waiting. Called and returns with the lock held. */
static void run_status(struct drawer *drawer, struct drawer_request *leader)
{
	struct drawer_result result = {0};
	struct drawer_request *others;
	int64_t now = clock_monotonic_ms(), deadline_ms = leader->arrived_ms + drawer->options.timeout_ms;

	/* Fresh from a check answered meanwhile, or waited too long behind
	 * openings: the last state, with its own checked_at, is the answer. */
	if (!state_is_fresh(drawer, now) && now < deadline_ms) {
		pthread_mutex_unlock(&drawer->lock);
		drawer_printer_check(&drawer->printer, deadline_ms, &result.state, result.detail,
				     sizeof result.detail);
		pthread_mutex_lock(&drawer->lock);
		drawer->state = result.state;
		drawer->have_state = true;
		drawer->state_ms = clock_monotonic_ms();
	}
	result.state = drawer->state;
	others = take_pending(drawer, DRAWER_REQUEST_STATUS);
	pthread_mutex_unlock(&drawer->lock);
	answer(leader, &result, false);
	answer(others, &result, false);
	pthread_mutex_lock(&drawer->lock);
}

/* A receipt at the head of the queue: sent whole on a connection of its
 * own. Called and returns with the lock held. */
static void run_print(struct drawer *drawer, struct drawer_request *request)
{
	struct drawer_result result = {0};
	int64_t deadline_ms = request->arrived_ms + drawer->options.print_timeout_ms;

	if (clock_monotonic_ms() >= deadline_ms) {
		result.error = DRAWER_ERR_BUSY;
		snprintf(result.detail, sizeof result.detail,
			 "ticket en attente depuis %u ms derrière d'autres opérations (imprimante "
			 "lente ou muette)",
			 drawer->options.print_timeout_ms);
	} else {
		pthread_mutex_unlock(&drawer->lock);
		result.error = drawer_printer_print(&drawer->printer, request->job,
						    request->job_length, deadline_ms, result.detail,
						    sizeof result.detail);
		pthread_mutex_lock(&drawer->lock);
		/* paper used, perhaps run out: the next status request checks again */
		drawer->have_state = false;
	}
	if (result.error != 0)
		drawer->stats.failures++;
	pthread_mutex_unlock(&drawer->lock);
	answer(request, &result, false);
	pthread_mutex_lock(&drawer->lock);
}

/* Whether a pulse is read back: its first request or one taken to share it
 * asked (those joining once it is under way get what it found). */
static bool pulse_reads_back(const struct drawer_request *leader,
			     const struct drawer_request *followers)
{
	if (leader->read_back)
		return true;
	for (; followers != NULL; followers = followers->next)
		if (followers->read_back)
			return true;
	return false;
}

/* Before a pulse: the previous pulse's line written (drawer_logged), or
 * DRAWER_LOG_WAIT_MS gone (its request's thread is slow, or its client
 * left before the answer and its line says so later), or the stop. Looked
 * at every millisecond: the line is usually there at the first look. Called
 * and returns with the lock held. */
static void wait_for_the_last_line(struct drawer *drawer)
{
	int64_t until = clock_monotonic_ms() + DRAWER_LOG_WAIT_MS;

	while (drawer->pulse_logged < drawer->pulses_tried && !drawer->stopping) {
		int64_t now = clock_monotonic_ms();

		if (now >= until)
			break;
		pthread_mutex_unlock(&drawer->lock);
		clock_sleep_until_ms(now + 1);
		pthread_mutex_lock(&drawer->lock);
	}
}

void drawer_logged(struct drawer *drawer, uint64_t pulse)
{
	if (pulse == 0)
		return;
	pthread_mutex_lock(&drawer->lock);
	if (pulse > drawer->pulse_logged)
		drawer->pulse_logged = pulse;
	pthread_mutex_unlock(&drawer->lock);
}

static void *worker_main(void *arg)
{
	struct drawer *drawer = arg;

	pthread_mutex_lock(&drawer->lock);
	for (;;) {
		struct drawer_request *leader, *followers;
		struct drawer_result result = {0};
		int64_t deadline_ms;
		bool read_back;

		while (drawer->pending == NULL && !drawer->stopping)
			pthread_cond_wait(&drawer->wake, &drawer->lock);
		if (drawer->stopping)
			break;
		leader = pop_pending(drawer);
		if (leader->kind == DRAWER_REQUEST_STATUS) {
			run_status(drawer, leader);
			continue;
		}
		if (leader->kind == DRAWER_REQUEST_PRINT) {
			run_print(drawer, leader);
			continue;
		}
		wait_for_the_last_line(drawer);
		deadline_ms = leader->arrived_ms + drawer->options.timeout_ms;
		if (clock_monotonic_ms() >= deadline_ms) {
			/* FIFO: it waited its whole timeout behind earlier operations. */
			result.error = DRAWER_ERR_BUSY;
			snprintf(result.detail, sizeof result.detail,
				 "attente de %u ms derrière les ouvertures précédentes (imprimante lente "
				 "ou muette)",
				 drawer->options.timeout_ms);
			drawer->stats.failures++;
			pthread_mutex_unlock(&drawer->lock);
			answer(leader, &result, false);
			pthread_mutex_lock(&drawer->lock);
			continue;
		}
		/* With a protection window, everyone already waiting shares this pulse. */
		drawer->followers = NULL;
		if (drawer->options.min_interval_ms > 0)
			drawer->followers = take_pending(drawer, DRAWER_REQUEST_OPEN);
		drawer->in_flight = true;
		result.pulse = ++drawer->pulses_tried;
		read_back = pulse_reads_back(leader, drawer->followers);
		pthread_mutex_unlock(&drawer->lock);

		result.error = drawer_printer_kick(&drawer->printer, read_back, deadline_ms,
						   &result.drawer, result.detail, sizeof result.detail);

		pthread_mutex_lock(&drawer->lock);
		drawer->in_flight = false;
		followers = drawer->followers;
		drawer->followers = NULL;
		if (result.error == 0) {
			/* the drawer moved: the next status request checks again */
			drawer->have_state = false;
			drawer->have_pulse = true;
			drawer->last_pulse_ms = clock_monotonic_ms();
			drawer->last_pulse_drawer = result.drawer;
			drawer->stats.pulses++;
			drawer->stats.last_pulse = clock_wall();
			for (struct drawer_request *f = followers; f != NULL; f = f->next)
				drawer->stats.coalesced++;
		} else {
			drawer->stats.failures++;
			for (struct drawer_request *f = followers; f != NULL; f = f->next)
				drawer->stats.failures++;
		}
		pthread_mutex_unlock(&drawer->lock);
		answer(leader, &result, false);
		answer(followers, &result, true);
		pthread_mutex_lock(&drawer->lock);
	}
	pthread_mutex_unlock(&drawer->lock);
	return NULL;
}

bool drawer_open(struct drawer *drawer, struct drawer_request *request)
{
	int64_t now = clock_monotonic_ms();
	bool final = false;

	memset(&request->result, 0, sizeof request->result);
	request->kind = DRAWER_REQUEST_OPEN;
	request->arrived_ms = now;
	request->next = NULL;
	pthread_mutex_lock(&drawer->lock);
	if (drawer->stopping) {
		request->result.error = DRAWER_ERR_STOPPING;
		snprintf(request->result.detail, sizeof request->result.detail, "service en arrêt");
		drawer->stats.failures++;
		final = true;
	} else if (drawer->options.min_interval_ms > 0 && drawer->in_flight) {
		/* a pulse is being sent right now: share it */
		request->next = drawer->followers;
		drawer->followers = request;
	} else if (drawer->options.min_interval_ms > 0 && drawer->have_pulse &&
		   drawer->pending_opens == 0 &&
		   now - drawer->last_pulse_ms < (int64_t)drawer->options.min_interval_ms) {
		/* the drawer was kicked a moment ago: it is open, do not fire the solenoid again */
		request->result.coalesced = true;
		request->result.drawer = drawer->last_pulse_drawer;
		drawer->stats.coalesced++;
		final = true;
	} else {
		*drawer->pending_tail = request;
		drawer->pending_tail = &request->next;
		drawer->pending_opens++;
		pthread_cond_signal(&drawer->wake);
	}
	pthread_mutex_unlock(&drawer->lock);
	return final;
}

bool drawer_print(struct drawer *drawer, struct drawer_request *request)
{
	bool final = false;

	memset(&request->result, 0, sizeof request->result);
	request->kind = DRAWER_REQUEST_PRINT;
	request->arrived_ms = clock_monotonic_ms();
	request->next = NULL;
	pthread_mutex_lock(&drawer->lock);
	if (drawer->stopping) {
		request->result.error = DRAWER_ERR_STOPPING;
		snprintf(request->result.detail, sizeof request->result.detail, "service en arrêt");
		final = true;
	} else {
		*drawer->pending_tail = request;
		drawer->pending_tail = &request->next;
		pthread_cond_signal(&drawer->wake);
	}
	pthread_mutex_unlock(&drawer->lock);
	return final;
}

/* The last check's state, or "never checked"; the caller holds the lock. */
static void last_state_locked(struct drawer *drawer, struct drawer_printer_state *state)
{
	if (drawer->have_state) {
		*state = drawer->state;
		return;
	}
	drawer_printer_unreadable(state);
	state->can_read = drawer->printer.transport.ops->read != NULL;
	state->checked_at = 0;
}

static bool query(struct drawer *drawer, struct drawer_request *request, bool may_queue)
{
	int64_t now = clock_monotonic_ms();
	bool final = true;

	memset(&request->result, 0, sizeof request->result);
	request->kind = DRAWER_REQUEST_STATUS;
	request->arrived_ms = now;
	request->next = NULL;
	pthread_mutex_lock(&drawer->lock);
	if (state_is_fresh(drawer, now)) {
		request->result.state = drawer->state;
	} else if (drawer->printer.transport.ops->read == NULL) {
		/* a print queue: nothing to ask, and no connection to make */
		drawer_printer_unreadable(&request->result.state);
	} else if (drawer->stopping) {
		last_state_locked(drawer, &request->result.state);
	} else if (may_queue) {
		*drawer->pending_tail = request;
		drawer->pending_tail = &request->next;
		pthread_cond_signal(&drawer->wake);
		final = false;
	} else {
		final = false;
	}
	pthread_mutex_unlock(&drawer->lock);
	return final;
}

static void on_refreshed(struct drawer_request *request)
{
	struct drawer *drawer = request->context;

	pthread_mutex_lock(&drawer->lock);
	drawer->refresh_queued = false;
	pthread_mutex_unlock(&drawer->lock);
}

void drawer_refresh(struct drawer *drawer)
{
	int64_t now = clock_monotonic_ms();

	pthread_mutex_lock(&drawer->lock);
	if (!drawer->refresh_queued && !drawer->stopping && !state_is_fresh(drawer, now) &&
	    drawer->printer.transport.ops->read != NULL) {
		memset(&drawer->refresh, 0, sizeof drawer->refresh);
		drawer->refresh.kind = DRAWER_REQUEST_STATUS;
		drawer->refresh.arrived_ms = now;
		drawer->refresh.on_done = on_refreshed;
		drawer->refresh.context = drawer;
		drawer->refresh_queued = true;
		*drawer->pending_tail = &drawer->refresh;
		drawer->pending_tail = &drawer->refresh.next;
		pthread_cond_signal(&drawer->wake);
	}
	pthread_mutex_unlock(&drawer->lock);
}

void drawer_last_state(struct drawer *drawer, struct drawer_printer_state *state)
{
	pthread_mutex_lock(&drawer->lock);
	last_state_locked(drawer, state);
	pthread_mutex_unlock(&drawer->lock);
}

bool drawer_query(struct drawer *drawer, struct drawer_request *request)
{
	return query(drawer, request, true);
}

bool drawer_query_cached(struct drawer *drawer, struct drawer_request *request)
{
	return query(drawer, request, false);
}

const char *drawer_printer_state_error(const struct drawer_printer_state *state)
{
	enum escpos_error error;

	if (state->error != 0)
		return outcome_code(outcome_of_error(state->error));
	if (state->reply_problem != NULL)
		return state->reply_problem;
	if (!state->can_read)
		return NULL;
	error = escpos_status_error(&state->status);
	return error == ESCPOS_ERROR_NONE || error == ESCPOS_ERROR_UNKNOWN ? NULL
									 : escpos_error_name(error);
}

void drawer_get_stats(struct drawer *drawer, struct drawer_stats *stats)
{
	pthread_mutex_lock(&drawer->lock);
	*stats = drawer->stats;
	pthread_mutex_unlock(&drawer->lock);
}

int drawer_create(struct drawer **out, const struct drawer_options *options, char *err,
		  size_t errlen)
{
	struct drawer *drawer = calloc(1, sizeof *drawer);
	struct escpos_kick kick;
	int rc;

	*out = NULL;
	if (drawer == NULL) {
		snprintf(err, errlen, "mémoire insuffisante");
		return -ENOMEM;
	}
	drawer->options = *options;
	drawer->uri = *options->uri;
	drawer->options.uri = &drawer->uri;
	drawer->pending_tail = &drawer->pending;
	if (!options->both_pins && (rc = escpos_check_pin(options->pin, err, errlen)) < 0)
		goto fail;
	kick = (struct escpos_kick){
		.pin = options->both_pins ? ESCPOS_PIN_BOTH
		       : options->pin == 5 ? ESCPOS_PIN_5
					   : ESCPOS_PIN_2,
		.realtime = options->realtime,
		.on_ms = options->pulse_on_ms,
		.off_ms = options->pulse_off_ms,
		.realtime_ms = options->realtime_pulse_ms,
	};
	rc = escpos_kick_encode(&kick, drawer->printer.kick, err, errlen);
	if (rc > 0)
		drawer->printer.kick_length = (size_t)rc;
	drawer->printer.pulse_ms = options->realtime ? options->realtime_pulse_ms : options->pulse_on_ms;
	/* both pins: pin 5's pulse follows pin 2's on and off times */
	if (options->both_pins)
		drawer->printer.pulse_ms += options->pulse_on_ms + options->pulse_off_ms;
	if (rc < 0)
		goto fail;
	drawer->printer.status_timeout_ms = options->status_timeout_ms;
	drawer->printer.open_level_high = options->open_level_high;
	rc = transport_init(&drawer->printer.transport, &drawer->uri, err, errlen);
	if (rc < 0)
		goto fail;
	if (options->ops != NULL)
		drawer->printer.transport.ops = options->ops;
	pthread_mutex_init(&drawer->lock, NULL);
	pthread_cond_init(&drawer->wake, NULL);
	rc = -pthread_create(&drawer->worker, NULL, worker_main, drawer);
	if (rc < 0) {
		snprintf(err, errlen, "impossible de lancer le fil du tiroir : %s", errno_text(-rc));
		pthread_mutex_destroy(&drawer->lock);
		pthread_cond_destroy(&drawer->wake);
		goto fail;
	}
	*out = drawer;
	return 0;
fail:
	free(drawer);
	return rc;
}

void drawer_stop(struct drawer *drawer)
{
	struct drawer_request *waiting;
	struct drawer_result result = {.error = DRAWER_ERR_STOPPING};
	bool already_stopped;

	if (drawer == NULL)
		return;
	pthread_mutex_lock(&drawer->lock);
	already_stopped = drawer->stopping;
	drawer->stopping = true;
	pthread_cond_signal(&drawer->wake);
	pthread_mutex_unlock(&drawer->lock);
	if (already_stopped)
		return;
	/* the worker finishes the operation under way and answers its requests */
	pthread_join(drawer->worker, NULL);
	pthread_mutex_lock(&drawer->lock);
	waiting = drawer->pending;
	drawer->pending = NULL;
	drawer->pending_tail = &drawer->pending;
	drawer->pending_opens = 0;
	if (drawer->have_state)
		result.state = drawer->state;
	pthread_mutex_unlock(&drawer->lock);
	snprintf(result.detail, sizeof result.detail, "service en arrêt");
	answer(waiting, &result, false);
}

void drawer_destroy(struct drawer *drawer)
{
	if (drawer == NULL)
		return;
	drawer_stop(drawer);
	pthread_mutex_destroy(&drawer->lock);
	pthread_cond_destroy(&drawer->wake);
	free(drawer);
}
