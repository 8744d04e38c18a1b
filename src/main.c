/* cashdrawerd: command line, configuration, start-up, stop requests, shutdown. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "settings/access_settings.h"
#include "base/clock.h"
#include "base/heap.h"
#include "settings/config.h"
#include "http/context.h"
#include "drawer/drawer.h"
#include "http/server.h"
#include "log/rotlog.h"
#include "log/syslog.h"
#include "platform/eventlog.h"
#include "platform/systemd.h"
#include "platform/stop.h"
#include "startup_check.h"
#ifdef CASHDRAWERD_HAVE_TLS
#include "tls/setup.h"
#endif
#include "transport/transport.h"

enum exit_code { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_CONFIG = 2 };

/* Builds the settings: defaults, then the file, then the command line.
 * Every problem goes to diag; returns the number of problems. */
static int load_settings(struct config *config, const struct config_args *args,
			 struct printer_uri *printer, char *diag, size_t diagsize)
{
	char err[1024];
	struct transport transport;
	int problems = 0;
	size_t used;

	config_defaults(config);
	diag[0] = '\0';
	if (args->config_path != NULL && config_load_file(config, args->config_path, diag, diagsize) < 0)
		problems++;
#define PROBLEM(...)                                                                        \
	do {                                                                                \
		problems++;                                                                 \
		used = strlen(diag);                                                        \
		snprintf(diag + used, diagsize - used, __VA_ARGS__);                        \
	} while (0)
	if (config_apply_args(config, args, err, sizeof err) < 0)
		PROBLEM("%s\n", err);
	/* The checks across settings need every setting as the user wrote it: after a
	 * rejected value they would judge a default the user never gave (a rejected
	 * --printer would be reported as a problem of the default printer). */
	if (problems > 0)
		return problems;
	if (config_validate(config, err, sizeof err) < 0)
		PROBLEM("%s\n", err);
	/* --setup-tls and --remove-tls use no printer: the package's scripts run
	 * them whatever state the printer's library or queue is in */
	if (args->action == CONFIG_ACTION_SETUP_TLS || args->action == CONFIG_ACTION_REMOVE_TLS)
		return problems;
	if (printer_uri_parse(config->printer, printer, err, sizeof err) < 0 ||
	    transport_init(&transport, printer, err, sizeof err) < 0)
		PROBLEM("printer: %s\n", err);
#undef PROBLEM
	return problems;
}

/* A queue missing or stopped at start is worth a warning, not a refusal to
 * start: it may be created or resumed before the first opening. */
static void warn_if_printer_not_ready(const struct daemon_context *context, unsigned timeout_ms)
{
	struct transport transport;
	char err[1024];
	int rc = transport_init(&transport, &context->printer, err, sizeof err);

	if (rc == 0)
		rc = transport_check(&transport, clock_monotonic_ms() + timeout_ms, err, sizeof err);
	if (rc < 0)
		rotlog_write(context->log, ROTLOG_WARNING, "Imprimante pas prête au démarrage (%s) : %s",
			     outcome_code(outcome_of_error(rc)), err);
}

/* Where log lines go besides the file. */
struct log_outputs {
	bool journal; /* standard error is the journal: lines with their priority */
	struct syslog_sender *syslog;
};

/* Why the service does not start, where its admin looks: standard error,
 * which under systemd is the journal (each line then an error there), and
 * the Windows Event Log (one event), since a Windows service has no
 * console and its log file may be what could not be opened. */
static void say_not_started(const char *text)
{
	if (systemd_stderr_is_journal())
		systemd_journal_text(ROTLOG_ERROR, text);
	else
		fputs(text, stderr);
	eventlog_report(ROTLOG_ERROR, text, strlen(text));
}

