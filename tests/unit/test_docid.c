/*
 * test_docid.c - rowids that sort by date: every calendar day from
 * 1900-01-01 to 9999-12-31 is exactly one more than the day before (earlier
 * dates are day 1), and a rowid orders by date first, arrival second.
 */
#include <stdio.h>
#include <string.h>

#include "docid.h"
#include "tap.h"

static int
test_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

static int64_t
test_day(const char *s)
{
    return docid_day(s, strlen(s));
}

static void
test_consecutive(void)
{
    char s[40];
    int y, m, d, bad = 0;
    int64_t prev = 0, day;

    for (y = 1900; y <= 9999; y++)
        for (m = 1; m <= 12; m++)
            for (d = 1; d <= test_month_days(y, m); d++) {
                snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
                day = test_day(s);
                if (day != prev + 1 && bad++ < 5)
                    printf("# %s is day %lld after %lld\n", s, (long long)day,
                           (long long)prev);
                prev = day;
            }
    ok(bad == 0, "each day is the one before plus 1, 1900 to 9999");
    ok(test_day("1900-01-01") == 1, "1900-01-01 is day 1");
    ok(test_day("1899-12-31") == 1 && test_day("0000-01-01") == 1,
       "earlier dates are day 1 too");
    ok(test_day("1970-01-01") == 25568, "1970-01-01 is day 25568");
    ok(test_day("2024-02-31") == 0 && test_day("2023-02-29") == 0 &&
           test_day("2024-04-31") == 0,
       "no day 31 in a short month, no 29 February out of leap years "
       "(carid_date_parse, the one date parser)");
    ok(test_day("2024-02-29") - test_day("2024-02-28") == 1 &&
           test_day("2024-03-01") - test_day("2024-02-29") == 1,
       "a leap day is a day");
    ok(docid_make(test_day("2059-12-31"), DOCID_N_MAX) < (INT64_C(1) << 42),
       "rowids until 2059 fit in 42 bits: a 6-byte varint");
}

static void
test_absent(void)
{
    ok(docid_day(NULL, 0) == 0, "no date: day 0");
    ok(test_day("") == 0, "empty: day 0");
    ok(test_day("2024-1-05") == 0, "wrong shape: day 0");
    ok(test_day("2024-13-01") == 0, "month 13: day 0");
    ok(test_day("2024-01-0x") == 0, "not digits: day 0");
    ok(docid_day("2024-01-05xyz", 10) == test_day("2024-01-05"),
       "only len bytes are read");
}

static void
test_order(void)
{
    int64_t a = test_day("2023-09-01"), b = test_day("2023-09-02");

    ok(docid_make(a, 999) < docid_make(b, 1), "a later date sorts after");
    ok(docid_make(a, 1) < docid_make(a, 2), "same date: later arrival after");
    ok(docid_make(0, DOCID_N_MAX) < docid_first(1),
       "undated articles sort before every date");
    ok(docid_first(a) < docid_make(a, 1) &&
           docid_make(a, DOCID_N_MAX) == docid_last(a) &&
           docid_last(a) < docid_first(b),
       "first/last bound exactly one day");
    ok(docid_n(docid_make(a, 12345)) == 12345, "docid_n gives n back");
    ok(docid_make(test_day("9999-12-31"), DOCID_N_MAX) > 0,
       "the largest rowid is positive");
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"consecutive days", test_consecutive},
        {"absent or malformed dates", test_absent},
        {"rowid order", test_order},
        {NULL, NULL},
    };

    return tap_main(cases);
}
