/* The soak's two mixes, the till's loopback client and a LAN client, each
 * request with the answer the daemon is designed to give (README, HTTP
 * endpoints and Security; the malformed ones as libmicrohttpd answers them)
 * and the log line it owes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soakgen.h"

#define H "Host: {host}\r\n"
#define AUTH "Authorization: Bearer {token}\r\n"
#define CLOSE "Connection: close\r\n"
#define GET_CACHED "GET /status?printer=cached HTTP/1.1\r\n" H

#define OK(name_, weight_, request_, body_, code_) \
	{.name = name_, .weight = weight_, .request = request_, .responses = 1, .status = 200, \
	 .body = body_, .code = code_, .logged = true}
#define REFUSED(name_, weight_, request_, status_, body_, code_) \
	{.name = name_, .weight = weight_, .request = request_, .responses = 1, .status = status_, \
	 .body = body_, .code = code_, .logged = true}
/* answered by libmicrohttpd itself, which then closes the connection; a
 * request line it refuses leaves a "malformed" line, headers it refuses a
 * "rejected" one */
#define MALFORMED(name_, weight_, request_, status_, unanswered_) \
	{.name = name_, .weight = weight_, .request = request_, .responses = 1, .status = status_, \
	 .fresh = true, .unanswered = unanswered_}
#define MALFORMED_TWICE(name_, weight_, request_, status_) \
	{.name = name_, .weight = weight_, .request = request_, .responses = 1, .status = status_, \
	 .fresh = true, .unanswered = UNANSWERED_REJECTED, .sent_twice = true}
#define CUT(name_, weight_, request_, unanswered_) \
	{.name = name_, .weight = weight_, .request = request_, .send = SEND_THEN_SHUT, \
	 .fresh = true, .unanswered = unanswered_}

