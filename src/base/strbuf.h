/* A growable text buffer for answers built piece by piece (the status page,
 * /metrics), with the escaping each output needs. Pure: no I/O. */
#ifndef CASHDRAWERD_STRBUF_H
#define CASHDRAWERD_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *text;    /* NUL-terminated; NULL until something is appended */
	size_t length;
	size_t size;
	bool failed;   /* an allocation failed: the text is incomplete */
};

/* Appends length bytes of text. */
void strbuf_append(struct strbuf *buf, const char *text, size_t length);
void strbuf_puts(struct strbuf *buf, const char *text);
void strbuf_printf(struct strbuf *buf, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends text with &, <, >, " and ' written as entities, so that text taken
 * from a client (a request path in a log line) is shown, never run. */
void strbuf_append_html(struct strbuf *buf, const char *text, size_t length);
void strbuf_puts_html(struct strbuf *buf, const char *text);

/* Appends text as a Prometheus label value: \ " and newline escaped. */
void strbuf_puts_label(struct strbuf *buf, const char *text);

/* Hands the text over to the caller (free() it), or NULL when it failed;
 * the buffer is empty afterwards. */
char *strbuf_take(struct strbuf *buf, size_t *length);

void strbuf_free(struct strbuf *buf);

#endif
