/* The drawer: serialises printer operations on one worker thread and
 * coalesces the requests that come close together into one pulse. */
#include "drawer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "escpos.h"

struct drawer {
	struct drawer_options options;
	struct printer_uri uri;
	struct transport transport;
	uint8_t kick[ESCPOS_KICK_LEN];

	pthread_t worker;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	/* waiting for their own operation, oldest first */
	struct drawer_request *pending, **pending_tail;
	/* the operation under way: its leader and the requests sharing it */
	bool in_flight;
	struct drawer_request *followers;
	/* end of the last successful pulse, for the coalescing window */
	bool have_pulse;
	int64_t last_pulse_ms;
	struct drawer_stats stats;
};

/* One operation: open, write the kick, close. */
static int kick(struct drawer *drawer, int64_t deadline_ms, char *detail, size_t detaillen)
{
	int rc = transport_open(&drawer->transport, deadline_ms, detail, detaillen);

	if (rc < 0)
		return rc;
	rc = transport_write(&drawer->transport, drawer->kick, sizeof drawer->kick, deadline_ms,
			     detail, detaillen);
	transport_close(&drawer->transport);
	return rc;
}

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
	return request;
}

static void *worker_main(void *arg)
{
	struct drawer *drawer = arg;

	pthread_mutex_lock(&drawer->lock);
	for (;;) {
		struct drawer_request *leader, *followers;
		struct drawer_result result = {0};
		int64_t deadline_ms;

		while (drawer->pending == NULL && !drawer->stopping)
			pthread_cond_wait(&drawer->wake, &drawer->lock);
		if (drawer->stopping)
			break;
		leader = pop_pending(drawer);
		deadline_ms = leader->arrived_ms + drawer->options.timeout_ms;
		if (clock_monotonic_ms() >= deadline_ms) {
			/* FIFO: it waited its whole timeout behind earlier operations. */
			result.error = DRAWER_ERR_BUSY;
			snprintf(result.detail, sizeof result.detail,
				 "waited %u ms behind earlier openings (printer slow or not answering)",
				 drawer->options.timeout_ms);
			drawer->stats.failures++;
			pthread_mutex_unlock(&drawer->lock);
			answer(leader, &result, false);
			pthread_mutex_lock(&drawer->lock);
			continue;
		}
		/* With a protection window, everyone already waiting shares this pulse. */
		drawer->followers = NULL;
		if (drawer->options.min_interval_ms > 0) {
			drawer->followers = drawer->pending;
			drawer->pending = NULL;
			drawer->pending_tail = &drawer->pending;
		}
		drawer->in_flight = true;
		pthread_mutex_unlock(&drawer->lock);

		result.error = kick(drawer, deadline_ms, result.detail, sizeof result.detail);

		pthread_mutex_lock(&drawer->lock);
		drawer->in_flight = false;
		followers = drawer->followers;
		drawer->followers = NULL;
		if (result.error == 0) {
			drawer->have_pulse = true;
			drawer->last_pulse_ms = clock_monotonic_ms();
			drawer->stats.pulses++;
			drawer->stats.last_pulse = time(NULL);
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
	request->arrived_ms = now;
	request->next = NULL;
	pthread_mutex_lock(&drawer->lock);
	if (drawer->stopping) {
		request->result.error = DRAWER_ERR_STOPPING;
		snprintf(request->result.detail, sizeof request->result.detail, "service stopping");
		drawer->stats.failures++;
		final = true;
	} else if (drawer->options.min_interval_ms > 0 && drawer->in_flight) {
		/* a pulse is being sent right now: share it */
		request->next = drawer->followers;
		drawer->followers = request;
	} else if (drawer->options.min_interval_ms > 0 && drawer->have_pulse &&
		   drawer->pending == NULL &&
		   now - drawer->last_pulse_ms < (int64_t)drawer->options.min_interval_ms) {
		/* the drawer was kicked a moment ago: it is open, do not fire the solenoid again */
		request->result.coalesced = true;
		drawer->stats.coalesced++;
		final = true;
	} else {
		*drawer->pending_tail = request;
		drawer->pending_tail = &request->next;
		pthread_cond_signal(&drawer->wake);
	}
	pthread_mutex_unlock(&drawer->lock);
	return final;
}

void drawer_get_stats(struct drawer *drawer, struct drawer_stats *stats)
{
	pthread_mutex_lock(&drawer->lock);
	*stats = drawer->stats;
	pthread_mutex_unlock(&drawer->lock);
}

const char *drawer_error_code(int error)
{
	switch (error) {
	case DRAWER_ERR_BUSY:
		return "printer_busy";
	case DRAWER_ERR_STOPPING:
		return "service_stopping";
	default:
		return transport_error_code(error);
	}
}

const char *drawer_error_message_fr(int error)
{
	switch (error) {
	case DRAWER_ERR_BUSY:
		return "L'imprimante est occupée par d'autres ouvertures et ne répond pas assez "
		       "vite : réessayez dans un instant.";
	case DRAWER_ERR_STOPPING:
		return "Le service s'arrête : réessayez dans un instant.";
	default:
		return transport_error_message_fr(error);
	}
}

int drawer_create(struct drawer **out, const struct drawer_options *options, char *err,
		  size_t errlen)
{
	struct drawer *drawer = calloc(1, sizeof *drawer);
	int rc;

	*out = NULL;
	if (drawer == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	drawer->options = *options;
	drawer->uri = *options->uri;
	drawer->options.uri = &drawer->uri;
	drawer->pending_tail = &drawer->pending;
	rc = escpos_encode_kick(options->pin, options->pulse_on_ms, options->pulse_off_ms,
				drawer->kick, err, errlen);
	if (rc < 0)
		goto fail;
	rc = transport_init(&drawer->transport, &drawer->uri, err, errlen);
	if (rc < 0)
		goto fail;
	if (options->ops != NULL)
		drawer->transport.ops = options->ops;
	pthread_mutex_init(&drawer->lock, NULL);
	pthread_cond_init(&drawer->wake, NULL);
	rc = -pthread_create(&drawer->worker, NULL, worker_main, drawer);
	if (rc < 0) {
		snprintf(err, errlen, "cannot start the drawer thread: %s", strerror(-rc));
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
	pthread_mutex_unlock(&drawer->lock);
	snprintf(result.detail, sizeof result.detail, "service stopping");
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
