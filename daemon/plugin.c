/*
 * plugin.c - dlopen() an index plugin and check it speaks our ABI before
 * touching anything else in it (nginx ngx_add_module, Redis moduleLoad).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"

/* carid_NAME.so in the directory of the running executable. */
static int
plugin_resolve(const char *spec, char *path, size_t pathlen)
{
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;

    if (strchr(spec, '/') != NULL)
        return snprintf(path, pathlen, "%s", spec) < (int)pathlen ? 0 : -1;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL) return -1;
    *slash = '\0';
    return snprintf(path, pathlen, "%s/carid_%s.so", exe, spec) < (int)pathlen
               ? 0
               : -1;
}

const struct carid_plugin *
plugin_load(const char *spec, char *err, size_t errlen)
{
    char path[PATH_MAX];
    carid_plugin_entry_fn *entry;
    const struct carid_plugin *p;
    void *h;

    if (plugin_resolve(spec, path, sizeof path) != 0) {
        snprintf(err, errlen, "plugin %s: cannot resolve its path", spec);
        return NULL;
    }
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        snprintf(err, errlen, "plugin %s: %s", path, dlerror());
        return NULL;
    }
    *(void **)&entry = dlsym(h, CARID_PLUGIN_ENTRY);
    if (entry == NULL) {
        snprintf(err, errlen, "plugin %s: no symbol %s (not a carid plugin)",
                 path, CARID_PLUGIN_ENTRY);
        goto fail;
    }
    p = entry();
    if (p == NULL || p->abi != CARID_PLUGIN_ABI) {
        snprintf(err, errlen, "plugin %s: ABI %d, daemon speaks %d", path,
                 p == NULL ? -1 : p->abi, CARID_PLUGIN_ABI);
        goto fail;
    }
    if (p->open == NULL || p->close == NULL || p->reader_open == NULL ||
        p->reader_close == NULL || p->writer_open == NULL ||
        p->writer_close == NULL || p->begin == NULL || p->put == NULL ||
        p->del == NULL || p->commit == NULL || p->rollback == NULL ||
        p->get == NULL || p->search == NULL || p->stats == NULL) {
        snprintf(err, errlen, "plugin %s: a required function is missing",
                 path);
        goto fail;
    }
    /* The handle stays open for the life of the process, on purpose. */
    return p;
fail:
    dlclose(h);
    return NULL;
}
