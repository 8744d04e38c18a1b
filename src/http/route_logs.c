/* GET /logs[?date=YYYY-MM-DD]: today's log or an archived day, streamed from
 * the file (never loaded whole) as an attachment. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/request.h"

/* Each argument as MHD decoded it, sizes included (see rotlog_query_add). */
static enum MHD_Result add_argument(void *cls, enum MHD_ValueKind kind, const char *key,
				    size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	rotlog_query_add(cls, key, key_size, value, value_size);
	return MHD_YES;
}

enum MHD_Result route_logs(struct http_request *request, const char *method, const char *url)
{
	struct rotlog_query query;
	enum rotlog_query_result asked;
	struct rotlog_date date = {0};
	char name[ROTLOG_ARCHIVE_NAME_MAX], disposition[96], log_message[CONFIG_STRING_MAX + 256];
	struct MHD_Response *response;
	struct stat info;
	enum MHD_Result rc;
	int fd;

	rotlog_query_init(&query);
	MHD_get_connection_values_n(request->connection, MHD_GET_ARGUMENT_KIND, add_argument,
				    &query);
	asked = rotlog_query_result(&query, &date);
	if (asked == ROTLOG_QUERY_BAD_QUERY)
		return respond_error(request, method, url, MHD_HTTP_BAD_REQUEST, "bad_query",
				     "Paramètre inconnu : utilisez /logs ou /logs?date=AAAA-MM-JJ",
				     NULL);
	if (asked == ROTLOG_QUERY_BAD_DATE)
		return respond_error(request, method, url, MHD_HTTP_BAD_REQUEST, "bad_date",
				     "Date invalide : utilisez /logs?date=AAAA-MM-JJ (par exemple "
				     "2025-02-01)",
				     NULL);
	if (asked == ROTLOG_QUERY_DAY)
		rotlog_archive_name(name, sizeof name, date);
	else
		snprintf(name, sizeof name, "%s", ROTLOG_BASENAME);
	fd = rotlog_open_for_reading(request->context->log, asked == ROTLOG_QUERY_DAY ? &date : NULL,
				     NULL, log_message, sizeof log_message);
	/* A link or a folder under a log's name is no log of the service: as
	 * good as none, and the line says what to move. */
	if (fd == -ENOENT || rotlog_file_problem(fd) != NULL)
		return respond_error(request, method, url, MHD_HTTP_NOT_FOUND, "log_not_found",
				     "Aucun journal pour cette date", fd == -ENOENT ? name : log_message);
	if (fd < 0)
		return respond_error(request, method, url, MHD_HTTP_INTERNAL_SERVER_ERROR,
				     "log_unreadable", "Journal illisible sur le poste", log_message);
	snprintf(log_message, sizeof log_message, "téléchargement du journal %s", name);
	/* Logged before the size is taken, so today's download contains its own line. */
	respond_log(request, method, url, MHD_HTTP_OK, "log_download", log_message);
	/* The answer is the file as it is now; lines written meanwhile go to the next download. */
	if (fstat(fd, &info) < 0 ||
	    (response = MHD_create_response_from_fd((uint64_t)info.st_size, fd)) == NULL) {
		close(fd);
		rotlog_write(request->context->log, ROTLOG_ERROR, "%s cannot stream %s", request->peer, name);
		return MHD_NO;
	}
	respond_common_headers(request, response, "text/plain; charset=utf-8");
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", name);
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
	rc = MHD_queue_response(request->connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return rc;
}
