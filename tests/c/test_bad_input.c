/* Bad input through the C API: every call returns a typed status naming
 * what and where, writes nothing on failure, and never crashes. Run under
 * AddressSanitizer/UBSan and valgrind by scripts/test-c.sh. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

/* A sentinel pattern: outputs must keep it after a failed call. */
#define SENTINEL 0xA5

static int untouched(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != SENTINEL) return 0;
    }
    return 1;
}

static int message_contains(const char *needle) { return strstr(last_message(), needle) != NULL; }

static size_t last_index(void) {
    size_t i = (size_t)-1;
    if (!nps_last_error_index(&i)) return (size_t)-2;
    return i;
}

static void null_pointers(void) {
    static const uint8_t scores[3] = {9, 10, 0};
    NpsTally t, a;
    NpsWeightedTally w;
    NpsInterval ci;
    NpsTestResult r;
    NpsGrouped *g = NULL;
    double d;
    uint64_t n;
    case_begin("NULL data pointer with len > 0 is NPS_STATUS_NULL_POINTER");
    memset(&t, SENTINEL, sizeof t);
    CHECK_STATUS(nps_tally_from_u8(NULL, 3, NPS_INVALID_POLICY_RAISE, &t, NULL),
                 NPS_STATUS_NULL_POINTER);
    CHECK(untouched(&t, sizeof t));
    CHECK(message_contains("scores"));
    CHECK_STATUS(nps_tally_from_f64(NULL, 1, NPS_INVALID_POLICY_SKIP, &t, NULL),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_from_i64(NULL, 1, NPS_INVALID_POLICY_SKIP, &t, NULL),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_from_counts(NULL, 11, &t), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_weighted_tally_from_f64(NULL, NULL, 2, NPS_INVALID_POLICY_RAISE, &w, NULL),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_group_by_u8(NULL, 2, NULL, &g), NPS_STATUS_NULL_POINTER);
    CHECK(g == NULL);
    CHECK_STATUS(nps_goal_track(NULL, 2, 50, 3, NULL, NULL, NULL, 0), NPS_STATUS_NULL_POINTER);
    CHECK(untouched(&t, sizeof t));
    case_end();

    case_begin("NULL out-pointers and NULL inputs");
    CHECK_STATUS(nps_tally_from_u8(scores, 3, NPS_INVALID_POLICY_RAISE, NULL, NULL),
                 NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("out"));
    CHECK_STATUS(nps_tally_from_categories(1, 2, 3, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_from_categories(1, 2, 3, &a), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_nps(&a, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_nps(NULL, &d), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("tally"));
    CHECK_STATUS(nps_tally_shares(NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_mean(NULL, &d), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_variance(NULL, &d), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_se(NULL, &d), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_margin(NULL, 0.95, &d), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_interval(NULL, NULL, &ci), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_interval(&a, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_tally_merge(&a, NULL, &t), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("`b`"));
    CHECK_STATUS(nps_tally_n(NULL, &n), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_test_benchmark(NULL, 0, NULL, &r), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_compare(&a, NULL, NULL, &r), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_compare(&a, &a, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_weighted_tally_nps(NULL, &d), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_weighted_compare(NULL, NULL, NULL, &r), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_sample_size(5, 0.5, 0.2, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_z_value(0.95, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_scale_classify(NULL, 5, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_group_by_u8(scores, 3, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_grouped_info(NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_grouped_total(NULL, &t), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_grouped_rolling(NULL, 2, &g), NPS_STATUS_NULL_POINTER);
    CHECK(g == NULL);
    CHECK_U64("len of NULL handle", nps_grouped_len(NULL), 0);
    CHECK(nps_last_error_index(NULL) == false); /* no index: fine with NULL */
    case_end();
}

static void empty_arrays(void) {
    NpsTally t;
    NpsGrouped *g = NULL;
    NpsWeightedTally w;
    uint64_t skipped = 99, n = 99;
    double v = 123.0;
    NpsInterval ci;
    case_begin("NULL with len 0 is an empty array; its statistics are no data");
    CHECK_STATUS(nps_tally_from_u8(NULL, 0, NPS_INVALID_POLICY_RAISE, &t, &skipped),
                 NPS_STATUS_OK);
    CHECK_U64("skipped", skipped, 0);
    CHECK_STATUS(nps_tally_n(&t, &n), NPS_STATUS_OK);
    CHECK_U64("n", n, 0);
    CHECK(t.has_counts);
    CHECK_STATUS(nps_tally_nps(&t, &v), NPS_STATUS_NO_DATA);
    CHECK(v == 123.0); /* never NaN, never 0: untouched */
    CHECK(message_contains("no data"));
    CHECK_STATUS(nps_tally_mean(&t, &v), NPS_STATUS_NO_DATA);
    CHECK_STATUS(nps_tally_se(&t, &v), NPS_STATUS_NO_DATA);
    CHECK_STATUS(nps_tally_interval(&t, NULL, &ci), NPS_STATUS_NO_DATA);
    CHECK(v == 123.0);
    CHECK_STATUS(nps_tally_from_f64(NULL, 0, NPS_INVALID_POLICY_SKIP, &t, NULL), NPS_STATUS_OK);
    CHECK_STATUS(nps_weighted_tally_from_f64(NULL, NULL, 0, NPS_INVALID_POLICY_RAISE, &w, NULL),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_weighted_tally_nps(&w, &v), NPS_STATUS_NO_DATA);
    CHECK_STATUS(nps_group_by_f64(NULL, 0, NULL, &g), NPS_STATUS_OK);
    CHECK(g != NULL);
    CHECK_U64("groups of nothing", nps_grouped_len(g), 0);
    CHECK_STATUS(nps_grouped_total(g, &t), NPS_STATUS_OK);
    CHECK_U64("total n", t.detractors + t.passives + t.promoters, 0);
    nps_grouped_free(g);
    CHECK_STATUS(nps_goal_track(NULL, 0, 50, 3, NULL, NULL, NULL, 0), NPS_STATUS_NULL_POINTER);
    case_end();
}

static void invalid_scores(void) {
    static const uint8_t u8s[5] = {9, 10, 11, 3, 200};
    static const int64_t i64s[3] = {5, 7, -1};
    double f64s[4];
    NpsTally t;
    uint64_t skipped = 0;
    double value = 0;
    f64s[0] = 1.0;
    f64s[1] = NAN;
    f64s[2] = 6.5;
    f64s[3] = 10.0;

    case_begin("invalid scores name the first row and its value");
    memset(&t, SENTINEL, sizeof t);
    CHECK_STATUS(nps_tally_from_u8(u8s, 5, NPS_INVALID_POLICY_RAISE, &t, &skipped),
                 NPS_STATUS_INVALID_SCORE);
    CHECK(untouched(&t, sizeof t));
    CHECK_U64("index", last_index(), 2);
    CHECK(nps_last_error_value(&value) && value == 11.0);
    CHECK_U64("status", nps_last_error_status(), NPS_STATUS_INVALID_SCORE);
    CHECK(message_contains("row 2"));
    CHECK_STATUS(nps_tally_from_i64(i64s, 3, NPS_INVALID_POLICY_RAISE, &t, NULL),
                 NPS_STATUS_INVALID_SCORE);
    CHECK_U64("index", last_index(), 2);
    CHECK(nps_last_error_value(&value) && value == -1.0);
    CHECK_STATUS(nps_tally_from_f64(f64s, 4, NPS_INVALID_POLICY_RAISE, &t, NULL),
                 NPS_STATUS_INVALID_SCORE);
    CHECK_U64("index", last_index(), 1);
    CHECK(nps_last_error_value(&value) && isnan(value));
    case_end();

    case_begin("skip policy drops and counts invalid scores");
    CHECK_STATUS(nps_tally_from_u8(u8s, 5, NPS_INVALID_POLICY_SKIP, &t, &skipped), NPS_STATUS_OK);
    CHECK_U64("skipped", skipped, 2);
    CHECK_U64("promoters", t.promoters, 2);
    CHECK_U64("detractors", t.detractors, 1);
    CHECK_STATUS(nps_tally_from_f64(f64s, 4, NPS_INVALID_POLICY_SKIP, &t, &skipped), NPS_STATUS_OK);
    CHECK_U64("skipped", skipped, 2);
    CHECK_U64("n", t.detractors + t.passives + t.promoters, 2);
    /* After a success the last error is cleared. */
    CHECK_U64("status after success", nps_last_error_status(), NPS_STATUS_OK);
    CHECK_U64("message after success", nps_last_error_message(NULL, 0), 0);
    CHECK(!nps_last_error_index(NULL));
    CHECK(!nps_last_error_value(NULL));
    case_end();
}

static void invalid_arguments(void) {
    NpsTally t, big, empty = nps_tally_empty();
    NpsWeightedTally w;
    NpsInterval ci;
    NpsTestResult r;
    NpsIntervalOptions io = nps_interval_options_default();
    NpsTestOptions to = nps_test_options_default();
    NpsScale gap;
    double d = 7.0, weights[3] = {1.0, -2.0, 1.0}, scores[3] = {9, 9, 9};
    uint64_t counts[11] = {0}, n = 0;
    uint32_t category = 99;
    static const uint8_t some[3] = {1, 2, 3};

    case_begin("unknown enum values are NPS_STATUS_INVALID_ARGUMENT");
    CHECK_STATUS(nps_tally_from_u8(some, 3, 7, &t, NULL), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("NpsInvalidPolicy"));
    CHECK_STATUS(nps_tally_from_categories(1, 2, 3, &t), NPS_STATUS_OK);
    io.method = 9;
    CHECK_STATUS(nps_tally_interval(&t, &io, &ci), NPS_STATUS_INVALID_ARGUMENT);
    io = nps_interval_options_default();
    io.method = NPS_INTERVAL_METHOD_BAYES;
    io.credible = 4;
    CHECK_STATUS(nps_tally_interval(&t, &io, &ci), NPS_STATUS_INVALID_ARGUMENT);
    to.alternative = 5;
    CHECK_STATUS(nps_test_benchmark(&t, 0, &to, &r), NPS_STATUS_INVALID_ARGUMENT);
    to = nps_test_options_default();
    to.method = NPS_INTERVAL_METHOD_SCORE; /* not a test method */
    CHECK_STATUS(nps_compare(&t, &t, &to, &r), NPS_STATUS_INVALID_ARGUMENT);
    {
        /* compare_many: NULL arrays with pairs, an unknown adjustment, a
         * bad pair named by its index; an empty family needs no arrays. */
        NpsTally pa[2], pb[2];
        NpsAdjustedComparison out[2];
        NpsCompareManyOptions mo = nps_compare_many_options_default();
        size_t at = 99;
        pa[0] = t;
        pa[1] = t;
        pb[0] = t;
        pb[1] = t;
        CHECK_STATUS(nps_compare_many(NULL, NULL, 0, NULL, NULL), NPS_STATUS_OK);
        CHECK_STATUS(nps_compare_many(NULL, pb, 2, NULL, out), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_compare_many(pa, pb, 2, NULL, NULL), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_weighted_compare_many(NULL, NULL, 1, NULL, NULL), NPS_STATUS_NULL_POINTER);
        mo.adjust = 3;
        CHECK_STATUS(nps_compare_many(pa, pb, 2, &mo, out), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(message_contains("adjust"));
        mo = nps_compare_many_options_default();
        mo.test.confidence = 1.5;
        CHECK_STATUS(nps_compare_many(pa, pb, 2, &mo, out), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(message_contains("confidence"));
        memset(&pb[1], 0, sizeof pb[1]);
        pb[1].has_counts = true; /* counts of 0/0/0 but 1 promoter: inconsistent */
        pb[1].promoters = 1;
        CHECK_STATUS(nps_compare_many(pa, pb, 2, NULL, out), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(nps_last_error_index(&at) && at == 1);
        CHECK(message_contains("pair #1"));
        memset(&pb[1], 0, sizeof pb[1]);
        CHECK_STATUS(nps_compare_many(pa, pb, 2, NULL, out), NPS_STATUS_NO_DATA);
        CHECK(nps_last_error_index(&at) && at == 1);
    }
    CHECK_STR("unknown status name", nps_status_name(12345), "unknown");
    CHECK_STR("unknown method name", nps_interval_method_name(77), "unknown");
    CHECK_STR("unknown category name", nps_category_name(3), "unknown");
    case_end();

    case_begin("out-of-domain numbers");
    io = nps_interval_options_default();
    io.confidence = 1.5;
    CHECK_STATUS(nps_tally_interval(&t, &io, &ci), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("confidence"));
    io.confidence = NAN;
    CHECK_STATUS(nps_tally_interval(&t, &io, &ci), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_tally_margin(&t, 0.0, &d), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(d == 7.0);
    CHECK_STATUS(nps_test_benchmark(&t, 101.0, NULL, &r), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("benchmark"));
    CHECK_STATUS(nps_z_value(-0.1, &d), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_sample_size(0, 0.5, 0.2, NULL, &n), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_sample_size(5, 1.0, 0.0, NULL, &n), NPS_STATUS_DEGENERATE);
    CHECK_STATUS(nps_goal_track(&t, 1, 65, 0, NULL, NULL, NULL, 0), NPS_STATUS_NULL_POINTER);
    case_end();

    case_begin("structs that break their invariants are rejected");
    t.passives += 1; /* categories no longer the sums of the counts */
    CHECK_STATUS(nps_tally_from_counts(counts, 11, &t), NPS_STATUS_OK);
    t.promoters = 5;
    CHECK_STATUS(nps_tally_nps(&t, &d), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("inconsistent"));
    memset(&w, 0, sizeof w);
    w.counts[9] = 1;
    w.weights[9] = NAN;
    w.weights_sq[9] = 1;
    /* nps-core's WeightedTally::validate: a NaN sum is an invalid weight
     * naming its score (issue 10, 5). */
    CHECK_STATUS(nps_weighted_tally_nps(&w, &d), NPS_STATUS_INVALID_WEIGHT);
    CHECK_U64("score", last_index(), 9);
    w.weights[9] = 2; /* squared sum 1 < 2^2 / 1: not what one weight gives */
    CHECK_STATUS(nps_weighted_tally_nps(&w, &d), NPS_STATUS_INVALID_VALUE);
    CHECK(message_contains("weights"));
    CHECK_U64("score", last_index(), 9);
    gap = nps_scale_standard();
    gap.promoters.low = 10; /* 9 is in no range */
    CHECK_STATUS(nps_scale_classify(&gap, 5, &category), NPS_STATUS_INVALID_SCALE);
    CHECK_U64("category untouched", category, 99);
    CHECK_STATUS(nps_scale_classify(NULL, 11, &category), NPS_STATUS_INVALID_SCORE);
    CHECK_STATUS(nps_scale_classify(NULL, -1, &category), NPS_STATUS_INVALID_SCORE);
    case_end();

    case_begin("lengths, weights, overflow, degenerate samples");
    CHECK_STATUS(nps_tally_from_counts(counts, 10, &t), NPS_STATUS_LENGTH_MISMATCH);
    CHECK(message_contains("11"));
    CHECK_STATUS(nps_weighted_tally_from_f64(scores, weights, 3, NPS_INVALID_POLICY_SKIP, &w, NULL),
                 NPS_STATUS_INVALID_WEIGHT);
    CHECK_U64("weight row", last_index(), 1);
    CHECK(nps_last_error_value(&d) && d == -2.0);
    CHECK_STATUS(nps_tally_from_categories(UINT64_MAX, 1, 0, &big), NPS_STATUS_OVERFLOW);
    CHECK_STATUS(nps_tally_from_categories(UINT64_MAX - 1, 0, 0, &big), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_merge(&big, &big, &t), NPS_STATUS_OVERFLOW);
    CHECK_STATUS(nps_tally_merge(&big, &empty, &t), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_from_categories(0, 0, 30, &t), NPS_STATUS_OK);
    to = nps_test_options_default();
    to.method = NPS_TEST_METHOD_WALD;
    CHECK_STATUS(nps_test_benchmark(&t, 50, &to, &r), NPS_STATUS_DEGENERATE);
    CHECK_STATUS(nps_test_benchmark(&t, 50, NULL, &r), NPS_STATUS_OK); /* adjusted Wald */
    /* A length whose byte size cannot exist is rejected before any read. */
    CHECK_STATUS(nps_tally_from_f64(scores, SIZE_MAX / 2, NPS_INVALID_POLICY_RAISE, &t, NULL),
                 NPS_STATUS_INVALID_ARGUMENT);
    case_end();
}

static void text_and_buffers(void) {
    static const uint8_t scores[4] = {10, 0, 9, 7};
    static const int64_t ts[4] = {0, 86400, 86400 * 40, 86400 * 80};
    char buf[64], tiny[4];
    size_t len = 0, full;
    double needed = 0;
    NpsGroupOptions o;
    NpsGrouped *g = NULL;
    NpsGroup grp;
    const char *bad_keys[4];
    const char *null_key[4];

    case_begin("invalid UTF-8 and unknown time zones");
    memset(&o, 0, sizeof o);
    o.timestamps = ts;
    o.period = NPS_PERIOD_MONTH;
    o.tz = "\xff\xfe";
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_INVALID_UTF8);
    CHECK(g == NULL);
    CHECK(message_contains("tz"));
    o.tz = "Mars/Olympus";
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_UNKNOWN_TIME_ZONE);
    CHECK(message_contains("Mars/Olympus"));
    CHECK(g == NULL);
    o.tz = "";
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_UNKNOWN_TIME_ZONE);
    bad_keys[0] = "north";
    bad_keys[1] = "so\xc3uth"; /* truncated 2-byte sequence */
    bad_keys[2] = "east";
    bad_keys[3] = "west";
    memset(&o, 0, sizeof o);
    o.keys_str = bad_keys;
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_INVALID_UTF8);
    CHECK_U64("row of bad key", last_index(), 1);
    memcpy(null_key, bad_keys, sizeof null_key);
    null_key[1] = "south";
    null_key[2] = NULL;
    o.keys_str = null_key;
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_NULL_POINTER);
    CHECK_U64("row of NULL key", last_index(), 2);
    case_end();

    case_begin("grouping options that contradict each other");
    memset(&o, 0, sizeof o);
    o.period = NPS_PERIOD_DAY; /* without timestamps */
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("timestamps"));
    o.period = 17;
    o.timestamps = ts;
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_INVALID_ARGUMENT);
    memset(&o, 0, sizeof o);
    o.keys_i64 = ts;
    o.keys_str = null_key;
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("at most one of the keys_"));
    memset(&o, 0, sizeof o);
    o.timestamps = ts;
    o.period = NPS_PERIOD_DAY;
    {
        int64_t far[4] = {0, 0, INT64_MAX, 0};
        o.timestamps = far;
        CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_INVALID_TIMESTAMP);
        CHECK_U64("row of bad timestamp", last_index(), 2);
    }
    CHECK(g == NULL);
    case_end();

    case_begin("buffers too small, size queries, truncated messages");
    CHECK_STATUS(nps_z_value(2.0, &needed), NPS_STATUS_INVALID_ARGUMENT);
    full = nps_last_error_message(NULL, 0);
    CHECK(full > 10);
    memset(tiny, SENTINEL, sizeof tiny);
    CHECK_U64("full length", nps_last_error_message(tiny, sizeof tiny), full);
    CHECK(tiny[3] == '\0' && strlen(tiny) == 3);
    CHECK(strncmp(tiny, "inv", 3) == 0);
    CHECK_U64("len 1", nps_last_error_message(tiny, 1), full);
    CHECK(tiny[0] == '\0');
    CHECK_U64("exact fit", nps_last_error_message(buf, full + 1 < sizeof buf ? full + 1 : sizeof buf),
              full);

    memset(&o, 0, sizeof o);
    o.timestamps = ts;
    o.period = NPS_PERIOD_MONTH;
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_OK);
    CHECK_U64("months", nps_grouped_len(g), 3);
    memset(tiny, SENTINEL, sizeof tiny);
    CHECK_STATUS(nps_grouped_label(g, 0, tiny, sizeof tiny, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_U64("label length reported", len, 7); /* "1970-01" */
    CHECK(untouched(tiny, sizeof tiny));
    CHECK(nps_last_error_value(&needed) && needed == 8.0);
    CHECK(message_contains("needs 8"));
    len = 0;
    CHECK_STATUS(nps_grouped_label(g, 0, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_U64("size query", len, 7);
    CHECK_STATUS(nps_grouped_label(g, 0, NULL, 8, &len), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_grouped_label(g, 0, buf, 8, NULL), NPS_STATUS_OK);
    CHECK_STR("label", buf, "1970-01");
    CHECK_STATUS(nps_grouped_key_text(g, 0, buf, sizeof buf, &len), NPS_STATUS_OK);
    CHECK_STR("key text without keys", buf, "all");

    case_end();

    case_begin("group index out of range and rolling misuse");
    memset(&grp, SENTINEL, sizeof grp);
    CHECK_STATUS(nps_grouped_get(g, 3, &grp), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK(untouched(&grp, sizeof grp));
    CHECK_U64("bad index", last_index(), 3);
    CHECK_STATUS(nps_grouped_get(g, SIZE_MAX, &grp), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_grouped_label(g, 99, buf, sizeof buf, NULL), NPS_STATUS_INDEX_OUT_OF_RANGE);
    {
        NpsGrouped *r = NULL;
        NpsGrouped *flat = NULL;
        CHECK_STATUS(nps_grouped_rolling(g, 0, &r), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(r == NULL);
        CHECK_STATUS(nps_group_by_u8(scores, 4, NULL, &flat), NPS_STATUS_OK);
        CHECK_STATUS(nps_grouped_rolling(flat, 3, &r), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(message_contains("period"));
        CHECK(r == NULL);
        nps_grouped_free(flat);
    }
    nps_grouped_free(g);
    nps_grouped_free(NULL); /* free(NULL) is a no-op */
    case_end();

    case_begin("goal tracking: path buffers and empty history");
    {
        NpsTally hist[2];
        NpsGoalReport rep;
        double path[3];
        CHECK_STATUS(nps_tally_from_categories(20, 40, 140, &hist[0]), NPS_STATUS_OK);
        CHECK_STATUS(nps_tally_from_categories(30, 50, 120, &hist[1]), NPS_STATUS_OK);
        memset(&rep, SENTINEL, sizeof rep);
        memset(path, SENTINEL, sizeof path);
        CHECK_STATUS(nps_goal_track(hist, 2, 65, 12, NULL, &rep, path, 3),
                     NPS_STATUS_BUFFER_TOO_SMALL);
        CHECK(untouched(&rep, sizeof rep) && untouched(path, sizeof path));
        CHECK(message_contains("12"));
        CHECK_STATUS(nps_goal_track(hist, 2, 65, 12, NULL, &rep, NULL, 3),
                     NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_goal_track(hist, 0, 65, 12, NULL, &rep, NULL, 0), NPS_STATUS_NO_DATA);
        CHECK_STATUS(nps_goal_track(hist, 2, 165, 12, NULL, &rep, NULL, 0),
                     NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_goal_track(hist, 2, 65, 3, NULL, &rep, path, 3), NPS_STATUS_OK);
        CHECK(path[2] == 65.0);
    }
    case_end();
}

static void status_names(void) {
    static const struct { NpsStatus status; const char *name; } names[] = {
        {NPS_STATUS_OK, "ok"},
        {NPS_STATUS_INVALID_SCORE, "invalid_score"},
        {NPS_STATUS_NO_DATA, "no_data"},
        {NPS_STATUS_INVALID_WEIGHT, "invalid_weight"},
        {NPS_STATUS_INVALID_TIMESTAMP, "invalid_timestamp"},
        {NPS_STATUS_INVALID_ARGUMENT, "invalid_argument"},
        {NPS_STATUS_LENGTH_MISMATCH, "length_mismatch"},
        {NPS_STATUS_INVALID_SCALE, "invalid_scale"},
        {NPS_STATUS_UNKNOWN_TIME_ZONE, "unknown_time_zone"},
        {NPS_STATUS_DEGENERATE, "degenerate"},
        {NPS_STATUS_OVERFLOW, "overflow"},
        {NPS_STATUS_NUMERICAL, "numerical"},
        {NPS_STATUS_INVALID_POLICY, "invalid_policy"},
        {NPS_STATUS_NULL_POINTER, "null_pointer"},
        {NPS_STATUS_INVALID_UTF8, "invalid_utf8"},
        {NPS_STATUS_BUFFER_TOO_SMALL, "buffer_too_small"},
        {NPS_STATUS_PANIC, "panic"},
        {NPS_STATUS_INDEX_OUT_OF_RANGE, "index_out_of_range"},
        {NPS_STATUS_MISALIGNED_POINTER, "misaligned_pointer"},
    };
    size_t i;
    case_begin("status codes keep their numbers and names");
    CHECK(NPS_STATUS_OK == 0 && NPS_STATUS_INVALID_SCORE == 1 && NPS_STATUS_NUMERICAL == 11);
    CHECK(NPS_STATUS_INVALID_POLICY == 12);
    CHECK(NPS_STATUS_NULL_POINTER == 100 && NPS_STATUS_PANIC == 103);
    CHECK(sizeof(NpsStatus) == 4);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_STR("status name", nps_status_name(names[i].status), names[i].name);
    }
    case_end();
}

int main(void) {
    null_pointers();
    empty_arrays();
    invalid_scores();
    invalid_arguments();
    text_and_buffers();
    status_names();
    return summary("bad_input");
}
