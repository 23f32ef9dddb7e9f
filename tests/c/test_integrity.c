/* Integrity of the score through the C API: every vector of
 * tests/golden/integrity_vectors.json (written by the independent oracle
 * tests/golden/gen_integrity_vectors.py; schema in tests/golden/README.md),
 * then bad input (NULL pointers, bad enum values, bad options, index out
 * of range).
 * Usage: test_integrity path/to/integrity_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static double tol_nps, ln_rtol, ln_atol;

/* A numeric array; JSON null becomes NaN. Caller frees. */
static double *doubles(const cJSON *arr, size_t *len) {
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    double *out = malloc((n ? n : 1) * sizeof *out);
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) out[i++] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    *len = n;
    return out;
}

static uint32_t *u32s(const cJSON *arr) {
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    uint32_t *out = malloc((n ? n : 1) * sizeof *out);
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) out[i++] = (uint32_t)x->valuedouble;
    return out;
}

static uint64_t u64_of(const cJSON *obj, const char *key) {
    return (uint64_t)cJSON_GetObjectItemCaseSensitive(obj, key)->valuedouble;
}

static void check_tally(const char *what, const NpsTally *t, const cJSON *e) {
    const cJSON *counts = cJSON_GetObjectItemCaseSensitive(e, "counts");
    const cJSON *nps = cJSON_GetObjectItemCaseSensitive(e, "nps");
    double got;
    int s;
    for (s = 0; s <= 10; s++)
        CHECK_U64(what, t->counts[s], (uint64_t)cJSON_GetArrayItem(counts, s)->valuedouble);
    CHECK_U64(what, t->detractors, u64_of(e, "detractors"));
    CHECK_U64(what, t->passives, u64_of(e, "passives"));
    CHECK_U64(what, t->promoters, u64_of(e, "promoters"));
    if (cJSON_IsNull(nps)) {
        CHECK_STATUS(nps_tally_nps(t, &got), NPS_STATUS_NO_DATA);
    } else {
        CHECK_STATUS(nps_tally_nps(t, &got), NPS_STATUS_OK);
        CHECK_CLOSE(what, got, nps->valuedouble, tol_nps);
    }
}

static void check_rerating(const char *name, const NpsRerating *r, const cJSON *e) {
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(e, "reported_nps");
    double got;
    check_tally(name, &r->original, cJSON_GetObjectItemCaseSensitive(e, "original"));
    check_tally(name, &r->after_recovery, cJSON_GetObjectItemCaseSensitive(e, "after_recovery"));
    CHECK_U64(name, r->rerated, u64_of(e, "rerated"));
    CHECK_U64(name, r->detractors_rerated, u64_of(e, "detractors_rerated"));
    CHECK_U64(name, r->detractors_moved_up, u64_of(e, "detractors_moved_up"));
    CHECK_U64(name, r->detractors_to_promoter, u64_of(e, "detractors_to_promoter"));
    if (cJSON_IsNull(rep)) {
        CHECK_STATUS(nps_tally_nps(&r->reported, &got), NPS_STATUS_NO_DATA);
    } else {
        CHECK_STATUS(nps_tally_nps(&r->reported, &got), NPS_STATUS_OK);
        CHECK_CLOSE(name, got, rep->valuedouble, tol_nps);
    }
}

static uint32_t basis_of(const cJSON *b) {
    if (cJSON_IsNull(b)) return NPS_BASIS_ORIGINAL;
    if (strcmp(b->valuestring, "rerated") == 0) return NPS_BASIS_RERATED;
    if (strcmp(b->valuestring, "both") == 0) return NPS_BASIS_BOTH;
    return NPS_BASIS_ORIGINAL;
}

