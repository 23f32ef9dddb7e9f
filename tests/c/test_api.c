/* The C API end to end: versions, tallies and statistics across paths,
 * grouping (string and integer keys, periods, rolling windows, latest
 * response per respondent), goal tracking, scales, threads. Expected values
 * are hand calculations (noted next to them). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#ifndef EXPECTED_VERSION
#error "compile with -DEXPECTED_VERSION=\"x.y.z\" (the version in Cargo.toml)"
#endif

/* z for 95 %: the 0.975 standard-normal quantile. */
#define Z95 1.959963984540054

/* Field by field: structs have padding bytes, which memcmp must not read. */
static int same_tally(const NpsTally *a, const NpsTally *b) {
    return memcmp(a->counts, b->counts, sizeof a->counts) == 0 &&
           a->detractors == b->detractors && a->passives == b->passives &&
           a->promoters == b->promoters && a->has_counts == b->has_counts;
}

static void version(void) {
    char expect[32];
    case_begin("version matches Cargo.toml");
    CHECK_STR("nps_version()", nps_version(), EXPECTED_VERSION);
    CHECK_STR("NPS_VERSION", NPS_VERSION, EXPECTED_VERSION);
    snprintf(expect, sizeof expect, "%d.%d.%d", NPS_VERSION_MAJOR, NPS_VERSION_MINOR,
             NPS_VERSION_PATCH);
    CHECK(strncmp(expect, EXPECTED_VERSION, strlen(expect)) == 0);
    case_end();
}

static void tallies(void) {
    static const uint8_t scores[10] = {10, 9, 9, 8, 7, 6, 3, 10, 9, 0};
    static const uint64_t counts[11] = {1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2};
    NpsTally a, b, c, e = nps_tally_empty(), cat;
    NpsShares s;
    double v = 0;
    uint64_t n = 0;
    case_begin("tallies: columns, counts, merge");
    CHECK_STATUS(nps_tally_from_u8(scores, 10, NPS_INVALID_POLICY_RAISE, &a, NULL), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_from_counts(counts, 11, &b), NPS_STATUS_OK);
    CHECK(memcmp(a.counts, b.counts, sizeof a.counts) == 0);
    CHECK_U64("detractors", a.detractors, 3);
    CHECK_U64("passives", a.passives, 2);
    CHECK_U64("promoters", a.promoters, 5);
    CHECK_STATUS(nps_tally_nps(&a, &v), NPS_STATUS_OK);
    CHECK(v == 20.0); /* (5 - 3) / 10 */
    CHECK_STATUS(nps_tally_mean(&a, &v), NPS_STATUS_OK);
    CHECK_CLOSE("mean", v, 7.1, 1e-12); /* 71 / 10 */
    CHECK_STATUS(nps_tally_merge(&a, &e, &c), NPS_STATUS_OK);
    CHECK(same_tally(&c, &a));
    CHECK_STATUS(nps_tally_merge(&a, &b, &c), NPS_STATUS_OK);
    CHECK_U64("merged n", c.detractors + c.passives + c.promoters, 20);
    CHECK_U64("merged count of 9", c.counts[9], 6);
    CHECK_STATUS(nps_tally_merge(&c, &c, &c), NPS_STATUS_OK); /* out aliases inputs */
    CHECK_U64("aliased merge", c.counts[9], 12);
    CHECK_STATUS(nps_tally_from_categories(1, 2, 3, &cat), NPS_STATUS_OK);
    CHECK(!cat.has_counts);
    CHECK_STATUS(nps_tally_merge(&a, &cat, &c), NPS_STATUS_OK);
    CHECK(!c.has_counts);
    CHECK_STATUS(nps_tally_n(&c, &n), NPS_STATUS_OK);
    CHECK_U64("n", n, 16);
    CHECK_STATUS(nps_tally_mean(&cat, &v), NPS_STATUS_NO_DATA);
    case_end();

    case_begin("statistics of (1, 2, 3)");
    CHECK_STATUS(nps_tally_shares(&cat, &s), NPS_STATUS_OK);
    CHECK_CLOSE("d", s.detractors, 1.0 / 6, 1e-15);
    CHECK_CLOSE("pa", s.passives, 2.0 / 6, 1e-15);
    CHECK_CLOSE("p", s.promoters, 3.0 / 6, 1e-15);
    CHECK_STATUS(nps_z_value(0.95, &v), NPS_STATUS_OK);
    CHECK_CLOSE("z", v, Z95, 1e-12);
    CHECK_STATUS(nps_tally_variance(&cat, &v), NPS_STATUS_OK);
    CHECK_CLOSE("variance", v, 5.0 / 9 * 1e4, 1e-9); /* p + d - (p - d)^2 = 5/9 */
    CHECK_STATUS(nps_tally_margin(&cat, 0.95, &v), NPS_STATUS_OK);
    CHECK_CLOSE("margin", v, Z95 * sqrt(5.0 / 9 / 6) * 100, 1e-9);
    case_end();
}