/* Each retired setting given, said once the log is open. */
static void warn_retired_settings(struct rotlog *log, const struct config *config)
{
	char warnings[1024];

	config_retired_warnings(config, warnings, sizeof warnings);
	for (char *line = warnings, *end; (end = strchr(line, '\n')) != NULL; line = end + 1) {
		*end = '\0';
		rotlog_write(log, ROTLOG_WARNING, "%s", line);
	}
}

static void forward_line(void *context, enum rotlog_level level, const struct timespec *when,
			 const char *message, size_t length)
{
	struct log_outputs *outputs = context;

	if (outputs->journal)
		systemd_journal_line(level, message, length);
	eventlog_report(level, message, length); /* Windows: warnings and errors */
	if (outputs->syslog != NULL)
		syslog_submit(outputs->syslog, level, when, message, length);
}

static int start_syslog(const struct config *config, struct log_outputs *outputs)
{
	struct syslog_options options = {.host = config->syslog_host,
					 .port = config->syslog_port,
					 .tcp = config->syslog_protocol == CONFIG_SYSLOG_TCP};
	char hostname[256] = "", err[512];

	if (config->syslog_host[0] == '\0')
		return 0;
	gethostname(hostname, sizeof hostname - 1);
	options.hostname = hostname;
	if (syslog_start(&outputs->syslog, &options, err, sizeof err) < 0) {
		char text[600];

		snprintf(text, sizeof text, "cashdrawerd: %s\n", err);
		say_not_started(text);
		return -1;
	}
	return 0;
}

/* What protects the service, said at start; loudly when any page may open. */
static void log_security(const struct daemon_context *context, const struct config *config)
{
	char origins[CONFIG_LIST_MAX * (ORIGIN_MAX + 2)] = "";

	for (size_t i = 0; i < context->policy.origin_count; i++)
		snprintf(origins + strlen(origins), sizeof origins - strlen(origins), "%s%s",
			 i > 0 ? ", " : "", context->policy.origins[i]);
	if (context->policy.origin_count == 0)
		rotlog_write(context->log, ROTLOG_WARNING,
			     "allowed_origins est vide : toute page web ouverte sur ce poste peut ouvrir "
			     "le tiroir (réglez allowed_origins sur l'origine du point de vente ; voir "
			     "docs/security.md)");
	else
		rotlog_write(context->log, ROTLOG_INFO, "Origines autorisées : %s", origins);
	rotlog_write(context->log, ROTLOG_INFO,
		     "Accès réseau à /, /status, /metrics et /logs : %s, %s ; connexions : %u au plus, %u par "
		     "adresse du réseau, délais %u s (requête) et %u s (inactivité)",
		     context->policy.network_count > 0 ? "réseaux restreints" : "tout réseau",
		     context->policy.token[0] != '\0' ? "jeton exigé" : "sans jeton",
		     config->max_connections, config->max_connections_per_ip,
		     config->request_timeout_s, config->connection_timeout_s);
}