static void run_rerated(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
        size_t n, m, i;
        double *orig = doubles(cJSON_GetObjectItemCaseSensitive(c, "original"), &n);
        double *rer = doubles(cJSON_GetObjectItemCaseSensitive(c, "rerated"), &m);
        uint32_t basis = basis_of(cJSON_GetObjectItemCaseSensitive(c, "basis"));
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(c, "expected");
        NpsRerating r, r8;
        uint8_t *o8 = malloc(n + 1), *r8v = malloc(n + 1), *present = malloc(n + 1);
        case_begin("rerated %s", name);
        CHECK(n == m);
        if (CHECK_STATUS(nps_rerated_nps_f64(orig, rer, n, basis, &r), NPS_STATUS_OK), 1)
            check_rerating(name, &r, e);
        CHECK(r.basis == basis);
        /* The same through uint8_t columns with a presence mask. */
        for (i = 0; i < n; i++) {
            o8[i] = (uint8_t)orig[i];
            present[i] = isnan(rer[i]) ? 0 : 1;
            r8v[i] = isnan(rer[i]) ? 200 : (uint8_t)rer[i];
        }
        CHECK_STATUS(nps_rerated_nps_u8(o8, r8v, present, n, basis, &r8), NPS_STATUS_OK);
        CHECK(memcmp(&r.original.counts, &r8.original.counts, sizeof r.original.counts) == 0);
        CHECK(memcmp(&r.after_recovery.counts, &r8.after_recovery.counts,
                     sizeof r.after_recovery.counts) == 0);
        CHECK_U64("u8 rerated", r8.rerated, r.rerated);
        CHECK_U64("u8 moved up", r8.detractors_moved_up, r.detractors_moved_up);
        case_end();
        free(orig);
        free(rer);
        free(o8);
        free(r8v);
        free(present);
    }
}

static void check_ln(const char *what, double got, const cJSON *e, int neg_inf) {
    if (cJSON_IsNumber(e)) {
        double x = e->valuedouble;
        if (!(fabs(got - x) <= ln_atol + ln_rtol * fabs(x)))
            fail(__FILE__, __LINE__, "%s: ln %.17g vs %.17g", what, got, x);
    } else if (neg_inf) {
        CHECK(isinf(got) && got < 0);
    }
}

static const char *test_name(uint32_t t) {
    switch (t) {
    case NPS_MANAGED_TEST_TENS: return "tens";
    case NPS_MANAGED_TEST_FEW_DETRACTORS: return "few_detractors";
    case NPS_MANAGED_TEST_NOTHING_BELOW_NINE: return "nothing_below_9";
    case NPS_MANAGED_TEST_RERATING_PRESSURE: return "rerating_pressure";
    default: return "?";
    }
}

static const char *status_name(uint32_t s) {
    switch (s) {
    case NPS_FLAG_STATUS_FLAGGED: return "flagged";
    case NPS_FLAG_STATUS_NOT_FLAGGED: return "not_flagged";
    case NPS_FLAG_STATUS_INSUFFICIENT_N: return "insufficient_n";
    case NPS_FLAG_STATUS_NO_DATA: return "no_data";
    default: return "?";
    }
}

static void run_flags(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
        size_t n, m = 0, i = 0;
        double *scores = doubles(cJSON_GetObjectItemCaseSensitive(c, "scores"), &n);
        uint32_t *keys = u32s(cJSON_GetObjectItemCaseSensitive(c, "keys"));
        const cJSON *rj = cJSON_GetObjectItemCaseSensitive(c, "rerated");
        double *rer = cJSON_IsNull(rj) ? NULL : doubles(rj, &m);
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(c, "expected");
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(e, "rows"), *x;
        const char *corr = cJSON_GetObjectItemCaseSensitive(c, "correction")->valuestring;
        NpsFlagOptions o = nps_flag_options_default();
        NpsManagedFlags *h = NULL;
        NpsManagedFlagsInfo info;
        case_begin("flags %s", name);
        o.alpha = cJSON_GetObjectItemCaseSensitive(c, "alpha")->valuedouble;
        o.min_n = u64_of(c, "min_n");
        o.correction = strcmp(corr, "none") == 0 ? NPS_CORRECTION_NONE : NPS_CORRECTION_BONFERRONI;
        CHECK_STATUS(nps_managed_flags_f64(scores, keys, rer, n, &o, &h), NPS_STATUS_OK);
        if (h) {
            CHECK_STATUS(nps_managed_flags_info(h, &info), NPS_STATUS_OK);
            CHECK_U64("rows", info.rows, (uint64_t)cJSON_GetArraySize(rows));
            CHECK_U64("comparisons", info.comparisons, u64_of(e, "comparisons"));
            CHECK_REL("threshold", info.threshold,
                      cJSON_GetObjectItemCaseSensitive(e, "threshold")->valuedouble, 1e-15);
            cJSON_ArrayForEach(x, rows) {
                NpsManagedFlag f;
                char what[128];
                const cJSON *pv = cJSON_GetObjectItemCaseSensitive(x, "p_value");
                snprintf(what, sizeof what, "%s row %zu", name, i);
                if (CHECK_STATUS(nps_managed_flags_get(h, i, &f), NPS_STATUS_OK), 1) {
                    CHECK_U64(what, f.key, u64_of(x, "key"));
                    CHECK_STR(what, test_name(f.test),
                              cJSON_GetObjectItemCaseSensitive(x, "test")->valuestring);
                    CHECK_STR(what, status_name(f.status),
                              cJSON_GetObjectItemCaseSensitive(x, "status")->valuestring);
                    CHECK_U64(what, f.n, u64_of(x, "n"));
                    CHECK_U64(what, f.observed, u64_of(x, "observed"));
                    CHECK_U64(what, f.network_n, u64_of(x, "network_n"));
                    CHECK_U64(what, f.network_observed, u64_of(x, "network_observed"));
                    CHECK(f.has_p_value == cJSON_IsNumber(pv));
                    if (f.has_p_value) {
                        check_ln(what, f.ln_p_value,
                                 cJSON_GetObjectItemCaseSensitive(x, "ln_p_value"),
                                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "ln_p_is_neg_inf")));
                        check_ln(what, f.ln_min_p_value,
                                 cJSON_GetObjectItemCaseSensitive(x, "ln_min_p_value"),
                                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "ln_min_is_neg_inf")));
                        if (pv->valuedouble > 0)
                            CHECK_REL(what, f.p_value, pv->valuedouble, 1e-9);
                        else
                            CHECK(f.p_value == 0.0);
                        CHECK(f.p_value >= 0.0 && f.p_value <= 1.0);
                    }
                    CHECK(f.threshold == info.threshold);
                }
                i++;
            }
        }
        nps_managed_flags_free(h);
        case_end();
        free(scores);
        free(keys);
        free(rer);
    }
}