static void intervals(void) {
    NpsTally t;
    NpsIntervalOptions o = nps_interval_options_default(), et, hpd;
    NpsInterval a, b, w, x;
    case_begin("interval options: NULL = defaults; Bayes HPD no wider than equal-tailed");
    CHECK_STATUS(nps_tally_from_categories(20, 30, 50, &t), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_interval(&t, NULL, &a), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_interval(&t, &o, &b), NPS_STATUS_OK);
    CHECK(a.low == b.low && a.high == b.high && a.center == b.center && a.method == b.method);
    CHECK_U64("default method", a.method, NPS_INTERVAL_METHOD_SCORE);
    CHECK_STR("method name", nps_interval_method_name(a.method), "score");
    CHECK(a.low < 30 && 30 < a.high);
    o.method = NPS_INTERVAL_METHOD_WALD;
    CHECK_STATUS(nps_tally_interval(&t, &o, &w), NPS_STATUS_OK);
    /* 30 +- z * sqrt(0.61 / 100) * 100 */
    CHECK_CLOSE("wald low", w.low, 30 - Z95 * sqrt(0.0061) * 100, 1e-9);
    CHECK_CLOSE("wald high", w.high, 30 + Z95 * sqrt(0.0061) * 100, 1e-9);
    et = nps_interval_options_default();
    et.method = NPS_INTERVAL_METHOD_BAYES;
    hpd = et;
    hpd.credible = NPS_CREDIBLE_HPD;
    if (nps_tally_interval(&t, &et, &x) != NPS_STATUS_OK ||
        nps_tally_interval(&t, &hpd, &b) != NPS_STATUS_OK) {
        fail(__FILE__, __LINE__, "bayes interval: %s", last_message());
    } else {
        CHECK(x.low < x.center && x.center < x.high && x.low >= -100 && x.high <= 100);
        CHECK(b.high - b.low <= x.high - x.low + 1e-9);
        CHECK_U64("bayes method", x.method, NPS_INTERVAL_METHOD_BAYES);
        CHECK_U64("hpd method", b.method, NPS_INTERVAL_METHOD_BAYES);
    }
    case_end();
}

static void tests_and_weights(void) {
    static const double scores[6] = {10, 9, 0, 7, 10, 3};
    static const double ones[6] = {1, 1, 1, 1, 1, 1};
    NpsTally t, last, prev;
    NpsWeightedTally w, wt;
    NpsTestResult r, rw;
    NpsTestOptions o = nps_test_options_default();
    double a = 0, b = 0;
    case_begin("test against a benchmark and compare, plain and weighted");
    CHECK_U64("default test method", o.method, NPS_TEST_METHOD_ADJUSTED_WALD);
    o.method = NPS_TEST_METHOD_WALD;
    CHECK_STATUS(nps_tally_from_categories(20, 30, 50, &t), NPS_STATUS_OK);
    CHECK_STATUS(nps_test_benchmark(&t, 20, &o, &r), NPS_STATUS_OK);
    CHECK_CLOSE("difference", r.difference, 10, 1e-12);
    CHECK_CLOSE("statistic", r.statistic, 0.1 / sqrt(0.0061), 1e-12);
    CHECK_U64("alternative", r.alternative, NPS_ALTERNATIVE_TWO_SIDED);
    o.alternative = NPS_ALTERNATIVE_GREATER;
    CHECK_STATUS(nps_test_benchmark(&t, 20, &o, &rw), NPS_STATUS_OK);
    CHECK_CLOSE("one-sided p is half", rw.p_value, r.p_value / 2, 1e-15);
    CHECK_STATUS(nps_tally_from_categories(30, 50, 120, &last), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_from_categories(20, 40, 140, &prev), NPS_STATUS_OK);
    o.alternative = NPS_ALTERNATIVE_TWO_SIDED;
    CHECK_STATUS(nps_compare(&last, &prev, &o, &r), NPS_STATUS_OK);
    CHECK_CLOSE("signed difference", r.difference, -15, 1e-12); /* 45 - 60 */
    CHECK_CLOSE("se", r.se, sqrt(49.375), 1e-12);              /* 27.375 + 22 */
    CHECK(r.interval.high < 0);
    /* Unit weights give the unweighted answers. */
    CHECK_STATUS(nps_weighted_tally_from_f64(scores, ones, 6, NPS_INVALID_POLICY_RAISE, &w, NULL),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_from_f64(scores, 6, NPS_INVALID_POLICY_RAISE, &t, NULL), NPS_STATUS_OK);
    CHECK_STATUS(nps_weighted_tally_from_tally(&t, &wt), NPS_STATUS_OK);
    CHECK(memcmp(&w, &wt, sizeof w) == 0);
    CHECK_STATUS(nps_weighted_tally_effective_n(&w, &a), NPS_STATUS_OK);
    CHECK(a == 6.0);
    CHECK_STATUS(nps_weighted_tally_se(&w, &a), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_se(&t, &b), NPS_STATUS_OK);
    CHECK_CLOSE("weighted se", a, b, 1e-12);
    CHECK_STATUS(nps_weighted_test_benchmark(&w, 0, NULL, &rw), NPS_STATUS_OK);
    CHECK_STATUS(nps_test_benchmark(&t, 0, NULL, &r), NPS_STATUS_OK);
    CHECK_CLOSE("weighted statistic", rw.statistic, r.statistic, 1e-12);
    CHECK_STATUS(nps_weighted_tally_merge(&w, &w, &wt), NPS_STATUS_OK);
    CHECK_U64("merged weighted n", wt.counts[10], 4);
    CHECK_STATUS(nps_weighted_compare(&wt, &w, &o, &rw), NPS_STATUS_OK);
    CHECK_CLOSE("weighted compare", rw.difference, 0, 1e-12);
    case_end();
}

