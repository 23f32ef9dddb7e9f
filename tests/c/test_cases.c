/* Recovery cases and programme analytics through the C API: every vector
 * of tests/golden/cases_vectors.json (written by the independent oracle
 * tests/golden/gen_cases_vectors.py; schema in tests/golden/README.md),
 * plus bad input (NULL pointers, bad enum values, small buffers).
 * Usage: test_cases path/to/cases_vectors.json */
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

static int64_t integer(const cJSON *v) { return (int64_t)cJSON_GetNumberValue(v); }

static NpsPolicy *business_policy;

/* The default policy's JSON with the top-level keys of
 * "business_policy_top" replaced. */
static NpsPolicy *make_business_policy(const cJSON *root) {
    NpsPolicy *p = NULL, *d = NULL;
    char *text, *out;
    size_t len = 0;
    cJSON *doc;
    const cJSON *item;
    if (nps_policy_default(&d) != NPS_STATUS_OK) return NULL;
    nps_policy_to_json(d, NULL, 0, &len);
    text = malloc(len + 1);
    if (text == NULL || nps_policy_to_json(d, text, len + 1, NULL) != NPS_STATUS_OK) {
        free(text);
        nps_policy_free(d);
        return NULL;
    }
    nps_policy_free(d);
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) return NULL;
    cJSON_ArrayForEach(item, get(root, "business_policy_top")) {
        cJSON_ReplaceItemInObjectCaseSensitive(doc, item->string, cJSON_Duplicate(item, 1));
    }
    out = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    if (out == NULL) return NULL;
    if (nps_policy_from_json(out, strlen(out), &p) != NPS_STATUS_OK) p = NULL;
    cJSON_free(out);
    return p;
}

/* A case from a golden {"id", "events"} object (NULL on failure). */
static NpsCase *case_of(const NpsPolicy *policy, const cJSON *c) {
    NpsCase *out = NULL;
    char *events = cJSON_PrintUnformatted(get(c, "events"));
    const cJSON *id = get(c, "id");
    NpsStatus st = nps_case_from_events_json(policy, events,
                                             cJSON_IsString(id) ? id->valuestring : NULL, &out);
    cJSON_free(events);
    if (st != NPS_STATUS_OK) {
        fail(__FILE__, __LINE__, "case %s: status %u: %s", cJSON_IsString(id) ? id->valuestring : "?",
             (unsigned)st, last_message());
        return NULL;
    }
    return out;
}

static void check_rate(const char *what, NpsRecoveryRate r, const cJSON *e) {
    CHECK_U64(what, r.numerator, (uint64_t)integer(get(e, "numerator")));
    CHECK_U64(what, r.denominator, (uint64_t)integer(get(e, "denominator")));
    if (is_null(get(e, "value"))) {
        CHECK(!r.has_value);
    } else {
        CHECK(r.has_value);
        CHECK_CLOSE(what, r.value, cJSON_GetNumberValue(get(e, "value")), 1e-12);
    }
}

static void check_stats(const NpsRecoveryStats *s, const cJSON *e) {
    CHECK_U64("low_scores", s->low_scores, (uint64_t)integer(get(e, "low_scores")));
    CHECK_U64("launched", s->launched, (uint64_t)integer(get(e, "launched")));
    CHECK_U64("responded_24h", s->responded_24h, (uint64_t)integer(get(e, "responded_24h")));
    CHECK_U64("recovered", s->recovered, (uint64_t)integer(get(e, "recovered")));
    CHECK_U64("converted", s->converted, (uint64_t)integer(get(e, "converted")));
    CHECK_U64("lost", s->lost, (uint64_t)integer(get(e, "lost")));
    check_rate("launch_rate", s->launch_rate, get(e, "launch_rate"));
    check_rate("response_24h_rate", s->response_24h_rate, get(e, "response_24h_rate"));
    check_rate("success_rate", s->success_rate, get(e, "success_rate"));
    check_rate("conversion_rate", s->conversion_rate, get(e, "conversion_rate"));
    check_rate("lost_rate", s->lost_rate, get(e, "lost_rate"));
}

/* Builds handles for a list of golden cases; returns the count. */
static size_t build_cases(const cJSON *list, NpsCase **out, size_t cap) {
    size_t n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, list) {
        if (n < cap) out[n++] = case_of(NULL, c);
    }
    return n;
}

static void free_cases(NpsCase **cs, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) nps_case_free(cs[i]);
}

/* Compares the splits of a JSON stats object (from the library) with the
 * golden one: labels and success rates of by_speed / by_compensation /
 * by_channel, and the reasons. */
static void check_splits(const cJSON *got, const cJSON *want) {
    static const char *splits[] = {"by_speed", "by_compensation", "by_channel", "by_expectation"};
    size_t k;
    const cJSON *g, *w;
    for (k = 0; k < 4; k++) {
        const cJSON *ga = get(got, splits[k]), *wa = get(want, splits[k]);
        CHECK(cJSON_GetArraySize(ga) == cJSON_GetArraySize(wa));
        for (g = ga ? ga->child : NULL, w = wa ? wa->child : NULL; g && w; g = g->next, w = w->next) {
            NpsRecoveryRate r;
            const cJSON *gs = get(g, "success");
            CHECK_STR(splits[k], cJSON_GetStringValue(get(g, "label")),
                      cJSON_GetStringValue(get(w, "label")));
            r.has_value = !is_null(get(gs, "value"));
            r.value = r.has_value ? cJSON_GetNumberValue(get(gs, "value")) : 0.0;
            r.numerator = (uint64_t)integer(get(gs, "numerator"));
            r.denominator = (uint64_t)integer(get(gs, "denominator"));
            check_rate(splits[k], r, get(w, "success"));
        }
    }
    CHECK(cJSON_GetArraySize(get(got, "reasons")) == cJSON_GetArraySize(get(want, "reasons")));
    for (g = get(got, "reasons")->child, w = get(want, "reasons")->child; g && w;
         g = g->next, w = w->next) {
        CHECK_STR("reason", cJSON_GetStringValue(get(g, "reason")),
                  cJSON_GetStringValue(get(w, "reason")));
    }
}

