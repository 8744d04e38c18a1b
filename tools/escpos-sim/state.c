/* escpos-sim core: the TM-T88V printer model (drawer, paper, cover, online state),
 * its DLE EOT n status bytes, settings by name, and executing decoded events. No I/O. */
#include "decode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

const char *sim_paper_name(enum sim_paper paper)
{
	return settings[PAPER].words[paper];
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
	case SIM_EVENT_FEED_LINES:
	case SIM_EVENT_RASTER:
	case SIM_EVENT_RASTER_DATA:
	case SIM_EVENT_REALTIME_SWITCH:
		outcome->action = offline ? SIM_ACTION_HELD_OFFLINE : SIM_ACTION_DONE;
		break;
	case SIM_EVENT_KICK: /* buffered with print data: waits while offline */
		outcome->action = offline ? SIM_ACTION_QUEUED_OFFLINE : pulse(state, event);
		break;
	case SIM_EVENT_REALTIME_KICK: /* executed on receipt, offline too, but not in error */
		outcome->action = state->error            ? SIM_ACTION_IGNORED_ERROR
				  : state->pulse_disabled ? SIM_ACTION_IGNORED_DISABLED
							  : pulse(state, event);
		break;
	case SIM_EVENT_STATUS_QUERY:
		outcome->action = SIM_ACTION_ANSWERED;
		outcome->reply = (uint8_t)sim_state_status_byte(state, event->query);
		break;
	default:
		break;
	}
	if (event->kind == SIM_EVENT_REALTIME_SWITCH && outcome->action == SIM_ACTION_DONE &&
	    event->sets_pulse)
		state->pulse_disabled = !event->pulse_enabled;
}