static int run(const struct config *config, const struct printer_uri *printer)
{
	static struct metrics metrics; /* large: not on the stack */
	struct daemon_context context = {.config = config, .printer = *printer, .metrics = &metrics};
	static struct log_outputs outputs;
	struct rotlog_options log_options = {.dir = config->log_dir,
					     .retention_days = config->retention_days,
					     .max_bytes = (uint64_t)config->log_max_mb << 20,
					     .mirror_stderr = config->log_console,
					     .forward = forward_line,
					     .forward_context = &outputs};
	struct drawer_options drawer_options = {.uri = &context.printer,
						.pin = config->pin == CONFIG_PIN_5 ? 5 : 2,
						.both_pins = config->pin == CONFIG_PIN_BOTH,
						.pulse_on_ms = config->pulse_on_ms,
						.pulse_off_ms = config->pulse_off_ms,
						.realtime = config->kick == CONFIG_KICK_REALTIME,
						.realtime_pulse_ms = config->realtime_pulse_ms,
						.open_level_high = config->drawer_open_level == CONFIG_LEVEL_HIGH,
						.timeout_ms = config->timeout_ms,
						.min_interval_ms = config->min_interval_ms,
						.status_cache_ms = config->status_cache_ms,
						.status_timeout_ms = config->status_timeout_ms,
						.print_timeout_ms = config->receipt_timeout_ms};
	struct http_server *server = NULL;
	char err[1024], stop_reason[64];
	int rc;

	/* Before any thread starts (POSIX: they all inherit the blocked stop signals). */
	platform_stop_prepare();
	heap_limit_arenas();

	metrics_init(&metrics);
	printer_uri_format(printer, context.printer_text, sizeof context.printer_text);
	context.started_at = time(NULL);
	context.started_ms = clock_monotonic_ms();
	/* Under systemd standard error is the journal: the lines go there with
	 * their priority, without the date and level the journal has already. */
	outputs.journal = config->log_console && systemd_stderr_is_journal();
	if (outputs.journal)
		log_options.mirror_stderr = false;
	if (start_syslog(config, &outputs) < 0)
		return EXIT_RUNTIME;
	context.syslog = outputs.syslog;
	rc = rotlog_open(&context.log, &log_options, err, sizeof err);
	if (rc < 0) {
		char text[1100];

		snprintf(text, sizeof text, "cashdrawerd: %s\n", err);
		say_not_started(text);
		syslog_stop(outputs.syslog);
		return EXIT_RUNTIME;
	}
	/* the settings were checked: this only parses them once for every request */
	rc = settings_access_policy(config, &context.policy, err, sizeof err);
	if (rc == 0)
		rc = drawer_create(&context.drawer, &drawer_options, err, sizeof err);
	if (rc == 0)
		rc = http_server_start(&server, &context, err, sizeof err);
	if (rc < 0) {
		rotlog_write(context.log, ROTLOG_ERROR, "Démarrage impossible : %s", err);
		if (!config->log_console) {
			char text[1100];

			snprintf(text, sizeof text, "cashdrawerd: %s\n", err);
			say_not_started(text);
		}
		drawer_destroy(context.drawer);
		rotlog_close(context.log);
		syslog_stop(outputs.syslog);
		return EXIT_RUNTIME;
	}
	rotlog_write(context.log, ROTLOG_INFO,
		     "Service démarré (cashdrawerd %s) : écoute sur %s, imprimante %s, "
		     "impulsion broche %s %u/%u ms, délai %u ms, intervalle minimal %u ms",
		     CASHDRAWERD_VERSION, http_server_describe(server), context.printer_text,
		     config->pin == CONFIG_PIN_BOTH ? "2 puis 5"
		     : config->pin == CONFIG_PIN_5  ? "5"
						    : "2",
		     config->pulse_on_ms, config->pulse_off_ms, config->timeout_ms,
		     config->min_interval_ms);
	log_security(&context, config);
	{
		bool error;
		const char *note = http_server_tls_note(server, &error);

		if (note != NULL)
			rotlog_write(context.log, error ? ROTLOG_ERROR : ROTLOG_INFO, "%s", note);
	}
	warn_retired_settings(context.log, config);
	/* served only now: the start-up lines are in the log before any answer
	 * (a GET /logs at once finds them all) */
	if (http_server_serve(server, err, sizeof err) < 0) {
		rotlog_write(context.log, ROTLOG_ERROR, "Démarrage impossible : %s", err);
		http_server_stop(server);
		drawer_destroy(context.drawer);
		rotlog_close(context.log);
		syslog_stop(outputs.syslog);
		metrics_destroy(&metrics);
		return EXIT_RUNTIME;
	}
	warn_if_printer_not_ready(&context, config->timeout_ms);
	systemd_notify_ready(http_server_describe(server));

	platform_stop_wait(stop_reason, sizeof stop_reason);
	systemd_notify_stopping("Arrêt en cours");
	rotlog_write(context.log, ROTLOG_INFO, "Arrêt demandé (%s)", stop_reason);
	/* Stop taking connections, let the drawer answer what it holds, let those
	 * answers be sent, close; free the drawer only once no HTTP thread runs. */
	http_server_quiesce(server);
	drawer_stop(context.drawer);
	http_server_stop(server);
	drawer_destroy(context.drawer);
	rotlog_sum_up(context.log); /* what was left out, before the last line */
	rotlog_write(context.log, ROTLOG_INFO, "Service arrêté");
	rotlog_close(context.log);
	syslog_stop(outputs.syslog); /* after the last line: "Service arrêté" is sent too */
	metrics_destroy(&metrics);
	return EXIT_OK;
}

