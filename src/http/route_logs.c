/* GET /logs[?date=YYYY-MM-DD]: today's log or an archived day, streamed from
 * the file (never loaded whole) as an attachment. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/routes.h"

/* Each argument as MHD decoded it, sizes included (see rotlog_query_add). */
static enum MHD_Result add_argument(void *cls, enum MHD_ValueKind kind, const char *key,
				    size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	rotlog_query_add(cls, key, key_size, value, value_size);
	return MHD_YES;
}

/* The file as it is once its download is logged: today's download holds
 * its own line. Lines written meanwhile go to the next download. */
static struct MHD_Response *render_file(struct http_request *request)
{
	char disposition[96];
	struct MHD_Response *response;
	struct stat info;
	int fd = request->download_fd;

	request->download_fd = -1;
	if (fstat(fd, &info) < 0 ||
	    (response = MHD_create_response_from_fd((uint64_t)info.st_size, fd)) == NULL) {
		close(fd);
		return NULL;
	}
	answer_content_type(response, "text/plain; charset=utf-8");
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"",
		 request->download_name);
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
	return response;
}

bool route_logs(struct http_request *request, struct answer *answer)
{
	struct rotlog_query query;
	enum rotlog_query_result asked;
	struct rotlog_date date = {0};
	char *name = request->download_name, problem[CONFIG_STRING_MAX + 256];
	int fd;

	rotlog_query_init(&query);
	MHD_get_connection_values_n(request->connection, MHD_GET_ARGUMENT_KIND, add_argument,
				    &query);
	asked = rotlog_query_result(&query, &date);
	if (asked == ROTLOG_QUERY_BAD_QUERY || asked == ROTLOG_QUERY_BAD_DATE) {
		answer_init(answer, asked == ROTLOG_QUERY_BAD_QUERY ? OUTCOME_BAD_QUERY : OUTCOME_BAD_DATE);
		return true;
	}
	if (asked == ROTLOG_QUERY_DAY)
		rotlog_archive_name(name, sizeof request->download_name, date);
	else
		snprintf(name, sizeof request->download_name, "%s", ROTLOG_BASENAME);
	fd = rotlog_open_for_reading(request->context->log, asked == ROTLOG_QUERY_DAY ? &date : NULL,
				     NULL, problem, sizeof problem);
	/* A link or a folder under a log's name is no log of the service: as
	 * good as none, and the line says what to move. */
	if (fd == -ENOENT || rotlog_file_problem(fd) != NULL)
		answer_with(answer, OUTCOME_LOG_NOT_FOUND, "%s", fd == -ENOENT ? name : problem);
	else if (fd < 0)
		answer_with(answer, OUTCOME_LOG_UNREADABLE, "%s", problem);
	else {
		answer_with(answer, OUTCOME_LOG_DOWNLOAD, "téléchargement du journal %s", name);
		request->download_fd = fd;
		answer->render = render_file;
	}
	return true;
}
