/* Workshop capacity through the C API: every vector of
 * tests/golden/workshop_vectors.json (written by the independent oracle
 * tests/golden/gen_workshop_vectors.py; schema in tests/golden/README.md) —
 * staffing by the hour and the capacity gain, the defaults section, estimate
 * accuracy and parts availability (overall, and grouped by key and period
 * with merge and saved states) — then its bad inputs and NULL pointers.
 * Usage: test_workshop path/to/workshop_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static double TOL = 1e-12;

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static size_t col(const NpsTable *t, const char *name) {
    size_t i = (size_t)-1;
    CHECK_STATUS(nps_table_column_index(t, name, &i), NPS_STATUS_OK);
    return i;
}

static void check_f64(const char *what, const NpsTable *t, size_t row, const char *name,
                      const cJSON *want) {
    double v = 0;
    bool null = false;
    CHECK_STATUS(nps_table_get_f64(t, row, col(t, name), &v, &null), NPS_STATUS_OK);
    if (cJSON_IsNull(want)) {
        if (!null) fail(__FILE__, __LINE__, "%s %s: %g, want null", what, name, v);
    } else {
        CHECK(!null);
        CHECK_CLOSE(what, v, want->valuedouble, TOL * fmax(1.0, fabs(want->valuedouble)));
    }
}

static void check_u64(const char *what, const NpsTable *t, size_t row, const char *name,
                      const cJSON *want) {
    uint64_t v = 0;
    bool null = true;
    CHECK_STATUS(nps_table_get_u64(t, row, col(t, name), &v, &null), NPS_STATUS_OK);
    CHECK(!null);
    CHECK_U64(what, v, (uint64_t)want->valuedouble);
}

static void check_text(const char *what, const NpsTable *t, size_t row, const char *name,
                       const cJSON *want) {
    char buf[16];
    size_t n = 0;
    bool null = true;
    CHECK_STATUS(nps_table_get_text(t, row, col(t, name), buf, sizeof buf, &n, &null), NPS_STATUS_OK);
    CHECK(!null);
    CHECK_STR(what, buf, want->valuestring);
}

/* Arrivals of a JSON array into a new buffer (never NULL). */
static int64_t *arrivals_of(const cJSON *arr, size_t *n) {
    size_t len = (size_t)cJSON_GetArraySize(arr), i = 0;
    int64_t *out = malloc((len ? len : 1) * sizeof *out);
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) out[i++] = (int64_t)x->valuedouble;
    *n = len;
    return out;
}

static NpsStaffingOptions options_of(const cJSON *o) {
    NpsStaffingOptions opts = nps_staffing_options_default();
    const cJSON *v;
    if ((v = get(o, "interval_s"))) opts.interval_s = (uint32_t)v->valuedouble;
    if ((v = get(o, "service_time_s"))) opts.service_time_s = v->valuedouble;
    if ((v = get(o, "target_wait_s"))) opts.target_wait_s = v->valuedouble;
    if ((v = get(o, "target_share"))) opts.target_share = v->valuedouble;
    return opts;
}

/* Runs nps_staffing with the roster of `r` (null, an int, or entries). */
static NpsStatus run(const cJSON *arr, const NpsCalendar *cal, const cJSON *r,
                     const NpsStaffingOptions *opts, NpsTable **out, uint64_t *outside) {
    size_t n = 0, k = 0;
    int64_t *a = arrivals_of(arr, &n);
    NpsRosterEntry entries[256];
    uint32_t constant = 0;
    const NpsRosterEntry *ep = NULL;
    const uint32_t *cp = NULL;
    NpsStatus st;
    if (cJSON_IsNumber(r)) {
        constant = (uint32_t)r->valuedouble;
        cp = &constant;
    } else if (cJSON_IsArray(r)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, r) {
            entries[k].weekday = (uint32_t)cJSON_GetArrayItem(e, 0)->valuedouble;
            entries[k].start_s = (uint32_t)cJSON_GetArrayItem(e, 1)->valuedouble;
            entries[k].servers = (uint32_t)cJSON_GetArrayItem(e, 2)->valuedouble;
            k++;
        }
        ep = entries;
    }
    st = nps_staffing(a, n, cal, ep, k, cp, opts, out, outside);
    free(a);
    return st;
}

