/* Specifies what CUPS's answers mean for the till: which transport error and
 * which message (queue, cause, fix) each IPP status, HTTP status, queue state
 * and connection failure gives; and that queue names select the CUPS
 * transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <cups/ipp.h>

#include "transport/cups_status.h"
#include "settings/printer_uri.h"
#include "transport/transport.h"

static const struct cups_status_target target = {
	.printer = "cups:TICKET", .queue = "TICKET", .server = "/run/cups/cups.sock"};

#define NOT_FOUND_MESSAGE                                                                        \
	"imprimante cups:TICKET : aucune file CUPS de ce nom sur /run/cups/cups.sock (créez-la : " \
	"lpadmin -p TICKET -E -v usb://... -m raw, ou réglez --printer)"

static struct cups_queue_state queue_state(int printer_state, int accepting, const char *message)
{
	return (struct cups_queue_state){.status = IPP_STATUS_OK,
					 .printer_state = printer_state,
					 .accepting = accepting,
					 .state_message = message};
}

static void expect_queue(struct cups_queue_state state, int error, const char *message)
{
	char err[512] = "untouched";

	assert_int_equal(cups_status_of_queue(&target, &state, err, sizeof err), error);
	if (message != NULL)
		assert_string_equal(err, message);
}

/* The names libcups's ippErrorString gives (CUPS's ipp-support.c, RFC 8011 13.1). */
static const char *status_name(int status)
{
	switch (status) {
	case IPP_STATUS_ERROR_FORBIDDEN:
		return "client-error-forbidden";
	case IPP_STATUS_ERROR_NOT_AUTHENTICATED:
		return "client-error-not-authenticated";
	case IPP_STATUS_ERROR_NOT_AUTHORIZED:
		return "client-error-not-authorized";
	case IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED:
		return "client-error-document-format-not-supported";
	case IPP_STATUS_ERROR_INTERNAL:
		return "server-error-internal-error";
	case IPP_STATUS_ERROR_BUSY:
		return "server-error-busy";
	default:
		return NULL;
	}
}

static void expect_ipp(int status, const char *status_message, int error, const char *message)
{
	char err[512] = "untouched";

	assert_int_equal(cups_status_of_ipp(&target, status, status_name(status), status_message, err,
					    sizeof err),
			 error);
	if (message != NULL)
		assert_string_equal(err, message);
}

static void expect_http(int status, int error, const char *message)
{
	char err[512] = "untouched";

	assert_int_equal(cups_status_of_http(&target, status, err, sizeof err), error);
	assert_string_equal(err, message);
}

/* ---- the queue's state, from Get-Printer-Attributes ---- */

static void test_idle_or_printing_queue_that_accepts_jobs_can_take_the_kick(void **state)
{
	(void)state;
	expect_queue(queue_state(CUPS_PRINTER_STATE_IDLE, 1, NULL), 0, "untouched");
	expect_queue(queue_state(CUPS_PRINTER_STATE_PROCESSING, 1, "printing receipt"), 0, "untouched");
}

static void test_queue_without_state_attributes_is_taken_as_ready(void **state)
{
	(void)state;
	expect_queue(queue_state(CUPS_PRINTER_STATE_UNKNOWN, -1, NULL), 0, "untouched");
}

static void test_stopped_queue_is_printer_queue_stopped_saying_cupsenable(void **state)
{
	(void)state;
	expect_queue(queue_state(CUPS_PRINTER_STATE_STOPPED, 1, NULL), TRANSPORT_ERR_QUEUE_STOPPED,
		     "imprimante cups:TICKET : la file CUPS est arrêtée (relancez-la : cupsenable "
		     "TICKET)");
	expect_queue(queue_state(CUPS_PRINTER_STATE_STOPPED, 1, "Paused"), TRANSPORT_ERR_QUEUE_STOPPED,
		     "imprimante cups:TICKET : la file CUPS est arrêtée : « Paused » (relancez-la : "
		     "cupsenable TICKET)");
	expect_queue(queue_state(CUPS_PRINTER_STATE_STOPPED, -1, ""), TRANSPORT_ERR_QUEUE_STOPPED,
		     "imprimante cups:TICKET : la file CUPS est arrêtée (relancez-la : cupsenable "
		     "TICKET)");
}

