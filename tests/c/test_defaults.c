/* Defaults through the C API: every vector of tests/golden/defaults_vectors.json
 * (written by the independent oracle tests/golden/gen_defaults_vectors.py;
 * schema in tests/golden/README.md). First every nps_*_options_default()
 * against the `defaults` object (and the default policy against
 * `benchmarks`), then every operation called with NULL options (the core
 * defaults) against its `expected` result. An unknown default or operation
 * fails, so a new one gets a C check.
 * Usage: test_defaults path/to/defaults_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define MAXN 64

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static double num(const cJSON *v) { return cJSON_IsNumber(v) ? v->valuedouble : NAN; }

static double tol_of(const cJSON *v) {
    const cJSON *t = get(v, "tol");
    return cJSON_IsNumber(t) ? t->valuedouble : 1e-9;
}

/* Labels (strings or integers) as ids: the index of their first occurrence. */
static size_t ids(const cJSON *arr, uint64_t *out) {
    size_t n = 0, i;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        if (n >= MAXN) break;
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

static size_t i64s(const cJSON *arr, int64_t *out, uint8_t *present) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        if (n >= MAXN) break;
        if (present != NULL) present[n] = cJSON_IsNumber(x) ? 1 : 0;
        out[n++] = cJSON_IsNumber(x) ? (int64_t)x->valuedouble : 0;
    }
    return n;
}

static size_t f64s(const cJSON *arr, double *out) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        if (n >= MAXN) break;
        out[n++] = x->valuedouble;
    }
    return n;
}

static void check_triple(const char *what, const double got[3], const cJSON *want) {
    int i;
    CHECK(cJSON_GetArraySize(want) == 3);
    for (i = 0; i < 3; i++) CHECK_CLOSE(what, got[i], num(cJSON_GetArrayItem(want, i)), 0.0);
}

static void check_name(const char *what, const char *got, const cJSON *want) {
    CHECK(cJSON_IsString(want));
    if (cJSON_IsString(want)) CHECK_STR(what, got, want->valuestring);
}

static const char *credible_name(uint32_t c) {
    return c == NPS_CREDIBLE_EQUAL_TAILED ? "equal_tailed" : c == NPS_CREDIBLE_HPD ? "hpd" : "unknown";
}

static const char *alternative_name(uint32_t a) {
    return a == NPS_ALTERNATIVE_TWO_SIDED ? "two_sided"
           : a == NPS_ALTERNATIVE_GREATER ? "greater"
           : a == NPS_ALTERNATIVE_LESS    ? "less"
                                          : "unknown";
}

static const char *outcome_name(uint32_t o) {
    return o == NPS_JOB_OUTCOME_FIXED       ? "fixed"
           : o == NPS_JOB_OUTCOME_CAME_BACK ? "came_back"
           : o == NPS_JOB_OUTCOME_INCOMPLETE ? "incomplete"
                                            : "unknown";
}

static const char *status_name(uint32_t s) {
    return s == NPS_KPI_STATUS_MEETS          ? "meets"
           : s == NPS_KPI_STATUS_MISSES       ? "misses"
           : s == NPS_KPI_STATUS_NO_DATA      ? "no_data"
           : s == NPS_KPI_STATUS_NO_BENCHMARK ? "no_benchmark"
                                              : "unknown";
}

/* An optional bound: null in JSON = unset. */
static void check_bound(const char *what, bool has, double got, const cJSON *want) {
    if (cJSON_IsNull(want)) {
        CHECK(!has);
    } else {
        CHECK(has);
        CHECK_CLOSE(what, got, num(want), 0.0);
    }
}

/* An optional value within `tol`: null in JSON = unset. */
static void check_value(const char *what, bool has, double got, const cJSON *want, double tol) {
    if (cJSON_IsNull(want)) {
        CHECK(!has);
    } else {
        CHECK(has);
        CHECK_CLOSE(what, got, num(want), tol);
    }
}

/* The NpsTimeMeasure called `name` (by name or by benchmark), or UINT32_MAX. */
static uint32_t measure_of(const char *name) {
    uint32_t m;
    for (m = 0; m < 2; m++) {
        if (strcmp(nps_time_measure_name(m), name) == 0 || strcmp(nps_time_measure_benchmark(m), name) == 0) {
            return m;
        }
    }
    return UINT32_MAX;
}