static void check_profile(const char *name, const NpsTable *t, uint64_t outside,
                          const cJSON *want) {
    const cJSON *rows = get(want, "rows"), *w;
    size_t i = 0;
    CHECK_U64(name, outside, (uint64_t)get(want, "outside_hours")->valuedouble);
    CHECK_U64(name, nps_table_rows(t), (uint64_t)cJSON_GetArraySize(rows));
    CHECK_U64(name, nps_table_key_columns(t), 3);
    cJSON_ArrayForEach(w, rows) {
        check_text(name, t, i, "weekday", get(w, "weekday"));
        check_text(name, t, i, "start", get(w, "start"));
        check_u64(name, t, i, "hour", get(w, "hour"));
        check_u64(name, t, i, "arrivals", get(w, "arrivals"));
        check_u64(name, t, i, "open_s", get(w, "open_s"));
        check_f64(name, t, i, "arrival_rate", get(w, "arrival_rate"));
        check_f64(name, t, i, "offered_load", get(w, "offered_load"));
        check_u64(name, t, i, "servers", get(w, "servers"));
        if (get(w, "roster")) {
            bool stable = false, null = true;
            check_u64(name, t, i, "roster", get(w, "roster"));
            check_f64(name, t, i, "utilization", get(w, "utilization"));
            check_f64(name, t, i, "prob_wait", get(w, "prob_wait"));
            check_f64(name, t, i, "mean_wait_s", get(w, "mean_wait_s"));
            check_f64(name, t, i, "within_target", get(w, "within_target"));
            CHECK_STATUS(nps_table_get_bool(t, i, col(t, "stable"), &stable, &null), NPS_STATUS_OK);
            CHECK(!null && stable == cJSON_IsTrue(get(w, "stable")));
        } else {
            size_t idx = 0;
            CHECK(nps_table_column_index(t, "prob_wait", &idx) != NPS_STATUS_OK);
        }
        i++;
    }
}

static void staffing_cases(const cJSON *sec) {
    const cJSON *c;
    cJSON_ArrayForEach(c, sec) {
        const char *name = get(c, "name")->valuestring;
        NpsCalendar *cal = NULL;
        NpsTable *t = NULL;
        uint64_t outside = 99;
        NpsStaffingOptions opts = options_of(get(c, "options"));
        case_begin("staffing %s", name);
        if (!cJSON_IsNull(get(c, "calendar"))) {
            char *json = cJSON_PrintUnformatted(get(c, "calendar"));
            CHECK_STATUS(nps_calendar_from_json(json, strlen(json), &cal), NPS_STATUS_OK);
            free(json);
        } else {
            opts.tz = get(c, "tz")->valuestring;
        }
        CHECK_STATUS(run(get(c, "arrivals"), cal, get(c, "roster"), &opts, &t, &outside), NPS_STATUS_OK);
        if (t) check_profile(name, t, outside, get(c, "expected"));
        nps_table_free(t);
        nps_calendar_free(cal);
        case_end();
    }
}

static NpsCapacityOptions capacity_options(const cJSON *o) {
    NpsCapacityOptions opts = nps_capacity_options_default();
    const cJSON *v;
    if ((v = get(o, "before_minutes"))) opts.before_minutes = v->valuedouble;
    if ((v = get(o, "after_minutes"))) opts.after_minutes = v->valuedouble;
    if ((v = get(o, "hours_per_day"))) opts.hours_per_day = v->valuedouble;
    if ((v = get(o, "share_of_time"))) opts.share_of_time = v->valuedouble;
    if ((v = get(o, "days"))) opts.days = v->valuedouble;
    if ((v = get(o, "ticket_minor"))) opts.ticket_minor = (int64_t)v->valuedouble;
    if ((v = get(o, "currency"))) {
        memset(opts.currency, 0, sizeof opts.currency);
        strncpy(opts.currency, v->valuestring, 3);
    }
    return opts;
}

static void check_gain(const char *name, const NpsCapacityGain *g, const cJSON *w) {
    CHECK_CLOSE(name, g->per_day, get(w, "per_day")->valuedouble,
                TOL * fmax(1.0, fabs(get(w, "per_day")->valuedouble)));
    CHECK_CLOSE(name, g->per_year, get(w, "per_year")->valuedouble,
                TOL * fmax(1.0, fabs(get(w, "per_year")->valuedouble)));
    if (g->revenue.minor != (int64_t)get(w, "revenue_minor")->valuedouble)
        fail(__FILE__, __LINE__, "%s revenue %lld", name, (long long)g->revenue.minor);
    CHECK_STR(name, g->revenue.currency, get(w, "currency")->valuestring);
}

static void capacity_cases(const cJSON *sec) {
    const cJSON *c;
    cJSON_ArrayForEach(c, sec) {
        const char *name = get(c, "name")->valuestring;
        NpsCapacityOptions o = capacity_options(get(c, "options"));
        NpsCapacityGain g;
        case_begin("capacity %s", name);
        CHECK_STATUS(nps_capacity_gain(&o, &g), NPS_STATUS_OK);
        check_gain(name, &g, get(c, "expected"));
        case_end();
    }
}