static const struct kind loopback_kinds[] = {
	/* openings: most are coalesced into the pulse of the moment (min_interval_ms) */
	OK("open", 40, "GET /open-cash-drawer HTTP/1.1\r\n" H "\r\n", BODY_OPEN, NULL),
	{.name = "open_allowed_origin", .weight = 10,
	 .request = "GET /open-cash-drawer HTTP/1.1\r\n" H "Origin: http://pos.example\r\n\r\n",
	 .responses = 1, .status = 200, .body = BODY_OPEN, .cors = true, .logged = true},
	OK("open_http10", 5, "GET /open-cash-drawer HTTP/1.0\r\n\r\n", BODY_OPEN, NULL),
	OK("open_head", 10, "HEAD /open-cash-drawer HTTP/1.1\r\n" H "\r\n", BODY_NONE,
	   "head_no_kick"),
	REFUSED("open_foreign_origin", 5,
		"GET /open-cash-drawer HTTP/1.1\r\n" H "Origin: http://evil.example\r\n\r\n", 403,
		BODY_ERROR, "origin_not_allowed"),
	REFUSED("open_referer_foreign", 3,
		"GET /open-cash-drawer HTTP/1.1\r\n" H "Referer: http://evil.example/page\r\n\r\n",
		403, BODY_ERROR, "origin_not_allowed"),
	REFUSED("open_foreign_host", 5,
		"GET /open-cash-drawer HTTP/1.1\r\nHost: evil.example\r\n\r\n", 403, BODY_ERROR,
		"host_not_allowed"),
	/* a body is never read: the refusal comes at once, and closes */
	REFUSED("open_post", 5,
		"POST /open-cash-drawer HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello", 405,
		BODY_ERROR, "method_not_allowed"),
	/* the second length would make the body a request of its own: an opening */
	REFUSED("duplicate_content_length", 2,
		"POST /status HTTP/1.1\r\n" H "Content-Length: 0\r\nContent-Length: 40\r\n\r\n"
		"GET /open-cash-drawer HTTP/1.1\r\n" H "\r\n",
		400, BODY_ERROR, "duplicate_content_length"),
	REFUSED("open_nul_suffix", 2, "GET /open-cash-drawer%00x HTTP/1.1\r\n" H "\r\n", 404,
		BODY_ERROR, "not_found"),
	/* monitoring */
	OK("status", 150, "GET /status HTTP/1.1\r\n" H "\r\n", BODY_STATUS, "ok"),
	OK("status_cached", 250, GET_CACHED "\r\n", BODY_STATUS, "ok"),
	OK("status_close", 30, GET_CACHED CLOSE "\r\n", BODY_STATUS, "ok"),
	OK("status_http10", 15, "GET /status?printer=cached HTTP/1.0\r\n\r\n", BODY_STATUS, "ok"),
	OK("status_http10_keepalive", 10,
	   "GET /status?printer=cached HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", BODY_STATUS,
	   "ok"),
	{.name = "status_pipelined", .weight = 20, .request = GET_CACHED "\r\n" GET_CACHED "\r\n",
	 .responses = 2, .status = 200, .body = BODY_STATUS, .code = "ok", .logged = true},
	REFUSED("status_with_body", 10, GET_CACHED "Content-Length: 16\r\n\r\n0123456789abcdef",
		413, BODY_ERROR, "body_not_allowed"),
	REFUSED("status_expect_continue", 3,
		GET_CACHED "Expect: 100-continue\r\nContent-Length: 4\r\n\r\nabcd", 413,
		BODY_ERROR, "body_not_allowed"),
	REFUSED("status_chunked", 3,
		"GET /status HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 413,
		BODY_ERROR, "body_not_allowed"),
	/* a loopback peer naming another Host is judged like the LAN: a token is needed */
	REFUSED("status_foreign_host", 5, "GET /status HTTP/1.1\r\nHost: evil.example\r\n\r\n", 401,
		BODY_ERROR, "token_required"),
	OK("metrics", 100, "GET /metrics HTTP/1.1\r\n" H "\r\n", BODY_METRICS, "ok"),
	OK("page", 50, "GET / HTTP/1.1\r\n" H "\r\n", BODY_PAGE, "ok"),
	OK("page_head", 5, "HEAD / HTTP/1.1\r\n" H "\r\n", BODY_NONE, "ok"),
	OK("logs_archive", 30, "GET /logs?date={date} HTTP/1.1\r\n" H "\r\n", BODY_ARCHIVE,
	   "log_download"),
	REFUSED("logs_impossible_date", 10, "GET /logs?date=2025-02-30 HTTP/1.1\r\n" H "\r\n", 400,
		BODY_ERROR, "bad_date"),
	REFUSED("logs_garbled_date", 5, "GET /logs?date=2025-01-01%00 HTTP/1.1\r\n" H "\r\n", 400,
		BODY_ERROR, "bad_date"),
	REFUSED("logs_no_archive", 10, "GET /logs?date=2001-01-01 HTTP/1.1\r\n" H "\r\n", 404,
		BODY_ERROR, "log_not_found"),
	REFUSED("logs_unknown_parameter", 5, "GET /logs?x=1 HTTP/1.1\r\n" H "\r\n", 400, BODY_ERROR,
		"bad_query"),
	{.name = "preflight_status", .weight = 15,
	 .request = "OPTIONS /status HTTP/1.1\r\n" H "Origin: http://pos.example\r\n"
		    "Access-Control-Request-Method: GET\r\n\r\n",
	 .responses = 1, .status = 204, .body = BODY_NONE, .code = "preflight", .cors = true,
	 .logged = true},
	{.name = "preflight_open", .weight = 5,
	 .request = "OPTIONS /open-cash-drawer HTTP/1.1\r\n" H "Origin: http://pos.example\r\n"
		    "Access-Control-Request-Method: GET\r\n\r\n",
	 .responses = 1, .status = 204, .body = BODY_NONE, .code = "preflight", .cors = true,
	 .logged = true},
	/* wrong methods and paths: answered, logged, the connection kept */
	REFUSED("delete", 10, "DELETE /status HTTP/1.1\r\n" H "\r\n", 405, BODY_ERROR,
		"method_not_allowed"),
	REFUSED("unknown_method", 5, "BREW / HTTP/1.1\r\n" H "\r\n", 405, BODY_ERROR,
		"method_not_allowed"),
	REFUSED("lowercase_method", 3, "get /status HTTP/1.1\r\n" H "\r\n", 405, BODY_ERROR,
		"method_not_allowed"),
	REFUSED("unknown_path", 15, "GET /nope HTTP/1.1\r\n" H "\r\n", 404, BODY_ERROR,
		"not_found"),
	REFUSED("sub_path", 5, "GET /open-cash-drawer/x HTTP/1.1\r\n" H "\r\n", 404, BODY_ERROR,
		"not_found"),
	REFUSED("dot_dot", 3, "GET /../etc/passwd HTTP/1.1\r\n" H "\r\n", 404, BODY_ERROR,
		"not_found"),
	REFUSED("nul_path", 2, "GET /%00%ff HTTP/1.1\r\n" H "\r\n", 404, BODY_ERROR, "not_found"),
	REFUSED("long_path", 2, "GET /{a5000} HTTP/1.1\r\n" H "\r\n", 404, BODY_ERROR, "not_found"),
	/* malformed: libmicrohttpd answers and closes */
	MALFORMED("header_too_large", 4, "GET /status HTTP/1.1\r\n" H "X-Big: {a9000}\r\n\r\n", 431,
		  UNANSWERED_REJECTED),
	MALFORMED("too_many_headers", 2, "GET /status HTTP/1.1\r\n" H "{headers200}\r\n", 431,
		  UNANSWERED_REJECTED),
	MALFORMED("uri_too_long", 2, "GET /{a9000} HTTP/1.1\r\n" H "\r\n", 414,
		  UNANSWERED_MALFORMED),
	MALFORMED("garbage", 4, "{garbage}\r\n\r\n", 400, UNANSWERED_MALFORMED),
	MALFORMED("no_version", 2, "GET /status\r\n\r\n", 400, UNANSWERED_MALFORMED),
	MALFORMED("http_9_9", 3, "GET /status HTTP/9.9\r\n" H "\r\n", 505, UNANSWERED_MALFORMED),
	MALFORMED("http_2_0", 2, "GET /status HTTP/2.0\r\n" H "\r\n", 505, UNANSWERED_MALFORMED),
	MALFORMED("http2_preface", 2, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505,
		  UNANSWERED_MALFORMED),
	MALFORMED_TWICE("bad_content_length", 3,
			"GET /status HTTP/1.1\r\n" H "Content-Length: abc\r\n\r\n", 400),
	MALFORMED_TWICE("content_length_too_large", 2,
			"GET /open-cash-drawer HTTP/1.1\r\n" H
			"Content-Length: 99999999999999999999999\r\n\r\n",
			413),
	MALFORMED("header_without_colon", 3, "GET /status HTTP/1.1\r\n" H "NoColon\r\n\r\n", 400,
		  UNANSWERED_REJECTED),
	/* closed by the server without an answer (no space in the line) */
	{.name = "bare_method", .weight = 2, .request = "GET\r\n\r\n", .fresh = true,
	 .unanswered = UNANSWERED_MALFORMED},
	{.name = "tab_separated", .weight = 2,
	 .request = "GET\t/status\tHTTP/1.1\r\n" H "\r\n", .fresh = true,
	 .unanswered = UNANSWERED_MALFORMED},
	/* cut short by the client */
	CUT("cut_in_headers", 4, "GET /status HTTP/1.1\r\n" H "X-Cut: ", UNANSWERED_GONE),
	CUT("cut_in_request_line", 3, "GET /sta", UNANSWERED_CUT_LINE),
};

