/* The status page's HTML: every value shown is escaped, and each carries a
 * data-field (its name in /status) and data-value (its value as /status
 * writes it), so a test or a script can read them back exactly. */
#include "status/page.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Small and fixed: the page must work offline, so no font, image or script
 * is loaded from anywhere. */
static const char style[] =
	"body{font:16px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}"
	"header{background:#1d2330;color:#fff;padding:12px 16px}"
	"h1{font-size:1.3em;margin:0}header p{margin:4px 0 0;opacity:.85}"
	"main{max-width:60em;margin:auto;padding:8px}"
	"section{background:#fff;border-radius:8px;margin:8px 0;padding:8px 16px;"
	"box-shadow:0 1px 2px #0002}"
	"h2{font-size:1.1em;margin:8px 0}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}"
	"dt{color:#555}dd{margin:0;overflow-wrap:anywhere}"
	".ok{color:#17702a}.bad{color:#b3261e;font-weight:600}.unknown{color:#777}"
	".counts{display:flex;flex-wrap:wrap;gap:8px}"
	".count{flex:1 1 8em;background:#f4f5f7;border-radius:6px;padding:8px;text-align:center}"
	".count b{display:block;font-size:1.8em}"
	"pre{background:#1d2330;color:#e8eaf0;padding:8px;border-radius:6px;overflow-x:auto;"
	"font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}"
	"ul.archives{columns:10em;padding-left:1.2em}"
	"button{font-size:1.1em;padding:10px 18px;border-radius:6px;border:0;background:#1d5fd1;"
	"color:#fff}"
	"output{display:block;margin-top:8px}";

/* Loopback clients only: opens the drawer and shows the answer, with the
 * drawer read back after the pulse. */
static const char test_script[] =
	"document.getElementById('test-drawer').addEventListener('click',function(){"
	"var out=document.getElementById('test-result');out.textContent='…';"
	"fetch('/open-cash-drawer?read_back=true',{cache:'no-store'})"
	".then(function(r){return r.json();})"
	".then(function(j){out.textContent=(j.status==='success'?'\\u2714 ':'\\u2716 ')+j.message"
	"+(j.drawer?' (tiroir : '+j.drawer+')':'');})"
	".catch(function(e){out.textContent='\\u2716 '+e;});});";

void page_format_duration(char *buf, size_t size, uint64_t seconds)
{
	uint64_t days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60;

	if (days > 0)
		snprintf(buf, size, "%" PRIu64 " j %" PRIu64 " h %" PRIu64 " min", days, hours, minutes);
	else if (hours > 0)
		snprintf(buf, size, "%" PRIu64 " h %" PRIu64 " min %" PRIu64 " s", hours, minutes,
			 seconds % 60);
	else if (minutes > 0)
		snprintf(buf, size, "%" PRIu64 " min %" PRIu64 " s", minutes, seconds % 60);
	else
		snprintf(buf, size, "%" PRIu64 " s", seconds);
}

/* <dt>label</dt><dd data-field=... data-value=... class=...>shown</dd> */
static void item(struct strbuf *out, const char *label, const char *field, const char *value,
		 const char *shown, const char *class_name)
{
	strbuf_puts(out, "<dt>");
	strbuf_puts_html(out, label);
	strbuf_printf(out, "</dt><dd data-field=\"%s\" data-value=\"", field);
	strbuf_puts_html(out, value);
	strbuf_puts(out, "\"");
	if (class_name != NULL)
		strbuf_printf(out, " class=\"%s\"", class_name);
	strbuf_puts(out, ">");
	strbuf_puts_html(out, shown);
	strbuf_puts(out, "</dd>");
}

static const char *yes_no(const char *value, const char *yes, const char *no)
{
	return strcmp(value, "true") == 0 ? yes : strcmp(value, "false") == 0 ? no : "inconnu";
}

/* Good news green, bad news red, unknown grey. */
static const char *flag_class(const char *value, bool true_is_good)
{
	if (strcmp(value, "unknown") == 0)
		return "unknown";
	return (strcmp(value, "true") == 0) == true_is_good ? "ok" : "bad";
}