static void defaults(const cJSON *d) {
    const cJSON *so = get(d, "staffing_options"), *co = get(d, "capacity_options");
    NpsStaffingOptions s = nps_staffing_options_default();
    NpsCapacityOptions c = nps_capacity_options_default();
    NpsCapacityGain g;
    NpsTable *t = NULL;
    uint64_t outside = 99;
    case_begin("defaults");
    CHECK_U64("interval_s", s.interval_s, (uint64_t)get(so, "interval_s")->valuedouble);
    CHECK(s.service_time_s == get(so, "service_time_s")->valuedouble);
    CHECK(s.target_wait_s == get(so, "target_wait_s")->valuedouble);
    CHECK(s.target_share == get(so, "target_share")->valuedouble);
    CHECK(s.tz == NULL);
    CHECK(c.before_minutes == get(co, "before_minutes")->valuedouble);
    CHECK(c.after_minutes == get(co, "after_minutes")->valuedouble);
    CHECK(c.hours_per_day == get(co, "hours_per_day")->valuedouble);
    CHECK(c.share_of_time == get(co, "share_of_time")->valuedouble);
    CHECK(c.days == get(co, "days")->valuedouble);
    CHECK(c.ticket_minor == (int64_t)get(co, "ticket_minor")->valuedouble);
    CHECK_STR("currency", c.currency, get(co, "currency")->valuestring);
    /* NULL options = the defaults. */
    CHECK_STATUS(nps_capacity_gain(NULL, &g), NPS_STATUS_OK);
    check_gain("capacity defaults", &g, get(d, "capacity"));
    CHECK_STATUS(run(get(get(d, "staffing"), "arrivals"), NULL, NULL, NULL, &t, &outside), NPS_STATUS_OK);
    if (t) check_profile("staffing defaults", t, outside, get(get(d, "staffing"), "expected"));
    nps_table_free(t);
    case_end();
}

static NpsStatus status_of(const char *kind) {
    if (strcmp(kind, "NoData") == 0) return NPS_STATUS_NO_DATA;
    if (strcmp(kind, "InvalidValue") == 0) return NPS_STATUS_INVALID_VALUE;
    return NPS_STATUS_INVALID_ARGUMENT;
}

static void bad(const cJSON *sec, const cJSON *cap) {
    const cJSON *b;
    cJSON_ArrayForEach(b, sec) {
        NpsTable *t = NULL;
        NpsStaffingOptions opts = options_of(get(b, "options"));
        case_begin("bad staffing: %s", get(b, "what")->valuestring);
        CHECK_STATUS(run(get(b, "arrivals"), NULL, get(b, "roster"), &opts, &t, NULL),
                     status_of(get(b, "kind")->valuestring));
        CHECK(t == NULL);
        if (cJSON_IsString(get(b, "name"))) {
            char want[64];
            snprintf(want, sizeof want, "`%s`", get(b, "name")->valuestring);
            CHECK(strstr(last_message(), want) != NULL);
        }
        case_end();
    }
    cJSON_ArrayForEach(b, cap) {
        NpsCapacityOptions o = capacity_options(get(b, "options"));
        NpsCapacityGain g;
        char want[64];
        case_begin("bad capacity: %s", get(b, "what")->valuestring);
        CHECK_STATUS(nps_capacity_gain(&o, &g), NPS_STATUS_INVALID_ARGUMENT);
        snprintf(want, sizeof want, "`%s`", get(b, "name")->valuestring);
        CHECK(strstr(last_message(), want) != NULL);
        case_end();
    }
    {
        NpsTable *t = NULL;
        int64_t a[1] = {0};
        NpsRosterEntry e = {0, 0, 1};
        uint32_t c = 1;
        NpsCapacityGain g;
        case_begin("NULL pointers and both roster forms");
        CHECK_STATUS(nps_staffing(NULL, 1, NULL, NULL, 0, NULL, NULL, &t, NULL), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_staffing(a, 1, NULL, NULL, 0, NULL, NULL, NULL, NULL), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_staffing(a, 1, NULL, &e, 1, &c, NULL, &t, NULL), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_capacity_gain(NULL, NULL), NPS_STATUS_NULL_POINTER);
        (void)g;
        CHECK(t == NULL);
        case_end();
    }
}

/* ---- estimate accuracy ---- */

static void check_kpi(const char *what, const NpsKpi *k, const cJSON *w) {
    CHECK_CLOSE(what, k->numerator, get(w, "numerator")->valuedouble, 0);
    CHECK_CLOSE(what, k->denominator, get(w, "denominator")->valuedouble, 0);
    if (cJSON_IsNull(get(w, "value"))) {
        CHECK(!k->has_value);
    } else {
        CHECK(k->has_value);
        CHECK_CLOSE(what, k->value, get(w, "value")->valuedouble, TOL);
    }
    if (cJSON_IsNull(get(w, "coverage"))) {
        CHECK(!k->has_coverage);
    } else {
        CHECK(k->has_coverage);
        CHECK_CLOSE(what, k->coverage, get(w, "coverage")->valuedouble, TOL);
    }
}

