/* Service KPIs through the C API: every vector of tests/golden/kpi_vectors.json
 * (written by the independent oracle tests/golden/gen_kpi_vectors.py; schema
 * in tests/golden/README.md), then bad input (NULL pointers, bad flags,
 * negative hours, NaN, an end before its start).
 * Usage: test_kpi path/to/kpi_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define TOL 1e-9
#define MAXN 64

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    if (buf != NULL) buf[size] = '\0';
    fclose(f);
    return buf;
}

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

/* Compares an NpsKpi with an expected {value, numerator, denominator, coverage}. */
static void check_kpi(const char *what, const NpsKpi *k, const cJSON *e) {
    const cJSON *v = get(e, "value"), *c = get(e, "coverage");
    if (cJSON_IsNull(v)) {
        CHECK(!k->has_value);
    } else {
        CHECK(k->has_value);
        CHECK_CLOSE(what, k->value, v->valuedouble, TOL);
    }
    CHECK_CLOSE(what, k->numerator, get(e, "numerator")->valuedouble, TOL);
    CHECK_CLOSE(what, k->denominator, get(e, "denominator")->valuedouble, TOL);
    if (cJSON_IsNull(c)) {
        CHECK(!k->has_coverage);
    } else {
        CHECK(k->has_coverage);
        CHECK_CLOSE(what, k->coverage, c->valuedouble, TOL);
    }
}

/* Labels (strings or integers) as ids: the index of their first occurrence. */
static size_t ids(const cJSON *arr, uint64_t *out) {
    size_t n = 0, i;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        out[n] = n;
        for (i = 0; i < n; i++) {
            const cJSON *y = cJSON_GetArrayItem(arr, (int)i);
            int same = cJSON_IsString(x) ? (cJSON_IsString(y) && strcmp(x->valuestring, y->valuestring) == 0)
                                         : (cJSON_IsNumber(y) && x->valuedouble == y->valuedouble);
            if (same) {
                out[n] = i;
                break;
            }
        }
        n++;
    }
    return n;
}

static size_t i64s(const cJSON *arr, int64_t *out) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) out[n++] = (int64_t)x->valuedouble;
    return n;
}

static size_t f64s(const cJSON *arr, double *out, uint8_t *present) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        if (present != NULL) present[n] = cJSON_IsNumber(x) ? 1 : 0;
        out[n++] = cJSON_IsNumber(x) ? x->valuedouble : 0.0;
    }
    return n;
}

static void first_time_fix(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        uint64_t veh[MAXN], comp[MAXN];
        int64_t opened[MAXN], closed[MAXN];
        const cJSON *e = get(v, "expected"), *as_of = get(v, "as_of");
        int has_comp = !cJSON_IsNull(get(v, "complaints"));
        size_t n = ids(get(v, "vehicles"), veh);
        NpsKpi f, c;
        case_begin("first_time_fix: %s", get(v, "name")->valuestring);
        if (has_comp) ids(get(v, "complaints"), comp);
        i64s(get(v, "opened"), opened);
        i64s(get(v, "closed"), closed);
        CHECK_STATUS(nps_kpi_first_time_fix(n ? veh : NULL, has_comp && n ? comp : NULL, n ? opened : NULL,
                                            n ? closed : NULL, n, (int64_t)get(v, "window_seconds")->valuedouble,
                                            cJSON_IsNumber(as_of), cJSON_IsNumber(as_of) ? (int64_t)as_of->valuedouble : 0,
                                            cJSON_IsTrue(get(v, "exclude_incomplete")), false, &f),
                     NPS_STATUS_OK);
        check_kpi("ftfr", &f, get(e, "first_time_fix_rate"));
        CHECK_STATUS(nps_kpi_first_time_fix(n ? veh : NULL, has_comp && n ? comp : NULL, n ? opened : NULL,
                                            n ? closed : NULL, n, (int64_t)get(v, "window_seconds")->valuedouble,
                                            cJSON_IsNumber(as_of), cJSON_IsNumber(as_of) ? (int64_t)as_of->valuedouble : 0,
                                            cJSON_IsTrue(get(v, "exclude_incomplete")), true, &c),
                     NPS_STATUS_OK);
        check_kpi("comeback", &c, get(e, "comeback_rate"));
        case_end();
    }
}

