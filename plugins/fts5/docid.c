/*
 * docid.c - see docid.h.  Day numbers use the proleptic Gregorian calendar
 * (days_from_civil, as in Howard Hinnant's date algorithms), so they are
 * consecutive across months and leap years and compare like the dates.
 */
#include "carid_plugin.h"
#include "docid.h"

/* The proleptic day number (0000-01-01 = 1) of 1900-01-01. */
#define DOCID_EPOCH INT64_C(693962)

/* 1 + days from 0000-01-01 to the date, or 0 when it is not a date. */
static int64_t
docid_civil(const char *p, size_t len)
{
    int y, m, d;
    int64_t era, yoe, doy, doe;

    if (!carid_date_parse(p, len, &y, &m, &d)) return 0;
    /* Years start in March so that the leap day is the last of the year. */
    if (m <= 2) y--;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    /* Counted from 0000-03-01, 0000-01-01 is day -60: make it day 1. */
    return era * 146097 + doe + 61;
}

int64_t
docid_day(const char *p, size_t len)
{
    int64_t day = docid_civil(p, len);

    if (day == 0) return 0;
    return day <= DOCID_EPOCH ? 1 : day - DOCID_EPOCH + 1;
}

int64_t
docid_make(int64_t day, int64_t n)
{
    return (day << DOCID_N_BITS) | (n & DOCID_N_MAX);
}

int64_t
docid_n(int64_t rowid)
{
    return rowid & DOCID_N_MAX;
}

int64_t
docid_first(int64_t day)
{
    return day << DOCID_N_BITS;
}

int64_t
docid_last(int64_t day)
{
    return (day << DOCID_N_BITS) | DOCID_N_MAX;
}
