/* cJSON's memory for one answer, from a per-thread block: see json_arena.h. */
#include "base/json_arena.h"

#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

/* /status needs about 6 KiB of nodes and strings and 2 KiB to print. */
#define ARENA_SIZE 16384
#define ARENA_ALIGN 16

static _Thread_local struct {
	_Alignas(ARENA_ALIGN) unsigned char block[ARENA_SIZE];
	size_t used;
} arena;

bool json_arena_owns(const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr, base = (uintptr_t)arena.block;

	return p >= base && p < base + ARENA_SIZE;
}

static void *arena_malloc(size_t size)
{
	size_t at = (arena.used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (size > ARENA_SIZE - at || at > ARENA_SIZE)
		return malloc(size);
	arena.used = at + size;
	return arena.block + at;
}

static void arena_free(void *ptr)
{
	/* the block is reclaimed whole by json_arena_reset */
	if (!json_arena_owns(ptr))
		free(ptr);
}

void json_arena_install(void)
{
	cJSON_Hooks hooks = {.malloc_fn = arena_malloc, .free_fn = arena_free};

	/* bench/tricks.sh's build without the arena: cJSON's own malloc */
#ifndef CASHDRAWERD_BENCH_NO_JSON_ARENA
	cJSON_InitHooks(&hooks);
#else
	(void)hooks;
#endif
}

void json_arena_reset(void)
{
	arena.used = 0;
}
