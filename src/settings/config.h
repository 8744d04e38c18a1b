/* Settings: one table of options (name, type, default, bounds, help) from
 * which the struct, the INI keys, the CLI flags and --help are all derived.
 * Parsing and validation are pure; only config_load_file reads a file. */
#ifndef CASHDRAWERD_CONFIG_H
#define CASHDRAWERD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "drawer/escpos.h"

#define CONFIG_STRING_MAX 1024
#define CONFIG_LIST_MAX 16
/* an origin can be long: https://a-long-shop-name.odoo.com:8443 and more */
#define CONFIG_LIST_ITEM_MAX 256
/* longer than every key (unit-tested) */
#define CONFIG_NAME_MAX 32
/* The longest line a settings file may have (line end and byte order mark
 * not counted): the longest key, " = " and the longest value, which is a
 * whole list on that one line, every item at its longest and ", " between
 * them (a string, CONFIG_STRING_MAX, is shorter). */
#define CONFIG_LINE_MAX (CONFIG_NAME_MAX + 3 + CONFIG_LIST_MAX * (CONFIG_LIST_ITEM_MAX - 1 + 2) - 2)
/* The largest settings file read: far more than every option at its longest
 * (about 50 KB), far less than what would hurt to read by mistake. */
#define CONFIG_FILE_MAX (1024 * 1024)

/* X(name, type, default, min, max, check, metavar, help)
 * name is the INI key; the CLI flag is --name with '_' written as '-'.
 * check names a static function of config.c run on each value (or NULL). */
#define CONFIG_OPTIONS(X)                                                                   \
	X(bind, LIST, "", 0, 0, check_bind, "ADDR",                                                     \
	  "address to listen on, repeatable (default: every interface, IPv4 and IPv6)")     \
	X(port, UINT, "22548", 0, 65535, NULL, "PORT", "TCP port to listen on (0: any free port)") \
	X(printer, STRING, "TICKET", 0, 0, check_printer, "URI",                                            \
	  "printer: tcp://HOST[:PORT] (default port 9100), file:PATH, or a queue NAME")      \
	X(timeout_ms, UINT, "2000", 100, 60000, NULL, "MS",                                        \
	  "longest a printer operation may take, connect and write included")               \
	X(min_interval_ms, UINT, "1000", 0, 60000, NULL, "MS",                                     \
	  "opens within this time of a pulse share it (protects the solenoid)")             \
	X(pin, ENUM, "2", 0, 0, check_pin, "2|5|both",                                          \
	  "drawer connector pin to pulse (5: second drawer; both: 2 then 5, as Odoo's IoT box)")   \
	X(pulse_on_ms, UINT, "50", ESCPOS_PULSE_MS_MIN, ESCPOS_PULSE_MS_MAX, check_even, "MS", "pulse on time, even, 2..510")              \
	X(pulse_off_ms, UINT, "500", ESCPOS_PULSE_MS_MIN, ESCPOS_PULSE_MS_MAX, check_even, "MS", "pulse off time, even, 2..510")           \
	X(kick, ENUM, "esc-p", 0, 0, check_kick, "esc-p|realtime",                               \
	  "pulse command: esc-p (ESC p, queued with print data) or realtime (DLE DC4, "        \
	  "executed even when the printer is offline)")                                        \
	X(realtime_pulse_ms, UINT, "100", ESCPOS_REALTIME_PULSE_MS_MIN, ESCPOS_REALTIME_PULSE_MS_MAX,      \
	  check_hundreds, "MS",                          \
	  "realtime pulse on and off time, 100..800 in steps of 100")                          \
	X(drawer_open_level, ENUM, "high", 0, 0, check_level, "high|low",                        \
	  "drawer switch level (pin 3) that means open")                                       \
	X(status_cache_ms, UINT, "2000", 0, 3600000, NULL, "MS",                                   \
	  "printer status is asked at most once per this time (0: at every /status)")          \
	X(status_timeout_ms, UINT, "200", 20, 5000, NULL, "MS",                                    \
	  "longest wait for each status reply of the printer")                                 \
	X(log_dir, STRING, "logs", 0, 0, check_not_empty, "DIR", "folder of cashdrawer.log and its archives") \
	X(retention_days, UINT, "30", 1, 3650, NULL, "DAYS", "daily archives kept")                \
	X(log_max_mb, UINT, "256", 1, 1048576, NULL, "MIB",                                        \
	  "most the log folder may hold, in MiB: the oldest archives go first, and a day's "    \
	  "routine lines stop at its share")                                                   \
	X(log_console, BOOL, "true", 0, 0, NULL, "BOOL", "also write log lines to standard error") \
	X(threads, UINT, "2", 1, 64, NULL, "N", "HTTP worker threads")                          \
	CONFIG_RECEIPT_OPTIONS(X)                                                           \
	CONFIG_SECURITY_OPTIONS(X)                                                          \
	CONFIG_TLS_OPTIONS(X)                                                               \
	CONFIG_LOG_SHIPPING_OPTIONS(X)

