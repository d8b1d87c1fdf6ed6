/* cancel.c - the Ctrl-C flag. */
#include <signal.h>

#include "ml7/cancel.h"

static volatile sig_atomic_t canceled;

void ml7_cancel(void)
{
	canceled = 1;
}

int ml7_canceled(void)
{
	return canceled != 0;
}

void ml7_cancel_reset(void)
{
	canceled = 0;
}