static void sample_sizes(void) {
    uint64_t n = 0, m = 0;
    NpsSampleSizeOptions o = nps_sample_size_options_default();
    case_begin("sample size: NULL options = infinite population, finite population smaller");
    CHECK_STATUS(nps_sample_size(5, 0.5, 0.2, NULL, &n), NPS_STATUS_OK);
    CHECK_U64("n", n, 938); /* ceil(z^2 * 0.61 / 0.05^2) */
    o.has_population = true;
    o.population = 2000;
    CHECK_STATUS(nps_sample_size(5, 0.5, 0.2, &o, &m), NPS_STATUS_OK);
    CHECK(m < n);
    o.population = 0;
    CHECK_STATUS(nps_sample_size(5, 0.5, 0.2, &o, &m), NPS_STATUS_INVALID_ARGUMENT);
    case_end();
}

static void groups(void) {
    /* Respondent 1 answered at t=100 (score 0) and t=90 (score 9): keep
     * t=100. Groups: "a" = {10, 3} (NPS 0), "b" = {0} (NPS -100). */
    static const uint8_t scores[4] = {0, 10, 9, 3};
    static const char *keys[4] = {"b", "a", "b", "a"};
    static const uint64_t who[4] = {1, 2, 1, 3};
    static const int64_t ts[4] = {100, 50, 90, 10};
    /* One response in each of Jan, Feb and Apr 2025 (UTC). */
    static const uint8_t monthly[3] = {10, 0, 10};
    static const int64_t month_ts[3] = {1736000000, 1738700000, 1744000000};
    static const uint32_t dealers[3] = {7, 7, 9};
    static const char *labels[4] = {"2025-01", "2025-02", "2025-03", "2025-04"};
    static const uint64_t rolling_n[4] = {1, 2, 1, 1};
    NpsGroupOptions o;
    NpsGrouped *g = NULL, *r = NULL;
    NpsGroup grp;
    NpsGroupedInfo info;
    NpsTally total;
    char buf[32];
    size_t len = 0, i;
    double v = 0;

    case_begin("string keys and the latest response per respondent");
    memset(&o, 0, sizeof o);
    o.keys_str = keys;
    o.timestamps = ts;
    o.respondents_u64 = who;
    CHECK_STATUS(nps_group_by_u8(scores, 4, &o, &g), NPS_STATUS_OK);
    CHECK_U64("groups", nps_grouped_len(g), 2);
    CHECK_STATUS(nps_grouped_info(g, &info), NPS_STATUS_OK);
    CHECK_U64("dropped repeats", info.dropped_repeats, 1);
    CHECK_U64("period", info.period, NPS_PERIOD_NONE);
    CHECK_STATUS(nps_grouped_get(g, 0, &grp), NPS_STATUS_OK);
    CHECK_U64("key kind", grp.key_kind, NPS_KEY_KIND_STR);
    CHECK(!grp.has_period && grp.year == 0);
    CHECK_STATUS(nps_grouped_key_text(g, 0, buf, sizeof buf, &len), NPS_STATUS_OK);
    CHECK_STR("key", buf, "a");
    CHECK_U64("key length", len, 1);
    CHECK_STATUS(nps_tally_nps(&grp.tally, &v), NPS_STATUS_OK);
    CHECK(v == 0.0);
    CHECK_STATUS(nps_grouped_get(g, 1, &grp), NPS_STATUS_OK);
    CHECK_STATUS(nps_grouped_key_text(g, 1, buf, sizeof buf, NULL), NPS_STATUS_OK);
    CHECK_STR("key", buf, "b");
    CHECK_STATUS(nps_tally_nps(&grp.tally, &v), NPS_STATUS_OK);
    CHECK(v == -100.0);
    CHECK_STATUS(nps_grouped_total(g, &total), NPS_STATUS_OK);
    CHECK_U64("total", total.detractors + total.passives + total.promoters, 3);
    nps_grouped_free(g);
    g = NULL;
    case_end();

    case_begin("dealer x month and rolling windows");
    memset(&o, 0, sizeof o);
    o.keys_u32 = dealers;
    o.timestamps = month_ts;
    o.period = NPS_PERIOD_MONTH;
    o.tz = "Europe/Berlin";
    o.min_n = 2;
    CHECK_STATUS(nps_group_by_u8(monthly, 3, &o, &g), NPS_STATUS_OK);
    CHECK_U64("groups", nps_grouped_len(g), 3);
    CHECK_STATUS(nps_grouped_get(g, 2, &grp), NPS_STATUS_OK);
    CHECK_U64("key kind", grp.key_kind, NPS_KEY_KIND_UINT);
    CHECK_U64("dealer", grp.key_uint, 9);
    CHECK(grp.has_period && grp.year == 2025 && grp.month == 4 && grp.day == 1);
    CHECK(grp.thin);
    nps_grouped_free(g);
    g = NULL;

    memset(&o, 0, sizeof o);
    o.timestamps = month_ts;
    o.period = NPS_PERIOD_MONTH;
    CHECK_STATUS(nps_group_by_u8(monthly, 3, &o, &g), NPS_STATUS_OK);
    CHECK_STATUS(nps_grouped_rolling(g, 2, &r), NPS_STATUS_OK);
    nps_grouped_free(g); /* the rolled handle does not borrow its source */
    CHECK_U64("rolling groups", nps_grouped_len(r), 4);
    for (i = 0; i < 4 && i < nps_grouped_len(r); i++) {
        CHECK_STATUS(nps_grouped_get(r, i, &grp), NPS_STATUS_OK);
        CHECK_U64("window n", grp.tally.detractors + grp.tally.passives + grp.tally.promoters,
                  rolling_n[i]);
        CHECK_STATUS(nps_grouped_label(r, i, buf, sizeof buf, &len), NPS_STATUS_OK);
        CHECK_STR("label", buf, labels[i]);
        CHECK(grp.month == (uint32_t)i + 1 && grp.day == 1);
    }
    CHECK_STATUS(nps_grouped_info(r, &info), NPS_STATUS_OK);
    CHECK_U64("window", info.window, 2);
    CHECK_U64("period", info.period, NPS_PERIOD_MONTH);
    nps_grouped_free(r);
    case_end();
}

