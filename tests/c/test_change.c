/* Change tests for shares and counts through the C API: every vector of
 * tests/golden/change_vectors.json (written by the independent oracle
 * tests/golden/gen_change_vectors.py at 50 digits), the defaults, and bad
 * input (NULL pointers, k > n, empty sides, bad exposures, the index of a
 * bad pair in a family).
 * Usage: test_change path/to/change_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static const cJSON *get(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static double RTOL = 1e-9;

/* |got - want| <= rtol * |want| + 1e-15; JSON null stands for +infinity. */
static void close_to(const char *what, double got, const cJSON *want) {
    if (cJSON_IsNull(want)) {
        if (!(isinf(got) && got > 0)) fail(__FILE__, __LINE__, "%s: got %.17g, want +inf", what, got);
        return;
    }
    if (!(fabs(got - want->valuedouble) <= RTOL * fabs(want->valuedouble) + 1e-15)) {
        fail(__FILE__, __LINE__, "%s: got %.17g, want %.17g", what, got, want->valuedouble);
    }
}

static uint32_t alternative_of(const char *name) {
    if (strcmp(name, "greater") == 0) return NPS_ALTERNATIVE_GREATER;
    if (strcmp(name, "less") == 0) return NPS_ALTERNATIVE_LESS;
    return NPS_ALTERNATIVE_TWO_SIDED;
}

static uint32_t adjust_of(const char *name) {
    if (strcmp(name, "bh") == 0) return NPS_ADJUST_BENJAMINI_HOCHBERG;
    if (strcmp(name, "none") == 0) return NPS_ADJUST_NONE;
    return NPS_ADJUST_HOLM;
}

static NpsShareCounts share_of(const cJSON *pair) {
    NpsShareCounts s;
    s.k = (uint64_t)cJSON_GetArrayItem(pair, 0)->valuedouble;
    s.n = (uint64_t)cJSON_GetArrayItem(pair, 1)->valuedouble;
    return s;
}

static NpsCountExposure count_of(const cJSON *pair) {
    NpsCountExposure c;
    c.count = (uint64_t)cJSON_GetArrayItem(pair, 0)->valuedouble;
    c.exposure = cJSON_GetArrayItem(pair, 1)->valuedouble;
    return c;
}

static NpsChangeOptions options_of(const cJSON *v) {
    NpsChangeOptions o = nps_change_options_default();
    o.confidence = get(v, "confidence")->valuedouble;
    o.alternative = alternative_of(get(v, "alternative")->valuestring);
    return o;
}

static void defaults(const cJSON *d) {
    NpsChangeOptions o = nps_change_options_default();
    NpsChangeManyOptions m = nps_change_many_options_default();
    case_begin("defaults");
    CHECK(o.confidence == get(d, "confidence")->valuedouble);
    CHECK(o.alternative == alternative_of(get(d, "alternative")->valuestring));
    CHECK(m.adjust == adjust_of(get(d, "adjust")->valuestring));
    CHECK(m.change.confidence == o.confidence);
    case_end();
}