static void defaults(const cJSON *d) {
    const cJSON *item;
    cJSON_ArrayForEach(item, d) {
        const char *k = item->string;
        case_begin("defaults/%s", k);
        if (strcmp(k, "confidence") == 0) {
            NpsGoalOptions g = nps_goal_options_default();
            CHECK_CLOSE("confidence", nps_default_confidence(), num(item), 0.0);
            CHECK_CLOSE("goal confidence", g.confidence, num(item), 0.0);
        } else if (strcmp(k, "interval") == 0) {
            NpsIntervalOptions o = nps_interval_options_default();
            check_name("method", nps_interval_method_name(o.method), get(item, "method"));
            CHECK_CLOSE("confidence", o.confidence, num(get(item, "confidence")), 0.0);
            check_triple("pseudo", o.pseudo, get(item, "pseudo"));
            CHECK(o.clip == cJSON_IsTrue(get(item, "clip")));
            check_triple("prior", o.prior, get(item, "prior"));
            check_name("credible", credible_name(o.credible), get(item, "credible"));
        } else if (strcmp(k, "test") == 0) {
            NpsTestOptions o = nps_test_options_default();
            /* NpsTestMethod values equal the NpsIntervalMethod values. */
            check_name("method", nps_interval_method_name(o.method), get(item, "method"));
            check_triple("pseudo", o.pseudo, get(item, "pseudo"));
            check_name("alternative", alternative_name(o.alternative), get(item, "alternative"));
            CHECK_CLOSE("confidence", o.confidence, num(get(item, "confidence")), 0.0);
        } else if (strcmp(k, "compare_many") == 0) {
            NpsCompareManyOptions o = nps_compare_many_options_default();
            NpsTestOptions t = nps_test_options_default();
            check_name("adjust", o.adjust == NPS_ADJUST_HOLM ? "holm"
                                 : o.adjust == NPS_ADJUST_BENJAMINI_HOCHBERG ? "bh"
                                 : o.adjust == NPS_ADJUST_NONE ? "none" : "?",
                       get(item, "adjust"));
            CHECK(o.test.method == t.method && o.test.alternative == t.alternative);
            CHECK(o.test.confidence == t.confidence);
            CHECK(memcmp(o.test.pseudo, t.pseudo, sizeof t.pseudo) == 0);
        } else if (strcmp(k, "sample_size") == 0) {
            NpsSampleSizeOptions o = nps_sample_size_options_default();
            CHECK_CLOSE("confidence", o.confidence, num(get(item, "confidence")), 0.0);
            check_bound("population", o.has_population, (double)o.population, get(item, "population"));
        } else if (strcmp(k, "comeback") == 0) {
            NpsComebackOptions o = nps_comeback_options_default();
            CHECK_U64("window_seconds", o.window_seconds, num(get(item, "window_seconds")));
            CHECK_U64("window_days", o.window_seconds, num(get(item, "window_days")) * 86400.0);
            check_bound("as_of", o.has_as_of, (double)o.as_of, get(item, "as_of"));
            CHECK(o.exclude_incomplete == cJSON_IsTrue(get(item, "exclude_incomplete")));
        } else if (strcmp(k, "follow_up") == 0) {
            NpsFollowUpOptions o = nps_follow_up_options_default();
            CHECK_U64("earliest_seconds", o.earliest_seconds, num(get(item, "earliest_seconds")));
            CHECK_U64("latest_seconds", o.latest_seconds, num(get(item, "latest_seconds")));
            CHECK_U64("earliest_days", o.earliest_seconds, num(get(item, "earliest_days")) * 86400.0);
            CHECK_U64("latest_days", o.latest_seconds, num(get(item, "latest_days")) * 86400.0);
        } else if (strcmp(k, "csat") == 0) {
            NpsCsatOptions o = nps_csat_options_default();
            CHECK_CLOSE("satisfied_min", o.satisfied_min, num(get(item, "satisfied_min")), 0.0);
        } else if (strcmp(k, "time_targets") == 0) {
            const cJSON *t;
            int seen = 0;
            cJSON_ArrayForEach(t, item) {
                uint32_t m = measure_of(t->string);
                int64_t target = -1;
                CHECK(m != UINT32_MAX);
                CHECK_STATUS(nps_kpi_time_target(NULL, m, &target), NPS_STATUS_OK);
                CHECK_U64(t->string, target, num(t));
                seen++;
            }
            CHECK(seen == 2);
        } else if (strcmp(k, "target_share") == 0) {
            /* The default policy's time benchmarks require this share of
             * visits within their per-visit standard. */
            NpsScoreLine line;
            CHECK_STATUS(nps_kpi_scorecard_value(NULL, "reception_response_minutes", false, 0.0, &line),
                         NPS_STATUS_OK);
            CHECK(line.has_min && !line.has_max && line.has_standard);
            CHECK_CLOSE("target_share", line.min, num(item), 0.0);
        } else {
            fail(__FILE__, __LINE__, "unknown default `%s` (update test_defaults.c)", k);
        }
        case_end();
    }
}

