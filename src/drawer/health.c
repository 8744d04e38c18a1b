/* The printer's health for a cashier (see health.h). */
#include "drawer/health.h"

#include <stdio.h>

static void say(struct printer_health_report *report, enum printer_health health,
		const char *message)
{
	report->health = health;
	snprintf(report->message, sizeof report->message, "%s", message);
}

void printer_health_of(const struct drawer_printer_state *state,
		       struct printer_health_report *report)
{
	const struct escpos_status *status = &state->status;
	enum escpos_paper paper = escpos_status_paper(status);

	say(report, PRINTER_HEALTH_OK, "");
	if (state->checked_at == 0) {
		say(report, PRINTER_HEALTH_UNKNOWN, "Imprimante pas encore vérifiée");
	} else if (state->reachable == ESCPOS_FLAG_NO || state->error != 0) {
		snprintf(report->message, sizeof report->message, "%s (%s)",
			 outcome_message(outcome_of_error(state->error)),
			 outcome_code(outcome_of_error(state->error)));
		report->health = PRINTER_HEALTH_UNREACHABLE;
	} else if (!state->can_read) {
		/* a print queue, a plain file: nothing says otherwise */
	} else if (paper == ESCPOS_PAPER_OUT) {
		say(report, PRINTER_HEALTH_PROBLEM, "Plus de papier : remettez un rouleau");
	} else if (status->cover_open == ESCPOS_FLAG_YES) {
		say(report, PRINTER_HEALTH_PROBLEM, "Capot de l'imprimante ouvert : refermez-le");
	} else if (escpos_status_error(status) != ESCPOS_ERROR_NONE &&
		   escpos_status_error(status) != ESCPOS_ERROR_UNKNOWN) {
		say(report, PRINTER_HEALTH_PROBLEM,
		    "Imprimante en erreur : éteignez-la puis rallumez-la");
	} else if (status->offline == ESCPOS_FLAG_YES) {
		say(report, PRINTER_HEALTH_PROBLEM, "Imprimante hors ligne");
	} else if (state->reply_problem != NULL) {
		say(report, PRINTER_HEALTH_PROBLEM,
		    "L'imprimante ne répond pas aux demandes d'état : vérifiez le câble");
	} else if (paper == ESCPOS_PAPER_NEAR_END) {
		say(report, PRINTER_HEALTH_OK, "Papier bientôt épuisé");
	}
}
