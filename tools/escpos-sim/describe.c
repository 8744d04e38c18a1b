/* escpos-sim core: the human-readable lines the simulator prints, one per
 * decoded event and one for the printer state. No I/O. */
#include "decode.h"

#include <stdarg.h>
#include <stdio.h>

/* Command introducers, to name unknown commands. */
#define ESC 0x1B
#define GS 0x1D

/* snprintf that appends at *pos and never runs past buflen. */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t buflen, size_t *pos,
							  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= buflen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, buflen - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos = (size_t)n < buflen - *pos ? *pos + (size_t)n : buflen;
}

void sim_state_describe(const struct sim_state *state, char *buf, size_t buflen)
{
	size_t pos = 0;

	if (buflen == 0)
		return;
	buf[0] = '\0';
	append(buf, buflen, &pos, "drawer %s (pin 3 %s), paper %s, cover %s, ",
	       state->drawer_open ? "open" : "closed", sim_state_pin3_high(state) ? "HIGH" : "LOW",
	       sim_paper_name(state->paper), state->cover_open ? "open" : "closed");
	if (!sim_state_is_offline(state)) {
		append(buf, buflen, &pos, "online");
	} else {
		const char *causes[] = {state->offline_forced ? "by hand" : NULL,
					state->cover_open ? "cover open" : NULL,
					state->paper == SIM_PAPER_OUT ? "paper out" : NULL,
					state->error ? "error" : NULL};
		const char *sep = "offline: ";
		for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
			if (causes[i]) {
				append(buf, buflen, &pos, "%s%s", sep, causes[i]);
				sep = " + ";
			}
		}
	}
	append(buf, buflen, &pos, ", error %s, open-level %s, kick-opens-drawer %s;"
	       " DLE EOT 1..4 -> %02X %02X %02X %02X", state->error ? "on" : "off",
	       state->open_level_high ? "high" : "low", state->kick_opens_drawer ? "on" : "off",
	       (unsigned)sim_state_status_byte(state, 1), (unsigned)sim_state_status_byte(state, 2),
	       (unsigned)sim_state_status_byte(state, 3), (unsigned)sim_state_status_byte(state, 4));
}

static const char *const raster_mode_names[] = {"", " double width", " double height",
						" quadruple"};

static const char *const query_names[] = {"", "printer", "offline cause", "error cause",
					   "paper sensor"};

static void describe_text(const struct sim_event *event, char *buf, size_t buflen, size_t *pos)
{
	append(buf, buflen, pos, "text (%zu bytes): \"", event->len);
	for (size_t i = 0; i < event->len; i++) {
		uint8_t c = event->bytes[i];
		if (c < 0x7F && c != '"' && c != '\\')
			append(buf, buflen, pos, "%c", c);
		else
			append(buf, buflen, pos, "\\x%02X", c);
	}
	append(buf, buflen, pos, "\"");
}

void sim_event_describe(const struct sim_event *event, const struct sim_outcome *outcome,
			char *buf, size_t buflen)
{
	size_t pos = 0, shown = event->len > 16 ? 16 : event->len;
	const struct sim_event *e = event;

	if (buflen == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < shown; i++)
		append(buf, buflen, &pos, i ? " %02X" : "%02X", e->bytes[i]);
	append(buf, buflen, &pos, "%s  ", e->len > shown ? " .." : "");
	switch (e->kind) {
	case SIM_EVENT_TEXT: describe_text(e, buf, buflen, &pos); break;
	case SIM_EVENT_LINE_FEED: append(buf, buflen, &pos, "line feed (LF)"); break;
	case SIM_EVENT_CARRIAGE_RETURN: append(buf, buflen, &pos, "carriage return (CR)"); break;
	case SIM_EVENT_INITIALIZE: append(buf, buflen, &pos, "initialize (ESC @)"); break;
	case SIM_EVENT_KICK:
	case SIM_EVENT_REALTIME_KICK:
		append(buf, buflen, &pos, "%s: pin %u, on %u ms, off %u ms",
		       e->kind == SIM_EVENT_KICK ? "drawer kick (ESC p)"
						 : "real-time drawer kick (DLE DC4)",
		       e->pin, e->on_ms, e->off_ms);
		break;
	case SIM_EVENT_STATUS_QUERY:
		append(buf, buflen, &pos, "status query (DLE EOT %u: %s)", e->query,
		       query_names[e->query <= 4 ? e->query : 0]);
		break;
	case SIM_EVENT_CUT:
		append(buf, buflen, &pos, "cut (GS V %u): ", e->bytes[2]);
		if (e->cut_feeds)
			append(buf, buflen, &pos, "feed %u then ", e->cut_feed);
		append(buf, buflen, &pos, "%s cut", e->partial_cut ? "partial" : "full");
		break;
	case SIM_EVENT_FEED_LINES:
		append(buf, buflen, &pos, "print and feed %u lines (ESC d)", e->feed_lines);
		break;
	case SIM_EVENT_RASTER:
		append(buf, buflen, &pos, "raster image (GS v 0 %u): %u x %u dots%s, %llu bytes",
		       e->raster_mode, e->raster_width_bytes * 8, e->raster_rows,
		       raster_mode_names[e->raster_mode % 48 & 3],
		       (unsigned long long)e->raster_bytes);
		break;
	case SIM_EVENT_RASTER_DATA:
		append(buf, buflen, &pos, "raster data (%zu bytes)", e->len);
		break;
	case SIM_EVENT_REALTIME_SWITCH:
		append(buf, buflen, &pos, "real-time commands (GS ( D): %s",
		       !e->sets_pulse      ? "DLE DC4 1 pulse unchanged"
		       : e->pulse_enabled ? "DLE DC4 1 pulse enabled"
					  : "DLE DC4 1 pulse disabled");
		break;
	case SIM_EVENT_UNKNOWN:
		if (e->len == 1)
			append(buf, buflen, &pos, "unknown byte 0x%02X -> ignored", e->bytes[0]);
		else
			append(buf, buflen, &pos, "unknown command %s 0x%02X -> ignored",
			       e->bytes[0] == ESC ? "ESC" : e->bytes[0] == GS ? "GS" : "DLE",
			       e->bytes[1]);
		break;
	case SIM_EVENT_INVALID: append(buf, buflen, &pos, "invalid %s -> ignored", e->error); break;
	case SIM_EVENT_INCOMPLETE:
		append(buf, buflen, &pos, "incomplete %s -> discarded", e->error);
		break;
	}
	switch (outcome->action) {
	case SIM_ACTION_HELD_OFFLINE:
		append(buf, buflen, &pos, " -> held in buffer: printer offline");
		break;
	case SIM_ACTION_PULSED: append(buf, buflen, &pos, " -> drawer open"); break;
	case SIM_ACTION_PULSED_NO_OPEN:
		append(buf, buflen, &pos, e->on_ms == 0 ? " -> 0 ms pulse: drawer stays closed"
							: " -> pulsed (kick-opens-drawer off)");
		break;
	case SIM_ACTION_QUEUED_OFFLINE:
		append(buf, buflen, &pos, " -> queued, not executed: printer offline");
		break;
	case SIM_ACTION_IGNORED_ERROR:
		append(buf, buflen, &pos, " -> ignored: printer in error status");
		break;
	case SIM_ACTION_IGNORED_DISABLED:
		append(buf, buflen, &pos, " -> ignored: disabled by GS ( D");
		break;
	case SIM_ACTION_ANSWERED: append(buf, buflen, &pos, " -> answered %02X", outcome->reply); break;
	default: break;
	}
}