static void benchmarks(const cJSON *b) {
    const cJSON *item;
    cJSON_ArrayForEach(item, b) {
        NpsScoreLine line;
        case_begin("benchmarks/%s", item->string);
        CHECK_STATUS(nps_kpi_scorecard_value(NULL, item->string, false, 0.0, &line), NPS_STATUS_OK);
        CHECK(line.has_benchmark);
        CHECK(line.status == NPS_KPI_STATUS_NO_DATA);
        if (cJSON_IsNumber(get(item, "target_share"))) {
            /* A per-visit standard: judged by the share within `max` minutes. */
            check_bound("min", line.has_min, line.min, get(item, "target_share"));
            CHECK(!line.has_max);
            check_bound("standard_minutes", line.has_standard, line.standard_minutes, get(item, "max"));
        } else {
            check_bound("min", line.has_min, line.min, get(item, "min"));
            check_bound("max", line.has_max, line.max, get(item, "max"));
            CHECK(!line.has_standard);
        }
        case_end();
    }
}

static NpsTally tally_of(const cJSON *c) {
    NpsTally t;
    memset(&t, 0, sizeof t);
    CHECK_STATUS(nps_tally_from_categories((uint64_t)num(cJSON_GetArrayItem(c, 0)),
                                           (uint64_t)num(cJSON_GetArrayItem(c, 1)),
                                           (uint64_t)num(cJSON_GetArrayItem(c, 2)), &t),
                 NPS_STATUS_OK);
    return t;
}

static void check_kpi(const NpsKpi *k, const cJSON *e, double tol) {
    const cJSON *v = get(e, "value"), *c = get(e, "coverage");
    check_value("value", k->has_value, k->value, v, tol);
    CHECK_CLOSE("numerator", k->numerator, num(get(e, "numerator")), tol);
    CHECK_CLOSE("denominator", k->denominator, num(get(e, "denominator")), tol);
    if (cJSON_IsNull(c)) {
        CHECK(!k->has_coverage);
    } else {
        CHECK(k->has_coverage);
        CHECK_CLOSE("coverage", k->coverage, num(c), tol);
    }
}

static void check_test(const cJSON *v, NpsStatus st, const NpsTestResult *r) {
    const cJSON *e = get(v, "expected");
    double tol = tol_of(v);
    CHECK_STATUS(st, NPS_STATUS_OK);
    if (st != NPS_STATUS_OK) return;
    CHECK_CLOSE("difference", r->difference, num(get(e, "difference")), tol);
    CHECK_CLOSE("se", r->se, num(get(e, "se")), tol);
    CHECK_CLOSE("statistic", r->statistic, num(get(e, "statistic")), tol);
    CHECK_REL("p_value", r->p_value, num(get(e, "p_value")), num(get(v, "p_rtol")));
    CHECK_CLOSE("low", r->interval.low, num(get(e, "low")), tol);
    CHECK_CLOSE("high", r->interval.high, num(get(e, "high")), tol);
    CHECK_CLOSE("confidence", r->interval.confidence, num(get(e, "confidence")), 0.0);
    check_name("method", nps_interval_method_name(r->interval.method), get(e, "method"));
    check_name("alternative", alternative_name(r->alternative), get(e, "alternative"));
}

/* The jobs of a job_outcomes / first_time_fix_rate / comeback_rate vector. */
typedef struct {
    uint64_t vehicles[MAXN], complaints[MAXN];
    int64_t opened[MAXN], closed[MAXN];
    size_t n;
    int has_complaints;
} Jobs;

