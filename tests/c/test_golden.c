/* Checks every vector of tests/golden/vectors.json through the C API.
 * Usage: test_golden path/to/vectors.json
 * Each vector is one test case; a vector of a section this program does not
 * know, or a key it cannot interpret, fails. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

/* ---- JSON helpers ---------------------------------------------------- */

static const cJSON *get(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int is_null(const cJSON *v) { return v == NULL || cJSON_IsNull(v); }

/* A number, or "NaN" (a missing score). Anything else fails the case. */
static double num(const cJSON *v, const char *what) {
    if (cJSON_IsNumber(v)) return v->valuedouble;
    if (cJSON_IsString(v) && strcmp(v->valuestring, "NaN") == 0) return NAN;
    fail(__FILE__, __LINE__, "%s: not a number", what);
    return NAN;
}

static uint64_t u64(const cJSON *v, const char *what) {
    double d = num(v, what);
    if (!(d >= 0 && d <= 9007199254740992.0 && floor(d) == d)) {
        fail(__FILE__, __LINE__, "%s: not a non-negative integer", what);
        return 0;
    }
    return (uint64_t)d;
}

/* Reads an array of numbers into a new buffer (NULL for an empty array). */
static double *doubles(const cJSON *arr, size_t *len, const char *what) {
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    double *out = n ? malloc(n * sizeof *out) : NULL;
    const cJSON *item;
    *len = n;
    if (!cJSON_IsArray(arr)) fail(__FILE__, __LINE__, "%s: not an array", what);
    cJSON_ArrayForEach(item, arr) { out[i++] = num(item, what); }
    return out;
}

static int64_t *int64s(const cJSON *arr, size_t *len, const char *what) {
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    int64_t *out = n ? malloc(n * sizeof *out) : NULL;
    const cJSON *item;
    *len = n;
    if (!cJSON_IsArray(arr)) fail(__FILE__, __LINE__, "%s: not an array", what);
    cJSON_ArrayForEach(item, arr) {
        double d = num(item, what);
        if (!(fabs(d) <= 9007199254740992.0 && floor(d) == d)) {
            fail(__FILE__, __LINE__, "%s: %g is not an integer", what, d);
        }
        out[i++] = (int64_t)d;
    }
    return out;
}

static void triple(const cJSON *arr, uint64_t out[3], const char *what) {
    int i;
    if (cJSON_GetArraySize(arr) != 3) fail(__FILE__, __LINE__, "%s: need 3 counts", what);
    for (i = 0; i < 3; i++) out[i] = u64(cJSON_GetArrayItem(arr, i), what);
}

static NpsTally tally_of(const cJSON *arr) {
    uint64_t c[3] = {0, 0, 0};
    NpsTally t;
    memset(&t, 0, sizeof t);
    triple(arr, c, "categories");
    CHECK_STATUS(nps_tally_from_categories(c[0], c[1], c[2], &t), NPS_STATUS_OK);
    return t;
}

/* ---- expectations ---------------------------------------------------- */

/* The vector's "error" {"kind", "index"?} against a failed call's status. */
static void check_error(const cJSON *err, NpsStatus status) {
    const cJSON *kind = get(err, "kind"), *index = get(err, "index");
    CHECK(cJSON_IsString(kind));
    if (!cJSON_IsString(kind)) return;
    CHECK_STR("error kind", nps_status_name(status), kind->valuestring);
    if (status == NPS_STATUS_OK) return;
    CHECK(nps_last_error_message(NULL, 0) > 0);
    if (!is_null(index)) {
        size_t got = (size_t)-1;
        CHECK(nps_last_error_index(&got));
        CHECK_U64("error index", got, u64(index, "index"));
    }
}

/* A statistic that is a number, or null = the library reports no data. */
/* `got` is read after `status` was computed (argument evaluation order is
 * unspecified in C, so the value cannot be passed by value). */
static void check_stat(const char *what, NpsStatus status, const double *got, const cJSON *want,
                       double tol) {
    if (is_null(want)) {
        if (status != NPS_STATUS_NO_DATA) {
            fail(__FILE__, __LINE__, "%s: want no data, got %s", what, nps_status_name(status));
        }
        return;
    }
    if (status != NPS_STATUS_OK) {
        fail(__FILE__, __LINE__, "%s: got %s (%s)", what, nps_status_name(status),
             last_message());
        return;
    }
    CHECK_CLOSE(what, *got, num(want, what), tol);
}

static void check_tally_expect(const NpsTally *t, uint64_t skipped, const cJSON *e, double tol) {
    double v = 0;
    uint64_t n = 0;
    CHECK_STATUS(nps_tally_n(t, &n), NPS_STATUS_OK);
    CHECK_U64("n", n, u64(get(e, "n"), "n"));
    CHECK_U64("detractors", t->detractors, u64(get(e, "detractors"), "detractors"));
    CHECK_U64("passives", t->passives, u64(get(e, "passives"), "passives"));
    CHECK_U64("promoters", t->promoters, u64(get(e, "promoters"), "promoters"));
    CHECK_U64("skipped", skipped, u64(get(e, "skipped"), "skipped"));
    check_stat("nps", nps_tally_nps(t, &v), &v, get(e, "nps"), tol);
    check_stat("mean", nps_tally_mean(t, &v), &v, get(e, "mean"), tol);
    check_stat("variance", nps_tally_variance(t, &v), &v, get(e, "variance"), tol);
    check_stat("se", nps_tally_se(t, &v), &v, get(e, "se"), tol);
}

static void check_weighted_expect(const NpsWeightedTally *w, uint64_t skipped, const cJSON *e,
                                  double tol) {
    double v = 0;
    uint64_t n = 0;
    int s;
    NpsCategoryWeights c;
    for (s = 0; s <= 10; s++) n += w->counts[s];
    CHECK_U64("n", n, u64(get(e, "n"), "n"));
    CHECK_U64("skipped", skipped, u64(get(e, "skipped"), "skipped"));
    CHECK_STATUS(nps_weighted_tally_categories(w, &c), NPS_STATUS_OK);
    CHECK_CLOSE("detractors", c.detractors, num(get(e, "detractors"), "detractors"), tol);
    CHECK_CLOSE("passives", c.passives, num(get(e, "passives"), "passives"), tol);
    CHECK_CLOSE("promoters", c.promoters, num(get(e, "promoters"), "promoters"), tol);
    CHECK_STATUS(nps_weighted_tally_effective_n(w, &v), NPS_STATUS_OK);
    CHECK_CLOSE("effective_n", v, num(get(e, "effective_n"), "effective_n"), tol);
    check_stat("nps", nps_weighted_tally_nps(w, &v), &v, get(e, "nps"), tol);
    check_stat("mean", nps_weighted_tally_mean(w, &v), &v, get(e, "mean"), tol);
    check_stat("variance", nps_weighted_tally_variance(w, &v), &v, get(e, "variance"), tol);
    check_stat("se", nps_weighted_tally_se(w, &v), &v, get(e, "se"), tol);
}

static uint32_t policy_of(const cJSON *v) {
    if (is_null(v)) return NPS_INVALID_POLICY_RAISE;
    if (cJSON_IsString(v) && strcmp(v->valuestring, "raise") == 0) return NPS_INVALID_POLICY_RAISE;
    if (cJSON_IsString(v) && strcmp(v->valuestring, "skip") == 0) return NPS_INVALID_POLICY_SKIP;
    fail(__FILE__, __LINE__, "unknown invalid policy");
    return 99;
}

/* Fails on a key this reader does not interpret, so a new field in the
 * golden file cannot be silently ignored by the C tests. */
static void only_keys(const cJSON *obj, const char *const *keys) {
    const cJSON *item;
    cJSON_ArrayForEach(item, obj) {
        const char *const *k;
        int known = 0;
        for (k = keys; *k != NULL; k++) known |= strcmp(item->string, *k) == 0;
        if (!known) fail(__FILE__, __LINE__, "unknown key \"%s\" (update test_golden.c)", item->string);
    }
}

/* ---- sections -------------------------------------------------------- */

static void tally_vector(const cJSON *v) {
    const cJSON *input = get(v, "input"), *e = get(v, "expect"), *err = get(v, "error");
    const cJSON *scores_j = get(input, "scores"), *weights_j = get(v, "weights");
    double tol = num(get(v, "tol"), "tol");
    uint32_t policy = policy_of(get(v, "invalid"));
    NpsTally t;
    NpsStatus st;
    uint64_t skipped = 0;
    static const char *const keys[] = {"name", "input", "weights", "invalid", "expect",
                                       "error", "tol", NULL};
    static const char *const input_keys[] = {"scores", "counts", "categories", NULL};
    only_keys(v, keys);
    only_keys(input, input_keys);
    CHECK(cJSON_GetArraySize(input) == 1);
    CHECK((e == NULL) != (err == NULL));
    if (scores_j != NULL && weights_j != NULL) {
        size_t n = 0, nw = 0;
        double *scores = doubles(scores_j, &n, "scores");
        double *weights = doubles(weights_j, &nw, "weights");
        NpsWeightedTally w;
        CHECK_U64("weights length", nw, n);
        st = nps_weighted_tally_from_f64(scores, weights, n, policy, &w, &skipped);
        if (err != NULL) {
            check_error(err, st);
        } else if (st != NPS_STATUS_OK) {
            fail(__FILE__, __LINE__, "weighted tally: %s", last_message());
        } else {
            check_weighted_expect(&w, skipped, e, tol);
        }
        free(scores);
        free(weights);
    } else if (scores_j != NULL) {
        /* Every column type that can hold the scores gives the same answer. */
        size_t n = 0, i;
        double *scores = doubles(scores_j, &n, "scores");
        int64_t *as_i64 = n ? malloc(n * sizeof *as_i64) : NULL;
        uint8_t *as_u8 = n ? malloc(n) : NULL;
        int int_ok = 1, u8_ok = 1, k;
        for (i = 0; i < n; i++) {
            double d = scores[i];
            if (!(isfinite(d) && floor(d) == d && fabs(d) < 1e15)) {
                int_ok = u8_ok = 0;
                break;
            }
            as_i64[i] = (int64_t)d;
            if (d < 0 || d > 255) u8_ok = 0; else as_u8[i] = (uint8_t)d;
        }
        for (k = 0; k < 3; k++) {
            if ((k == 1 && !int_ok) || (k == 2 && !u8_ok)) continue;
            skipped = 12345;
            st = k == 0   ? nps_tally_from_f64(scores, n, policy, &t, &skipped)
                 : k == 1 ? nps_tally_from_i64(as_i64, n, policy, &t, &skipped)
                          : nps_tally_from_u8(as_u8, n, policy, &t, &skipped);
            if (err != NULL) {
                check_error(err, st);
                CHECK_U64("skipped untouched on error", skipped, 12345);
            } else if (st != NPS_STATUS_OK) {
                fail(__FILE__, __LINE__, "column %d: %s", k, last_message());
            } else {
                check_tally_expect(&t, skipped, e, tol);
            }
        }
        free(scores);
        free(as_i64);
        free(as_u8);
    } else if (get(input, "counts") != NULL) {
        size_t n = 0, i;
        double *c = doubles(get(input, "counts"), &n, "counts");
        uint64_t counts[11];
        CHECK_U64("counts length", n, 11);
        for (i = 0; i < 11 && i < n; i++) counts[i] = (uint64_t)c[i];
        st = nps_tally_from_counts(counts, n < 11 ? n : 11, &t);
        if (err != NULL) {
            check_error(err, st);
        } else if (st != NPS_STATUS_OK) {
            fail(__FILE__, __LINE__, "from_counts: %s", last_message());
        } else {
            CHECK(t.has_counts);
            for (i = 0; i < 11; i++) CHECK_U64("counts[i]", t.counts[i], counts[i]);
            check_tally_expect(&t, 0, e, tol);
        }
        free(c);
    } else if (get(input, "categories") != NULL) {
        uint64_t c[3] = {0, 0, 0};
        triple(get(input, "categories"), c, "categories");
        st = nps_tally_from_categories(c[0], c[1], c[2], &t);
        if (err != NULL) {
            check_error(err, st);
        } else if (st != NPS_STATUS_OK) {
            fail(__FILE__, __LINE__, "from_categories: %s", last_message());
        } else {
            /* Category counts carry no per-score detail, except all zeros,
               which is the empty tally (it keeps detail when merged). */
            CHECK(t.has_counts == (c[0] + c[1] + c[2] == 0));
            check_tally_expect(&t, 0, e, tol);
        }
    } else {
        fail(__FILE__, __LINE__, "unknown tally input");
    }
}

static uint32_t interval_method_of(const cJSON *m) {
    static const struct { const char *name; uint32_t value; } methods[] = {
        {"wald", NPS_INTERVAL_METHOD_WALD},
        {"adjusted_wald", NPS_INTERVAL_METHOD_ADJUSTED_WALD},
        {"score", NPS_INTERVAL_METHOD_SCORE},
        {"bayes", NPS_INTERVAL_METHOD_BAYES},
    };
    size_t i;
    for (i = 0; cJSON_IsString(m) && i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(m->valuestring, methods[i].name) == 0) return methods[i].value;
    }
    fail(__FILE__, __LINE__, "unknown method");
    return 99;
}

