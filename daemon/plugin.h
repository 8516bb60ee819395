/*
 * plugin.h - loading an index plugin: the only place that calls dlopen()
 * and dlsym().
 */
#ifndef PLUGIN_H
#define PLUGIN_H

#include "carid_plugin.h"

/*
 * Resolves spec (a name like "fts5", meaning carid_fts5.so beside the
 * carid executable, or a path containing '/'), loads it and checks its ABI.
 * Returns the plugin's table, or NULL with a message in err.  Main thread.
 */
const struct carid_plugin *plugin_load(const char *spec, char *err,
                                       size_t errlen);

#endif
