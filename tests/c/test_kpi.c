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
        NpsComebackOptions o = nps_comeback_options_default();
        o.window_seconds = (int64_t)get(v, "window_seconds")->valuedouble;
        o.has_as_of = cJSON_IsNumber(as_of);
        o.as_of = cJSON_IsNumber(as_of) ? (int64_t)as_of->valuedouble : 0;
        o.exclude_incomplete = cJSON_IsTrue(get(v, "exclude_incomplete"));
        case_begin("first_time_fix: %s", get(v, "name")->valuestring);
        if (has_comp) ids(get(v, "complaints"), comp);
        i64s(get(v, "opened"), opened);
        i64s(get(v, "closed"), closed);
        CHECK_STATUS(nps_kpi_first_time_fix(n ? veh : NULL, has_comp && n ? comp : NULL, n ? opened : NULL,
                                            n ? closed : NULL, n, &o, false, &f),
                     NPS_STATUS_OK);
        check_kpi("ftfr", &f, get(e, "first_time_fix_rate"));
        CHECK_STATUS(nps_kpi_first_time_fix(n ? veh : NULL, has_comp && n ? comp : NULL, n ? opened : NULL,
                                            n ? closed : NULL, n, &o, true, &c),
                     NPS_STATUS_OK);
        check_kpi("comeback", &c, get(e, "comeback_rate"));
        {
            /* The same jobs through the table API, one group (grouping NULL). */
            NpsKpiTable *t = NULL;
            NpsKpi ov;
            NpsKpiGroup row;
            CHECK_STATUS(nps_kpi_first_time_fix_table(n ? veh : NULL, has_comp && n ? comp : NULL,
                                                      n ? opened : NULL, n ? closed : NULL, n, &o, false, NULL, &t),
                         NPS_STATUS_OK);
            CHECK(nps_kpi_table_len(t) == (n ? 1u : 0u));
            CHECK_STATUS(nps_kpi_table_overall(t, &ov), NPS_STATUS_OK);
            check_kpi("ftfr table", &ov, get(e, "first_time_fix_rate"));
            if (n) {
                CHECK_STATUS(nps_kpi_table_get(t, 0, &row), NPS_STATUS_OK);
                CHECK(!row.has_key && !row.has_period);
                check_kpi("ftfr group", &row.kpi, get(e, "first_time_fix_rate"));
            }
            nps_kpi_table_free(t);
        }
        case_end();
    }
}

/* Diagnosis accuracy and visits per resolution: overall, through the table
 * API by the dealer of the first visit (dealer ids are the index of their
 * first occurrence), and merged from a split by vehicle. */
static const cJSON *group_of(const cJSON *by, const cJSON *dealers, uint64_t id) {
    const cJSON *g;
    cJSON_ArrayForEach(g, by) {
        const cJSON *d;
        uint64_t i = 0;
        cJSON_ArrayForEach(d, dealers) {
            if (strcmp(d->valuestring, get(g, "key")->valuestring) == 0) break;
            i++;
        }
        if (i == id) return g;
    }
    return NULL;
}

static void episodes(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        uint64_t veh[MAXN], comp[MAXN], ops[MAXN], dealer64[MAXN];
        uint32_t dealer[MAXN];
        int64_t opened[MAXN], closed[MAXN];
        const cJSON *e = get(v, "expected"), *as_of = get(v, "as_of");
        int has_comp = !cJSON_IsNull(get(v, "complaints"));
        size_t n = ids(get(v, "vehicles"), veh), i;
        NpsKpi d, w;
        NpsComebackOptions o = nps_comeback_options_default();
        NpsKpiGrouping grouping;
        NpsKpiTable *td = NULL, *tw = NULL;
        o.window_seconds = (int64_t)get(v, "window_seconds")->valuedouble;
        o.has_as_of = cJSON_IsNumber(as_of);
        o.as_of = cJSON_IsNumber(as_of) ? (int64_t)as_of->valuedouble : 0;
        o.exclude_incomplete = cJSON_IsTrue(get(v, "exclude_incomplete"));
        case_begin("episodes: %s", get(v, "name")->valuestring);
        if (has_comp) ids(get(v, "complaints"), comp);
        ids(get(v, "operations"), ops);
        ids(get(v, "dealers"), dealer64);
        for (i = 0; i < n; i++) dealer[i] = (uint32_t)dealer64[i];
        i64s(get(v, "opened"), opened);
        i64s(get(v, "closed"), closed);
#define JOBS n ? veh : NULL, has_comp && n ? comp : NULL
#define TIMES n ? opened : NULL, n ? closed : NULL, n, &o
        CHECK_STATUS(nps_kpi_diagnosis_accuracy(JOBS, n ? ops : NULL, TIMES, &d), NPS_STATUS_OK);
        check_kpi("diagnosis_accuracy", &d, get(e, "diagnosis_accuracy"));
        CHECK_STATUS(nps_kpi_visits_per_resolution(JOBS, TIMES, &w), NPS_STATUS_OK);
        check_kpi("visits_per_resolution", &w, get(e, "visits_per_resolution"));
        memset(&grouping, 0, sizeof grouping);
        grouping.keys = n ? dealer : NULL;
        CHECK_STATUS(nps_kpi_diagnosis_accuracy_table(JOBS, n ? ops : NULL, TIMES, &grouping, &td), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_visits_per_resolution_table(JOBS, TIMES, &grouping, &tw), NPS_STATUS_OK);
#undef JOBS
#undef TIMES
        CHECK(nps_kpi_table_len(td) == (size_t)cJSON_GetArraySize(get(e, "by_dealer")));
        CHECK(nps_kpi_table_len(tw) == (size_t)cJSON_GetArraySize(get(e, "by_dealer")));
        for (i = 0; i < nps_kpi_table_len(td) && i < nps_kpi_table_len(tw); i++) {
            NpsKpiGroup rd, rw;
            const cJSON *g;
            CHECK_STATUS(nps_kpi_table_get(td, i, &rd), NPS_STATUS_OK);
            CHECK_STATUS(nps_kpi_table_get(tw, i, &rw), NPS_STATUS_OK);
            CHECK(rd.has_key && rw.has_key && rd.key == rw.key);
            g = group_of(get(e, "by_dealer"), get(v, "dealers"), rd.key);
            CHECK(g != NULL);
            if (g == NULL) continue;
            check_kpi("group diagnosis_accuracy", &rd.kpi, get(g, "diagnosis_accuracy"));
            check_kpi("group visits_per_resolution", &rw.kpi, get(g, "visits_per_resolution"));
        }
        nps_kpi_table_free(td);
        nps_kpi_table_free(tw);
        case_end();
    }
    {
        /* Operations are required, and their length is the jobs'. */
        static const uint64_t vv[2] = {1, 1};
        static const int64_t op[2] = {0, 86400}, cl[2] = {3600, 90000};
        NpsKpi k;
        case_begin("episodes: operations NULL");
        CHECK_STATUS(nps_kpi_diagnosis_accuracy(vv, NULL, NULL, op, cl, 2, NULL, &k), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_kpi_visits_per_resolution(vv, NULL, op, cl, 2, NULL, &k), NPS_STATUS_OK);
        CHECK_CLOSE("two visits, one resolution", k.value, 2.0, TOL);
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

static const char *STATUS_NAMES[] = {"meets", "misses", "no_data", "no_benchmark"};

/* An optional number of a score line against the expected JSON (null = unset). */
static void check_opt(const char *what, bool has, double got, const cJSON *want) {
    CHECK(has == cJSON_IsNumber(want));
    if (has && cJSON_IsNumber(want)) CHECK_CLOSE(what, got, want->valuedouble, TOL);
}

static void scorecard(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        const cJSON *val = get(v, "value");
        uint32_t st = 99;
        NpsScoreLine line;
        case_begin("scorecard: %s", get(v, "kpi")->valuestring);
        CHECK_STATUS(nps_kpi_scorecard_status(NULL, get(v, "kpi")->valuestring, cJSON_IsNumber(val),
                                              cJSON_IsNumber(val) ? val->valuedouble : 0.0, &st),
                     NPS_STATUS_OK);
        CHECK(st < 4);
        if (st < 4) CHECK_STR("status", STATUS_NAMES[st], get(v, "status")->valuestring);
        CHECK_STATUS(nps_kpi_scorecard_value(NULL, get(v, "kpi")->valuestring, cJSON_IsNumber(val),
                                             cJSON_IsNumber(val) ? val->valuedouble : 0.0, &line),
                     NPS_STATUS_OK);
        CHECK(line.status == st);
        check_opt("min", line.has_min, line.min, get(v, "min"));
        check_opt("max", line.has_max, line.max, get(v, "max"));
        check_opt("standard_minutes", line.has_standard, line.standard_minutes, get(v, "standard_minutes"));
        case_end();
    }
}