static void test_queue_rejecting_jobs_is_printer_queue_stopped_saying_cupsaccept(void **state)
{
	(void)state;
	expect_queue(queue_state(CUPS_PRINTER_STATE_IDLE, 0, "Rejecting Jobs"),
		     TRANSPORT_ERR_QUEUE_STOPPED,
		     "imprimante cups:TICKET : la file CUPS refuse les travaux : « Rejecting Jobs » "
		     "(faites-les-lui accepter : cupsaccept TICKET)");
	expect_queue(queue_state(CUPS_PRINTER_STATE_UNKNOWN, 0, NULL), TRANSPORT_ERR_QUEUE_STOPPED,
		     "imprimante cups:TICKET : la file CUPS refuse les travaux (faites-les-lui "
		     "accepter : cupsaccept TICKET)");
}

static void test_stopped_and_rejecting_queue_names_both_fixes(void **state)
{
	(void)state;
	expect_queue(queue_state(CUPS_PRINTER_STATE_STOPPED, 0, "Paused"), TRANSPORT_ERR_QUEUE_STOPPED,
		     "imprimante cups:TICKET : la file CUPS est arrêtée et refuse les travaux : "
		     "« Paused » (relancez-la : cupsenable TICKET ; cupsaccept TICKET)");
}

static void test_unknown_queue_is_printer_queue_not_found_saying_lpadmin(void **state)
{
	struct cups_queue_state answer = {.status = IPP_STATUS_ERROR_NOT_FOUND,
					  .status_message = "The printer or class does not exist.",
					  .accepting = -1};

	(void)state;
	expect_queue(answer, TRANSPORT_ERR_QUEUE_NOT_FOUND, NOT_FOUND_MESSAGE);
}

static void test_queue_error_status_wins_over_the_attributes(void **state)
{
	struct cups_queue_state answer = {.status = IPP_STATUS_ERROR_SERVICE_UNAVAILABLE,
					  .printer_state = CUPS_PRINTER_STATE_IDLE,
					  .accepting = 1};

	(void)state;
	expect_queue(answer, TRANSPORT_ERR_SPOOLER_DOWN,
		     "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock n'est pas disponible "
		     "(redémarrez-le : systemctl restart cups)");
}

static void test_successful_statuses_with_warnings_still_check_the_state(void **state)
{
	struct cups_queue_state answer = queue_state(CUPS_PRINTER_STATE_STOPPED, 1, NULL);

	(void)state;
	answer.status = IPP_STATUS_OK_IGNORED_OR_SUBSTITUTED;
	expect_queue(answer, TRANSPORT_ERR_QUEUE_STOPPED, NULL);
	answer.printer_state = CUPS_PRINTER_STATE_IDLE;
	expect_queue(answer, 0, "untouched");
}

/* ---- IPP status codes, from Print-Job and Get-Printer-Attributes ---- */

static void test_every_successful_ipp_status_is_success(void **state)
{
	(void)state;
	for (int status = 0x0000; status <= 0x00ff; status++)
		expect_ipp(status, "whatever", 0, "untouched");
}

static void test_ipp_not_found_is_printer_queue_not_found(void **state)
{
	(void)state;
	expect_ipp(IPP_STATUS_ERROR_NOT_FOUND, NULL, TRANSPORT_ERR_QUEUE_NOT_FOUND, NOT_FOUND_MESSAGE);
}

static void test_ipp_not_accepting_jobs_is_printer_queue_stopped(void **state)
{
	(void)state;
	expect_ipp(IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS, "Destination \"TICKET\" is not accepting jobs.",
		   TRANSPORT_ERR_QUEUE_STOPPED,
		   "imprimante cups:TICKET : la file CUPS refuse les travaux : « Destination "
		   "\"TICKET\" is not accepting jobs. » (faites-les-lui accepter : cupsaccept "
		   "TICKET)");
}

