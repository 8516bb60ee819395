/*
 * test_module.h - what the unit tests that dlopen carid_fts5.so share: the
 * module named by argv[1] or $CARID_FTS5_MODULE, checked for this ABI, a
 * fresh scratch directory, a quiet host and borrowed strings.  Header-only,
 * like test_fts5.h.
 */
#ifndef TEST_MODULE_H
#define TEST_MODULE_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carid_plugin.h"

/* The plugin logs nothing the tests check. */
static void test_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
test_log(int level, const char *fmt, ...)
{
    (void)level;
    (void)fmt;
}

static const struct carid_host test_host = {CARID_PLUGIN_ABI, test_log,
                                            "mmap_mb=64,cache_mb=4"};

static struct carid_str
test_str(const char *s)
{
    struct carid_str v = {s, s != NULL ? strlen(s) : 0};

    return v;
}

/*
 * Loads the plugin into *out and makes dir (a mkdtemp() template) a new
 * directory.  Returns -1 to go on, else the exit code main() returns
 * (0: skipped, no module named; 1: bailed out), the TAP line printed.
 */
static int
test_module_open(int argc, char **argv, const struct carid_plugin **out,
                 char *dir)
{
    const char *path = argc > 1 ? argv[1] : getenv("CARID_FTS5_MODULE");
    carid_plugin_entry_fn *entry;
    void *h;

    if (path == NULL) {
        printf("1..0 # SKIP set CARID_FTS5_MODULE to carid_fts5.so\n");
        return 0;
    }
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        printf("Bail out! %s\n", dlerror());
        return 1;
    }
    *(void **)&entry = dlsym(h, CARID_PLUGIN_ENTRY);
    if (entry == NULL || (*out = entry()) == NULL ||
        (*out)->abi != CARID_PLUGIN_ABI) {
        printf("Bail out! %s: no carid plugin of ABI %d\n", path,
               CARID_PLUGIN_ABI);
        return 1;
    }
    if (mkdtemp(dir) == NULL) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    return -1;
}

#endif