/* Reception and delivery time are per-visit standards: a time KPI is judged
 * by its share of visits within the standard, not by its mean. */
static void scorecard_time(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        const cJSON *e = get(v, "expected"), *mean = get(e, "mean_minutes");
        const char *kpi = get(v, "kpi")->valuestring;
        uint32_t m = strcmp(kpi, "delivery_minutes") == 0 ? NPS_TIME_MEASURE_DELIVERY
                                                          : NPS_TIME_MEASURE_RECEPTION_RESPONSE;
        int64_t s[MAXN], target = -1;
        size_t n = i64s(get(v, "seconds"), s);
        NpsTimeKpi t, other;
        NpsScoreLine line;
        case_begin("scorecard_time: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_kpi_time_target(NULL, m, &target), NPS_STATUS_OK);
        CHECK(target == (int64_t)get(v, "target_seconds")->valuedouble);
        CHECK_STATUS(nps_kpi_time_durations(n ? s : NULL, n, target, &t), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_scorecard_time(NULL, kpi, &t, &line), NPS_STATUS_OK);
        CHECK(line.status < 4);
        if (line.status < 4) CHECK_STR("status", STATUS_NAMES[line.status], get(e, "status")->valuestring);
        check_opt("value", line.has_value, line.value, get(e, "value"));
        check_opt("min", line.has_min, line.min, get(e, "min"));
        check_opt("max", line.has_max, line.max, get(e, "max"));
        check_opt("standard_minutes", line.has_standard, line.standard_minutes, get(e, "standard_minutes"));
        CHECK(line.has_unit && line.unit == NPS_KPI_UNIT_FRACTION);
        /* What the mean alone said (the old rule). */
        check_opt("mean_minutes", t.has_stats, t.mean / 60.0, mean);
        if (cJSON_IsNumber(mean))
            CHECK((t.mean / 60.0 <= line.standard_minutes) == cJSON_IsTrue(get(e, "mean_within_standard")));
        /* Computed with another target: refused, naming target_seconds. */
        CHECK_STATUS(nps_kpi_time_durations(n ? s : NULL, n, target + 1, &other), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_scorecard_time(NULL, kpi, &other, &line), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(last_message(), "target_seconds") != NULL);
        case_end();
    }
}


static uint32_t pay_type_of(const char *name) {
    if (strcmp(name, "customer") == 0) return NPS_PAY_TYPE_CUSTOMER;
    if (strcmp(name, "warranty") == 0) return NPS_PAY_TYPE_WARRANTY;
    return NPS_PAY_TYPE_INTERNAL;
}