static void read3(const cJSON *arr, double out[3], const char *what) {
    int i;
    if (cJSON_GetArraySize(arr) != 3) fail(__FILE__, __LINE__, "%s: need 3 values", what);
    for (i = 0; i < 3; i++) out[i] = num(cJSON_GetArrayItem(arr, i), what);
}

static void interval_vector(const cJSON *v) {
    const cJSON *opts = get(v, "options"), *e = get(v, "expect"), *err = get(v, "error");
    const cJSON *item;
    double tol = err ? 0 : num(get(v, "tol"), "tol");
    NpsTally t = tally_of(get(v, "categories"));
    NpsIntervalOptions o = nps_interval_options_default();
    NpsInterval ci;
    NpsStatus st;
    static const char *const keys[] = {"name", "categories", "method", "options", "confidence",
                                       "expect", "error", "tol", NULL};
    only_keys(v, keys);
    o.method = interval_method_of(get(v, "method"));
    o.confidence = num(get(v, "confidence"), "confidence");
    cJSON_ArrayForEach(item, opts) {
        if (strcmp(item->string, "pseudo") == 0) {
            read3(item, o.pseudo, "pseudo");
        } else if (strcmp(item->string, "clip") == 0 && cJSON_IsBool(item)) {
            o.clip = cJSON_IsTrue(item);
        } else if (strcmp(item->string, "prior") == 0) {
            read3(item, o.prior, "prior");
        } else if (strcmp(item->string, "credible") == 0 && cJSON_IsString(item)) {
            if (strcmp(item->valuestring, "equal_tailed") == 0) {
                o.credible = NPS_CREDIBLE_EQUAL_TAILED;
            } else if (strcmp(item->valuestring, "hpd") == 0) {
                o.credible = NPS_CREDIBLE_HPD;
            } else {
                fail(__FILE__, __LINE__, "unknown credible %s", item->valuestring);
            }
        } else {
            fail(__FILE__, __LINE__, "unknown interval option %s", item->string);
        }
    }
    st = nps_tally_interval(&t, &o, &ci);
    if (err != NULL) {
        check_error(err, st);
        return;
    }
    CHECK_STATUS(st, NPS_STATUS_OK);
    if (st != NPS_STATUS_OK) return;
    CHECK_CLOSE("low", ci.low, num(get(e, "low"), "low"), tol);
    CHECK_CLOSE("high", ci.high, num(get(e, "high"), "high"), tol);
    CHECK_CLOSE("center", ci.center, num(get(e, "center"), "center"), tol);
    CHECK(ci.confidence == o.confidence);
    CHECK_U64("method", ci.method, o.method);
}

