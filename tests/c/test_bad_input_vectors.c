/* The bad-input catalogue through the C API (tests/golden/bad_input_vectors.json,
 * written by gen_bad_input_vectors.py; issue 10 "A catalogue"). Each entry must
 * fail with the NpsStatus of its kind (nps_status_name(status) == kind), with
 * nps_last_error_index where an index is given, the argument / column quoted
 * as `name` in the message, the JSON path among the problems and the event
 * kind quoted in the message. Open entries (the library does not do this yet)
 * are skipped and listed; so are entries whose input C cannot express
 * ("inexpressible".c) and operations in "not_in".c. An unknown operation
 * fails. argv[2] = "--self-test" checks that a corrupted expectation fails. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static int has(const cJSON *o, const char *k) { return get(o, k) != NULL; }

/* Arrays allocated for one entry, freed after it. */
static void *arena[64];
static size_t arena_n;
static void *alloc(size_t n) {
    void *p = calloc(n ? n : 1, 1);
    if (p == NULL || arena_n == sizeof arena / sizeof arena[0]) abort();
    arena[arena_n++] = p;
    return p;
}
static void arena_free(void) {
    while (arena_n > 0) free(arena[--arena_n]);
}

/* A float, with "NaN", "inf", "-inf" for non-finite values. */
static double f(const cJSON *v) {
    if (cJSON_IsString(v)) {
        if (strcmp(v->valuestring, "NaN") == 0) return NAN;
        if (strcmp(v->valuestring, "inf") == 0) return INFINITY;
        if (strcmp(v->valuestring, "-inf") == 0) return -INFINITY;
    }
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}
static int64_t i64(const cJSON *v) { return (int64_t)v->valuedouble; }
static uint64_t u64(const cJSON *v) {
    return v->valuedouble >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)v->valuedouble;
}
static size_t len_of(const cJSON *a) { return (size_t)cJSON_GetArraySize(a); }
static double *fs(const cJSON *a) {
    double *o = alloc(len_of(a) * sizeof *o);
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) o[i++] = f(x);
    return o;
}
static int64_t *is(const cJSON *a) {
    int64_t *o = alloc(len_of(a) * sizeof *o);
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) o[i++] = i64(x);
    return o;
}
static uint64_t *us(const cJSON *a) {
    uint64_t *o = alloc(len_of(a) * sizeof *o);
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) o[i++] = u64(x);
    return o;
}
static uint32_t *u32s(const cJSON *a) {
    uint32_t *o = alloc(len_of(a) * sizeof *o);
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) o[i++] = (uint32_t)x->valuedouble;
    return o;
}
static uint8_t *u8s(const cJSON *a) {
    uint8_t *o = alloc(len_of(a) * sizeof *o);
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) o[i++] = (uint8_t)x->valuedouble;
    return o;
}
/* Optional floats: values plus a presence mask (null = absent). */
static double *opt_fs(const cJSON *a, uint8_t **present) {
    double *o = alloc(len_of(a) * sizeof *o);
    uint8_t *m = alloc(len_of(a));
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) {
        m[i] = !cJSON_IsNull(x);
        o[i++] = cJSON_IsNull(x) ? 0.0 : f(x);
    }
    *present = m;
    return o;
}
static char *text_of(const cJSON *v) {
    char *t = cJSON_PrintUnformatted(v);
    if (t == NULL) abort();
    if (arena_n == sizeof arena / sizeof arena[0]) abort();
    arena[arena_n++] = t; /* cJSON uses malloc by default */
    return t;
}

static NpsTally tally(const cJSON *a) {
    NpsTally t;
    memset(&t, 0, sizeof t);
    (void)nps_tally_from_categories(u64(cJSON_GetArrayItem(a, 0)), u64(cJSON_GetArrayItem(a, 1)),
                                    u64(cJSON_GetArrayItem(a, 2)), &t);
    return t;
}