static char *stats_json(NpsCase **cs, size_t n, uint32_t period, bool by_dealer, const char *tz) {
    size_t len = 0;
    char *buf;
    NpsStatus st = nps_recovery_stats_json(NULL, (const NpsCase *const *)cs, n, period, by_dealer,
                                           tz, 5, NULL, 0, &len);
    if (st != NPS_STATUS_BUFFER_TOO_SMALL && st != NPS_STATUS_OK) return NULL;
    buf = malloc(len + 1);
    if (buf == NULL) return NULL;
    if (nps_recovery_stats_json(NULL, (const NpsCase *const *)cs, n, period, by_dealer, tz, 5, buf,
                                len + 1, NULL) != NPS_STATUS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void month_case(const cJSON *root) {
    NpsCase *cs[64];
    NpsRecoveryStats s;
    const cJSON *m = get(root, "month");
    size_t n;
    char *json;
    cJSON *doc;
    case_begin("month like the source");
    n = build_cases(get(m, "cases"), cs, 64);
    CHECK_STATUS(nps_recovery_stats(NULL, (const NpsCase *const *)cs, n, &s), NPS_STATUS_OK);
    check_stats(&s, get(m, "stats"));
    /* The source's figures, independently of the oracle. */
    CHECK_U64("low", s.low_scores, 25);
    CHECK_U64("launched", s.launched, 25);
    CHECK_U64("24h", s.responded_24h, 24);
    CHECK_U64("recovered", s.recovered, 17);
    CHECK_U64("converted", s.converted, 7);
    CHECK_U64("lost", s.lost, 8);
    CHECK_CLOSE("success", s.success_rate.value, 0.68, 1e-15);
    CHECK_CLOSE("24h rate", s.response_24h_rate.value, 0.96, 1e-15);
    json = stats_json(cs, n, NPS_PERIOD_NONE, false, NULL);
    CHECK(json != NULL);
    doc = json ? cJSON_Parse(json) : NULL;
    free(json);
    CHECK(doc != NULL);
    if (doc) check_splits(doc, get(m, "stats"));
    cJSON_Delete(doc);
    free_cases(cs, n);
    case_end();
}

static void groups_case(const cJSON *root) {
    NpsCase *cs[64];
    const cJSON *g = get(root, "programme");
    size_t n;
    char *json;
    cJSON *doc;
    const cJSON *row, *want;
    case_begin("programme by dealer and by month");
    n = build_cases(get(g, "cases"), cs, 64);
    json = stats_json(cs, n, NPS_PERIOD_NONE, true, NULL);
    doc = json ? cJSON_Parse(json) : NULL;
    free(json);
    CHECK(doc != NULL && cJSON_GetArraySize(doc) == cJSON_GetArraySize(get(g, "by_dealer")));
    for (row = doc ? doc->child : NULL, want = get(g, "by_dealer")->child; row && want;
         row = row->next, want = want->next) {
        CHECK_STR("dealer", cJSON_GetStringValue(get(row, "dealer")),
                  cJSON_GetStringValue(get(want, "dealer")));
        CHECK_U64("low", (uint64_t)integer(get(get(row, "stats"), "low_scores")),
                  (uint64_t)integer(get(get(want, "stats"), "low_scores")));
        check_splits(get(row, "stats"), get(want, "stats"));
    }
    cJSON_Delete(doc);
    json = stats_json(cs, n, NPS_PERIOD_MONTH, false, cJSON_GetStringValue(get(g, "tz")));
    doc = json ? cJSON_Parse(json) : NULL;
    free(json);
    CHECK(doc != NULL && cJSON_GetArraySize(doc) == cJSON_GetArraySize(get(g, "by_month")));
    for (row = doc ? doc->child : NULL, want = get(g, "by_month")->child; row && want;
         row = row->next, want = want->next) {
        CHECK_STR("period", cJSON_GetStringValue(get(row, "period")),
                  cJSON_GetStringValue(get(want, "period")));
        CHECK_U64("recovered", (uint64_t)integer(get(get(row, "stats"), "recovered")),
                  (uint64_t)integer(get(get(want, "stats"), "recovered")));
    }
    cJSON_Delete(doc);
    free_cases(cs, n);
    case_end();
}

static const char *STATES[] = {"pending", "due", "late", "done", "done_late"};

/* The follow-up of a status summary against the golden one (null before
 * the delivery). */
static void check_follow_up(const NpsRecoveryStatus *sum, const cJSON *e) {
    CHECK(sum->has_follow_up == !is_null(e));
    if (!sum->has_follow_up || is_null(e)) return;
    CHECK_STR("follow_up state", STATES[sum->follow_up.state < 5 ? sum->follow_up.state : 0],
              cJSON_GetStringValue(get(e, "state")));
    CHECK(sum->follow_up.start == integer(get(e, "start")));
    CHECK(sum->follow_up.has_due && sum->follow_up.due == integer(get(e, "due")));
    CHECK(sum->follow_up.has_completed_at == !is_null(get(e, "completed_at")));
    if (sum->follow_up.has_completed_at) {
        CHECK(sum->follow_up.completed_at == integer(get(e, "completed_at")));
    }
    CHECK(sum->follow_up.late_seconds == integer(get(e, "late_seconds")));
}

static void status_vector(const cJSON *v) {
    const char *policy = cJSON_GetStringValue(get(v, "policy"));
    NpsCase *c;
    NpsRecoveryStatus sum;
    NpsStep steps[8];
    const cJSON *e;
    size_t i = 0;
    int64_t now = integer(get(v, "now"));
    case_begin("status %s", cJSON_GetStringValue(get(v, "name")));
    c = case_of(strcmp(policy, "default") == 0 ? NULL : business_policy, v);
    if (c == NULL) {
        case_end();
        return;
    }
    CHECK_STATUS(nps_case_status(c, now, &sum, steps, 8), NPS_STATUS_OK);
    CHECK(sum.step_count == (size_t)cJSON_GetArraySize(get(v, "steps")));
    cJSON_ArrayForEach(e, get(v, "steps")) {
        if (i >= sum.step_count) break;
        CHECK(steps[i].state < 5);
        CHECK_STR("state", STATES[steps[i].state < 5 ? steps[i].state : 0],
                  cJSON_GetStringValue(get(e, "state")));
        CHECK(steps[i].start == integer(get(e, "start")));
        CHECK(steps[i].has_due == !is_null(get(e, "due")));
        if (steps[i].has_due) CHECK(steps[i].due == integer(get(e, "due")));
        CHECK(steps[i].has_completed_at == !is_null(get(e, "completed_at")));
        if (steps[i].has_completed_at) CHECK(steps[i].completed_at == integer(get(e, "completed_at")));
        CHECK(steps[i].late_seconds == integer(get(e, "late_seconds")));
        if (is_null(get(v, "current_step")) ? 0 : strcmp(cJSON_GetStringValue(get(e, "name")),
                                                         cJSON_GetStringValue(get(v, "current_step"))) == 0) {
            CHECK(sum.current_step == i);
        }
        i++;
    }
    if (is_null(get(v, "current_step"))) CHECK(sum.current_step == NPS_STEP_NONE);
    check_follow_up(&sum, get(v, "follow_up"));
    {
        const cJSON *ap = get(v, "approvals");
        int k = cJSON_GetArraySize(ap);
        CHECK(sum.has_last_approval == (k > 0));
        if (k > 0) {
            const cJSON *last = cJSON_GetArrayItem(ap, k - 1);
            CHECK(sum.last_total_minor == integer(get(last, "total")));
            CHECK(sum.last_within_cap == cJSON_IsTrue(get(last, "within_cap")));
        }
    }
    /* The JSON status names the steps. */
    {
        size_t len = 0;
        char *buf;
        cJSON *doc;
        CHECK_STATUS(nps_case_status_json(c, now, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
        buf = malloc(len + 1);
        CHECK(buf != NULL);
        if (buf) {
            CHECK_STATUS(nps_case_status_json(c, now, buf, len + 1, NULL), NPS_STATUS_OK);
            doc = cJSON_Parse(buf);
            CHECK(doc != NULL);
            if (doc) {
                const cJSON *cur = get(doc, "current_step");
                if (is_null(get(v, "current_step"))) {
                    CHECK(is_null(cur));
                } else {
                    CHECK_STR("current_step", cJSON_GetStringValue(cur),
                              cJSON_GetStringValue(get(v, "current_step")));
                }
            }
            cJSON_Delete(doc);
            free(buf);
        }
    }
    nps_case_free(c);
    case_end();
}

static void invalid_vector(const cJSON *v) {
    NpsCase *c = NULL;
    size_t index = 99;
    char *events = cJSON_PrintUnformatted(get(v, "events"));
    case_begin("invalid %s", cJSON_GetStringValue(get(v, "name")));
    CHECK_STATUS(nps_case_from_events_json(NULL, events, "x", &c), NPS_STATUS_INVALID_EVENT);
    CHECK(nps_last_error_index(&index));
    CHECK_U64("index", index, (uint64_t)integer(get(v, "index")));
    CHECK(c == NULL);
    nps_case_free(c);
    cJSON_free(events);
    case_end();
}

static void rejected_event_keeps_case(const cJSON *root) {
    const cJSON *v;
    case_begin("a rejected event leaves the case unchanged");
    cJSON_ArrayForEach(v, get(root, "invalid")) {
        int bad = (int)integer(get(v, "index"));
        cJSON *prefix;
        char *text, *ev;
        NpsCase *c = NULL;
        int i;
        size_t before = 0, after = 0, index = 99;
        if (bad == 0) continue;
        prefix = cJSON_CreateArray();
        for (i = 0; i < bad; i++) {
            cJSON_AddItemToArray(prefix, cJSON_Duplicate(cJSON_GetArrayItem(get(v, "events"), i), 1));
        }
        text = cJSON_PrintUnformatted(prefix);
        ev = cJSON_PrintUnformatted(cJSON_GetArrayItem(get(v, "events"), bad));
        CHECK_STATUS(nps_case_from_events_json(NULL, text, "x", &c), NPS_STATUS_OK);
        nps_case_to_json(c, NULL, 0, &before);
        CHECK_STATUS(nps_case_apply_json(c, ev), NPS_STATUS_INVALID_EVENT);
        CHECK(nps_last_error_index(&index) && index == (size_t)bad);
        nps_case_to_json(c, NULL, 0, &after);
        CHECK(before == after);
        nps_case_free(c);
        cJSON_free(text);
        cJSON_free(ev);
        cJSON_Delete(prefix);
    }
    case_end();
}

static void rerated_case(const cJSON *root) {
    const cJSON *r = get(root, "rerated");
    NpsCase *c, *back = NULL;
    NpsCaseInfo info, info2;
    size_t len = 0;
    char *buf;
    case_begin("re-rating kept next to the original score; JSON round trip");
    c = case_of(NULL, r);
    if (c != NULL) {
        CHECK_STATUS(nps_case_info(c, &info), NPS_STATUS_OK);
        CHECK_U64("original", info.original_score, (uint64_t)integer(get(r, "original_score")));
        CHECK(info.has_rerated_score);
        CHECK_U64("rerated", info.rerated_score, (uint64_t)integer(get(r, "rerated_score")));
        CHECK(info.outcome == NPS_OUTCOME_CONVERTED);
        CHECK(info.channel == NPS_CHANNEL_VISIT);
        CHECK_STATUS(nps_case_to_json(c, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
        buf = malloc(len + 1);
        if (buf) {
            CHECK_STATUS(nps_case_to_json(c, buf, len + 1, NULL), NPS_STATUS_OK);
            CHECK_STATUS(nps_case_from_json(NULL, buf, &back), NPS_STATUS_OK);
            CHECK_STATUS(nps_case_info(back, &info2), NPS_STATUS_OK);
            CHECK(info.event_count == info2.event_count && info.opened_at == info2.opened_at &&
                  info.original_score == info2.original_score &&
                  info.rerated_score == info2.rerated_score && info.outcome == info2.outcome &&
                  info.contacted_at == info2.contacted_at && info.channel == info2.channel);
            free(buf);
        }
        nps_case_free(back);
        nps_case_free(c);
    }
    case_end();
}

static void ranking_case(const cJSON *root) {
    const cJSON *r = get(root, "ranking"), *c, *e;
    NpsCase *cs[16];
    double values[16];
    NpsRankedCase out[16];
    size_t n = 0, count = 0, i = 0;
    case_begin("ranking of open cases");
    cJSON_ArrayForEach(c, get(r, "cases")) {
        if (n >= 16) break;
        cs[n] = case_of(NULL, c);
        values[n++] = cJSON_GetNumberValue(get(c, "value"));
    }
    CHECK_STATUS(nps_rank_open_cases(NULL, (const NpsCase *const *)cs, values, n,
                                     integer(get(r, "now")), out, 16, &count),
                 NPS_STATUS_OK);
    CHECK(count == (size_t)cJSON_GetArraySize(get(r, "expected")));
    cJSON_ArrayForEach(e, get(r, "expected")) {
        if (i >= count) break;
        CHECK_U64("index", out[i].index, (uint64_t)integer(get(e, "index")));
        CHECK_U64("band", out[i].band, (uint64_t)integer(get(e, "band")));
        CHECK_CLOSE("probability", out[i].probability, cJSON_GetNumberValue(get(e, "probability")), 0);
        CHECK_CLOSE("expected", out[i].expected, cJSON_GetNumberValue(get(e, "expected")), 1e-9);
        i++;
    }
    CHECK_STATUS(nps_rank_open_cases(NULL, (const NpsCase *const *)cs, values, n,
                                     integer(get(r, "now")), out, 1, &count),
                 NPS_STATUS_BUFFER_TOO_SMALL);
    values[2] = NAN;
    CHECK_STATUS(nps_rank_open_cases(NULL, (const NpsCase *const *)cs, values, n,
                                     integer(get(r, "now")), out, 16, &count),
                 NPS_STATUS_INVALID_VALUE);
    free_cases(cs, n);
    case_end();
}

static void bad_input_case(void) {
    NpsCase *c = NULL;
    NpsCaseInfo info;
    NpsRecoveryStatus sum;
    NpsRecoveryStats s;
    NpsStep steps[2];
    NpsResponse resp = {2, 1749776400, false, false};
    const NpsCase *none[1] = {NULL};
    size_t len;
    case_begin("bad input");
    CHECK_STATUS(nps_case_from_events_json(NULL, NULL, NULL, &c), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_from_events_json(NULL, "[]", NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_from_events_json(NULL, "{", NULL, &c), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_case_from_events_json(NULL, "[]", NULL, &c), NPS_STATUS_INVALID_EVENT);
    CHECK_STATUS(nps_case_from_response(NULL, NULL, "r", NULL, NULL, &c), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_from_response(NULL, &resp, NULL, NULL, NULL, &c), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_from_response(NULL, &resp, "waiting", "D1", "c1", &c), NPS_STATUS_OK);
    CHECK_STATUS(nps_case_info(c, &info), NPS_STATUS_OK);
    CHECK(info.event_count == 1 && info.original_score == 2 && info.outcome == NPS_OUTCOME_OPEN &&
          info.channel == NPS_CHANNEL_NONE);
    CHECK_STATUS(nps_case_apply_json(NULL, "{}"), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_apply_json(c, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_apply_json(c, "{\"kind\":\"acknowledged\",\"at\":\"2025-06-13T09:00:00\"}"),
                 NPS_STATUS_INVALID_EVENT);
    CHECK_STATUS(nps_case_apply_json(c, "{\"kind\":\"acknowledged\",\"at\":\"2025-06-13T09:30:00+08:00\"}"),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_case_info(c, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_info(NULL, &info), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_status(c, 1749776400, NULL, NULL, 0), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_status(c, 1749776400 + 3600, &sum, NULL, 0), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK(sum.step_count == 6 && sum.current_step == 1);
    CHECK_STATUS(nps_case_status(c, 1749776400, &sum, steps, 2), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(nps_case_status(c, 1749776400, &sum, NULL, 6), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_to_json(NULL, NULL, 0, &len), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_recovery_stats(NULL, NULL, 1, &s), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_recovery_stats(NULL, none, 1, &s), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_recovery_stats(NULL, NULL, 0, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_recovery_stats(NULL, NULL, 0, &s), NPS_STATUS_OK);
    CHECK(s.low_scores == 0 && !s.success_rate.has_value && s.success_rate.denominator == 0);
    CHECK_STATUS(nps_recovery_stats_json(NULL, (const NpsCase *const *)&c, 1, 77, false, NULL, 5,
                                         NULL, 0, &len),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_recovery_stats_json(NULL, (const NpsCase *const *)&c, 1, NPS_PERIOD_MONTH, false,
                                         "Mars/Olympus", 5, NULL, 0, &len),
                 NPS_STATUS_UNKNOWN_TIME_ZONE);
    CHECK_STATUS(nps_rank_open_cases(NULL, (const NpsCase *const *)&c, NULL, 1, 0, NULL, 0, NULL),
                 NPS_STATUS_NULL_POINTER);
    nps_case_free(c);
    nps_case_free(NULL);
    case_end();
}

/* The default policy's JSON with every "CNY" (its currency and the
 * currency of each amount) replaced by `currency` (NULL on failure). */
static NpsPolicy *policy_in(const char *currency) {
    NpsPolicy *p = NULL, *d = NULL;
    char *text, *at;
    size_t len = 0;
    if (strlen(currency) != 3 || nps_policy_default(&d) != NPS_STATUS_OK) return NULL;
    nps_policy_to_json(d, NULL, 0, &len);
    text = malloc(len + 1);
    if (text == NULL || nps_policy_to_json(d, text, len + 1, NULL) != NPS_STATUS_OK) {
        free(text);
        nps_policy_free(d);
        return NULL;
    }
    nps_policy_free(d);
    for (at = strstr(text, "\"CNY\""); at != NULL; at = strstr(at + 5, "\"CNY\"")) {
        memcpy(at + 1, currency, 3);
    }
    if (nps_policy_from_json(text, len, &p) != NPS_STATUS_OK) p = NULL;
    free(text);
    return p;
}

#define OPENED "{\"kind\":\"opened\",\"at\":\"2025-06-02T10:00:00+08:00\",\"score\":3,\"reason\":\"wait\",\"high_value\":false,\"public_opinion_risk\":false,\"dealer\":\"D1\"}"
#define ACKED "{\"kind\":\"acknowledged\",\"at\":\"2025-06-02T10:10:00+08:00\"}"
#define CONTACTED "{\"kind\":\"contacted\",\"at\":\"2025-06-02T12:00:00+08:00\",\"channel\":\"phone\"}"
#define PROPOSED(cur) "{\"kind\":\"solution_proposed\",\"at\":\"2025-06-02T14:00:00+08:00\",\"items\":[{\"value\":30000,\"currency\":\"" cur "\",\"layer\":\"loss_compensation\"}]}"

/* Issue 10 (4): a USD package on a CNY case is refused at apply (and in a
 * replayed log), naming the event; the case is unchanged. */
static void currency_at_apply(void) {
    NpsCase *c = NULL, *bad = NULL;
    size_t before = 0, after = 0, index = 99;
    case_begin("a USD package on a CNY case is refused at apply");
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED "," ACKED "," CONTACTED "]", "c1", &c),
                 NPS_STATUS_OK);
    nps_case_to_json(c, NULL, 0, &before);
    CHECK_STATUS(nps_case_apply_json(c, PROPOSED("USD")), NPS_STATUS_INVALID_EVENT);
    CHECK(nps_last_error_index(&index) && index == 3);
    CHECK(strstr(last_message(), "USD") != NULL && strstr(last_message(), "CNY") != NULL);
    nps_case_to_json(c, NULL, 0, &after);
    CHECK(before == after);
    CHECK_STATUS(nps_case_apply_json(c, PROPOSED("CNY")), NPS_STATUS_OK);
    index = 99;
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED "," ACKED "," CONTACTED "," PROPOSED("USD") "]",
                                           "c2", &bad),
                 NPS_STATUS_INVALID_EVENT);
    CHECK(nps_last_error_index(&index) && index == 3);
    CHECK(bad == NULL);
    nps_case_free(c);
    case_end();
}

/* Issue 10 (4): a batch names the case that fails (index and id). */
static void batch_names_the_case(void) {
    NpsPolicy *usd = policy_in("USD");
    NpsCase *cs[3] = {NULL, NULL, NULL};
    NpsRecoveryStats st;
    size_t index = 99, n;
    char id[16];
    case_begin("a batch names the failing case: nps_last_error_index, nps_last_error_case_id");
    CHECK(usd != NULL);
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED "," ACKED "," CONTACTED "," PROPOSED("CNY") "]",
                                           "good", &cs[0]),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED "]", "ok-2", &cs[1]), NPS_STATUS_OK);
    /* In USD on a USD policy: a valid case, read in a CNY batch. */
    CHECK_STATUS(nps_case_from_events_json(usd, "[" OPENED "," ACKED "," CONTACTED "," PROPOSED("USD") "]",
                                           "bad-7", &cs[2]),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats(NULL, (const NpsCase *const *)cs, 3, &st), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(nps_last_error_index(&index) && index == 2);
    n = nps_last_error_case_id(id, sizeof id);
    CHECK_U64("case id length", n, 5);
    CHECK_STR("case id", id, "bad-7");
    CHECK(strstr(last_message(), "case #2 `bad-7`") != NULL);
    /* Truncated like nps_last_error_message; a size query. */
    CHECK_U64("size query", nps_last_error_case_id(NULL, 0), 5);
    /* Cleared by the next successful call; "" for an error of no case. */
    CHECK_STATUS(nps_recovery_stats(NULL, (const NpsCase *const *)cs, 2, &st), NPS_STATUS_OK);
    CHECK_U64("no case", nps_last_error_case_id(id, sizeof id), 0);
    CHECK_STR("no case id", id, "");
    nps_case_free(cs[0]);
    nps_case_free(cs[1]);
    nps_case_free(cs[2]);
    nps_policy_free(usd);
    case_end();
}

static char *case_json(const NpsCase *c) {
    size_t len = 0;
    char *buf;
    nps_case_to_json(c, NULL, 0, &len);
    buf = malloc(len + 1);
    if (buf != NULL && nps_case_to_json(c, buf, len + 1, NULL) != NPS_STATUS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *status_text(const NpsCase *c, int64_t now) {
    size_t len = 0;
    char *buf;
    nps_case_status_json(c, now, NULL, 0, &len);
    buf = malloc(len + 1);
    if (buf != NULL && nps_case_status_json(c, now, buf, len + 1, NULL) != NPS_STATUS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Issue 10 (11): the case JSON carries its policy; loading it against
 * another policy is refused, never a silent switch. */
static void custom_policy_round_trip(void) {
    NpsCase *c = NULL, *back = NULL, *same = NULL, *other = NULL, *d = NULL;
    NpsPolicy *def = NULL;
    char *text, *text_d, *s1, *s2;
    const int64_t now = 1748853600 + 3 * 86400; /* 2025-06-05 */
    case_begin("custom-policy case JSON round trip; a mismatch is refused");
    CHECK_STATUS(nps_policy_default(&def), NPS_STATUS_OK);
    CHECK_STATUS(nps_case_from_events_json(business_policy, "[" OPENED "," ACKED "]", "cp", &c),
                 NPS_STATUS_OK);
    text = case_json(c);
    CHECK(text != NULL && strstr(text, "\"policy\"") != NULL);
    if (text != NULL) {
        /* NULL: the embedded (business) policy, so the same late steps. */
        CHECK_STATUS(nps_case_from_json(NULL, text, &back), NPS_STATUS_OK);
        s1 = status_text(c, now);
        s2 = back ? status_text(back, now) : NULL;
        CHECK(s1 != NULL && s2 != NULL && strcmp(s1, s2) == 0);
        free(s1);
        free(s2);
        CHECK_STATUS(nps_case_from_json(business_policy, text, &same), NPS_STATUS_OK);
        CHECK_STATUS(nps_case_from_json(def, text, &other), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(other == NULL);
        CHECK(strstr(last_message(), "policy") != NULL);
        free(text);
    }
    /* A default-policy case read against the business policy: refused. */
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED "]", "dp", &d), NPS_STATUS_OK);
    text_d = case_json(d);
    CHECK(text_d != NULL);
    if (text_d != NULL) {
        CHECK_STATUS(nps_case_from_json(business_policy, text_d, &other), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(other == NULL);
        free(text_d);
    }
    nps_case_free(c);
    nps_case_free(back);
    nps_case_free(same);
    nps_case_free(d);
    nps_policy_free(def);
    case_end();
}

/* Recovery statistics by caller key columns, hand-computed: cases a, b
 * (dealer D1) and c (dealer D2); advisor 7, 8, 7; region "N", "N", "S". */
static void stats_by_keys(void) {
    NpsCase *cs[3] = {NULL, NULL, NULL};
    const uint32_t advisor[3] = {7, 8, 7};
    const char *region[3] = {"N", "N", "S"};
    NpsKeyColumn one[1], two[2];
    char buf[8192];
    cJSON *doc;
    const cJSON *g;
    case_begin("recovery statistics by key columns (nps_recovery_stats_by_json)");
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED "]", "a", &cs[0]), NPS_STATUS_OK);
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED "," ACKED "," CONTACTED "]", "b", &cs[1]),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_case_from_events_json(
                     NULL,
                     "[{\"kind\":\"opened\",\"at\":\"2025-06-02T10:00:00+08:00\",\"score\":3,"
                     "\"reason\":\"wait\",\"high_value\":false,\"public_opinion_risk\":false,\"dealer\":\"D2\"}]",
                     "c", &cs[2]),
                 NPS_STATUS_OK);
    one[0].key_type = NPS_KEY_TYPE_U32;
    one[0].values = advisor;
    /* By advisor only: 7 -> {a, c}, 8 -> {b}. */
    CHECK_STATUS(nps_recovery_stats_by_json(NULL, (const NpsCase *const *)cs, 3, one, 1, NPS_PERIOD_NONE, false,
                                            NULL, 3, buf, sizeof buf, NULL),
                 NPS_STATUS_OK);
    doc = cJSON_Parse(buf);
    CHECK(cJSON_GetArraySize(doc) == 2);
    g = cJSON_GetArrayItem(doc, 0);
    CHECK(integer(get(g, "key")) == 7);
    CHECK(integer(get(get(g, "stats"), "low_scores")) == 2);
    CHECK(integer(get(get(g, "stats"), "launched")) == 0);
    g = cJSON_GetArrayItem(doc, 1);
    CHECK(integer(get(g, "key")) == 8);
    CHECK(integer(get(get(g, "stats"), "launched")) == 1);
    cJSON_Delete(doc);
    /* Dealer, then region x advisor: D1|N|7 {a}, D1|N|8 {b}, D2|S|7 {c}. */
    two[0].key_type = NPS_KEY_TYPE_STR;
    two[0].values = region;
    two[1].key_type = NPS_KEY_TYPE_U32;
    two[1].values = advisor;
    CHECK_STATUS(nps_recovery_stats_by_json(NULL, (const NpsCase *const *)cs, 3, two, 2, NPS_PERIOD_NONE, true,
                                            NULL, 3, buf, sizeof buf, NULL),
                 NPS_STATUS_OK);
    doc = cJSON_Parse(buf);
    CHECK(cJSON_GetArraySize(doc) == 3);
    g = cJSON_GetArrayItem(doc, 1);
    CHECK(strcmp(cJSON_GetStringValue(get(g, "dealer")), "D1") == 0);
    CHECK(strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(get(g, "key"), 0)), "N") == 0);
    CHECK(integer(cJSON_GetArrayItem(get(g, "key"), 1)) == 8);
    g = cJSON_GetArrayItem(doc, 2);
    CHECK(strcmp(cJSON_GetStringValue(get(g, "dealer")), "D2") == 0);
    CHECK(strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(get(g, "key"), 0)), "S") == 0);
    CHECK(integer(get(get(g, "stats"), "low_scores")) == 1);
    cJSON_Delete(doc);
    /* A key column with a NULL values pointer and rows: NULL pointer. */
    one[0].values = NULL;
    CHECK_STATUS(nps_recovery_stats_by_json(NULL, (const NpsCase *const *)cs, 3, one, 1, NPS_PERIOD_NONE, false,
                                            NULL, 3, buf, sizeof buf, NULL),
                 NPS_STATUS_NULL_POINTER);
    nps_case_free(cs[0]);
    nps_case_free(cs[1]);
    nps_case_free(cs[2]);
    case_end();
}

/* The figures of two statistics are the same. */
static void check_same_stats(const NpsRecoveryStats *g, const NpsRecoveryStats *w) {
    const NpsRecoveryRate *gr[5] = {&g->launch_rate, &g->response_24h_rate, &g->success_rate,
                                    &g->conversion_rate, &g->lost_rate};
    const NpsRecoveryRate *wr[5] = {&w->launch_rate, &w->response_24h_rate, &w->success_rate,
                                    &w->conversion_rate, &w->lost_rate};
    int i;
    CHECK_U64("low_scores", g->low_scores, w->low_scores);
    CHECK_U64("launched", g->launched, w->launched);
    CHECK_U64("responded_24h", g->responded_24h, w->responded_24h);
    CHECK_U64("recovered", g->recovered, w->recovered);
    CHECK_U64("converted", g->converted, w->converted);
    CHECK_U64("lost", g->lost, w->lost);
    for (i = 0; i < 5; i++) {
        CHECK(gr[i]->has_value == wr[i]->has_value && gr[i]->value == wr[i]->value);
        CHECK(gr[i]->numerator == wr[i]->numerator && gr[i]->denominator == wr[i]->denominator);
    }
}

#define OPENED_AS(id, reason) "{\"kind\":\"opened\",\"at\":\"2025-06-02T10:00:00+08:00\",\"score\":3,\"reason\":\"" reason "\",\"high_value\":false,\"public_opinion_risk\":false}"
#define CLOSED_LOST "{\"kind\":\"closed\",\"at\":\"2025-06-02T13:00:00+08:00\",\"outcome\":\"lost\"}"

/* Partial statistics merge to the one-pass statistics; states
 * round-trip; a shared case or a tampered state is refused. */
static void stats_merge(void) {
    NpsCase *cs[3] = {NULL, NULL, NULL};
    NpsRecoveryStatsHandle *all = NULL, *a = NULL, *b = NULL, *m = NULL, *back = NULL, *bad = NULL;
    NpsRecoveryStats got, want;
    char *buf;
    size_t len = 0;
    case_begin("recovery statistics: merge of two parts equals the one-pass statistics");
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED_AS("c1", "wait") "," ACKED "," CONTACTED "]", "c1",
                                           &cs[0]),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED_AS("c2", "price") "," CLOSED_LOST "]", "c2", &cs[1]),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_case_from_events_json(NULL, "[" OPENED_AS("c3", "price") "]", "c3", &cs[2]), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_new(NULL, (const NpsCase *const *)cs, 3, 1, &all), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_new(NULL, (const NpsCase *const *)cs, 1, 1, &a), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_new(NULL, (const NpsCase *const *)cs + 1, 2, 1, &b), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_merge(a, b, &m), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_get(m, &got), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_get(all, &want), NPS_STATUS_OK);
    check_same_stats(&got, &want);
    /* By hand: 3 low scores, 1 launched (within 24 h), 1 lost. */
    CHECK_U64("low scores", got.low_scores, 3);
    CHECK_U64("launched", got.launched, 1);
    CHECK_U64("lost", got.lost, 1);
    CHECK(got.lost_rate.has_value && got.lost_rate.value == 1.0 / 3.0);
    /* The same as nps_recovery_stats of all three. */
    CHECK_STATUS(nps_recovery_stats(NULL, (const NpsCase *const *)cs, 3, &want), NPS_STATUS_OK);
    check_same_stats(&got, &want);
    /* The top reason of the union is "price" (2 of 3), though part a had "wait" only. */
    CHECK_STATUS(nps_recovery_stats_to_json(m, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    buf = malloc(len + 1);
    CHECK(buf != NULL);
    if (buf != NULL) {
        CHECK_STATUS(nps_recovery_stats_to_json(m, buf, len + 1, NULL), NPS_STATUS_OK);
        CHECK(strstr(buf, "\"reasons\":[{\"reason\":\"price\"") != NULL);
        CHECK(strstr(buf, "case_ids") == NULL);
        free(buf);
    }
    case_end();

    case_begin("recovery statistics: a shared case or other options are refused");
    CHECK_STATUS(nps_recovery_stats_merge(all, a, &bad), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "c1") != NULL);
    nps_recovery_stats_free(b);
    b = NULL;
    CHECK_STATUS(nps_recovery_stats_new(NULL, (const NpsCase *const *)cs + 1, 2, 5, &b), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_merge(a, b, &bad), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_recovery_stats_merge(NULL, b, &bad), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_recovery_stats_merge(a, b, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_recovery_stats_get(NULL, &got), NPS_STATUS_NULL_POINTER);
    CHECK(bad == NULL);
    case_end();

    case_begin("recovery statistics: saved state round-trips, a tampered one is refused");
    len = 0;
    CHECK_STATUS(nps_recovery_stats_to_state(m, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    buf = malloc(len + 1);
    CHECK(buf != NULL);
    if (buf != NULL) {
        char *at;
        CHECK_STATUS(nps_recovery_stats_to_state(m, buf, len + 1, NULL), NPS_STATUS_OK);
        CHECK_STATUS(nps_recovery_stats_from_state(buf, len, &back), NPS_STATUS_OK);
        CHECK_STATUS(nps_recovery_stats_get(back, &got), NPS_STATUS_OK);
        check_same_stats(&got, &want);
        at = strstr(buf, "\"lost\":1");
        CHECK(at != NULL);
        if (at != NULL) at[7] = '0'; /* a lost case less, the rates unchanged */
        CHECK_STATUS(nps_recovery_stats_from_state(buf, len, &bad), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_recovery_stats_from_state(buf, 10, &bad), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(bad == NULL);
        free(buf);
    }
    case_end();
    nps_recovery_stats_free(all);
    nps_recovery_stats_free(a);
    nps_recovery_stats_free(b);
    nps_recovery_stats_free(m);
    nps_recovery_stats_free(back);
    nps_recovery_stats_free(NULL);
    nps_case_free(cs[0]);
    nps_case_free(cs[1]);
    nps_case_free(cs[2]);
}

/* The JSON of a statistics handle (NULL on failure). */
static cJSON *handle_json(const NpsRecoveryStatsHandle *h) {
    size_t len = 0;
    char *buf;
    cJSON *doc;
    if (nps_recovery_stats_to_json(h, NULL, 0, &len) != NPS_STATUS_BUFFER_TOO_SMALL) return NULL;
    buf = malloc(len + 1);
    if (buf == NULL) return NULL;
    doc = nps_recovery_stats_to_json(h, buf, len + 1, NULL) == NPS_STATUS_OK ? cJSON_Parse(buf) : NULL;
    free(buf);
    return doc;
}

/* Seed 003's showcase cases, phoned first and visited later: the visit
 * counts by default (2 of 2), not under NPS_CHANNEL_RULE_FIRST_CONTACT;
 * Mr Wang's execution started on day 2 and his follow-up came 3 days after
 * the delivery: nothing is late. */
static void showcase_case(const cJSON *root) {
    const cJSON *sc = get(root, "showcase"), *st = get(sc, "status");
    NpsCase *cs[4];
    NpsRecoveryStatsHandle *h = NULL;
    NpsRecoveryStatsOptions o = nps_recovery_stats_options_default();
    NpsRecoveryStatus sum;
    NpsStep steps[8];
    NpsCaseInfo info;
    cJSON *doc;
    size_t n;
    const cJSON *d = get(root, "defaults");
    case_begin("showcase cases (seed 003)");
    n = build_cases(get(sc, "cases"), cs, 4);
    CHECK_U64("default top_reasons", o.top_reasons,
              (uint64_t)integer(get(get(d, "stats_options"), "top_reasons")));
    CHECK(o.channel_rule == NPS_CHANNEL_RULE_STRONGEST);
    CHECK_STATUS(nps_recovery_stats_new_with_options(NULL, (const NpsCase *const *)cs, n, NULL, &h),
                 NPS_STATUS_OK);
    doc = h ? handle_json(h) : NULL;
    CHECK(doc != NULL);
    if (doc) check_splits(doc, get(sc, "stats"));
    cJSON_Delete(doc);
    nps_recovery_stats_free(h);
    h = NULL;
    o.channel_rule = NPS_CHANNEL_RULE_FIRST_CONTACT;
    CHECK_STATUS(nps_recovery_stats_new_with_options(NULL, (const NpsCase *const *)cs, n, &o, &h),
                 NPS_STATUS_OK);
    doc = h ? handle_json(h) : NULL;
    CHECK(doc != NULL);
    if (doc) check_splits(doc, get(sc, "stats_first_contact"));
    cJSON_Delete(doc);
    nps_recovery_stats_free(h);
    h = NULL;
    o.channel_rule = 7;
    CHECK_STATUS(nps_recovery_stats_new_with_options(NULL, (const NpsCase *const *)cs, n, &o, &h),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(h == NULL);
    CHECK_STATUS(nps_case_info(cs[0], &info), NPS_STATUS_OK);
    CHECK(info.channel == NPS_CHANNEL_PHONE && info.strongest_channel == NPS_CHANNEL_VISIT);
    CHECK_STATUS(nps_case_status(cs[0], integer(get(st, "now")), &sum, steps, 8), NPS_STATUS_OK);
    CHECK(sum.late_count == 0);
    CHECK_STR("step 5", STATES[steps[4].state < 5 ? steps[4].state : 0],
              cJSON_GetStringValue(get(cJSON_GetArrayItem(get(st, "steps"), 4), "state")));
    check_follow_up(&sum, get(st, "follow_up"));
    free_cases(cs, n);
    case_end();
}

/* The golden month as an event table (one row per event, one per package
 * item, the over-expectation flag and stated expectation on the item rows):
 * nps_recovery_stats_columns_new takes execution_started, video contacts
 * and the expectation columns. */
static void month_columns_case(const cJSON *root) {
    enum { CAP = 512 };
    static const char *ids[CAP], *events[CAP], *reason[CAP], *channel[CAP], *currency[CAP],
        *layer[CAP], *outcome[CAP], *resp[CAP];
    static int64_t at[CAP];
    static double score[CAP], value[CAP], expectation[CAP];
    static bool over[CAP], hv[CAP];
    const cJSON *c, *e, *it;
    size_t n = 0;
    NpsEventColumns cols;
    NpsRecoveryStatsHandle *h = NULL;
    cJSON *doc;
    case_begin("golden month from an event table");
    memset(&cols, 0, sizeof cols);
    cJSON_ArrayForEach(c, get(get(root, "month"), "cases")) {
        cJSON_ArrayForEach(e, get(c, "events")) {
            const char *kind = cJSON_GetStringValue(get(e, "kind"));
            const cJSON *list = strcmp(kind, "solution_proposed") == 0 ? get(e, "items") : NULL;
            int rows = list ? cJSON_GetArraySize(list) : 1, r;
            for (r = 0; r < rows && n < CAP; r++, n++) {
                it = list ? cJSON_GetArrayItem(list, r) : NULL;
                ids[n] = cJSON_GetStringValue(get(c, "id"));
                events[n] = kind;
                at[n] = 0; /* filled below */
                score[n] = get(e, "score") ? cJSON_GetNumberValue(get(e, "score")) : NAN;
                reason[n] = cJSON_GetStringValue(get(e, "reason"));
                channel[n] = cJSON_GetStringValue(get(e, "channel"));
                outcome[n] = cJSON_GetStringValue(get(e, "outcome"));
                resp[n] = cJSON_GetStringValue(get(e, "responsibility"));
                hv[n] = cJSON_IsTrue(get(e, "high_value"));
                over[n] = cJSON_IsTrue(get(e, "over_expectation"));
                expectation[n] = get(e, "expectation") ? cJSON_GetNumberValue(get(e, "expectation")) : NAN;
                value[n] = it ? cJSON_GetNumberValue(get(it, "value")) : NAN;
                currency[n] = it ? cJSON_GetStringValue(get(it, "currency")) : NULL;
                layer[n] = it ? cJSON_GetStringValue(get(it, "layer")) : NULL;
                {
                    /* RFC 3339 with +08:00: parse through a one-event case. */
                    NpsCase *one = NULL;
                    NpsCaseInfo info;
                    char buf[256];
                    snprintf(buf, sizeof buf,
                             "[{\"kind\":\"opened\",\"at\":\"%s\",\"score\":1,\"reason\":\"r\","
                             "\"high_value\":false,\"public_opinion_risk\":false}]",
                             cJSON_GetStringValue(get(e, "at")));
                    if (nps_case_from_events_json(NULL, buf, "t", &one) == NPS_STATUS_OK &&
                        nps_case_info(one, &info) == NPS_STATUS_OK) {
                        at[n] = info.opened_at;
                    }
                    nps_case_free(one);
                }
            }
        }
    }
    CHECK(n < CAP);
    cols.case_id = ids;
    cols.event = events;
    cols.at = at;
    cols.score = score;
    cols.reason = reason;
    cols.high_value = hv;
    cols.channel = channel;
    cols.value = value;
    cols.currency = currency;
    cols.layer = layer;
    cols.outcome = outcome;
    cols.responsibility = resp;
    cols.over_expectation = over;
    cols.expectation = expectation;
    CHECK_STATUS(nps_recovery_stats_columns_new(NULL, &cols, n, NULL, &h), NPS_STATUS_OK);
    doc = h ? handle_json(h) : NULL;
    CHECK(doc != NULL);
    if (doc) check_splits(doc, get(get(root, "month"), "stats"));
    cJSON_Delete(doc);
    nps_recovery_stats_free(h);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *root;
    const cJSON *v;
    if (argc != 2) {
        fprintf(stderr, "usage: %s cases_vectors.json\n", argv[0]);
        return 2;
    }
    text = read_file(argv[1]);
    root = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (root == NULL) {
        fprintf(stderr, "cannot read or parse %s\n", argv[1]);
        return 2;
    }
    business_policy = make_business_policy(root);
    if (business_policy == NULL) {
        fprintf(stderr, "cannot build the business policy: %s\n", last_message());
        return 2;
    }
    month_case(root);
    groups_case(root);
    cJSON_ArrayForEach(v, get(root, "status")) status_vector(v);
    cJSON_ArrayForEach(v, get(root, "invalid")) invalid_vector(v);
    rejected_event_keeps_case(root);
    rerated_case(root);
    ranking_case(root);
    bad_input_case();
    currency_at_apply();
    batch_names_the_case();
    custom_policy_round_trip();
    stats_by_keys();
    stats_merge();
    showcase_case(root);
    month_columns_case(root);
    nps_policy_free(business_policy);
    cJSON_Delete(root);
    return summary("cases");
}
