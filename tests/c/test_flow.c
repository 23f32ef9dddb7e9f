/* Repair-order timelines through the C API: every case of
 * tests/golden/flow_vectors.json (written by the independent oracle
 * tests/golden/gen_flow_vectors.py; schema in tests/golden/README.md) —
 * stages, promises, silence and anomalies, overall and per group — the
 * documented defaults, then bad inputs and NULL pointers.
 * Usage: test_flow path/to/flow_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define MAXN 128

static double TOL = 1e-9;

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static void close_or_none(const char *what, bool has, double got, const cJSON *want) {
    if (cJSON_IsNull(want)) {
        if (has) fail(__FILE__, __LINE__, "%s: %g, want null", what, got);
        return;
    }
    if (!has) {
        fail(__FILE__, __LINE__, "%s: no value, want %g", what, want->valuedouble);
        return;
    }
    CHECK_CLOSE(what, got, want->valuedouble, TOL * fmax(1.0, fabs(want->valuedouble)));
}

static void check_dist(const char *what, const NpsDistribution *d, const cJSON *want) {
    bool has = d->n > 0;
    CHECK_U64(what, d->n, (uint64_t)get(want, "n")->valuedouble);
    close_or_none(what, has, d->mean, get(want, "mean"));
    close_or_none(what, has, d->median, get(want, "median"));
    close_or_none(what, has, d->p90, get(want, "p90"));
}

static size_t col(const NpsTable *t, const char *name) {
    size_t i = (size_t)-1;
    CHECK_STATUS(nps_table_column_index(t, name, &i), NPS_STATUS_OK);
    return i;
}

/* The columns of a case (strings or integers as repair orders). */
typedef struct {
    const char *ro_s[MAXN], *m[MAXN], *by[MAXN];
    int64_t ro_i[MAXN], at[MAXN];
    size_t n;
    NpsMilestoneColumns cols;
    NpsKeyColumn by_col;
    NpsKpiGrouping g;
    NpsFlowOptions o;
    char *milestones, *stages;
    NpsCalendar *cal;
} Case;

static void load(const cJSON *c, Case *k) {
    const cJSON *x;
    size_t i = 0;
    bool ints = true;
    memset(k, 0, sizeof *k);
    cJSON_ArrayForEach(x, get(c, "ro")) {
        if (cJSON_IsNumber(x)) {
            k->ro_i[i] = (int64_t)x->valuedouble;
        } else {
            ints = false;
            k->ro_s[i] = x->valuestring;
        }
        i++;
    }
    k->n = i;
    i = 0;
    cJSON_ArrayForEach(x, get(c, "milestone")) k->m[i++] = x->valuestring;
    i = 0;
    cJSON_ArrayForEach(x, get(c, "at")) k->at[i++] = (int64_t)x->valuedouble;
    k->cols.ro.key_type = ints ? NPS_KEY_TYPE_I64 : NPS_KEY_TYPE_STR;
    k->cols.ro.values = ints ? (const void *)k->ro_i : (const void *)k->ro_s;
    k->cols.milestone = k->m;
    k->cols.at = k->at;
    k->cols.len = k->n;
    if (get(c, "by")) {
        i = 0;
        cJSON_ArrayForEach(x, get(c, "by")) k->by[i++] = x->valuestring;
        k->by_col.key_type = NPS_KEY_TYPE_STR;
        k->by_col.values = k->by;
        k->g.key_columns = &k->by_col;
        k->g.n_key_columns = 1;
    }
    if (get(c, "period")) {
        CHECK(strcmp(get(c, "period")->valuestring, "day") == 0);
        k->g.period = NPS_PERIOD_DAY;
    }
    if (get(c, "tz")) k->g.tz = get(c, "tz")->valuestring;
    k->o = nps_flow_options_default();
    if (get(c, "milestones")) {
        k->milestones = cJSON_PrintUnformatted(get(c, "milestones"));
        k->o.milestones_json = k->milestones;
    }
    if (get(c, "stages")) {
        k->stages = cJSON_PrintUnformatted(get(c, "stages"));
        k->o.stages_json = k->stages;
    }
    if (get(c, "calendar")) {
        char *cal = cJSON_PrintUnformatted(get(c, "calendar"));
        CHECK_STATUS(nps_calendar_from_json(cal, strlen(cal), &k->cal), NPS_STATUS_OK);
        free(cal);
        k->o.calendar = k->cal;
    }
    if (get(c, "on_anomaly"))
        k->o.on_anomaly = strcmp(get(c, "on_anomaly")->valuestring, "raise") == 0 ? NPS_ON_ANOMALY_RAISE
                                                                                  : NPS_ON_ANOMALY_SKIP;
    if (get(c, "promise_end")) k->o.promise_end = get(c, "promise_end")->valuestring;
    if (get(c, "silence_threshold_s"))
        k->o.silence_threshold_s = (int64_t)get(c, "silence_threshold_s")->valuedouble;
    if (get(c, "update_lead_s")) k->o.update_lead_s = (int64_t)get(c, "update_lead_s")->valuedouble;
}