static uint32_t alternative_of(const cJSON *a) {
    if (cJSON_IsString(a) && strcmp(a->valuestring, "two_sided") == 0) return NPS_ALTERNATIVE_TWO_SIDED;
    if (cJSON_IsString(a) && strcmp(a->valuestring, "greater") == 0) return NPS_ALTERNATIVE_GREATER;
    if (cJSON_IsString(a) && strcmp(a->valuestring, "less") == 0) return NPS_ALTERNATIVE_LESS;
    fail(__FILE__, __LINE__, "unknown alternative");
    return 99;
}

static const char *const test_keys[] = {"name", "categories", "benchmark", "a", "b", "method",
                                        "alternative", "confidence", "expect", "error", "tol",
                                        "p_rtol", "pairs", "adjust", "ln_tol", NULL};

static NpsTestOptions test_options_of(const cJSON *v) {
    NpsTestOptions o = nps_test_options_default();
    const cJSON *m = get(v, "method");
    only_keys(v, test_keys);
    if (cJSON_IsString(m) && strcmp(m->valuestring, "wald") == 0) {
        o.method = NPS_TEST_METHOD_WALD;
    } else if (cJSON_IsString(m) && strcmp(m->valuestring, "adjusted_wald") == 0) {
        o.method = NPS_TEST_METHOD_ADJUSTED_WALD;
    } else {
        fail(__FILE__, __LINE__, "unknown test method");
    }
    if (get(v, "options") != NULL) fail(__FILE__, __LINE__, "test options are not read");
    o.alternative = alternative_of(get(v, "alternative"));
    o.confidence = num(get(v, "confidence"), "confidence");
    return o;
}

