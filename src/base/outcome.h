/* What a request came to: one table of every outcome the service can give,
 * each once, with its stable code (the JSON "error" and the log's outcome),
 * HTTP status, French message, log level and treatment, and the counter it
 * feeds. Pure data; every layer names outcomes by this enum, never by text. */
#ifndef CASHDRAWERD_OUTCOME_H
#define CASHDRAWERD_OUTCOME_H

#include <stdbool.h>

/* How a request's log line is written (src/http/answer.c applies it). */
enum outcome_log {
	OUTCOME_LOG_ROUTINE, /* a probe's answer: may wait to share a write, left
			      * out once today's file holds its share of log_max_mb */
	OUTCOME_LOG_ALWAYS,  /* from the till: always written at once; from the
			      * LAN: as OUTCOME_LOG_LIMITED */
	OUTCOME_LOG_LIMITED, /* what a client can ask again and again: limited
			      * per client, then summed up */
	OUTCOME_LOG_NOISE,   /* limited per client, and a LAN client's may be
			      * left out under log_max_mb */
};

/* Which counter of /metrics an outcome feeds. */
enum outcome_metric {
	OUTCOME_METRIC_SERVED,     /* answered as asked */
	OUTCOME_METRIC_OPENED,     /* an opening with a pulse of its own */
	OUTCOME_METRIC_COALESCED,  /* an opening that shared a pulse */
	OUTCOME_METRIC_REFUSED,    /* 4xx: cashdrawerd_refusals_total */
	OUTCOME_METRIC_FAILED,     /* 5xx: cashdrawerd_printer_errors_total for openings */
	OUTCOME_METRIC_UNANSWERED, /* no answer: cashdrawerd_requests_unanswered_total */
};

enum outcome_level { OUTCOME_INFO, OUTCOME_WARNING, OUTCOME_ERROR };

/* X(NAME, "code", status, level, log, metric, "French message")
 * status 0: the request got no answer (the message is the log's reason). */
#define OUTCOMES(X)                                                                         \
	/* served */                                                                        \
	X(OK, "ok", 200, INFO, ROUTINE, SERVED, "Service actif")                            \
	X(OPENED, "opened", 200, INFO, ALWAYS, OPENED, "Tiroir-caisse ouvert")              \
	X(COALESCED, "coalesced", 200, INFO, ALWAYS, COALESCED, "Tiroir-caisse ouvert")     \
	X(HEAD_NO_KICK, "head_no_kick", 200, INFO, LIMITED, SERVED,                         \
	  "Prêt (HEAD n'ouvre pas le tiroir)")                                              \
	X(LOG_DOWNLOAD, "log_download", 200, INFO, LIMITED, SERVED, "Journal envoyé")       \
	X(PREFLIGHT, "preflight", 204, INFO, LIMITED, SERVED, "Pré-vérification CORS")      \
	X(PRINTED, "printed", 200, INFO, ALWAYS, SERVED, "Ticket imprimé")                  \
	/* who gets in (src/admission) */                                                   \
	X(NOT_LOCAL, "not_local", 403, WARNING, LIMITED, REFUSED,                           \
	  "Accès refusé - Local uniquement")                                                \
	X(HOST_NOT_ALLOWED, "host_not_allowed", 403, WARNING, LIMITED, REFUSED,             \
	  "Accès refusé - nom d'hôte non autorisé : appelez http://localhost ou "           \
	  "http://127.0.0.1")                                                               \
	X(ORIGIN_NOT_ALLOWED, "origin_not_allowed", 403, WARNING, LIMITED, REFUSED,         \
	  "Accès refusé - page web non autorisée (allowed_origins)")                        \
	X(NETWORK_NOT_ALLOWED, "network_not_allowed", 403, WARNING, LIMITED, REFUSED,       \
	  "Accès refusé - réseau non autorisé (allowed_networks)")                          \
	X(TOKEN_REQUIRED, "token_required", 401, WARNING, LIMITED, REFUSED,                 \
	  "Jeton d'accès requis : en-tête Authorization: Bearer JETON")                     \
	X(TOKEN_INVALID, "token_invalid", 401, WARNING, LIMITED, REFUSED,                   \
	  "Jeton d'accès invalide")                                                         \
	/* the request itself */                                                            \
	X(NOT_FOUND, "not_found", 404, WARNING, NOISE, REFUSED, "Ressource introuvable")    \
	X(METHOD_NOT_ALLOWED, "method_not_allowed", 405, WARNING, LIMITED, REFUSED,         \
	  "Méthode non autorisée")                                    \
	X(DUPLICATE_CONTENT_LENGTH, "duplicate_content_length", 400, WARNING, LIMITED,      \
	  REFUSED, "Requête invalide : plusieurs en-têtes Content-Length")                  \
	X(BODY_NOT_ALLOWED, "body_not_allowed", 413, WARNING, LIMITED, REFUSED,             \
	  "Corps de requête refusé : cette adresse n'en prend pas")                         \
	X(BODY_TOO_LARGE, "body_too_large", 413, WARNING, LIMITED, REFUSED,                 \
	  "Corps de requête trop grand pour cette adresse")                                 \
	X(LENGTH_REQUIRED, "length_required", 411, WARNING, LIMITED, REFUSED,               \
	  "Longueur du corps requise : envoyez un en-tête Content-Length")                  \
	X(BAD_QUERY, "bad_query", 400, WARNING, LIMITED, REFUSED,                           \
	  "Paramètre inconnu : utilisez /logs ou /logs?date=AAAA-MM-JJ")                    \
	X(BAD_DATE, "bad_date", 400, WARNING, LIMITED, REFUSED,                             \
	  "Date invalide : utilisez /logs?date=AAAA-MM-JJ (par exemple 2025-02-01)")        \
	X(LOG_NOT_FOUND, "log_not_found", 404, WARNING, LIMITED, REFUSED,                   \
	  "Aucun journal pour cette date")                                                  \
	OUTCOMES_HW_PROXY(X)                                                                \
	/* the service */                                                                   \
	X(LOG_UNREADABLE, "log_unreadable", 500, ERROR, ALWAYS, FAILED,                     \
	  "Journal illisible sur le poste")                                                 \
	X(INTERNAL_ERROR, "internal_error", 500, ERROR, ALWAYS, FAILED, "Erreur interne")   \
	X(SERVICE_STOPPING, "service_stopping", 503, ERROR, ALWAYS, FAILED,                 \
	  "Le service s'arrête : réessayez dans un instant.")                               \
	OUTCOMES_PRINTER(X)                                                                 \
	/* no answer of ours: the message is the log line's reason */                       \
	X(TIMEOUT, "timeout", 0, WARNING, LIMITED, UNANSWERED,                              \
	  "requête incomplète à l'expiration du délai")                                     \
	X(CLIENT_GONE, "client_gone", 0, WARNING, LIMITED, UNANSWERED,                      \
	  "client parti avant la fin de la requête")                                        \
	X(SHUTDOWN, "shutdown", 0, WARNING, LIMITED, UNANSWERED,                            \
	  "service arrêté avant la réponse")                                                \
	X(REJECTED, "rejected", 0, WARNING, LIMITED, UNANSWERED,                            \
	  "requête rejetée par le serveur HTTP (mal formée ou en-têtes trop grands)")       \
	X(MALFORMED, "malformed", 0, WARNING, LIMITED, UNANSWERED,                          \
	  "requête mal formée ou interrompue : connexion fermée sans réponse")

