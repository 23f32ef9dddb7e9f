/* Several key columns (dealer x advisor) and the generic grouped result
 * (NpsTable) through the C API, checked against hand-computed values; the
 * score-interval bounds come from tests/golden/vectors.json (by vector name).
 * Usage: test_table path/to/vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define TOL 1e-9

static cJSON *vectors;

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

/* The `expect` of the interval vector called `name`. */
static const cJSON *interval_expect(const char *name) {
    const cJSON *v;
    cJSON_ArrayForEach(v, get(vectors, "intervals")) {
        if (strcmp(get(v, "name")->valuestring, name) == 0) return get(v, "expect");
    }
    fail(__FILE__, __LINE__, "no interval vector %s", name);
    return NULL;
}

static double expect_num(const char *vector, const char *field) {
    const cJSON *e = interval_expect(vector);
    return e != NULL && cJSON_IsNumber(get(e, field)) ? get(e, field)->valuedouble : NAN;
}

/* Rows of three groups (sorted by dealer, then advisor):
 *   (7, "ann"): 0 7 8 9 10 10 -> D/Pa/P 1/2/3, NPS 33.33 (textbook_123)
 *   (7, "bo"):  10            -> 0/0/1, NPS 100 (n1_promoter)
 *   (9, "ann"): 3 8           -> 1/1/0, NPS -50 (no_promoters_1_1_0) */
static const uint8_t scores[9] = {0, 3, 10, 7, 8, 8, 9, 10, 10};
static const uint32_t dealer[9] = {7, 9, 7, 7, 9, 7, 7, 7, 7};
static const char *const advisor[9] = {"ann", "ann", "bo", "ann", "ann", "ann", "ann", "ann", "ann"};

static NpsGrouped *dealer_advisor(void) {
    NpsGroupOptions o;
    NpsKeyColumn cols[2];
    NpsGrouped *g = NULL;
    memset(&o, 0, sizeof o);
    cols[0].key_type = NPS_KEY_TYPE_U32;
    cols[0].values = dealer;
    cols[1].key_type = NPS_KEY_TYPE_STR;
    cols[1].values = advisor;
    o.key_columns = cols;
    o.n_key_columns = 2;
    CHECK_STATUS(nps_group_by_u8(scores, 9, &o, &g), NPS_STATUS_OK);
    return g;
}

