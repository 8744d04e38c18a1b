/* escpos-sim's messages: "escpos-sim: " and the line, on stdout (not with
 * --quiet) or, for warnings, on stderr. */
#include <stdarg.h>
#include <stdio.h>

#include "sim.h"

static bool quiet; /* --quiet: only the listening line and errors */

void sim_say_quietly(bool on)
{
	quiet = on;
}

void sim_say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	fputs("escpos-sim: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

void sim_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("escpos-sim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
