/* GET /status: the service's state as JSON, for the till's POS, the admin
 * and monitoring (docs/http-api.md). The replaced system's four fields come
 * first; fields are added, never removed. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/timefmt.h"
#include "http/connections.h"
#include "http/drawer_wait.h"
#include "http/routes.h"
#include "http/snapshot.h"
#ifdef CASHDRAWERD_HAVE_TLS
#include "tls/credentials.h"
#endif

/* cJSON prints numbers with %1.15g and checks them with sscanf: an integer
 * written as raw JSON costs a fraction, and /status is the hot path (so is
 * snprintf, hence the digits by hand). Measured by bench/tricks.sh, whose
 * builds without them define CASHDRAWERD_BENCH_NO_HAND_INTEGERS (cJSON's
 * numbers: 64 % more instructions per /status) and _NO_HAND_DIGITS
 * (snprintf: 14 % more); bench/RESULTS.md. */
static void add_integer(cJSON *object, const char *name, uint64_t value)
{
	char text[24], *digit = text + sizeof text - 1;

#ifdef CASHDRAWERD_BENCH_NO_HAND_INTEGERS
	cJSON_AddNumberToObject(object, name, (double)value);
	return;
#endif
#ifdef CASHDRAWERD_BENCH_NO_HAND_DIGITS
	snprintf(text, sizeof text, "%" PRIu64, value);
	cJSON_AddRawToObject(object, name, text);
	return;
#endif

	*digit = '\0';
	do
		*--digit = (char)('0' + value % 10);
	while ((value /= 10) != 0);
	cJSON_AddRawToObject(object, name, digit);
}

static void add_time(cJSON *object, const char *name, time_t when)
{
	/* The same few instants (the last check, the last pulse) at every
	 * /status: each thread keeps the last one it wrote. */
	static _Thread_local struct {
		time_t when;
		char text[32];
	} last[2];
	static _Thread_local unsigned next;
	const char *text = NULL;

	for (size_t i = 0; i < 2 && when != 0; i++)
		if (last[i].when == when)
			text = last[i].text;
	if (text == NULL && when != 0 &&
	    timefmt_iso8601(when, last[next].text, sizeof last[next].text) == 0) {
		last[next].when = when;
		text = last[next].text;
		next = (next + 1) % 2;
	}
	if (text == NULL)
		cJSON_AddNullToObject(object, name);
	else
		cJSON_AddStringToObject(object, name, text);
}

/* What protects the service (never the token itself). */
static void add_security(cJSON *body, const struct daemon_context *context)
{
	const struct access_policy *policy = &context->policy;
	struct http_connection_stats connections;
	cJSON *security = cJSON_AddObjectToObject(body, "security");
	cJSON *origins, *limits;

	cJSON_AddStringToObject(security, "origin_policy",
				policy->origin_count > 0 ? "restricted" : "open");
	origins = cJSON_AddArrayToObject(security, "allowed_origins");
	for (size_t i = 0; i < policy->origin_count; i++)
		cJSON_AddItemToArray(origins, cJSON_CreateString(policy->origins[i]));
	cJSON_AddBoolToObject(security, "networks_restricted", policy->network_count > 0);
	cJSON_AddBoolToObject(security, "token_required", policy->token[0] != '\0');
	http_connections_stats(context->connections, &connections);
	limits = cJSON_AddObjectToObject(security, "connections");
	add_integer(limits, "max", connections.max_connections);
	add_integer(limits, "max_per_ip", connections.per_ip);
	add_integer(limits, "lan_max", connections.lan_max);
	add_integer(limits, "lan_open", connections.lan_open);
	add_integer(limits, "refused", connections.refused);
	add_integer(limits, "timed_out", connections.timed_out);
}

/* HTTPS: served or not, and its certificate's end (a warning 30 days before). */
static void add_tls(cJSON *body, const struct daemon_context *context)
{
	cJSON *tls = cJSON_AddObjectToObject(body, "tls");

	cJSON_AddBoolToObject(tls, "enabled", context->tls_on);
	if (context->tls_error[0] != '\0')
		cJSON_AddStringToObject(tls, "error", context->tls_error);
#ifdef CASHDRAWERD_HAVE_TLS
	if (context->tls_on) {
		char warning[256];
		long days = tls_expiry_check(context->tls_not_after, time(NULL), warning,
					     sizeof warning);

		add_time(tls, "expires_at", context->tls_not_after);
		cJSON_AddNumberToObject(tls, "days_left", (double)days);
		if (warning[0] != '\0')
			cJSON_AddStringToObject(tls, "warning", warning);
		else
			cJSON_AddNullToObject(tls, "warning");
	}
#endif
}

