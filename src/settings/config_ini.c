/* Settings from an INI file: read whole (a regular file of bounded size),
 * parsed by inih through our line reader, which counts lines and reports
 * every malformed one (inih reports only its first); each key given once. */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "settings/config.h"

#define COUNT_OPTION(...) +1
#define OPTION_COUNT (0 CONFIG_OPTIONS(COUNT_OPTION))

/* the line buffer inih must lend our reader: the longest line, a byte order
 * mark, "\r\n" and the NUL */
#define INI_LINE_BUFFER (CONFIG_LINE_MAX + 3 + 2 + 1)

_Static_assert(CONFIG_STRING_MAX - 1 <= CONFIG_LINE_MAX - CONFIG_NAME_MAX - 3,
	       "a string at its longest must fit a line");

struct ini_state {
	struct config *config;
	const char *path;
	const char *next, *end; /* the text not read yet */
	int line;
	bool after_setting;
	bool continuation;     /* the line handed to inih goes on with the setting above */
	bool refused_setting;  /* ... whose line was refused: the continuation goes with it */
	bool nul_seen;
	int set_on_line[OPTION_COUNT]; /* where each key was given, 0: not yet */
	char *diag;
	size_t diagsize;
	int problems;
};

static void add_problem(struct ini_state *state, int line, const char *reason)
{
	size_t used = strlen(state->diag);

	state->problems++;
	if (used + 1 < state->diagsize)
		snprintf(state->diag + used, state->diagsize - used, "%s:%d: %s\n", state->path,
			 line, reason);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* What inih accepts on a line: blank, comment, [section], key = value (or
 * key: value), or a continuation (indented, after a setting). */
static bool is_ini_line(const char *line, bool after_setting)
{
	const char *p = line;

	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
		p += 3;
	while (is_space(*p))
		p++;
	if (*p == '\0' || *p == ';' || *p == '#')
		return true;
	if (*p == '[')
		return strchr(p, ']') != NULL;
	if (p > line && after_setting)
		return true;
	return strpbrk(p, "=:") != NULL && *p != '=' && *p != ':';
}

/* Ends text at an inline comment (';' after a space, as inih reads one). */
static void cut_inline_comment(char *text)
{
	for (char *c = text + 1; *c != '\0'; c++) {
		if (*c == ';' && is_space(c[-1])) {
			strcpy(c, "\n");
			return;
		}
	}
}

/* Characters of a line of length bytes: without its line end, nor the byte
 * order mark of the first line (inih skips it). */
static size_t line_characters(const char *line, size_t length, int number)
{
	if (length > 0 && line[length - 1] == '\n')
		length--;
	if (length > 0 && line[length - 1] == '\r')
		length--;
	if (number == 1 && length >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		length -= 3;
	return length;
}

/* The problem of a line that cannot be handed to inih as it is (NUL, too
 * long): NULL when it can, "" when it is dropped without a word. */
static const char *unreadable(struct ini_state *state, const char *line, size_t length, int size,
			      char *reason, size_t reasonsize)
{
	size_t limit = CONFIG_LINE_MAX;
	const char *start = line + strspn(line, " \t");

	/* inih and our parsing see a NUL as the end of the line: what follows
	 * would be lost without a word. Said once: in a UTF-16 file (Notepad's
	 * "Unicode") every line has some. */
	if (memchr(line, '\0', length) != NULL) {
		if (state->nul_seen)
			return "";
		state->nul_seen = true;
		return "NUL byte (0x00) in the file: is it a text file? save it as UTF-8 text";
	}
	/* an inih that keeps its own line size (see config_load_file) */
	if ((size_t)size < INI_LINE_BUFFER)
		limit = size > 6 ? (size_t)size - 6 : 0;
	if (line_characters(line, length, state->line) <= limit && length < (size_t)size)
		return NULL;
	/* a long comment is harmless; a long setting cannot be read whole */
	if (*start == ';' || *start == '#')
		return "";
	snprintf(reason, reasonsize, "line longer than %zu characters (shorten it)", limit);
	return reason;
}

/* inih reports neither line numbers to the handler nor more than its first
 * syntax error: this reader counts lines, reports each malformed, over-long
 * or binary line, and hands inih a blank line in their place. */
static char *read_line(char *buf, int size, void *stream)
{
	struct ini_state *state = stream;
	const char *text = state->next, *newline;
	const char *problem;
	char reason[96], *line = buf, *start;
	size_t length;

	if (text == state->end)
		return NULL;
	newline = memchr(text, '\n', (size_t)(state->end - text));
	length = newline != NULL ? (size_t)(newline + 1 - text) : (size_t)(state->end - text);
	state->next = text + length;
	state->line++;
	state->continuation = false;
	problem = unreadable(state, text, length, size, reason, sizeof reason);
	if (problem != NULL) {
		if (*problem != '\0')
			add_problem(state, state->line, problem);
		state->after_setting = false;
		return strcpy(buf, "\n");
	}
	memcpy(line, text, length);
	line[length] = '\0';
	if (!is_ini_line(line, state->after_setting)) {
		add_problem(state, state->line,
			    "not a setting (expected 'key = value', '[cashdrawerd]' or a comment)");
		state->after_setting = false;
		return strcpy(buf, "\n");
	}
	start = line + strspn(line, " \t\r\n\f\v");
	if (*start == '\0' || *start == ';' || *start == '#')
		return buf; /* blank or a comment: inih skips it */
	if (start > line && state->after_setting) {
		/* continues the setting above. inih r55 keeps an inline comment
		 * there, unlike on a setting's own line (and unlike later inih
		 * and tools/windows/ini.c): cut it so that it means the same
		 * everywhere */
		cut_inline_comment(start);
		state->continuation = true;
		return buf;
	}
	state->after_setting = *start != '[';
	/* indented, but after a problem or a section: a setting of its own,
	 * which inih would otherwise take as more of the last setting it read */
	memmove(line, start, strlen(start) + 1);
	return buf;
}

/* A key is given once: a second time (even spelt with '-', or under the
 * section) would silently win over the first, as an indented line would
 * over a single value. Returns false, with the problem reported, when the
 * value must not be applied. */
static bool given_once(struct ini_state *state, const struct config_option *option)
{
	int *first = &state->set_on_line[option - config_options];
	char reason[256];

	if (state->continuation) {
		if (state->refused_setting)
			return false; /* more of a line already reported */
		if (option->type == CONFIG_LIST)
			return true;
		snprintf(reason, sizeof reason,
			 "%s takes a single value, given on line %d: an indented line would "
			 "replace it (only a list goes on over indented lines; remove this line)",
			 option->name, *first);
		add_problem(state, state->line, reason);
		return false;
	}
	state->refused_setting = *first != 0;
	if (*first == 0) {
		*first = state->line;
		return true;
	}
	snprintf(reason, sizeof reason, "%s is already set on line %d (a key may be given once; %s)",
		 option->name, *first,
		 option->type == CONFIG_LIST ? "put every item on that line, separated by commas"
					     : "remove one");
	add_problem(state, state->line, reason);
	return false;
}

static int on_ini_value(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *state = user;
	const struct config_option *option = config_find(name);
	char err[512], reason[600];

	if (section[0] != '\0' && strcmp(section, "cashdrawerd") != 0) {
		snprintf(reason, sizeof reason,
			 "section [%s] is unknown (settings go at the top or under [cashdrawerd])",
			 section);
		add_problem(state, state->line, reason);
		return 1;
	}
	if (option != NULL && !given_once(state, option))
		return 1;
	if (config_set(state->config, name, value, err, sizeof err) < 0) {
		snprintf(reason, sizeof reason, "%s: %s", name, err);
		add_problem(state, state->line, reason);
	}
	/* keep going so that every problem of the file is reported at once */
	return 1;
}

/* What a file that is not a regular file is, for the message. */
static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISFIFO(mode))
		return "a pipe";
	return "not a regular file";
}

