/* escpos-sim core: the paper roll, dot by dot (roll.h). No I/O. */
#include "roll.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void sim_roll_init(struct sim_roll *roll, unsigned dots)
{
	memset(roll, 0, sizeof(*roll));
	roll->dots = dots < 8 ? 8 : dots > SIM_ROLL_DOTS_MAX ? SIM_ROLL_DOTS_MAX : dots;
	roll->stride = (roll->dots + 7) / 8;
}

void sim_roll_free(struct sim_roll *roll)
{
	free(roll->bits);
	roll->bits = NULL;
	roll->rows = roll->capacity = 0;
}

void sim_roll_clear(struct sim_roll *roll)
{
	roll->rows = 0;
	roll->overflowed = false;
	roll->alloc_errno = 0;
	roll->in_image = false;
}

/* Adds count white rows at the bottom; false when the roll is full. */
static bool grow(struct sim_roll *roll, unsigned count)
{
	unsigned want;

	if (roll->overflowed || roll->alloc_errno)
		return false;
	if (count == 0) /* ESC d 0: nothing to add (and bits may still be NULL) */
		return true;
	if (count > SIM_ROLL_ROWS_MAX - roll->rows) {
		roll->overflowed = true;
		return false;
	}
	want = roll->rows + count;
	if (want > roll->capacity) {
		unsigned capacity = roll->capacity ? roll->capacity : 256;
		uint8_t *bits;

		while (capacity < want)
			capacity = capacity > SIM_ROLL_ROWS_MAX / 2 ? SIM_ROLL_ROWS_MAX : capacity * 2;
		bits = realloc(roll->bits, (size_t)capacity * roll->stride);
		if (bits == NULL) {
			roll->alloc_errno = ENOMEM;
			return false;
		}
		roll->bits = bits;
		roll->capacity = capacity;
	}
	memset(roll->bits + (size_t)roll->rows * roll->stride, 0, (size_t)count * roll->stride);
	roll->rows = want;
	return true;
}

static void set_dot(struct sim_roll *roll, unsigned row, unsigned x)
{
	if (x < roll->dots && row < roll->rows)
		roll->bits[(size_t)row * roll->stride + x / 8] |= (uint8_t)(0x80 >> (x % 8));
}

static void start_image(struct sim_roll *roll, const struct sim_event *event)
{
	unsigned m = event->raster_mode >= 48 ? event->raster_mode - 48 : event->raster_mode;

	roll->dot_width = m & 1 ? 2 : 1;
	roll->dot_height = m & 2 ? 2 : 1;
	roll->image_width_bytes = event->raster_width_bytes;
	roll->image_rows = event->raster_rows;
	roll->image_done = 0;
	roll->image_top = roll->rows;
	roll->in_image = true; /* rows are added as their data arrives */
}

/* The image's data byte number image_done: 8 dots of one row, each dot
 * dot_width x dot_height on the paper. */
static void print_data(struct sim_roll *roll, const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len && roll->in_image; i++, roll->image_done++) {
		uint64_t row = roll->image_done / roll->image_width_bytes;
		uint64_t column = roll->image_done % roll->image_width_bytes;

		if (column == 0 && !grow(roll, roll->dot_height)) {
			roll->in_image = false;
			break;
		}
		if (column * 8 * roll->dot_width >= roll->dots || bytes[i] == 0)
			continue;
		for (unsigned bit = 0; bit < 8; bit++) {
			if (!(bytes[i] & (0x80 >> bit)))
				continue;
			for (unsigned dy = 0; dy < roll->dot_height; dy++)
				for (unsigned dx = 0; dx < roll->dot_width; dx++)
					set_dot(roll,
						roll->image_top + (unsigned)row * roll->dot_height + dy,
						(unsigned)(column * 8 + bit) * roll->dot_width + dx);
		}
	}
	if (roll->in_image && roll->image_done == (uint64_t)roll->image_width_bytes * roll->image_rows)
		roll->in_image = false;
}

bool sim_roll_apply(struct sim_roll *roll, const struct sim_event *event)
{
	switch (event->kind) {
	case SIM_EVENT_RASTER:
		start_image(roll, event);
		break;
	case SIM_EVENT_RASTER_DATA:
		print_data(roll, event->bytes, event->len);
		break;
	case SIM_EVENT_FEED_LINES:
		roll->in_image = false;
		grow(roll, event->feed_lines * SIM_ROLL_LINE_DOTS);
		break;
	case SIM_EVENT_LINE_FEED:
		roll->in_image = false;
		grow(roll, SIM_ROLL_LINE_DOTS);
		break;
	case SIM_EVENT_INITIALIZE:
		roll->in_image = false;
		break;
	case SIM_EVENT_CUT:
		roll->in_image = false;
		return true;
	default:
		break;
	}
	return false;
}
