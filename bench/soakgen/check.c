/* What each answer must be: its status, its body's shape (exact for the
 * openings and the archive), its CORS header; and the log lines it owes. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FAILURES_SHOWN 20

void failure(struct tally *tally, struct kind_tally *kind_tally, const struct kind *kind,
	     const char *format, ...)
{
	va_list ap;

	tally->failures++;
	if (kind_tally != NULL)
		kind_tally->failures++;
	if (tally->failures > FAILURES_SHOWN)
		return;
	fprintf(stderr, "soakgen: %s: ", kind != NULL ? kind->name : "?");
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void tally_outcome(struct tally *tally, unsigned status, const char *outcome)
{
	size_t i;

	for (i = 0; i < tally->outcome_count; i++)
		if (tally->outcomes[i].status == status &&
		    strcmp(tally->outcomes[i].outcome, outcome) == 0)
			break;
	if (i == tally->outcome_count) {
		if (i == sizeof tally->outcomes / sizeof tally->outcomes[0])
			return;
		tally->outcomes[i].status = status;
		tally->outcomes[i].outcome = outcome;
		tally->outcome_count++;
	}
	tally->outcomes[i].count++;
}

static bool starts_with(const char *body, size_t length, const char *prefix)
{
	size_t n = strlen(prefix);

	return length >= n && memcmp(body, prefix, n) == 0;
}

static bool ends_with(const char *body, size_t length, const char *suffix)
{
	size_t n = strlen(suffix);

	return length >= n && memcmp(body + length - n, suffix, n) == 0;
}

/* {"status":"success","message":"Tiroir-caisse ouvert","coalesced":B,"drawer":"D"}:
 * 1 coalesced, 0 a pulse of its own, -1 anything else. */
static int open_body(const char *body, size_t length)
{
	static const char prefix[] = "{\"status\":\"success\",\"message\":\"Tiroir-caisse ouvert\","
				     "\"coalesced\":";
	static const char *const drawers[] = {"open", "closed", "unknown"};
	static const char *const flags[] = {"false", "true"};
	char expected[160];

	if (!starts_with(body, length, prefix))
		return -1;
	for (int coalesced = 0; coalesced < 2; coalesced++)
		for (size_t d = 0; d < 3; d++) {
			int n = snprintf(expected, sizeof expected, "%s%s,\"drawer\":\"%s\"}",
					 prefix, flags[coalesced], drawers[d]);

			if ((size_t)n == length && memcmp(body, expected, length) == 0)
				return coalesced;
		}
	return -1;
}

/* The body's shape, or the reason it is wrong. */
static const char *body_problem(const struct check_input *in)
{
	const char *body = in->body;
	size_t kept = in->kept;
	char prefix[96];

	switch (in->kind->body) {
	case BODY_ANY:
	case BODY_OPEN: /* checked by the caller */ return NULL;
	case BODY_NONE: return in->total == 0 ? NULL : "a body where none was due";
	case BODY_STATUS:
		return starts_with(body, kept,
				   "{\"status\":\"running\",\"message\":\"Service actif\","
				   "\"remote_addr\":\"") &&
				       ends_with(body, kept, "}}")
			       ? NULL
			       : "not the /status JSON";
	case BODY_ERROR:
		snprintf(prefix, sizeof prefix,
			 "{\"status\":\"error\",\"error\":\"%s\",\"message\":\"", in->kind->code);
		return starts_with(body, kept, prefix) && ends_with(body, kept, "\"}")
			       ? NULL
			       : "not the expected error JSON";
	case BODY_METRICS:
		return starts_with(body, kept, "# HELP cashdrawerd_") && ends_with(body, kept, "\n")
			       ? NULL
			       : "not Prometheus text";
	case BODY_PAGE:
		return starts_with(body, kept, "<!DOCTYPE html>\n") &&
				       ends_with(body, kept, "</body></html>\n")
			       ? NULL
			       : "not the status page";
	case BODY_ARCHIVE:
		return in->total == in->archive_length && kept == in->archive_length &&
				       memcmp(body, in->archive, kept) == 0
			       ? NULL
			       : "not the archive's bytes";
	case BODY_LOG:
		/* "2025-02-01 14:22:31,123 - INFO - ..." lines, the last one whole */
		return kept >= 26 && body[4] == '-' && body[10] == ' ' && body[19] == ',' &&
				       memcmp(body + 23, " - ", 3) == 0 && in->last_byte == '\n'
			       ? NULL
			       : "not the log's lines";
	}
	return "unknown check";
}

int check_answer(struct tally *tally, struct kind_tally *kind_tally, const struct check_input *in)
{
	const struct kind *kind = in->kind;
	unsigned status = in->head->status;
	const char *outcome = kind->code, *problem;
	int coalesced = -1;

	kind_tally->status[status]++;
	if (status != kind->status) {
		failure(tally, kind_tally, kind, "status %u, expected %u: %.*s", status,
			kind->status, (int)(in->kept < 200 ? in->kept : 200), in->body);
		return -1;
	}
	if (kind->body == BODY_OPEN) {
		coalesced = open_body(in->body, in->kept);
		if (coalesced < 0 || in->total != in->kept) {
			failure(tally, kind_tally, kind, "not an opening's answer: %.*s",
				(int)(in->kept < 200 ? in->kept : 200), in->body);
			return -1;
		}
		outcome = coalesced ? "coalesced" : "opened";
		if (coalesced)
			tally->coalesced++;
		else
			tally->opened++;
	} else if ((problem = body_problem(in)) != NULL) {
		failure(tally, kind_tally, kind, "%s (%zu of %llu bytes, last 0x%02x): %.*s",
			problem, in->kept, (unsigned long long)in->total,
			(unsigned char)in->last_byte, (int)(in->kept < 200 ? in->kept : 200),
			in->body);
		return -1;
	}
	if (kind->cors != in->head->cors) {
		failure(tally, kind_tally, kind,
			kind->cors ? "no Access-Control-Allow-Origin"
				   : "an unexpected Access-Control-Allow-Origin");
		return -1;
	}
	if (kind->logged)
		tally_outcome(tally, status, outcome);
	if (kind->unanswered == UNANSWERED_REJECTED)
		tally->rejected_lines++;
	else if (kind->unanswered == UNANSWERED_MALFORMED)
		tally->malformed_lines++;
	return 0;
}