static void check_dist(const char *what, const NpsDistribution *d, const cJSON *w) {
    CHECK_U64(what, d->n, (uint64_t)get(w, "n")->valuedouble);
    if (cJSON_IsNull(get(w, "mean"))) {
        CHECK(!d->has_values);
        return;
    }
    CHECK(d->has_values);
    CHECK_CLOSE(what, d->mean, get(w, "mean")->valuedouble, TOL * fmax(1.0, fabs(get(w, "mean")->valuedouble)));
    CHECK_CLOSE(what, d->median, get(w, "median")->valuedouble, TOL * fmax(1.0, fabs(get(w, "median")->valuedouble)));
    CHECK_CLOSE(what, d->p90, get(w, "p90")->valuedouble, TOL * fmax(1.0, fabs(get(w, "p90")->valuedouble)));
}

static void check_estimate(const char *name, const NpsEstimateAccuracy *e, const cJSON *w) {
    check_kpi(name, &e->within, get(w, "within"));
    check_kpi(name, &e->unapproved, get(w, "unapproved"));
    if (e->unapproved_minor != (int64_t)get(w, "unapproved_minor")->valuedouble)
        fail(__FILE__, __LINE__, "%s unapproved_minor %lld", name, (long long)e->unapproved_minor);
    check_dist(name, &e->overrun_minor, get(w, "overrun_minor"));
    check_dist(name, &e->overrun_relative, get(w, "overrun_relative"));
}

/* Runs nps_kpi_estimate_accuracy on a case's columns. */
static NpsStatus run_estimate(const cJSON *c, const NpsEstimateOptions *o, NpsEstimateAccuracy *out) {
    size_t n = 0, m = 0, k = 0, i = 0;
    int64_t *q = arrivals_of(get(c, "quoted"), &n);
    int64_t *f = arrivals_of(get(c, "final"), &m);
    int64_t *a = NULL;
    const char *cur[64];
    const cJSON *cs = get(c, "currencies"), *x;
    NpsStatus st;
    if (cJSON_IsArray(get(c, "approved"))) a = arrivals_of(get(c, "approved"), &k);
    if (cJSON_IsArray(cs)) cJSON_ArrayForEach(x, cs) cur[i++] = x->valuestring;
    /* A length mismatch cannot be passed through one len: use the shorter
     * and expect the core's error from the Rust and Python suites. */
    st = nps_kpi_estimate_accuracy(q, f, a, cJSON_IsArray(cs) ? cur : NULL, n < m ? n : m, o, out);
    free(q);
    free(f);
    free(a);
    return st;
}

