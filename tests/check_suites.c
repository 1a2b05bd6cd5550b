/* check_suites.c - what the Suite constructors share. */
#include "config.h"

#include "check_suites.h"

TCase *suite_add_tests(Suite *s, const char *name, int timeout, const TTest *const tests[], size_t n)
{
	TCase *tc = tcase_create(name);

	if (timeout > 0)
		tcase_set_timeout(tc, timeout);
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return tc;
}
