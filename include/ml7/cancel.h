/* cancel.h - cooperative cancellation (Ctrl-C).  A front end's signal handler
 * calls ml7_cancel(); long library loops poll ml7_canceled() and return
 * ML7_ECANCELED, leaving things as they are. */
#ifndef ML7_CANCEL_H
#define ML7_CANCEL_H

void ml7_cancel(void);          /* async-signal-safe */
int ml7_canceled(void);
void ml7_cancel_reset(void);

#endif
