/* escpos-sim core: decodes ESC/POS byte streams incrementally and models a
 * TM-T88V (drawer, paper, cover, online state) to answer DLE EOT n. No I/O. */
#include "decode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LF 0x0A
#define CR 0x0D
#define DLE 0x10
#define EOT 0x04
#define DC4 0x14
#define ESC 0x1B
#define GS 0x1D

enum { NEED_MORE, COMPLETE, NOT_A_COMMAND };

/* Printed as characters (0x80..0xFF through the code page); DEL is not. */
static bool is_text(uint8_t c)
{
	return c >= 0x20 && c != 0x7F;
}

static void start_event(struct sim_event *event, enum sim_event_kind kind, const uint8_t *bytes,
			size_t len)
{
	memset(event, 0, sizeof(*event));
	event->kind = kind;
	memcpy(event->bytes, bytes, len);
	event->len = len;
}

__attribute__((format(printf, 2, 3))) static void reject(struct sim_event *event,
							  const char *fmt, ...)
{
	va_list ap;

	event->kind = SIM_EVENT_INVALID;
	va_start(ap, fmt);
	vsnprintf(event->error, sizeof(event->error), fmt, ap);
	va_end(ap);
}

/* ESC p m t1 t2: pulse on pin m for t1*2 ms, off for t2*2 ms. */
static int decode_esc_p(const uint8_t *b, struct sim_event *event)
{
	start_event(event, SIM_EVENT_KICK, b, 5);
	if (b[2] == 0 || b[2] == 48)
		event->pin = 2;
	else if (b[2] == 1 || b[2] == 49)
		event->pin = 5;
	else
		reject(event, "ESC p: pin selector m=%u must be 0 or 48 (pin 2), 1 or 49 (pin 5)",
		       b[2]);
	event->on_ms = b[3] * 2u;
	event->off_ms = b[4] * 2u;
	return COMPLETE;
}

/* GS V m (m = 0/48 full, 1/49 partial) or GS V m n (65 full, 66 partial, after feeding n). */
static int decode_gs_v(const uint8_t *b, size_t len, struct sim_event *event)
{
	if (len < 3)
		return NEED_MORE;
	if (b[2] == 0 || b[2] == 48 || b[2] == 1 || b[2] == 49) {
		start_event(event, SIM_EVENT_CUT, b, 3);
		event->partial_cut = b[2] == 1 || b[2] == 49;
	} else if (b[2] == 65 || b[2] == 66) {
		if (len < 4)
			return NEED_MORE;
		start_event(event, SIM_EVENT_CUT, b, 4);
		event->partial_cut = b[2] == 66;
		event->cut_feeds = true;
		event->cut_feed = b[3];
	} else {
		start_event(event, SIM_EVENT_CUT, b, 3);
		reject(event, "GS V: cut mode m=%u must be 0, 1, 48, 49, 65 or 66", b[2]);
	}
	return COMPLETE;
}

/* DLE EOT n: real-time status, n = 1..4. */
static int decode_dle_eot(const uint8_t *b, struct sim_event *event)
{
	start_event(event, SIM_EVENT_STATUS_QUERY, b, 3);
	event->query = b[2];
	if (b[2] < 1 || b[2] > 4)
		reject(event, "DLE EOT: n=%u is not a status type 1..4", b[2]);
	return COMPLETE;
}

/* DLE DC4 1 m t: real-time pulse on pin m (0 = 2, 1 = 5), t*100 ms on and off, 1 <= t <= 8. */
static int decode_dle_dc4(const uint8_t *b, size_t len, struct sim_event *event)
{
	if (len < 3)
		return NEED_MORE;
	if (b[2] != 1) {
		start_event(event, SIM_EVENT_REALTIME_KICK, b, 3);
		reject(event, "DLE DC4: function fn=%u is not modelled (only fn=1, the drawer pulse)",
		       b[2]);
		return COMPLETE;
	}
	if (len < 5)
		return NEED_MORE;
	start_event(event, SIM_EVENT_REALTIME_KICK, b, 5);
	event->pin = b[3] == 0 ? 2 : 5;
	event->on_ms = event->off_ms = b[4] * 100u;
	if (b[3] > 1)
		reject(event, "DLE DC4 1: pin selector m=%u must be 0 (pin 2) or 1 (pin 5)", b[3]);
	else if (b[4] < 1 || b[4] > 8)
		reject(event, "DLE DC4 1: pulse time t=%u must be 1..8 (units of 100 ms)", b[4]);
	return COMPLETE;
}

/* b[0] is ESC, GS or DLE and len >= 2. An unmodelled printable second byte makes a
 * two-byte unknown command; a control byte is decoded afresh (it may be a DLE EOT). */
