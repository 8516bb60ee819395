/*
 * cmd.c - the table of commands.  Adding a command is one entry here plus
 * its functions in the cmd_<family>.c that fits.  The same entries answer
 * COMMAND, COMMAND INFO and COMMAND DOCS (cmd_basic.c), so redis-cli's
 * hints come from here too.
 */
#include <string.h>
#include <strings.h>

#include "cmd.h"

#define OPT  CMD_ARG_OPTIONAL
#define MANY CMD_ARG_MULTIPLE

static const struct cmd_arg args_none[] = {{NULL, NULL, 0}};
static const struct cmd_arg args_ping[] = {{NULL, "message", OPT},
                                           {NULL, NULL, 0}};
static const struct cmd_arg args_one_message[] = {{NULL, "message", 0},
                                                  {NULL, NULL, 0}};
static const struct cmd_arg args_auth[] = {
    {NULL, "username", OPT}, {NULL, "password", 0}, {NULL, NULL, 0}};
static const struct cmd_arg args_hello[] = {
    {NULL, "protover [AUTH username password] [SETNAME clientname]", OPT},
    {NULL, NULL, 0}};
static const struct cmd_arg args_sub[] = {
    {NULL, "subcommand", 0}, {NULL, "arg", OPT | MANY}, {NULL, NULL, 0}};
static const struct cmd_arg args_command[] = {
    {NULL, "COUNT|DOCS|INFO|LIST [name ...]", OPT}, {NULL, NULL, 0}};
static const struct cmd_arg args_select[] = {{NULL, "index", 0},
                                             {NULL, NULL, 0}};
static const struct cmd_arg args_slowlog[] = {
    {NULL, "GET [count]|LEN|RESET", 0}, {NULL, NULL, 0}};
static const struct cmd_arg args_watch[] = {{NULL, "key", MANY},
                                            {NULL, NULL, 0}};
static const struct cmd_arg args_put[] = {
    {NULL, "id", 0}, {NULL, "field value", MANY}, {NULL, NULL, 0}};
static const struct cmd_arg args_ids[] = {{NULL, "id", MANY}, {NULL, NULL, 0}};
static const struct cmd_arg args_get[] = {
    {NULL, "id", 0}, {"COPIES", NULL, OPT}, {NULL, NULL, 0}};
static const struct cmd_arg args_name[] = {{NULL, "name", 0}, {NULL, NULL, 0}};
static const struct cmd_arg args_search[] = {
    {NULL, "query", 0},
    {"LIMIT", "offset count", OPT},
    {"SORT", "relevance|newest|oldest", OPT},
    {"SOURCE", "source", OPT},
    {"FROM", "date", OPT},
    {"TO", "date", OPT},
    {"RETURN", "n field ...", OPT},
    {"SNIPPET", "[open close]", OPT},
    {"COUNTS", "source", OPT},
    {"MATCH", "best|all", OPT},
    {"FUZZY", "on|off|show", OPT},
    {"COLLAPSE", NULL, OPT},
    {"STATS", "statistics", OPT},
    {NULL, NULL, 0}};
static const struct cmd_arg args_termstats[] = {
    {NULL, "query", 0},         {"SOURCE", "source", OPT},
    {"FROM", "date", OPT},      {"TO", "date", OPT},
    {"MATCH", "best|all", OPT}, {"FUZZY", "on|off", OPT},
    {"TOTAL", NULL, OPT},       {NULL, NULL, 0}};
static const struct cmd_arg args_count[] = {
    {NULL, "query", 0},  {"SOURCE", "source", OPT},  {"FROM", "date", OPT},
    {"TO", "date", OPT}, {"MATCH", "best|all", OPT}, {"FUZZY", "on|off", OPT},
    {NULL, NULL, 0}};
static const struct cmd_arg args_text[] = {{NULL, "text", 0}, {NULL, NULL, 0}};
static const struct cmd_arg args_suggest[] = {{NULL, "prefix", 0},
                                              {"LIMIT", "n", OPT},
                                              {"WITHCOUNTS", NULL, OPT},
                                              {NULL, NULL, 0}};
