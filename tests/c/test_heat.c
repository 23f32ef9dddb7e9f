/* Heat maps and Erlang C through the C API: every vector of
 * tests/golden/heat_vectors.json (written by the independent oracle
 * tests/golden/gen_heat_vectors.py; schema in tests/golden/README.md), and
 * bad input (NULL pointers, bad enum values, small buffers, bad UTF-8).
 * Usage: test_heat path/to/heat_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static const cJSON *get(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int is_null(const cJSON *v) { return v == NULL || cJSON_IsNull(v); }

static const char *STAGES[6] = {"appointment", "reception", "diagnosis",
                                "repair",      "delivery",  "follow_up"};

static uint32_t stage_code(const char *name) {
    uint32_t i;
    for (i = 0; i < 6; i++) {
        if (strcmp(STAGES[i], name) == 0) return i;
    }
    return 99; /* unknown: the library must reject it */
}

/* Columns of a vector, owned by the caller (free_cols). */
typedef struct {
    size_t n;
    uint32_t *stages;
    const char **points;
    uint64_t *mentions;
    uint8_t *pain;
    const char **keys;
    int64_t *ts;
} Cols;

static void load_cols(const cJSON *v, Cols *c) {
    const cJSON *st = get(v, "stages"), *pt = get(v, "points"), *m = get(v, "mentions"),
                *p = get(v, "pain"), *k = get(v, "keys"), *t = get(v, "timestamps");
    size_t i, n = (size_t)cJSON_GetArraySize(st);
    memset(c, 0, sizeof *c);
    c->n = n;
    c->stages = calloc(n + 1, sizeof *c->stages);
    c->points = calloc(n + 1, sizeof *c->points);
    c->mentions = calloc(n + 1, sizeof *c->mentions);
    c->pain = calloc(n + 1, sizeof *c->pain);
    if (k != NULL) c->keys = calloc(n + 1, sizeof *c->keys);
    if (t != NULL) c->ts = calloc(n + 1, sizeof *c->ts);
    for (i = 0; i < n; i++) {
        c->stages[i] = stage_code(cJSON_GetArrayItem(st, (int)i)->valuestring);
        c->points[i] = cJSON_GetArrayItem(pt, (int)i)->valuestring;
        if (m != NULL) {
            double d = cJSON_GetArrayItem(m, (int)i)->valuedouble;
            /* 2^64 - 1 is not exact as a double: saturate instead of UB. */
            c->mentions[i] = d >= 18446744073709551615.0 ? UINT64_MAX
                             : d < 0                     ? 0
                                                         : (uint64_t)d;
        }
        c->pain[i] = (uint8_t)cJSON_GetArrayItem(p, (int)i)->valuedouble;
        if (k != NULL) c->keys[i] = cJSON_GetArrayItem(k, (int)i)->valuestring;
        if (t != NULL) c->ts[i] = (int64_t)cJSON_GetArrayItem(t, (int)i)->valuedouble;
    }
}

static void free_cols(Cols *c) {
    free(c->stages);
    free(c->points);
    free(c->mentions);
    free(c->pain);
    free(c->keys);
    free(c->ts);
}

static void check_opt(const char *what, bool has, double got, const cJSON *want) {
    if (is_null(want)) {
        CHECK(!has);
    } else {
        CHECK(has);
        CHECK_CLOSE(what, got, want->valuedouble, 1e-12);
    }
}

