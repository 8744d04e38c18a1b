/* escpos-sim core (pure, no I/O): the paper roll as printed, dot by dot, from
 * GS v 0 raster images and line feeds, handed over at each cut so that the
 * simulator can write it as a PNG (png.c). Text is not drawn: its lines only
 * take their height. */
#ifndef ESCPOS_SIM_ROLL_H
#define ESCPOS_SIM_ROLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* The TM-T88V's line spacing after ESC @: 1/6 inch at 180 dpi. */
#define SIM_ROLL_LINE_DOTS 30
#define SIM_ROLL_DOTS_MAX 4096
/* At most this many rows between two cuts; past it the roll stops growing
 * (overflowed is set) rather than take the simulator's memory. */
#define SIM_ROLL_ROWS_MAX 200000

struct sim_roll {
	unsigned dots;        /* the paper's width in dots; data past it is discarded */
	size_t stride;        /* bytes per row: dots / 8 rounded up */
	uint8_t *bits;        /* rows * stride, 1 = black, MSB = leftmost dot */
	unsigned rows, capacity;
	bool overflowed;
	int alloc_errno;      /* a failed allocation stops the roll like an overflow */
	/* the raster image being received */
	bool in_image;
	unsigned image_width_bytes, image_rows, image_top;
	unsigned dot_width, dot_height; /* 2 for double width / height */
	uint64_t image_done;            /* data bytes of the image received */
};

/* dots: the paper width, 8..SIM_ROLL_DOTS_MAX (512 for the TM-T88V on 80 mm). */
void sim_roll_init(struct sim_roll *roll, unsigned dots);
void sim_roll_free(struct sim_roll *roll);

/* Prints one executed event on the roll (raster header and data, ESC d, LF;
 * ESC @ ends an unfinished image). Returns true when the event is a cut: the
 * roll's rows are the receipt, to be taken then cleared by sim_roll_clear. */
bool sim_roll_apply(struct sim_roll *roll, const struct sim_event *event);

/* Starts a new receipt (after a cut was written). */
void sim_roll_clear(struct sim_roll *roll);

#endif