/* Receipts the POS sends as images (Odoo's hardware proxy): docs/odoo.md. */
#define CONFIG_RECEIPT_OPTIONS(X)                                                           \
	X(receipt_dots, UINT, "512", 8, 4096, check_dots, "DOTS",                                   \
	  "printer dots per line: 512 (80 mm paper, TM-T88V), 576 (80 mm, wider models), "     \
	  "384 (58 mm)")                                                                        \
	X(receipt_cut, ENUM, "partial", 0, 0, check_cut, "partial|full|none",                     \
	  "after a receipt: partial cut, full cut, or none (tear it off)")                      \
	X(receipt_max_width, UINT, "2048", 8, 65500, NULL, "PIXELS",                                \
	  "widest receipt image accepted (wider ones are refused unprinted)")                   \
	X(receipt_max_height, UINT, "30000", 1, 65500, NULL, "PIXELS",                              \
	  "longest receipt image accepted (longer ones are refused unprinted)")                 \
	X(receipt_timeout_ms, UINT, "30000", 1000, 600000, NULL, "MS",                              \
	  "longest a receipt may take, from its request to the printer taking its last byte")

/* Who may reach the service, and how much of it: see README, Security. */
#define CONFIG_SECURITY_OPTIONS(X)                                                          \
	X(allowed_origins, LIST, "", 0, 0, check_origin, "ORIGIN",                                \
	  "web page origin allowed to open the drawer, repeatable, e.g. https://shop.odoo.com " \
	  "(default: any page, with a warning)")                                            \
	X(allowed_networks, LIST, "", 0, 0, check_network, "CIDR",                                \
	  "LAN network allowed to read /, /status, /metrics and /logs, repeatable, e.g. 192.168.1.0/24 "     \
	  "(default: any)")                                                                 \
	X(token, STRING, "", 0, 0, check_token, "TOKEN",                                          \
	  "bearer token LAN clients must send to read /, /status, /metrics and /logs (default: none)")   \
	X(max_connections, UINT, "512", 16, 65536, NULL, "N",                                     \
	  "open connections of every client together; a quarter is kept for the till itself") \
	X(max_connections_per_ip, UINT, "32", 1, 65536, NULL, "N",                                \
	  "open connections of one LAN address")                                            \
	X(connection_timeout_s, UINT, "30", 1, 3600, NULL, "S",                                   \
	  "a connection silent this long is closed")                                        \
	X(request_timeout_s, UINT, "10", 1, 3600, NULL, "S",                                      \
	  "longest time a client may take to send a request's line and headers")

/* HTTPS on the same port as HTTP (docs/https.md): the certificate and key
 * that --setup-tls makes, or an admin's own. */