static const struct cmd_arg args_stats[] = {
    {NULL,
     "server|clients|commands|latency|index|plugin|replication|prometheus|all",
     OPT},
    {NULL, NULL, 0}};
static const struct cmd_arg args_info[] = {{NULL, "section", OPT | MANY},
                                           {NULL, NULL, 0}};
static const struct cmd_arg args_alias[] = {
    {NULL, "ADD short long|DEL short [long]|LIST [short]", 0}, {NULL, NULL, 0}};
static const struct cmd_arg args_alias_add[] = {
    {NULL, "short", 0}, {NULL, "long", 0}, {NULL, NULL, 0}};
static const struct cmd_arg args_alias_del[] = {
    {NULL, "short", 0}, {NULL, "long", OPT}, {NULL, NULL, 0}};
static const struct cmd_arg args_alias_list[] = {{NULL, "short", OPT},
                                                 {NULL, NULL, 0}};

static const struct cmd cmd_table[] = {
    {"PING", CMD_HEALTH, 1, 2, JOB_LOOP, NULL, cmd_ping_run, "connection",
     "Checks that carid answers", args_ping},
    {"ECHO", 0, 2, 2, JOB_LOOP, NULL, cmd_echo_run, "connection",
     "Returns its argument", args_one_message},
    {"QUIT", CMD_NOAUTH | CMD_TXN | CMD_CLOSES, 1, -1, JOB_LOOP, NULL,
     cmd_quit_run, "connection", "Closes the connection", args_none},
    {"AUTH", CMD_NOAUTH | CMD_NOMULTI, 2, 3, JOB_LOOP, NULL, cmd_auth_run,
     "connection", "Authenticates the connection", args_auth},
    {"HELLO", CMD_NOAUTH | CMD_NOMULTI, 1, 7, JOB_LOOP, NULL, cmd_hello_run,
     "connection", "Picks the protocol (2 or 3), authenticates, names",
     args_hello},
    {"CLIENT", CMD_NOMULTI, 2, -1, JOB_LOOP, NULL, cmd_client_run, "connection",
     "Names, lists and closes connections", args_sub},
    {"SELECT", CMD_NOMULTI, 2, 2, JOB_LOOP, NULL, cmd_select_run, "connection",
     "Accepts database 0, the only one", args_select},
    {"COMMAND", 0, 1, -1, JOB_LOOP, NULL, cmd_command_run, "server",
     "Describes carid's commands", args_command},
    {"SLOWLOG", CMD_NOMULTI, 2, 3, JOB_LOOP, NULL, cmd_slowlog_run, "server",
     "The slowest recent commands", args_slowlog},
    {"MULTI", CMD_TXN, 1, 1, JOB_LOOP, NULL, cmd_multi_run, "transactions",
     "Starts a transaction", args_none},
    {"EXEC", CMD_TXN | CMD_EXEC, 1, 1, JOB_LOOP, NULL, cmd_exec_run,
     "transactions", "Runs the queued commands, their writes all or none",
     args_none},
    {"DISCARD", CMD_TXN, 1, 1, JOB_LOOP, NULL, cmd_discard_run, "transactions",
     "Drops the queued commands", args_none},
    {"WATCH", CMD_NOMULTI, 2, -1, JOB_LOOP, NULL, cmd_watch_run, "transactions",
     "Not supported (EXEC is atomic)", args_watch},
    {"UNWATCH", CMD_NOMULTI, 1, 1, JOB_LOOP, NULL, cmd_unwatch_run,
     "transactions", "Does nothing: nothing is watched", args_none},
    {"PUT", CMD_WRITE | CMD_LAT_PUT | CMD_REPLICATED, 4, -1, JOB_WRITE,
     cmd_put_prepare, cmd_put_run, "index",
     "Stores an article (upsert), durable on +OK", args_put},
    {"DEL", CMD_WRITE | CMD_REPLICATED, 2, -1, JOB_WRITE, NULL, cmd_del_run,
     "index", "Deletes articles", args_ids},
    {"OPTIMIZE", CMD_WRITE | CMD_REPLICATED, 1, 1, JOB_WRITE, NULL,
     cmd_optimize_run, "index", "Merges the index, rebuilds the top lists",
     args_none},
    {"BACKUP", CMD_WRITE | CMD_NOMULTI, 2, 2, JOB_READ, cmd_backup_prepare,
     cmd_backup_run, "index", "Writes a consistent copy of the index",
     args_name},
    {"GET", 0, 2, 3, JOB_READ, cmd_get_prepare, cmd_get_run, "search",
     "Returns an article's fields (COPIES: and its copies' ids)", args_get},
    {"SEARCH", CMD_LAT_SEARCH, 2, -1, JOB_READ, cmd_search_prepare,
     cmd_search_run, "search", "Finds articles", args_search},
    {"COUNT", CMD_LAT_SEARCH, 2, -1, JOB_READ, cmd_count_prepare,
     cmd_search_run, "search", "Counts matching articles", args_count},
    {"TERMSTATS", 0, 2, -1, JOB_READ, cmd_termstats_prepare, cmd_search_run,
     "search", "What a query's ranking counts, for a router", args_termstats},
    {"ANALYZE", 0, 2, 2, JOB_READ, cmd_analyze_prepare, cmd_analyze_run,
     "search", "Shows tokens and stems", args_text},
    {"ALIAS", 0, 2, -1, JOB_LOOP, NULL, cmd_alias_run, "search",
     "Adds, removes and lists the forms a query word also matches", args_alias},
    {"SUGGEST", 0, 2, 5, JOB_READ, NULL, cmd_suggest_run, "search",
     "Completes a word", args_suggest},
    {"STATS", CMD_ADMIN, 1, 2, JOB_READ, cmd_stats_prepare, cmd_stats_run,
     "server", "carid's figures", args_stats},
    {"INFO", CMD_ADMIN, 1, -1, JOB_READ, NULL, cmd_info_run, "server",
     "The figures in Redis's INFO shape", args_info},
};