static void multi_key(void) {
    static const uint64_t want_dealer[3] = {7, 7, 9};
    static const char *const want_advisor[3] = {"ann", "bo", "ann"};
    static const uint64_t want_cat[3][3] = {{1, 2, 3}, {0, 0, 1}, {1, 1, 0}};
    NpsGrouped *g;
    size_t i, parts = 99, len = 0;
    char buf[32];
    case_begin("multi-key: dealer x advisor groups");
    g = dealer_advisor();
    CHECK(nps_grouped_len(g) == 3);
    for (i = 0; i < 3 && g != NULL; i++) {
        NpsGroup grp;
        NpsKeyValue k;
        CHECK_STATUS(nps_grouped_get(g, i, &grp), NPS_STATUS_OK);
        CHECK(grp.key_kind == NPS_KEY_KIND_TUPLE);
        CHECK(grp.key_int == 0 && grp.key_uint == 0 && !grp.has_period);
        CHECK_U64("detractors", grp.tally.detractors, want_cat[i][0]);
        CHECK_U64("passives", grp.tally.passives, want_cat[i][1]);
        CHECK_U64("promoters", grp.tally.promoters, want_cat[i][2]);
        CHECK_STATUS(nps_grouped_key_parts(g, i, &parts), NPS_STATUS_OK);
        CHECK_U64("parts", parts, 2);
        CHECK_STATUS(nps_grouped_key_part(g, i, 0, &k), NPS_STATUS_OK);
        CHECK(k.kind == NPS_KEY_KIND_UINT);
        CHECK_U64("dealer", k.key_uint, want_dealer[i]);
        CHECK_STATUS(nps_grouped_key_part(g, i, 1, &k), NPS_STATUS_OK);
        CHECK(k.kind == NPS_KEY_KIND_STR && k.key_int == 0 && k.key_uint == 0);
        CHECK_STATUS(nps_grouped_key_part_text(g, i, 1, buf, sizeof buf, &len), NPS_STATUS_OK);
        CHECK_STR("advisor", buf, want_advisor[i]);
        CHECK_U64("advisor length", len, strlen(want_advisor[i]));
        CHECK_STATUS(nps_grouped_key_part(g, i, 2, &k), NPS_STATUS_INDEX_OUT_OF_RANGE);
        CHECK_STATUS(nps_grouped_key_part_text(g, i, 2, buf, sizeof buf, &len), NPS_STATUS_INDEX_OUT_OF_RANGE);
    }
    CHECK_STATUS(nps_grouped_key_text(g, 1, buf, sizeof buf, &len), NPS_STATUS_OK);
    CHECK_STR("joined key", buf, "7 | bo");
    CHECK_STATUS(nps_grouped_key_part_text(g, 0, 0, buf, sizeof buf, &len), NPS_STATUS_OK);
    CHECK_STR("dealer as text", buf, "7");
    CHECK_STATUS(nps_grouped_key_part_text(g, 0, 1, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_U64("size query", len, 3);
    CHECK_STATUS(nps_grouped_key_parts(g, 3, &parts), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_grouped_key_parts(g, 0, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_grouped_key_parts(NULL, 0, &parts), NPS_STATUS_NULL_POINTER);
    nps_grouped_free(g);
    case_end();

    case_begin("multi-key: one key column and no key");
    {
        NpsGroupOptions o;
        NpsKeyValue k;
        NpsGrouped *one = NULL;
        memset(&o, 0, sizeof o);
        CHECK_STATUS(nps_group_by_u8(scores, 9, NULL, &one), NPS_STATUS_OK);
        CHECK_STATUS(nps_grouped_key_parts(one, 0, &parts), NPS_STATUS_OK);
        CHECK_U64("parts without keys", parts, 0);
        CHECK_STATUS(nps_grouped_key_part(one, 0, 0, &k), NPS_STATUS_INDEX_OUT_OF_RANGE);
        nps_grouped_free(one);
        one = NULL;
        o.keys_u32 = dealer;
        CHECK_STATUS(nps_group_by_u8(scores, 9, &o, &one), NPS_STATUS_OK);
        CHECK_STATUS(nps_grouped_key_parts(one, 1, &parts), NPS_STATUS_OK);
        CHECK_U64("parts of one column", parts, 1);
        CHECK_STATUS(nps_grouped_key_part(one, 1, 0, &k), NPS_STATUS_OK);
        CHECK(k.kind == NPS_KEY_KIND_UINT && k.key_uint == 9);
        nps_grouped_free(one);
    }
    case_end();

    case_begin("multi-key: bad key columns");
    {
        NpsGroupOptions o;
        NpsKeyColumn cols[2];
        NpsGrouped *bad = NULL;
        static const char *const with_null[2] = {"a", NULL};
        memset(&o, 0, sizeof o);
        cols[0].key_type = NPS_KEY_TYPE_U32;
        cols[0].values = dealer;
        cols[1].key_type = 9;
        cols[1].values = advisor;
        o.key_columns = cols;
        o.n_key_columns = 2;
        CHECK_STATUS(nps_group_by_u8(scores, 9, &o, &bad), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(last_message(), "NPS_KEY_TYPE_STR") != NULL);
        cols[1].key_type = NPS_KEY_TYPE_U64;
        cols[1].values = NULL;
        CHECK_STATUS(nps_group_by_u8(scores, 9, &o, &bad), NPS_STATUS_NULL_POINTER);
        cols[1].key_type = NPS_KEY_TYPE_STR;
        cols[1].values = with_null;
        CHECK_STATUS(nps_group_by_u8(scores, 2, &o, &bad), NPS_STATUS_NULL_POINTER);
        cols[1].values = advisor;
        o.keys_u32 = dealer; /* not together with key_columns */
        CHECK_STATUS(nps_group_by_u8(scores, 9, &o, &bad), NPS_STATUS_INVALID_ARGUMENT);
        o.keys_u32 = NULL;
        o.key_columns = NULL; /* NULL with a count */
        CHECK_STATUS(nps_group_by_u8(scores, 9, &o, &bad), NPS_STATUS_NULL_POINTER);
        CHECK(bad == NULL);
    }
    case_end();
}

static void table_of_groups(void) {
    static const char *const vec[3] = {"textbook_123_score_conf95", "n1_promoter_score", "no_promoters_1_1_0_score"};
    static const double nps[3] = {100.0 / 3.0, 100.0, -50.0};
    static const char *const names[11] = {"key_0", "key_1", "n", "detractors", "passives", "promoters",
                                          "nps", "se", "low", "high", "thin"};
    static const uint32_t types[11] = {NPS_COLUMN_TYPE_U64, NPS_COLUMN_TYPE_STR, NPS_COLUMN_TYPE_U64,
                                       NPS_COLUMN_TYPE_U64, NPS_COLUMN_TYPE_U64, NPS_COLUMN_TYPE_U64,
                                       NPS_COLUMN_TYPE_F64, NPS_COLUMN_TYPE_F64, NPS_COLUMN_TYPE_F64,
                                       NPS_COLUMN_TYPE_F64, NPS_COLUMN_TYPE_BOOL};
    NpsGrouped *g = dealer_advisor();
    NpsTable *t = NULL;
    size_t i, c_nps = 99, c_low = 99, c_high = 99, c_se = 99, len = 0;
    char buf[32];
    bool is_null = true, flag = true;
    double x = 0;
    uint64_t u = 0;
    int64_t i64 = 0;
    uint32_t type = 99;
    case_begin("NpsTable of dealer x advisor groups");
    CHECK_STATUS(nps_grouped_to_table(g, NULL, &t), NPS_STATUS_OK);
    CHECK(nps_table_rows(t) == 3);
    CHECK(nps_table_columns(t) == 11);
    CHECK(nps_table_key_columns(t) == 2);
    for (i = 0; i < 11; i++) {
        CHECK_STATUS(nps_table_column_name(t, i, buf, sizeof buf, &len), NPS_STATUS_OK);
        CHECK_STR("column name", buf, names[i]);
        CHECK_STATUS(nps_table_column_type(t, i, &type), NPS_STATUS_OK);
        CHECK_U64(names[i], type, types[i]);
    }
    CHECK_STATUS(nps_table_column_index(t, "nps", &c_nps), NPS_STATUS_OK);
    CHECK_U64("nps column", c_nps, 6);
    CHECK_STATUS(nps_table_column_index(t, "se", &c_se), NPS_STATUS_OK);
    CHECK_STATUS(nps_table_column_index(t, "low", &c_low), NPS_STATUS_OK);
    CHECK_STATUS(nps_table_column_index(t, "high", &c_high), NPS_STATUS_OK);
    for (i = 0; i < 3; i++) {
        CHECK_STATUS(nps_table_get_f64(t, i, c_nps, &x, &is_null), NPS_STATUS_OK);
        CHECK(!is_null);
        CHECK_CLOSE("nps", x, nps[i], TOL);
        CHECK_STATUS(nps_table_get_f64(t, i, c_low, &x, &is_null), NPS_STATUS_OK);
        CHECK_CLOSE(vec[i], x, expect_num(vec[i], "low"), 1e-7);
        CHECK_STATUS(nps_table_get_f64(t, i, c_high, &x, &is_null), NPS_STATUS_OK);
        CHECK_CLOSE(vec[i], x, expect_num(vec[i], "high"), 1e-7);
        CHECK_STATUS(nps_table_get_bool(t, i, 10, &flag, &is_null), NPS_STATUS_OK);
        CHECK(!flag && !is_null);
    }
    /* se of 1/2/3 (the textbook tally vector) and of 1/1/0: p = 0, d = 1/2,
     * V = p + d - (p - d)^2 = 1/4, se = 100 * sqrt(V / 2). */
    CHECK_STATUS(nps_table_get_f64(t, 0, c_se, &x, &is_null), NPS_STATUS_OK);
    CHECK_CLOSE("se 1/2/3", x, 30.429030972509228, TOL);
    CHECK_STATUS(nps_table_get_f64(t, 2, c_se, &x, &is_null), NPS_STATUS_OK);
    CHECK_CLOSE("se 1/1/0", x, 100.0 * sqrt(0.125), TOL);
    CHECK_STATUS(nps_table_get_u64(t, 2, 0, &u, &is_null), NPS_STATUS_OK);
    CHECK_U64("dealer", u, 9);
    CHECK_STATUS(nps_table_get_u64(t, 0, 2, &u, &is_null), NPS_STATUS_OK);
    CHECK_U64("n", u, 6);
    CHECK_STATUS(nps_table_get_text(t, 1, 1, buf, sizeof buf, &len, &is_null), NPS_STATUS_OK);
    CHECK_STR("advisor", buf, "bo");
    CHECK(!is_null);
    CHECK_STATUS(nps_table_get_text(t, 1, 1, NULL, 0, &len, &is_null), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_U64("size query", len, 2);
    case_end();

    case_begin("NpsTable readers: wrong type, out of range, NULL");
    CHECK_STATUS(nps_table_get_i64(t, 0, c_nps, &i64, &is_null), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "f64") != NULL);
    CHECK_STATUS(nps_table_get_f64(t, 0, 0, &x, &is_null), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_table_get_text(t, 0, 0, buf, sizeof buf, &len, &is_null), NPS_STATUS_INVALID_ARGUMENT);
    {
        int32_t y;
        uint32_t m, d;
        CHECK_STATUS(nps_table_get_date(t, 0, 0, &y, &m, &d, &is_null), NPS_STATUS_INVALID_ARGUMENT);
    }
    CHECK_STATUS(nps_table_get_f64(t, 3, c_nps, &x, &is_null), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_table_get_f64(t, 0, 11, &x, &is_null), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_table_column_name(t, 11, buf, sizeof buf, &len), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_table_column_type(t, 11, &type), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_table_column_index(t, "period", &i), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_table_get_f64(t, 0, c_nps, &x, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_table_get_f64(t, 0, c_nps, NULL, &is_null), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_table_get_f64(NULL, 0, 0, &x, &is_null), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_grouped_to_table(NULL, NULL, &t), NPS_STATUS_NULL_POINTER);
    CHECK(nps_table_rows(NULL) == 0 && nps_table_columns(NULL) == 0 && nps_table_key_columns(NULL) == 0);
    nps_table_free(NULL);
    case_end();

    case_begin("NpsTable: interval options");
    {
        NpsIntervalOptions o = nps_interval_options_default();
        NpsTable *w = NULL;
        o.method = NPS_INTERVAL_METHOD_WALD;
        CHECK_STATUS(nps_grouped_to_table(g, &o, &w), NPS_STATUS_OK);
        /* Wald for 1/2/3: NPS +- z * se. */
        CHECK_STATUS(nps_table_get_f64(w, 0, c_low, &x, &is_null), NPS_STATUS_OK);
        CHECK_CLOSE("wald low", x, 100.0 / 3.0 - 1.959963984540054 * 30.429030972509228, 1e-7);
        nps_table_free(w);
        w = NULL;
        o.prior[0] = 2.0; /* a Bayes option with Wald: refused */
        CHECK_STATUS(nps_grouped_to_table(g, &o, &w), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(w == NULL);
    }
    case_end();
    nps_table_free(t);
    nps_grouped_free(g);
}

static void table_with_period_and_nulls(void) {
    /* 2025-01-15 and 2025-02-15 (UTC). */
    static const int64_t ts[4] = {1736899200, 1739577600, 1736899200, 1739577600};
    static const uint8_t s4[4] = {10, 0, 9, 7};
    static const uint32_t k4[4] = {1, 1, 2, 2};
    static const uint8_t flags[4] = {1, 0, 1, 1};
    static const uint8_t eligible[4] = {1, 1, 0, 0};
    NpsGroupOptions o;
    NpsKeyColumn col;
    NpsGrouped *g = NULL;
    NpsTable *t = NULL;
    size_t period = 99, value = 99;
    int32_t y = 0;
    uint32_t m = 0, d = 0;
    bool is_null = false;
    double x = -1;
    case_begin("NpsTable: period column (dates)");
    memset(&o, 0, sizeof o);
    col.key_type = NPS_KEY_TYPE_U32;
    col.values = k4;
    o.key_columns = &col;
    o.n_key_columns = 1;
    o.timestamps = ts;
    o.period = NPS_PERIOD_MONTH;
    CHECK_STATUS(nps_group_by_u8(s4, 4, &o, &g), NPS_STATUS_OK);
    CHECK_STATUS(nps_grouped_to_table(g, NULL, &t), NPS_STATUS_OK);
    CHECK(nps_table_rows(t) == 4 && nps_table_key_columns(t) == 1);
    CHECK_STATUS(nps_table_column_index(t, "period", &period), NPS_STATUS_OK);
    CHECK_U64("period column", period, 1);
    CHECK_STATUS(nps_table_get_date(t, 1, period, &y, &m, &d, &is_null), NPS_STATUS_OK);
    CHECK(y == 2025 && m == 2 && d == 1 && !is_null);
    nps_table_free(t);
    t = NULL;
    nps_grouped_free(g);
    case_end();

    case_begin("NpsTable of a KPI table: no data is null");
    {
        NpsKpiGrouping kg;
        NpsKpiTable *kt = NULL;
        memset(&kg, 0, sizeof kg);
        kg.key_columns = &col;
        kg.n_key_columns = 1;
        CHECK_STATUS(nps_kpi_rate_table(flags, eligible, 4, &kg, &kt), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_table_to_table(kt, &t), NPS_STATUS_OK);
        CHECK(nps_table_rows(t) == 2 && nps_kpi_table_len(kt) == 2);
        CHECK_STATUS(nps_table_column_index(t, "value", &value), NPS_STATUS_OK);
        CHECK_STATUS(nps_table_get_f64(t, 0, value, &x, &is_null), NPS_STATUS_OK);
        CHECK(!is_null);
        CHECK_CLOSE("dealer 1 rate", x, 0.5, TOL); /* 1 of 2 eligible */
        if (nps_table_rows(t) > 1) {
            NpsKpiGroup row;
            CHECK_STATUS(nps_table_get_f64(t, 1, value, &x, &is_null), NPS_STATUS_OK);
            CHECK(is_null && x == 0.0); /* dealer 2: nothing eligible */
            CHECK_STATUS(nps_kpi_table_get(kt, 1, &row), NPS_STATUS_OK);
            CHECK(!row.has_key && !row.kpi.has_value); /* a tuple key is read from the table */
        }
        CHECK_STATUS(nps_kpi_table_get(kt, 5, NULL), NPS_STATUS_NULL_POINTER);
        {
            NpsKpiGroup row;
            CHECK_STATUS(nps_kpi_table_get(kt, 5, &row), NPS_STATUS_INDEX_OUT_OF_RANGE);
        }
        kg.keys = k4; /* not together with key_columns */
        nps_table_free(t);
        t = NULL;
        nps_kpi_table_free(kt);
        kt = NULL;
        CHECK_STATUS(nps_kpi_rate_table(flags, eligible, 4, &kg, &kt), NPS_STATUS_INVALID_ARGUMENT);
    }
    case_end();

    case_begin("NpsTable of a time-KPI table (two key columns)");
    {
        static const int64_t start[3] = {0, 0, 0};
        static const int64_t end[3] = {120, 240, 60};
        static const int64_t sites[3] = {-1, -1, 5};
        static const char *const desks[3] = {"a", "a", "b"};
        NpsKeyColumn cols[2];
        NpsKpiGrouping kg;
        NpsKpiTimeTable *tt = NULL;
        size_t mean = 99;
        int64_t key = 0;
        memset(&kg, 0, sizeof kg);
        cols[0].key_type = NPS_KEY_TYPE_I64;
        cols[0].values = sites;
        cols[1].key_type = NPS_KEY_TYPE_STR;
        cols[1].values = desks;
        kg.key_columns = cols;
        kg.n_key_columns = 2;
        CHECK_STATUS(nps_kpi_time_table(start, end, 3, 180, &kg, &tt), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_time_table_to_table(tt, &t), NPS_STATUS_OK);
        CHECK(nps_table_rows(t) == 2 && nps_table_key_columns(t) == 2);
        CHECK_STATUS(nps_table_get_i64(t, 0, 0, &key, &is_null), NPS_STATUS_OK);
        CHECK(key == -1 && !is_null);
        CHECK_STATUS(nps_table_column_index(t, "mean", &mean), NPS_STATUS_OK);
        CHECK_STATUS(nps_table_get_f64(t, 0, mean, &x, &is_null), NPS_STATUS_OK);
        CHECK_CLOSE("mean", x, 180.0, TOL);
        CHECK_STATUS(nps_table_column_index(t, "within_target_value", &mean), NPS_STATUS_OK);
        CHECK_STATUS(nps_table_get_f64(t, 0, mean, &x, &is_null), NPS_STATUS_OK);
        CHECK_CLOSE("within target", x, 0.5, TOL);
        nps_table_free(t);
        nps_kpi_time_table_free(tt);
    }
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: test_table path/to/vectors.json\n");
        return 2;
    }
    vectors = cJSON_Parse(text);
    free(text);
    if (vectors == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    multi_key();
    table_of_groups();
    table_with_period_and_nulls();
    cJSON_Delete(vectors);
    return summary("table");
}
