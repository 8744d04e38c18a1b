/* escpos-sim core (pure, no I/O): the incremental ESC/POS decoder (decode.c), the TM-T88V
 * model that executes commands and answers DLE EOT n (state.c), its lines (describe.c). */
#ifndef ESCPOS_SIM_DECODE_H
#define ESCPOS_SIM_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest command decoded whole: GS ( D 5 0 m a1 b1 a2 b2. */
#define SIM_COMMAND_MAX 10
/* Printable bytes are batched into text events of at most this many; a
 * raster image's data into RASTER_DATA events of at most this many. */
#define SIM_TEXT_MAX 64
#define SIM_ERROR_MAX 96
/* Enough for any line sim_event_describe or sim_state_describe writes. */
#define SIM_LINE_MAX 512

enum sim_event_kind {
	SIM_EVENT_TEXT,            /* run of printable bytes (0x20..0x7E, 0x80..0xFF) */
	SIM_EVENT_LINE_FEED,       /* LF */
	SIM_EVENT_CARRIAGE_RETURN, /* CR */
	SIM_EVENT_INITIALIZE,      /* ESC @ */
	SIM_EVENT_KICK,            /* ESC p m t1 t2 */
	SIM_EVENT_REALTIME_KICK,   /* DLE DC4 1 m t */
	SIM_EVENT_STATUS_QUERY,    /* DLE EOT n */
	SIM_EVENT_CUT,             /* GS V m [n] */
	SIM_EVENT_FEED_LINES,      /* ESC d n: print and feed n lines */
	SIM_EVENT_RASTER,          /* GS v 0 m xL xH yL yH: a raster image's header */
	SIM_EVENT_RASTER_DATA,     /* the next bytes of that image's data */
	SIM_EVENT_REALTIME_SWITCH, /* GS ( D pL pH 20 a b...: real-time commands on/off */
	SIM_EVENT_UNKNOWN,         /* a byte (or ESC/GS/DLE + byte) not modelled */
	SIM_EVENT_INVALID,         /* a known command with bad parameters: see error */
	SIM_EVENT_INCOMPLETE,      /* a command cut short by the end of the stream */
};

struct sim_event {
	enum sim_event_kind kind;
	uint8_t bytes[SIM_TEXT_MAX]; /* the raw bytes of the event */
	size_t len;
	unsigned pin;            /* KICK, REALTIME_KICK: drawer connector pin, 2 or 5 */
	unsigned on_ms, off_ms;  /* KICK, REALTIME_KICK: pulse timings */
	unsigned query;          /* STATUS_QUERY: n, 1..4 */
	bool partial_cut;        /* CUT: partial (one point left) or full cut */
	bool cut_feeds;          /* CUT: GS V 65/66 feed cut_feed units first */
	unsigned cut_feed;
	unsigned feed_lines;     /* FEED_LINES: n */
	/* RASTER (and an INVALID GS v 0): m, bytes per row, rows, and the data
	 * bytes that follow in RASTER_DATA events (x * y; 0 for an empty image) */
	unsigned raster_mode, raster_width_bytes, raster_rows;
	uint64_t raster_bytes;
	/* REALTIME_SWITCH: whether it sets DLE DC4 1 (the pulse), and to what */
	bool sets_pulse, pulse_enabled;
	char error[SIM_ERROR_MAX]; /* INVALID, INCOMPLETE: what is wrong, in words */
};

/* Holds the bytes of an unfinished command or text run between feeds, so a
 * stream decodes the same however it is split. Zero-initialise or call
 * sim_decoder_init before use, and again for each new connection. */
struct sim_decoder {
	uint8_t pending[SIM_TEXT_MAX];
	size_t len;
	bool in_text;
	uint64_t raster_left; /* image data bytes still to come after pending */
};

void sim_decoder_init(struct sim_decoder *decoder);

