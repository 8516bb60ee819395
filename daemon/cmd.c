/*
 * cmd.c - the table of commands.  Adding a command is one line here plus
 * its functions in the cmd_<family>.c that fits.
 */
#include <string.h>
#include <strings.h>

#include "cmd.h"

static const struct cmd cmd_table[] = {
    {"PING", CMD_NOAUTH, 1, 2, JOB_LOOP, NULL, cmd_ping_run},
    {"ECHO", 0, 2, 2, JOB_LOOP, NULL, cmd_echo_run},
    {"QUIT", CMD_NOAUTH | CMD_TXN, 1, -1, JOB_LOOP, NULL, cmd_quit_run},
    {"AUTH", CMD_NOAUTH | CMD_NOMULTI, 2, 3, JOB_LOOP, NULL, cmd_auth_run},
    {"COMMAND", 0, 1, -1, JOB_LOOP, NULL, cmd_command_run},
    {"SLOWLOG", CMD_NOMULTI, 2, 3, JOB_LOOP, NULL, cmd_slowlog_run},
    {"MULTI", CMD_TXN, 1, 1, JOB_LOOP, NULL, cmd_multi_run},
    {"EXEC", CMD_TXN, 1, 1, JOB_LOOP, NULL, cmd_exec_run},
    {"DISCARD", CMD_TXN, 1, 1, JOB_LOOP, NULL, cmd_discard_run},
    {"WATCH", CMD_NOMULTI, 2, -1, JOB_LOOP, NULL, cmd_watch_run},
    {"UNWATCH", CMD_NOMULTI, 1, 1, JOB_LOOP, NULL, cmd_unwatch_run},
    {"PUT", CMD_WRITE, 4, -1, JOB_WRITE, cmd_put_prepare, cmd_put_run},
    {"DEL", CMD_WRITE, 2, -1, JOB_WRITE, NULL, cmd_del_run},
    {"OPTIMIZE", CMD_WRITE, 1, 1, JOB_WRITE, NULL, cmd_optimize_run},
    {"BACKUP", CMD_WRITE | CMD_NOMULTI, 2, 2, JOB_READ, cmd_backup_prepare, cmd_backup_run},
    {"GET", 0, 2, 2, JOB_READ, NULL, cmd_get_run},
    {"SEARCH", 0, 2, -1, JOB_READ, cmd_search_prepare, cmd_search_run},
    {"COUNT", 0, 2, -1, JOB_READ, cmd_count_prepare, cmd_search_run},
    {"ANALYZE", 0, 2, 2, JOB_READ, NULL, cmd_analyze_run},
    {"SUGGEST", 0, 2, 4, JOB_READ, NULL, cmd_suggest_run},
    {"STATS", 0, 1, 2, JOB_READ, cmd_stats_prepare, cmd_stats_run},
    {"INFO", 0, 1, 2, JOB_READ, cmd_stats_prepare, cmd_info_run},
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