static void jobs_of(const cJSON *in, Jobs *j) {
    j->n = ids(get(in, "vehicles"), j->vehicles);
    j->has_complaints = !cJSON_IsNull(get(in, "complaints"));
    if (j->has_complaints) CHECK(ids(get(in, "complaints"), j->complaints) == j->n);
    CHECK(i64s(get(in, "opened"), j->opened, NULL) == j->n);
    CHECK(i64s(get(in, "closed"), j->closed, NULL) == j->n);
}

static void scorecard(const cJSON *v) {
    const cJSON *results = get(get(v, "inputs"), "results");
    const cJSON *lines = get(get(v, "expected"), "lines");
    double tol = tol_of(v);
    int i, n = cJSON_GetArraySize(results);
    CHECK(n == cJSON_GetArraySize(lines));
    for (i = 0; i < n && i < cJSON_GetArraySize(lines); i++) {
        const cJSON *r = cJSON_GetArrayItem(results, i), *w = cJSON_GetArrayItem(lines, i);
        const char *kpi = get(r, "kpi")->valuestring;
        const cJSON *rate = get(r, "rate"), *secs = get(r, "seconds");
        NpsScoreLine line;
        NpsStatus st;
        if (rate != NULL) {
            /* num of den flags set, through the rate KPI itself. */
            uint8_t flags[MAXN];
            size_t k, num_ = (size_t)num(cJSON_GetArrayItem(rate, 0)), den = (size_t)num(cJSON_GetArrayItem(rate, 1));
            NpsKpi kp;
            CHECK(den <= MAXN && num_ <= den);
            if (den > MAXN || num_ > den) continue;
            for (k = 0; k < den; k++) flags[k] = k < num_ ? 1 : 0;
            CHECK_STATUS(nps_kpi_rate(den ? flags : NULL, NULL, den, &kp), NPS_STATUS_OK);
            st = nps_kpi_scorecard_rate(NULL, kpi, &kp, &line);
        } else if (secs != NULL) {
            /* A time KPI with the default target of its benchmark. */
            int64_t s[MAXN], target = -1;
            size_t ns = i64s(secs, s, NULL);
            uint32_t m = measure_of(kpi);
            NpsTimeKpi tk;
            CHECK(m != UINT32_MAX);
            CHECK_STATUS(nps_kpi_time_target(NULL, m, &target), NPS_STATUS_OK);
            CHECK_STATUS(nps_kpi_time_durations(ns ? s : NULL, ns, target, &tk), NPS_STATUS_OK);
            st = nps_kpi_scorecard_time(NULL, kpi, &tk, &line);
        } else {
            const cJSON *x = get(r, "value");
            st = nps_kpi_scorecard_value(NULL, kpi, cJSON_IsNumber(x), num(x), &line);
        }
        CHECK_STATUS(st, NPS_STATUS_OK);
        if (st != NPS_STATUS_OK) continue;
        check_name(kpi, status_name(line.status), get(w, "status"));
        check_value(kpi, line.has_value, line.value, get(w, "value"), tol);
        check_bound("min", line.has_min, line.min, get(w, "min"));
        check_bound("max", line.has_max, line.max, get(w, "max"));
        check_bound("standard_minutes", line.has_standard, line.standard_minutes, get(w, "standard_minutes"));
    }
}

