/* Which log a GET /logs query asks for (pure): none (today's file), one
 * date=YYYY-MM-DD (that day's archive), or a query to refuse. */
#include "log/rotlog.h"

#include <string.h>

void rotlog_query_init(struct rotlog_query *query)
{
	memset(query, 0, sizeof *query);
}

void rotlog_query_add(struct rotlog_query *query, const char *key, size_t key_size,
		      const char *value, size_t value_size)
{
	query->count++;
	/* sizes, not C strings: a decoded %00 must not cut "date%00x" back to "date" */
	if (key_size != 4 || memcmp(key, "date", 4) != 0) {
		query->unknown = true;
		return;
	}
	query->date = value;
	query->date_size = value != NULL ? value_size : 0;
}

enum rotlog_query_result rotlog_query_result(const struct rotlog_query *query,
					     struct rotlog_date *date)
{
	char text[11];

	if (query->unknown || query->count > 1)
		return ROTLOG_QUERY_BAD_QUERY;
	if (query->count == 0)
		return ROTLOG_QUERY_TODAY;
	/* "?date" and "?date=" ask for a day without naming one: a bad date, not today's log;
	 * neither is "2025-02-01%00" (11 bytes) */
	if (query->date == NULL || query->date_size != 10)
		return ROTLOG_QUERY_BAD_DATE;
	memcpy(text, query->date, 10);
	text[10] = '\0';
	if (rotlog_parse_date(text, date) < 0)
		return ROTLOG_QUERY_BAD_DATE;
	return ROTLOG_QUERY_DAY;
}
