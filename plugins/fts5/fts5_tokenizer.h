/*
 * fts5_tokenizer.h - the 'indonesian' tokenizer (plugins/indonesian/
 * tokenizer.h) registered with FTS5.  Calls no sqlite3_* function: it only
 * fills in an fts5_tokenizer and calls the fts5_api it is given, so the same
 * object serves the plugin (linked to libsqlite3) and the sqlite3 extension
 * indonesian.so (sqlite3_api).
 */
#ifndef FTS5_TOKENIZER_H
#define FTS5_TOKENIZER_H

struct fts5_api;
struct tokens_replay;

/*
 * Registers the FTS5 tokenizer 'indonesian' (arguments: none, "nostem",
 * "stopwords" or both; "stopwords" drops the words stem_is_stopword() knows
 * from the index, an evaluation switch the daemon never uses) with api,
 * obtained on the connection with SELECT fts5(?1).  Must be done on every
 * connection that reads or writes a table using it.  Returns an SQLite
 * result code.  Any thread; the connection's own.
 */
int tokenizer_register(struct fts5_api *api);
/* The same, for a connection whose tokenizer replays what replay points
 * to when it is asked for exactly that text (tokens.h); the writer's. */
int tokenizer_register_replay(struct fts5_api *api,
                              struct tokens_replay *replay);

#endif