static int decode_command(const uint8_t *b, size_t len, struct sim_event *event)
{
	if (b[0] == ESC && b[1] == '@') {
		start_event(event, SIM_EVENT_INITIALIZE, b, 2);
		return COMPLETE;
	}
	if (b[0] == ESC && b[1] == 'p')
		return len < 5 ? NEED_MORE : decode_esc_p(b, event);
	if (b[0] == GS && b[1] == 'V')
		return decode_gs_v(b, len, event);
	if (b[0] == DLE && b[1] == EOT)
		return len < 3 ? NEED_MORE : decode_dle_eot(b, event);
	if (b[0] == DLE && b[1] == DC4)
		return decode_dle_dc4(b, len, event);
	if (b[1] >= 0x20 && b[1] < 0x7F) {
		start_event(event, SIM_EVENT_UNKNOWN, b, 2);
		return COMPLETE;
	}
	return NOT_A_COMMAND;
}

void sim_decoder_init(struct sim_decoder *decoder)
{
	memset(decoder, 0, sizeof(*decoder));
}

static void take_text(struct sim_decoder *decoder, struct sim_event *event)
{
	start_event(event, SIM_EVENT_TEXT, decoder->pending, decoder->len);
	decoder->len = 0;
	decoder->in_text = false;
}

int sim_decoder_feed(struct sim_decoder *decoder, const uint8_t *data, size_t len,
		     size_t *used, struct sim_event *event)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = data[i];

		if (decoder->in_text) {
			if (!is_text(c)) {
				take_text(decoder, event);
				*used = i;
				return 1;
			}
			decoder->pending[decoder->len++] = data[i++];
			if (decoder->len == SIM_TEXT_MAX) {
				take_text(decoder, event);
				*used = i;
				return 1;
			}
			continue;
		}
		i++;
		if (decoder->len == 0) {
			if (is_text(c))
				decoder->in_text = true;
			if (is_text(c) || c == ESC || c == GS || c == DLE) {
				decoder->pending[decoder->len++] = c;
				continue;
			}
			start_event(event,
				    c == LF   ? SIM_EVENT_LINE_FEED
				    : c == CR ? SIM_EVENT_CARRIAGE_RETURN
					      : SIM_EVENT_UNKNOWN,
				    &c, 1);
			*used = i;
			return 1;
		}
		decoder->pending[decoder->len++] = c;
		switch (decode_command(decoder->pending, decoder->len, event)) {
		case NEED_MORE:
			/* Cannot happen (every command completes by SIM_COMMAND_MAX);
			 * kept so the buffer stays bounded whatever changes above. */
			if (decoder->len < SIM_COMMAND_MAX)
				continue;
			start_event(event, SIM_EVENT_UNKNOWN, decoder->pending, decoder->len);
			break;
		case COMPLETE:
			break;
		default:
			start_event(event, SIM_EVENT_UNKNOWN, decoder->pending, 1);
			i--;
			break;
		}
		decoder->len = 0;
		*used = i;
		return 1;
	}
	*used = len;
	return 0;
}

static const char *partial_name(const uint8_t *b, size_t len)
{
	if (len >= 2 && b[0] == ESC && b[1] == 'p')
		return "ESC p";
	if (len >= 2 && b[0] == DLE)
		return b[1] == EOT ? "DLE EOT" : "DLE DC4";
	if (len >= 2)
		return "GS V";
	return b[0] == ESC ? "ESC" : b[0] == GS ? "GS" : "DLE";
}

int sim_decoder_flush(struct sim_decoder *decoder, struct sim_event *event)
{
	if (decoder->len == 0)
		return 0;
	if (decoder->in_text) {
		take_text(decoder, event);
		return 1;
	}
	start_event(event, SIM_EVENT_INCOMPLETE, decoder->pending, decoder->len);
	snprintf(event->error, sizeof(event->error), "%s cut short by the end of the stream",
		 partial_name(decoder->pending, decoder->len));
	decoder->len = 0;
	return 1;
}

/* --- The printer model ------------------------------------------------- */

void sim_state_init(struct sim_state *state)
{
	memset(state, 0, sizeof(*state));
	state->open_level_high = true;
	state->kick_opens_drawer = true;
}

bool sim_state_is_offline(const struct sim_state *state)
{
	return state->offline_forced || state->cover_open || state->paper == SIM_PAPER_OUT ||
	       state->error;
}

bool sim_state_pin3_high(const struct sim_state *state)
{
	return state->drawer_open == state->open_level_high;
}

int sim_state_status_byte(const struct sim_state *state, unsigned n)
{
	/* DLE EOT n: every reply has bits 1 and 4 set, bits 0 and 7 clear. */
	unsigned status = 0x12;

	switch (n) {
	case 1: /* printer: bit 2 pin 3 level, bit 3 offline */
		status |= sim_state_pin3_high(state) ? 0x04 : 0;
		status |= sim_state_is_offline(state) ? 0x08 : 0;
		break;
	case 2: /* offline cause: bit 2 cover, bit 5 stopped by paper end, bit 6 error */
		status |= state->cover_open ? 0x04 : 0;
		status |= state->paper == SIM_PAPER_OUT ? 0x20 : 0;
		status |= state->error ? 0x40 : 0;
		break;
	case 3: /* error cause: bit 6 auto-recoverable error */
		status |= state->error ? 0x40 : 0;
		break;
	case 4: /* paper sensor: bits 2+3 near end, bits 5+6 paper end */
		status |= state->paper == SIM_PAPER_NEAR_END ? 0x0C : 0;
		status |= state->paper == SIM_PAPER_OUT ? 0x60 : 0;
		break;
	default:
		return -1;
	}
	return (int)status;
}