/* Decodes data[0..len) up to the first complete event. Returns 1 with *event
 * filled and *used set to the bytes consumed (maybe 0: a text run ended by
 * the next byte), or 0 with *used == len when more input is needed. Call
 * again with the rest of the data until it returns 0. */
int sim_decoder_feed(struct sim_decoder *decoder, const uint8_t *data, size_t len,
		     size_t *used, struct sim_event *event);

/* At the end of the stream: returns 1 with the pending text run or an
 * INCOMPLETE event for a truncated command, 0 when nothing was pending.
 * Leaves the decoder empty. */
int sim_decoder_flush(struct sim_decoder *decoder, struct sim_event *event);

enum sim_paper { SIM_PAPER_OK, SIM_PAPER_NEAR_END, SIM_PAPER_OUT };

struct sim_state {
	bool drawer_open;
	enum sim_paper paper;
	bool cover_open;
	bool offline_forced;    /* taken offline by hand; cover/paper/error also put it offline */
	bool error;             /* auto-recoverable error (DLE EOT 3 bit 6) */
	bool open_level_high;   /* drawer open reads as pin 3 HIGH (the usual switch) */
	bool kick_opens_drawer; /* an executed pulse opens the drawer */
	bool pulse_disabled;    /* GS ( D turned DLE DC4 1 off */
};

/* Defaults: drawer closed, paper ok, cover closed, online, no error, open
 * reads HIGH, a kick opens the drawer. */
void sim_state_init(struct sim_state *state);

/* Offline as the printer reports it: by hand, cover open, paper out or error. */
bool sim_state_is_offline(const struct sim_state *state);
bool sim_state_pin3_high(const struct sim_state *state);

/* The one-byte DLE EOT n reply, n = 1..4; -1 for any other n. */
int sim_state_status_byte(const struct sim_state *state, unsigned n);

/* Changes one setting by name and value word (the words of the CLI flags
 * and of the stdin control commands): drawer open|closed, paper
 * ok|near-end|out, cover open|closed, error on|off, open-level high|low,
 * kick-opens-drawer on|off, and offline / online without a value.
 * Returns 0, or -EINVAL with the reason in err. */
int sim_state_set(struct sim_state *state, const char *name, const char *value, char *err,
		  size_t errlen);

/* The value word of the paper setting: "ok", "near-end" or "out". */
const char *sim_paper_name(enum sim_paper paper);

/* One human-readable line: every setting and the four status bytes. */
void sim_state_describe(const struct sim_state *state, char *buf, size_t buflen);

enum sim_action {
	SIM_ACTION_NONE,            /* nothing to execute (unknown, invalid, incomplete) */
	SIM_ACTION_DONE,            /* executed (text printed, paper cut, initialised...) */
	SIM_ACTION_HELD_OFFLINE,    /* print data kept in the buffer while offline */
	SIM_ACTION_PULSED,          /* pulse output; the drawer is now open */
	SIM_ACTION_PULSED_NO_OPEN,  /* pulse output; kick-opens-drawer is off */
	SIM_ACTION_QUEUED_OFFLINE,  /* ESC p while offline: queued, not executed */
	SIM_ACTION_IGNORED_ERROR,   /* DLE DC4 in error status: ignored */
	SIM_ACTION_IGNORED_DISABLED, /* DLE DC4 1 while GS ( D disabled it: ignored */
	SIM_ACTION_ANSWERED,        /* DLE EOT: reply holds the byte to send back */
};

struct sim_outcome {
	enum sim_action action;
	uint8_t reply; /* ANSWERED only */
};

/* Executes a decoded event on the printer model, as a TM-T88V would. */
void sim_state_apply(struct sim_state *state, const struct sim_event *event,
		     struct sim_outcome *outcome);

/* "1B 70 00 19 FA  drawer kick (ESC p): pin 2, on 50 ms, off 500 ms -> drawer open":
 * hex bytes, two spaces, the event in words and what the printer did. */
void sim_event_describe(const struct sim_event *event, const struct sim_outcome *outcome,
			char *buf, size_t buflen);

#endif