static void check_map(const NpsHeatMap *map, const cJSON *exp) {
    const cJSON *ranked = get(exp, "ranked"), *stages = get(exp, "by_stage"), *item;
    size_t n = 0, i;
    NpsPainPoint pts[64];
    NpsStageTotal st[6];
    char text[256];
    size_t tlen = 0;
    CHECK_U64("total", nps_heat_map_total_heat(map), get(exp, "total_heat")->valuedouble);
    CHECK_STATUS(nps_heat_map_ranked(map, pts, 64, &n), NPS_STATUS_OK);
    CHECK_U64("len", n, cJSON_GetArraySize(ranked));
    CHECK_U64("len2", nps_heat_map_len(map), n);
    for (i = 0; i < n && i < 64; i++) {
        item = cJSON_GetArrayItem(ranked, (int)i);
        CHECK_U64("rank", pts[i].rank, get(item, "rank")->valuedouble);
        CHECK_STR("stage", STAGES[pts[i].stage % 6], get(item, "stage")->valuestring);
        CHECK_U64("mentions", pts[i].mentions, get(item, "mentions")->valuedouble);
        CHECK_U64("heat", pts[i].heat, get(item, "heat")->valuedouble);
        check_opt("pain", pts[i].has_pain, pts[i].pain, get(item, "pain"));
        check_opt("share", pts[i].has_share, pts[i].share, get(item, "share"));
        check_opt("cum", pts[i].has_share, pts[i].cumulative_share,
                  get(item, "cumulative_share"));
        CHECK_STATUS(nps_heat_map_point_text(map, i, text, sizeof text, &tlen), NPS_STATUS_OK);
        CHECK_STR("point", text, get(item, "point")->valuestring);
        CHECK_U64("tlen", tlen, strlen(get(item, "point")->valuestring));
    }
    CHECK_STATUS(nps_heat_map_by_stage(map, st, 6, &n), NPS_STATUS_OK);
    CHECK_U64("stages", n, 6);
    for (i = 0; i < 6; i++) {
        const cJSON *top;
        item = cJSON_GetArrayItem(stages, (int)i);
        top = get(item, "top_point");
        CHECK_STR("stage", STAGES[st[i].stage % 6], get(item, "stage")->valuestring);
        CHECK_U64("points", st[i].points, get(item, "points")->valuedouble);
        CHECK_U64("mentions", st[i].mentions, get(item, "mentions")->valuedouble);
        CHECK_U64("heat", st[i].heat, get(item, "heat")->valuedouble);
        CHECK_U64("top_heat", st[i].top_heat, get(item, "top_heat")->valuedouble);
        check_opt("share", st[i].has_share, st[i].share, get(item, "share"));
        check_opt("pain", st[i].has_pain, st[i].pain, get(item, "pain"));
        CHECK(st[i].has_top == !is_null(top));
        if (st[i].has_top && !is_null(top)) {
            CHECK_STATUS(nps_heat_map_point_text(map, st[i].top_index, text, sizeof text, NULL),
                         NPS_STATUS_OK);
            CHECK_STR("top", text, top->valuestring);
        }
    }
    cJSON_ArrayForEach(item, get(exp, "pareto")) {
        size_t k = 0;
        CHECK_STATUS(nps_heat_map_pareto(map, get(item, "share")->valuedouble, &k),
                     NPS_STATUS_OK);
        CHECK_U64("pareto", k, get(item, "count")->valuedouble);
    }
}