struct name_code {
    const char *name;
    uint32_t code;
};
static const struct name_code INTERVAL_METHODS[] = {
    {"wald", NPS_INTERVAL_METHOD_WALD}, {"adjusted_wald", NPS_INTERVAL_METHOD_ADJUSTED_WALD},
    {"score", NPS_INTERVAL_METHOD_SCORE}, {"bayes", NPS_INTERVAL_METHOD_BAYES}, {NULL, 0}};
static const struct name_code TEST_METHODS[] = {
    {"wald", NPS_TEST_METHOD_WALD}, {"adjusted_wald", NPS_TEST_METHOD_ADJUSTED_WALD}, {NULL, 0}};
static const struct name_code PERIODS[] = {{"day", NPS_PERIOD_DAY},     {"week", NPS_PERIOD_WEEK},
                                           {"month", NPS_PERIOD_MONTH}, {"quarter", NPS_PERIOD_QUARTER},
                                           {"year", NPS_PERIOD_YEAR},       {NULL, 0}};
static const struct name_code STAGES[] = {
    {"appointment", NPS_STAGE_APPOINTMENT}, {"reception", NPS_STAGE_RECEPTION},
    {"diagnosis", NPS_STAGE_DIAGNOSIS},     {"repair", NPS_STAGE_REPAIR},
    {"delivery", NPS_STAGE_DELIVERY},       {"follow_up", NPS_STAGE_FOLLOW_UP},
    {NULL, 0}};
static const struct name_code PAY_TYPES[] = {{"customer", NPS_PAY_TYPE_CUSTOMER},
                                             {"warranty", NPS_PAY_TYPE_WARRANTY},
                                             {"internal", NPS_PAY_TYPE_INTERNAL},
                                             {NULL, 0}};
/* The code of `name`, or `unknown` (a value no enum has). */
static uint32_t code(const struct name_code *t, const char *name, uint32_t unknown) {
    for (; t->name != NULL; t++)
        if (strcmp(t->name, name) == 0) return t->code;
    return unknown;
}

static NpsPolicy *policy;   /* the default policy */
static cJSON *default_doc;  /* its JSON */