static void unload(Case *k) {
    free(k->milestones);
    free(k->stages);
    nps_calendar_free(k->cal);
}

static const NpsKpiGrouping *grouping(const Case *k) {
    return (k->g.n_key_columns || k->g.period) ? &k->g : NULL;
}

/* When set, every report is computed on two parts of the rows (split by
 * repair order), the first saved and loaded back, then merged with
 * nps_flow_report_merge: it must meet the same golden expectations. */
static int SPLIT = 0;

typedef NpsStatus (*FlowFn)(const NpsMilestoneColumns *, const NpsKpiGrouping *, const NpsFlowOptions *,
                            NpsFlowReport **);

/* The part (0 or 1) of row i: by its repair order, so no repair order is split. */
static int part_of(const Case *k, size_t i) {
    if (k->cols.ro.key_type == NPS_KEY_TYPE_I64) return (int)(((k->ro_i[i] % 2) + 2) % 2);
    {
        size_t len = strlen(k->ro_s[i]);
        return len ? (unsigned char)k->ro_s[i][len - 1] % 2 : 0;
    }
}

/* The rows of part `p` of `k` as a case of their own (same options). */
static void subset(const Case *k, int p, Case *out) {
    size_t i, n = 0;
    *out = *k;
    for (i = 0; i < k->n; i++) {
        if (part_of(k, i) != p) continue;
        out->ro_s[n] = k->ro_s[i];
        out->ro_i[n] = k->ro_i[i];
        out->m[n] = k->m[i];
        out->at[n] = k->at[i];
        out->by[n] = k->by[i];
        n++;
    }
    out->n = n;
    out->cols.ro.values = k->cols.ro.key_type == NPS_KEY_TYPE_I64 ? (const void *)out->ro_i : (const void *)out->ro_s;
    out->cols.milestone = out->m;
    out->cols.at = out->at;
    out->cols.len = n;
    out->by_col.values = out->by;
    if (k->g.key_columns) out->g.key_columns = &out->by_col;
}

