/* Several key columns wherever grouping exists (heat map from records,
 * managed-score flags, re-rated NPS by group, the technician table), with
 * hand-computed values; and the hostile-input regressions of issue 10 that
 * reach the C API as scalars (weights, confidence, hours). Run under
 * AddressSanitizer/UBSan and valgrind by scripts/test-c.sh. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

static size_t last_index(void) {
    size_t i = (size_t)-1;
    if (!nps_last_error_index(&i)) return (size_t)-2;
    return i;
}

/* Records: stage, point, pain; dealer (u64) and advisor (text). */
static const uint32_t STAGES[4] = {NPS_STAGE_REPAIR, NPS_STAGE_REPAIR, NPS_STAGE_RECEPTION,
                                   NPS_STAGE_REPAIR};
static const char *POINTS[4] = {"a", "a", "q", "a"};
static const uint8_t PAIN[4] = {3, 5, 7, 2};
static const uint64_t DEALER[4] = {20, 10, 10, 20};
static const char *ADVISOR[4] = {"bo", "al", "al", "al"};

static void check_column(const NpsHeatMap *m, size_t i, const char *want) {
    char buf[32];
    CHECK_STATUS(nps_heat_map_matrix_column(m, NPS_MATRIX_BY_KEY, i, buf, sizeof buf, NULL), NPS_STATUS_OK);
    CHECK_STR("column", buf, want);
}