/* Reads path whole into *text (malloc'd, *length bytes): a regular file of
 * at most CONFIG_FILE_MAX bytes. /dev/zero would never end and a pipe would
 * block: only a regular file is read, and never more than the limit. */
static int read_file(const char *path, char **text, size_t *length, char *diag, size_t diagsize)
{
	struct stat info;
	char *buf = NULL, *bigger;
	size_t size = 0, capacity;
	ssize_t got;
	int fd, rc = 0;

	/* O_NONBLOCK: opening a pipe would wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &info) < 0) {
		rc = -errno;
		snprintf(diag, diagsize, "%s: cannot read: %s\n", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(info.st_mode)) {
		rc = S_ISDIR(info.st_mode) ? -EISDIR : -EINVAL;
		snprintf(diag, diagsize,
			 "%s: cannot read: %s, not a settings file (give the path of an INI file)\n",
			 path, file_kind(info.st_mode));
		goto out;
	}
	/* one byte more than the size, to see the end; the size may be 0 (/proc)
	 * or change while read: the buffer grows, up to one byte over the limit */
	capacity = (info.st_size < CONFIG_FILE_MAX ? (size_t)info.st_size : CONFIG_FILE_MAX) + 1;
	for (;;) {
		if (buf == NULL || size == capacity) {
			if (buf != NULL)
				capacity = capacity * 2 < CONFIG_FILE_MAX + 1 ? capacity * 2
									 : CONFIG_FILE_MAX + 1;
			bigger = realloc(buf, capacity);
			if (bigger == NULL) {
				rc = -ENOMEM;
				snprintf(diag, diagsize, "%s: cannot read: %s\n", path, strerror(ENOMEM));
				goto out;
			}
			buf = bigger;
		}
		got = read(fd, buf + size, capacity - size);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			snprintf(diag, diagsize, "%s: cannot read: %s\n", path, strerror(-rc));
			goto out;
		}
		if (got == 0)
			break;
		size += (size_t)got;
		if (size > CONFIG_FILE_MAX) {
			rc = -EFBIG;
			snprintf(diag, diagsize,
				 "%s: cannot read: larger than %d MiB, which no settings file is (is it "
				 "the right file?)\n",
				 path, CONFIG_FILE_MAX / (1024 * 1024));
			goto out;
		}
	}
	*text = buf;
	*length = size;
	buf = NULL;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int config_load_file(struct config *config, const char *path, char *diag, size_t diagsize)
{
	struct ini_state state = {.config = config, .path = path, .diag = diag,
				  .diagsize = diagsize};
	char *text = NULL;
	size_t length = 0;
	int rc, syntax_line, line_size;

	diag[0] = '\0';
	rc = read_file(path, &text, &length, diag, diagsize);
	if (rc < 0)
		return rc;
	state.next = text;
	state.end = text + length;
	/* Debian's inih lends the reader a buffer of ini_max_line bytes (200 by
	 * default: a token of 255 characters would not fit); inih built with a
	 * fixed INI_MAX_LINE ignores it, and the reader then says so per line.
	 * Put back after: it is the library's, not ours. */
	line_size = ini_max_line;
	if (ini_max_line < INI_LINE_BUFFER)
		ini_max_line = INI_LINE_BUFFER;
	syntax_line = ini_parse_stream(read_line, &state, on_ini_value, &state);
	ini_max_line = line_size;
	free(text);
	if (syntax_line > 0)
		add_problem(&state, syntax_line,
			    "not a setting (expected 'key = value', '[cashdrawerd]' or a comment)");
	else if (syntax_line < 0)
		add_problem(&state, state.line, "cannot parse the file");
	return state.problems > 0 ? -1 : 0;
}
