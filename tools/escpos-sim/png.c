/* escpos-sim's receipts: each cut's roll written as a 1-bit PNG with libpng
 * (--receipts DIR), DIR/receipt-0001.png, -0002... after the highest there. */
#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

/* The number after the highest receipt-NNNN.png already in dir, so that a
 * second run never overwrites the first one's receipts. */
unsigned png_next_number(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	unsigned highest = 0, n;
	char tail[8];

	if (d == NULL)
		return 1;
	while ((entry = readdir(d)) != NULL)
		if (sscanf(entry->d_name, "receipt-%u%7s", &n, tail) == 2 &&
		    strcmp(tail, ".png") == 0 && n > highest)
			highest = n;
	closedir(d);
	return highest + 1;
}

static void on_png_error(png_structp png, png_const_charp message)
{
	char *err = png_get_error_ptr(png);

	snprintf(err, 256, "libpng: %s", message);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
	(void)png, (void)message;
}

/* libpng's errors land here by longjmp (nothing local is changed after it). */
static int encode(png_structp png, png_infop info, FILE *f, const struct sim_roll *roll)
{
	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_init_io(png, f);
	png_set_IHDR(png, info, roll->dots, roll->rows, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* 180 dpi, the TM-T88V's: a viewer shows the receipt at its paper size */
	png_set_pHYs(png, info, 7087, 7087, PNG_RESOLUTION_METER);
	png_write_info(png, info);
	png_set_invert_mono(png); /* ESC/POS 1 = black dot; PNG grey 0 = black */
	for (unsigned y = 0; y < roll->rows; y++)
		png_write_row(png, roll->bits + (size_t)y * roll->stride);
	png_write_end(png, info);
	return 0;
}

/* Writes rows of stride bytes (1 = black) as a 1-bit grey PNG, width dots
 * wide, through path.tmp renamed, so a reader never sees half a file. */
static int write_png(const char *path, const struct sim_roll *roll, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 8], png_err[256] = "";
	png_structp png = NULL;
	png_infop info = NULL;
	FILE *f;
	int rc = -EIO;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return rc;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, png_err, on_png_error, on_png_warning);
	info = png ? png_create_info_struct(png) : NULL;
	if (info == NULL) {
		snprintf(err, errlen, "%s: libpng: out of memory", path);
		goto out;
	}
	if (encode(png, info, f, roll) < 0) {
		snprintf(err, errlen, "%s: %s", path, png_err);
		goto out;
	}
	rc = 0;
out:
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	if (fclose(f) != 0 && rc == 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	if (rc < 0)
		unlink(tmp);
	return rc;
}

void png_write_receipt(struct sim *sim)
{
	struct sim_roll *roll = &sim->roll;
	char path[PATH_MAX], err[PATH_MAX + 300];

	if (roll->rows == 0) {
		sim_say("cut with nothing printed since the last one: no receipt written");
		return;
	}
	snprintf(path, sizeof path, "%s/receipt-%04u.png", sim->receipts_dir, sim->receipt_number);
	if (write_png(path, roll, err, sizeof err) < 0) {
		sim_warn("receipt not written: %s", err);
	} else {
		/* said even with --quiet: where to look is the point of --receipts */
		printf("escpos-sim: receipt %u written to %s (%u x %u dots%s)\n",
		       sim->receipt_number, path, roll->dots, roll->rows,
		       roll->overflowed ? "; cut at the simulator's limit"
		       : roll->alloc_errno ? "; cut short: out of memory" : "");
		fflush(stdout);
		sim->receipt_number++;
	}
	sim_roll_clear(roll);
}