/* A JSON value for a flag: true, false, or "unknown" (never a guess). */
static void add_flag(cJSON *object, const char *name, enum escpos_flag flag)
{
	if (flag == ESCPOS_FLAG_UNKNOWN)
		cJSON_AddStringToObject(object, name, "unknown");
	else
		cJSON_AddBoolToObject(object, name, flag == ESCPOS_FLAG_YES);
}

static void add_printer(cJSON *body, const char *uri, const struct status_snapshot *snapshot)
{
	const struct drawer_printer_state *state = &snapshot->printer;
	cJSON *printer = cJSON_AddObjectToObject(body, "printer");
	const char *error = drawer_printer_state_error(state);

	cJSON_AddStringToObject(printer, "uri", uri);
	cJSON_AddBoolToObject(printer, "can_read_status", state->can_read);
	add_flag(printer, "reachable", state->reachable);
	add_flag(printer, "online", snapshot->online);
	cJSON_AddStringToObject(printer, "drawer", escpos_drawer_name(state->drawer));
	add_flag(printer, "cover_open", state->status.cover_open);
	cJSON_AddStringToObject(printer, "paper", escpos_paper_name(escpos_status_paper(&state->status)));
	if (error != NULL)
		cJSON_AddStringToObject(printer, "error", error);
	else
		cJSON_AddNullToObject(printer, "error");
	add_time(printer, "checked_at", state->checked_at);
}

bool route_status(struct http_request *request, struct answer *answer)
{
	struct daemon_context *context = request->context;
	struct status_snapshot snapshot;
	const struct drawer_stats *stats = &snapshot.drawer;
	const struct rotlog_health *health = &snapshot.log;
	cJSON *body, *drawer, *log, *today;
	char path[CONFIG_STRING_MAX + 32];

	if (!http_printer_state(request))
		return false;
	body = cJSON_CreateObject();
	snapshot_take(context, &request->drawer.result.state, &snapshot);
	/* the replaced system's four fields first: clients rely on them */
	cJSON_AddStringToObject(body, "status", "running");
	cJSON_AddStringToObject(body, "message", outcome_message(OUTCOME_OK));
	cJSON_AddStringToObject(body, "remote_addr", request->peer);
	cJSON_AddStringToObject(body, "scheme", request->tls ? "https" : "http");
	cJSON_AddStringToObject(body, "version", CASHDRAWERD_VERSION);
	add_integer(body, "uptime_s", snapshot.uptime_s);
	cJSON_AddStringToObject(body, "started_at", context->started_at_text);
	cJSON_AddBoolToObject(body, "local_client", request->loopback);

	add_printer(body, context->printer_text, &snapshot);

	drawer = cJSON_AddObjectToObject(body, "drawer");
	/* a number as it always was, "both" for both */
	if (context->config->pin == CONFIG_PIN_BOTH)
		cJSON_AddStringToObject(drawer, "pin", "both");
	else
		add_integer(drawer, "pin", context->config->pin == CONFIG_PIN_5 ? 5 : 2);
	cJSON_AddStringToObject(drawer, "kick",
				config_enum_word(config_find("kick"), context->config->kick));
	cJSON_AddStringToObject(drawer, "open_level",
				config_enum_word(config_find("drawer_open_level"),
						 context->config->drawer_open_level));
	add_integer(drawer, "pulses", stats->pulses);
	add_integer(drawer, "coalesced", stats->coalesced);
	add_integer(drawer, "failures", stats->failures);
	add_time(drawer, "last_pulse_at", stats->last_pulse);

	log = cJSON_AddObjectToObject(body, "log");
	if (rotlog_path(context->log, NULL, path, sizeof path) == 0)
		cJSON_AddStringToObject(log, "file", path);
	cJSON_AddBoolToObject(log, "ok", health->last_write_ok);
	add_integer(log, "lines_written", health->lines_written);
	add_integer(log, "write_failures", health->write_failures);
	if (health->last_error[0] != '\0')
		cJSON_AddStringToObject(log, "last_error", health->last_error);
	else
		cJSON_AddNullToObject(log, "last_error");
	if (context->syslog != NULL) {
		add_integer(log, "syslog_sent", snapshot.syslog.sent);
		add_integer(log, "syslog_dropped", snapshot.syslog.dropped);
	}

	/* GET /open-cash-drawer answers since local midnight (or since the start) */
	today = cJSON_AddObjectToObject(body, "today");
	cJSON_AddStringToObject(today, "date", snapshot.today_date);
	add_integer(today, "opened", snapshot.today.openings[METRICS_OPENING_SUCCESS]);
	add_integer(today, "coalesced", snapshot.today.openings[METRICS_OPENING_COALESCED]);
	add_integer(today, "refused", snapshot.today.openings[METRICS_OPENING_REFUSED]);
	add_integer(today, "printer_errors", snapshot.today.openings[METRICS_OPENING_PRINTER_ERROR]);

	add_security(body, context);
	add_tls(body, context);
	answer_init(answer, OUTCOME_OK);
	answer->json = body;
	return true;
}