static void bay_utilization(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        double occ[MAXN];
        uint8_t rb[MAXN];
        const cJSON *rbj = get(v, "repair_bay"), *x;
        size_t n = f64s(get(v, "occupied_hours"), occ, NULL), m = 0;
        char *json = cJSON_PrintUnformatted(get(v, "calendar"));
        NpsCalendar *cal = NULL;
        NpsKpi k;
        case_begin("bay_utilization: %s", get(v, "name")->valuestring);
        cJSON_ArrayForEach(x, rbj) rb[m++] = cJSON_IsTrue(x) ? 1 : 0;
        CHECK_STATUS(nps_calendar_from_json(json, strlen(json), &cal), NPS_STATUS_OK);
        if (cal != NULL) {
            CHECK_STATUS(nps_kpi_bay_utilization(occ, cJSON_IsNull(rbj) ? NULL : rb, n,
                                                 (uint32_t)get(v, "repair_bays")->valuedouble, cal,
                                                 (int64_t)get(v, "from")->valuedouble,
                                                 (int64_t)get(v, "to")->valuedouble, &k),
                         NPS_STATUS_OK);
            check_kpi("bay", &k, get(v, "expected"));
        }
        nps_calendar_free(cal);
        free(json);
        case_end();
    }
}

static void technician(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        double w[MAXN], s[MAXN];
        uint8_t has[MAXN];
        size_t n = f64s(get(v, "worked_hours"), w, NULL);
        const cJSON *e = get(v, "expected");
        NpsKpi eff, prod, prof;
        case_begin("technician: %s", get(v, "name")->valuestring);
        f64s(get(v, "srt_hours"), s, has);
        CHECK_STATUS(nps_kpi_technician(w, s, has, n, get(v, "available_hours")->valuedouble, &eff, &prod,
                                        &prof),
                     NPS_STATUS_OK);
        check_kpi("efficiency", &eff, get(e, "efficiency"));
        check_kpi("productivity", &prod, get(e, "productivity"));
        check_kpi("proficiency", &prof, get(e, "proficiency"));
        case_end();
    }
}

static void time_kpis(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        int64_t d[MAXN], start[MAXN], end[MAXN];
        size_t n = i64s(get(v, "seconds"), d), i;
        int64_t target = (int64_t)get(v, "target_seconds")->valuedouble;
        const cJSON *e = get(v, "expected");
        NpsTimeKpi t, t2;
        case_begin("time: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_kpi_time_durations(n ? d : NULL, n, target, &t), NPS_STATUS_OK);
        CHECK_U64("n", t.n, (uint64_t)get(e, "n")->valuedouble);
        if (cJSON_IsNull(get(e, "mean"))) {
            CHECK(!t.has_stats);
        } else {
            CHECK(t.has_stats);
            CHECK_CLOSE("mean", t.mean, get(e, "mean")->valuedouble, TOL);
            CHECK_CLOSE("median", t.median, get(e, "median")->valuedouble, TOL);
            CHECK_CLOSE("p90", t.p90, get(e, "p90")->valuedouble, TOL);
        }
        check_kpi("within", &t.within_target, get(e, "within_target"));
        for (i = 0; i < n; i++) {
            start[i] = 1700000000;
            end[i] = 1700000000 + d[i];
        }
        CHECK_STATUS(nps_kpi_time(n ? start : NULL, n ? end : NULL, n, target, &t2), NPS_STATUS_OK);
        CHECK(t2.n == t.n && t2.p90 == t.p90 && t2.within_target.numerator == t.within_target.numerator);
        case_end();
    }
}