/* RFC 7386 JSON Merge Patch: consumes `target`, returns the result. */
static cJSON *merge_patch(cJSON *target, const cJSON *patch) {
    const cJSON *p;
    if (!cJSON_IsObject(patch)) {
        cJSON_Delete(target);
        return cJSON_Duplicate(patch, 1);
    }
    if (!cJSON_IsObject(target)) {
        cJSON_Delete(target);
        target = cJSON_CreateObject();
    }
    cJSON_ArrayForEach(p, patch) {
        if (cJSON_IsNull(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
        } else {
            cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(target, p->string);
            cJSON_AddItemToObject(target, p->string, merge_patch(old, p));
        }
    }
    return target;
}

#define UNKNOWN_OPERATION 0xFFFFu

/* Calls the operation; returns its status (UNKNOWN_OPERATION if unknown). */
static NpsStatus run(const char *op, const cJSON *in) {
    if (strcmp(op, "tally_from_scores") == 0) {
        const cJSON *s = get(in, "scores");
        NpsTally t;
        return nps_tally_from_f64(fs(s), len_of(s), NPS_INVALID_POLICY_RAISE, &t, NULL);
    }
    if (strcmp(op, "weighted_tally") == 0) {
        const cJSON *s = get(in, "scores");
        NpsWeightedTally t;
        return nps_weighted_tally_from_f64(fs(s), fs(get(in, "weights")), len_of(s),
                                           NPS_INVALID_POLICY_RAISE, &t, NULL);
    }
    if (strcmp(op, "interval") == 0) {
        NpsIntervalOptions o = nps_interval_options_default();
        NpsTally t = tally(get(in, "categories"));
        NpsInterval r;
        if (has(in, "method")) o.method = code(INTERVAL_METHODS, get(in, "method")->valuestring, 99);
        if (has(in, "confidence")) o.confidence = f(get(in, "confidence"));
        if (has(in, "pseudo")) memcpy(o.pseudo, fs(get(in, "pseudo")), sizeof o.pseudo);
        return nps_tally_interval(&t, &o, &r);
    }
    if (strcmp(op, "test_benchmark") == 0 || strcmp(op, "compare") == 0) {
        NpsTestOptions o = nps_test_options_default();
        NpsTestResult r;
        if (has(in, "method")) o.method = code(TEST_METHODS, get(in, "method")->valuestring, 99);
        if (has(in, "confidence")) o.confidence = f(get(in, "confidence"));
        if (strcmp(op, "compare") == 0) {
            NpsTally a = tally(get(in, "a")), b = tally(get(in, "b"));
            return nps_compare(&a, &b, &o, &r);
        } else {
            NpsTally t = tally(get(in, "categories"));
            return nps_test_benchmark(&t, f(get(in, "benchmark")), &o, &r);
        }
    }
    if (strcmp(op, "sample_size") == 0) {
        NpsSampleSizeOptions o = nps_sample_size_options_default();
        uint64_t n;
        if (has(in, "confidence")) o.confidence = f(get(in, "confidence"));
        if (has(in, "population")) {
            o.has_population = true;
            o.population = u64(get(in, "population"));
        }
        return nps_sample_size(f(get(in, "margin")), f(get(in, "promoters")),
                               f(get(in, "detractors")), &o, &n);
    }
    if (strcmp(op, "group_by") == 0) {
        NpsGroupOptions o = nps_group_options_default();
        NpsGrouped *g = NULL;
        const cJSON *s = get(in, "scores");
        NpsStatus st;
        if (has(in, "keys")) o.keys_i64 = is(get(in, "keys"));
        if (has(in, "timestamps")) o.timestamps = is(get(in, "timestamps"));
        if (has(in, "period")) o.period = code(PERIODS, get(in, "period")->valuestring, 99);
        if (has(in, "tz")) o.tz = get(in, "tz")->valuestring;
        st = nps_group_by_f64(fs(s), len_of(s), &o, &g);
        nps_grouped_free(g);
        return st;
    }
    if (strcmp(op, "track_goal") == 0) {
        const cJSON *h = get(in, "history"), *x;
        NpsTally *t = alloc((len_of(h) + 1) * sizeof *t);
        NpsGoalOptions o = nps_goal_options_default();
        NpsGoalReport r;
        double months = get(in, "months")->valuedouble;
        size_t i = 0;
        cJSON_ArrayForEach(x, h) t[i++] = tally(x);
        if (has(in, "confidence")) o.confidence = f(get(in, "confidence"));
        return nps_goal_track(t, len_of(h), f(get(in, "target")),
                              months > 4294967295.0 ? UINT32_MAX : (uint32_t)months, &o, &r, NULL, 0);
    }
    if (strcmp(op, "policy_from_json") == 0) {
        NpsPolicy *p = NULL;
        const char *text;
        NpsStatus st;
        if (has(in, "text")) {
            text = get(in, "text")->valuestring;
        } else {
            cJSON *doc = merge_patch(cJSON_Duplicate(default_doc, 1), get(in, "patch"));
            text = text_of(doc);
            cJSON_Delete(doc);
        }
        st = nps_policy_from_json(text, strlen(text), &p);
        nps_policy_free(p);
        return st;
    }
    if (strcmp(op, "calendar_from_json") == 0 || strcmp(op, "calendar_deadline") == 0 ||
        strcmp(op, "bay_utilization") == 0) {
        const char *text = text_of(get(in, "calendar"));
        NpsCalendar *cal = NULL;
        NpsStatus st = nps_calendar_from_json(text, strlen(text), &cal);
        if (st == NPS_STATUS_OK && strcmp(op, "calendar_deadline") == 0) {
            const cJSON *d = get(in, "duration");
            const char *unit = get(d, "unit")->valuestring;
            NpsDuration dur;
            int64_t out;
            dur.unit = strcmp(unit, "wall") == 0       ? NPS_DURATION_UNIT_WALL_SECONDS
                       : strcmp(unit, "business") == 0 ? NPS_DURATION_UNIT_BUSINESS_SECONDS
                                                       : NPS_DURATION_UNIT_BUSINESS_DAYS;
            dur.amount = i64(has(d, "days") ? get(d, "days") : get(d, "seconds"));
            st = nps_calendar_deadline(cal, i64(get(in, "start")), dur, NULL, 0, &out);
        } else if (st == NPS_STATUS_OK && strcmp(op, "bay_utilization") == 0) {
            const cJSON *h = get(in, "occupied_hours");
            NpsKpi k;
            st = nps_kpi_bay_utilization(fs(h), NULL, len_of(h), (uint32_t)u64(get(in, "repair_bays")),
                                         cal, i64(get(in, "from")), i64(get(in, "to")), &k);
        }
        nps_calendar_free(cal);
        return st;
    }
    if (strcmp(op, "case_from_events") == 0 || strcmp(op, "case_apply") == 0) {
        NpsCase *c = NULL;
        NpsStatus st = nps_case_from_events_json(policy, text_of(get(in, "events")), "case", &c);
        if (st == NPS_STATUS_OK && strcmp(op, "case_apply") == 0)
            st = nps_case_apply_json(c, text_of(get(in, "event")));
        nps_case_free(c);
        return st;
    }
    if (strcmp(op, "rank_open_cases") == 0) {
        const cJSON *cs = get(in, "cases"), *x;
        size_t n = len_of(cs), i = 0, count = 0;
        NpsCase **c = alloc(n * sizeof *c);
        NpsRankedCase *out = alloc(n * sizeof *out);
        NpsStatus st = NPS_STATUS_OK;
        cJSON_ArrayForEach(x, cs) {
            if (st == NPS_STATUS_OK)
                st = nps_case_from_events_json(policy, text_of(get(x, "events")),
                                               get(x, "id")->valuestring, &c[i]);
            i++;
        }
        if (st == NPS_STATUS_OK)
            st = nps_rank_open_cases(policy, (const NpsCase *const *)c, fs(get(in, "values")), n,
                                     i64(get(in, "now")), out, n, &count);
        for (i = 0; i < n; i++) nps_case_free(c[i]);
        return st;
    }
    if (strcmp(op, "rerated_nps") == 0) {
        const cJSON *o = get(in, "original"), *r = get(in, "rerated");
        uint8_t *present;
        double *re = opt_fs(r, &present);
        size_t i;
        NpsRerating out;
        for (i = 0; i < len_of(r); i++)
            if (!present[i]) re[i] = NAN;
        return nps_rerated_nps_f64(fs(o), re, len_of(o), NPS_BASIS_ORIGINAL, &out);
    }
    if (strcmp(op, "managed_flags") == 0) {
        const cJSON *s = get(in, "scores");
        NpsFlagOptions o = nps_flag_options_default();
        NpsManagedFlags *m = NULL;
        NpsStatus st;
        if (has(in, "alpha")) o.alpha = f(get(in, "alpha"));
        st = nps_managed_flags_f64(fs(s), u32s(get(in, "keys")), NULL, len_of(s), &o, &m);
        nps_managed_flags_free(m);
        return st;
    }
    if (strcmp(op, "technician_figures") == 0) {
        const cJSON *w = get(in, "worked_hours");
        uint8_t *has_srt;
        double *srt = opt_fs(get(in, "srt_hours"), &has_srt);
        NpsKpi e, p, q;
        return nps_kpi_technician(fs(w), srt, has_srt, len_of(w), f(get(in, "available_hours")), &e,
                                  &p, &q);
    }
    if (strcmp(op, "hours_per_ro") == 0) {
        const cJSON *w = get(in, "worked_hours");
        uint8_t *has_srt;
        double *srt = opt_fs(get(in, "srt_hours"), &has_srt);
        NpsKpi k;
        uint32_t basis = strcmp(get(in, "basis")->valuestring, "srt") == 0 ? NPS_HOURS_BASIS_SRT
                                                                           : NPS_HOURS_BASIS_WORKED;
        return nps_kpi_hours_per_ro(srt, has_srt, fs(w), len_of(w), basis, &k);
    }
    if (strcmp(op, "kpi_rate") == 0) {
        const cJSON *fl = get(in, "flags");
        NpsKpi k;
        return nps_kpi_rate(u8s(fl), has(in, "eligible") ? u8s(get(in, "eligible")) : NULL,
                            len_of(fl), &k);
    }
    if (strcmp(op, "csat") == 0) {
        const cJSON *r = get(in, "ratings");
        NpsCsatOptions o = nps_csat_options_default();
        NpsKpi k;
        if (has(in, "satisfied_min")) o.satisfied_min = f(get(in, "satisfied_min"));
        return nps_kpi_csat(fs(r), len_of(r), &o, &k);
    }
    if (strcmp(op, "time_kpi") == 0) {
        const cJSON *s = get(in, "seconds");
        NpsTimeKpi k;
        return nps_kpi_time_durations(is(s), len_of(s), i64(get(in, "target_seconds")), &k);
    }
    if (strcmp(op, "first_time_fix_rate") == 0) {
        const cJSON *v = get(in, "vehicles");
        NpsComebackOptions o = nps_comeback_options_default();
        NpsKpi k;
        if (has(in, "window_seconds")) o.window_seconds = i64(get(in, "window_seconds"));
        if (has(in, "window_days")) o.window_seconds = i64(get(in, "window_days")) * 86400;
        return nps_kpi_first_time_fix(us(v), NULL, is(get(in, "opened")), is(get(in, "closed")),
                                      len_of(v), &o, false, &k);
    }
    if (strcmp(op, "effective_labour_rate") == 0) {
        const cJSON *s = get(in, "sales_minor"), *p = get(in, "pay_types"), *x;
        uint32_t *pt = alloc(len_of(p) * sizeof *pt);
        size_t i = 0;
        NpsKpi all, by[3];
        cJSON_ArrayForEach(x, p) pt[i++] = code(PAY_TYPES, x->valuestring, 99);
        return nps_kpi_effective_labour_rate(is(s), fs(get(in, "hours_sold")), pt, len_of(s), &all, by);
    }
    if (strcmp(op, "follow_up_completion_rate") == 0) {
        const cJSON *e = get(in, "service_end"), *fu = get(in, "follow_up"), *x;
        int64_t *t = alloc(len_of(fu) * sizeof *t);
        uint8_t *m = alloc(len_of(fu));
        size_t i = 0;
        NpsFollowUpOptions o = nps_follow_up_options_default();
        NpsKpi k;
        cJSON_ArrayForEach(x, fu) {
            m[i] = !cJSON_IsNull(x);
            t[i++] = cJSON_IsNull(x) ? 0 : i64(x);
        }
        if (has(in, "earliest_days")) o.earliest_seconds = i64(get(in, "earliest_days")) * 86400;
        if (has(in, "latest_days")) o.latest_seconds = i64(get(in, "latest_days")) * 86400;
        if (has(in, "earliest_seconds")) o.earliest_seconds = i64(get(in, "earliest_seconds"));
        if (has(in, "latest_seconds")) o.latest_seconds = i64(get(in, "latest_seconds"));
        return nps_kpi_follow_up_completion(is(e), t, m, has(in, "excluded") ? u8s(get(in, "excluded")) : NULL,
                                            len_of(e), &o, &k);
    }
    if (strcmp(op, "repeat_complaint_rate") == 0) {
        const cJSON *s = get(in, "subjects");
        NpsComebackOptions o = nps_comeback_options_default();
        NpsKpi k;
        if (has(in, "window_days")) o.window_seconds = i64(get(in, "window_days")) * 86400;
        return nps_kpi_repeat_complaint(us(s), is(get(in, "raised")), is(get(in, "closed")), len_of(s),
                                        &o, &k);
    }
    if (strcmp(op, "heat_map_from_rows") == 0) {
        const cJSON *st = get(in, "stages"), *pts = get(in, "points"), *x;
        size_t n = len_of(st), i = 0;
        uint32_t *stages = alloc(n * sizeof *stages);
        const char **points = alloc(n * sizeof *points);
        NpsHeatMap *m = NULL;
        NpsStatus s;
        cJSON_ArrayForEach(x, st) stages[i++] = code(STAGES, x->valuestring, 99);
        i = 0;
        cJSON_ArrayForEach(x, pts) points[i++] = x->valuestring;
        s = nps_heat_map_from_rows(stages, points, us(get(in, "mentions")), u8s(get(in, "pain")), n, &m);
        nps_heat_map_free(m);
        return s;
    }
    if (strcmp(op, "erlang_c") == 0) {
        NpsQueue q;
        double tw = has(in, "target_wait") ? f(get(in, "target_wait")) : 0.0;
        double servers = get(in, "servers")->valuedouble;
        return nps_erlang_c(f(get(in, "arrival_rate")), f(get(in, "service_time")),
                            servers > 4294967295.0 ? UINT32_MAX : (uint32_t)servers,
                            has(in, "target_wait") ? &tw : NULL, &q);
    }
    if (strcmp(op, "servers_needed") == 0) {
        NpsQueue q;
        double mw = has(in, "max_mean_wait") ? f(get(in, "max_mean_wait")) : 0.0;
        return nps_servers_needed(f(get(in, "arrival_rate")), f(get(in, "service_time")),
                                  f(get(in, "target_wait")), f(get(in, "target_share")),
                                  has(in, "max_mean_wait") ? &mw : NULL, &q);
    }
    if (strcmp(op, "triage") == 0) {
        NpsResponse r;
        NpsTriage t;
        memset(&r, 0, sizeof r);
        r.score = (uint8_t)get(in, "score")->valuedouble;
        r.submitted_at = i64(get(in, "submitted_at"));
        return nps_policy_triage(policy, &r, &t);
    }
    return UNKNOWN_OPERATION;
}

/* The status whose name is `kind`, or UNKNOWN_OPERATION. */
static NpsStatus status_of(const char *kind) {
    uint32_t s;
    for (s = 1; s < 200; s++) {
        const char *n = nps_status_name(s);
        if (n != NULL && strcmp(n, kind) == 0) return s;
    }
    return UNKNOWN_OPERATION;
}

/* Replays one entry; returns 0 when it behaves as catalogued, else 1 with
 * `why` filled. */
static int replay(const cJSON *v, char *why, size_t why_len) {
    const char *op = get(v, "operation")->valuestring;
    const cJSON *err = get(v, "error");
    NpsStatus want = status_of(get(err, "kind")->valuestring), got;
    got = run(op, get(v, "inputs"));
    arena_free();
    if (got == UNKNOWN_OPERATION) {
        snprintf(why, why_len, "unknown operation `%s`", op);
        return 1;
    }
    if (got != want) {
        snprintf(why, why_len, "status %s, expected %s (%s)", nps_status_name(got),
                 get(err, "kind")->valuestring, last_message());
        return 1;
    }
    if (has(err, "index")) {
        size_t idx = 0;
        if (!nps_last_error_index(&idx) || idx != (size_t)get(err, "index")->valuedouble) {
            snprintf(why, why_len, "index %zu, expected %.0f (%s)", idx, get(err, "index")->valuedouble,
                     last_message());
            return 1;
        }
    }
    if (has(err, "argument") || has(err, "event")) {
        char q[128];
        snprintf(q, sizeof q, "`%s`", get(err, has(err, "argument") ? "argument" : "event")->valuestring);
        if (strstr(last_message(), q) == NULL) {
            snprintf(why, why_len, "message does not name %s: %s", q, last_message());
            return 1;
        }
    }
    if (has(err, "path")) {
        const char *p = get(err, "path")->valuestring;
        size_t i, n = nps_last_error_problem_count();
        int found = 0;
        for (i = 0; i < n && !found; i++) {
            char buf[512];
            nps_last_error_problem_path(i, buf, sizeof buf);
            found = strcmp(buf, p) == 0;
        }
        if (!found) {
            snprintf(why, why_len, "no problem at path \"%s\" (%s)", p, last_message());
            return 1;
        }
    }
    return 0;
}

static int in_list(const cJSON *list, const char *s) {
    const cJSON *x;
    cJSON_ArrayForEach(x, list) if (cJSON_IsString(x) && strcmp(x->valuestring, s) == 0) return 1;
    return 0;
}

static int is_open(const cJSON *v) {
    const cJSON *langs = get(v, "open_in");
    if (strcmp(get(v, "status")->valuestring, "open") != 0) return 0;
    return langs == NULL || in_list(langs, "c");
}

/* The reader can fail: an unknown operation and corrupted expectations. */
static void self_test(const cJSON *entries) {
    const cJSON *v;
    char why[512];
    case_begin("the reader fails on an unknown operation and a wrong expectation");
    cJSON_ArrayForEach(v, entries) {
        if (strcmp(get(v, "id")->valuestring, "score_eleven") == 0) {
            cJSON *c = cJSON_Duplicate(v, 1);
            CHECK(replay(c, why, sizeof why) == 0);
            cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "error"), "index", cJSON_CreateNumber(2));
            CHECK(replay(c, why, sizeof why) == 1);
            cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "error"), "kind", cJSON_CreateString("no_data"));
            CHECK(replay(c, why, sizeof why) == 1);
            cJSON_ReplaceItemInObjectCaseSensitive(c, "operation", cJSON_CreateString("no_such_op"));
            CHECK(replay(c, why, sizeof why) == 1 && strstr(why, "unknown operation") != NULL);
            cJSON_Delete(c);
        }
    }
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    const cJSON *v, *not_in;
    int skipped = 0, open = 0;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: %s bad_input_vectors.json\n", argv[0]);
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) return 2;
    if (nps_policy_default(&policy) != NPS_STATUS_OK) return 2;
    {
        size_t len = 0;
        char *buf;
        if (nps_policy_to_json(policy, NULL, 0, &len) != NPS_STATUS_BUFFER_TOO_SMALL) return 2;
        buf = malloc(len + 1);
        if (buf == NULL || nps_policy_to_json(policy, buf, len + 1, NULL) != NPS_STATUS_OK) return 2;
        default_doc = cJSON_Parse(buf);
        free(buf);
    }
    not_in = get(get(doc, "not_in"), "c");
    cJSON_ArrayForEach(v, get(doc, "entries")) {
        const char *id = get(v, "id")->valuestring, *op = get(v, "operation")->valuestring;
        char why[1024];
        int r;
        if (get(get(doc, "operations"), op) == NULL) {
            case_begin("%s", id);
            fail(__FILE__, __LINE__, "operation `%s` is not declared", op);
            case_end();
            continue;
        }
        if (in_list(not_in, op) || get(get(v, "inexpressible"), "c") != NULL) {
            skipped++;
            continue;
        }
        if (is_open(v)) {
            r = replay(v, why, sizeof why);
            printf("open: %s: %s\n", id, r == 0 ? "now passes; mark it fixed" : why);
            open++;
            continue;
        }
        case_begin("%s", id);
        if (replay(v, why, sizeof why) != 0) fail(__FILE__, __LINE__, "%s [%s]: %s", id, op, why);
        case_end();
    }
    self_test(get(doc, "entries"));
    printf("bad_input_vectors: %d open, %d skipped (not in C / not expressible)\n", open, skipped);
    nps_policy_free(policy);
    cJSON_Delete(default_doc);
    cJSON_Delete(doc);
    return summary("bad_input_vectors");
}