static void test_ipp_printer_deactivated_is_printer_queue_stopped(void **state)
{
	(void)state;
	expect_ipp(IPP_STATUS_ERROR_PRINTER_IS_DEACTIVATED, NULL, TRANSPORT_ERR_QUEUE_STOPPED,
		   "imprimante cups:TICKET : la file CUPS est arrêtée (relancez-la : cupsenable "
		   "TICKET)");
}

static void test_ipp_service_unavailable_is_printer_spooler_down(void **state)
{
	(void)state;
	expect_ipp(IPP_STATUS_ERROR_SERVICE_UNAVAILABLE, "Scheduler is shutting down.",
		   TRANSPORT_ERR_SPOOLER_DOWN,
		   "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock n'est pas disponible : "
		   "« Scheduler is shutting down. » (redémarrez-le : systemctl restart cups)");
}

static void test_ipp_authorisation_errors_say_the_policy_must_allow_printing(void **state)
{
	static const struct {
		int status;
		const char *name;
	} cases[] = {
		{IPP_STATUS_ERROR_FORBIDDEN, "client-error-forbidden"},
		{IPP_STATUS_ERROR_NOT_AUTHENTICATED, "client-error-not-authenticated"},
		{IPP_STATUS_ERROR_NOT_AUTHORIZED, "client-error-not-authorized"},
	};
	char expected[512];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(expected, sizeof expected,
			 "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock ne laisse pas ce "
			 "service imprimer sur TICKET (%s ; la politique de la file dans "
			 "/etc/cups/cupsd.conf doit permettre d'imprimer sans mot de passe)",
			 cases[i].name);
		expect_ipp(cases[i].status, "Forbidden", TRANSPORT_ERR_IO, expected);
	}
}

static void test_other_ipp_errors_are_io_errors_with_cups_words(void **state)
{
	(void)state;
	expect_ipp(IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED,
		   "Unsupported document-format \"application/vnd.cups-raw\".", TRANSPORT_ERR_IO,
		   "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock a répondu "
		   "client-error-document-format-not-supported : « Unsupported document-format "
		   "\"application/vnd.cups-raw\". » (vérifiez la file : lpstat -l -p TICKET)");
	expect_ipp(IPP_STATUS_ERROR_INTERNAL, NULL, TRANSPORT_ERR_IO,
		   "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock a répondu "
		   "server-error-internal-error (vérifiez la file : lpstat -l -p TICKET)");
	expect_ipp(IPP_STATUS_ERROR_BUSY, "", TRANSPORT_ERR_IO,
		   "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock a répondu server-error-busy "
		   "(vérifiez la file : lpstat -l -p TICKET)");
	expect_ipp(-1, NULL, TRANSPORT_ERR_IO, NULL);
}

static void test_ipp_errors_without_a_name_are_shown_in_hexadecimal(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(cups_status_of_ipp(&target, 0x0499, NULL, NULL, err, sizeof err),
			 TRANSPORT_ERR_IO);
	assert_string_equal(err, "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock a répondu "
				 "statut IPP 0x0499 (vérifiez la file : lpstat -l -p TICKET)");
	assert_int_equal(cups_status_of_ipp(&target, IPP_STATUS_ERROR_FORBIDDEN, "", NULL, err,
					    sizeof err),
			 TRANSPORT_ERR_IO);
	assert_string_equal(err, "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock ne laisse pas "
				 "ce service imprimer sur TICKET (statut IPP 0x0401 ; la politique de "
				 "la file dans /etc/cups/cupsd.conf doit permettre d'imprimer sans mot "
				 "de passe)");
}

static void test_long_cups_words_are_cut_and_the_fix_is_kept(void **state)
{
	char words[400], err[512];

	(void)state;
	memset(words, 'x', sizeof words - 1);
	words[sizeof words - 1] = '\0';
	assert_int_equal(cups_status_of_ipp(&target, IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS, NULL, words,
					    err, sizeof err),
			 TRANSPORT_ERR_QUEUE_STOPPED);
	assert_non_null(strstr(err, "(faites-les-lui accepter : cupsaccept TICKET)"));
	assert_true(strlen(err) < 120 + 120); /* the words cut at 120 bytes, and the fixed text */
}

