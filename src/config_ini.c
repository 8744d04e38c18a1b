/* Settings from an INI file: inih parses, our reader counts lines and
 * reports every malformed one (inih reports only its first). */
#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"

struct ini_state {
	struct config *config;
	const char *path;
	FILE *file;
	int line;
	bool after_setting;
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

/* inih reports neither line numbers to the handler nor more than its first
 * syntax error, and cuts lines at its buffer size: this reader counts lines,
 * reports each malformed or over-long line, and hands inih a blank line in
 * their place. */
static char *read_line(char *buf, int size, void *stream)
{
	struct ini_state *state = stream;
	char *line = fgets(buf, size, state->file), *start;
	char reason[96];
	int c;

	if (line == NULL)
		return NULL;
	state->line++;
	if (strchr(line, '\n') == NULL && !feof(state->file)) {
		const char *start = line + strspn(line, " \t");

		while ((c = fgetc(state->file)) != EOF && c != '\n')
			;
		/* a long comment is harmless; a long setting cannot be read whole */
		if (*start != ';' && *start != '#') {
			snprintf(reason, sizeof reason, "line longer than %d characters (shorten it)",
				 size - 2);
			add_problem(state, state->line, reason);
		}
		state->after_setting = false;
		return strcpy(buf, "\n");
	}
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
		return buf;
	}
	state->after_setting = *start != '[';
	/* indented, but after a problem or a section: a setting of its own,
	 * which inih would otherwise take as more of the last setting it read */
	memmove(line, start, strlen(start) + 1);
	return buf;
}

static int on_ini_value(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *state = user;
	char err[512], reason[600];

	if (section[0] != '\0' && strcmp(section, "cashdrawerd") != 0) {
		snprintf(reason, sizeof reason,
			 "section [%s] is unknown (settings go at the top or under [cashdrawerd])",
			 section);
		add_problem(state, state->line, reason);
		return 1;
	}
	if (config_set(state->config, name, value, err, sizeof err) < 0) {
		snprintf(reason, sizeof reason, "%s: %s", name, err);
		add_problem(state, state->line, reason);
	}
	/* keep going so that every problem of the file is reported at once */
	return 1;
}

int config_load_file(struct config *config, const char *path, char *diag, size_t diagsize)
{
	struct ini_state state = {.config = config, .path = path, .diag = diag,
				  .diagsize = diagsize};
	struct stat info;
	int rc = 0, syntax_line;

	diag[0] = '\0';
	state.file = fopen(path, "r");
	if (state.file == NULL)
		rc = -errno;
	else if (fstat(fileno(state.file), &info) == 0 && S_ISDIR(info.st_mode))
		rc = -EISDIR;
	if (rc < 0) {
		snprintf(diag, diagsize, "%s: cannot read: %s\n", path, strerror(-rc));
		if (state.file != NULL)
			fclose(state.file);
		return rc;
	}
	syntax_line = ini_parse_stream(read_line, &state, on_ini_value, &state);
	if (ferror(state.file))
		add_problem(&state, state.line, "read error");
	fclose(state.file);
	if (syntax_line > 0)
		add_problem(&state, syntax_line,
			    "not a setting (expected 'key = value', '[cashdrawerd]' or a comment)");
	else if (syntax_line < 0)
		add_problem(&state, state.line, "cannot parse the file");
	return state.problems > 0 ? -1 : 0;
}
