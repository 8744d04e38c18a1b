/* Routing: which handler answers which path and method, and /status. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "http/server.h"
#include "http/request.h"
#include "http/snapshot.h"

static bool method_is(const char *method, const char *name)
{
	return strcmp(method, name) == 0;
}

/* A body refused before a byte of it is read, or a framing that cannot be
 * trusted: answered, and the connection closed after (request->close_after). */
static enum MHD_Result refuse_body(struct http_request *request, const char *method,
				   const char *url, const struct request_body_refusal *refusal)
{
	const struct request_framing *framing = &request->framing;
	char log_message[128];

	if (framing->content_lengths > 1)
		snprintf(log_message, sizeof log_message, "%u en-têtes Content-Length",
			 framing->content_lengths);
	else if (framing->transfer_encoding)
		snprintf(log_message, sizeof log_message,
			 "corps annoncé par Transfer-Encoding, non lu");
	else
		snprintf(log_message, sizeof log_message, "corps de %llu octets annoncé, non lu",
			 (unsigned long long)framing->content_length);
	return respond_error(request, method, url, refusal->status, refusal->code,
			     refusal->message, log_message);
}

enum MHD_Result route_request(struct http_request *request, const char *method, const char *url)
{
	/* How each endpoint is protected is a property of its route, and so is
	 * the largest body it takes (max_body bytes, with a Content-Length; 0:
	 * none, and a body is refused unread). A body it takes is read once the
	 * access checks have passed, and must arrive within request_timeout_s
	 * like the headers. */
	static const struct {
		const char *path;
		enum access_route protection;
		uint64_t max_body;
		enum MHD_Result (*handler)(struct http_request *, const char *, const char *);
	} routes[] = {
		{"/open-cash-drawer", ACCESS_ROUTE_LOOPBACK_ONLY, 0, route_open},
		{"/status", ACCESS_ROUTE_NETWORK, 0, route_status},
		{"/logs", ACCESS_ROUTE_NETWORK, 0, route_logs},
		{"/", ACCESS_ROUTE_NETWORK, 0, route_page},
		{"/metrics", ACCESS_ROUTE_NETWORK, 0, route_metrics},
	};
	struct request_body_refusal refusal;
	enum MHD_Result result;

	if (request_framing_refused(&request->framing, &refusal))
		return refuse_body(request, method, url, &refusal);
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(url, routes[i].path) != 0)
			continue;
		if (!method_is(method, MHD_HTTP_METHOD_GET) && !method_is(method, MHD_HTTP_METHOD_HEAD) &&
		    !method_is(method, MHD_HTTP_METHOD_OPTIONS))
			return respond_error(request, method, url, MHD_HTTP_METHOD_NOT_ALLOWED,
					     "method_not_allowed",
					     "Méthode non autorisée : utilisez GET", NULL);
		if (request_body_refused(&request->framing, routes[i].max_body, &refusal))
			return refuse_body(request, method, url, &refusal);
		if (!guard_admit(request, routes[i].protection, method, url, &result))
			return result;
		if (!request->whole)
			return MHD_YES; /* the body it takes comes first */
		if (method_is(method, MHD_HTTP_METHOD_OPTIONS))
			return guard_preflight(request, method, url);
		return routes[i].handler(request, method, url);
	}
	return respond_error(request, method, url, MHD_HTTP_NOT_FOUND, "not_found",
			     "Ressource introuvable : /open-cash-drawer, /status ou /logs", NULL);
}

/* cJSON prints numbers with %1.15g and checks them with sscanf: an integer
 * written as raw JSON costs a fraction, and /status is the hot path (so is
 * snprintf, hence the digits by hand). */
static void add_integer(cJSON *object, const char *name, uint64_t value)
{
	char text[24], *digit = text + sizeof text - 1;

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
	    routes_format_time(when, last[next].text, sizeof last[next].text) == 0) {
		last[next].when = when;
		text = last[next].text;
		next = (next + 1) % 2;
	}
	if (text == NULL)
		cJSON_AddNullToObject(object, name);
	else
		cJSON_AddStringToObject(object, name, text);
}