static void goal(void) {
    NpsTally hist[2];
    NpsGoalReport rep;
    double path[12];
    case_begin("goal: from 45 to 65 within 12 months");
    CHECK_STATUS(nps_tally_from_categories(20, 40, 140, &hist[0]), NPS_STATUS_OK); /* 60 */
    CHECK_STATUS(nps_tally_from_categories(30, 50, 120, &hist[1]), NPS_STATUS_OK); /* 45 */
    CHECK_STATUS(nps_goal_track(hist, 2, 65, 12, NULL, &rep, path, 12), NPS_STATUS_OK);
    CHECK(rep.current == 45 && rep.gap == 20 && rep.months == 12);
    CHECK_CLOSE("step", rep.monthly_step, 20.0 / 12, 1e-12);
    CHECK_CLOSE("path[0]", path[0], 45 + 20.0 / 12, 1e-12);
    CHECK(path[11] == 65.0);
    CHECK(rep.has_last_change && rep.has_last_change_significant && rep.last_change_significant);
    CHECK_CLOSE("last change", rep.last_change.difference, -15, 1e-12);
    /* z * sqrt(SE1^2 + SE2^2) = z * sqrt(22 + 27.375) */
    CHECK(rep.has_minimum_detectable_change);
    CHECK_CLOSE("mdc", rep.minimum_detectable_change, Z95 * sqrt(49.375), 1e-9);
    CHECK(rep.has_step_detectable && !rep.step_detectable);
    /* ceil(2 z^2 V / step^2), V = 0.6 + 0.15 - 0.45^2 = 0.5475 -> 15143.03 */
    CHECK(rep.has_n_per_month_to_detect_step);
    CHECK_U64("n per month", rep.n_per_month_to_detect_step, 15144);
    /* the trend of 60 -> 45 falls: no projected month */
    CHECK(rep.has_trend && rep.trend == -15.0 && !rep.has_projected_months);
    CHECK_STATUS(nps_goal_track(hist, 2, 40, 12, NULL, &rep, NULL, 0), NPS_STATUS_OK);
    CHECK(rep.has_projected_months && rep.projected_months == 0); /* 45 >= 40 already */
    CHECK_STATUS(nps_goal_track(hist + 1, 1, 65, 12, NULL, &rep, NULL, 0), NPS_STATUS_OK);
    CHECK(!rep.has_last_change && !rep.has_minimum_detectable_change && !rep.has_step_detectable);
    CHECK(!rep.has_trend && !rep.has_projected_months);
    case_end();
}