static void printer_section(struct strbuf *out, const struct page_view *view)
{
	const struct drawer_printer_state *printer = view->printer;
	const char *reachable = escpos_flag_name(printer->reachable);
	const char *drawer = escpos_drawer_name(printer->drawer);
	const char *paper = escpos_paper_name(escpos_status_paper(&printer->status));
	const char *error = drawer_printer_state_error(printer);

	strbuf_puts(out, "<section id=\"printer\"><h2>Imprimante</h2><dl>");
	item(out, "Adresse", "printer.uri", view->printer_uri, view->printer_uri, NULL);
	item(out, "Joignable", "printer.reachable", reachable, yes_no(reachable, "oui", "non"),
	     flag_class(reachable, true));
	item(out, "En ligne", "printer.online", view->printer_online,
	     yes_no(view->printer_online, "oui", "non (capot, papier ou erreur)"),
	     flag_class(view->printer_online, true));
	item(out, "Tiroir", "printer.drawer", drawer,
	     strcmp(drawer, "open") == 0 ? "ouvert" : strcmp(drawer, "closed") == 0 ? "fermé" : "inconnu",
	     strcmp(drawer, "unknown") == 0 ? "unknown" : NULL);
	item(out, "Papier", "printer.paper", paper,
	     strcmp(paper, "ok") == 0 ? "ok" : strcmp(paper, "near_end") == 0 ? "bientôt fini"
					   : strcmp(paper, "out") == 0	 ? "épuisé"
									 : "inconnu",
	     strcmp(paper, "ok") == 0 ? "ok" : strcmp(paper, "unknown") == 0 ? "unknown" : "bad");
	item(out, "Erreur", "printer.error", error != NULL ? error : "null",
	     error != NULL ? error : "aucune", error != NULL ? "bad" : NULL);
	item(out, "Vérifiée le", "printer.checked_at",
	     view->printer_checked_at != NULL ? view->printer_checked_at : "null",
	     view->printer_checked_at != NULL ? view->printer_checked_at : "jamais", NULL);
	strbuf_puts(out, "</dl></section>");
}

static void count(struct strbuf *out, const char *field, uint64_t value, const char *label)
{
	strbuf_printf(out,
		      "<div class=\"count\"><b data-field=\"%s\" data-value=\"%" PRIu64 "\">%" PRIu64
		      "</b>",
		      field, value, value);
	strbuf_puts_html(out, label);
	strbuf_puts(out, "</div>");
}

static void today_section(struct strbuf *out, const struct page_view *view)
{
	const uint64_t *openings = view->today->openings;

	strbuf_puts(out, "<section id=\"today\"><h2>Aujourd'hui <span data-field=\"today.date\" data-value=\"");
	strbuf_puts_html(out, view->today_date);
	strbuf_puts(out, "\">");
	strbuf_puts_html(out, view->today_date);
	strbuf_puts(out, "</span></h2><div class=\"counts\">");
	count(out, "today.opened", openings[METRICS_OPENING_SUCCESS], "ouvertures");
	count(out, "today.coalesced", openings[METRICS_OPENING_COALESCED], "partagées (double clic)");
	count(out, "today.refused", openings[METRICS_OPENING_REFUSED], "refus");
	count(out, "today.printer_errors", openings[METRICS_OPENING_PRINTER_ERROR],
	      "erreurs d'imprimante");
	strbuf_puts(out, "</div><dl>");
	strbuf_printf(out, "<dt>Depuis le démarrage</dt><dd>"
		      "<span data-field=\"drawer.pulses\" data-value=\"%" PRIu64 "\">%" PRIu64
		      "</span> impulsions, "
		      "<span data-field=\"drawer.failures\" data-value=\"%" PRIu64 "\">%" PRIu64
		      "</span> échecs</dd>",
		      view->drawer->pulses, view->drawer->pulses, view->drawer->failures,
		      view->drawer->failures);
	strbuf_puts(out, "</dl></section>");
}

