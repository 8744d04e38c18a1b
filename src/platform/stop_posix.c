/* Stop requests on POSIX: SIGINT and SIGTERM, taken with sigwait by the main
 * thread only. */
#include "platform/stop.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static sigset_t stop_signals;

void platform_stop_prepare(void)
{
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void platform_stop_wait(char *reason, size_t size)
{
	int signal_number = 0;

	while (sigwait(&stop_signals, &signal_number) != 0)
		;
	snprintf(reason, size, "%s", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
}