static void check_test_result(const cJSON *v, NpsStatus st, const NpsTestResult *r,
                              const NpsTestOptions *o) {
    const cJSON *e = get(v, "expect"), *err = get(v, "error");
    double tol, p_rtol, p;
    if (err != NULL) {
        check_error(err, st);
        return;
    }
    CHECK_STATUS(st, NPS_STATUS_OK);
    if (st != NPS_STATUS_OK) return;
    tol = num(get(v, "tol"), "tol");
    p_rtol = num(get(v, "p_rtol"), "p_rtol");
    p = num(get(e, "p_value"), "p_value");
    CHECK_CLOSE("difference", r->difference, num(get(e, "difference"), "difference"), tol);
    CHECK_CLOSE("se", r->se, num(get(e, "se"), "se"), tol);
    CHECK_CLOSE("statistic", r->statistic, num(get(e, "statistic"), "statistic"), tol);
    CHECK_REL("p_value", r->p_value, p, p_rtol);
    CHECK_CLOSE("ln_p_value", r->ln_p_value, log(p), 10 * p_rtol + 1e-12);
    CHECK_CLOSE("low", r->interval.low, num(get(e, "low"), "low"), tol);
    CHECK_CLOSE("high", r->interval.high, num(get(e, "high"), "high"), tol);
    CHECK_U64("alternative", r->alternative, o->alternative);
    CHECK_U64("interval method", r->interval.method, o->method);
}

