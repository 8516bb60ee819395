/*
 * route.h - carid --route SHARDS: a router with no index of its own, made
 * a plugin (carid_plugin.h) so that the daemon's protocol, threads,
 * limits, deadlines and AUTH serve it unchanged.  Its search asks every
 * shard for the query's statistics (TERMSTATS), sums them, asks the shards
 * that can contribute for their top hits ranked with those sums (SEARCH
 * ... STATS), and merges them: the same ids and scores as one node holding
 * every article.  PUT goes to the shard of the article's date; GET, DEL
 * and OPTIMIZE to every shard.  daemon/ROUTE.md has the whole contract.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include "carid_plugin.h"

/* The router's plugin table; its open() reads server.cfg.route. */
const struct carid_plugin *route_plugin(void);

#endif
