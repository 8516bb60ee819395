/*
 * web_assets.h - the search page's files (daemon/web/), built into the
 * binary by daemon/web/embed.cmake: nothing is read from disk or a CDN.
 */
#ifndef WEB_ASSETS_H
#define WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *path; /* as requested: "/", "/app.js" */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t len;
};

/* The files; the table ends with a NULL path. */
extern const struct web_asset web_assets[];

#endif