static void score_units(void) {
    NpsScoreLine line;
    case_begin("scorecard: the unit of each line");
    /* A per-visit standard: the value is the share of deliveries within 15 min. */
    CHECK_STATUS(nps_kpi_scorecard_value(NULL, "delivery_minutes", true, 0.95, &line), NPS_STATUS_OK);
    CHECK(line.has_unit && line.unit == NPS_KPI_UNIT_FRACTION);
    CHECK(line.has_standard && line.standard_minutes == 15.0);
    CHECK(line.has_min && line.min == 0.9 && !line.has_max && line.status == NPS_KPI_STATUS_MEETS);
    CHECK_STR("minutes", nps_kpi_unit_name(NPS_KPI_UNIT_MINUTES), "minutes");
    CHECK_STATUS(nps_kpi_scorecard_value(NULL, "comeback_rate", true, 0.1, &line), NPS_STATUS_OK);
    CHECK(line.has_unit && line.unit == NPS_KPI_UNIT_FRACTION);
    CHECK_STATUS(nps_kpi_scorecard_value(NULL, "no_such_kpi", true, 1.0, &line), NPS_STATUS_OK);
    CHECK(!line.has_unit);
    CHECK_STR("bad unit", nps_kpi_unit_name(99), "unknown");
    case_end();
}

static void scales(void) {
    static const int64_t stars[4] = {5, 5, 1, 4};
    NpsScale s;
    NpsTally t;
    uint32_t c = 99;
    case_begin("category scales");
    s.detractors.low = 1;
    s.detractors.high = 3;
    s.has_passives = true;
    s.passives.low = 4;
    s.passives.high = 4;
    s.promoters.low = 5;
    s.promoters.high = 5;
    CHECK_STATUS(nps_scale_tally_i64(&s, stars, 4, &t), NPS_STATUS_OK);
    CHECK(t.detractors == 1 && t.passives == 1 && t.promoters == 2 && !t.has_counts);
    CHECK_STATUS(nps_scale_classify(&s, 4, &c), NPS_STATUS_OK);
    CHECK_U64("4 stars", c, NPS_CATEGORY_PASSIVE);
    CHECK_STATUS(nps_scale_classify(NULL, 9, &c), NPS_STATUS_OK);
    CHECK_STR("9", nps_category_name(c), "promoter");
    CHECK_STATUS(nps_scale_classify(NULL, 6, &c), NPS_STATUS_OK);
    CHECK_STR("6", nps_category_name(c), "detractor");
    s = nps_scale_standard();
    CHECK(s.detractors.low == 0 && s.detractors.high == 6 && s.has_passives);
    CHECK(s.passives.low == 7 && s.passives.high == 8);
    CHECK(s.promoters.low == 9 && s.promoters.high == 10);
    CHECK_STATUS(nps_scale_tally_i64(&s, stars, 3, &t), NPS_STATUS_OK);
    CHECK_U64("standard: 5, 5, 1 are detractors", t.detractors, 3);
    case_end();
}

