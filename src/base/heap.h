/* The allocator's memory policy (glibc; nothing elsewhere): one arena for
 * every thread, and the free memory given back to the system once a burst of
 * connections is over (bench/RESULTS.md, HTTPS: memory). */
#ifndef CASHDRAWERD_HEAP_H
#define CASHDRAWERD_HEAP_H

/* Before the threads start. */
void heap_limit_arenas(void);

/* Returns the free pages of the heap to the system. */
void heap_give_back(void);

#endif
