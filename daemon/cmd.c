/*
 * cmd.c - the table of commands.  Adding a command is one line here plus
 * its functions in the cmd_<family>.c that fits.
 */
#include <string.h>
#include <strings.h>

#include "cmd.h"

static const struct cmd cmd_table[] = {
    {"PING", 1, 2, JOB_LOOP, NULL, cmd_ping_run},
    {"ECHO", 2, 2, JOB_LOOP, NULL, cmd_echo_run},
    {"QUIT", 1, -1, JOB_LOOP, NULL, cmd_quit_run},
    {"COMMAND", 1, -1, JOB_LOOP, NULL, cmd_command_run},
    {"PUT", 4, -1, JOB_WRITE, cmd_put_prepare, cmd_put_run},
    {"DEL", 2, -1, JOB_WRITE, NULL, cmd_del_run},
    {"OPTIMIZE", 1, 1, JOB_WRITE, NULL, cmd_optimize_run},
    {"GET", 2, 2, JOB_READ, NULL, cmd_get_run},
    {"SEARCH", 2, -1, JOB_READ, cmd_search_prepare, cmd_search_run},
    {"COUNT", 2, -1, JOB_READ, cmd_count_prepare, cmd_search_run},
    {"ANALYZE", 2, 2, JOB_READ, NULL, cmd_analyze_run},
    {"STATS", 1, 2, JOB_READ, cmd_stats_prepare, cmd_stats_run},
    {"INFO", 1, 2, JOB_READ, cmd_stats_prepare, cmd_info_run},
};

const struct cmd *
cmd_lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++) {
        const char *n = cmd_table[i].name;

        if (strlen(n) == len && strncasecmp(n, name, len) == 0)
            return &cmd_table[i];
    }
    return NULL;
}