/* Large columns: the same exact tally with 1 thread and with all cores. */
static void threads(void) {
    size_t n = 3000001, i;
    uint8_t *big = malloc(n);
    NpsTally one, all;
    case_begin("results do not depend on the thread count");
    CHECK(big != NULL);
    if (big == NULL) {
        case_end();
        return;
    }
    for (i = 0; i < n; i++) big[i] = (uint8_t)(i % 11);
    nps_set_max_threads(1);
    CHECK_U64("max threads", nps_max_threads(), 1);
    CHECK_STATUS(nps_tally_from_u8(big, n, NPS_INVALID_POLICY_RAISE, &one, NULL), NPS_STATUS_OK);
    nps_set_max_threads(0);
    CHECK(nps_max_threads() >= 1);
    CHECK_STATUS(nps_tally_from_u8(big, n, NPS_INVALID_POLICY_RAISE, &all, NULL), NPS_STATUS_OK);
    CHECK(same_tally(&one, &all));
    {
        /* A child forked after a call split across threads (the workers
           started) starts its own workers: the same tally, no hang. The
           child answers through a pipe (its exit status is valgrind's own
           under valgrind); a child that hangs is killed by its alarm and
           answers nothing. */
        int status = 0, fds[2];
        char answer = 0;
        pid_t pid;
        CHECK(pipe(fds) == 0);
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            NpsTally child;
            char same;
            close(fds[0]);
            alarm(60);
            same = nps_tally_from_u8(big, n, NPS_INVALID_POLICY_RAISE, &child, NULL) ==
                           NPS_STATUS_OK &&
                       same_tally(&child, &all)
                ? 1
                : 2;
            _exit(write(fds[1], &same, 1) == 1 ? 0 : 3);
        }
        close(fds[1]);
        if (pid > 0) {
            CHECK(read(fds[0], &answer, 1) == 1);
            CHECK(answer == 1);
            CHECK(waitpid(pid, &status, 0) == pid);
            CHECK(WIFEXITED(status));
        }
        close(fds[0]);
    }
    /* 3000001 = 11 * 272727 + 4: scores 0..3 occur once more. */
    CHECK_U64("count of 0", one.counts[0], 272728);
    CHECK_U64("count of 10", one.counts[10], 272727);
    big[n - 1] = 42;
    CHECK_STATUS(nps_tally_from_u8(big, n, NPS_INVALID_POLICY_RAISE, &all, NULL),
                 NPS_STATUS_INVALID_SCORE);
    {
        size_t idx = 0;
        CHECK(nps_last_error_index(&idx) && idx == n - 1);
    }
    free(big);
    case_end();
}

/* The last error is per thread, and a shared handle can be read from many. */
struct worker {
    const NpsGrouped *g;
    int ok;
};

static void *worker_main(void *arg) {
    struct worker *w = (struct worker *)arg;
    NpsGroup grp;
    int k;
    w->ok = 1;
    for (k = 0; k < 200; k++) {
        if (nps_grouped_get(w->g, 0, &grp) != NPS_STATUS_OK) w->ok = 0;
        if (nps_grouped_get(w->g, 99, &grp) != NPS_STATUS_INDEX_OUT_OF_RANGE) w->ok = 0;
    }
    if (nps_last_error_status() != NPS_STATUS_INDEX_OUT_OF_RANGE) w->ok = 0;
    return NULL;
}

static void concurrency(void) {
    static const uint8_t scores[3] = {9, 10, 0};
    NpsGrouped *g = NULL;
    NpsTally t;
    pthread_t th[4];
    struct worker w[4];
    int i;
    case_begin("per-thread last error, shared read-only handle");
    CHECK_STATUS(nps_group_by_u8(scores, 3, NULL, &g), NPS_STATUS_OK);
    for (i = 0; i < 4; i++) {
        w[i].g = g;
        CHECK(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0);
    }
    CHECK_STATUS(nps_tally_from_categories(1, 1, 1, &t), NPS_STATUS_OK);
    for (i = 0; i < 4; i++) {
        CHECK(pthread_join(th[i], NULL) == 0);
        CHECK(w[i].ok);
    }
    CHECK_U64("this thread's last error", nps_last_error_status(), NPS_STATUS_OK);
    nps_grouped_free(g);
    case_end();
}

int main(void) {
    version();
    tallies();
    intervals();
    tests_and_weights();
    sample_sizes();
    groups();
    goal();
    score_units();
    scales();
    threads();
    concurrency();
    return summary("api");
}
