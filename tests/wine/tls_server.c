/* tls-server.exe CERT_PEM KEY_PEM: the Windows build's libmicrohttpd
 * serving HTTPS (GnuTLS, static) on a loopback port of its own, for
 * tests/e2e/wine/test_wine_tls.py. Prints "port N" once listening, answers
 * every request with "bonjour en TLS\n", stops at the end of its standard
 * input. TLS 1.2 and 1.3 only, as the service will be. */
#include <microhttpd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY "bonjour en TLS\n"
#define PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static char *read_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *text;
	size_t length;

	if (file == NULL)
		return NULL;
	text = calloc(1, 65536);
	if (text != NULL) {
		length = fread(text, 1, 65535, file);
		text[length] = '\0';
	}
	fclose(file);
	return text;
}

static enum MHD_Result answer(void *closure, struct MHD_Connection *connection, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **request)
{
	struct MHD_Response *response;
	enum MHD_Result rc;

	(void)closure, (void)url, (void)method, (void)version, (void)upload_data;
	(void)upload_data_size, (void)request;
	response = MHD_create_response_from_buffer(strlen(BODY), (void *)BODY,
						   MHD_RESPMEM_PERSISTENT);
	if (response == NULL)
		return MHD_NO;
	rc = MHD_queue_response(connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return rc;
}

static int run(int argc, char **argv)
{
	struct MHD_Daemon *daemon;
	const union MHD_DaemonInfo *info;
	char *cert, *key;

	if (argc != 3) {
		fprintf(stderr, "usage: tls-server CERT_PEM KEY_PEM\n");
		return 2;
	}
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "tls-server: libmicrohttpd built without TLS\n");
		return 1;
	}
	cert = read_file(argv[1]);
	key = read_file(argv[2]);
	if (cert == NULL || key == NULL) {
		fprintf(stderr, "tls-server: cannot read %s or %s\n", argv[1], argv[2]);
		return 1;
	}
	daemon = MHD_start_daemon(MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD |
				  MHD_USE_ERROR_LOG,
				  0, NULL, NULL, answer, NULL, MHD_OPTION_HTTPS_MEM_CERT, cert,
				  MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_PRIORITIES,
				  PRIORITIES, MHD_OPTION_END);
	if (daemon == NULL) {
		fprintf(stderr, "tls-server: MHD_start_daemon failed\n");
		return 1;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	printf("port %u\n", info != NULL ? (unsigned)info->port : 0u);
	fflush(stdout);
	while (getchar() != EOF)
		;
	MHD_stop_daemon(daemon);
	free(cert);
	free(key);
	return 0;
}

/* -municode (the Windows build's link): the arguments as UTF-8. */
int wmain(int argc, wchar_t **wargv)
{
	char **argv = compat_utf8_argv(argc, wargv);

	return argv != NULL ? run(argc, argv) : 2;
}