/* The hardware proxy's calls (Odoo's POS, src/http/route_hw_proxy.c) and
 * their receipts (src/receipt): bad input prints nothing. */
#define OUTCOMES_HW_PROXY(X)                                                                \
	X(INVALID_REQUEST, "invalid_request", 400, WARNING, LIMITED, REFUSED,               \
	  "Appel JSON-RPC invalide")                                                        \
	X(UNKNOWN_ACTION, "unknown_action", 400, WARNING, LIMITED, REFUSED,                 \
	  "Action inconnue : cashbox ou print_receipt")                                     \
	X(NOT_BASE64, "not_base64", 400, WARNING, LIMITED, REFUSED,                         \
	  "Ticket illisible : le champ receipt n'est pas du base64")                        \
	X(NOT_JPEG, "not_jpeg", 400, WARNING, LIMITED, REFUSED,                             \
	  "Ticket illisible : ce n'est pas une image JPEG")                                 \
	X(CORRUPT_JPEG, "corrupt_jpeg", 400, WARNING, LIMITED, REFUSED,                     \
	  "Ticket illisible : image JPEG tronquée ou abîmée")                               \
	X(UNSUPPORTED_JPEG, "unsupported_jpeg", 400, WARNING, LIMITED, REFUSED,             \
	  "Ticket non imprimable : JPEG progressif, CMJN ou 12 bits")                       \
	X(EMPTY_IMAGE, "empty_image", 400, WARNING, LIMITED, REFUSED,                       \
	  "Ticket vide : image sans largeur ou sans hauteur")                               \
	X(IMAGE_TOO_WIDE, "image_too_wide", 413, WARNING, LIMITED, REFUSED,                 \
	  "Ticket trop large (receipt_max_width)")                                          \
	X(IMAGE_TOO_TALL, "image_too_tall", 413, WARNING, LIMITED, REFUSED,                 \
	  "Ticket trop long (receipt_max_height)")

