/*
 * tap.h - a tiny TAP producer for unit tests: ok(), a case table, and an
 * exit status ctest understands (0 only when every check passed).
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>

static int tap_run;    /* checks made */
static int tap_failed; /* checks that failed */

static int
tap_ok(int cond, const char *file, int line, const char *what)
{
    tap_run++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - %s\n", cond ? "" : "not ", tap_run, what);
    if (!cond)
        printf("#   failed at %s:%d\n", file, line);
    return cond;
}

#define ok(cond, what) tap_ok((cond) != 0, __FILE__, __LINE__, (what))

struct tap_case {
    const char *name;
    void (*fn)(void);
};

/* Runs every case, prints the plan, returns the process exit status. */
static int
tap_main(const struct tap_case *cases)
{
    for (const struct tap_case *c = cases; c->name != NULL; c++) {
        printf("# %s\n", c->name);
        c->fn();
    }
    printf("1..%d\n", tap_run);
    printf("%d passed, %d failed\n", tap_run - tap_failed, tap_failed);
    return tap_failed == 0 ? 0 : 1;
}

#endif
