/* The JSON arena: cJSON's nodes for one answer from the thread's block,
 * malloc beyond it, the block reused after a reset, one block per thread. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "base/json_arena.h"

static int setup(void **state)
{
	(void)state;
	json_arena_install();
	json_arena_reset();
	return 0;
}

static void test_a_tree_lives_in_the_arena_and_prints_as_with_malloc(void **state)
{
	cJSON *body = cJSON_CreateObject();
	char *text;

	(void)state;
	cJSON_AddStringToObject(body, "status", "running");
	cJSON_AddStringToObject(body, "message", "Service actif \"é\"\n");
	cJSON_AddRawToObject(body, "uptime_s", "42");
	cJSON_AddNullToObject(body, "error");
	text = cJSON_PrintUnformatted(body);
	assert_true(json_arena_owns(body));
	assert_true(json_arena_owns(body->child));
	assert_true(json_arena_owns(text));
	assert_string_equal(text, "{\"status\":\"running\",\"message\":\"Service actif \\\"é\\\"\\n\","
				  "\"uptime_s\":42,\"error\":null}");
	cJSON_free(text);
	cJSON_Delete(body);
	json_arena_reset();
}

static void test_beyond_the_block_memory_comes_from_malloc_and_is_freed(void **state)
{
	static const char item[] = "a string long enough to fill the block";
	cJSON *array = cJSON_CreateArray();
	cJSON *last = NULL;
	char *text;

	(void)state;
	/* far more than the block holds: the later nodes are malloc'd (ASan
	 * and LeakSanitizer check that cJSON_Delete frees those, and only those) */
	for (int i = 0; i < 2000; i++) {
		last = cJSON_CreateString(item);
		cJSON_AddItemToArray(array, last);
	}
	assert_true(json_arena_owns(array));
	assert_false(json_arena_owns(last));
	text = cJSON_PrintUnformatted(array);
	assert_non_null(text);
	/* [ "item" , ... ] */
	assert_int_equal(strlen(text), 2 + 2000 * (sizeof item - 1 + 2) + 1999);
	cJSON_free(text);
	cJSON_Delete(array);
	json_arena_reset();
}

static void test_after_a_reset_the_block_is_used_again(void **state)
{
	cJSON *first, *second;

	(void)state;
	first = cJSON_CreateObject();
	cJSON_Delete(first);
	json_arena_reset();
	second = cJSON_CreateObject();
	assert_ptr_equal(first, second);
	cJSON_Delete(second);
	json_arena_reset();
}

static void *create_object(void *arg)
{
	(void)arg;
	return cJSON_CreateObject();
}

static void test_each_thread_has_its_own_block(void **state)
{
	pthread_t thread;
	void *other;

	(void)state;
	assert_int_equal(pthread_create(&thread, NULL, create_object, NULL), 0);
	assert_int_equal(pthread_join(thread, &other), 0);
	assert_non_null(other);
	assert_false(json_arena_owns(other));
	/* the other thread's block is gone with it: its node must not be freed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_tree_lives_in_the_arena_and_prints_as_with_malloc, setup),
		cmocka_unit_test_setup(test_beyond_the_block_memory_comes_from_malloc_and_is_freed, setup),
		cmocka_unit_test_setup(test_after_a_reset_the_block_is_used_again, setup),
		cmocka_unit_test_setup(test_each_thread_has_its_own_block, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