static void operation(const cJSON *v) {
    const char *op = get(v, "operation")->valuestring;
    const cJSON *in = get(v, "inputs"), *e = get(v, "expected");
    double tol = tol_of(v);
    if (strcmp(op, "interval") == 0) {
        NpsTally t = tally_of(get(in, "categories"));
        NpsInterval r;
        CHECK_STATUS(nps_tally_interval(&t, NULL, &r), NPS_STATUS_OK);
        CHECK_CLOSE("low", r.low, num(get(e, "low")), tol);
        CHECK_CLOSE("high", r.high, num(get(e, "high")), tol);
        CHECK_CLOSE("center", r.center, num(get(e, "center")), tol);
        CHECK_CLOSE("confidence", r.confidence, num(get(e, "confidence")), 0.0);
        check_name("method", nps_interval_method_name(r.method), get(e, "method"));
    } else if (strcmp(op, "test_benchmark") == 0) {
        NpsTally t = tally_of(get(in, "categories"));
        NpsTestResult r;
        NpsStatus st = nps_test_benchmark(&t, num(get(in, "benchmark")), NULL, &r);
        check_test(v, st, &r);
    } else if (strcmp(op, "compare") == 0) {
        NpsTally a = tally_of(get(in, "a")), b = tally_of(get(in, "b"));
        NpsTestResult r;
        NpsStatus st = nps_compare(&a, &b, NULL, &r);
        check_test(v, st, &r);
    } else if (strcmp(op, "compare_many") == 0) {
        const cJSON *pairs = get(in, "pairs"), *pair, *w;
        NpsTally a[8], b[8];
        NpsAdjustedComparison out[8];
        size_t n = 0, i = 0;
        NpsStatus st;
        cJSON_ArrayForEach(pair, pairs) {
            if (n == 8) break;
            a[n] = tally_of(get(pair, "a"));
            b[n] = tally_of(get(pair, "b"));
            n++;
        }
        st = nps_compare_many(a, b, n, NULL, out);
        CHECK_STATUS(st, NPS_STATUS_OK);
        CHECK_U64("results", (uint64_t)cJSON_GetArraySize(get(e, "results")), n);
        cJSON_ArrayForEach(w, get(e, "results")) {
            if (st != NPS_STATUS_OK || i >= n) break;
            CHECK_CLOSE("difference", out[i].result.difference, num(get(w, "difference")), tol);
            CHECK_CLOSE("low", out[i].result.interval.low, num(get(w, "low")), tol);
            CHECK_CLOSE("high", out[i].result.interval.high, num(get(w, "high")), tol);
            CHECK_REL("p_value", out[i].result.p_value, num(get(w, "p_value")), num(get(v, "p_rtol")));
            CHECK_REL("p_adjusted", out[i].p_adjusted, num(get(w, "p_adjusted")), num(get(v, "p_rtol")));
            CHECK_CLOSE("ln_p_adjusted", out[i].ln_p_adjusted, num(get(w, "ln_p_adjusted")),
                        num(get(v, "ln_tol")));
            CHECK(out[i].significant == cJSON_IsTrue(get(w, "significant")));
            i++;
        }
    } else if (strcmp(op, "sample_size") == 0) {
        uint64_t n = 0;
        CHECK_STATUS(nps_sample_size(num(get(in, "margin")), num(get(in, "promoters")), num(get(in, "detractors")),
                                     NULL, &n),
                     NPS_STATUS_OK);
        CHECK_U64("n", n, num(get(e, "n")));
    } else if (strcmp(op, "margin_of_error") == 0) {
        NpsTally t = tally_of(get(in, "categories"));
        double m = NAN;
        CHECK_STATUS(nps_tally_margin(&t, nps_default_confidence(), &m), NPS_STATUS_OK);
        CHECK_CLOSE("margin", m, num(get(e, "margin")), tol);
    } else if (strcmp(op, "job_outcomes") == 0) {
        Jobs j;
        uint32_t out[MAXN];
        size_t i;
        jobs_of(in, &j);
        CHECK_STATUS(nps_kpi_job_outcomes(j.vehicles, j.has_complaints ? j.complaints : NULL, j.opened, j.closed,
                                          j.n, NULL, out),
                     NPS_STATUS_OK);
        CHECK((size_t)cJSON_GetArraySize(get(e, "outcomes")) == j.n);
        for (i = 0; i < j.n; i++) {
            check_name("outcome", outcome_name(out[i]), cJSON_GetArrayItem(get(e, "outcomes"), (int)i));
        }
    } else if (strcmp(op, "first_time_fix_rate") == 0 || strcmp(op, "comeback_rate") == 0) {
        Jobs j;
        NpsKpi k;
        NpsKpiTable *t = NULL;
        bool comeback = strcmp(op, "comeback_rate") == 0;
        jobs_of(in, &j);
        CHECK_STATUS(nps_kpi_first_time_fix(j.vehicles, j.has_complaints ? j.complaints : NULL, j.opened, j.closed,
                                            j.n, NULL, comeback, &k),
                     NPS_STATUS_OK);
        check_kpi(&k, e, tol);
        CHECK_STATUS(nps_kpi_first_time_fix_table(j.vehicles, j.has_complaints ? j.complaints : NULL, j.opened,
                                                  j.closed, j.n, NULL, comeback, NULL, &t),
                     NPS_STATUS_OK);
        CHECK_STATUS(nps_kpi_table_overall(t, &k), NPS_STATUS_OK);
        check_kpi(&k, e, tol);
        nps_kpi_table_free(t);
    } else if (strcmp(op, "diagnosis_accuracy") == 0 || strcmp(op, "visits_per_resolution") == 0) {
        Jobs j;
        uint64_t ops[MAXN];
        NpsKpi k;
        NpsKpiTable *t = NULL;
        bool diag = strcmp(op, "diagnosis_accuracy") == 0;
        jobs_of(in, &j);
        CHECK(ids(get(in, "operations"), ops) == j.n);
        if (diag) {
            CHECK_STATUS(nps_kpi_diagnosis_accuracy(j.vehicles, j.has_complaints ? j.complaints : NULL, ops, j.opened,
                                                    j.closed, j.n, NULL, &k),
                         NPS_STATUS_OK);
            check_kpi(&k, e, tol);
            CHECK_STATUS(nps_kpi_diagnosis_accuracy_table(j.vehicles, j.has_complaints ? j.complaints : NULL, ops,
                                                          j.opened, j.closed, j.n, NULL, NULL, &t),
                         NPS_STATUS_OK);
        } else {
            CHECK_STATUS(nps_kpi_visits_per_resolution(j.vehicles, j.has_complaints ? j.complaints : NULL, j.opened,
                                                       j.closed, j.n, NULL, &k),
                         NPS_STATUS_OK);
            check_kpi(&k, e, tol);
            CHECK_STATUS(nps_kpi_visits_per_resolution_table(j.vehicles, j.has_complaints ? j.complaints : NULL,
                                                             j.opened, j.closed, j.n, NULL, NULL, &t),
                         NPS_STATUS_OK);
        }
        CHECK_STATUS(nps_kpi_table_overall(t, &k), NPS_STATUS_OK);
        check_kpi(&k, e, tol);
        nps_kpi_table_free(t);
    } else if (strcmp(op, "repeat_complaint_rate") == 0) {
        uint64_t s[MAXN];
        int64_t r[MAXN], c[MAXN];
        size_t n = ids(get(in, "subjects"), s);
        NpsKpi k;
        CHECK(i64s(get(in, "raised"), r, NULL) == n && i64s(get(in, "closed"), c, NULL) == n);
        CHECK_STATUS(nps_kpi_repeat_complaint(s, r, c, n, NULL, &k), NPS_STATUS_OK);
        check_kpi(&k, e, tol);
    } else if (strcmp(op, "csat") == 0) {
        double r[MAXN];
        size_t n = f64s(get(in, "ratings"), r);
        NpsKpi k;
        CHECK_STATUS(nps_kpi_csat(n ? r : NULL, n, NULL, &k), NPS_STATUS_OK);
        check_kpi(&k, e, tol);
    } else if (strcmp(op, "follow_up_completion_rate") == 0) {
        int64_t end[MAXN], f[MAXN];
        uint8_t has[MAXN];
        size_t n = i64s(get(in, "service_end"), end, NULL);
        NpsKpi k;
        CHECK(i64s(get(in, "follow_up"), f, has) == n);
        CHECK_STATUS(nps_kpi_follow_up_completion(end, f, has, NULL, n, NULL, &k), NPS_STATUS_OK);
        check_kpi(&k, e, tol);
    } else if (strcmp(op, "time_target") == 0) {
        uint32_t m = measure_of(get(in, "kpi")->valuestring);
        int64_t target = -1;
        CHECK(m != UINT32_MAX);
        check_name("benchmark", nps_time_measure_benchmark(m), get(e, "benchmark"));
        CHECK_STATUS(nps_kpi_time_target(NULL, m, &target), NPS_STATUS_OK);
        CHECK_U64("target_seconds", target, num(get(e, "target_seconds")));
    } else if (strcmp(op, "scorecard") == 0) {
        scorecard(v);
    } else {
        fail(__FILE__, __LINE__, "unknown operation `%s` (update test_defaults.c)", op);
    }
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    const cJSON *v;
    int ops = 0;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: test_defaults path/to/defaults_vectors.json\n");
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    defaults(get(doc, "defaults"));
    benchmarks(get(doc, "benchmarks"));
    cJSON_ArrayForEach(v, get(doc, "operations")) {
        case_begin("%s [%s]", get(v, "name")->valuestring, get(v, "operation")->valuestring);
        operation(v);
        case_end();
        ops++;
    }
    case_begin("operations present");
    CHECK(ops > 0);
    case_end();
    cJSON_Delete(doc);
    return summary("defaults");
}
