/* escpos-sim core: decodes ESC/POS byte streams incrementally into events
 * (text runs, drawer kicks, status queries, cuts...). No I/O. */
#include "decode.h"

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

/* COMPLETE_BUT_LAST: the event is all pending bytes but the last, decoded afresh */
enum { NEED_MORE, COMPLETE, COMPLETE_BUT_LAST, NOT_A_COMMAND };

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

/* GS v 0 m xL xH yL yH: a raster image of x bytes (8 dots each, MSB left)
 * by y rows, x * y data bytes following; m = 0..3 or 48..51 (normal,
 * double width, double height, quadruple). Any size is decoded, so that the
 * data is skipped whole even when the printer would refuse the image. */
static int decode_gs_v_0(const uint8_t *b, size_t len, struct sim_event *event)
{
	if (len < 3)
		return NEED_MORE;
	if (b[2] != '0') {
		start_event(event, SIM_EVENT_UNKNOWN, b, 3);
		return COMPLETE;
	}
	if (len < 8)
		return NEED_MORE;
	start_event(event, SIM_EVENT_RASTER, b, 8);
	event->raster_mode = b[3];
	event->raster_width_bytes = b[4] | (unsigned)b[5] << 8;
	event->raster_rows = b[6] | (unsigned)b[7] << 8;
	event->raster_bytes = (uint64_t)event->raster_width_bytes * event->raster_rows;
	if (b[3] > 3 && (b[3] < 48 || b[3] > 51))
		reject(event, "GS v 0: mode m=%u must be 0..3 or 48..51 (%u x %u bytes of data "
		       "skipped)", b[3], event->raster_width_bytes, event->raster_rows);
	else if (event->raster_bytes == 0)
		reject(event, "GS v 0: empty image of %u bytes x %u rows",
		       event->raster_width_bytes, event->raster_rows);
	return COMPLETE;
}

/* GS ( D pL pH m [a b]...: enables (b = 1, 49) or disables (0, 48) the
 * real-time command a (1: DLE DC4 1, the pulse; 2: DLE DC4 2, power off),
 * m = 20, one or two pairs. */
static int decode_gs_paren_d(const uint8_t *b, size_t len, struct sim_event *event)
{
	size_t n;

	if (len < 5)
		return NEED_MORE;
	n = b[3] | (size_t)b[4] << 8;
	if (n != 3 && n != 5) {
		start_event(event, SIM_EVENT_REALTIME_SWITCH, b, 5);
		reject(event, "GS ( D: %zu parameter bytes, not 3 or 5 (m and one or two a b pairs)",
		       n);
		return COMPLETE;
	}
	if (len < 5 + n)
		return NEED_MORE;
	start_event(event, SIM_EVENT_REALTIME_SWITCH, b, 5 + n);
	if (b[5] != 20) {
		reject(event, "GS ( D: m=%u must be 20", b[5]);
		return COMPLETE;
	}
	for (size_t i = 6; i + 1 < 5 + n; i += 2) {
		uint8_t a = b[i], on = b[i + 1];

		if ((a != 1 && a != 2) || (on != 0 && on != 1 && on != 48 && on != 49)) {
			reject(event, "GS ( D: pair a=%u b=%u (a must be 1 or 2, b 0, 1, 48 or 49)", a,
			       on);
			return COMPLETE;
		}
		if (a == 1) {
			event->sets_pulse = true;
			event->pulse_enabled = on == 1 || on == 49;
		}
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
	if (b[0] == GS && b[1] == 'v')
		return decode_gs_v_0(b, len, event);
	if (b[0] == GS && b[1] == '(') {
		if (len < 3)
			return NEED_MORE;
		if (b[2] == 'D')
			return decode_gs_paren_d(b, len, event);
		start_event(event, SIM_EVENT_UNKNOWN, b, 2); /* other GS ( functions: as before */
		return COMPLETE_BUT_LAST;
	}
	if (b[0] == ESC && b[1] == 'd') {
		if (len < 3)
			return NEED_MORE;
		start_event(event, SIM_EVENT_FEED_LINES, b, 3);
		event->feed_lines = b[2];
		return COMPLETE;
	}
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

/* Image data: gathered into events of SIM_TEXT_MAX bytes (the last one
 * shorter), whatever the pieces the stream comes in. */
static int take_raster_data(struct sim_decoder *decoder, const uint8_t *data, size_t len,
			    size_t *i, struct sim_event *event)
{
	size_t room = SIM_TEXT_MAX - decoder->len, n = len - *i;

	if (n > room)
		n = room;
	if (n > decoder->raster_left)
		n = (size_t)decoder->raster_left;
	memcpy(decoder->pending + decoder->len, data + *i, n);
	decoder->len += n;
	decoder->raster_left -= n;
	*i += n;
	if (decoder->len < SIM_TEXT_MAX && decoder->raster_left > 0)
		return 0;
	start_event(event, SIM_EVENT_RASTER_DATA, decoder->pending, decoder->len);
	decoder->len = 0;
	return 1;
}

int sim_decoder_feed(struct sim_decoder *decoder, const uint8_t *data, size_t len,
		     size_t *used, struct sim_event *event)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = data[i];

		if (decoder->raster_left > 0) {
			if (take_raster_data(decoder, data, len, &i, event)) {
				*used = i;
				return 1;
			}
			continue;
		}

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
			decoder->raster_left = event->raster_bytes;
			break;
		case COMPLETE_BUT_LAST:
			i--;
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
	if (len >= 2 && b[0] == ESC && b[1] == 'd')
		return "ESC d";
	if (len >= 2 && b[0] == GS && b[1] == 'v')
		return "GS v 0";
	if (len >= 2 && b[0] == GS && b[1] == '(')
		return "GS ( D";
	if (len >= 2 && b[0] == DLE)
		return b[1] == EOT ? "DLE EOT" : "DLE DC4";
	if (len >= 2)
		return "GS V";
	return b[0] == ESC ? "ESC" : b[0] == GS ? "GS" : "DLE";
}

int sim_decoder_flush(struct sim_decoder *decoder, struct sim_event *event)
{
	if (decoder->raster_left > 0) {
		/* len may be 0: the stream stopped on a SIM_TEXT_MAX boundary */
		start_event(event, SIM_EVENT_INCOMPLETE, decoder->pending, decoder->len);
		snprintf(event->error, sizeof(event->error),
			 "GS v 0 image data cut short: %llu bytes missing",
			 (unsigned long long)decoder->raster_left);
		decoder->len = 0;
		decoder->raster_left = 0;
		return 1;
	}
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