static void estimate_cases(const cJSON *sec, const cJSON *d, const cJSON *bads) {
    const cJSON *c;
    NpsEstimateOptions def = nps_estimate_options_default();
    NpsEstimateAccuracy e;
    cJSON_ArrayForEach(c, sec) {
        const char *name = get(c, "name")->valuestring;
        NpsEstimateOptions o = nps_estimate_options_default();
        case_begin("estimate %s", name);
        o.tolerance = get(c, "tolerance")->valuedouble;
        memset(o.currency, 0, sizeof o.currency);
        strncpy(o.currency, get(c, "currency")->valuestring, 3);
        CHECK_STATUS(run_estimate(c, &o, &e), NPS_STATUS_OK);
        check_estimate(name, &e, get(c, "expected"));
        case_end();
    }
    case_begin("estimate defaults");
    CHECK(def.tolerance == get(get(d, "estimate_options"), "tolerance")->valuedouble);
    CHECK_STR("currency", def.currency, get(get(d, "estimate_options"), "currency")->valuestring);
    CHECK_STATUS(run_estimate(get(d, "estimate"), NULL, &e), NPS_STATUS_OK);
    check_estimate("defaults", &e, get(get(d, "estimate"), "expected"));
    case_end();
    cJSON_ArrayForEach(c, bads) {
        NpsEstimateOptions o = nps_estimate_options_default();
        char want[64];
        if (strcmp(get(c, "kind")->valuestring, "LengthMismatch") == 0) continue;
        case_begin("bad estimate: %s", get(c, "what")->valuestring);
        o.tolerance = get(c, "tolerance")->valuedouble;
        CHECK_STATUS(run_estimate(c, &o, &e), status_of(get(c, "kind")->valuestring));
        snprintf(want, sizeof want, "`%s`", get(c, "name")->valuestring);
        CHECK(strstr(last_message(), want) != NULL);
        if (cJSON_IsNumber(get(c, "row"))) {
            size_t row = 99;
            CHECK(nps_last_error_index(&row));
            CHECK_U64("row", row, (uint64_t)get(c, "row")->valuedouble);
        }
        case_end();
    }
    case_begin("estimate NULL pointers");
    CHECK_STATUS(nps_kpi_estimate_accuracy(NULL, NULL, NULL, NULL, 1, NULL, &e), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_estimate_accuracy(NULL, NULL, NULL, NULL, 0, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_kpi_estimate_accuracy(NULL, NULL, NULL, NULL, 0, NULL, &e), NPS_STATUS_OK);
    CHECK(!e.within.has_value && !e.within.has_coverage);
    case_end();
}

/* ---- parts availability ---- */

static void parts_cases(const cJSON *sec, const cJSON *bads) {
    const cJSON *c;
    const cJSON *lists[2] = {sec, bads};
    int l;
    for (l = 0; l < 2; l++) {
        cJSON_ArrayForEach(c, lists[l]) {
            const char *ro[64];
            uint8_t stock[64], has[64];
            int64_t wait[64];
            size_t n = 0;
            const cJSON *x;
            bool waits = cJSON_IsArray(get(c, "wait_s"));
            NpsPartsAvailability p;
            NpsStatus st;
            case_begin("parts %s", l == 0 ? get(c, "name")->valuestring : get(c, "what")->valuestring);
            cJSON_ArrayForEach(x, get(c, "ro")) ro[n++] = x->valuestring;
            n = 0;
            cJSON_ArrayForEach(x, get(c, "from_stock")) stock[n++] = cJSON_IsTrue(x) ? 1 : 0;
            if (waits) {
                size_t i = 0;
                cJSON_ArrayForEach(x, get(c, "wait_s")) {
                    has[i] = cJSON_IsNumber(x) ? 1 : 0;
                    wait[i++] = cJSON_IsNumber(x) ? (int64_t)x->valuedouble : 0;
                }
            }
            st = nps_kpi_parts_availability(ro, stock, waits ? wait : NULL, waits ? has : NULL, n, &p);
            if (l == 0) {
                const cJSON *w = get(c, "expected");
                CHECK_STATUS(st, NPS_STATUS_OK);
                check_kpi("fill", &p.fill_rate, get(w, "fill_rate"));
                check_kpi("delayed", &p.delayed_ros, get(w, "delayed_ros"));
                check_dist("wait", &p.wait_s, get(w, "wait_s"));
            } else {
                size_t row = 99;
                CHECK_STATUS(st, NPS_STATUS_INVALID_VALUE);
                CHECK(strstr(last_message(), "`wait_s`") != NULL);
                CHECK(nps_last_error_index(&row));
                CHECK_U64("row", row, (uint64_t)get(c, "row")->valuedouble);
            }
            case_end();
        }
    }
}

/* ---- grouped estimate accuracy and parts availability ---- */

/* The grouping of a case's rows [from, to): string keys as one key column,
 * timestamps, period and zone. The buffers live in `g`'s owner. */
typedef struct {
    const char *keys[64];
    int64_t ts[64];
    NpsKeyColumn column;
    NpsKpiGrouping g;
} CaseGrouping;

static uint32_t period_of(const char *name) {
    if (strcmp(name, "day") == 0) return NPS_PERIOD_DAY;
    if (strcmp(name, "week") == 0) return NPS_PERIOD_WEEK;
    if (strcmp(name, "month") == 0) return NPS_PERIOD_MONTH;
    if (strcmp(name, "quarter") == 0) return NPS_PERIOD_QUARTER;
    return NPS_PERIOD_YEAR;
}

/* Fills `cg` for rows [from, to) of case `c`; NULL when it is not grouped. */
static const NpsKpiGrouping *case_grouping(const cJSON *c, size_t from, size_t to, CaseGrouping *cg) {
    const cJSON *keys = get(c, "keys"), *period = get(c, "period");
    size_t i;
    memset(cg, 0, sizeof *cg);
    if (keys == NULL && period == NULL) return NULL;
    for (i = from; i < to; i++) {
        if (keys != NULL) cg->keys[i - from] = cJSON_GetArrayItem(keys, (int)i)->valuestring;
        if (period != NULL) cg->ts[i - from] = (int64_t)cJSON_GetArrayItem(get(c, "timestamps"), (int)i)->valuedouble;
    }
    if (keys != NULL) {
        cg->column.key_type = NPS_KEY_TYPE_STR;
        cg->column.values = cg->keys;
        cg->g.key_columns = &cg->column;
        cg->g.n_key_columns = 1;
    }
    if (period != NULL) {
        cg->g.timestamps = cg->ts;
        cg->g.period = period_of(period->valuestring);
        cg->g.tz = get(c, "tz")->valuestring;
    }
    return &cg->g;
}

/* Checks a row's key text and period start against an oracle group. */
static void check_label(const char *name, bool has_period, int32_t y, uint32_t m, uint32_t d,
                        const char *key_text, const cJSON *w) {
    const cJSON *key = get(w, "key"), *start = get(w, "period_start");
    if (cJSON_IsString(key)) CHECK_STR(name, key_text, key->valuestring);
    if (cJSON_IsString(start)) {
        char got[16];
        CHECK(has_period);
        snprintf(got, sizeof got, "%04d-%02u-%02u", (int)y, (unsigned)m, (unsigned)d);
        CHECK_STR(name, got, start->valuestring);
    } else {
        CHECK(!has_period);
    }
}

static NpsEstimateOptions case_options(const cJSON *c) {
    NpsEstimateOptions o = nps_estimate_options_default();
    o.tolerance = get(c, "tolerance")->valuedouble;
    memset(o.currency, 0, sizeof o.currency);
    strncpy(o.currency, get(c, "currency")->valuestring, 3);
    return o;
}

/* An estimate table of rows [from, to) of case `c` (NULL on failure). */
static NpsEstimateAccuracyTable *estimate_table(const cJSON *c, size_t from, size_t to) {
    size_t n = 0, m = 0, k = 0, i = 0;
    int64_t *q = arrivals_of(get(c, "quoted"), &n);
    int64_t *f = arrivals_of(get(c, "final"), &m);
    int64_t *a = NULL;
    const char *cur[64];
    const cJSON *cs = get(c, "currencies"), *x;
    NpsEstimateOptions o = case_options(c);
    CaseGrouping cg;
    const NpsKpiGrouping *g = case_grouping(c, from, to, &cg);
    NpsEstimateAccuracyTable *t = NULL;
    if (cJSON_IsArray(get(c, "approved"))) a = arrivals_of(get(c, "approved"), &k);
    if (cJSON_IsArray(cs)) cJSON_ArrayForEach(x, cs) cur[i++] = x->valuestring;
    CHECK_STATUS(nps_kpi_estimate_accuracy_table(q + from, f + from, a ? a + from : NULL,
                                                 cJSON_IsArray(cs) ? cur + from : NULL, to - from, &o, g, &t),
                 NPS_STATUS_OK);
    free(q);
    free(f);
    free(a);
    return t;
}

static void check_estimate_table(const char *name, const NpsEstimateAccuracyTable *t, const cJSON *w) {
    NpsEstimateAccuracy e;
    NpsEstimateOptions o;
    const cJSON *groups = get(w, "groups"), *gw;
    size_t i = 0;
    CHECK_STATUS(nps_kpi_estimate_accuracy_table_overall(t, &e), NPS_STATUS_OK);
    check_estimate(name, &e, w);
    CHECK_STATUS(nps_kpi_estimate_accuracy_table_options(t, &o), NPS_STATUS_OK);
    if (groups == NULL) {
        CHECK(nps_kpi_estimate_accuracy_table_len(t) <= 1);
        return;
    }
    CHECK_U64(name, nps_kpi_estimate_accuracy_table_len(t), (uint64_t)cJSON_GetArraySize(groups));
    cJSON_ArrayForEach(gw, groups) {
        NpsEstimateAccuracyGroup r;
        char key[32];
        size_t len = 0;
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_get(t, i, &r), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_key_text(t, i, key, sizeof key, &len), NPS_STATUS_OK);
        CHECK(!r.has_key); /* string keys: read as text */
        check_label(name, r.has_period, r.year, r.month, r.day, key, gw);
        check_kpi(name, &r.within, get(gw, "within"));
        check_kpi(name, &r.unapproved, get(gw, "unapproved"));
        i++;
    }
    {
        NpsEstimateAccuracyGroup r;
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_get(t, i, &r), NPS_STATUS_INDEX_OUT_OF_RANGE);
    }
}