#define CMD_N (sizeof cmd_table / sizeof cmd_table[0])

/* Subcommands that run elsewhere than their command, or are writes when
 * it is not: ALIAS ADD and DEL go through the writer like PUT (and are
 * refused to read-only clients), ALIAS LIST is a read.  Named
 * "command|sub" as Redis names subcommands; COMMAND shows the parent. */
static const struct cmd cmd_subs[] = {
    {"ALIAS|ADD", CMD_WRITE | CMD_REPLICATED, 4, 4, JOB_WRITE, NULL,
     cmd_alias_add_run, "search", "Adds an alias, durable on the reply",
     args_alias_add},
    {"ALIAS|DEL", CMD_WRITE | CMD_REPLICATED, 3, 4, JOB_WRITE, NULL,
     cmd_alias_del_run, "search", "Removes an editor's alias entries",
     args_alias_del},
    {"ALIAS|LIST", 0, 2, 3, JOB_READ, NULL, cmd_alias_list_run, "search",
     "Lists the aliases", args_alias_list},
};

#define CMD_NSUBS (sizeof cmd_subs / sizeof cmd_subs[0])

const struct cmd *
cmd_lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < CMD_N; i++) {
        const char *n = cmd_table[i].name;

        if (strlen(n) == len && strncasecmp(n, name, len) == 0)
            return &cmd_table[i];
    }
    return NULL;
}

const struct cmd *
cmd_subcommand(const struct cmd *c, const struct resp_req *r)
{
    size_t n = strlen(c->name);

    for (size_t i = 0; r->argc >= 2 && i < CMD_NSUBS; i++) {
        const char *s = cmd_subs[i].name;

        if (strncmp(s, c->name, n) == 0 && s[n] == '|' &&
            strlen(s + n + 1) == r->argl[1] &&
            strncasecmp(s + n + 1, r->argv[1], r->argl[1]) == 0)
            return &cmd_subs[i];
    }
    return c;
}

int
cmd_count(void)
{
    return (int)CMD_N;
}

const struct cmd *
cmd_at(int i)
{
    return i >= 0 && i < (int)CMD_N ? &cmd_table[i] : NULL;
}