/* --setup-tls, --remove-tls: the service's certificate and its authority's
 * trust on this machine (docs/https.md). */
static int manage_tls(const struct config *config, enum config_action action)
{
#ifdef CASHDRAWERD_HAVE_TLS
	char why[1024];
	int rc = action == CONFIG_ACTION_SETUP_TLS
			 ? tls_setup(config->tls_cert, config->tls_key, why, sizeof why)
			 : tls_remove(config->tls_cert, config->tls_key, why, sizeof why);

	if (rc < 0) {
		fprintf(stderr, "cashdrawerd: %s\n", why);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
#else
	(void)config, (void)action;
	fprintf(stderr, "cashdrawerd : HTTPS n'est pas compris dans cette version\n");
	return EXIT_RUNTIME;
#endif
}

int main(int argc, char *argv[])
{
	static struct config config; /* large: not on the stack */
	static char diag[16384];
	struct config_args args;
	struct printer_uri printer;
	char err[1024];
	int problems;

	if (config_parse_args(argc, argv, &args, err, sizeof err) < 0) {
		fprintf(stderr, "cashdrawerd: %s\n", err);
		return EXIT_CONFIG;
	}
	if (args.action == CONFIG_ACTION_HELP) {
		static char usage[8192];

		config_usage(usage, sizeof usage, "cashdrawerd");
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (args.action == CONFIG_ACTION_VERSION) {
		printf("cashdrawerd %s\n", CASHDRAWERD_VERSION);
		return EXIT_OK;
	}
	problems = load_settings(&config, &args, &printer, diag, sizeof diag);
	if (args.action == CONFIG_ACTION_CHECK) {
		char warnings[1024];

		/* accepted, but worth removing: said before the verdict */
		config_retired_warnings(&config, warnings, sizeof warnings);
		fputs(warnings, stderr);
		/* valid settings may still fail to start here: an unwritable log
		 * folder, a port taken. Exit 1 then, as the start would. */
		if (problems == 0 && startup_check(&config, diag, sizeof diag) > 0) {
			fputs(diag, stderr);
			fprintf(stderr, "cashdrawerd: the settings are valid, but the service cannot "
					"start here as things are (see above)\n");
			return EXIT_RUNTIME;
		}
		fputs(diag, stderr);
		if (problems == 0)
			printf("%s: configuration OK\n",
			       args.config_path != NULL ? args.config_path : "(no file)");
		return problems == 0 ? EXIT_OK : EXIT_CONFIG;
	}
	/* an uninstall's --remove-tls is not stopped by settings an admin broke:
	 * it touches only what --setup-tls made (tls/setup.h) */
	if (args.action == CONFIG_ACTION_REMOVE_TLS && problems > 0)
		fprintf(stderr, "%scashdrawerd: --remove-tls goes on with the settings it could read\n",
			diag);
	if ((problems == 0 && args.action == CONFIG_ACTION_SETUP_TLS) ||
	    args.action == CONFIG_ACTION_REMOVE_TLS)
		return manage_tls(&config, args.action);
	if (problems > 0) {
		static char text[sizeof diag + 80];

		snprintf(text, sizeof text,
			 "%scashdrawerd: not started: fix the settings above (see --help)\n", diag);
		say_not_started(text);
		return EXIT_CONFIG;
	}
	return run(&config, &printer);
}