/* One table for the CLI flags and the stdin commands; words[i] sets value i. */
enum setting_id { DRAWER, PAPER, COVER, ERROR, OPEN_LEVEL, KICK_OPENS_DRAWER };
static const struct setting {
	const char *name;
	const char *words[3];
} settings[] = {
	[DRAWER] = {"drawer", {"closed", "open"}},
	[PAPER] = {"paper", {"ok", "near-end", "out"}},
	[COVER] = {"cover", {"closed", "open"}},
	[ERROR] = {"error", {"off", "on"}},
	[OPEN_LEVEL] = {"open-level", {"low", "high"}},
	[KICK_OPENS_DRAWER] = {"kick-opens-drawer", {"off", "on"}},
};
#define SETTING_COUNT (sizeof(settings) / sizeof(settings[0]))

int sim_state_set(struct sim_state *state, const char *name, const char *value, char *err,
		  size_t errlen)
{
	size_t id, w;

	if (strcmp(name, "offline") == 0 || strcmp(name, "online") == 0) {
		if (value && *value) {
			snprintf(err, errlen, "%s takes no value (got '%s')", name, value);
			return -EINVAL;
		}
		state->offline_forced = name[1] == 'f';
		return 0;
	}
	for (id = 0; id < SETTING_COUNT && strcmp(settings[id].name, name) != 0; id++)
		;
	if (id == SETTING_COUNT) {
		snprintf(err, errlen,
			 "unknown setting '%s' (drawer, paper, cover, offline, online, error, "
			 "open-level, kick-opens-drawer)", name);
		return -EINVAL;
	}
	const struct setting *s = &settings[id];
	for (w = 0; w < 3 && s->words[w] && !(value && strcmp(s->words[w], value) == 0); w++)
		;
	if (w == 3 || !s->words[w]) {
		snprintf(err, errlen, "%s: '%s' is not one of %s, %s%s%s", name, value ? value : "",
			 s->words[0], s->words[1], s->words[2] ? ", " : "",
			 s->words[2] ? s->words[2] : "");
		return -EINVAL;
	}
	switch ((enum setting_id)id) {
	case DRAWER: state->drawer_open = w; break;
	case PAPER: state->paper = (enum sim_paper)w; break;
	case COVER: state->cover_open = w; break;
	case ERROR: state->error = w; break;
	case OPEN_LEVEL: state->open_level_high = w; break;
	case KICK_OPENS_DRAWER: state->kick_opens_drawer = w; break;
	}
	return 0;
}

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
	       settings[PAPER].words[state->paper], state->cover_open ? "open" : "closed");
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

static enum sim_action pulse(struct sim_state *state, const struct sim_event *event)
{
	if (!state->kick_opens_drawer || event->on_ms == 0)
		return SIM_ACTION_PULSED_NO_OPEN;
	state->drawer_open = true;
	return SIM_ACTION_PULSED;
}

void sim_state_apply(struct sim_state *state, const struct sim_event *event,
		     struct sim_outcome *outcome)
{
	bool offline = sim_state_is_offline(state);

	outcome->action = SIM_ACTION_NONE;
	outcome->reply = 0;
	switch (event->kind) {
	case SIM_EVENT_TEXT:
	case SIM_EVENT_LINE_FEED:
	case SIM_EVENT_CARRIAGE_RETURN:
	case SIM_EVENT_INITIALIZE:
	case SIM_EVENT_CUT:
		outcome->action = offline ? SIM_ACTION_HELD_OFFLINE : SIM_ACTION_DONE;
		break;
	case SIM_EVENT_KICK: /* buffered with print data: waits while offline */
		outcome->action = offline ? SIM_ACTION_QUEUED_OFFLINE : pulse(state, event);
		break;
	case SIM_EVENT_REALTIME_KICK: /* executed on receipt, offline too, but not in error */
		outcome->action = state->error ? SIM_ACTION_IGNORED_ERROR : pulse(state, event);
		break;
	case SIM_EVENT_STATUS_QUERY:
		outcome->action = SIM_ACTION_ANSWERED;
		outcome->reply = (uint8_t)sim_state_status_byte(state, event->query);
		break;
	default:
		break;
	}
}

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
	case SIM_ACTION_ANSWERED: append(buf, buflen, &pos, " -> answered %02X", outcome->reply); break;
	default: break;
	}
}