static void heat_map_by_key_columns(void) {
    NpsHeatMapOptions o = nps_heat_map_options_default();
    NpsKeyColumn cols[2];
    NpsHeatMap *m = NULL;
    uint64_t heat[18], mentions[18];
    size_t ncol = 0;
    case_begin("heat map matrix by key columns (integer; dealer x advisor)");
    CHECK(o.key_columns == NULL && o.n_key_columns == 0);
    /* One integer column: ascending integer order. */
    cols[0].key_type = NPS_KEY_TYPE_U64;
    cols[0].values = DEALER;
    o.key_columns = cols;
    o.n_key_columns = 1;
    CHECK_STATUS(nps_heat_map_from_records(STAGES, POINTS, PAIN, 4, &o, &m), NPS_STATUS_OK);
    CHECK_STATUS(nps_heat_map_matrix(m, NPS_MATRIX_BY_KEY, heat, mentions, 18, &ncol), NPS_STATUS_OK);
    CHECK_U64("columns", ncol, 2);
    check_column(m, 0, "10");
    check_column(m, 1, "20");
    CHECK_U64("repair @10", heat[NPS_STAGE_REPAIR * 2 + 0], 5);
    CHECK_U64("repair @20", heat[NPS_STAGE_REPAIR * 2 + 1], 5);
    CHECK_U64("reception @10", heat[NPS_STAGE_RECEPTION * 2 + 0], 7);
    CHECK_U64("mentions repair @20", mentions[NPS_STAGE_REPAIR * 2 + 1], 2);
    nps_heat_map_free(m);
    m = NULL;
    /* Dealer x advisor: "10 | al", "20 | al", "20 | bo". */
    cols[1].key_type = NPS_KEY_TYPE_STR;
    cols[1].values = ADVISOR;
    o.n_key_columns = 2;
    CHECK_STATUS(nps_heat_map_from_records(STAGES, POINTS, PAIN, 4, &o, &m), NPS_STATUS_OK);
    CHECK_STATUS(nps_heat_map_matrix(m, NPS_MATRIX_BY_KEY, heat, mentions, 18, &ncol), NPS_STATUS_OK);
    CHECK_U64("columns", ncol, 3);
    check_column(m, 0, "10 | al");
    check_column(m, 1, "20 | al");
    check_column(m, 2, "20 | bo");
    CHECK_U64("repair 10|al", heat[NPS_STAGE_REPAIR * 3 + 0], 5);
    CHECK_U64("repair 20|al", heat[NPS_STAGE_REPAIR * 3 + 1], 2);
    CHECK_U64("repair 20|bo", heat[NPS_STAGE_REPAIR * 3 + 2], 3);
    CHECK_U64("reception 10|al", heat[NPS_STAGE_RECEPTION * 3 + 0], 7);
    CHECK_U64("reception 20|bo", heat[NPS_STAGE_RECEPTION * 3 + 2], 0);
    nps_heat_map_free(m);
    m = NULL;
    /* keys and key_columns together: refused. */
    o.keys = ADVISOR;
    CHECK_STATUS(nps_heat_map_from_records(STAGES, POINTS, PAIN, 4, &o, &m), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(m == NULL);
    o.keys = NULL;
    cols[1].key_type = 9;
    CHECK_STATUS(nps_heat_map_from_records(STAGES, POINTS, PAIN, 4, &o, &m), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(m == NULL);
    case_end();
}

static void key_text_flags(const NpsManagedFlags *f, size_t row, const char *want) {
    char buf[32];
    CHECK_STATUS(nps_managed_flags_key_text(f, row, buf, sizeof buf, NULL), NPS_STATUS_OK);
    CHECK_STR("key", buf, want);
}

static void managed_flags_by_key_columns(void) {
    const uint8_t scores[4] = {3, 9, 3, 9};
    const double rerated[4] = {9.0, NAN, NAN, NAN};
    const uint32_t dealer[4] = {1, 1, 2, 2};
    const char *advisor[4] = {"a", "a", "b", "b"};
    NpsKeyColumn cols[2];
    NpsManagedFlags *f = NULL;
    NpsManagedFlagsInfo info;
    NpsManagedFlag row;
    NpsKeyValue part;
    size_t parts = 0;
    case_begin("managed flags by dealer x advisor (nps_managed_flags_by_u8)");
    cols[0].key_type = NPS_KEY_TYPE_U32;
    cols[0].values = dealer;
    cols[1].key_type = NPS_KEY_TYPE_STR;
    cols[1].values = advisor;
    CHECK_STATUS(nps_managed_flags_by_u8(scores, cols, 2, rerated, 4, NULL, &f), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_info(f, &info), NPS_STATUS_OK);
    CHECK_U64("rows", info.rows, 8); /* 2 groups x 4 tests */
    CHECK_U64("comparisons", info.comparisons, 8);
    /* Row 3: group (1, "a"), re-rating pressure: 1 detractor, re-rated up,
     * none in the rest of the network. */
    CHECK_STATUS(nps_managed_flags_get(f, 3, &row), NPS_STATUS_OK);
    CHECK(row.test == NPS_MANAGED_TEST_RERATING_PRESSURE);
    CHECK_U64("n", row.n, 1);
    CHECK_U64("observed", row.observed, 1);
    CHECK(row.has_p_value && row.network_share == 0.0);
    CHECK_U64("key", row.key, UINT32_MAX);
    CHECK_STATUS(nps_managed_flags_key_parts(f, 3, &parts), NPS_STATUS_OK);
    CHECK_U64("parts", parts, 2);
    CHECK_STATUS(nps_managed_flags_key_part(f, 3, 0, &part), NPS_STATUS_OK);
    CHECK(part.kind == NPS_KEY_KIND_UINT && part.key_uint == 1);
    CHECK_STATUS(nps_managed_flags_key_part(f, 3, 1, &part), NPS_STATUS_OK);
    CHECK(part.kind == NPS_KEY_KIND_STR);
    CHECK_STATUS(nps_managed_flags_key_part(f, 3, 2, &part), NPS_STATUS_INDEX_OUT_OF_RANGE);
    key_text_flags(f, 0, "1 | a");
    key_text_flags(f, 4, "2 | b");
    CHECK_STATUS(nps_managed_flags_key_text(f, 8, NULL, 0, NULL), NPS_STATUS_INDEX_OUT_OF_RANGE);
    /* Group (2, "b"), tens: 0 tens of 2. */
    CHECK_STATUS(nps_managed_flags_get(f, 4, &row), NPS_STATUS_OK);
    CHECK(row.test == NPS_MANAGED_TEST_TENS);
    CHECK_U64("n", row.n, 2);
    CHECK_U64("observed", row.observed, 0);
    nps_managed_flags_free(f);
    f = NULL;
    /* The u32 functions keep their one-part keys. */
    CHECK_STATUS(nps_managed_flags_u8(scores, dealer, NULL, 4, NULL, &f), NPS_STATUS_OK);
    CHECK_STATUS(nps_managed_flags_key_parts(f, 0, &parts), NPS_STATUS_OK);
    CHECK_U64("parts", parts, 1);
    key_text_flags(f, 0, "1");
    nps_managed_flags_free(f);
    f = NULL;
    CHECK_STATUS(nps_managed_flags_by_u8(scores, cols, 0, NULL, 4, NULL, &f), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(f == NULL);
    case_end();
}

static void rerated_by_key_columns(void) {
    const uint8_t original[3] = {2, 9, 4};
    const uint8_t rerated[3] = {9, 0, 0};
    const uint8_t present[3] = {1, 0, 0};
    const uint32_t dealer[3] = {7, 7, 8};
    const char *advisor[3] = {"x", "y", "x"};
    NpsKeyColumn cols[2];
    NpsReratingTable *t = NULL;
    NpsRerating r;
    NpsKeyValue part;
    size_t parts = 0;
    char buf[16];
    case_begin("re-rated NPS by key columns (nps_rerated_nps_by_u8)");
    cols[0].key_type = NPS_KEY_TYPE_U32;
    cols[0].values = dealer;
    cols[1].key_type = NPS_KEY_TYPE_STR;
    cols[1].values = advisor;
    CHECK_STATUS(nps_rerated_nps_by_u8(original, rerated, present, 3, cols, 1, NPS_BASIS_ORIGINAL, &t),
                 NPS_STATUS_OK);
    CHECK_U64("groups", nps_rerating_table_len(t), 2);
    CHECK_STATUS(nps_rerating_table_get(t, 0, &r), NPS_STATUS_OK);
    CHECK_U64("rerated", r.rerated, 1);
    CHECK_U64("to promoter", r.detractors_to_promoter, 1);
    CHECK_U64("original n", r.original.detractors + r.original.passives + r.original.promoters, 2);
    CHECK_U64("after recovery promoters", r.after_recovery.promoters, 2);
    CHECK_U64("reported = original", r.reported.promoters, 1);
    CHECK_STATUS(nps_rerating_table_key_parts(t, 0, &parts), NPS_STATUS_OK);
    CHECK_U64("parts", parts, 1);
    CHECK_STATUS(nps_rerating_table_key_part(t, 1, 0, &part), NPS_STATUS_OK);
    CHECK(part.kind == NPS_KEY_KIND_UINT && part.key_uint == 8);
    CHECK_STATUS(nps_rerating_table_get(t, 1, &r), NPS_STATUS_OK);
    CHECK_U64("rerated", r.rerated, 0);
    CHECK_STATUS(nps_rerating_table_get(t, 2, &r), NPS_STATUS_INDEX_OUT_OF_RANGE);
    nps_rerating_table_free(t);
    t = NULL;
    CHECK_STATUS(nps_rerated_nps_by_u8(original, rerated, present, 3, cols, 2, NPS_BASIS_RERATED, &t),
                 NPS_STATUS_OK);
    CHECK_U64("groups", nps_rerating_table_len(t), 3);
    CHECK_STATUS(nps_rerating_table_key_text(t, 0, buf, sizeof buf, NULL), NPS_STATUS_OK);
    CHECK_STR("key 0", buf, "7 | x");
    CHECK_STATUS(nps_rerating_table_key_text(t, 1, buf, sizeof buf, NULL), NPS_STATUS_OK);
    CHECK_STR("key 1", buf, "7 | y");
    CHECK_STATUS(nps_rerating_table_key_text(t, 2, buf, sizeof buf, NULL), NPS_STATUS_OK);
    CHECK_STR("key 2", buf, "8 | x");
    CHECK_STATUS(nps_rerating_table_get(t, 0, &r), NPS_STATUS_OK);
    /* 7 | x: original 2 re-rated 9; the reported (re-rated) tally is 100. */
    CHECK_U64("reported promoters", r.reported.promoters, 1);
    CHECK_U64("reported detractors", r.reported.detractors, 0);
    nps_rerating_table_free(t);
    t = NULL;
    /* An invalid re-rating names its row, through either entry point. */
    {
        const double orig_f[3] = {2, 9, 4};
        const double rer_f[3] = {NAN, 11, NAN};
        CHECK_STATUS(nps_rerated_nps_by_f64(orig_f, rer_f, 3, cols, 2, NPS_BASIS_ORIGINAL, &t),
                     NPS_STATUS_INVALID_VALUE);
        CHECK_U64("row", last_index(), 1);
        CHECK(t == NULL);
    }
    CHECK_STATUS(nps_rerated_nps_by_u8(original, rerated, present, 3, cols, 0, NPS_BASIS_ORIGINAL, &t),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_U64("len of NULL", nps_rerating_table_len(NULL), 0);
    nps_rerating_table_free(NULL);
    case_end();
}

static void technician_by_key_columns(void) {
    const double worked[2] = {4.0, 2.0}, srt[2] = {5.0, 1.0}, available[2] = {8.0, 4.0};
    const uint32_t job_dealer[2] = {1, 2}, av_dealer[2] = {2, 1};
    const char *job_tech[2] = {"ann", "ann"}, *av_tech[2] = {"ann", "ann"};
    NpsKeyColumn jk[2], ak[2];
    NpsKpiTechnicianTable *t = NULL;
    NpsKpiTechnicianGroup g;
    NpsKeyValue part;
    char buf[16];
    case_begin("technician table by dealer x technician (nps_kpi_technician_table_by)");
    jk[0].key_type = NPS_KEY_TYPE_U32;
    jk[0].values = job_dealer;
    jk[1].key_type = NPS_KEY_TYPE_STR;
    jk[1].values = job_tech;
    ak[0].key_type = NPS_KEY_TYPE_U32;
    ak[0].values = av_dealer;
    ak[1].key_type = NPS_KEY_TYPE_STR;
    ak[1].values = av_tech;
    CHECK_STATUS(nps_kpi_technician_table_by(worked, srt, NULL, jk, 2, available, ak, 2, 2, &t), NPS_STATUS_OK);
    CHECK_U64("rows", nps_kpi_technician_table_len(t), 2);
    /* (1, ann): 4 h worked, 5 SRT h, 4 h available. */
    CHECK_STATUS(nps_kpi_technician_table_get(t, 0, &g), NPS_STATUS_OK);
    CHECK_U64("key", g.key, UINT32_MAX);
    CHECK(g.efficiency.has_value && g.productivity.has_value && g.proficiency.has_value);
    CHECK_CLOSE("efficiency", g.efficiency.value, 1.25, 1e-15);
    CHECK_CLOSE("productivity", g.productivity.value, 1.0, 1e-15);
    CHECK_CLOSE("proficiency", g.proficiency.value, 1.25, 1e-15);
    CHECK_STATUS(nps_kpi_technician_table_key_text(t, 0, buf, sizeof buf, NULL), NPS_STATUS_OK);
    CHECK_STR("key 0", buf, "1 | ann");
    /* (2, ann): 2 h worked, 1 SRT h, 8 h available. */
    CHECK_STATUS(nps_kpi_technician_table_get(t, 1, &g), NPS_STATUS_OK);
    CHECK_CLOSE("efficiency", g.efficiency.value, 0.5, 1e-15);
    CHECK_CLOSE("productivity", g.productivity.value, 0.25, 1e-15);
    CHECK_CLOSE("proficiency", g.proficiency.value, 0.125, 1e-15);
    CHECK_STATUS(nps_kpi_technician_table_key_part(t, 1, 0, &part), NPS_STATUS_OK);
    CHECK(part.kind == NPS_KEY_KIND_UINT && part.key_uint == 2);
    CHECK_STATUS(nps_kpi_technician_table_key_part(t, 1, 1, &part), NPS_STATUS_OK);
    CHECK(part.kind == NPS_KEY_KIND_STR);
    nps_kpi_technician_table_free(t);
    t = NULL;
    CHECK_STATUS(nps_kpi_technician_table_by(worked, srt, NULL, jk, 2, available, ak, 2, 0, &t),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(t == NULL);
    case_end();
}

/* Issue 10 (5): weights beyond WEIGHT_RANGE, and a hand-built tally with
 * a weight but no responses. */
static void weights(void) {
    const double scores[2] = {9, 3}, w[2] = {1e155, 1.0};
    NpsWeightedTally t, hand;
    double nps = 42.0, value = 0;
    memset(&t, 0xA5, sizeof t);
    case_begin("weight 1e155 is INVALID_WEIGHT naming the row; a weight without responses is an error");
    CHECK_STATUS(nps_weighted_tally_from_f64(scores, w, 2, NPS_INVALID_POLICY_RAISE, &t, NULL),
                 NPS_STATUS_INVALID_WEIGHT);
    CHECK_U64("row", last_index(), 0);
    CHECK(nps_last_error_value(&value) && value == 1e155);
    memset(&hand, 0, sizeof hand);
    hand.weights[10] = 1.0;
    hand.weights_sq[10] = 1.0;
    CHECK(nps_weighted_tally_nps(&hand, &nps) != NPS_STATUS_OK);
    CHECK(nps == 42.0); /* never NPS 100 */
    CHECK_U64("score", last_index(), 10);
    case_end();
}

/* Issue 10 (6): a confidence beyond CONFIDENCE_RANGE is refused. */
static void confidence(void) {
    const double c = 0.9999999999999999;
    NpsTally t;
    NpsIntervalOptions io = nps_interval_options_default();
    NpsTestOptions to = nps_test_options_default();
    NpsSampleSizeOptions so = nps_sample_size_options_default();
    NpsInterval iv;
    NpsTestResult tr;
    uint64_t n = 7;
    case_begin("confidence 0.9999999999999999 is INVALID_ARGUMENT (interval, test, sample size)");
    CHECK_STATUS(nps_tally_from_categories(3, 4, 5, &t), NPS_STATUS_OK);
    io.confidence = c;
    CHECK_STATUS(nps_tally_interval(&t, &io, &iv), NPS_STATUS_INVALID_ARGUMENT);
    io.method = NPS_INTERVAL_METHOD_WALD;
    CHECK_STATUS(nps_tally_interval(&t, &io, &iv), NPS_STATUS_INVALID_ARGUMENT);
    to.confidence = c;
    CHECK_STATUS(nps_test_benchmark(&t, 0.0, &to, &tr), NPS_STATUS_INVALID_ARGUMENT);
    so.confidence = c;
    CHECK_STATUS(nps_sample_size(5.0, 0.5, 0.2, &so, &n), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_U64("untouched", n, 7);
    so.confidence = 1e-6;
    CHECK_STATUS(nps_sample_size(5.0, 0.5, 0.2, &so, &n), NPS_STATUS_OK);
    case_end();
}

/* Issue 10 (7): hours beyond MAX_HOURS are INVALID_VALUE, never NaN. */
static void technician_hours(void) {
    const double big[2] = {1e308, 1e308};
    NpsKpi e, p, f;
    memset(&e, 0xA5, sizeof e);
    case_begin("nps_kpi_technician with 1e308 hours is INVALID_VALUE");
    CHECK_STATUS(nps_kpi_technician(big, big, NULL, 2, 8.0, &e, &p, &f), NPS_STATUS_INVALID_VALUE);
    CHECK_U64("row", last_index(), 0);
    {
        unsigned char s[sizeof e];
        memset(s, 0xA5, sizeof s);
        CHECK(memcmp(&e, s, sizeof e) == 0);
    }
    case_end();
}

int main(void) {
    heat_map_by_key_columns();
    managed_flags_by_key_columns();
    rerated_by_key_columns();
    technician_by_key_columns();
    weights();
    confidence();
    technician_hours();
    return summary("multikey");
}