static void log_section(struct strbuf *out, const struct page_view *view)
{
	const struct rotlog_health *log = view->log;
	char name[ROTLOG_ARCHIVE_NAME_MAX];
	size_t shown = view->archive_count < PAGE_ARCHIVES_MAX ? view->archive_count
							       : PAGE_ARCHIVES_MAX;

	strbuf_puts(out, "<section id=\"log\"><h2>Journal</h2><dl>");
	item(out, "Écriture", "log.ok", log->last_write_ok ? "true" : "false",
	     log->last_write_ok ? "ok" : "en échec", log->last_write_ok ? "ok" : "bad");
	strbuf_printf(out, "<dt>Lignes perdues</dt><dd data-field=\"log.write_failures\" "
		      "data-value=\"%" PRIu64 "\">%" PRIu64 "</dd>",
		      log->write_failures, log->write_failures);
	if (log->last_error[0] != '\0')
		item(out, "Dernière erreur", "log.last_error", log->last_error, log->last_error,
		     "bad");
	strbuf_puts(out, "</dl><p><a href=\"/logs\" download>Télécharger le journal du jour</a></p>");
	if (view->archive_count > 0) {
		strbuf_puts(out, "<details><summary>Archives</summary><ul class=\"archives\">");
		for (size_t i = 0; i < shown; i++) {
			const struct rotlog_date *d = &view->archives[i];

			rotlog_archive_name(name, sizeof name, *d);
			strbuf_printf(out,
				      "<li><a href=\"/logs?date=%04d-%02d-%02d\" download=\"%s\">"
				      "%04d-%02d-%02d</a></li>",
				      d->year, d->month, d->day, name, d->year, d->month, d->day);
		}
		strbuf_puts(out, "</ul>");
		if (view->archive_count > shown)
			strbuf_puts(out, "<p>Plus anciennes : /logs?date=AAAA-MM-JJ</p>");
		strbuf_puts(out, "</details>");
	}
	strbuf_printf(out, "<h2>Dernières lignes</h2><pre id=\"log-tail\">");
	strbuf_append_html(out, view->log_tail, view->log_tail_length);
	strbuf_puts(out, "</pre></section>");
}

void page_render(struct strbuf *out, const struct page_view *view)
{
	char uptime[64];

	page_format_duration(uptime, sizeof uptime, view->uptime_s);
	strbuf_puts(out, "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
			 "<title>cashdrawerd : état du tiroir-caisse</title><style>");
	strbuf_puts(out, style);
	strbuf_puts(out, "</style></head><body><header><h1>Tiroir-caisse</h1><p>cashdrawerd "
			 "<span data-field=\"version\" data-value=\"");
	strbuf_puts_html(out, view->version);
	strbuf_puts(out, "\">");
	strbuf_puts_html(out, view->version);
	strbuf_printf(out, "</span>, actif depuis <span data-field=\"uptime_s\" data-value=\"%" PRIu64
			   "\">",
		      view->uptime_s);
	strbuf_puts_html(out, uptime);
	strbuf_puts(out, "</span> (démarré le <span data-field=\"started_at\" data-value=\"");
	strbuf_puts_html(out, view->started_at);
	strbuf_puts(out, "\">");
	strbuf_puts_html(out, view->started_at);
	strbuf_puts(out, "</span>)</p></header><main>");
	printer_section(out, view);
	today_section(out, view);
	if (view->loopback)
		strbuf_puts(out, "<section id=\"test\"><h2>Test</h2>"
				 "<button id=\"test-drawer\" type=\"button\">Tester le tiroir</button>"
				 "<output id=\"test-result\"></output></section>");
	log_section(out, view);
	strbuf_puts(out, "</main>");
	if (view->loopback) {
		strbuf_puts(out, "<script>");
		strbuf_puts(out, test_script);
		strbuf_puts(out, "</script>");
	}
	strbuf_puts(out, "</body></html>\n");
}
