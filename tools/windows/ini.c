/* An INI reader with inih's interface and Debian's libinih defaults, built
 * for Windows by tools/build-windows-deps.sh only when the mirror does not
 * serve Debian's libinih source. Same rules as inih r55 as Debian builds it:
 * the reader is lent a line buffer of ini_max_line bytes, read when parsing
 * starts (Debian's inih makes it a setting; src/settings/config_ini.c raises it), so
 * lines of at most ini_max_line - 3 characters (longer ones are read in
 * pieces), a UTF-8 byte order mark skipped, ';' and '#' start a comment at
 * the start of a line, ';' after a space starts an inline comment, "name =
 * value" or "name: value" with spaces stripped, indented lines after a
 * setting continue it (the handler is called again with the same name), and
 * the number of the first bad line is returned after reading every line. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#define MAX_SECTION 50
#define MAX_NAME 50

bool ini_allow_multiline = true;
bool ini_allow_bom = true;
char *ini_start_comment_prefixes = ";#";
bool ini_allow_inline_comments = true;
char *ini_inline_comment_prefixes = ";";
bool ini_use_stack = true;
int ini_max_line = 200;

static char *strip_right(char *s)
{
	char *end = s + strlen(s);

	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static char *skip_left(const char *s)
{
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	return (char *)s;
}

/* The first of chars in s, or an inline comment prefix that follows a space;
 * the terminating NUL when there is neither. */
static char *find_chars_or_comment(const char *s, const char *chars)
{
	bool was_space = false;

	while (*s != '\0' && (chars == NULL || strchr(chars, *s) == NULL) &&
	       !(was_space && strchr(ini_inline_comment_prefixes, *s) != NULL)) {
		was_space = isspace((unsigned char)*s) != 0;
		s++;
	}
	return (char *)s;
}

static void copy(char *to, const char *from, size_t size)
{
	snprintf(to, size, "%s", from);
}

int ini_parse_stream(ini_reader reader, void *stream, ini_handler handler, void *user)
{
	/* on the heap: ini_max_line may be large, and a variable-length array
	 * could not report that it does not fit */
	int size = ini_max_line;
	char *line = size > 1 ? malloc((size_t)size) : NULL;
	char section[MAX_SECTION] = "";
	char previous_name[MAX_NAME] = "";
	int lineno = 0, error = 0;

	if (line == NULL)
		return -2; /* inih's "memory allocation error" */
	while (reader(line, size, stream) != NULL) {
		char *start = line, *end, *name, *value;

		lineno++;
		if (lineno == 1 && ini_allow_bom && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
			start += 3;
		start = skip_left(strip_right(start));
		if (strchr(ini_start_comment_prefixes, *start) != NULL && *start != '\0')
			continue;
		if (ini_allow_multiline && previous_name[0] != '\0' && *start != '\0' &&
		    start > line) {
			/* an indented line after a setting continues its value */
			end = find_chars_or_comment(start, NULL);
			*end = '\0';
			strip_right(start);
			if (!handler(user, section, previous_name, start) && error == 0)
				error = lineno;
		} else if (*start == '[') {
			end = find_chars_or_comment(start + 1, "]");
			if (*end == ']') {
				*end = '\0';
				copy(section, start + 1, sizeof section);
				previous_name[0] = '\0';
			} else if (error == 0) {
				error = lineno;
			}
		} else if (*start != '\0') {
			end = find_chars_or_comment(start, "=:");
			if (*end == '=' || *end == ':') {
				*end = '\0';
				name = strip_right(start);
				value = end + 1;
				if (ini_allow_inline_comments) {
					end = find_chars_or_comment(value, NULL);
					*end = '\0';
				}
				value = strip_right(skip_left(value));
				copy(previous_name, name, sizeof previous_name);
				if (!handler(user, section, name, value) && error == 0)
					error = lineno;
			} else if (error == 0) {
				error = lineno;
			}
		}
	}
	free(line);
	return error;
}

static char *read_file_line(char *str, int num, void *stream)
{
	return fgets(str, num, (FILE *)stream);
}

int ini_parse_file(FILE *file, ini_handler handler, void *user)
{
	return ini_parse_stream(read_file_line, file, handler, user);
}

int ini_parse(const char *filename, ini_handler handler, void *user)
{
	FILE *file = fopen(filename, "r");
	int error;

	if (file == NULL)
		return -1;
	error = ini_parse_file(file, handler, user);
	fclose(file);
	return error;
}

struct string_stream {
	const char *next;
};

static char *read_string_line(char *str, int num, void *stream)
{
	struct string_stream *s = stream;
	int used = 0;

	if (*s->next == '\0' || num < 2)
		return NULL;
	while (used < num - 1 && *s->next != '\0') {
		str[used++] = *s->next;
		if (*s->next++ == '\n')
			break;
	}
	str[used] = '\0';
	return str;
}

int ini_parse_string(const char *string, ini_handler handler, void *user)
{
	struct string_stream stream = {string};

	return ini_parse_stream(read_string_line, &stream, handler, user);
}
