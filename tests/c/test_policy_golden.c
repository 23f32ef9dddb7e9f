/* Checks every vector of tests/golden/policy_vectors.json (written by the
 * independent oracle tests/golden/gen_policy_vectors.py; schema in
 * tests/golden/README.md) through the C API: triage, compensation
 * approval, calendars, case status, early warnings and policy validation.
 * Usage: test_policy_golden path/to/policy_vectors.json
 *
 * Each vector is one test case. A vector marked "known_issue" that fails is
 * skipped with a note on stderr (not counted); one that passes is counted
 * and noted. A section or key this program does not know fails. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

/* ---- per-vector failure log ------------------------------------------ */

/* Checks inside a vector record here; run_vector turns the log into one
 * failed case (or a skipped known issue). */
static char vlog[8192];
static size_t vlog_len;
static int verrors;

static void note(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    int n;
    verrors++;
    if (vlog_len + 2 >= sizeof vlog) return;
    n = snprintf(vlog + vlog_len, sizeof vlog - vlog_len, "\n  %s:%d: ", file, line);
    if (n > 0) vlog_len = vlog_len + (size_t)n < sizeof vlog ? vlog_len + (size_t)n : sizeof vlog - 1;
    va_start(ap, fmt);
    n = vsnprintf(vlog + vlog_len, sizeof vlog - vlog_len, fmt, ap);
    va_end(ap);
    if (n > 0) vlog_len = vlog_len + (size_t)n < sizeof vlog ? vlog_len + (size_t)n : sizeof vlog - 1;
}