static void labour_rate(const cJSON *sec) {
    static const char *names[3] = {"customer", "warranty", "internal"};
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        int64_t sales[MAXN];
        double hours[MAXN];
        uint32_t pay[MAXN];
        size_t n = i64s(get(v, "sales_minor"), sales), i = 0;
        const cJSON *x, *e = get(v, "expected");
        NpsKpi overall, by[3];
        case_begin("labour_rate: %s", get(v, "name")->valuestring);
        f64s(get(v, "hours_sold"), hours, NULL);
        cJSON_ArrayForEach(x, get(v, "pay_types")) pay[i++] = pay_type_of(x->valuestring);
        CHECK_STATUS(nps_kpi_effective_labour_rate(n ? sales : NULL, n ? hours : NULL, n ? pay : NULL, n, &overall, by),
                     NPS_STATUS_OK);
        check_kpi("overall", &overall, get(e, "overall"));
        for (i = 0; i < 3; i++) {
            const cJSON *b = get(get(e, "by_pay_type"), names[i]);
            if (cJSON_IsNull(b)) {
                CHECK(!by[i].has_value && !by[i].has_coverage);
            } else {
                check_kpi(names[i], &by[i], b);
            }
        }
        case_end();
    }
}

static void hours_per_ro(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        double srt[MAXN], worked[MAXN];
        uint8_t has[MAXN];
        size_t n = f64s(get(v, "srt_hours"), srt, has);
        NpsKpi k;
        case_begin("hours_per_ro: %s", get(v, "name")->valuestring);
        f64s(get(v, "worked_hours"), worked, NULL);
        CHECK_STATUS(nps_kpi_hours_per_ro(n ? srt : NULL, n ? has : NULL, n ? worked : NULL, n, NPS_HOURS_BASIS_SRT, &k),
                     NPS_STATUS_OK);
        check_kpi("srt", &k, get(get(v, "expected"), "srt"));
        CHECK_STATUS(nps_kpi_hours_per_ro(n ? srt : NULL, n ? has : NULL, n ? worked : NULL, n, NPS_HOURS_BASIS_WORKED, &k),
                     NPS_STATUS_OK);
        check_kpi("worked", &k, get(get(v, "expected"), "worked"));
        case_end();
    }
}

/* Integer columns with nulls: value and a 0/1 presence flag. */
static size_t i64s_opt(const cJSON *arr, int64_t *out, uint8_t *present) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        present[n] = cJSON_IsNumber(x) ? 1 : 0;
        out[n++] = cJSON_IsNumber(x) ? (int64_t)x->valuedouble : 0;
    }
    return n;
}

static void simple_rates(const cJSON *doc) {
    const cJSON *v;
    cJSON_ArrayForEach(v, get(doc, "ready_when_promised")) {
        int64_t d[MAXN], p[MAXN];
        uint8_t has[MAXN];
        size_t n = i64s(get(v, "delivered"), d);
        NpsKpi k;
        case_begin("ready_when_promised: %s", get(v, "name")->valuestring);
        i64s_opt(get(v, "promised"), p, has);
        CHECK_STATUS(nps_kpi_ready_when_promised(d, p, has, n, &k), NPS_STATUS_OK);
        check_kpi("rwp", &k, get(v, "expected"));
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "follow_up")) {
        int64_t e[MAXN], f[MAXN];
        uint8_t has[MAXN], excluded[MAXN];
        const cJSON *x = get(v, "excluded"), *b;
        size_t n = i64s(get(v, "service_end"), e), nx = 0;
        NpsKpi k;
        NpsFollowUpOptions o = nps_follow_up_options_default();
        o.earliest_seconds = (int64_t)get(v, "earliest_seconds")->valuedouble;
        o.latest_seconds = (int64_t)get(v, "latest_seconds")->valuedouble;
        case_begin("follow_up: %s", get(v, "name")->valuestring);
        i64s_opt(get(v, "follow_up"), f, has);
        cJSON_ArrayForEach(b, x) excluded[nx++] = cJSON_IsTrue(b) ? 1 : 0;
        CHECK(cJSON_IsNull(x) || nx == n);
        CHECK_STATUS(nps_kpi_follow_up_completion(e, f, has, cJSON_IsNull(x) ? NULL : excluded, n, &o, &k),
                     NPS_STATUS_OK);
        check_kpi("follow_up", &k, get(v, "expected"));
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "csat")) {
        double r[MAXN];
        size_t n = f64s(get(v, "ratings"), r, NULL);
        NpsKpi k;
        NpsCsatOptions o = nps_csat_options_default();
        o.satisfied_min = get(v, "satisfied_min")->valuedouble;
        case_begin("csat: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_kpi_csat(n ? r : NULL, n, &o, &k), NPS_STATUS_OK);
        check_kpi("csat", &k, get(v, "expected"));
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "revenue_per_engineer")) {
        int64_t r[MAXN];
        size_t n = i64s(get(v, "revenue_minor"), r);
        NpsKpi k;
        case_begin("revenue_per_engineer: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_kpi_service_revenue_per_engineer(r, n, (uint32_t)get(v, "engineers")->valuedouble, &k),
                     NPS_STATUS_OK);
        check_kpi("revenue", &k, get(v, "expected"));
        case_end();
    }
    cJSON_ArrayForEach(v, get(doc, "repeat_complaint")) {
        uint64_t s[MAXN];
        int64_t r[MAXN], c[MAXN];
        size_t n = ids(get(v, "subjects"), s);
        const cJSON *as_of = get(v, "as_of");
        NpsKpi k;
        NpsComebackOptions o = nps_comeback_options_default();
        o.window_seconds = (int64_t)get(v, "window_days")->valuedouble * 86400;
        o.has_as_of = cJSON_IsNumber(as_of);
        o.as_of = cJSON_IsNumber(as_of) ? (int64_t)as_of->valuedouble : 0;
        case_begin("repeat_complaint: %s", get(v, "name")->valuestring);
        i64s(get(v, "raised"), r);
        i64s(get(v, "closed"), c);
        CHECK_STATUS(nps_kpi_repeat_complaint(s, r, c, n, &o, &k), NPS_STATUS_OK);
        check_kpi("repeat", &k, get(v, "expected"));
        case_end();
    }
}