static void check_matrix(const NpsHeatMap *map, uint32_t by, const cJSON *want) {
    const cJSON *cols = get(want, "columns");
    size_t ncol = 0, i, s;
    uint64_t heat[6 * 16], mentions[6 * 16];
    char text[64];
    CHECK_STATUS(nps_heat_map_matrix(map, by, NULL, NULL, 0, &ncol), NPS_STATUS_OK);
    CHECK_U64("columns", ncol, cJSON_GetArraySize(cols));
    if (ncol == 0 || ncol > 16) return;
    CHECK_STATUS(nps_heat_map_matrix(map, by, heat, mentions, 6 * ncol - 1, NULL),
                 NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(nps_heat_map_matrix(map, by, heat, mentions, 6 * 16, &ncol), NPS_STATUS_OK);
    for (i = 0; i < ncol; i++) {
        CHECK_STATUS(nps_heat_map_matrix_column(map, by, i, text, sizeof text, NULL),
                     NPS_STATUS_OK);
        CHECK_STR("column", text, cJSON_GetArrayItem(cols, (int)i)->valuestring);
        for (s = 0; s < 6; s++) {
            const cJSON *h = cJSON_GetArrayItem(get(want, "heat"), (int)s);
            const cJSON *m = cJSON_GetArrayItem(get(want, "mentions"), (int)s);
            CHECK_U64("cell", heat[s * ncol + i], cJSON_GetArrayItem(h, (int)i)->valuedouble);
            CHECK_U64("cellm", mentions[s * ncol + i],
                      cJSON_GetArrayItem(m, (int)i)->valuedouble);
        }
    }
    CHECK_STATUS(nps_heat_map_matrix_column(map, by, ncol, text, sizeof text, NULL),
                 NPS_STATUS_INDEX_OUT_OF_RANGE);
}

/* A copy of `map` through its saved state (to_state, then from_state). */
static NpsHeatMap *reloaded(const NpsHeatMap *map) {
    size_t len = 0;
    uint8_t *buf;
    NpsHeatMap *out = NULL;
    CHECK_STATUS(nps_heat_map_to_state(map, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK(len > 0);
    buf = malloc(len);
    if (buf == NULL) return NULL;
    if (len > 1) {
        CHECK_STATUS(nps_heat_map_to_state(map, buf, len - 1, NULL), NPS_STATUS_BUFFER_TOO_SMALL);
    }
    CHECK_STATUS(nps_heat_map_to_state(map, buf, len, &len), NPS_STATUS_OK);
    CHECK_STATUS(nps_heat_map_from_state(buf, len, &out), NPS_STATUS_OK);
    /* A truncated state is not a heat map. */
    {
        NpsHeatMap *bad = NULL;
        CHECK_STATUS(nps_heat_map_from_state(buf, len / 2, &bad), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(bad == NULL);
        CHECK(strstr(last_message(), "state") != NULL);
    }
    free(buf);
    return out;
}

/* The records of vector `v` split at every row into two maps, merged (the
 * first part through its saved state), and checked against the oracle's
 * expectation for the whole input. */
static void merged_records(const cJSON *v, const Cols *c) {
    size_t k;
    const cJSON *exp = get(v, "expect");
    NpsHeatMapOptions o = nps_heat_map_options_default();
    o.period = NPS_PERIOD_MONTH;
    o.tz = get(v, "tz")->valuestring;
    case_begin("merged records %s", get(v, "name")->valuestring);
    for (k = 1; k < c->n; k++) {
        NpsHeatMap *a = NULL, *b = NULL, *a2 = NULL, *m = NULL;
        o.keys = (const char *const *)c->keys;
        o.timestamps = c->ts;
        CHECK_STATUS(nps_heat_map_from_records(c->stages, c->points, c->pain, k, &o, &a),
                     NPS_STATUS_OK);
        o.keys = c->keys ? (const char *const *)c->keys + k : NULL;
        o.timestamps = c->ts ? c->ts + k : NULL;
        CHECK_STATUS(nps_heat_map_from_records(c->stages + k, c->points + k, c->pain + k,
                                               c->n - k, &o, &b),
                     NPS_STATUS_OK);
        if (a != NULL) a2 = reloaded(a);
        CHECK_STATUS(nps_heat_map_merge(a2, b, &m), NPS_STATUS_OK);
        if (m != NULL) {
            check_map(m, exp);
            check_matrix(m, NPS_MATRIX_BY_KEY, get(exp, "matrix_key"));
            check_matrix(m, NPS_MATRIX_BY_PERIOD, get(exp, "matrix_period"));
        }
        nps_heat_map_free(a);
        nps_heat_map_free(a2);
        nps_heat_map_free(b);
        nps_heat_map_free(m);
    }
    case_end();
}

/* Merging maps with different matrices, NULL handles and states that are
 * not heat maps. */
static void merge_errors(void) {
    const uint32_t stages[2] = {NPS_STAGE_REPAIR, NPS_STAGE_RECEPTION};
    const char *points[2] = {"not fixed", "queue"};
    const uint8_t pain[2] = {9, 4};
    const char *keys[2] = {"D1", "D2"};
    NpsHeatMapOptions o = nps_heat_map_options_default();
    NpsHeatMap *plain = NULL, *keyed = NULL, *out = NULL;
    const uint8_t junk[] = "{\"nps_state\":1,\"kind\":\"KpiTable\",\"value\":{}}";
    case_begin("heat merge errors");
    o.keys = keys;
    CHECK_STATUS(nps_heat_map_from_records(stages, points, pain, 2, NULL, &plain), NPS_STATUS_OK);
    CHECK_STATUS(nps_heat_map_from_records(stages, points, pain, 2, &o, &keyed), NPS_STATUS_OK);
    CHECK_STATUS(nps_heat_map_merge(plain, keyed, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK(strstr(last_message(), "other") != NULL);
    CHECK_STATUS(nps_heat_map_merge(plain, NULL, &out), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_heat_map_merge(plain, plain, NULL), NPS_STATUS_NULL_POINTER);
    /* A map merged with itself: every point counted twice. */
    CHECK_STATUS(nps_heat_map_merge(keyed, keyed, &out), NPS_STATUS_OK);
    CHECK_U64("twice", nps_heat_map_total_heat(out), 2 * (9 + 4));
    nps_heat_map_free(out);
    out = NULL;
    CHECK_STATUS(nps_heat_map_from_state(junk, sizeof junk - 1, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "KpiTable") != NULL);
    CHECK_STATUS(nps_heat_map_from_state(NULL, 0, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_heat_map_from_state(NULL, 5, &out), NPS_STATUS_NULL_POINTER);
    CHECK(out == NULL);
    CHECK_STATUS(nps_heat_map_to_state(NULL, NULL, 0, NULL), NPS_STATUS_NULL_POINTER);
    nps_heat_map_free(plain);
    nps_heat_map_free(keyed);
    case_end();
}

/* The driver view (default policy) against the oracle: driver, heat and
 * the pain points joined by " | " per row. */
static void check_drivers(const NpsHeatMap *map, const cJSON *want) {
    NpsTable *t = NULL;
    const cJSON *w;
    size_t row = 0, c_driver = 0, c_heat = 0, c_points = 0;
    CHECK_STATUS(nps_heat_map_drivers(map, NULL, &t), NPS_STATUS_OK);
    if (t == NULL) return;
    CHECK_U64("driver rows", nps_table_rows(t), cJSON_GetArraySize(want));
    CHECK_STATUS(nps_table_column_index(t, "driver", &c_driver), NPS_STATUS_OK);
    CHECK_STATUS(nps_table_column_index(t, "heat", &c_heat), NPS_STATUS_OK);
    CHECK_STATUS(nps_table_column_index(t, "points", &c_points), NPS_STATUS_OK);
    cJSON_ArrayForEach(w, want) {
        char buf[512], joined[512] = "";
        size_t n = 0;
        bool null = true;
        uint64_t heat = 0;
        const cJSON *p;
        if (row >= nps_table_rows(t)) break;
        CHECK_STATUS(nps_table_get_text(t, row, c_driver, buf, sizeof buf, &n, &null), NPS_STATUS_OK);
        CHECK_STR("driver", buf, get(w, "driver")->valuestring);
        CHECK_STATUS(nps_table_get_u64(t, row, c_heat, &heat, &null), NPS_STATUS_OK);
        CHECK_U64(buf, heat, get(w, "heat")->valuedouble);
        cJSON_ArrayForEach(p, get(w, "points")) {
            if (joined[0] != '\0') strncat(joined, " | ", sizeof joined - strlen(joined) - 1);
            strncat(joined, p->valuestring, sizeof joined - strlen(joined) - 1);
        }
        CHECK_STATUS(nps_table_get_text(t, row, c_points, buf, sizeof buf, &n, &null), NPS_STATUS_OK);
        CHECK_STR("points", buf, joined);
        row++;
    }
    nps_table_free(t);
}

static void golden(const cJSON *doc) {
    const cJSON *v;
    cJSON_ArrayForEach(v, get(doc, "heat")) {
        Cols c;
        NpsHeatMap *map = NULL;
        case_begin("heat %s", get(v, "name")->valuestring);
        load_cols(v, &c);
        CHECK_STATUS(nps_heat_map_from_rows(c.stages, c.points, c.mentions, c.pain, c.n, &map),
                     NPS_STATUS_OK);
        if (map != NULL) {
            check_map(map, get(v, "expect"));
            check_drivers(map, get(get(v, "expect"), "drivers"));
        }
        nps_heat_map_free(map);
        free_cols(&c);
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "records")) {
        Cols c;
        NpsHeatMap *map = NULL;
        NpsHeatMapOptions o = nps_heat_map_options_default();
        case_begin("records %s", get(v, "name")->valuestring);
        load_cols(v, &c);
        o.keys = (const char *const *)c.keys;
        o.timestamps = c.ts;
        o.period = NPS_PERIOD_MONTH;
        o.tz = get(v, "tz")->valuestring;
        CHECK_STATUS(nps_heat_map_from_records(c.stages, c.points, c.pain, c.n, &o, &map), NPS_STATUS_OK);
        if (map != NULL) {
            check_map(map, get(v, "expect"));
            check_matrix(map, NPS_MATRIX_BY_KEY, get(get(v, "expect"), "matrix_key"));
            check_matrix(map, NPS_MATRIX_BY_PERIOD, get(get(v, "expect"), "matrix_period"));
            check_drivers(map, get(get(v, "expect"), "drivers"));
        }
        nps_heat_map_free(map);
        case_end();
        merged_records(v, &c);
        free_cols(&c);
    }
    cJSON_ArrayForEach(v, get(doc, "bad_heat")) {
        Cols c;
        NpsHeatMap *map = NULL;
        const cJSON *err = get(v, "error"), *m;
        const char *kind = get(err, "kind")->valuestring;
        NpsStatus want, got;
        size_t idx = 0;
        int negative = 0;
        cJSON_ArrayForEach(m, get(v, "mentions")) negative |= m->valuedouble < 0;
        if (negative) continue; /* mentions are uint64_t in C */
        /* A length mismatch cannot be expressed with one len in C. */
        if (cJSON_GetArraySize(get(v, "pain")) != cJSON_GetArraySize(get(v, "stages"))) continue;
        case_begin("bad %s", get(v, "name")->valuestring);
        load_cols(v, &c);
        want = strcmp(kind, "invalid_value") == 0 ? NPS_STATUS_INVALID_VALUE
               : strcmp(kind, "no_data") == 0     ? NPS_STATUS_NO_DATA
               : strcmp(kind, "overflow") == 0    ? NPS_STATUS_OVERFLOW
                                                  : NPS_STATUS_PANIC;
        got = nps_heat_map_from_rows(c.stages, c.points, c.mentions, c.pain, c.n, &map);
        CHECK_STATUS(got, want);
        CHECK(map == NULL);
        if (!is_null(get(err, "index"))) {
            CHECK(nps_last_error_index(&idx));
            CHECK_U64("index", idx, get(err, "index")->valuedouble);
        }
        if (!is_null(get(err, "column"))) {
            char col[64];
            snprintf(col, sizeof col, "`%s`", get(err, "column")->valuestring);
            CHECK(strstr(last_message(), col) != NULL);
        }
        free_cols(&c);
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "erlang")) {
        NpsQueue q;
        const cJSON *tw = get(v, "target_wait");
        double t = is_null(tw) ? 0.0 : tw->valuedouble;
        double rtol = get(doc, "erlang_rtol")->valuedouble;
        case_begin("erlang %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_erlang_c(get(v, "arrival_rate")->valuedouble,
                                  get(v, "service_time")->valuedouble,
                                  (uint32_t)get(v, "servers")->valuedouble,
                                  is_null(tw) ? NULL : &t, &q),
                     NPS_STATUS_OK);
        CHECK_REL("utilization", q.utilization, get(v, "utilization")->valuedouble, rtol);
        CHECK_REL("load", q.offered_load, get(v, "offered_load")->valuedouble, rtol);
        if (strcmp(get(v, "status")->valuestring, "unstable") == 0) {
            CHECK(q.status == NPS_QUEUE_STATUS_UNSTABLE);
        } else {
            CHECK(q.status == NPS_QUEUE_STATUS_STABLE);
            CHECK_REL("prob_wait", q.prob_wait, get(v, "prob_wait")->valuedouble, rtol);
            CHECK_REL("mean_wait", q.mean_wait, get(v, "mean_wait")->valuedouble, rtol);
            CHECK_REL("mean_response", q.mean_response, get(v, "mean_response")->valuedouble,
                      rtol);
            CHECK(q.has_target == !is_null(tw));
            if (!is_null(tw)) {
                CHECK_REL("within", q.within_target, get(v, "within_target")->valuedouble, rtol);
            }
        }
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "servers_needed")) {
        NpsQueue q;
        const cJSON *mw = get(v, "max_mean_wait");
        double m = is_null(mw) ? 0.0 : mw->valuedouble;
        case_begin("servers_needed %g/%g", get(v, "arrival_rate")->valuedouble,
                   get(v, "target_share")->valuedouble);
        CHECK_STATUS(nps_servers_needed(get(v, "arrival_rate")->valuedouble,
                                        get(v, "service_time")->valuedouble,
                                        get(v, "target_wait")->valuedouble,
                                        get(v, "target_share")->valuedouble,
                                        is_null(mw) ? NULL : &m, &q),
                     NPS_STATUS_OK);
        CHECK_U64("servers", q.servers, get(v, "servers")->valuedouble);
        CHECK_REL("within", q.within_target, get(v, "within_target")->valuedouble, 1e-9);
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "erlang_bad")) {
        NpsQueue q;
        case_begin("erlang bad %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_erlang_c(get(v, "arrival_rate")->valuedouble,
                                  get(v, "service_time")->valuedouble,
                                  (uint32_t)get(v, "servers")->valuedouble, NULL, &q),
                     NPS_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(last_message(), get(v, "name")->valuestring) != NULL);
        case_end();
    }
}

static void bad_input(void) {
    uint32_t stages[2] = {NPS_STAGE_RECEPTION, NPS_STAGE_REPAIR};
    const char *points[2] = {"queue", "not fixed"};
    const char *null_points[2] = {"queue", NULL};
    const char bad_utf8[3] = {'a', (char)0xff, 0};
    const char *utf8_points[2] = {"queue", bad_utf8};
    uint64_t mentions[2] = {893, 398};
    uint8_t pain[2] = {9, 10};
    NpsHeatMap *map = NULL;
    NpsPainPoint pts[2];
    NpsQueue q;
    size_t n = 0, idx = 0;
    double nan_wait = NAN, neg = -1.0;
    char small[4];

    case_begin("heat NULL pointers");
    CHECK_STATUS(nps_heat_map_from_rows(NULL, points, mentions, pain, 2, &map),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_heat_map_from_rows(stages, NULL, mentions, pain, 2, &map),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_heat_map_from_rows(stages, null_points, mentions, pain, 2, &map),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_heat_map_from_rows(stages, points, mentions, pain, 2, NULL),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_heat_map_from_rows(stages, utf8_points, mentions, pain, 2, &map),
                 NPS_STATUS_INVALID_UTF8);
    CHECK(map == NULL);
    CHECK_STATUS(nps_heat_map_ranked(NULL, pts, 2, &n), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_heat_map_pareto(NULL, 0.8, &n), NPS_STATUS_NULL_POINTER);
    CHECK_U64("len NULL", nps_heat_map_len(NULL), 0);
    CHECK_U64("total NULL", nps_heat_map_total_heat(NULL), 0);
    nps_heat_map_free(NULL);
    case_end();

    case_begin("heat bad enum values and buffers");
    stages[1] = 6;
    CHECK_STATUS(nps_heat_map_from_rows(stages, points, mentions, pain, 2, &map),
                 NPS_STATUS_INVALID_VALUE);
    CHECK(nps_last_error_index(&idx));
    CHECK_U64("index", idx, 1);
    stages[1] = NPS_STAGE_REPAIR;
    {
        NpsHeatMapOptions o = nps_heat_map_options_default();
        CHECK(o.period == NPS_PERIOD_MONTH && o.keys == NULL && o.timestamps == NULL && o.tz == NULL);
        o.period = 99;
        CHECK_STATUS(nps_heat_map_from_records(stages, points, pain, 2, &o, &map), NPS_STATUS_INVALID_ARGUMENT);
        o.period = NPS_PERIOD_NONE;
        CHECK_STATUS(nps_heat_map_from_records(stages, points, pain, 2, &o, &map), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_heat_map_from_records(stages, points, pain, 2, NULL, &map), NPS_STATUS_OK);
        nps_heat_map_free(map);
        map = NULL;
    }
    CHECK_STATUS(nps_heat_map_from_rows(stages, points, mentions, pain, 2, &map), NPS_STATUS_OK);
    CHECK_STATUS(nps_heat_map_ranked(map, pts, 1, &n), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_U64("count on too small", n, 2);
    CHECK_STATUS(nps_heat_map_ranked(map, NULL, 0, &n), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(nps_heat_map_point_text(map, 1, small, sizeof small, &n),
                 NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_U64("text len", n, strlen("not fixed"));
    CHECK_STATUS(nps_heat_map_point_text(map, 2, small, sizeof small, &n),
                 NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_heat_map_pareto(map, 0.0, &n), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_heat_map_pareto(map, 1.5, &n), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_heat_map_pareto(map, NAN, &n), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_heat_map_pareto(map, 0.8, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_heat_map_matrix(map, NPS_MATRIX_BY_KEY, NULL, NULL, 0, &n),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_heat_map_matrix(map, 7, NULL, NULL, 0, &n), NPS_STATUS_INVALID_ARGUMENT);
    nps_heat_map_free(map);
    map = NULL;
    case_end();

    case_begin("erlang bad arguments");
    CHECK_STATUS(nps_erlang_c(1.0, 1.0, 2, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_erlang_c(NAN, 1.0, 2, NULL, &q), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_erlang_c(1.0, INFINITY, 2, NULL, &q), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_erlang_c(1.0, 1.0, 2, &nan_wait, &q), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_erlang_c(1.0, 1.0, 2, &neg, &q), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_servers_needed(1.0, 1.0, 1.0, 1.0, NULL, &q), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_servers_needed(1.0, 1.0, 1.0, 0.8, &neg, &q), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_servers_needed(1.0, 1.0, 1.0, 0.8, NULL, NULL), NPS_STATUS_NULL_POINTER);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    if (argc != 2) {
        fprintf(stderr, "usage: %s heat_vectors.json\n", argv[0]);
        return 2;
    }
    text = read_file(argv[1]);
    doc = text ? cJSON_Parse(text) : NULL;
    if (doc == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        free(text);
        return 2;
    }
    golden(doc);
    bad_input();
    merge_errors();
    cJSON_Delete(doc);
    free(text);
    return summary("test_heat");
}