static void test_vector(const cJSON *v) {
    NpsTally t = tally_of(get(v, "categories"));
    NpsTestOptions o = test_options_of(v);
    NpsTestResult r;
    NpsStatus st = nps_test_benchmark(&t, num(get(v, "benchmark"), "benchmark"), &o, &r);
    check_test_result(v, st, &r, &o);
}

static void comparison_vector(const cJSON *v) {
    NpsTally a = tally_of(get(v, "a")), b = tally_of(get(v, "b"));
    NpsTestOptions o = test_options_of(v);
    NpsTestResult r;
    NpsStatus st = nps_compare(&a, &b, &o, &r);
    check_test_result(v, st, &r, &o);
}

/* A compare_many vector: the family through nps_compare_many; each
 * result's comparison, adjusted p-value (relative), logs (absolute: the
 * p-values may underflow) and decision. */
static void compare_many_vector(const cJSON *v) {
    const cJSON *pairs = get(v, "pairs"), *adj = get(v, "adjust"), *e = get(v, "expect");
    const cJSON *err = get(v, "error"), *pair, *x;
    size_t n = (size_t)cJSON_GetArraySize(pairs), i = 0;
    NpsTally *a = n ? calloc(n, sizeof *a) : NULL, *b = n ? calloc(n, sizeof *b) : NULL;
    NpsAdjustedComparison *out = n ? calloc(n, sizeof *out) : NULL;
    NpsCompareManyOptions o = nps_compare_many_options_default();
    NpsStatus st;
    double tol, p_rtol, ln_tol;
    o.test = test_options_of(v);
    if (cJSON_IsString(adj) && strcmp(adj->valuestring, "holm") == 0) {
        o.adjust = NPS_ADJUST_HOLM;
    } else if (cJSON_IsString(adj) && strcmp(adj->valuestring, "bh") == 0) {
        o.adjust = NPS_ADJUST_BENJAMINI_HOCHBERG;
    } else if (cJSON_IsString(adj) && strcmp(adj->valuestring, "none") == 0) {
        o.adjust = NPS_ADJUST_NONE;
    } else {
        fail(__FILE__, __LINE__, "unknown adjust");
    }
    cJSON_ArrayForEach(pair, pairs) {
        a[i] = tally_of(get(pair, "a"));
        b[i] = tally_of(get(pair, "b"));
        i++;
    }
    st = nps_compare_many(a, b, n, &o, out);
    if (err != NULL) {
        check_error(err, st);
    } else {
        CHECK_STATUS(st, NPS_STATUS_OK);
        CHECK_U64("results", (uint64_t)cJSON_GetArraySize(e), n);
        tol = num(get(v, "tol"), "tol");
        p_rtol = num(get(v, "p_rtol"), "p_rtol");
        ln_tol = num(get(v, "ln_tol"), "ln_tol");
        i = 0;
        cJSON_ArrayForEach(x, e) {
            const NpsTestResult *r = &out[i].result;
            if (st != NPS_STATUS_OK || i >= n) break;
            CHECK_CLOSE("difference", r->difference, num(get(x, "difference"), "difference"), tol);
            CHECK_CLOSE("se", r->se, num(get(x, "se"), "se"), tol);
            CHECK_CLOSE("statistic", r->statistic, num(get(x, "statistic"), "statistic"), tol);
            CHECK_CLOSE("low", r->interval.low, num(get(x, "low"), "low"), tol);
            CHECK_CLOSE("high", r->interval.high, num(get(x, "high"), "high"), tol);
            CHECK_REL("p_value", r->p_value, num(get(x, "p_value"), "p_value"), p_rtol);
            CHECK_CLOSE("ln_p_value", r->ln_p_value, num(get(x, "ln_p_value"), "ln_p_value"),
                        ln_tol);
            CHECK_REL("p_adjusted", out[i].p_adjusted, num(get(x, "p_adjusted"), "p_adjusted"),
                      p_rtol);
            CHECK_CLOSE("ln_p_adjusted", out[i].ln_p_adjusted,
                        num(get(x, "ln_p_adjusted"), "ln_p_adjusted"), ln_tol);
            CHECK(out[i].significant == cJSON_IsTrue(get(x, "significant")));
            CHECK_U64("alternative", r->alternative, o.test.alternative);
            i++;
        }
    }
    free(a);
    free(b);
    free(out);
}

