/* Counting answers: which endpoint, which result, how long (see metrics.h). */
#include "status/metrics.h"

#include <string.h>

#include "log/rotlog.h"

const uint64_t metrics_bucket_bounds_us[METRICS_BUCKET_COUNT] = {
	250,    500,    1000,   2500,    5000,    10000,   25000,
	50000,  100000, 250000, 500000, 1000000, 2500000, 10000000,
};

static const char *const opening_names[METRICS_OPENING_COUNT] = {
	[METRICS_OPENING_SUCCESS] = "success",
	[METRICS_OPENING_COALESCED] = "coalesced",
	[METRICS_OPENING_REFUSED] = "refused",
	[METRICS_OPENING_PRINTER_ERROR] = "printer_error",
};

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

int metrics_opening_of(enum outcome outcome)
{
	switch (outcome_info(outcome)->metric) {
	case OUTCOME_METRIC_OPENED:
		return METRICS_OPENING_SUCCESS;
	case OUTCOME_METRIC_COALESCED:
		return METRICS_OPENING_COALESCED;
	case OUTCOME_METRIC_REFUSED:
		return METRICS_OPENING_REFUSED;
	case OUTCOME_METRIC_FAILED:
		return METRICS_OPENING_PRINTER_ERROR;
	case OUTCOME_METRIC_SERVED:
	case OUTCOME_METRIC_UNANSWERED:
		break;
	}
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

void metrics_count(struct metrics *metrics, enum endpoint endpoint, bool kick,
		   enum outcome outcome, uint64_t duration_us, time_t now)
{
	struct metrics_histogram *histogram;
	int opening;

	if ((unsigned)endpoint >= ENDPOINT_COUNT)
		endpoint = ENDPOINT_OTHER;
	if ((unsigned)outcome >= OUTCOME_COUNT)
		outcome = OUTCOME_INTERNAL_ERROR;
	histogram = &metrics->durations[endpoint];
	atomic_fetch_add(&histogram->buckets[metrics_bucket_index(duration_us)], 1);
	atomic_fetch_add(&histogram->sum_us, duration_us);
	atomic_fetch_add(&histogram->count, 1);
	atomic_fetch_add(&metrics->outcomes[endpoint][outcome], 1);
	opening = kick ? metrics_opening_of(outcome) : -1;
	if (opening < 0)
		return;
	atomic_fetch_add(&metrics->openings[opening], 1);
	pthread_mutex_lock(&metrics->today_lock);
	roll_day(metrics, now);
	metrics->today.openings[opening]++;
	pthread_mutex_unlock(&metrics->today_lock);
}

void metrics_count_unanswered(struct metrics *metrics, enum outcome outcome)
{
	if ((unsigned)outcome < OUTCOME_COUNT)
		atomic_fetch_add(&metrics->outcomes[ENDPOINT_OTHER][outcome], 1);
}

uint64_t metrics_outcome_total(const struct metrics *metrics, enum outcome outcome)
{
	uint64_t total = 0;

	for (int e = 0; e < ENDPOINT_COUNT && (unsigned)outcome < OUTCOME_COUNT; e++)
		total += atomic_load(&metrics->outcomes[e][outcome]);
	return total;
}

void metrics_get_today(struct metrics *metrics, time_t now, struct metrics_today *today)
{
	pthread_mutex_lock(&metrics->today_lock);
	roll_day(metrics, now);
	*today = metrics->today;
	pthread_mutex_unlock(&metrics->today_lock);
}