static void estimate_table_cases(const cJSON *sec, const cJSON *bad_merges) {
    const cJSON *c;
    cJSON_ArrayForEach(c, sec) {
        const char *name = get(c, "name")->valuestring;
        size_t n = (size_t)cJSON_GetArraySize(get(c, "quoted"));
        NpsEstimateAccuracyTable *t, *back = NULL;
        unsigned char state[1 << 14];
        size_t len = 0;
        NpsEstimateOptions o;
        case_begin("estimate table %s", name);
        t = estimate_table(c, 0, n);
        check_estimate_table(name, t, get(c, "expected"));
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_options(t, &o), NPS_STATUS_OK);
        CHECK(o.tolerance == get(c, "tolerance")->valuedouble);
        CHECK_STR("currency", o.currency, get(c, "currency")->valuestring);
        /* A saved state loads back to the same table. */
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_to_state(t, state, sizeof state, &len), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_from_state(state, len, &back), NPS_STATUS_OK);
        check_estimate_table(name, back, get(c, "expected"));
        nps_kpi_estimate_accuracy_table_free(back);
        back = NULL;
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_from_state(state, len / 2, &back), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(back == NULL);
        /* The two parts of a split merge into the one-pass result. */
        if (cJSON_IsNumber(get(c, "split"))) {
            size_t k = (size_t)get(c, "split")->valuedouble;
            NpsEstimateAccuracyTable *a = estimate_table(c, 0, k), *b = estimate_table(c, k, n), *m = NULL;
            CHECK_STATUS(nps_kpi_estimate_accuracy_table_merge(a, b, &m), NPS_STATUS_OK);
            check_estimate_table(name, m, get(c, "expected"));
            nps_kpi_estimate_accuracy_table_free(m);
            nps_kpi_estimate_accuracy_table_free(a);
            nps_kpi_estimate_accuracy_table_free(b);
        }
        nps_kpi_estimate_accuracy_table_free(t);
        case_end();
    }
    cJSON_ArrayForEach(c, bad_merges) {
        int64_t q1 = 80000, f1 = 150000, q2 = 20000, f2 = 20000;
        NpsEstimateOptions oa = case_options(get(c, "a")), ob = case_options(get(c, "b"));
        NpsEstimateAccuracyTable *a = NULL, *b = NULL, *m = NULL;
        char want[32];
        case_begin("estimate merge: %s", get(c, "what")->valuestring);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table(&q1, &f1, NULL, NULL, 1, &oa, NULL, &a), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table(&q2, &f2, NULL, NULL, 1, &ob, NULL, &b), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_merge(a, b, &m), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(m == NULL);
        snprintf(want, sizeof want, "`%s`", get(c, "name")->valuestring);
        CHECK(strstr(last_message(), want) != NULL);
        CHECK(strstr(last_message(), get(c, "option")->valuestring) != NULL);
        nps_kpi_estimate_accuracy_table_free(a);
        nps_kpi_estimate_accuracy_table_free(b);
        case_end();
    }
    case_begin("estimate table NULL pointers");
    {
        NpsEstimateAccuracyTable *t = NULL;
        NpsEstimateAccuracy e;
        CHECK_STATUS(nps_kpi_estimate_accuracy_table(NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL),
                     NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table(NULL, NULL, NULL, NULL, 1, NULL, NULL, &t),
                     NPS_STATUS_NULL_POINTER);
        CHECK(t == NULL);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_overall(NULL, &e), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_kpi_estimate_accuracy_table_merge(NULL, NULL, &t), NPS_STATUS_NULL_POINTER);
        CHECK(nps_kpi_estimate_accuracy_table_len(NULL) == 0);
        nps_kpi_estimate_accuracy_table_free(NULL);
    }
    case_end();
}