int routes_format_time(time_t when, char *buf, size_t size)
{
	struct tm tm, utc;
	long offset, days;
	size_t length;

	if (localtime_r(&when, &tm) == NULL || gmtime_r(&when, &utc) == NULL ||
	    (length = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return -1;
	/* The UTC offset by hand: Windows' strftime writes the zone's name for %z. */
	days = tm.tm_year != utc.tm_year ? (tm.tm_year > utc.tm_year ? 1 : -1)
					 : tm.tm_yday - utc.tm_yday;
	offset = ((days * 24 + tm.tm_hour - utc.tm_hour) * 60 + tm.tm_min - utc.tm_min);
	if (snprintf(buf + length, size - length, "%c%02ld%02ld", offset < 0 ? '-' : '+',
		     labs(offset) / 60, labs(offset) % 60) >= (int)(size - length))
		return -1;
	return 0;
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
	http_server_connection_stats(context->server, &connections);
	limits = cJSON_AddObjectToObject(security, "connections");
	add_integer(limits, "max", connections.max_connections);
	add_integer(limits, "max_per_ip", connections.per_ip);
	add_integer(limits, "lan_max", connections.lan_max);
	add_integer(limits, "lan_open", connections.lan_open);
	add_integer(limits, "refused", connections.refused);
	add_integer(limits, "timed_out", connections.timed_out);
}

static enum MHD_Result status_answer(struct http_request *request, const char *method,
				     const char *url);

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

static void on_query_done(struct drawer_request *drawer_request)
{
	struct http_request *request = drawer_request->context;

	MHD_resume_connection(request->connection);
}

enum MHD_Result routes_with_printer_state(struct http_request *request, const char *method,
					  const char *url,
					  enum MHD_Result (*answer)(struct http_request *,
								    const char *, const char *))
{
	struct daemon_context *context = request->context;

	/* The printer's state comes from a recent check, or a check shared with
	 * the other /status requests of the moment; the connection waits for it
	 * suspended, never holding an HTTP worker. */
	const char *printer = MHD_lookup_connection_value(request->connection,
							  MHD_GET_ARGUMENT_KIND, "printer");

	/* ?printer=cached: a liveness probe that never contacts the printer */
	if (!request->querying && printer != NULL && strcmp(printer, "cached") == 0) {
		drawer_last_state(context->drawer, &request->drawer.result.state);
		return answer(request, method, url);
	}
	if (!request->querying) {
		request->querying = true;
		request->drawer.on_done = on_query_done;
		request->drawer.context = request;
		if (!drawer_query_cached(context->drawer, &request->drawer)) {
			MHD_suspend_connection(request->connection);
			if (drawer_query(context->drawer, &request->drawer))
				MHD_resume_connection(request->connection);
			return MHD_YES;
		}
	}
	return answer(request, method, url);
}

enum MHD_Result route_status(struct http_request *request, const char *method, const char *url)
{
	return routes_with_printer_state(request, method, url, status_answer);
}

static enum MHD_Result status_answer(struct http_request *request, const char *method,
				     const char *url)
{
	struct daemon_context *context = request->context;
	struct status_snapshot snapshot;
	const struct drawer_stats *stats = &snapshot.drawer;
	const struct rotlog_health *health = &snapshot.log;
	cJSON *body = cJSON_CreateObject(), *drawer, *log, *today;
	char path[CONFIG_STRING_MAX + 32];

	snapshot_take(context, &request->drawer.result.state, &snapshot);
	/* the replaced system's four fields first: clients rely on them */
	cJSON_AddStringToObject(body, "status", "running");
	cJSON_AddStringToObject(body, "message", "Service actif");
	cJSON_AddStringToObject(body, "remote_addr", request->peer);
	cJSON_AddStringToObject(body, "scheme", "http");
	cJSON_AddStringToObject(body, "version", CASHDRAWERD_VERSION);
	add_integer(body, "uptime_s", snapshot.uptime_s);
	cJSON_AddStringToObject(body, "started_at", context->started_at_text);
	cJSON_AddBoolToObject(body, "local_client", request->loopback);

	add_printer(body, context->printer_text, &snapshot);

	drawer = cJSON_AddObjectToObject(body, "drawer");
	add_integer(drawer, "pin", context->config->pin);
	cJSON_AddStringToObject(drawer, "kick", context->config->kick);
	cJSON_AddStringToObject(drawer, "open_level", context->config->drawer_open_level);
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
	return respond_json(request, method, url, MHD_HTTP_OK, body, "ok", NULL);
}