static void scorecard(const cJSON *sec) {
    static const char *names[] = {"meets", "misses", "no_data", "no_benchmark"};
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        const cJSON *val = get(v, "value");
        uint32_t st = 99;
        case_begin("scorecard: %s", get(v, "kpi")->valuestring);
        CHECK_STATUS(nps_kpi_scorecard_status(NULL, get(v, "kpi")->valuestring, cJSON_IsNumber(val),
                                              cJSON_IsNumber(val) ? val->valuedouble : 0.0, &st),
                     NPS_STATUS_OK);
        CHECK(st < 4);
        if (st < 4) CHECK_STR("status", names[st], get(v, "status")->valuestring);
        case_end();
    }
}

static void bad_input(void) {
    static const double hours[2] = {1.0, -2.0};
    static const double srt[2] = {1.0, 1.0};
    static const uint8_t bad_flags[3] = {1, 0, 2};
    static const int64_t start[2] = {10, 10}, end[2] = {20, 5};
    NpsKpi k;
    NpsTimeKpi t;
    uint32_t st;
    double nan_hours[1];
    nan_hours[0] = NAN;

    case_begin("NULL pointers are NPS_STATUS_NULL_POINTER");
    CHECK_STATUS(nps_kpi_rate(NULL, NULL, 3, &k), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_rate(bad_flags, NULL, 2, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_time_durations(NULL, 0, 60, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_bay_utilization(srt, NULL, 2, 6, NULL, 0, 86400, &k), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_scorecard_status(NULL, NULL, true, 1.0, &st), NPS_STATUS_NULL_POINTER);
    case_end();

    case_begin("empty arrays: no data, never 0");
    CHECK_STATUS(nps_kpi_rate(NULL, NULL, 0, &k), NPS_STATUS_OK);
    CHECK(!k.has_value && !k.has_coverage);
    CHECK_STATUS(nps_kpi_time_durations(NULL, 0, 60, &t), NPS_STATUS_OK);
    CHECK(t.n == 0 && !t.has_stats && !t.within_target.has_value);
    case_end();

    case_begin("bad values name their row");
    CHECK_STATUS(nps_kpi_rate(bad_flags, NULL, 3, &k), NPS_STATUS_INVALID_VALUE);
    CHECK(strstr(last_message(), "row 2") != NULL);
    CHECK_STATUS(nps_kpi_technician(hours, srt, NULL, 2, 8.0, &k, NULL, NULL), NPS_STATUS_INVALID_VALUE);
    CHECK(strstr(last_message(), "row 1") != NULL);
    CHECK_STATUS(nps_kpi_technician(nan_hours, srt, NULL, 1, 8.0, &k, NULL, NULL), NPS_STATUS_INVALID_VALUE);
    CHECK_STATUS(nps_kpi_technician(srt, srt, NULL, 1, -8.0, NULL, &k, NULL), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_kpi_time(start, end, 2, 60, &t), NPS_STATUS_INVALID_VALUE);
    CHECK(strstr(last_message(), "row 1") != NULL);
    CHECK_STATUS(nps_kpi_time_durations(start, 2, -1, &t), NPS_STATUS_INVALID_ARGUMENT);
    case_end();

    case_begin("scorecard of the default policy");
    CHECK_STATUS(nps_kpi_scorecard_status(NULL, "first_time_fix_rate", false, 0.0, &st), NPS_STATUS_OK);
    CHECK(st == NPS_KPI_STATUS_NO_DATA);
    CHECK_STATUS(nps_kpi_scorecard_status(NULL, "technician_efficiency", true, 1.25, &st), NPS_STATUS_OK);
    CHECK(st == NPS_KPI_STATUS_MEETS);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: test_kpi path/to/kpi_vectors.json\n");
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    first_time_fix(get(doc, "first_time_fix"));
    bay_utilization(get(doc, "bay_utilization"));
    technician(get(doc, "technician"));
    time_kpis(get(doc, "time"));
    scorecard(get(doc, "scorecard"));
    cJSON_Delete(doc);
    bad_input();
    return summary("kpi");
}