static void sample_size_vector(const cJSON *v) {
    const cJSON *pop = get(v, "population"), *e = get(v, "expect"), *err = get(v, "error");
    uint64_t population = is_null(pop) ? 0 : u64(pop, "population"), n = 0;
    NpsSampleSizeOptions opts = nps_sample_size_options_default();
    NpsStatus st;
    static const char *const keys[] = {"name", "margin", "promoters", "detractors", "confidence",
                                       "population", "expect", "error", NULL};
    only_keys(v, keys);
    opts.confidence = num(get(v, "confidence"), "confidence");
    opts.has_population = !is_null(pop);
    opts.population = population;
    st = nps_sample_size(num(get(v, "margin"), "margin"), num(get(v, "promoters"), "promoters"),
                         num(get(v, "detractors"), "detractors"), &opts, &n);
    if (err != NULL) {
        check_error(err, st);
        return;
    }
    CHECK_STATUS(st, NPS_STATUS_OK);
    CHECK_U64("n", n, u64(get(e, "n"), "n"));
}

static uint32_t period_of(const cJSON *p) {
    static const struct { const char *name; uint32_t value; } periods[] = {
        {"day", NPS_PERIOD_DAY},
        {"week", NPS_PERIOD_WEEK},
        {"month", NPS_PERIOD_MONTH},
        {"quarter", NPS_PERIOD_QUARTER},
        {"year", NPS_PERIOD_YEAR},
    };
    size_t i;
    if (is_null(p)) return NPS_PERIOD_NONE;
    for (i = 0; cJSON_IsString(p) && i < sizeof periods / sizeof periods[0]; i++) {
        if (strcmp(p->valuestring, periods[i].name) == 0) return periods[i].value;
    }
    fail(__FILE__, __LINE__, "unknown period");
    return 99;
}