static void test_messages_fit_a_small_buffer(void **state)
{
	char err[16];

	(void)state;
	memset(err, 'z', sizeof err);
	assert_int_equal(cups_status_of_ipp(&target, IPP_STATUS_ERROR_NOT_FOUND, NULL, NULL, err,
					    sizeof err),
			 TRANSPORT_ERR_QUEUE_NOT_FOUND);
	assert_string_equal(err, "imprimante cups");
}

/* ---- HTTP statuses answering an IPP request ---- */

static void test_http_statuses_map_to_the_queue_errors(void **state)
{
	(void)state;
	expect_http(404, TRANSPORT_ERR_QUEUE_NOT_FOUND, NOT_FOUND_MESSAGE);
	expect_http(503, TRANSPORT_ERR_SPOOLER_DOWN,
		    "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock n'est pas disponible : "
		    "« HTTP 503 » (redémarrez-le : systemctl restart cups)");
	expect_http(401, TRANSPORT_ERR_IO,
		    "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock ne laisse pas ce service "
		    "imprimer sur TICKET (HTTP 401 ; la politique de la file dans "
		    "/etc/cups/cupsd.conf doit permettre d'imprimer sans mot de passe)");
	expect_http(403, TRANSPORT_ERR_IO,
		    "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock ne laisse pas ce service "
		    "imprimer sur TICKET (HTTP 403 ; la politique de la file dans "
		    "/etc/cups/cupsd.conf doit permettre d'imprimer sans mot de passe)");
	expect_http(426, TRANSPORT_ERR_IO,
		    "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock a répondu HTTP 426 (voyez "
		    "le error_log de CUPS, en général /var/log/cups/error_log)");
	expect_http(500, TRANSPORT_ERR_IO,
		    "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock a répondu HTTP 500 (voyez "
		    "le error_log de CUPS, en général /var/log/cups/error_log)");
}

/* ---- connection and exchange failures ---- */

static void test_connection_refused_is_printer_spooler_down_saying_start_cups(void **state)
{
	struct cups_status_target tcp = {.printer = "TICKET", .queue = "TICKET",
					 .server = "127.0.0.1:631"};
	char err[512];

	(void)state;
	assert_int_equal(cups_status_of_connect(&tcp, false, "connexion refusée", err, sizeof err),
			 TRANSPORT_ERR_SPOOLER_DOWN);
	assert_string_equal(err, "imprimante TICKET : CUPS injoignable sur 127.0.0.1:631 : connexion "
				 "refusée (cupsd tourne-t-il ? démarrez-le : systemctl start cups)");
	assert_int_equal(cups_status_of_connect(&tcp, false, NULL, err, sizeof err),
			 TRANSPORT_ERR_SPOOLER_DOWN);
	assert_string_equal(err, "imprimante TICKET : CUPS injoignable sur 127.0.0.1:631 (cupsd "
				 "tourne-t-il ? démarrez-le : systemctl start cups)");
}

static void test_connection_past_the_deadline_is_printer_timeout(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(cups_status_of_connect(&target, true, "délai de connexion dépassé (ETIMEDOUT)",
						err, sizeof err),
			 TRANSPORT_ERR_TIMEOUT);
	assert_string_equal(err, "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock n'a pas accepté "
				 "la connexion à temps (cupsd est-il bloqué ? redémarrez-le : systemctl "
				 "restart cups)");
}

static void test_exchange_past_the_deadline_is_printer_timeout_saying_what_was_under_way(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(cups_status_of_exchange(&target, true, "la vérification de la file",
						 "ressource momentanément indisponible (EAGAIN)", err,
						 sizeof err),
			 TRANSPORT_ERR_TIMEOUT);
	assert_string_equal(err, "imprimante cups:TICKET : CUPS sur /run/cups/cups.sock n'a pas répondu "
				 "à temps pendant la vérification de la file (cupsd est-il bloqué ou "
				 "surchargé ? redémarrez-le : systemctl restart cups)");
}