/* The report of `k` by `f`: one pass, or (SPLIT) the merge of its two parts. */
static NpsStatus compute(FlowFn f, const Case *k, NpsFlowReport **out) {
    static Case parts[2];
    NpsFlowReport *r[2] = {NULL, NULL}, *loaded = NULL;
    uint8_t *state;
    size_t len = 0;
    NpsStatus st;
    int p;
    if (!SPLIT) return f(&k->cols, grouping(k), &k->o, out);
    for (p = 0; p < 2; p++) {
        subset(k, p, &parts[p]);
        CHECK_STATUS(f(&parts[p].cols, grouping(&parts[p]), &parts[p].o, &r[p]), NPS_STATUS_OK);
    }
    /* The first part through its saved state. */
    CHECK_STATUS(nps_flow_report_to_state(r[0], NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    state = malloc(len);
    CHECK_STATUS(nps_flow_report_to_state(r[0], state, len, &len), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_report_from_state(state, len, &loaded), NPS_STATUS_OK);
    free(state);
    st = nps_flow_report_merge(loaded, r[1], out);
    nps_flow_report_free(loaded);
    nps_flow_report_free(r[0]);
    nps_flow_report_free(r[1]);
    return st;
}

static void check_stages(const char *name, const Case *k, const cJSON *want, const cJSON *anomalies) {
    NpsFlowReport *r = NULL;
    NpsFlowOverall o;
    NpsFlowAnomalies a;
    NpsTable *t = NULL;
    const cJSON *w = get(want, "overall"), *s, *g;
    size_t i = 0, row = 0;
    CHECK_STATUS(compute(nps_flow_stages, k, &r), NPS_STATUS_OK);
    if (!r) return;
    CHECK_STATUS(nps_flow_stages_overall(r, &o), NPS_STATUS_OK);
    CHECK_U64(name, o.repair_orders, (uint64_t)get(w, "repair_orders")->valuedouble);
    check_dist("lead time", &o.lead_time, get(w, "lead_time"));
    CHECK_U64("lead missing", o.lead_time_missing, (uint64_t)get(w, "lead_time_missing")->valuedouble);
    close_or_none("pce", o.has_process_cycle_efficiency, o.process_cycle_efficiency,
                  get(w, "process_cycle_efficiency"));
    cJSON_ArrayForEach(s, get(w, "stages")) {
        NpsFlowStage st;
        char buf[64];
        size_t len = 0;
        CHECK_STATUS(nps_flow_stage_get(r, i, &st), NPS_STATUS_OK);
        CHECK_STATUS(nps_flow_stage_name(r, i, buf, sizeof buf, &len), NPS_STATUS_OK);
        CHECK_STR("stage", buf, get(s, "stage")->valuestring);
        CHECK_U64(buf, st.time.n, (uint64_t)get(s, "n")->valuedouble);
        CHECK_U64(buf, st.missing, (uint64_t)get(s, "missing")->valuedouble);
        close_or_none("mean_s", st.time.n > 0, st.time.mean, get(s, "mean_s"));
        close_or_none("median_s", st.time.n > 0, st.time.median, get(s, "median_s"));
        close_or_none("p90_s", st.time.n > 0, st.time.p90, get(s, "p90_s"));
        close_or_none("within_target", st.has_within_target, st.within_target, get(s, "within_target"));
        close_or_none("share", st.has_share_of_lead_time, st.share_of_lead_time, get(s, "share_of_lead_time"));
        CHECK(st.has_target == !cJSON_IsNull(get(s, "target_s")));
        CHECK(st.value_added == cJSON_IsTrue(get(s, "value_added")));
        i++;
    }
    CHECK_U64("n_stages", o.n_stages, (uint64_t)i);
    if (cJSON_IsNull(get(w, "bottleneck"))) {
        CHECK(!o.has_bottleneck);
    } else {
        char buf[64];
        CHECK(o.has_bottleneck);
        CHECK_STATUS(nps_flow_stage_name(r, o.bottleneck, buf, sizeof buf, NULL), NPS_STATUS_OK);
        CHECK_STR("bottleneck", buf, get(w, "bottleneck")->valuestring);
    }
    /* The table: one row per group x stage. */
    CHECK_STATUS(nps_flow_report_table(r, &t), NPS_STATUS_OK);
    cJSON_ArrayForEach(g, get(want, "groups")) {
        cJSON_ArrayForEach(s, get(g, "stages")) {
            double v = 0;
            uint64_t u = 0;
            bool null = false;
            const char *names[] = {"mean_s", "median_s", "p90_s", "within_target", "share_of_lead_time"};
            size_t j;
            CHECK_STATUS(nps_table_get_u64(t, row, col(t, "n"), &u, &null), NPS_STATUS_OK);
            CHECK_U64("n", u, (uint64_t)get(s, "n")->valuedouble);
            CHECK_STATUS(nps_table_get_u64(t, row, col(t, "missing"), &u, &null), NPS_STATUS_OK);
            CHECK_U64("missing", u, (uint64_t)get(s, "missing")->valuedouble);
            for (j = 0; j < sizeof names / sizeof *names; j++) {
                CHECK_STATUS(nps_table_get_f64(t, row, col(t, names[j]), &v, &null), NPS_STATUS_OK);
                close_or_none(names[j], !null, v, get(s, names[j]));
            }
            row++;
        }
    }
    CHECK_U64("table rows", nps_table_rows(t), (uint64_t)row);
    nps_table_free(t);
    CHECK_STATUS(nps_flow_report_anomalies(r, &a), NPS_STATUS_OK);
    CHECK_U64("missing", a.missing, (uint64_t)get(anomalies, "missing")->valuedouble);
    CHECK_U64("repeated", a.repeated, (uint64_t)get(anomalies, "repeated")->valuedouble);
    CHECK_U64("out_of_order", a.out_of_order, (uint64_t)get(anomalies, "out_of_order")->valuedouble);
    CHECK_U64("skipped", a.skipped_ros, (uint64_t)get(anomalies, "skipped_ros")->valuedouble);
    CHECK_STATUS(nps_flow_report_anomalies_table(r, &t), NPS_STATUS_OK);
    CHECK_U64("anomaly rows", nps_table_rows(t), (uint64_t)cJSON_GetArraySize(get(anomalies, "list")));
    nps_table_free(t);
    /* Another kind's accessor is an argument error. */
    {
        NpsFlowPromises p;
        CHECK_STATUS(nps_flow_promises_overall(r, &p), NPS_STATUS_INVALID_ARGUMENT);
    }
    (void)name;
    nps_flow_report_free(r);
}

static void check_promises(const Case *k, const cJSON *want) {
    NpsFlowReport *r = NULL;
    NpsFlowPromises p;
    const cJSON *w = get(want, "overall");
    CHECK_STATUS(compute(nps_flow_promises, k, &r), NPS_STATUS_OK);
    if (!r) return;
    CHECK_STATUS(nps_flow_promises_overall(r, &p), NPS_STATUS_OK);
    CHECK_U64("promises n", p.n, (uint64_t)get(w, "n")->valuedouble);
    CHECK_U64("promises missing", p.missing, (uint64_t)get(w, "missing")->valuedouble);
    close_or_none("on_time", p.has_on_time, p.on_time, get(w, "on_time"));
    check_dist("overrun", &p.overrun_s, get(w, "overrun_s"));
    check_dist("relative", &p.overrun_relative, get(w, "overrun_relative"));
    nps_flow_report_free(r);
}

static void check_silence(const Case *k, const cJSON *want) {
    NpsFlowReport *r = NULL;
    NpsFlowSilence s;
    const cJSON *w = get(want, "overall");
    CHECK_STATUS(compute(nps_flow_silence, k, &r), NPS_STATUS_OK);
    if (!r) return;
    CHECK_STATUS(nps_flow_silence_overall(r, &s), NPS_STATUS_OK);
    CHECK_U64("silence n", s.n, (uint64_t)get(w, "n")->valuedouble);
    check_dist("gap", &s.longest_gap_s, get(w, "longest_gap_s"));
    close_or_none("above", s.has_shares, s.above_threshold, get(w, "above_threshold"));
    close_or_none("told", s.has_shares, s.told_ahead, get(w, "told_ahead"));
    nps_flow_report_free(r);
}

static void cases(const cJSON *sec) {
    const cJSON *c;
    int count = 0;
    cJSON_ArrayForEach(c, sec) {
        Case k;
        const char *name = get(c, "name")->valuestring;
        const cJSON *e = get(c, "expected");
        case_begin("flow %s", name);
        load(c, &k);
        if (get(e, "error")) {
            NpsFlowReport *r = NULL;
            char msg[512];
            CHECK_STATUS(nps_flow_stages(&k.cols, grouping(&k), &k.o, &r), NPS_STATUS_INVALID_EVENT);
            CHECK(r == NULL);
            nps_last_error_message(msg, sizeof msg);
            CHECK(strstr(msg, get(get(e, "error"), "ro")->valuestring) != NULL);
            CHECK(strstr(msg, get(get(e, "error"), "milestone")->valuestring) != NULL);
        } else {
            for (SPLIT = 0; SPLIT < 2; SPLIT++) {
                check_stages(name, &k, get(e, "stages"), get(e, "anomalies"));
                check_promises(&k, get(e, "promises"));
                check_silence(&k, get(e, "silence"));
            }
            SPLIT = 0;
        }
        unload(&k);
        case_end();
        count++;
    }
    CHECK(count >= 6);
}

static void defaults(const cJSON *d) {
    NpsFlowOptions o = nps_flow_options_default();
    case_begin("flow defaults");
    CHECK(o.milestones_json == NULL && o.stages_json == NULL && o.calendar == NULL && o.promise_end == NULL);
    CHECK(o.on_anomaly == NPS_ON_ANOMALY_SKIP && strcmp(get(d, "on_anomaly")->valuestring, "skip") == 0);
    CHECK(o.silence_threshold_s == (int64_t)get(d, "silence_threshold_s")->valuedouble);
    CHECK(o.update_lead_s == (int64_t)get(d, "update_lead_s")->valuedouble);
    case_end();
}

static void bad(void) {
    const char *ro[] = {"a", "a"}, *m[] = {"arrived", "waved"};
    int64_t at[] = {0, 60};
    NpsMilestoneColumns cols = {{NPS_KEY_TYPE_STR, ro}, m, at, 2};
    NpsFlowReport *r = NULL;
    NpsFlowOptions o = nps_flow_options_default();
    case_begin("flow bad input");
    /* An unknown milestone: its row. */
    CHECK_STATUS(nps_flow_stages(&cols, NULL, NULL, &r), NPS_STATUS_INVALID_VALUE);
    CHECK(r == NULL);
    {
        size_t row = 0;
        CHECK(nps_last_error_index(&row));
        CHECK_U64("row", row, 1);
    }
    /* NULL pointers. */
    CHECK_STATUS(nps_flow_stages(NULL, NULL, NULL, &r), NPS_STATUS_NULL_POINTER);
    m[1] = "left";
    CHECK_STATUS(nps_flow_stages(&cols, NULL, NULL, NULL), NPS_STATUS_NULL_POINTER);
    cols.milestone = NULL;
    CHECK_STATUS(nps_flow_promises(&cols, NULL, NULL, &r), NPS_STATUS_NULL_POINTER);
    cols.milestone = m;
    /* Bad options: a stage between unknown milestones, an unknown policy, a negative threshold. */
    o.stages_json = "[{\"name\": \"x\", \"from\": \"left\", \"to\": \"nowhere\"}]";
    CHECK_STATUS(nps_flow_stages(&cols, NULL, &o, &r), NPS_STATUS_INVALID_POLICY);
    o = nps_flow_options_default();
    o.on_anomaly = 7;
    CHECK_STATUS(nps_flow_silence(&cols, NULL, &o, &r), NPS_STATUS_INVALID_ARGUMENT);
    o = nps_flow_options_default();
    o.silence_threshold_s = -1;
    CHECK_STATUS(nps_flow_silence(&cols, NULL, &o, &r), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(r == NULL);
    /* A good call, then the accessors' bad arguments. */
    CHECK_STATUS(nps_flow_stages(&cols, NULL, NULL, &r), NPS_STATUS_OK);
    {
        NpsFlowStage st;
        NpsTable *t = NULL;
        char small[2];
        size_t len = 0;
        CHECK_STATUS(nps_flow_stage_get(r, 99, &st), NPS_STATUS_INDEX_OUT_OF_RANGE);
        CHECK_STATUS(nps_flow_stage_get(r, 0, NULL), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_flow_stage_name(r, 0, small, sizeof small, &len), NPS_STATUS_BUFFER_TOO_SMALL);
        CHECK_U64("name length", len, strlen("reception"));
        CHECK_STATUS(nps_flow_report_groups_table(r, &t), NPS_STATUS_OK);
        CHECK_U64("groups", nps_table_rows(t), 1);
        nps_table_free(t);
        CHECK_STATUS(nps_flow_report_table(NULL, &t), NPS_STATUS_NULL_POINTER);
    }
    nps_flow_report_free(r);
    nps_flow_report_free(NULL);
    case_end();
}

/* Merging: the source's promises (2 h promised, 4 h and 5 h taken) in two
 * parts; a repair order split across the parts is named; another kind,
 * other options and bad states are argument errors. */
static void merge(void) {
    const char *ro[] = {"r1", "r1", "r1", "r2", "r2", "r2"};
    const char *m[] = {"arrived", "promised", "repair_finished", "arrived", "promised", "repair_finished"};
    int64_t at[] = {0, 7200, 14400, 0, 7200, 18000};
    NpsMilestoneColumns a = {{NPS_KEY_TYPE_STR, ro}, m, at, 3};
    NpsMilestoneColumns b = {{NPS_KEY_TYPE_STR, ro + 3}, m + 3, at + 3, 3};
    NpsMilestoneColumns whole = {{NPS_KEY_TYPE_STR, ro}, m, at, 6};
    NpsMilestoneColumns a1 = {{NPS_KEY_TYPE_STR, ro}, m, at, 2}, a2 = {{NPS_KEY_TYPE_STR, ro + 2}, m + 2, at + 2, 1};
    NpsFlowReport *ra = NULL, *rb = NULL, *rm = NULL, *rw = NULL, *x = NULL, *y = NULL;
    NpsFlowPromises p;
    NpsFlowOptions o = nps_flow_options_default();
    char msg[512];
    uint8_t sa[1 << 14], sb[1 << 14];
    size_t la = 0, lb = 0;
    case_begin("flow merge");
    CHECK_STATUS(nps_flow_promises(&a, NULL, NULL, &ra), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_promises(&b, NULL, NULL, &rb), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_report_merge(ra, rb, &rm), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_promises_overall(rm, &p), NPS_STATUS_OK);
    CHECK_U64("n", p.n, 2);
    CHECK(p.has_on_time && p.on_time == 0.0);
    CHECK_CLOSE("relative mean", p.overrun_relative.mean, 1.25, 0.0); /* +100 % and +150 % */
    CHECK_CLOSE("overrun median", p.overrun_s.median, 9000.0, 0.0);   /* 2 h and 3 h */
    /* Exactly the one-pass report: equal saved states. */
    CHECK_STATUS(nps_flow_promises(&whole, NULL, NULL, &rw), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_report_to_state(rm, sa, sizeof sa, &la), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_report_to_state(rw, sb, sizeof sb, &lb), NPS_STATUS_OK);
    CHECK(la == lb && memcmp(sa, sb, la) == 0);
    /* r1 in both parts. */
    CHECK_STATUS(nps_flow_promises(&a1, NULL, NULL, &x), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_promises(&a2, NULL, NULL, &y), NPS_STATUS_OK);
    nps_flow_report_free(rm);
    rm = NULL;
    CHECK_STATUS(nps_flow_report_merge(x, y, &rm), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(rm == NULL);
    nps_last_error_message(msg, sizeof msg);
    CHECK(strstr(msg, "other") != NULL && strstr(msg, "repair order `r1`") != NULL);
    nps_flow_report_free(x);
    nps_flow_report_free(y);
    /* Another kind; another promise end. */
    CHECK_STATUS(nps_flow_silence(&b, NULL, NULL, &x), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_report_merge(ra, x, &rm), NPS_STATUS_INVALID_ARGUMENT);
    nps_flow_report_free(x);
    o.promise_end = "delivered";
    CHECK_STATUS(nps_flow_promises(&b, NULL, &o, &x), NPS_STATUS_OK);
    CHECK_STATUS(nps_flow_report_merge(ra, x, &rm), NPS_STATUS_INVALID_ARGUMENT);
    nps_last_error_message(msg, sizeof msg);
    CHECK(strstr(msg, "promise ends") != NULL);
    nps_flow_report_free(x);
    /* States: a truncated one and another type's are named errors. */
    CHECK_STATUS(nps_flow_report_from_state(sa, la / 2, &x), NPS_STATUS_INVALID_ARGUMENT);
    {
        const char *other = "{\"nps_state\":1,\"kind\":\"Tally\",\"value\":{}}";
        CHECK_STATUS(nps_flow_report_from_state((const uint8_t *)other, strlen(other), &x),
                     NPS_STATUS_INVALID_ARGUMENT);
        nps_last_error_message(msg, sizeof msg);
        CHECK(strstr(msg, "state") != NULL && strstr(msg, "not a flow report") != NULL);
    }
    CHECK_STATUS(nps_flow_report_to_state(rw, sa, 4, &la), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(nps_flow_report_merge(NULL, rb, &rm), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_flow_report_merge(ra, rb, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_flow_report_from_state(NULL, 0, NULL), NPS_STATUS_NULL_POINTER);
    nps_flow_report_free(ra);
    nps_flow_report_free(rb);
    nps_flow_report_free(rw);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: test_flow path/to/flow_vectors.json\n");
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    TOL = get(doc, "tolerance")->valuedouble;
    defaults(get(doc, "defaults"));
    cases(get(doc, "cases"));
    bad();
    merge();
    cJSON_Delete(doc);
    return summary("flow");
}
