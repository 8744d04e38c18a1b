/* cJSON's memory for one answer, taken from a block of the calling thread
 * instead of one malloc per node: /status builds some sixty nodes. Worth
 * 61 % of a /status's instructions (bench/tricks.sh, bench/RESULTS.md). */
#ifndef CASHDRAWERD_JSON_ARENA_H
#define CASHDRAWERD_JSON_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Routes cJSON's allocations through the arena; once, before any thread
 * uses cJSON. Memory beyond a thread's block comes from malloc as before. */
void json_arena_install(void);

/* Forgets every allocation the calling thread made in its block: call only
 * when none of them is used any more (the answer's tree deleted, its text
 * copied). */
void json_arena_reset(void);

/* Whether ptr lies in the calling thread's block (for the tests). */
bool json_arena_owns(const void *ptr);

#endif