static void check_groups(const NpsGrouped *g, const cJSON *expect, double tol) {
    size_t len = nps_grouped_len(g), i = 0;
    const cJSON *e;
    CHECK_U64("number of groups", len, (uint64_t)cJSON_GetArraySize(expect));
    cJSON_ArrayForEach(e, expect) {
        NpsGroup grp;
        char label[32];
        size_t label_len = 0;
        double v = 0;
        const cJSON *key = get(e, "key"), *period = get(e, "period");
        static const char *const keys[] = {"key", "period", "n", "detractors", "passives",
                                           "promoters", "nps", "thin", NULL};
        only_keys(e, keys);
        if (i >= len) break;
        CHECK_STATUS(nps_grouped_get(g, i, &grp), NPS_STATUS_OK);
        if (is_null(key)) {
            CHECK_U64("key kind", grp.key_kind, NPS_KEY_KIND_ALL);
        } else {
            CHECK_U64("key kind", grp.key_kind, NPS_KEY_KIND_INT);
            CHECK(grp.key_int == (int64_t)num(key, "key"));
        }
        CHECK_STATUS(nps_grouped_label(g, i, label, sizeof label, &label_len), NPS_STATUS_OK);
        CHECK_U64("label length", label_len, strlen(label));
        if (is_null(period)) {
            CHECK(!grp.has_period);
            CHECK_STR("label", label, "");
        } else {
            CHECK(grp.has_period);
            CHECK_STR("label", label, cJSON_IsString(period) ? period->valuestring : "?");
        }
        CHECK_U64("n", grp.tally.detractors + grp.tally.passives + grp.tally.promoters,
                  u64(get(e, "n"), "n"));
        CHECK_U64("detractors", grp.tally.detractors, u64(get(e, "detractors"), "detractors"));
        CHECK_U64("passives", grp.tally.passives, u64(get(e, "passives"), "passives"));
        CHECK_U64("promoters", grp.tally.promoters, u64(get(e, "promoters"), "promoters"));
        check_stat("nps", nps_tally_nps(&grp.tally, &v), &v, get(e, "nps"), tol);
        CHECK(cJSON_IsBool(get(e, "thin")));
        CHECK(grp.thin == cJSON_IsTrue(get(e, "thin")));
        i++;
    }
}