static void shares(const cJSON *list) {
    const cJSON *v;
    cJSON_ArrayForEach(v, list) {
        NpsShareCounts a = share_of(get(v, "first")), b = share_of(get(v, "second"));
        NpsChangeOptions o = options_of(v);
        NpsShareChange r;
        const cJSON *e = get(v, "expected");
        case_begin("shares: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_compare_shares(&a, &b, &o, &r), NPS_STATUS_OK);
        close_to("first", r.first, get(e, "first"));
        close_to("second", r.second, get(e, "second"));
        close_to("difference", r.difference, get(e, "difference"));
        close_to("low", r.low, get(e, "low"));
        close_to("high", r.high, get(e, "high"));
        close_to("statistic", r.statistic, get(e, "statistic"));
        close_to("p_value", r.p_value, get(e, "p_value"));
        close_to("ln_p_value", r.ln_p_value, get(e, "ln_p_value"));
        if (cJSON_IsNull(get(e, "ratio"))) {
            CHECK(!r.has_ratio);
        } else {
            CHECK(r.has_ratio);
            close_to("ratio", r.ratio, get(e, "ratio"));
        }
        case_end();
    }
}

static void counts(const cJSON *list) {
    const cJSON *v;
    cJSON_ArrayForEach(v, list) {
        NpsCountExposure a = count_of(get(v, "first")), b = count_of(get(v, "second"));
        NpsChangeOptions o = options_of(v);
        NpsCountChange r;
        const cJSON *e = get(v, "expected");
        case_begin("counts: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_compare_counts(&a, &b, &o, &r), NPS_STATUS_OK);
        close_to("first_rate", r.first_rate, get(e, "first_rate"));
        close_to("second_rate", r.second_rate, get(e, "second_rate"));
        close_to("ratio", r.ratio, get(e, "ratio"));
        close_to("change", r.change, get(e, "change"));
        close_to("low", r.low, get(e, "low"));
        close_to("high", r.high, get(e, "high"));
        close_to("p_value", r.p_value, get(e, "p_value"));
        close_to("ln_p_value", r.ln_p_value, get(e, "ln_p_value"));
        case_end();
    }
}

static void families(const cJSON *shares_many, const cJSON *counts_many) {
    const cJSON *v;
    cJSON_ArrayForEach(v, shares_many) {
        const cJSON *pairs = get(v, "pairs");
        size_t i, n = (size_t)cJSON_GetArraySize(pairs);
        NpsShareCounts *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
        NpsAdjustedShareChange *out = calloc(n, sizeof *out);
        NpsChangeManyOptions o = nps_change_many_options_default();
        o.change.confidence = get(v, "confidence")->valuedouble;
        o.adjust = adjust_of(get(v, "adjust")->valuestring);
        for (i = 0; i < n; i++) {
            a[i] = share_of(cJSON_GetArrayItem(cJSON_GetArrayItem(pairs, (int)i), 0));
            b[i] = share_of(cJSON_GetArrayItem(cJSON_GetArrayItem(pairs, (int)i), 1));
        }
        case_begin("shares_many: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_compare_shares_many(a, b, n, &o, out), NPS_STATUS_OK);
        for (i = 0; i < n; i++) {
            close_to("p_adjusted", out[i].p_adjusted,
                     cJSON_GetArrayItem(get(v, "p_adjusted"), (int)i));
            CHECK(out[i].significant ==
                  cJSON_IsTrue(cJSON_GetArrayItem(get(v, "significant"), (int)i)));
        }
        case_end();
        free(a);
        free(b);
        free(out);
    }
    cJSON_ArrayForEach(v, counts_many) {
        const cJSON *pairs = get(v, "pairs");
        size_t i, n = (size_t)cJSON_GetArraySize(pairs);
        NpsCountExposure *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
        NpsAdjustedCountChange *out = calloc(n, sizeof *out);
        NpsChangeManyOptions o = nps_change_many_options_default();
        o.change.confidence = get(v, "confidence")->valuedouble;
        o.adjust = adjust_of(get(v, "adjust")->valuestring);
        for (i = 0; i < n; i++) {
            a[i] = count_of(cJSON_GetArrayItem(cJSON_GetArrayItem(pairs, (int)i), 0));
            b[i] = count_of(cJSON_GetArrayItem(cJSON_GetArrayItem(pairs, (int)i), 1));
        }
        case_begin("counts_many: %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_compare_counts_many(a, b, n, &o, out), NPS_STATUS_OK);
        for (i = 0; i < n; i++) {
            close_to("p_adjusted", out[i].p_adjusted,
                     cJSON_GetArrayItem(get(v, "p_adjusted"), (int)i));
            CHECK(out[i].significant ==
                  cJSON_IsTrue(cJSON_GetArrayItem(get(v, "significant"), (int)i)));
        }
        case_end();
        free(a);
        free(b);
        free(out);
    }
}

static void bad_input(void) {
    NpsShareCounts ok = {3, 10}, over = {11, 10}, empty = {0, 0};
    NpsCountExposure c1 = {5, 1.0}, zero = {0, 1.0}, bad = {5, -1.0};
    NpsShareChange s;
    NpsCountChange c;
    NpsChangeOptions o = nps_change_options_default();
    NpsCountExposure fa[2] = {{1, 1.0}, {0, 1.0}}, fb[2] = {{2, 1.0}, {0, 1.0}};
    NpsAdjustedCountChange fo[2];
    size_t index = 0;

    case_begin("bad input: NULL pointers");
    CHECK_STATUS(nps_compare_shares(NULL, &ok, NULL, &s), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_compare_shares(&ok, &ok, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_compare_counts(&c1, NULL, NULL, &c), NPS_STATUS_NULL_POINTER);
    case_end();

    case_begin("bad input: k > n, n = 0, both counts 0, a negative exposure");
    CHECK_STATUS(nps_compare_shares(&over, &ok, NULL, &s), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "first") != NULL);
    CHECK_STATUS(nps_compare_shares(&ok, &empty, NULL, &s), NPS_STATUS_NO_DATA);
    CHECK_STATUS(nps_compare_counts(&zero, &zero, NULL, &c), NPS_STATUS_NO_DATA);
    CHECK_STATUS(nps_compare_counts(&c1, &bad, NULL, &c), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "second") != NULL);
    case_end();

    case_begin("bad input: options");
    o.confidence = 1.5;
    CHECK_STATUS(nps_compare_counts(&c1, &c1, &o, &c), NPS_STATUS_INVALID_ARGUMENT);
    o = nps_change_options_default();
    o.alternative = 7;
    CHECK_STATUS(nps_compare_shares(&ok, &ok, &o, &s), NPS_STATUS_INVALID_ARGUMENT);
    case_end();

    case_begin("bad input: a family names its bad pair");
    CHECK_STATUS(nps_compare_counts_many(fa, fb, 2, NULL, fo), NPS_STATUS_NO_DATA);
    CHECK(nps_last_error_index(&index) && index == 1);
    CHECK_STATUS(nps_compare_counts_many(NULL, NULL, 0, NULL, NULL), NPS_STATUS_OK);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *root;
    if (argc != 2) {
        fprintf(stderr, "usage: %s change_vectors.json\n", argv[0]);
        return 2;
    }
    text = read_file(argv[1]);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    root = cJSON_Parse(text);
    free(text);
    if (root == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    RTOL = get(root, "rtol")->valuedouble;
    defaults(get(root, "defaults"));
    shares(get(root, "shares"));
    counts(get(root, "counts"));
    families(get(root, "shares_many"), get(root, "counts_many"));
    bad_input();
    cJSON_Delete(root);
    return summary("change");
}