static const struct kind loopback_slow = {
	.name = "slowloris", .request = "GET /status HTTP/1.1\r\n" H, .send = SEND_TRICKLE,
	.fresh = true, .unanswered = UNANSWERED_GONE};
static const struct kind loopback_log = OK("logs_today", 0, "GET /logs HTTP/1.1\r\n" H "\r\n",
					   BODY_LOG, "log_download");

/* A LAN client (another namespace): never opens, reads with the token. */
static const struct kind lan_kinds[] = {
	REFUSED("lan_open", 100, "GET /open-cash-drawer HTTP/1.1\r\n" H "\r\n", 403, BODY_ERROR,
		"not_local"),
	/* no header makes a peer local */
	REFUSED("lan_open_spoofed", 30,
		"GET /open-cash-drawer HTTP/1.1\r\nHost: localhost\r\n"
		"X-Forwarded-For: 127.0.0.1\r\n"
		"Forwarded: for=127.0.0.1\r\nX-Real-IP: 127.0.0.1\r\n\r\n",
		403, BODY_ERROR, "not_local"),
	REFUSED("lan_open_head", 10, "HEAD /open-cash-drawer HTTP/1.1\r\n" H "\r\n", 403, BODY_NONE,
		"not_local"),
	/* a listed origin gets its CORS header on errors too */
	{.name = "lan_open_preflight", .weight = 10,
	 .request = "OPTIONS /open-cash-drawer HTTP/1.1\r\n" H "Origin: http://pos.example\r\n\r\n",
	 .responses = 1, .status = 403, .body = BODY_ERROR, .code = "not_local", .cors = true,
	 .logged = true},
	REFUSED("lan_open_post", 5,
		"POST /open-cash-drawer HTTP/1.1\r\n" H "Content-Length: 0\r\n\r\n", 405,
		BODY_ERROR, "method_not_allowed"),
	OK("lan_status", 200, "GET /status HTTP/1.1\r\n" H AUTH "\r\n", BODY_STATUS, "ok"),
	OK("lan_status_cached", 200, "GET /status?printer=cached HTTP/1.1\r\n" H AUTH "\r\n",
	   BODY_STATUS, "ok"),
	OK("lan_status_close", 20, "GET /status?printer=cached HTTP/1.1\r\n" H AUTH CLOSE "\r\n",
	   BODY_STATUS, "ok"),
	REFUSED("lan_status_no_token", 50, "GET /status HTTP/1.1\r\n" H "\r\n", 401, BODY_ERROR,
		"token_required"),
	REFUSED("lan_status_wrong_token", 30,
		"GET /status HTTP/1.1\r\n" H
		"Authorization: Bearer not-the-token-0123456789\r\n\r\n",
		401, BODY_ERROR, "token_invalid"),
	OK("lan_metrics", 80, "GET /metrics HTTP/1.1\r\n" H AUTH "\r\n", BODY_METRICS, "ok"),
	OK("lan_page", 40, "GET / HTTP/1.1\r\n" H AUTH "\r\n", BODY_PAGE, "ok"),
	OK("lan_logs_archive", 30, "GET /logs?date={date} HTTP/1.1\r\n" H AUTH "\r\n", BODY_ARCHIVE,
	   "log_download"),
	REFUSED("lan_logs_bad_date", 10, "GET /logs?date=2025-13-01 HTTP/1.1\r\n" H AUTH "\r\n",
		400, BODY_ERROR, "bad_date"),
	REFUSED("lan_logs_no_token", 10, "GET /logs HTTP/1.1\r\n" H "\r\n", 401, BODY_ERROR,
		"token_required"),
	REFUSED("lan_unknown_path", 10, "GET /admin HTTP/1.1\r\n" H "\r\n", 404, BODY_ERROR,
		"not_found"),
	REFUSED("lan_delete", 10, "DELETE /logs HTTP/1.1\r\n" H AUTH "\r\n", 405, BODY_ERROR,
		"method_not_allowed"),
	MALFORMED("lan_garbage", 3, "{garbage}\r\n\r\n", 400, UNANSWERED_MALFORMED),
	MALFORMED("lan_http_2_0", 2, "GET /status HTTP/2.0\r\n" H "\r\n", 505,
		  UNANSWERED_MALFORMED),
	/* refused before the token is looked at, its body unread */
	REFUSED("lan_status_with_body", 3,
		"GET /status HTTP/1.1\r\n" H "Content-Length: 100000\r\n\r\n{\"a\": ", 413,
		BODY_ERROR, "body_not_allowed"),
	MALFORMED("lan_header_too_large", 3, "GET /status HTTP/1.1\r\n" H "X-Big: {a9000}\r\n\r\n",
		  431, UNANSWERED_REJECTED),
	CUT("lan_cut_in_headers", 2, "GET /status HTTP/1.1\r\n" H "X-Cut: ", UNANSWERED_GONE),
};