static void run_errors(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
        const char *kind = cJSON_GetObjectItemCaseSensitive(c, "kind")->valuestring;
        const cJSON *idx = cJSON_GetObjectItemCaseSensitive(c, "index");
        size_t n, m, got_index = 0;
        double *orig = doubles(cJSON_GetObjectItemCaseSensitive(c, "original"), &n);
        double *rer = doubles(cJSON_GetObjectItemCaseSensitive(c, "rerated"), &m);
        NpsRerating r;
        NpsStatus want = strcmp(kind, "invalid_score") == 0   ? NPS_STATUS_INVALID_SCORE
                         : strcmp(kind, "invalid_value") == 0 ? NPS_STATUS_INVALID_VALUE
                                                              : NPS_STATUS_INVALID_ARGUMENT;
        case_begin("error %s", name);
        if (strcmp(kind, "length_mismatch") == 0) {
            /* C passes one length for both columns: a mismatch cannot be expressed. */
            CHECK(n != m);
        } else {
            CHECK_STATUS(nps_rerated_nps_f64(orig, rer, n, NPS_BASIS_ORIGINAL, &r), want);
            CHECK(nps_last_error_index(&got_index));
            CHECK_U64(name, got_index, (uint64_t)idx->valuedouble);
            if (want == NPS_STATUS_INVALID_VALUE) CHECK(strstr(last_message(), "rerated") != NULL);
        }
        case_end();
        free(orig);
        free(rer);
    }
}