/* A parts table of rows [from, to) of case `c`. */
static NpsPartsAvailabilityTable *parts_table(const cJSON *c, size_t from, size_t to) {
    const char *ro[64];
    uint8_t stock[64], has[64];
    int64_t wait[64];
    size_t n = 0;
    const cJSON *x;
    bool waits = cJSON_IsArray(get(c, "wait_s"));
    CaseGrouping cg;
    const NpsKpiGrouping *g = case_grouping(c, from, to, &cg);
    NpsPartsAvailabilityTable *t = NULL;
    cJSON_ArrayForEach(x, get(c, "ro")) ro[n++] = x->valuestring;
    n = 0;
    cJSON_ArrayForEach(x, get(c, "from_stock")) stock[n++] = cJSON_IsTrue(x) ? 1 : 0;
    if (waits) {
        size_t i = 0;
        cJSON_ArrayForEach(x, get(c, "wait_s")) {
            has[i] = cJSON_IsNumber(x) ? 1 : 0;
            wait[i++] = cJSON_IsNumber(x) ? (int64_t)x->valuedouble : 0;
        }
    }
    CHECK_STATUS(nps_kpi_parts_availability_table(ro + from, stock + from, waits ? wait + from : NULL,
                                                  waits ? has + from : NULL, to - from, g, &t),
                 NPS_STATUS_OK);
    return t;
}

static void check_parts_table(const char *name, const NpsPartsAvailabilityTable *t, const cJSON *w) {
    NpsPartsAvailability p;
    const cJSON *groups = get(w, "groups"), *gw;
    size_t i = 0;
    CHECK_STATUS(nps_kpi_parts_availability_table_overall(t, &p), NPS_STATUS_OK);
    check_kpi("fill", &p.fill_rate, get(w, "fill_rate"));
    check_kpi("delayed", &p.delayed_ros, get(w, "delayed_ros"));
    check_dist("wait", &p.wait_s, get(w, "wait_s"));
    if (groups == NULL) return;
    CHECK_U64(name, nps_kpi_parts_availability_table_len(t), (uint64_t)cJSON_GetArraySize(groups));
    cJSON_ArrayForEach(gw, groups) {
        NpsPartsAvailabilityGroup r;
        char key[32];
        CHECK_STATUS(nps_kpi_parts_availability_table_get(t, i, &r), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_parts_availability_table_key_text(t, i, key, sizeof key, NULL), NPS_STATUS_OK);
        check_label(name, r.has_period, r.year, r.month, r.day, key, gw);
        check_kpi(name, &r.fill_rate, get(gw, "fill_rate"));
        /* Per group: repair orders delayed by parts and the waits. */
        check_kpi(name, &r.delayed_ros, get(gw, "delayed_ros"));
        check_dist(name, &r.wait_s, get(gw, "wait_s"));
        i++;
    }
}