static const struct kind lan_log = OK("lan_logs_today", 0, "GET /logs HTTP/1.1\r\n" H AUTH "\r\n",
				      BODY_LOG, "log_download");

static const struct mix mixes[] = {
	{"loopback", loopback_kinds, sizeof loopback_kinds / sizeof loopback_kinds[0],
	 &loopback_slow, &loopback_log},
	{"lan", lan_kinds, sizeof lan_kinds / sizeof lan_kinds[0], NULL, &lan_log},
};

const struct mix *mix_find(const char *name)
{
	for (size_t i = 0; i < sizeof mixes / sizeof mixes[0]; i++)
		if (strcmp(mixes[i].name, name) == 0)
			return &mixes[i];
	return NULL;
}

size_t mix_schedule(const struct mix *mix, const struct kind **schedule, size_t size)
{
	size_t n = 0;
	uint32_t seed = 22548;

	for (size_t i = 0; i < mix->count; i++)
		for (unsigned w = 0; w < mix->kinds[i].weight && n < size; w++)
			schedule[n++] = &mix->kinds[i];
	/* Fisher-Yates with a fixed LCG: the same order at every run */
	for (size_t i = n; i > 1; i--) {
		const struct kind *swap;
		size_t j;

		seed = seed * 1103515245u + 12345u;
		j = (seed >> 8) % i;
		swap = schedule[i - 1];
		schedule[i - 1] = schedule[j];
		schedule[j] = swap;
	}
	return n;
}