static void grouped_rate(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        uint8_t flags[MAXN];
        uint32_t keys[MAXN];
        int64_t ts[MAXN];
        size_t n = 0, i = 0;
        const cJSON *x, *g, *e = get(v, "expected");
        NpsKpiGrouping grouping;
        NpsKpiTable *t = NULL;
        NpsKpi overall;
        case_begin("grouped_rate: %s", get(v, "name")->valuestring);
        cJSON_ArrayForEach(x, get(v, "flags")) flags[n++] = (uint8_t)x->valueint;
        cJSON_ArrayForEach(x, get(v, "keys")) keys[i++] = (uint32_t)x->valuedouble;
        i64s(get(v, "timestamps"), ts);
        memset(&grouping, 0, sizeof grouping);
        grouping.keys = keys;
        grouping.timestamps = ts;
        grouping.period = NPS_PERIOD_MONTH;
        grouping.tz = get(v, "tz")->valuestring;
        CHECK_STATUS(nps_kpi_rate_table(flags, NULL, n, &grouping, &t), NPS_STATUS_OK);
        CHECK(nps_kpi_table_len(t) == (size_t)cJSON_GetArraySize(get(e, "groups")));
        CHECK_STATUS(nps_kpi_table_overall(t, &overall), NPS_STATUS_OK);
        check_kpi("overall", &overall, get(e, "overall"));
        i = 0;
        cJSON_ArrayForEach(g, get(e, "groups")) {
            NpsKpiGroup row;
            char date[16];
            if (i >= nps_kpi_table_len(t)) break;
            CHECK_STATUS(nps_kpi_table_get(t, i++, &row), NPS_STATUS_OK);
            CHECK(row.has_key && row.has_period);
            CHECK(row.key == (uint32_t)get(g, "key")->valuedouble);
            snprintf(date, sizeof date, "%04d-%02u-%02u", (int)row.year, (unsigned)row.month, (unsigned)row.day);
            CHECK_STR("period_start", date, get(g, "period_start")->valuestring);
            check_kpi("group", &row.kpi, get(g, "kpi"));
        }
        nps_kpi_table_free(t);
        case_end();
    }
}