static void parts_table_cases(const cJSON *sec) {
    const cJSON *c;
    cJSON_ArrayForEach(c, sec) {
        const char *name = get(c, "name")->valuestring;
        size_t n = (size_t)cJSON_GetArraySize(get(c, "ro")), len = 0;
        NpsPartsAvailabilityTable *t, *back = NULL;
        unsigned char state[1 << 14];
        case_begin("parts table %s", name);
        t = parts_table(c, 0, n);
        check_parts_table(name, t, get(c, "expected"));
        CHECK_STATUS(nps_kpi_parts_availability_table_to_state(t, state, sizeof state, &len), NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_parts_availability_table_from_state(state, len, &back), NPS_STATUS_OK);
        check_parts_table(name, back, get(c, "expected"));
        nps_kpi_parts_availability_table_free(back);
        if (cJSON_IsNumber(get(c, "split"))) {
            size_t k = (size_t)get(c, "split")->valuedouble;
            NpsPartsAvailabilityTable *a = parts_table(c, 0, k), *b = parts_table(c, k, n), *m = NULL;
            CHECK_STATUS(nps_kpi_parts_availability_table_merge(b, a, &m), NPS_STATUS_OK);
            check_parts_table(name, m, get(c, "expected"));
            nps_kpi_parts_availability_table_free(m);
            nps_kpi_parts_availability_table_free(a);
            nps_kpi_parts_availability_table_free(b);
        }
        nps_kpi_parts_availability_table_free(t);
        case_end();
    }
    case_begin("parts table NULL pointers");
    {
        NpsPartsAvailabilityTable *t = NULL;
        CHECK_STATUS(nps_kpi_parts_availability_table(NULL, NULL, NULL, NULL, 0, NULL, NULL),
                     NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_kpi_parts_availability_table_merge(NULL, NULL, &t), NPS_STATUS_NULL_POINTER);
        CHECK(t == NULL && nps_kpi_parts_availability_table_len(NULL) == 0);
        nps_kpi_parts_availability_table_free(NULL);
    }
    case_end();
}

/* The issue's hand-worked figures: 800 -> 1500 is +700 (+87.5 %),
 * unapproved; 200 -> 200 is 0 %; mixed currencies are an error; a quote of
 * 0 is no data for its row; "3 days" of parts wait is 259,200 s. */
static void issue_figures(void) {
    int64_t q[2] = {80000, 20000}, f[2] = {150000, 20000}, zq[2] = {0, 20000}, zf[2] = {9000, 20000};
    int64_t w = 3 * 24 * 3600;
    const char *cur[2] = {"CNY", "USD"}, *ro[1] = {"r"};
    uint8_t stock[1] = {0};
    NpsEstimateAccuracy e;
    NpsPartsAvailability p;
    case_begin("issue figures");
    CHECK_STATUS(nps_kpi_estimate_accuracy(q, f, NULL, NULL, 1, NULL, &e), NPS_STATUS_OK);
    CHECK(e.overrun_minor.mean == 70000.0 && e.overrun_relative.mean == 0.875);
    CHECK(e.unapproved.numerator == 1.0 && e.unapproved_minor == 70000);
    CHECK(e.within.has_value && e.within.value == 0.0);
    CHECK_STATUS(nps_kpi_estimate_accuracy(q + 1, f + 1, NULL, NULL, 1, NULL, &e), NPS_STATUS_OK);
    CHECK(e.overrun_relative.mean == 0.0 && e.within.value == 1.0 && e.unapproved_minor == 0);
    CHECK_STATUS(nps_kpi_estimate_accuracy(q, f, NULL, cur, 2, NULL, &e), NPS_STATUS_INVALID_VALUE);
    CHECK(strstr(last_message(), "`currencies` at row 1") != NULL);
    CHECK_STATUS(nps_kpi_estimate_accuracy(zq, zf, NULL, NULL, 2, NULL, &e), NPS_STATUS_OK);
    CHECK(e.within.denominator == 1.0 && e.within.coverage == 0.5 && e.overrun_minor.n == 1);
    CHECK_STATUS(nps_kpi_parts_availability(ro, stock, &w, NULL, 1, &p), NPS_STATUS_OK);
    CHECK(p.wait_s.has_values && p.wait_s.mean == 259200.0);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: test_workshop path/to/workshop_vectors.json\n");
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    TOL = get(doc, "tolerance")->valuedouble;
    staffing_cases(get(doc, "staffing"));
    capacity_cases(get(doc, "capacity"));
    defaults(get(doc, "defaults"));
    bad(get(doc, "bad"), get(doc, "bad_capacity"));
    estimate_cases(get(doc, "estimate"), get(doc, "defaults"), get(doc, "bad_estimate"));
    parts_cases(get(doc, "parts"), get(doc, "bad_parts"));
    estimate_table_cases(get(doc, "estimate"), get(doc, "bad_estimate_merge"));
    parts_table_cases(get(doc, "parts"));
    issue_figures();
    cJSON_Delete(doc);
    return summary("workshop");
}