/* Appends text (length bytes) to the growing buffer. */
static int append(char **buf, size_t *len, size_t *cap, const char *text, size_t length)
{
	if (*len + length + 1 > *cap) {
		size_t grown = (*len + length + 1) * 2;
		char *bigger = realloc(*buf, grown);

		if (bigger == NULL)
			return -1;
		*buf = bigger;
		*cap = grown;
	}
	memcpy(*buf + *len, text, length);
	*len += length;
	(*buf)[*len] = '\0';
	return 0;
}

static int append_repeated(char **buf, size_t *len, size_t *cap, char c, size_t count)
{
	char chunk[256];

	memset(chunk, c, sizeof chunk);
	while (count > 0) {
		size_t n = count < sizeof chunk ? count : sizeof chunk;

		if (append(buf, len, cap, chunk, n) < 0)
			return -1;
		count -= n;
	}
	return 0;
}

/* {name}: the value of one placeholder appended. */
static int expand_one(const char *name, size_t name_length, const char *host, const char *token,
		      const char *date, char **buf, size_t *len, size_t *cap)
{
#define IS(text) (name_length == sizeof(text) - 1 && memcmp(name, text, name_length) == 0)
	if (IS("host"))
		return append(buf, len, cap, host, strlen(host));
	if (IS("token"))
		return append(buf, len, cap, token, strlen(token));
	if (IS("date"))
		return append(buf, len, cap, date, strlen(date));
	if (IS("a5000"))
		return append_repeated(buf, len, cap, 'a', 5000);
	if (IS("a9000"))
		return append_repeated(buf, len, cap, 'a', 9000);
	if (IS("headers200")) {
		for (int i = 0; i < 200; i++) {
			char line[32];
			int n = snprintf(line, sizeof line, "X-Header-%d: v\r\n", i);

			if (append(buf, len, cap, line, (size_t)n) < 0)
				return -1;
		}
		return 0;
	}
	if (IS("garbage")) {
		/* every byte value, four times: a request line of control bytes */
		for (int round = 0; round < 4; round++)
			for (int c = 0; c < 256; c++) {
				char byte = (char)c;

				if (append(buf, len, cap, &byte, 1) < 0)
					return -1;
			}
		return 0;
	}
#undef IS
	fprintf(stderr, "soakgen: unknown placeholder {%.*s}\n", (int)name_length, name);
	return -1;
}

char *mix_expand(const char *template, const char *host, const char *token, const char *date,
		 size_t *length)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	for (const char *p = template; *p != '\0';) {
		const char *open = strchr(p, '{'), *close = open != NULL ? strchr(open, '}') : NULL;

		if (open == NULL || close == NULL) {
			if (append(&buf, &len, &cap, p, strlen(p)) < 0)
				goto fail;
			break;
		}
		if (append(&buf, &len, &cap, p, (size_t)(open - p)) < 0 ||
		    expand_one(open + 1, (size_t)(close - open - 1), host, token, date, &buf, &len,
			       &cap) < 0)
			goto fail;
		p = close + 1;
	}
	*length = len;
	return buf;
fail:
	free(buf);
	return NULL;
}