static void bad_input(void) {
    const double o[3] = {9, 3, 10}, rr[3] = {NAN, 10, NAN};
    const uint8_t o8[3] = {9, 3, 10}, r8[3] = {0, 10, 0}, p8[3] = {0, 1, 0};
    const uint32_t k[3] = {1, 1, 2};
    NpsRerating r;
    NpsFlagOptions opt = nps_flag_options_default();
    NpsManagedFlags *h = NULL;
    NpsManagedFlag f;
    NpsManagedFlagsInfo info;

    case_begin("rerated: NULL pointers and bad basis");
    CHECK_STATUS(nps_rerated_nps_f64(NULL, rr, 3, NPS_BASIS_ORIGINAL, &r), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_rerated_nps_f64(o, NULL, 3, NPS_BASIS_ORIGINAL, &r), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_rerated_nps_f64(o, rr, 3, NPS_BASIS_ORIGINAL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_rerated_nps_f64(o, rr, 3, 3, &r), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_rerated_nps_f64(o, rr, 3, 0xFFFFFFFFu, &r), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_rerated_nps_f64(NULL, NULL, 0, NPS_BASIS_ORIGINAL, &r), NPS_STATUS_OK);
    CHECK_U64("empty", r.original.detractors + r.original.passives + r.original.promoters, 0);
    CHECK_STATUS(nps_rerated_nps_u8(o8, r8, p8, 3, NPS_BASIS_RERATED, &r), NPS_STATUS_OK);
    CHECK_U64("moved up", r.detractors_to_promoter, 1);
    CHECK_U64("reported promoters", r.reported.promoters, 3);
    /* Without a mask every row is re-rated, so the 0s count. */
    CHECK_STATUS(nps_rerated_nps_u8(o8, r8, NULL, 3, NPS_BASIS_RERATED, &r), NPS_STATUS_OK);
    CHECK_U64("all re-rated", r.rerated, 3);
    case_end();

    case_begin("flags: NULL pointers, bad options, index out of range");
    CHECK_STATUS(nps_managed_flags_u8(NULL, k, NULL, 3, NULL, &h), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_u8(o8, NULL, NULL, 3, NULL, &h), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_u8(o8, k, NULL, 3, NULL, NULL), NPS_STATUS_NULL_POINTER);
    opt.alpha = 0.0;
    CHECK_STATUS(nps_managed_flags_u8(o8, k, NULL, 3, &opt, &h), NPS_STATUS_INVALID_ARGUMENT);
    opt.alpha = NAN;
    CHECK_STATUS(nps_managed_flags_u8(o8, k, NULL, 3, &opt, &h), NPS_STATUS_INVALID_ARGUMENT);
    opt = nps_flag_options_default();
    opt.correction = 7;
    CHECK_STATUS(nps_managed_flags_u8(o8, k, NULL, 3, &opt, &h), NPS_STATUS_INVALID_ARGUMENT);
    opt = nps_flag_options_default();
    opt.invalid = 9;
    CHECK_STATUS(nps_managed_flags_u8(o8, k, NULL, 3, &opt, &h), NPS_STATUS_INVALID_ARGUMENT);
    opt.invalid = NPS_INVALID_POLICY_SKIP;
    CHECK_STATUS(nps_managed_flags_f64(rr, k, NULL, 3, &opt, &h), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_info(h, &info), NPS_STATUS_OK);
    CHECK_U64("skipped", info.skipped, 2);
    nps_managed_flags_free(h);
    h = NULL;
    CHECK(h == NULL);
    CHECK_STATUS(nps_managed_flags_f64(rr, k, NULL, 3, NULL, &h), NPS_STATUS_INVALID_SCORE);
    CHECK_STATUS(nps_managed_flags_u8(o8, k, rr, 3, NULL, &h), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_info(h, &info), NPS_STATUS_OK);
    CHECK_U64("rows", info.rows, 8);
    CHECK_U64("min_n", info.min_n, 30);
    CHECK_STATUS(nps_managed_flags_get(h, 8, &f), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_managed_flags_get(h, 0, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_get(NULL, 0, &f), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_info(NULL, &info), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_info(h, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_get(h, 0, &f), NPS_STATUS_OK);
    CHECK(f.status == NPS_FLAG_STATUS_INSUFFICIENT_N);
    nps_managed_flags_free(h);
    nps_managed_flags_free(NULL);
    case_end();
}

/* The rows of two flags handles are the same, field by field (doubles
 * bit for bit: a merge recomputes from the same counts). */
static void check_same_flags(const NpsManagedFlags *got, const NpsManagedFlags *want) {
    NpsManagedFlagsInfo gi, wi;
    NpsManagedFlag g, w;
    size_t i;
    CHECK_STATUS(nps_managed_flags_info(got, &gi), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_info(want, &wi), NPS_STATUS_OK);
    CHECK_U64("rows", gi.rows, wi.rows);
    CHECK_U64("comparisons", gi.comparisons, wi.comparisons);
    CHECK_U64("flagged", gi.flagged, wi.flagged);
    CHECK(gi.threshold == wi.threshold);
    for (i = 0; i < wi.rows; i++) {
        CHECK_STATUS(nps_managed_flags_get(got, i, &g), NPS_STATUS_OK);
        CHECK_STATUS(nps_managed_flags_get(want, i, &w), NPS_STATUS_OK);
        CHECK(g.key == w.key && g.test == w.test && g.status == w.status);
        CHECK(g.n == w.n && g.observed == w.observed);
        CHECK(g.network_n == w.network_n && g.network_observed == w.network_observed);
        CHECK(g.has_p_value == w.has_p_value && g.p_value == w.p_value);
        CHECK(g.ln_p_value == w.ln_p_value && g.ln_min_p_value == w.ln_min_p_value);
    }
}

/* Partial flags merge to the one-pass flags; states round-trip and a
 * tampered state is refused. */
static void merge_and_state(void) {
    enum { N = 120, CUT = 47 };
    uint8_t scores[N];
    uint32_t keys[N];
    double rerated[N];
    NpsManagedFlags *all = NULL, *a = NULL, *b = NULL, *m = NULL, *back = NULL, *other = NULL;
    NpsFlagOptions opt = nps_flag_options_default();
    NpsManagedFlag f;
    char *state;
    size_t len = 0, i;
    /* Dealer 5 gives 10s only; dealers 1-4 a spread; every 9th row
     * re-rated to 9. */
    for (i = 0; i < N; i++) {
        keys[i] = i < 40 ? 5 : (uint32_t)(1 + i % 4);
        scores[i] = i < 40 ? 10 : (uint8_t)(i % 11);
        rerated[i] = i % 9 == 0 ? 9.0 : NAN;
    }
    opt.min_n = 5;

    case_begin("managed flags: merge of two parts equals the one-pass flags");
    CHECK_STATUS(nps_managed_flags_u8(scores, keys, rerated, N, &opt, &all), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_u8(scores, keys, rerated, CUT, &opt, &a), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_u8(scores + CUT, keys + CUT, rerated + CUT, N - CUT, &opt, &b), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_merge(a, b, &m), NPS_STATUS_OK);
    check_same_flags(m, all);
    nps_managed_flags_free(m);
    m = NULL;
    CHECK_STATUS(nps_managed_flags_merge(b, a, &m), NPS_STATUS_OK);
    check_same_flags(m, all);
    /* Hand check: dealer 5 (the last group) has 40 tens of 40. */
    CHECK_STATUS(nps_managed_flags_get(m, 16, &f), NPS_STATUS_OK);
    CHECK(f.key == 5 && f.test == NPS_MANAGED_TEST_TENS);
    CHECK_U64("tens of dealer 5", f.observed, 40);
    CHECK_U64("responses of dealer 5", f.n, 40);
    CHECK(f.status == NPS_FLAG_STATUS_FLAGGED);
    case_end();

    case_begin("managed flags: merge refuses other options and NULL");
    opt.min_n = 6;
    CHECK_STATUS(nps_managed_flags_u8(scores, keys, rerated, CUT, &opt, &other), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_merge(other, b, &m), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "other") != NULL);
    nps_managed_flags_free(other);
    other = NULL;
    opt.min_n = 5;
    CHECK_STATUS(nps_managed_flags_u8(scores, keys, NULL, CUT, &opt, &other), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_merge(other, b, &m), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_managed_flags_merge(NULL, b, &m), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_merge(a, NULL, &m), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_managed_flags_merge(a, b, NULL), NPS_STATUS_NULL_POINTER);
    case_end();

    case_begin("managed flags: saved state round-trips, a tampered one is refused");
    CHECK_STATUS(nps_managed_flags_to_state(all, NULL, 0, &len), NPS_STATUS_BUFFER_TOO_SMALL);
    state = malloc(len + 1);
    CHECK(state != NULL);
    if (state != NULL) {
        CHECK_STATUS(nps_managed_flags_to_state(all, state, len + 1, NULL), NPS_STATUS_OK);
        CHECK_STATUS(nps_managed_flags_from_state(state, len, &back), NPS_STATUS_OK);
        check_same_flags(back, all);
        /* The first observed count, one less: the p-values no longer fit. */
        {
            char *at = strstr(state, "\"observed\":");
            CHECK(at != NULL);
            if (at != NULL) {
                at += strlen("\"observed\":");
                *at = *at == '1' ? '2' : '1';
            }
        }
        CHECK_STATUS(nps_managed_flags_from_state(state, len, &other), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_managed_flags_from_state(state, len / 2, &other), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_managed_flags_from_state(NULL, len, &other), NPS_STATUS_NULL_POINTER);
        free(state);
    }
    case_end();
    nps_managed_flags_free(all);
    nps_managed_flags_free(a);
    nps_managed_flags_free(b);
    nps_managed_flags_free(m);
    nps_managed_flags_free(back);
    nps_managed_flags_free(other);
}

/* Partial re-rating tables merge to the one-pass table. */
static void rerating_merge(void) {
    const uint8_t o[6] = {2, 9, 4, 6, 3, 10}, r[6] = {9, 0, 7, 6, 10, 0}, present[6] = {1, 0, 1, 1, 1, 0};
    const uint32_t k[6] = {7, 8, 7, 9, 8, 7};
    NpsKeyColumn all_col = {NPS_KEY_TYPE_U32, k}, a_col = {NPS_KEY_TYPE_U32, k}, b_col = {NPS_KEY_TYPE_U32, k + 2};
    NpsReratingTable *all = NULL, *a = NULL, *b = NULL, *m = NULL, *other = NULL;
    NpsRerating x, y;
    size_t i, n;
    case_begin("rerating tables: merge of two parts equals the one-pass table");
    CHECK_STATUS(nps_rerated_nps_by_u8(o, r, present, 6, &all_col, 1, NPS_BASIS_RERATED, &all), NPS_STATUS_OK);
    CHECK_STATUS(nps_rerated_nps_by_u8(o, r, present, 2, &a_col, 1, NPS_BASIS_RERATED, &a), NPS_STATUS_OK);
    CHECK_STATUS(nps_rerated_nps_by_u8(o + 2, r + 2, present + 2, 4, &b_col, 1, NPS_BASIS_RERATED, &b),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_rerating_table_merge(a, b, &m), NPS_STATUS_OK);
    n = nps_rerating_table_len(all);
    CHECK_U64("groups", nps_rerating_table_len(m), n);
    CHECK_U64("groups by hand (7, 8, 9)", n, 3);
    for (i = 0; i < n; i++) {
        CHECK_STATUS(nps_rerating_table_get(m, i, &x), NPS_STATUS_OK);
        CHECK_STATUS(nps_rerating_table_get(all, i, &y), NPS_STATUS_OK);
        CHECK(memcmp(x.original.counts, y.original.counts, sizeof x.original.counts) == 0);
        CHECK(memcmp(x.after_recovery.counts, y.after_recovery.counts, sizeof x.after_recovery.counts) == 0);
        CHECK(x.rerated == y.rerated && x.detractors_moved_up == y.detractors_moved_up);
        CHECK(x.detractors_to_promoter == y.detractors_to_promoter);
    }
    /* Group 7: originals 2, 4, 10; re-rated 2 -> 9, 4 -> 7. */
    CHECK_STATUS(nps_rerating_table_get(m, 0, &x), NPS_STATUS_OK);
    CHECK_U64("group 7 re-rated", x.rerated, 2);
    CHECK_U64("group 7 to promoter", x.detractors_to_promoter, 1);
    CHECK_U64("group 7 reported promoters", x.reported.promoters, 2);
    CHECK_STATUS(nps_rerated_nps_by_u8(o, r, present, 2, &a_col, 1, NPS_BASIS_ORIGINAL, &other), NPS_STATUS_OK);
    CHECK_STATUS(nps_rerating_table_merge(other, b, &m), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_rerating_table_merge(NULL, b, &m), NPS_STATUS_NULL_POINTER);
    case_end();
    nps_rerating_table_free(all);
    nps_rerating_table_free(a);
    nps_rerating_table_free(b);
    nps_rerating_table_free(m);
    nps_rerating_table_free(other);
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc, *tol;
    if (argc != 2) {
        fprintf(stderr, "usage: %s integrity_vectors.json\n", argv[0]);
        return 2;
    }
    text = read_file(argv[1]);
    if (!text) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (!doc) {
        fprintf(stderr, "invalid JSON in %s\n", argv[1]);
        return 2;
    }
    tol = cJSON_GetObjectItemCaseSensitive(doc, "tolerances");
    tol_nps = cJSON_GetObjectItemCaseSensitive(tol, "nps")->valuedouble;
    ln_rtol = cJSON_GetObjectItemCaseSensitive(tol, "ln_rtol")->valuedouble;
    ln_atol = cJSON_GetObjectItemCaseSensitive(tol, "ln_atol")->valuedouble;
    run_rerated(cJSON_GetObjectItemCaseSensitive(doc, "rerated"));
    run_flags(cJSON_GetObjectItemCaseSensitive(doc, "flags"));
    run_errors(cJSON_GetObjectItemCaseSensitive(doc, "errors"));
    bad_input();
    merge_and_state();
    rerating_merge();
    cJSON_Delete(doc);
    return summary("integrity");
}