#define CONFIG_TLS_OPTIONS(X)                                                               \
	X(tls, BOOL, "on", 0, 0, NULL, "on|off",                                                  \
	  "also answer HTTPS on the same port, when the certificate and key are there")        \
	X(tls_cert, STRING, "tls/cashdrawerd-cert.pem", 0, 0, check_not_empty, "FILE",            \
	  "the service's certificate (PEM); --setup-tls writes it, with its authority "         \
	  "cashdrawerd-ca.pem beside it")                                                       \
	X(tls_key, STRING, "tls/cashdrawerd-key.pem", 0, 0, check_not_empty, "FILE",              \
	  "the certificate's private key (PEM), readable by the service's user only")

/* Where log lines go besides the file: see docs/monitoring.md, Central logs. */
#define CONFIG_LOG_SHIPPING_OPTIONS(X)                                                      \
	X(syslog_host, STRING, "", 0, 0, NULL, "HOST",                                             \
	  "also send each log line to this syslog server, RFC 5424 (empty: none)")               \
	X(syslog_port, UINT, "514", 1, 65535, NULL, "PORT", "port of the syslog server")          \
	X(syslog_protocol, ENUM, "udp", 0, 0, check_syslog_protocol, "udp|tcp",                  \
	  "udp (RFC 5426) or tcp (RFC 6587 octet counting)")

/* Settings there are no more: still accepted, whatever their value, and
 * ignored, so that a settings file written for an earlier version still
 * starts the service after an upgrade; each one given is said in a WARNING
 * at start and by --check-config. X(name, why it is gone, in French: the
 * log's words). */
#define CONFIG_RETIRED_OPTIONS(X)                                                           \
	X(log_journal, "sous systemd, les lignes vont d'elles-mêmes au journal, avec leur "      \
		       "priorité, par la sortie d'erreur (log_console)")                          \
	X(read_back, "une ouverture répond dès que l'imprimante a l'impulsion ; le client qui "  \
		     "veut l'état du tiroir relu après l'impulsion le demande à chaque requête "  \
		     "(GET /open-cash-drawer?read_back=true)")

/* ENUM: one of the words of its metavar ("esc-p|realtime"), kept as the
 * word's index; the enums below name them for the code. */
enum config_type { CONFIG_STRING, CONFIG_UINT, CONFIG_BOOL, CONFIG_LIST, CONFIG_ENUM, CONFIG_RETIRED };

/* The ENUM settings' values, in the order of their metavar's words. */
enum config_pin { CONFIG_PIN_2, CONFIG_PIN_5, CONFIG_PIN_BOTH };
enum config_kick { CONFIG_KICK_ESC_P, CONFIG_KICK_REALTIME };
enum config_level { CONFIG_LEVEL_HIGH, CONFIG_LEVEL_LOW };
enum config_cut { CONFIG_CUT_PARTIAL, CONFIG_CUT_FULL, CONFIG_CUT_NONE };
enum config_syslog_protocol { CONFIG_SYSLOG_UDP, CONFIG_SYSLOG_TCP };

#define CONFIG_FIELD_STRING(name) char name[CONFIG_STRING_MAX];
#define CONFIG_FIELD_UINT(name) unsigned name;
#define CONFIG_FIELD_BOOL(name) bool name;
#define CONFIG_FIELD_ENUM(name) unsigned name;
#define CONFIG_FIELD_LIST(name)                                                             \
	char name[CONFIG_LIST_MAX][CONFIG_LIST_ITEM_MAX];                                   \
	size_t name##_count;
#define CONFIG_FIELD(name, type, def, min, max, check, metavar, help) CONFIG_FIELD_##type(name)

struct config {
	CONFIG_OPTIONS(CONFIG_FIELD)
	/* bit i: config_retired[i] was given (config_set) */
	unsigned retired_seen;
};

struct config_option {
	const char *name;
	enum config_type type;
	const char *default_value;
	unsigned min, max;
	int (*check)(const char *value, char *err, size_t errlen);
	const char *metavar;
	const char *help;
	size_t offset;
	size_t count_offset; /* LIST: where its item count is */
};