/* Hand-computed grouped time and technician tables and the SRT catalog. */
static void tables_and_catalog(void) {
    /* Durations 60, 200 (key 1), 100 (key 2); target 120. */
    static const int64_t start[3] = {1000, 1000, 1000}, end[3] = {1060, 1200, 1100};
    static const uint32_t tkeys[3] = {1, 1, 2};
    /* Jobs: tech 5 worked 2 h (SRT 2.5) and 1 h (no SRT); tech 9 worked 4 h (SRT 3). */
    static const double worked[3] = {2.0, 1.0, 4.0}, srt[3] = {2.5, 0.0, 3.0};
    static const uint8_t has_srt[3] = {1, 0, 1};
    static const uint32_t jkeys[3] = {5, 5, 9}, akeys[3] = {9, 5, 7};
    static const double avail[3] = {8.0, 4.0, 8.0};
    static const char *codes[2] = {"OIL", "WHEEL_ALIGN"};
    static const double srt_h[2] = {0.5, 0.8};
    const char *ask[3] = {"WHEEL_ALIGN", "??", "OIL"};
    static const char json[] = "{\"OIL\": 0.5, \"BRAKES\": 1.2}";
    static const uint8_t rflags[3] = {1, 0, 1};
    NpsKpiGrouping g;
    NpsKpiTable *t = NULL;
    NpsKpiTimeTable *tt = NULL;
    NpsKpiTechnicianTable *tech = NULL;
    NpsKpiGroup row;
    NpsKpiTimeGroup trow;
    NpsKpiTechnicianGroup trow_tech;
    NpsTimeKpi tk;
    NpsKpi e, p, f;
    NpsSrtCatalog *cat = NULL;
    double hours[3];
    uint8_t has[3];

    case_begin("time table by key");
    memset(&g, 0, sizeof g);
    g.keys = tkeys;
    CHECK_STATUS(nps_kpi_time_table(start, end, 3, 120, &g, &tt), NPS_STATUS_OK);
    CHECK(nps_kpi_time_table_len(tt) == 2);
    CHECK_STATUS(nps_kpi_time_table_get(tt, 0, &trow), NPS_STATUS_OK);
    CHECK(trow.has_key && !trow.has_period);
    CHECK(trow.time.n == 2 && trow.time.has_stats);
    CHECK_CLOSE("mean", trow.time.mean, 130.0, TOL);
    CHECK_CLOSE("within", trow.time.within_target.value, 0.5, TOL);
    CHECK_STATUS(nps_kpi_time_table_overall(tt, &tk), NPS_STATUS_OK);
    CHECK(tk.n == 3);
    CHECK_CLOSE("median", tk.median, 100.0, TOL);
    CHECK_STATUS(nps_kpi_time_table_get(tt, 1, &trow), NPS_STATUS_OK);
    CHECK(trow.has_key && trow.key == 2 && !trow.has_period);
    CHECK_CLOSE("within", trow.time.within_target.value, 1.0, TOL);
    CHECK_STATUS(nps_kpi_time_table_get(tt, 2, &trow), NPS_STATUS_INDEX_OUT_OF_RANGE);
    nps_kpi_time_table_free(tt);
    case_end();

    case_begin("technician table");
    CHECK_STATUS(nps_kpi_technician_table(worked, srt, has_srt, jkeys, 3, avail, akeys, 3, &tech), NPS_STATUS_OK);
    CHECK(nps_kpi_technician_table_len(tech) == 3);
    CHECK_STATUS(nps_kpi_technician_table_get(tech, 0, &trow_tech), NPS_STATUS_OK); /* tech 5 */
    CHECK(trow_tech.key == 5);
    e = trow_tech.efficiency;
    p = trow_tech.productivity;
    f = trow_tech.proficiency;
    CHECK_CLOSE("efficiency", e.value, 1.25, TOL);
    CHECK_CLOSE("coverage", e.coverage, 0.5, TOL);
    CHECK_CLOSE("productivity", p.value, 0.75, TOL);
    CHECK_CLOSE("proficiency", f.value, 0.625, TOL);
    CHECK_STATUS(nps_kpi_technician_table_get(tech, 2, &trow_tech), NPS_STATUS_OK); /* tech 9 */
    CHECK(trow_tech.key == 9);
    CHECK_CLOSE("efficiency", trow_tech.efficiency.value, 0.75, TOL);
    CHECK_CLOSE("productivity", trow_tech.productivity.value, 0.5, TOL);
    CHECK_STATUS(nps_kpi_technician_table_get(tech, 1, &trow_tech), NPS_STATUS_OK); /* tech 7: attendance only */
    CHECK(trow_tech.key == 7 && !trow_tech.efficiency.has_value);
    CHECK(trow_tech.productivity.has_value && trow_tech.productivity.value == 0.0);
    CHECK(!trow_tech.productivity.has_coverage);
    CHECK_STATUS(nps_kpi_technician_table_get(tech, 3, &trow_tech), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_kpi_technician_table_get(tech, 0, NULL), NPS_STATUS_NULL_POINTER);
    nps_kpi_technician_table_free(tech);
    case_end();

    case_begin("typed tables: each kind created, read, freed");
    CHECK_STATUS(nps_kpi_rate_table(rflags, NULL, 3, NULL, &t), NPS_STATUS_OK);
    CHECK(nps_kpi_table_len(t) == 1);
    CHECK_STATUS(nps_kpi_table_overall(t, &e), NPS_STATUS_OK);
    CHECK_CLOSE("rate", e.value, 2.0 / 3.0, TOL);
    CHECK_STATUS(nps_kpi_table_get(t, 0, &row), NPS_STATUS_OK);
    CHECK(!row.has_key && !row.has_period);
    CHECK_CLOSE("rate", row.kpi.value, 2.0 / 3.0, TOL);
    nps_kpi_table_free(t);
    t = NULL;
    CHECK_STATUS(nps_kpi_time_table(start, end, 3, 120, NULL, &tt), NPS_STATUS_OK);
    CHECK(nps_kpi_time_table_len(tt) == 1);
    CHECK_STATUS(nps_kpi_time_table_get(tt, 0, &trow), NPS_STATUS_OK);
    CHECK(!trow.has_key && trow.time.n == 3);
    nps_kpi_time_table_free(tt);
    tt = NULL;
    CHECK_STATUS(nps_kpi_technician_table(NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, &tech), NPS_STATUS_OK);
    CHECK(nps_kpi_technician_table_len(tech) == 0);
    CHECK_STATUS(nps_kpi_technician_table_get(tech, 0, &trow_tech), NPS_STATUS_INDEX_OUT_OF_RANGE);
    nps_kpi_technician_table_free(tech);
    tech = NULL;
    case_end();

    case_begin("typed tables: NULL handles");
    CHECK_STATUS(nps_kpi_table_overall(NULL, &e), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_table_get(NULL, 0, &row), NPS_STATUS_NULL_POINTER);
    CHECK(nps_kpi_table_len(NULL) == 0);
    nps_kpi_table_free(NULL);
    CHECK_STATUS(nps_kpi_time_table_overall(NULL, &tk), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_time_table_get(NULL, 0, &trow), NPS_STATUS_NULL_POINTER);
    CHECK(strstr(last_message(), "table") != NULL);
    CHECK(nps_kpi_time_table_len(NULL) == 0);
    nps_kpi_time_table_free(NULL);
    CHECK_STATUS(nps_kpi_technician_table_get(NULL, 0, &trow_tech), NPS_STATUS_NULL_POINTER);
    CHECK(nps_kpi_technician_table_len(NULL) == 0);
    nps_kpi_technician_table_free(NULL);
    CHECK_STATUS(nps_kpi_time_table(start, end, 3, 120, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_technician_table(worked, srt, has_srt, jkeys, 3, avail, akeys, 3, NULL),
                 NPS_STATUS_NULL_POINTER);
    case_end();

    case_begin("SRT catalog");
    CHECK_STATUS(nps_srt_catalog_new(codes, srt_h, 2, &cat), NPS_STATUS_OK);
    CHECK(nps_srt_catalog_len(cat) == 2);
    CHECK_STATUS(nps_srt_catalog_lookup(cat, ask, 3, hours, has), NPS_STATUS_OK);
    CHECK(has[0] == 1 && has[1] == 0 && has[2] == 1);
    CHECK_CLOSE("WHEEL_ALIGN", hours[0], 0.8, 0.0);
    CHECK_CLOSE("OIL", hours[2], 0.5, 0.0);
    CHECK_STATUS(nps_srt_catalog_lookup(cat, NULL, 0, NULL, NULL), NPS_STATUS_OK);
    CHECK_STATUS(nps_srt_catalog_lookup(cat, ask, 3, NULL, has), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_srt_catalog_lookup(NULL, ask, 3, hours, has), NPS_STATUS_NULL_POINTER);
    ask[1] = NULL;
    CHECK_STATUS(nps_srt_catalog_lookup(cat, ask, 3, hours, has), NPS_STATUS_NULL_POINTER);
    nps_srt_catalog_free(cat);
    cat = NULL;
    CHECK_STATUS(nps_srt_catalog_from_json(json, strlen(json), &cat), NPS_STATUS_OK);
    CHECK(nps_srt_catalog_len(cat) == 2);
    nps_srt_catalog_free(cat);
    nps_srt_catalog_free(NULL);
    CHECK(nps_srt_catalog_len(NULL) == 0);
    case_end();
}

static void bad_input_more(void) {
    static const int64_t sales[2] = {100, 200}, neg[1] = {-5};
    static const double hours[2] = {1.0, 2.0};
    static const uint32_t bad_pay[2] = {0, 7};
    static const uint8_t flags[2] = {1, 0};
    static const double dup_h[2] = {1.0, 2.0};
    static const char *dup[2] = {"OIL", "OIL"};
    static const char bad_utf8[] = {(char)0xff, (char)0xfe, 0};
    const char *bad_codes[1];
    static const int64_t t[1] = {1740000000};
    double nan_ratings[2];
    NpsKpi k, by[3];
    NpsKpiTable *tab = NULL;
    NpsKpiGrouping g;
    NpsSrtCatalog *cat = NULL;
    bad_codes[0] = bad_utf8;
    nan_ratings[0] = 4.0;
    nan_ratings[1] = NAN;

    case_begin("new KPIs: NULL pointers");
    CHECK_STATUS(nps_kpi_effective_labour_rate(NULL, hours, bad_pay, 2, &k, by), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_hours_per_ro(hours, NULL, hours, 2, NPS_HOURS_BASIS_SRT, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_ready_when_promised(t, NULL, NULL, 1, &k), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_follow_up_completion(NULL, t, NULL, NULL, 1, NULL, &k), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_repeat_complaint(NULL, t, t, 1, NULL, &k), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_csat(NULL, 2, NULL, &k), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_service_revenue_per_engineer(sales, 2, 1, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_rate_table(flags, NULL, 2, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_srt_catalog_new(NULL, dup_h, 2, &cat), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_srt_catalog_from_json(NULL, 3, &cat), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_table_overall(NULL, &k), NPS_STATUS_NULL_POINTER);
    CHECK(nps_kpi_table_len(NULL) == 0);
    nps_kpi_table_free(NULL);
    case_end();

    case_begin("new KPIs: bad enum values");
    CHECK_STATUS(nps_kpi_effective_labour_rate(sales, hours, bad_pay, 2, &k, by), NPS_STATUS_INVALID_VALUE);
    CHECK(strstr(last_message(), "row 1") != NULL);
    CHECK_STATUS(nps_kpi_hours_per_ro(hours, NULL, hours, 2, 9, &k), NPS_STATUS_INVALID_ARGUMENT);
    memset(&g, 0, sizeof g);
    g.period = 42;
    CHECK_STATUS(nps_kpi_rate_table(flags, NULL, 2, &g, &tab), NPS_STATUS_INVALID_ARGUMENT);
    g.period = NPS_PERIOD_MONTH; /* no timestamps */
    CHECK_STATUS(nps_kpi_rate_table(flags, NULL, 2, &g, &tab), NPS_STATUS_INVALID_ARGUMENT);
    case_end();

    case_begin("new KPIs: length 0 is no data");
    CHECK_STATUS(nps_kpi_effective_labour_rate(NULL, NULL, NULL, 0, &k, by), NPS_STATUS_OK);
    CHECK(!k.has_value && !by[0].has_value && !by[2].has_coverage);
    CHECK_STATUS(nps_kpi_csat(NULL, 0, NULL, &k), NPS_STATUS_OK);
    CHECK(!k.has_value && !k.has_coverage);
    CHECK_STATUS(nps_kpi_ready_when_promised(NULL, NULL, NULL, 0, &k), NPS_STATUS_OK);
    CHECK(!k.has_value);
    CHECK_STATUS(nps_kpi_rate_table(NULL, NULL, 0, NULL, &tab), NPS_STATUS_OK);
    CHECK(nps_kpi_table_len(tab) == 0);
    nps_kpi_table_free(tab);
    case_end();

    case_begin("new KPIs: NaN, negative, invalid UTF-8, duplicates");
    CHECK_STATUS(nps_kpi_csat(nan_ratings, 2, NULL, &k), NPS_STATUS_INVALID_VALUE);
    CHECK(strstr(last_message(), "row 1") != NULL);
    {
        NpsCsatOptions nan_min = nps_csat_options_default();
        nan_min.satisfied_min = NAN;
        CHECK_STATUS(nps_kpi_csat(nan_ratings, 1, &nan_min, &k), NPS_STATUS_INVALID_ARGUMENT);
    }
    CHECK_STATUS(nps_kpi_service_revenue_per_engineer(neg, 1, 2, &k), NPS_STATUS_INVALID_VALUE);
    {
        NpsFollowUpOptions negative = nps_follow_up_options_default(), reversed = negative;
        uint8_t two = 2;
        negative.earliest_seconds = -1;
        CHECK_STATUS(nps_kpi_follow_up_completion(t, t, NULL, NULL, 1, &negative, &k), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(last_message(), "earliest_seconds") != NULL);
        reversed.latest_seconds = reversed.earliest_seconds - 1;
        CHECK_STATUS(nps_kpi_follow_up_completion(t, t, NULL, NULL, 1, &reversed, &k), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(last_message(), "latest_seconds") != NULL);
        CHECK_STATUS(nps_kpi_follow_up_completion(t, t, NULL, &two, 1, NULL, &k), NPS_STATUS_INVALID_VALUE);
        CHECK(strstr(last_message(), "excluded") != NULL);
    }
    CHECK_STATUS(nps_srt_catalog_new(bad_codes, dup_h, 1, &cat), NPS_STATUS_INVALID_UTF8);
    CHECK_STATUS(nps_srt_catalog_new(dup, dup_h, 2, &cat), NPS_STATUS_INVALID_VALUE);
    CHECK(strstr(last_message(), "row 1") != NULL);
    CHECK_STATUS(nps_srt_catalog_from_json("[1]", 3, &cat), NPS_STATUS_INVALID_ARGUMENT);
    case_end();
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

/* A copy of a KPI table through its saved state. */
static NpsKpiTable *reload_table(const NpsKpiTable *t) {
    uint8_t buf[1 << 14];
    size_t len = 0;
    NpsKpiTable *out = NULL;
    CHECK_STATUS(nps_kpi_table_to_state(t, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK(len > 0 && len <= sizeof buf);
    CHECK_STATUS(nps_kpi_table_to_state(t, buf, sizeof buf, &len), NPS_STATUS_OK);
    CHECK_STATUS(nps_kpi_table_from_state(buf, len, &out), NPS_STATUS_OK);
    return out;
}

/* A copy of a time table through its saved state. */
static NpsKpiTimeTable *reload_time(const NpsKpiTimeTable *t) {
    uint8_t buf[1 << 14];
    size_t len = 0;
    NpsKpiTimeTable *out = NULL;
    CHECK_STATUS(nps_kpi_time_table_to_state(t, buf, sizeof buf, &len), NPS_STATUS_OK);
    CHECK(len > 0 && len <= sizeof buf);
    CHECK_STATUS(nps_kpi_time_table_from_state(buf, len, &out), NPS_STATUS_OK);
    return out;
}

/* First-time fix of the golden jobs split by vehicle (even / odd vehicle
 * ids) merges to the oracle's rate; a split that puts a vehicle's jobs in
 * both parts is an error naming the vehicle rule. */
static void first_time_fix_merged(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        uint64_t veh[MAXN], comp[MAXN], pv[2][MAXN], pc[2][MAXN];
        int64_t opened[MAXN], closed[MAXN], po[2][MAXN], pcl[2][MAXN];
        const cJSON *e = get(v, "expected"), *as_of = get(v, "as_of");
        int has_comp = !cJSON_IsNull(get(v, "complaints"));
        size_t n = ids(get(v, "vehicles"), veh), len[2] = {0, 0}, i;
        NpsComebackOptions o = nps_comeback_options_default();
        NpsKpiTable *part[2] = {NULL, NULL}, *first = NULL, *m = NULL, *x = NULL, *y = NULL;
        NpsKpi ov;
        int shared = 0;
        o.window_seconds = (int64_t)get(v, "window_seconds")->valuedouble;
        o.has_as_of = cJSON_IsNumber(as_of);
        o.as_of = cJSON_IsNumber(as_of) ? (int64_t)as_of->valuedouble : 0;
        o.exclude_incomplete = cJSON_IsTrue(get(v, "exclude_incomplete"));
        case_begin("first_time_fix merged: %s", get(v, "name")->valuestring);
        if (has_comp) ids(get(v, "complaints"), comp);
        i64s(get(v, "opened"), opened);
        i64s(get(v, "closed"), closed);
        for (i = 0; i < n; i++) {
            size_t p = veh[i] % 2, k = len[p]++;
            pv[p][k] = veh[i];
            pc[p][k] = has_comp ? comp[i] : 0;
            po[p][k] = opened[i];
            pcl[p][k] = closed[i];
        }
        for (i = 0; i < 2; i++) {
            CHECK_STATUS(nps_kpi_first_time_fix_table(pv[i], has_comp ? pc[i] : NULL, po[i], pcl[i],
                                                      len[i], &o, false, NULL, &part[i]),
                         NPS_STATUS_OK);
        }
        first = reload_table(part[0]);
        CHECK_STATUS(nps_kpi_table_merge(first, part[1], &m), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_table_overall(m, &ov), NPS_STATUS_OK);
        check_kpi("merged ftfr", &ov, get(e, "first_time_fix_rate"));
        /* Rows 0..n/2 and n/2..n: a vehicle in both halves is an error. */
        for (i = 0; i < n / 2; i++) {
            size_t j;
            for (j = n / 2; j < n; j++) shared |= veh[i] == veh[j];
        }
        CHECK_STATUS(nps_kpi_first_time_fix_table(veh, has_comp ? comp : NULL, opened, closed, n / 2,
                                                  &o, false, NULL, &x),
                     NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_first_time_fix_table(veh + n / 2, has_comp ? comp + n / 2 : NULL,
                                                  opened + n / 2, closed + n / 2, n - n / 2, &o,
                                                  false, NULL, &y),
                     NPS_STATUS_OK);
        nps_kpi_table_free(m);
        m = NULL;
        if (shared) {
            CHECK_STATUS(nps_kpi_table_merge(x, y, &m), NPS_STATUS_INVALID_ARGUMENT);
            CHECK(strstr(last_message(), "partitioned by vehicle") != NULL);
            CHECK(m == NULL);
        } else {
            CHECK_STATUS(nps_kpi_table_merge(x, y, &m), NPS_STATUS_OK);
            CHECK_STATUS(nps_kpi_table_overall(m, &ov), NPS_STATUS_OK);
            check_kpi("halves", &ov, get(e, "first_time_fix_rate"));
        }
        nps_kpi_table_free(part[0]);
        nps_kpi_table_free(part[1]);
        nps_kpi_table_free(first);
        nps_kpi_table_free(m);
        nps_kpi_table_free(x);
        nps_kpi_table_free(y);
        case_end();
    }
}

/* The golden durations split at every row (empty parts too) and merged:
 * the oracle's n, mean, median, p90 and share within target. */
static void time_merged(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        int64_t d[MAXN], start[MAXN], end[MAXN];
        size_t n = i64s(get(v, "seconds"), d), i, k;
        int64_t target = (int64_t)get(v, "target_seconds")->valuedouble;
        const cJSON *e = get(v, "expected");
        case_begin("time merged: %s", get(v, "name")->valuestring);
        for (i = 0; i < n; i++) {
            start[i] = 1700000000;
            end[i] = 1700000000 + d[i];
        }
        for (k = 0; k <= n; k++) {
            NpsKpiTimeTable *a = NULL, *b = NULL, *a2 = NULL, *m = NULL;
            NpsTimeKpi t;
            CHECK_STATUS(nps_kpi_time_table(start, end, k, target, NULL, &a), NPS_STATUS_OK);
            CHECK_STATUS(nps_kpi_time_table(start + k, end + k, n - k, target, NULL, &b),
                         NPS_STATUS_OK);
            a2 = reload_time(a);
            CHECK_STATUS(nps_kpi_time_table_merge(a2, b, &m), NPS_STATUS_OK);
            CHECK_STATUS(nps_kpi_time_table_overall(m, &t), NPS_STATUS_OK);
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
            nps_kpi_time_table_free(a);
            nps_kpi_time_table_free(a2);
            nps_kpi_time_table_free(b);
            nps_kpi_time_table_free(m);
        }
        case_end();
    }
}

/* The golden grouped rate split at every row and merged: the oracle's
 * overall KPI and groups. */
static void grouped_rate_merged(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        uint8_t flags[MAXN];
        uint32_t keys[MAXN];
        int64_t ts[MAXN];
        size_t n = 0, i = 0, k;
        const cJSON *x, *e = get(v, "expected");
        case_begin("grouped_rate merged: %s", get(v, "name")->valuestring);
        cJSON_ArrayForEach(x, get(v, "flags")) flags[n++] = (uint8_t)x->valueint;
        cJSON_ArrayForEach(x, get(v, "keys")) keys[i++] = (uint32_t)x->valuedouble;
        i64s(get(v, "timestamps"), ts);
        for (k = 0; k <= n; k++) {
            NpsKpiGrouping g;
            NpsKpiTable *a = NULL, *b = NULL, *b2 = NULL, *m = NULL;
            NpsKpi overall;
            const cJSON *grp;
            memset(&g, 0, sizeof g);
            g.period = NPS_PERIOD_MONTH;
            g.tz = get(v, "tz")->valuestring;
            g.keys = keys;
            g.timestamps = ts;
            CHECK_STATUS(nps_kpi_rate_table(flags, NULL, k, &g, &a), NPS_STATUS_OK);
            g.keys = keys + k;
            g.timestamps = ts + k;
            CHECK_STATUS(nps_kpi_rate_table(flags + k, NULL, n - k, &g, &b), NPS_STATUS_OK);
            b2 = reload_table(b);
            CHECK_STATUS(nps_kpi_table_merge(a, b2, &m), NPS_STATUS_OK);
            CHECK_STATUS(nps_kpi_table_overall(m, &overall), NPS_STATUS_OK);
            check_kpi("overall", &overall, get(e, "overall"));
            CHECK(nps_kpi_table_len(m) == (size_t)cJSON_GetArraySize(get(e, "groups")));
            i = 0;
            cJSON_ArrayForEach(grp, get(e, "groups")) {
                NpsKpiGroup row;
                if (i >= nps_kpi_table_len(m)) break;
                CHECK_STATUS(nps_kpi_table_get(m, i++, &row), NPS_STATUS_OK);
                CHECK(row.key == (uint32_t)get(grp, "key")->valuedouble);
                check_kpi("group", &row.kpi, get(grp, "kpi"));
            }
            nps_kpi_table_free(a);
            nps_kpi_table_free(b);
            nps_kpi_table_free(b2);
            nps_kpi_table_free(m);
        }
        case_end();
    }
}

/* Tables computed differently do not merge; NULL handles and bad states. */
static void merge_errors(void) {
    const uint8_t flags[2] = {1, 0};
    const uint64_t veh[2] = {1, 2};
    const int64_t opened[2] = {1700000000, 1700000000}, closed[2] = {1700003600, 1700003600};
    const int64_t end[2] = {1700000060, 1700000600};
    NpsKpiTable *r = NULL, *f = NULL, *out = NULL;
    NpsKpiTimeTable *t1 = NULL, *t2 = NULL, *tout = NULL;
    const uint8_t junk[] = "not a state";
    case_begin("kpi merge errors");
    CHECK_STATUS(nps_kpi_rate_table(flags, NULL, 2, NULL, &r), NPS_STATUS_OK);
    CHECK_STATUS(nps_kpi_first_time_fix_table(veh, NULL, opened, closed, 2, NULL, false, NULL, &f),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_kpi_table_merge(r, f, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "other") != NULL && strstr(last_message(), "first_time_fix_rate") != NULL);
    CHECK(out == NULL);
    /* The same vehicles twice: the comeback rule cannot merge them. */
    CHECK_STATUS(nps_kpi_table_merge(f, f, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "vehicle `1`") != NULL);
    CHECK_STATUS(nps_kpi_table_merge(r, NULL, &out), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_table_merge(r, r, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_time_table(opened, end, 2, 180, NULL, &t1), NPS_STATUS_OK);
    CHECK_STATUS(nps_kpi_time_table(opened, end, 2, 900, NULL, &t2), NPS_STATUS_OK);
    CHECK_STATUS(nps_kpi_time_table_merge(t1, t2, &tout), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "target_seconds") != NULL);
    CHECK_STATUS(nps_kpi_time_table_merge(NULL, t2, &tout), NPS_STATUS_NULL_POINTER);
    CHECK(tout == NULL);
    CHECK_STATUS(nps_kpi_table_from_state(junk, sizeof junk - 1, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "state") != NULL);
    CHECK_STATUS(nps_kpi_time_table_from_state(junk, sizeof junk - 1, &tout), NPS_STATUS_INVALID_ARGUMENT);
    {
        /* A time table's state is not a KPI table's. */
        uint8_t buf[4096];
        size_t len = 0;
        CHECK_STATUS(nps_kpi_time_table_to_state(t1, buf, sizeof buf, &len), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_table_from_state(buf, len, &out), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_kpi_time_table_to_state(t1, buf, 3, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    }
    CHECK(out == NULL && tout == NULL);
    nps_kpi_table_free(r);
    nps_kpi_table_free(f);
    nps_kpi_time_table_free(t1);
    nps_kpi_time_table_free(t2);
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
    episodes(get(doc, "episodes"));
    bay_utilization(get(doc, "bay_utilization"));
    technician(get(doc, "technician"));
    time_kpis(get(doc, "time"));
    scorecard(get(doc, "scorecard"));
    scorecard_time(get(doc, "scorecard_time"));
    labour_rate(get(doc, "labour_rate"));
    hours_per_ro(get(doc, "hours_per_ro"));
    simple_rates(doc);
    grouped_rate(get(doc, "grouped_rate"));
    first_time_fix_merged(get(doc, "first_time_fix"));
    time_merged(get(doc, "time"));
    grouped_rate_merged(get(doc, "grouped_rate"));
    merge_errors();
    cJSON_Delete(doc);
    bad_input();
    tables_and_catalog();
    bad_input_more();
    return summary("kpi");
}
