/* The printer's health as a cashier's screen says it (pure): from the last
 * status check, one verdict and a French sentence, for the POS's status
 * widget (the hardware proxy's status_json) and anyone else who needs one
 * word. */
#ifndef CASHDRAWERD_DRAWER_HEALTH_H
#define CASHDRAWERD_DRAWER_HEALTH_H

#include "drawer/drawer.h"

enum printer_health {
	PRINTER_HEALTH_UNKNOWN,     /* never checked yet */
	PRINTER_HEALTH_OK,          /* answered and fine, or a queue that cannot tell */
	PRINTER_HEALTH_PROBLEM,     /* reached, but it cannot print: paper, cover, error */
	PRINTER_HEALTH_UNREACHABLE, /* the check could not reach it */
};

struct printer_health_report {
	enum printer_health health;
	/* French, for the cashier: empty when there is nothing to say */
	char message[192];
};

void printer_health_of(const struct drawer_printer_state *state,
		       struct printer_health_report *report);

#endif
