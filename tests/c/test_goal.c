/* Goal tracking against a plan through the C API: every vector of
 * tests/golden/goal_vectors.json (written by the independent oracle
 * tests/golden/gen_goal_vectors.py), the defaults, and bad input.
 * Usage: test_goal path/to/goal_vectors.json */
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

static double TOL = 1e-9, TOL_CI = 1e-7;

static const char *PLAN[] = {"ahead", "on_track", "behind", "no_data"};
static const char *PROJ[] = {"reached", "projected", "not_reachable", "no_trend"};

/* The history of a vector ([d, pa, p] per month); returns the count. */
static size_t history_of(const cJSON *list, NpsTally *out, size_t cap) {
    size_t n = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, list) {
        if (n >= cap) break;
        if (nps_tally_from_categories((uint64_t)cJSON_GetArrayItem(m, 0)->valuedouble,
                                      (uint64_t)cJSON_GetArrayItem(m, 1)->valuedouble,
                                      (uint64_t)cJSON_GetArrayItem(m, 2)->valuedouble,
                                      &out[n]) != NPS_STATUS_OK) {
            fail(__FILE__, __LINE__, "tally: %s", last_message());
        }
        n++;
    }
    return n;
}

static void opt_u32(const char *what, bool has, uint32_t got, const cJSON *want) {
    CHECK(has == !is_null(want));
    if (has && !is_null(want)) CHECK_U64(what, got, (uint64_t)want->valuedouble);
}

static void plan_vector(const cJSON *v) {
    NpsTally h[64];
    NpsPlanMonth rows[64];
    NpsGoalPlan p;
    NpsGoalOptions o = nps_goal_options_default();
    const cJSON *w = get(v, "plan"), *pr = get(w, "projected"), *e;
    size_t n, i = 0;
    case_begin("plan %s", cJSON_GetStringValue(get(v, "name")));
    n = history_of(get(v, "history"), h, 64);
    o.confidence = get(v, "confidence")->valuedouble;
    o.has_plan_start = true;
    o.plan_start = (size_t)get(v, "plan_start")->valuedouble;
    CHECK_STATUS(nps_goal_track_plan(h, n, get(v, "target")->valuedouble,
                                     (uint32_t)get(v, "months")->valuedouble, &o, &p, rows, 64),
                 NPS_STATUS_OK);
    CHECK_U64("start", p.start, (uint64_t)get(w, "start")->valuedouble);
    CHECK_U64("due", p.due, (uint64_t)get(w, "due")->valuedouble);
    CHECK_CLOSE("start_value", p.start_value, get(w, "start_value")->valuedouble, TOL);
    CHECK(p.has_trend == !is_null(get(w, "trend")));
    if (p.has_trend) CHECK_CLOSE("trend", p.trend, get(w, "trend")->valuedouble, TOL);
    CHECK_U64("month_count", p.month_count, (uint64_t)cJSON_GetArraySize(get(w, "months")));
    cJSON_ArrayForEach(e, get(w, "months")) {
        if (i >= p.month_count) break;
        CHECK_U64("month", rows[i].month, (uint64_t)get(e, "month")->valuedouble);
        CHECK_CLOSE("planned", rows[i].planned, get(e, "planned")->valuedouble, TOL);
        CHECK(rows[i].has_actual == !is_null(get(e, "actual")));
        if (rows[i].has_actual) {
            CHECK_CLOSE("actual", rows[i].actual, get(e, "actual")->valuedouble, TOL);
            CHECK_CLOSE("low", rows[i].low, get(e, "low")->valuedouble, TOL_CI);
            CHECK_CLOSE("high", rows[i].high, get(e, "high")->valuedouble, TOL_CI);
        }
        CHECK_U64("n", rows[i].n, (uint64_t)get(e, "n")->valuedouble);
        CHECK(rows[i].status < 4);
        CHECK_STR("status", PLAN[rows[i].status < 4 ? rows[i].status : 0],
                  cJSON_GetStringValue(get(e, "status")));
        i++;
    }
    CHECK(p.projection < 4);
    CHECK_STR("projection", PROJ[p.projection < 4 ? p.projection : 0],
              cJSON_GetStringValue(get(pr, "status")));
    opt_u32("projected_month", p.has_projected_month, p.projected_month, get(pr, "month"));
    opt_u32("projected_low", p.has_projected_low, p.projected_low, get(pr, "low"));
    opt_u32("projected_high", p.has_projected_high, p.projected_high, get(pr, "high"));
    /* Summary only; then a buffer too small (the summary still written). */
    CHECK_STATUS(nps_goal_track_plan(h, n, get(v, "target")->valuedouble,
                                     (uint32_t)get(v, "months")->valuedouble, &o, &p, NULL, 0),
                 NPS_STATUS_OK);
    if (p.month_count > 1) {
        CHECK_STATUS(nps_goal_track_plan(h, n, get(v, "target")->valuedouble,
                                         (uint32_t)get(v, "months")->valuedouble, &o, &p, rows,
                                         p.month_count - 1),
                     NPS_STATUS_BUFFER_TOO_SMALL);
    }
    case_end();
}

static void defaults_and_invalid(const cJSON *root) {
    const cJSON *d = get(root, "defaults"), *c = get(d, "call"), *b;
    NpsGoalOptions o = nps_goal_options_default();
    NpsTally h[16];
    NpsGoalPlan p;
    NpsGoalReport r;
    size_t n;
    case_begin("defaults");
    CHECK_CLOSE("confidence", o.confidence, get(d, "confidence")->valuedouble, 0.0);
    CHECK(!o.has_plan_start && is_null(get(d, "plan_start")));
    n = history_of(get(c, "history"), h, 16);
    CHECK_STATUS(nps_goal_track(h, n, get(c, "target")->valuedouble,
                                (uint32_t)get(c, "months")->valuedouble, NULL, &r, NULL, 0),
                 NPS_STATUS_OK);
    /* Without a plan start there is no plan. */
    CHECK_STATUS(nps_goal_track_plan(h, n, 65.0, 12, NULL, &p, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    case_end();
    cJSON_ArrayForEach(b, get(root, "invalid")) {
        case_begin("invalid %s", cJSON_GetStringValue(get(b, "name")));
        n = history_of(get(b, "history"), h, 16);
        o = nps_goal_options_default();
        o.has_plan_start = true;
        o.plan_start = (size_t)get(b, "plan_start")->valuedouble;
        CHECK_STATUS(nps_goal_track_plan(h, n, get(b, "target")->valuedouble,
                                         (uint32_t)get(b, "months")->valuedouble, &o, &p, NULL, 0),
                     NPS_STATUS_INVALID_ARGUMENT);
        case_end();
    }
    case_begin("bad pointers");
    o = nps_goal_options_default();
    o.has_plan_start = true;
    CHECK_STATUS(nps_goal_track_plan(NULL, 3, 65.0, 12, &o, &p, NULL, 0), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_goal_track_plan(h, 1, 65.0, 12, &o, NULL, NULL, 0), NPS_STATUS_NULL_POINTER);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *root;
    const cJSON *v;
    if (argc != 2) {
        fprintf(stderr, "usage: %s goal_vectors.json\n", argv[0]);
        return 2;
    }
    text = read_file(argv[1]);
    root = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (root == NULL) {
        fprintf(stderr, "cannot read or parse %s\n", argv[1]);
        return 2;
    }
    cJSON_ArrayForEach(v, get(root, "plans")) plan_vector(v);
    defaults_and_invalid(root);
    cJSON_Delete(root);
    return summary("goal");
}
