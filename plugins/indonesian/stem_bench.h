/*
 * stem_bench.h - carid-stem's text splitter and benchmark (stem_bench.c);
 * not part of the carid_text library.
 */
#ifndef STEM_BENCH_H
#define STEM_BENCH_H

/*
 * Times carid (cached, uncached) and Snowball over the title and body words
 * of a JSON-lines file and prints words/s, medians and ratios to stdout.
 * Returns the process exit status.
 */
int stem_bench_run(const char *path);

#endif