extern const struct config_option config_options[];
extern const size_t config_option_count;

/* The retired settings (CONFIG_RETIRED_OPTIONS), type CONFIG_RETIRED, help
 * saying why they are gone. */
extern const struct config_option config_retired[];
extern const size_t config_retired_count;

/* A retired setting by INI key or CLI spelling, NULL when it is none. */
const struct config_option *config_find_retired(const char *name);

/* The warning for each retired setting given, one line each ("Réglage
 * log_journal ignoré : …\n"), into buf; "" when none. */
void config_retired_warnings(const struct config *config, char *buf, size_t size);

/* Finds an option by INI key or CLI spelling ("timeout_ms", "timeout-ms").
 * NULL when unknown. */
const struct config_option *config_find(const char *name);

/* Every option at its default. */
void config_defaults(struct config *config);

/* Sets one option from text (a LIST option appends; commas separate several
 * items). Returns 0, or -EINVAL with err saying what is wrong and what is
 * allowed (without file or line: the caller adds them). */
int config_set(struct config *config, const char *name, const char *value, char *err,
	       size_t errlen);

/* The word of an ENUM option's value ("realtime"), "?" out of range. */
const char *config_enum_word(const struct config_option *option, unsigned value);

/* An option's value as text, as it would be set ("a, b" for a list). */
void config_format_value(const struct config *config, const struct config_option *option,
			 char *buf, size_t size);

/* Empties a LIST option (CLI values replace those of the file). */
void config_clear(struct config *config, const struct config_option *option);

/* Parses a bind item ("127.0.0.1", "::1" or "[::1]") into address (port 0)
 * and its length. Returns 0, or -EINVAL when it is not an IP address. */
int config_parse_address(const char *text, struct sockaddr_storage *address, socklen_t *length);

/* Checks what single options cannot: the printer URI, the kick timings.
 * Returns 0 or -EINVAL with err filled as "key: reason". */
int config_validate(const struct config *config, char *err, size_t errlen);

/* Applies an INI file (keys at top level or in a [cashdrawerd] section, each
 * key once; only a list may go on over indented lines). Every problem is
 * appended to diag as "path:line: reason\n" (diag is NUL-terminated, cut if
 * full). Returns 0 when the file was clean, -1 when any problem was found, or
 * a negative errno when it cannot be read: -EISDIR, -EINVAL (a device, a pipe:
 * not a regular file), -EFBIG (over CONFIG_FILE_MAX) or what open/read said. */
int config_load_file(struct config *config, const char *path, char *diag, size_t diagsize);

/* What the command line asks for. */
enum config_action {
	CONFIG_ACTION_RUN,
	CONFIG_ACTION_HELP,
	CONFIG_ACTION_VERSION,
	CONFIG_ACTION_CHECK,
	CONFIG_ACTION_SETUP_TLS,  /* --setup-tls: the authority and certificate (src/tls/setup.c) */
	CONFIG_ACTION_REMOVE_TLS, /* --remove-tls: what --setup-tls added, taken away */
};

struct config_args {
	enum config_action action;
	const char *config_path; /* --config FILE, or NULL */
	/* option settings given on the command line, applied after the file */
	const struct config_option *options[64];
	const char *values[64];
	size_t count;
};

/* Parses argv (not modified): --help, --version, --check-config,
 * --config FILE, and --OPTION VALUE / --OPTION=VALUE for every option.
 * Returns 0 or -EINVAL with err filled. */
int config_parse_args(int argc, char *const argv[], struct config_args *args, char *err,
		      size_t errlen);

/* Applies the command line's settings over config (after the file). Returns
 * 0 or -EINVAL with err as "--flag: reason". */
int config_apply_args(struct config *config, const struct config_args *args, char *err,
		      size_t errlen);

/* Writes --help text (generated from the option table) to buf. */
void config_usage(char *buf, size_t size, const char *program);

#endif