/* The printer and its transports (src/transport, src/drawer). */
#define OUTCOMES_PRINTER(X)                                                                 \
	X(PRINTER_REFUSED, "printer_refused", 503, ERROR, ALWAYS, FAILED,                   \
	  "L'imprimante refuse la connexion : vérifiez qu'elle est allumée et que "         \
	  "son adresse est la bonne.")                                                      \
	X(PRINTER_UNREACHABLE, "printer_unreachable", 503, ERROR, ALWAYS, FAILED,           \
	  "Imprimante injoignable sur le réseau : vérifiez son câble, son adresse "         \
	  "et qu'elle est allumée.")                                                        \
	X(PRINTER_TIMEOUT, "printer_timeout", 503, ERROR, ALWAYS, FAILED,                   \
	  "L'imprimante ne répond pas à temps : vérifiez qu'elle est allumée, en "          \
	  "ligne et sans bourrage papier.")                                                          \
	X(PRINTER_IO_ERROR, "printer_io_error", 503, ERROR, ALWAYS, FAILED,                 \
	  "Erreur de communication avec l'imprimante : vérifiez le câble puis "             \
	  "réessayez.")                                                                     \
	X(PRINTER_NOT_FOUND, "printer_not_found", 503, ERROR, ALWAYS, FAILED,               \
	  "Imprimante introuvable : vérifiez qu'elle est branchée et allumée.")             \
	X(PRINTER_PERMISSION_DENIED, "printer_permission_denied", 503, ERROR, ALWAYS,       \
	  FAILED,                                                                           \
	  "Le système refuse l'accès à l'imprimante : le service n'a pas les droits "       \
	  "sur le périphérique (groupe lp).")                                                                   \
	X(PRINTER_UNSUPPORTED, "printer_unsupported", 503, ERROR, ALWAYS, FAILED,           \
	  "Ce type d'imprimante n'est pas pris en charge par cette version.")               \
	X(PRINTER_QUEUE_NOT_FOUND, "printer_queue_not_found", 503, ERROR, ALWAYS, FAILED,   \
	  "File d'impression introuvable : vérifiez le nom de l'imprimante dans les "       \
	  "réglages du service et du système.")                                                                      \
	X(PRINTER_QUEUE_STOPPED, "printer_queue_stopped", 503, ERROR, ALWAYS, FAILED,       \
	  "La file d'impression est suspendue : réactivez l'imprimante dans les "           \
	  "réglages d'impression du système.")                                                       \
	X(PRINTER_SPOOLER_DOWN, "printer_spooler_down", 503, ERROR, ALWAYS, FAILED,         \
	  "Le service d'impression du système ne répond pas : redémarrez-le (CUPS "         \
	  "ou le spouleur Windows).")                                                       \
	X(PRINTER_CONNECTION_LOST, "printer_connection_lost", 503, ERROR, ALWAYS, FAILED,   \
	  "L'imprimante a coupé la connexion avant de confirmer l'ordre d'ouverture : "     \
	  "le tiroir ne s'est peut-être pas ouvert. Vérifiez l'imprimante puis "            \
	  "réessayez.")                                                                     \
	X(PRINTER_BUSY, "printer_busy", 503, ERROR, ALWAYS, FAILED,                         \
	  "L'imprimante est occupée par d'autres ouvertures et ne répond pas assez "        \
	  "vite : réessayez dans un instant.")                                                              \
	X(PRINTER_ERROR, "printer_error", 503, ERROR, ALWAYS, FAILED,                       \
	  "Erreur d'imprimante : vérifiez l'imprimante puis réessayez.")

#define OUTCOME_ENUM(name, code, status, level, log, metric, message) OUTCOME_##name,
enum outcome { OUTCOMES(OUTCOME_ENUM) OUTCOME_COUNT };
#undef OUTCOME_ENUM

struct outcome_info {
	const char *code;
	unsigned status; /* 0: no answer */
	enum outcome_level level;
	enum outcome_log log;
	enum outcome_metric metric;
	const char *message; /* French */
};

extern const struct outcome_info outcome_table[OUTCOME_COUNT];

/* The row of outcome; OUTCOME_INTERNAL_ERROR's for a value out of range. */
const struct outcome_info *outcome_info(enum outcome outcome);
const char *outcome_code(enum outcome outcome);
const char *outcome_message(enum outcome outcome);

/* Errors as functions return them (0 or negative, see STYLE.md): an outcome
 * as a negative code beyond every errno, and back. */
#define OUTCOME_ERROR_BASE 10000
#define OUTCOME_ERROR(name) (-(OUTCOME_ERROR_BASE + (int)OUTCOME_##name))
/* The outcome of such a code; OUTCOME_PRINTER_ERROR for any other negative
 * code (an errno), so every failure has a row. */
enum outcome outcome_of_error(int error);

#endif