#define NOTE(...) note(__FILE__, __LINE__, __VA_ARGS__)
#define EXPECT(cond) \
    do { \
        if (!(cond)) NOTE("check failed: %s", #cond); \
    } while (0)
#define EXPECT_I64(what, got, want) expect_i64(__FILE__, __LINE__, (what), (got), (want))
#define EXPECT_STR(what, got, want) expect_str(__FILE__, __LINE__, (what), (got), (want))
/* A call that must succeed; evaluates to 1 when it did. */
#define OK(call) expect_ok(__FILE__, __LINE__, #call, (call))

static void expect_i64(const char *file, int line, const char *what, int64_t got, int64_t want) {
    if (got != want) {
        note(file, line, "%s: got %lld, want %lld", what, (long long)got, (long long)want);
    }
}

static void expect_str(const char *file, int line, const char *what, const char *got,
                       const char *want) {
    if (got == NULL || want == NULL || strcmp(got, want) != 0) {
        note(file, line, "%s: got \"%s\", want \"%s\"", what, got ? got : "(null)",
             want ? want : "(null)");
    }
}

static int expect_ok(const char *file, int line, const char *expr, NpsStatus s) {
    if (s != NPS_STATUS_OK) {
        note(file, line, "%s: got %s; last error: %s", expr, nps_status_name(s), last_message());
        return 0;
    }
    return 1;
}

/* ---- JSON helpers ---------------------------------------------------- */

static const cJSON *get(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int is_null(const cJSON *v) { return v == NULL || cJSON_IsNull(v); }

/* An integer (instants, seconds, minor units: all within 2^53). */
static int64_t integer(const cJSON *v, const char *what) {
    double d;
    if (!cJSON_IsNumber(v)) {
        NOTE("%s: not a number", what);
        return 0;
    }
    d = v->valuedouble;
    if (!(fabs(d) <= 9007199254740992.0 && floor(d) == d)) {
        NOTE("%s: %g is not an integer", what, d);
        return 0;
    }
    return (int64_t)d;
}

static const char *string(const cJSON *v, const char *what) {
    if (!cJSON_IsString(v)) {
        NOTE("%s: not a string", what);
        return "";
    }
    return v->valuestring;
}

static int boolean(const cJSON *v, const char *what) {
    if (!cJSON_IsBool(v)) {
        NOTE("%s: not a boolean", what);
        return 0;
    }
    return cJSON_IsTrue(v);
}

/* A 3-letter ISO code into a C code field. */
static void code(const cJSON *v, char out[4], const char *what) {
    const char *s = string(v, what);
    memset(out, 0, 4);
    if (strlen(s) > 3) {
        NOTE("%s: `%s` is longer than 3 bytes", what, s);
        return;
    }
    memcpy(out, s, strlen(s));
}

/* The status a vector's "error" {"kind", "index"?} expects. */
static void expect_error(const cJSON *err, NpsStatus status) {
    const cJSON *index = get(err, "index");
    EXPECT_STR("error kind", nps_status_name(status), string(get(err, "kind"), "error.kind"));
    if (status == NPS_STATUS_OK) return;
    EXPECT(nps_last_error_message(NULL, 0) > 0);
    if (!is_null(index)) {
        size_t got = (size_t)-1;
        EXPECT(nps_last_error_index(&got));
        EXPECT_I64("error index", (int64_t)got, integer(index, "error.index"));
    }
}

/* ---- names of the C enumerations (the test's own tables) ------------- */

struct name_value {
    const char *name;
    uint32_t value;
};

static const struct name_value ALERTS[] = {
    {"red", NPS_ALERT_RED}, {"yellow", NPS_ALERT_YELLOW}, {"orange", NPS_ALERT_ORANGE}};
static const struct name_value TIERS[] = {
    {"S", NPS_TIER_S}, {"A", NPS_TIER_A}, {"B", NPS_TIER_B}};
static const struct name_value LAYERS[] = {{"problem_repair", NPS_LAYER_PROBLEM_REPAIR},
                                           {"loss_compensation", NPS_LAYER_LOSS_COMPENSATION},
                                           {"emotional_repair", NPS_LAYER_EMOTIONAL_REPAIR}};
static const struct name_value STATES[] = {
    {"pending", NPS_DEADLINE_STATE_PENDING}, {"warned", NPS_DEADLINE_STATE_WARNED},
    {"breached", NPS_DEADLINE_STATE_BREACHED}, {"met", NPS_DEADLINE_STATE_MET},
    {"met_late", NPS_DEADLINE_STATE_MET_LATE}};
static const struct name_value DEADLINES[] = {
    {"acknowledge", NPS_DEADLINE_KIND_ACKNOWLEDGE},
    {"contact", NPS_DEADLINE_KIND_CONTACT},
    {"public_opinion", NPS_DEADLINE_KIND_PUBLIC_OPINION}};
static const struct name_value EVENTS[] = {{"warned", NPS_EVENT_KIND_WARNED},
                                           {"breached", NPS_EVENT_KIND_BREACHED},
                                           {"escalated", NPS_EVENT_KIND_ESCALATED}};
static const struct name_value RULES[] = {
    {"waiting", NPS_WARNING_RULE_WAITING},
    {"progress_inquiries", NPS_WARNING_RULE_PROGRESS_INQUIRIES},
    {"angry_wording", NPS_WARNING_RULE_ANGRY_WORDING}};

#define LOOKUP(table, v, what, none) lookup((table), sizeof(table) / sizeof((table)[0]), (v), (what), (none))

/* The enum value of a JSON name; null is `none`. */
static uint32_t lookup(const struct name_value *t, size_t n, const cJSON *v, const char *what,
                       uint32_t none) {
    size_t i;
    const char *s;
    if (is_null(v)) return none;
    s = string(v, what);
    for (i = 0; i < n; i++) {
        if (strcmp(t[i].name, s) == 0) return t[i].value;
    }
    NOTE("%s: unknown name `%s`", what, s);
    return 0xDEADBEEFu;
}

/* ---- policies -------------------------------------------------------- */

static cJSON *default_doc;  /* Policy JSON of nps_policy_default, parsed. */
static NpsPolicy *default_policy;

static char *policy_json(const NpsPolicy *p) {
    size_t len = 0;
    char *buf;
    if (nps_policy_to_json(p, NULL, 0, &len) != NPS_STATUS_BUFFER_TOO_SMALL) return NULL;
    buf = malloc(len + 1);
    if (buf != NULL && nps_policy_to_json(p, buf, len + 1, NULL) != NPS_STATUS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

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

/* The default policy's JSON with the vector's "policy_patch" applied, as
 * text to free(). */
static char *patched_text(const cJSON *v) {
    cJSON *doc = cJSON_Duplicate(default_doc, 1);
    const cJSON *patch = get(v, "policy_patch");
    char *text;
    if (patch != NULL) doc = merge_patch(doc, patch);
    text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return text;
}

/* The vector's policy: the shared default, or a new patched one. Release
 * with release_policy. NULL (noted) if the patched policy is rejected. */
static NpsPolicy *policy_for(const cJSON *v) {
    char *text;
    NpsPolicy *p = NULL;
    NpsStatus s;
    if (get(v, "policy_patch") == NULL) return default_policy;
    text = patched_text(v);
    if (text == NULL) {
        NOTE("cannot print the patched policy");
        return NULL;
    }
    s = nps_policy_from_json(text, strlen(text), &p);
    if (s != NPS_STATUS_OK) {
        NOTE("patched policy rejected: %s: %s", nps_status_name(s), last_message());
        p = NULL;
    }
    free(text);
    return p;
}

static void release_policy(NpsPolicy *p) {
    if (p != default_policy) nps_policy_free(p);
}

/* Checks a role field against a role name or null. */
static void expect_role(const char *what, const NpsPolicy *p, uint32_t got, const cJSON *want) {
    char name[128];
    if (is_null(want)) {
        if (got != NPS_ROLE_NONE) NOTE("%s: got role %u, want none", what, (unsigned)got);
        return;
    }
    if (got == NPS_ROLE_NONE) {
        NOTE("%s: got no role, want %s", what, string(want, what));
        return;
    }
    if (OK(nps_policy_role_name(p, got, name, sizeof name, NULL))) {
        EXPECT_STR(what, name, string(want, what));
    }
}

static void expect_money(const char *what, int has, const NpsMoney *got, const cJSON *want) {
    if (is_null(want)) {
        if (has) NOTE("%s: got %lld %s, want null", what, (long long)got->minor, got->currency);
        return;
    }
    if (!has) {
        NOTE("%s: got null", what);
        return;
    }
    EXPECT_I64(what, got->minor, integer(get(want, "minor"), "minor"));
    EXPECT_STR(what, got->currency, string(get(want, "currency"), "currency"));
}

static void expect_opt_i64(const char *what, int has, int64_t got, const cJSON *want) {
    if (is_null(want)) {
        if (has) NOTE("%s: got %lld, want null", what, (long long)got);
    } else if (!has) {
        NOTE("%s: got null, want %lld", what, (long long)integer(want, what));
    } else {
        EXPECT_I64(what, got, integer(want, what));
    }
}

/* ---- the default policy ---------------------------------------------- */

/* `want` must be a subset of `got` (objects recursively, arrays element by
 * element with the same length, scalars equal). */
static void subset(const cJSON *got, const cJSON *want, const char *path) {
    char sub[512];
    if (cJSON_IsObject(want)) {
        const cJSON *w;
        if (!cJSON_IsObject(got)) {
            NOTE("%s: not an object", path);
            return;
        }
        cJSON_ArrayForEach(w, want) {
            const cJSON *g = get(got, w->string);
            snprintf(sub, sizeof sub, "%s.%s", path, w->string);
            if (g == NULL) {
                NOTE("%s: missing", sub);
            } else {
                subset(g, w, sub);
            }
        }
    } else if (cJSON_IsArray(want)) {
        int i, n = cJSON_GetArraySize(want);
        if (!cJSON_IsArray(got) || cJSON_GetArraySize(got) != n) {
            NOTE("%s: not an array of %d", path, n);
            return;
        }
        for (i = 0; i < n; i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            subset(cJSON_GetArrayItem(got, i), cJSON_GetArrayItem(want, i), sub);
        }
    } else if (!cJSON_Compare(got, want, 1)) {
        char *g = cJSON_PrintUnformatted(got), *w = cJSON_PrintUnformatted(want);
        NOTE("%s: got %s, want %s", path, g ? g : "?", w ? w : "?");
        free(g);
        free(w);
    }
}

/* ---- sections -------------------------------------------------------- */

static NpsResponse response_of(const cJSON *r) {
    NpsResponse out;
    int64_t score = integer(get(r, "score"), "score");
    memset(&out, 0, sizeof out);
    if (score < 0 || score > 255) NOTE("score %lld does not fit uint8_t", (long long)score);
    out.score = (uint8_t)score;
    out.submitted_at = integer(get(r, "submitted_at"), "submitted_at");
    out.high_value = boolean(get(r, "high_value"), "high_value");
    out.public_opinion_risk = boolean(get(r, "public_opinion_risk"), "public_opinion_risk");
    return out;
}

static void expect_triage(const NpsPolicy *p, const NpsTriage *t, const cJSON *e) {
    char mark[NPS_MARK_CAPACITY + 1];
    const cJSON *m = get(e, "mark");
    EXPECT_STR("category", nps_category_name(t->category), string(get(e, "category"), "category"));
    EXPECT_I64("alert", t->alert, LOOKUP(ALERTS, get(e, "alert"), "alert", NPS_ALERT_NONE));
    EXPECT_I64("tier", t->tier, LOOKUP(TIERS, get(e, "tier"), "tier", NPS_TIER_NONE));
    expect_role("owner", p, t->owner, get(e, "owner"));
    expect_opt_i64("acknowledge_by", t->has_acknowledge_by, t->acknowledge_by,
                   get(e, "acknowledge_by"));
    expect_opt_i64("contact_by", t->has_contact_by, t->contact_by, get(e, "contact_by"));
    expect_money("compensation_cap", t->has_compensation_cap, &t->compensation_cap,
                 get(e, "compensation_cap"));
    EXPECT_I64("escalate_immediately", t->escalate_immediately,
               boolean(get(e, "escalate_immediately"), "escalate_immediately"));
    expect_role("escalate_to", p, t->escalate_to, get(e, "escalate_to"));
    memcpy(mark, t->mark, NPS_MARK_CAPACITY);
    mark[NPS_MARK_CAPACITY] = '\0';
    if (is_null(m)) {
        EXPECT(!t->has_mark && t->mark_len == 0 && mark[0] == '\0');
    } else {
        EXPECT(t->has_mark);
        EXPECT_STR("mark", mark, string(m, "mark"));
        EXPECT_I64("mark_len", (int64_t)t->mark_len, (int64_t)strlen(string(m, "mark")));
    }
}

static void triage_vector(const cJSON *v) {
    NpsPolicy *p = policy_for(v);
    NpsResponse r = response_of(get(v, "response"));
    NpsTriage t;
    NpsStatus s;
    if (p == NULL) return;
    memset(&t, 0, sizeof t);
    s = nps_policy_triage(p, &r, &t);
    if (get(v, "error") != NULL) {
        expect_error(get(v, "error"), s);
    } else if (OK(s)) {
        expect_triage(p, &t, get(v, "expect"));
    }
    release_policy(p);
}

static void approval_vector(const cJSON *v) {
    NpsPolicy *p = policy_for(v);
    const cJSON *items = get(v, "items"), *rates = get(v, "rates"), *granted = get(v, "granted");
    const cJSON *e = get(v, "expect"), *it;
    size_t n_items = (size_t)cJSON_GetArraySize(items), n_rates = (size_t)cJSON_GetArraySize(rates);
    size_t i = 0;
    NpsItem *is = calloc(n_items + 1, sizeof *is);
    NpsRate *rs = calloc(n_rates + 1, sizeof *rs);
    NpsApprovalOptions o;
    NpsApproval a;
    uint32_t path[16];
    NpsStatus s;
    memset(&o, 0, sizeof o);
    if (p == NULL || is == NULL || rs == NULL) goto done;
    cJSON_ArrayForEach(it, items) {
        is[i].minor = integer(get(it, "minor"), "item.minor");
        code(get(it, "currency"), is[i].currency, "item.currency");
        is[i].layer = LOOKUP(LAYERS, get(it, "layer"), "item.layer", 0xDEADBEEFu);
        i++;
    }
    i = 0;
    cJSON_ArrayForEach(it, rates) {
        code(get(it, "from"), rs[i].from, "rate.from");
        code(get(it, "to"), rs[i].to, "rate.to");
        rs[i].rate = string(get(it, "rate"), "rate.rate");
        i++;
    }
    o.rates = rs;
    o.rates_len = n_rates;
    if (!is_null(get(granted, "case"))) {
        o.has_granted_case = true;
        o.granted_case.minor = integer(get(get(granted, "case"), "minor"), "granted.case");
        code(get(get(granted, "case"), "currency"), o.granted_case.currency, "granted.case");
    }
    if (!is_null(get(granted, "customer"))) {
        o.has_granted_customer = true;
        o.granted_customer.minor =
            integer(get(get(granted, "customer"), "minor"), "granted.customer");
        code(get(get(granted, "customer"), "currency"), o.granted_customer.currency,
             "granted.customer");
    }
    if (!is_null(get(granted, "vehicle"))) {
        o.has_granted_vehicle = true;
        o.granted_vehicle.minor = integer(get(get(granted, "vehicle"), "minor"), "granted.vehicle");
        code(get(get(granted, "vehicle"), "currency"), o.granted_vehicle.currency,
             "granted.vehicle");
    }
    memset(&a, 0, sizeof a);
    s = nps_policy_required_approver(p, is, n_items,
                                     LOOKUP(TIERS, get(v, "tier"), "tier", NPS_TIER_NONE), &o, &a,
                                     path, sizeof path / sizeof path[0]);
    if (get(v, "error") != NULL) {
        expect_error(get(v, "error"), s);
    } else if (OK(s)) {
        const cJSON *want_path = get(e, "path"), *layers = get(e, "by_layer_minor");
        char policy_currency[4];
        int k;
        EXPECT_I64("approved", a.approved, !is_null(get(e, "approver")));
        expect_role("approver", p, a.approver, get(e, "approver"));
        EXPECT_I64("path length", (int64_t)a.path_count, cJSON_GetArraySize(want_path));
        for (k = 0; k < cJSON_GetArraySize(want_path) && (size_t)k < a.path_count; k++) {
            expect_role("path", p, path[k], cJSON_GetArrayItem(want_path, k));
        }
        EXPECT_I64("total_minor", a.total.minor, integer(get(e, "total_minor"), "total_minor"));
        if (OK(nps_policy_currency(p, policy_currency, sizeof policy_currency, NULL))) {
            EXPECT_STR("total currency", a.total.currency, policy_currency);
        }
        EXPECT_I64("by_layer_minor length", cJSON_GetArraySize(layers), 3);
        for (k = 0; k < 3 && k < cJSON_GetArraySize(layers); k++) {
            EXPECT_I64("by_layer_minor", a.by_layer_minor[k],
                       integer(cJSON_GetArrayItem(layers, k), "by_layer_minor"));
        }
        EXPECT_I64("within_cap", a.within_cap, boolean(get(e, "within_cap"), "within_cap"));
    }
done:
    free(is);
    free(rs);
    release_policy(p);
}

static NpsPause *pauses_of(const cJSON *arr, size_t *n) {
    const cJSON *it;
    size_t i = 0;
    NpsPause *out;
    *n = (size_t)cJSON_GetArraySize(arr);
    out = calloc(*n + 1, sizeof *out);
    if (out == NULL) return NULL;
    cJSON_ArrayForEach(it, arr) {
        out[i].start = integer(get(it, "start"), "pause.start");
        out[i].end = integer(get(it, "end"), "pause.end");
        i++;
    }
    return out;
}

static NpsDuration duration_of(const cJSON *d) {
    NpsDuration out;
    const char *unit = string(get(d, "unit"), "duration.unit");
    out.unit = 0xDEADBEEFu;
    out.amount = 0;
    if (strcmp(unit, "wall") == 0) {
        out.unit = NPS_DURATION_UNIT_WALL_SECONDS;
        out.amount = integer(get(d, "seconds"), "duration.seconds");
    } else if (strcmp(unit, "business") == 0) {
        out.unit = NPS_DURATION_UNIT_BUSINESS_SECONDS;
        out.amount = integer(get(d, "seconds"), "duration.seconds");
    } else if (strcmp(unit, "business_days") == 0) {
        out.unit = NPS_DURATION_UNIT_BUSINESS_DAYS;
        out.amount = integer(get(d, "days"), "duration.days");
    } else {
        NOTE("unknown duration unit `%s`", unit);
    }
    return out;
}

static void calendar_vector(const cJSON *v) {
    char *text = cJSON_PrintUnformatted(get(v, "calendar"));
    const char *op = string(get(v, "op"), "op");
    const cJSON *e = get(v, "expect"), *err = get(v, "error");
    NpsCalendar *cal = NULL;
    size_t n = 0;
    NpsPause *pauses = pauses_of(get(v, "pauses"), &n);
    int64_t start = integer(get(v, "start"), "start"), got = -1, elapsed = -1;
    NpsStatus s;
    if (text == NULL || pauses == NULL || !OK(nps_calendar_from_json(text, strlen(text), &cal))) {
        goto done;
    }
    if (strcmp(op, "deadline") == 0) {
        NpsDuration d = duration_of(get(v, "duration"));
        s = nps_calendar_deadline(cal, start, d, pauses, n, &got);
        if (err != NULL) {
            expect_error(err, s);
        } else if (OK(s)) {
            const cJSON *want_elapsed = get(e, "elapsed");
            EXPECT_I64("deadline", got, integer(get(e, "deadline"), "deadline"));
            if (d.unit == NPS_DURATION_UNIT_WALL_SECONDS) {
                int64_t wall = -1;
                /* Wall time needs no calendar: the free function agrees. */
                if (OK(nps_wall_deadline(start, d.amount, pauses, n, &wall))) {
                    EXPECT_I64("nps_wall_deadline", wall, got);
                }
                EXPECT(want_elapsed == NULL);
            } else if (OK(nps_calendar_elapsed(cal, start, got, pauses, n, &elapsed))) {
                EXPECT_I64("elapsed to the deadline", elapsed,
                           integer(want_elapsed, "expect.elapsed"));
            }
        }
    } else if (strcmp(op, "elapsed") == 0) {
        s = nps_calendar_elapsed(cal, start, integer(get(v, "end"), "end"), pauses, n, &elapsed);
        if (err != NULL) {
            expect_error(err, s);
        } else if (OK(s)) {
            EXPECT_I64("elapsed", elapsed, integer(get(e, "elapsed"), "expect.elapsed"));
        }
    } else {
        NOTE("unknown op `%s`", op);
    }
done:
    nps_calendar_free(cal);
    free(pauses);
    free(text);
}

struct event {
    NpsCaseEvent e;
    char key[256];
};

static int event_order(const void *a, const void *b) {
    const struct event *x = a, *y = b;
    if (x->e.at != y->e.at) return x->e.at < y->e.at ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void case_status_vector(const cJSON *v) {
    NpsPolicy *p = policy_for(v);
    NpsResponse r = response_of(get(v, "response"));
    const cJSON *progress = get(v, "progress"), *e = get(v, "expect"), *item;
    NpsProgress g;
    NpsCaseStatus *cs = NULL;
    NpsCaseStatusInfo info;
    struct event *events = NULL;
    size_t i;
    if (p == NULL) return;
    memset(&g, 0, sizeof g);
    if (!is_null(get(progress, "acknowledged_at"))) {
        g.has_acknowledged_at = true;
        g.acknowledged_at = integer(get(progress, "acknowledged_at"), "acknowledged_at");
    }
    if (!is_null(get(progress, "contacted_at"))) {
        g.has_contacted_at = true;
        g.contacted_at = integer(get(progress, "contacted_at"), "contacted_at");
    }
    if (!OK(nps_policy_case_status(p, &r, &g, integer(get(v, "now"), "now"),
                                   string(get(v, "case_id"), "case_id"), &cs)) ||
        !OK(nps_case_status_info(cs, &info))) {
        goto done;
    }
    EXPECT_I64("deadline count", (int64_t)info.deadline_count,
               cJSON_GetArraySize(get(e, "deadlines")));
    i = 0;
    cJSON_ArrayForEach(item, get(e, "deadlines")) {
        NpsDeadline d;
        if (i >= info.deadline_count || !OK(nps_case_status_deadline(cs, i, &d))) break;
        EXPECT_I64("deadline kind", d.kind, LOOKUP(DEADLINES, get(item, "name"), "name", 0xDEADBEEFu));
        EXPECT_I64("due", d.due, integer(get(item, "due"), "due"));
        EXPECT_I64("warn_at", d.warn_at, integer(get(item, "warn_at"), "warn_at"));
        EXPECT_I64("state", d.state, LOOKUP(STATES, get(item, "state"), "state", 0xDEADBEEFu));
        expect_opt_i64("met_at", d.has_met_at, d.met_at, get(item, "met_at"));
        expect_role("deadline escalate_to", p, d.escalate_to, get(item, "escalate_to"));
        i++;
    }
    EXPECT_I64("event count", (int64_t)info.event_count, cJSON_GetArraySize(get(e, "events")));
    events = calloc(info.event_count + 1, sizeof *events);
    if (events == NULL) goto done;
    for (i = 0; i < info.event_count; i++) {
        size_t key_len = 0;
        OK(nps_case_status_event(cs, i, &events[i].e));
        OK(nps_case_status_event_key(cs, i, events[i].key, sizeof events[i].key, &key_len));
        EXPECT_I64("key length", (int64_t)key_len, (int64_t)strlen(events[i].key));
    }
    qsort(events, info.event_count, sizeof *events, event_order);
    i = 0;
    cJSON_ArrayForEach(item, get(e, "events")) {
        if (i >= info.event_count) break;
        EXPECT_STR("event key", events[i].key, string(get(item, "key"), "key"));
        EXPECT_I64("event kind", events[i].e.kind, LOOKUP(EVENTS, get(item, "kind"), "kind", 0xDEADBEEFu));
        EXPECT_I64("event deadline", events[i].e.deadline,
                   LOOKUP(DEADLINES, get(item, "deadline"), "deadline", 0xDEADBEEFu));
        EXPECT_I64("event at", events[i].e.at, integer(get(item, "at"), "at"));
        expect_role("event to", p, events[i].e.to, get(item, "to"));
        i++;
    }
    expect_opt_i64("next_fire_at", info.has_next_fire_at, info.next_fire_at,
                   get(e, "next_fire_at"));
done:
    free(events);
    nps_case_status_free(cs);
    release_policy(p);
}

static void early_warning_vector(const cJSON *v) {
    NpsPolicy *p = policy_for(v);
    const cJSON *visit = get(v, "visit"), *e = get(v, "expect"), *item;
    size_t n_msg = (size_t)cJSON_GetArraySize(get(visit, "messages"));
    size_t n_rat = (size_t)cJSON_GetArraySize(get(visit, "ratings"));
    const char **messages = calloc(n_msg + 1, sizeof *messages);
    uint8_t *ratings = calloc(n_rat + 1, 1);
    NpsVisit vi;
    NpsVisitAssessment a;
    NpsStatus s;
    size_t i = 0;
    if (p == NULL || messages == NULL || ratings == NULL) goto done;
    memset(&vi, 0, sizeof vi);
    if (!is_null(get(visit, "promised_at"))) {
        vi.has_promised_at = true;
        vi.promised_at = integer(get(visit, "promised_at"), "promised_at");
    }
    vi.now = integer(get(visit, "now"), "now");
    vi.progress_inquiries = (uint32_t)integer(get(visit, "progress_inquiries"), "inquiries");
    cJSON_ArrayForEach(item, get(visit, "messages")) { messages[i++] = string(item, "message"); }
    i = 0;
    cJSON_ArrayForEach(item, get(visit, "ratings")) {
        int64_t r = integer(item, "rating");
        if (r < 0 || r > 255) NOTE("rating %lld does not fit uint8_t", (long long)r);
        ratings[i++] = (uint8_t)r;
    }
    vi.messages = messages;
    vi.messages_len = n_msg;
    vi.ratings = ratings;
    vi.ratings_len = n_rat;
    memset(&a, 0, sizeof a);
    s = nps_policy_assess_visit(p, &vi, &a);
    if (get(v, "error") != NULL) {
        expect_error(get(v, "error"), s);
    } else if (OK(s)) {
        EXPECT_I64("level", a.level, LOOKUP(ALERTS, get(e, "level"), "level", NPS_ALERT_NONE));
        EXPECT_I64("warning count", (int64_t)a.warning_count,
                   cJSON_GetArraySize(get(e, "warnings")));
        i = 0;
        cJSON_ArrayForEach(item, get(e, "warnings")) {
            if (i >= a.warning_count || i >= NPS_MAX_WARNINGS) break;
            EXPECT_I64("warning rule", a.warnings[i].rule,
                       LOOKUP(RULES, get(item, "rule"), "rule", 0xDEADBEEFu));
            EXPECT_I64("warning level", a.warnings[i].level,
                       LOOKUP(ALERTS, get(item, "level"), "level", 0xDEADBEEFu));
            i++;
        }
        EXPECT_I64("retention_call", a.retention_call, !is_null(get(e, "retention_call")));
        expect_role("retention_call_by", p, a.retention_call_by, get(e, "retention_call"));
    }
done:
    free(messages);
    free(ratings);
    release_policy(p);
}

static void policy_error_vector(const cJSON *v) {
    const cJSON *e = get(v, "expect"), *want = get(e, "paths"), *w;
    char *text = NULL;
    const char *doc;
    NpsPolicy *p = NULL;
    NpsStatus s;
    size_t i, count;
    if (get(v, "text") != NULL) {
        doc = string(get(v, "text"), "text");
    } else {
        text = patched_text(v);
        doc = text ? text : "";
    }
    s = nps_policy_from_json(doc, strlen(doc), &p);
    EXPECT_STR("status", nps_status_name(s), string(get(e, "kind"), "kind"));
    EXPECT(p == NULL);
    nps_policy_free(p);
    count = nps_last_error_problem_count();
    EXPECT(count > 0);
    /* Every reported path is expected, and every expected path reported. */
    for (i = 0; i < count; i++) {
        char path[256];
        int found = 0;
        size_t len = nps_last_error_problem_path(i, path, sizeof path);
        EXPECT(len < sizeof path);
        EXPECT(nps_last_error_problem_message(i, NULL, 0) > 0);
        cJSON_ArrayForEach(w, want) { found |= strcmp(string(w, "path"), path) == 0; }
        if (!found) NOTE("unexpected problem at `%s`", path);
    }
    cJSON_ArrayForEach(w, want) {
        int found = 0;
        for (i = 0; i < count; i++) {
            char path[256];
            nps_last_error_problem_path(i, path, sizeof path);
            found |= strcmp(string(w, "path"), path) == 0;
        }
        if (!found) NOTE("no problem reported at `%s`", string(w, "path"));
    }
    free(text);
}

/* ---- driver ---------------------------------------------------------- */

typedef void (*vector_fn)(const cJSON *v);

static void run_vector(const char *section, const cJSON *v, vector_fn fn) {
    const char *name = cJSON_IsString(get(v, "name")) ? get(v, "name")->valuestring : "?";
    const cJSON *issue = get(v, "known_issue");
    vlog_len = 0;
    vlog[0] = '\0';
    verrors = 0;
    fn(v);
    if (issue != NULL && verrors > 0) {
        fprintf(stderr, "note: skipping [%s/%s] (known issue: %s)\n", section, name,
                cJSON_IsString(issue) ? issue->valuestring : "?");
        return;
    }
    if (issue != NULL) {
        fprintf(stderr, "note: [%s/%s] passes now; remove its known_issue from the generator\n",
                section, name);
    }
    case_begin("%s/%s", section, name);
    if (verrors > 0) fail(__FILE__, __LINE__, "%d problem(s):%s", verrors, vlog);
    case_end();
}

static void run_section(const cJSON *root, const char *section, vector_fn fn) {
    const cJSON *list = get(root, section), *v;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0) {
        case_begin("section %s", section);
        fail(__FILE__, __LINE__, "missing or empty section `%s`", section);
        case_end();
        return;
    }
    cJSON_ArrayForEach(v, list) { run_vector(section, v, fn); }
}

/* The default policy as SPEC §4: "default_policy" is a subset of its JSON,
 * and that JSON loads back to the same document. */
static void default_policy_case(const cJSON *root) {
    char *again_text = NULL;
    NpsPolicy *again = NULL;
    cJSON *again_doc = NULL;
    vlog_len = 0;
    vlog[0] = '\0';
    verrors = 0;
    subset(default_doc, get(root, "default_policy"), "default_policy");
    {
        char *text = cJSON_PrintUnformatted(default_doc);
        if (text != NULL && OK(nps_policy_from_json(text, strlen(text), &again))) {
            again_text = policy_json(again);
            again_doc = again_text ? cJSON_Parse(again_text) : NULL;
            EXPECT(again_doc != NULL && cJSON_Compare(again_doc, default_doc, 1));
        }
        free(text);
    }
    cJSON_Delete(again_doc);
    free(again_text);
    nps_policy_free(again);
    case_begin("default_policy");
    if (verrors > 0) fail(__FILE__, __LINE__, "%d problem(s):%s", verrors, vlog);
    case_end();
}

/* Field by field (the structs have padding). */
static int same_triage(const NpsTriage *a, const NpsTriage *b) {
    return a->category == b->category && a->alert == b->alert && a->tier == b->tier &&
           a->owner == b->owner && a->has_acknowledge_by == b->has_acknowledge_by &&
           a->acknowledge_by == b->acknowledge_by && a->has_contact_by == b->has_contact_by &&
           a->contact_by == b->contact_by && a->has_compensation_cap == b->has_compensation_cap &&
           a->compensation_cap.minor == b->compensation_cap.minor &&
           memcmp(a->compensation_cap.currency, b->compensation_cap.currency, 4) == 0 &&
           a->escalate_immediately == b->escalate_immediately &&
           a->escalate_to == b->escalate_to && a->has_mark == b->has_mark &&
           strncmp(a->mark, b->mark, NPS_MARK_CAPACITY) == 0 && a->mark_len == b->mark_len;
}

/* triage_many over every valid default-policy triage vector at once gives
 * the single-response results; with the invalid ones it fails at the first
 * of them. */
static void triage_many_case(const cJSON *root) {
    const cJSON *list = get(root, "triage"), *v;
    size_t n = (size_t)cJSON_GetArraySize(list), k = 0, first_bad = (size_t)-1, i;
    NpsResponse *rs = calloc(n + 1, sizeof *rs);
    NpsTriage *ts = calloc(n + 1, sizeof *ts), one;
    vlog_len = 0;
    vlog[0] = '\0';
    verrors = 0;
    if (rs == NULL || ts == NULL) goto done;
    cJSON_ArrayForEach(v, list) {
        if (get(v, "policy_patch") != NULL || get(v, "known_issue") != NULL) continue;
        if (get(v, "error") != NULL && first_bad == (size_t)-1) first_bad = k;
        rs[k++] = response_of(get(v, "response"));
    }
    if (first_bad == (size_t)-1) {
        NOTE("no invalid triage vector to test the error row with");
    } else {
        memset(ts, 0xA5, (k + 1) * sizeof *ts);
        EXPECT_STR("status", nps_status_name(nps_policy_triage_many(default_policy, rs, k, ts)),
                   "invalid_score");
        i = (size_t)-1;
        EXPECT(nps_last_error_index(&i));
        EXPECT_I64("first invalid row", (int64_t)i, (int64_t)first_bad);
        EXPECT(((unsigned char *)ts)[0] == 0xA5); /* nothing written */
        /* Drop the invalid rows and compare with one-by-one triage. */
        for (i = 0, n = 0; i < k; i++) {
            if (rs[i].score <= 10) rs[n++] = rs[i];
        }
        if (OK(nps_policy_triage_many(default_policy, rs, n, ts))) {
            for (i = 0; i < n; i++) {
                if (OK(nps_policy_triage(default_policy, &rs[i], &one))) {
                    EXPECT(same_triage(&one, &ts[i]));
                }
            }
        }
    }
done:
    free(rs);
    free(ts);
    case_begin("triage_many agrees with triage");
    if (verrors > 0) fail(__FILE__, __LINE__, "%d problem(s):%s", verrors, vlog);
    case_end();
}

int main(int argc, char **argv) {
    static const char *known[] = {"version", "generator", "default_policy", "triage",
                                  "approvals", "calendars", "case_status", "early_warnings",
                                  "policy_errors"};
    char *text, *json;
    cJSON *root;
    const cJSON *item;
    if (argc != 2) {
        fprintf(stderr, "usage: %s policy_vectors.json\n", argv[0]);
        return 2;
    }
    text = read_file(argv[1]);
    root = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (root == NULL) {
        fprintf(stderr, "cannot read or parse %s\n", argv[1]);
        return 2;
    }
    if (nps_policy_default(&default_policy) != NPS_STATUS_OK ||
        (json = policy_json(default_policy)) == NULL) {
        fprintf(stderr, "cannot get the default policy: %s\n", last_message());
        return 2;
    }
    default_doc = cJSON_Parse(json);
    free(json);
    if (default_doc == NULL) {
        fprintf(stderr, "the default policy's JSON does not parse\n");
        return 2;
    }

    case_begin("file version and sections");
    if (!cJSON_IsNumber(get(root, "version")) || get(root, "version")->valueint != 1) {
        fail(__FILE__, __LINE__, "unsupported version");
    }
    cJSON_ArrayForEach(item, root) {
        size_t i;
        int ok = 0;
        for (i = 0; i < sizeof known / sizeof known[0]; i++) ok |= strcmp(known[i], item->string) == 0;
        if (!ok) fail(__FILE__, __LINE__, "unknown section `%s`", item->string);
    }
    case_end();

    default_policy_case(root);
    run_section(root, "triage", triage_vector);
    triage_many_case(root);
    run_section(root, "approvals", approval_vector);
    run_section(root, "calendars", calendar_vector);
    run_section(root, "case_status", case_status_vector);
    run_section(root, "early_warnings", early_warning_vector);
    run_section(root, "policy_errors", policy_error_vector);

    nps_policy_free(default_policy);
    cJSON_Delete(default_doc);
    cJSON_Delete(root);
    return summary("policy_golden");
}
