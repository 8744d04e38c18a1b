/* Counting answers: which endpoint, which result, how long (see metrics.h). */
#include "status/metrics.h"

#include <string.h>

#include "log/rotlog.h"

const uint64_t metrics_bucket_bounds_us[METRICS_BUCKET_COUNT] = {
	250,    500,    1000,   2500,    5000,    10000,   25000,
	50000,  100000, 250000, 500000, 1000000, 2500000, 10000000,
};

static const char *const endpoint_paths[METRICS_ENDPOINT_COUNT] = {
	[METRICS_ENDPOINT_PAGE] = "/",
	[METRICS_ENDPOINT_OPEN] = "/open-cash-drawer",
	[METRICS_ENDPOINT_STATUS] = "/status",
	[METRICS_ENDPOINT_LOGS] = "/logs",
	[METRICS_ENDPOINT_METRICS] = "/metrics",
	[METRICS_ENDPOINT_OTHER] = "other",
};

static const char *const opening_names[METRICS_OPENING_COUNT] = {
	[METRICS_OPENING_SUCCESS] = "success",
	[METRICS_OPENING_COALESCED] = "coalesced",
	[METRICS_OPENING_REFUSED] = "refused",
	[METRICS_OPENING_PRINTER_ERROR] = "printer_error",
};

const char *metrics_endpoint_name(enum metrics_endpoint endpoint)
{
	return endpoint < METRICS_ENDPOINT_COUNT ? endpoint_paths[endpoint] : "other";
}

enum metrics_endpoint metrics_endpoint_of(const char *path)
{
	for (int i = 0; i < METRICS_ENDPOINT_OTHER; i++)
		if (path != NULL && strcmp(path, endpoint_paths[i]) == 0)
			return (enum metrics_endpoint)i;
	return METRICS_ENDPOINT_OTHER;
}

const char *metrics_opening_name(enum metrics_opening result)
{
	return result < METRICS_OPENING_COUNT ? opening_names[result] : "unknown";
}

size_t metrics_bucket_index(uint64_t duration_us)
{
	size_t i = 0;

	while (i < METRICS_BUCKET_COUNT && duration_us > metrics_bucket_bounds_us[i])
		i++;
	return i;
}

int metrics_opening_of(enum metrics_endpoint endpoint, const char *method, unsigned status,
		       const char *outcome)
{
	/* HEAD checks access and never fires the drawer: not an opening */
	if (endpoint != METRICS_ENDPOINT_OPEN || method == NULL || strcmp(method, "GET") != 0)
		return -1;
	if (status >= 200 && status < 300)
		return outcome != NULL && strcmp(outcome, "coalesced") == 0 ? METRICS_OPENING_COALESCED
									    : METRICS_OPENING_SUCCESS;
	if (status >= 400 && status < 500)
		return METRICS_OPENING_REFUSED;
	if (status >= 500)
		return METRICS_OPENING_PRINTER_ERROR;
	return -1;
}

long metrics_day_key(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void metrics_init(struct metrics *metrics)
{
	memset(metrics, 0, sizeof *metrics);
	pthread_mutex_init(&metrics->today_lock, NULL);
}

void metrics_destroy(struct metrics *metrics)
{
	pthread_mutex_destroy(&metrics->today_lock);
}

void metrics_labels_add(struct metrics_labels *labels, const char *name)
{
	if (name == NULL || name[0] == '\0' || strlen(name) >= METRICS_LABEL_LENGTH) {
		atomic_fetch_add(&labels->overflow, 1);
		return;
	}
	for (size_t i = 0; i < METRICS_LABELS_MAX; i++) {
		struct metrics_label_slot *slot = &labels->slots[i];
		int state = atomic_load(&slot->state);

		if (state == 0) {
			int expected = 0;

			if (atomic_compare_exchange_strong(&slot->state, &expected, 1)) {
				strcpy(slot->name, name);
				atomic_store(&slot->count, 1);
				atomic_store(&slot->state, 2);
				return;
			}
			state = expected;
		}
		/* another thread is naming this slot: a few instructions */
		while (state == 1)
			state = atomic_load(&slot->state);
		if (strcmp(slot->name, name) == 0) {
			atomic_fetch_add(&slot->count, 1);
			return;
		}
	}
	atomic_fetch_add(&labels->overflow, 1);
}

uint64_t metrics_labels_get(const struct metrics_labels *labels, const char *name)
{
	for (size_t i = 0; i < METRICS_LABELS_MAX; i++) {
		const struct metrics_label_slot *slot = &labels->slots[i];

		if (atomic_load(&slot->state) != 2)
			break;
		if (strcmp(slot->name, name) == 0)
			return atomic_load(&slot->count);
	}
	return 0;
}

/* Lock held. */
static void roll_day(struct metrics *metrics, time_t now)
{
	long day;

	if (now >= metrics->today.from && now < metrics->today.until)
		return;
	day = metrics_day_key(now);
	if (day != metrics->today.day) {
		memset(&metrics->today, 0, sizeof metrics->today);
		metrics->today.day = day;
	}
	metrics->today.from = now;
	metrics->today.until = rotlog_next_midnight(now);
}

void metrics_record(struct metrics *metrics, const char *path, const char *method,
		    unsigned status, const char *outcome, uint64_t duration_us, time_t now)
{
	enum metrics_endpoint endpoint = metrics_endpoint_of(path);
	struct metrics_histogram *histogram = &metrics->durations[endpoint];
	int opening = metrics_opening_of(endpoint, method, status, outcome);

	atomic_fetch_add(&histogram->buckets[metrics_bucket_index(duration_us)], 1);
	atomic_fetch_add(&histogram->sum_us, duration_us);
	atomic_fetch_add(&histogram->count, 1);
	if (status >= 400 && status < 500)
		metrics_labels_add(&metrics->refusals, outcome);
	if (opening < 0)
		return;
	if (opening == METRICS_OPENING_PRINTER_ERROR)
		metrics_labels_add(&metrics->printer_errors, outcome);
	atomic_fetch_add(&metrics->openings[opening], 1);
	pthread_mutex_lock(&metrics->today_lock);
	roll_day(metrics, now);
	metrics->today.openings[opening]++;
	pthread_mutex_unlock(&metrics->today_lock);
}

void metrics_record_unanswered(struct metrics *metrics, const char *reason)
{
	metrics_labels_add(&metrics->unanswered, reason);
}

void metrics_get_today(struct metrics *metrics, time_t now, struct metrics_today *today)
{
	pthread_mutex_lock(&metrics->today_lock);
	roll_day(metrics, now);
	*today = metrics->today;
	pthread_mutex_unlock(&metrics->today_lock);
}