static void test_exchange_broken_in_time_is_printer_io_error(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(cups_status_of_exchange(&target, false, "l'envoi du travail",
						 "connexion réinitialisée par l'autre côté (ECONNRESET)",
						 err, sizeof err),
			 TRANSPORT_ERR_IO);
	assert_string_equal(err, "imprimante cups:TICKET : l'échange avec CUPS sur /run/cups/cups.sock "
				 "a échoué pendant l'envoi du travail : connexion réinitialisée par "
				 "l'autre côté (ECONNRESET) (cupsd a-t-il redémarré ? réessayez)");
}

/* ---- queue names select the CUPS transport ---- */

static void expect_cups_transport(const char *text)
{
	struct printer_uri uri;
	struct transport transport;
	char err[512] = "";

	assert_int_equal(printer_uri_parse(text, &uri, err, sizeof err), 0);
	assert_int_equal(transport_init(&transport, &uri, err, sizeof err), 0);
	assert_ptr_equal(transport.ops, &transport_cups_ops);
	assert_string_equal(transport.uri_text, text);
	assert_false(transport_can_read(&transport));
	assert_null(transport.backend);
	transport_close(&transport); /* closing what was never opened is harmless */
}

static void test_cups_uri_and_bare_name_select_the_write_only_cups_transport(void **state)
{
	(void)state;
	expect_cups_transport("cups:TICKET");
	expect_cups_transport("TICKET");
}

static void test_transports_without_a_check_are_taken_as_ready_at_start(void **state)
{
	struct printer_uri uri;
	struct transport transport;
	char err[512] = "untouched";

	(void)state;
	assert_int_equal(printer_uri_parse("tcp://127.0.0.1:9", &uri, err, sizeof err), 0);
	assert_int_equal(transport_init(&transport, &uri, err, sizeof err), 0);
	assert_null(transport.ops->check);
	assert_int_equal(transport_check(&transport, 0, err, sizeof err), 0);
	assert_string_equal(err, "untouched");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_or_printing_queue_that_accepts_jobs_can_take_the_kick),
		cmocka_unit_test(test_queue_without_state_attributes_is_taken_as_ready),
		cmocka_unit_test(test_stopped_queue_is_printer_queue_stopped_saying_cupsenable),
		cmocka_unit_test(test_queue_rejecting_jobs_is_printer_queue_stopped_saying_cupsaccept),
		cmocka_unit_test(test_stopped_and_rejecting_queue_names_both_fixes),
		cmocka_unit_test(test_unknown_queue_is_printer_queue_not_found_saying_lpadmin),
		cmocka_unit_test(test_queue_error_status_wins_over_the_attributes),
		cmocka_unit_test(test_successful_statuses_with_warnings_still_check_the_state),
		cmocka_unit_test(test_every_successful_ipp_status_is_success),
		cmocka_unit_test(test_ipp_not_found_is_printer_queue_not_found),
		cmocka_unit_test(test_ipp_not_accepting_jobs_is_printer_queue_stopped),
		cmocka_unit_test(test_ipp_printer_deactivated_is_printer_queue_stopped),
		cmocka_unit_test(test_ipp_service_unavailable_is_printer_spooler_down),
		cmocka_unit_test(test_ipp_authorisation_errors_say_the_policy_must_allow_printing),
		cmocka_unit_test(test_other_ipp_errors_are_io_errors_with_cups_words),
		cmocka_unit_test(test_ipp_errors_without_a_name_are_shown_in_hexadecimal),
		cmocka_unit_test(test_long_cups_words_are_cut_and_the_fix_is_kept),
		cmocka_unit_test(test_messages_fit_a_small_buffer),
		cmocka_unit_test(test_http_statuses_map_to_the_queue_errors),
		cmocka_unit_test(test_connection_refused_is_printer_spooler_down_saying_start_cups),
		cmocka_unit_test(test_connection_past_the_deadline_is_printer_timeout),
		cmocka_unit_test(test_exchange_past_the_deadline_is_printer_timeout_saying_what_was_under_way),
		cmocka_unit_test(test_exchange_broken_in_time_is_printer_io_error),
		cmocka_unit_test(test_cups_uri_and_bare_name_select_the_write_only_cups_transport),
		cmocka_unit_test(test_transports_without_a_check_are_taken_as_ready_at_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
