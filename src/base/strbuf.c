/* A growable text buffer and the escaping of HTML and Prometheus labels. */
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct strbuf *buf, size_t more)
{
	size_t size;
	char *text;

	if (buf->failed)
		return false;
	if (buf->length + more + 1 <= buf->size)
		return true;
	size = buf->size > 0 ? buf->size : 256;
	while (size < buf->length + more + 1)
		size *= 2;
	text = realloc(buf->text, size);
	if (text == NULL) {
		buf->failed = true;
		return false;
	}
	buf->text = text;
	buf->size = size;
	return true;
}

void strbuf_append(struct strbuf *buf, const char *text, size_t length)
{
	if (!reserve(buf, length))
		return;
	memcpy(buf->text + buf->length, text, length);
	buf->length += length;
	buf->text[buf->length] = '\0';
}

void strbuf_puts(struct strbuf *buf, const char *text)
{
	strbuf_append(buf, text, strlen(text));
}

void strbuf_printf(struct strbuf *buf, const char *format, ...)
{
	va_list args;
	int needed;

	va_start(args, format);
	needed = vsnprintf(NULL, 0, format, args);
	va_end(args);
	if (needed < 0 || !reserve(buf, (size_t)needed))
		return;
	va_start(args, format);
	vsnprintf(buf->text + buf->length, (size_t)needed + 1, format, args);
	va_end(args);
	buf->length += (size_t)needed;
}

void strbuf_append_html(struct strbuf *buf, const char *text, size_t length)
{
	size_t start = 0;

	for (size_t i = 0; i < length; i++) {
		const char *entity;

		switch (text[i]) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: continue;
		}
		strbuf_append(buf, text + start, i - start);
		strbuf_puts(buf, entity);
		start = i + 1;
	}
	strbuf_append(buf, text + start, length - start);
}

void strbuf_puts_html(struct strbuf *buf, const char *text)
{
	strbuf_append_html(buf, text, strlen(text));
}

void strbuf_puts_label(struct strbuf *buf, const char *text)
{
	/* exposition format 0.0.4: label values escape backslash, quote, newline */
	for (; *text != '\0'; text++) {
		if (*text == '\\')
			strbuf_puts(buf, "\\\\");
		else if (*text == '"')
			strbuf_puts(buf, "\\\"");
		else if (*text == '\n')
			strbuf_puts(buf, "\\n");
		else
			strbuf_append(buf, text, 1);
	}
}

char *strbuf_take(struct strbuf *buf, size_t *length)
{
	char *text = buf->failed ? NULL : buf->text;

	if (text == NULL && !buf->failed)
		text = calloc(1, 1); /* nothing appended: an empty text */
	if (length != NULL)
		*length = text != NULL ? buf->length : 0;
	if (buf->failed)
		free(buf->text);
	memset(buf, 0, sizeof *buf);
	return text;
}

void strbuf_free(struct strbuf *buf)
{
	free(buf->text);
	memset(buf, 0, sizeof *buf);
}