static void group_vector(const cJSON *v) {
    size_t n = 0, nk = 0, nt = 0, nr = 0;
    const cJSON *tz = get(v, "tz"), *err = get(v, "error"), *e = get(v, "expect");
    double *scores = doubles(get(v, "scores"), &n, "scores");
    int64_t *keys = is_null(get(v, "keys")) ? NULL : int64s(get(v, "keys"), &nk, "keys");
    int64_t *ts =
        is_null(get(v, "timestamps")) ? NULL : int64s(get(v, "timestamps"), &nt, "timestamps");
    int64_t *resp = is_null(get(v, "respondents"))
                        ? NULL
                        : int64s(get(v, "respondents"), &nr, "respondents");
    /* Group vectors carry no tolerance: their NPS values are ratios of
     * small counts, compared within 1e-9. */
    const cJSON *tol_j = get(v, "tol");
    double tol = is_null(tol_j) ? 1e-9 : num(tol_j, "tol");
    static const char *const known[] = {"name", "scores", "keys", "timestamps", "period", "tz",
                                        "respondents", "min_n", "invalid", "expect", "error",
                                        "tol", NULL};
    int64_t dummy = 0;
    NpsGroupOptions o;
    NpsGrouped *g = NULL;
    NpsStatus st;
    only_keys(v, known);
    memset(&o, 0, sizeof o);
    /* An empty key column is given (not NULL): point at a dummy. */
    o.keys_i64 = keys ? keys : (!is_null(get(v, "keys")) ? &dummy : NULL);
    o.timestamps = ts ? ts : (!is_null(get(v, "timestamps")) ? &dummy : NULL);
    o.respondents_i64 = resp ? resp : (!is_null(get(v, "respondents")) ? &dummy : NULL);
    o.period = period_of(get(v, "period"));
    o.tz = is_null(tz) ? NULL : tz->valuestring;
    o.min_n = u64(get(v, "min_n"), "min_n");
    o.invalid = policy_of(get(v, "invalid"));
    if (keys) CHECK_U64("keys length", nk, n);
    if (ts) CHECK_U64("timestamps length", nt, n);
    if (resp) CHECK_U64("respondents length", nr, n);
    st = nps_group_by_f64(scores, n, &o, &g);
    if (err != NULL) {
        check_error(err, st);
        CHECK(g == NULL);
    } else {
        CHECK_STATUS(st, NPS_STATUS_OK);
        if (st == NPS_STATUS_OK) check_groups(g, e, tol);
    }
    nps_grouped_free(g);
    free(scores);
    free(keys);
    free(ts);
    free(resp);
}

/* ---- driver ---------------------------------------------------------- */

typedef void (*vector_fn)(const cJSON *);

static void run_section(const cJSON *root, const char *section, vector_fn fn) {
    const cJSON *arr = get(root, section), *v;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
        case_begin("section %s", section);
        fail(__FILE__, __LINE__, "section %s is missing or empty", section);
        case_end();
        return;
    }
    cJSON_ArrayForEach(v, arr) {
        const cJSON *name = get(v, "name");
        case_begin("%s/%s", section, cJSON_IsString(name) ? name->valuestring : "?");
        if (fn != NULL) {
            fn(v);
        } else {
            sample_size_vector(v);
        }
        case_end();
    }
}

int main(int argc, char **argv) {
    char *text;
    cJSON *root;
    const cJSON *item;
    static const char *known[] = {"version", "generator", "tallies", "intervals", "tests",
                                  "comparisons", "compare_many", "sample_sizes", "groups"};
    if (argc != 2) {
        fprintf(stderr, "usage: %s tests/golden/vectors.json\n", argv[0]);
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
        fprintf(stderr, "%s is not valid JSON\n", argv[1]);
        return 2;
    }
    case_begin("schema");
    CHECK(cJSON_IsNumber(get(root, "version")) && get(root, "version")->valueint == 1);
    cJSON_ArrayForEach(item, root) {
        size_t i, found = 0;
        for (i = 0; i < sizeof known / sizeof known[0]; i++) found |= strcmp(item->string, known[i]) == 0;
        if (!found) fail(__FILE__, __LINE__, "unknown section %s (update test_golden.c)", item->string);
    }
    case_end();
    run_section(root, "tallies", tally_vector);
    run_section(root, "intervals", interval_vector);
    run_section(root, "tests", test_vector);
    run_section(root, "comparisons", comparison_vector);
    run_section(root, "compare_many", compare_many_vector);
    run_section(root, "sample_sizes", NULL);
    run_section(root, "groups", group_vector);
    cJSON_Delete(root);
    return summary("golden");
}
