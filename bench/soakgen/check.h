/* Checks one answer against its kind's expectation and counts it. */
#ifndef SOAKGEN_CHECK_H
#define SOAKGEN_CHECK_H

#include "soakgen.h"

struct check_input {
	const struct kind *kind;
	const struct response *head;
	const char *body; /* the first kept bytes of it */
	size_t kept;
	uint64_t total; /* the body's whole length */
	char last_byte; /* of the whole body */
	const char *archive;
	size_t archive_length;
};

/* 0 when the answer is the designed one, -1 (counted as a failure) if not. */
int check_answer(struct tally *tally, struct kind_tally *kind_tally, const struct check_input *in);

#endif
