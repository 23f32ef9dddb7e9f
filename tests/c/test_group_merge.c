/* Merging grouped results (nps_grouped_merge): two halves of a survey,
 * grouped with respondents and `mergeable`, merge into the one-pass result;
 * options that differ are refused. Expected values are worked by hand in
 * the comments. Run under AddressSanitizer/UBSan and valgrind by
 * scripts/test-c.sh. */
#include <stdint.h>
#include <string.h>

#include "testlib.h"

/* Dealer, score, time, respondent. Respondent 1 answers dealer 10 (row 0),
 * then dealer 20 in the second half (row 3): globally only row 3 counts.
 * Respondent 2 answers dealer 10 twice (rows 1 and 4): row 4 counts. */
static const uint32_t DEALER[5] = {10, 10, 20, 20, 10};
static const uint8_t SCORE[5] = {10, 3, 9, 0, 8};
static const int64_t AT[5] = {100, 200, 300, 400, 500};
static const uint64_t WHO[5] = {1, 2, 3, 1, 2};

static NpsGrouped *group(size_t from, size_t to, uint32_t dedupe, bool mergeable) {
    NpsGroupOptions o = nps_group_options_default();
    NpsGrouped *g = NULL;
    o.keys_u32 = DEALER + from;
    o.timestamps = AT + from;
    o.respondents_u64 = WHO + from;
    o.dedupe = dedupe;
    o.mergeable = mergeable;
    o.min_n = 2;
    CHECK_STATUS(nps_group_by_u8(SCORE + from, to - from, &o, &g), NPS_STATUS_OK);
    return g;
}

static void check_group(const NpsGrouped *g, size_t i, uint64_t key, uint64_t n, bool thin) {
    NpsGroup x;
    memset(&x, 0, sizeof x);
    CHECK_STATUS(nps_grouped_get(g, i, &x), NPS_STATUS_OK);
    CHECK_U64("key", x.key_uint, key);
    CHECK_U64("n", x.tally.detractors + x.tally.passives + x.tally.promoters, n);
    CHECK(x.thin == thin);
    CHECK(x.complete);
}

static void merge_halves(void) {
    NpsGrouped *a, *b, *c, *m = NULL;
    NpsGroupedInfo info;
    case_begin("merge of two halves with respondents (global) equals one pass");
    CHECK(nps_group_options_default().dedupe == NPS_DEDUPE_GLOBAL);
    CHECK(!nps_group_options_default().mergeable);
    a = group(0, 3, NPS_DEDUPE_GLOBAL, true);
    b = group(3, 5, NPS_DEDUPE_GLOBAL, true);
    CHECK_STATUS(nps_grouped_merge(a, b, &m), NPS_STATUS_OK);
    /* Kept: row 2 (dealer 20, r3), row 3 (dealer 20, r1), row 4 (dealer
     * 10, r2): dealer 10 n = 1 (thin), dealer 20 n = 2. */
    CHECK_STATUS(nps_grouped_info(m, &info), NPS_STATUS_OK);
    CHECK_U64("groups", info.len, 2);
    CHECK_U64("dropped repeats", info.dropped_repeats, 2);
    check_group(m, 0, 10, 1, true);
    check_group(m, 1, 20, 2, false);
    nps_grouped_free(m);
    nps_grouped_free(a);
    nps_grouped_free(b);
    case_end();

    case_begin("merge with per-key respondents");
    a = group(0, 3, NPS_DEDUPE_PER_KEY, true);
    b = group(3, 5, NPS_DEDUPE_PER_KEY, true);
    m = NULL;
    CHECK_STATUS(nps_grouped_merge(a, b, &m), NPS_STATUS_OK);
    /* Per dealer: dealer 10 keeps r1 (row 0) and r2 (row 4); dealer 20
     * keeps r3 and r1. */
    check_group(m, 0, 10, 2, false);
    check_group(m, 1, 20, 2, false);
    nps_grouped_free(m);
    nps_grouped_free(a);
    nps_grouped_free(b);
    case_end();

    case_begin("merge refuses results without their latest answers or of other rules");
    a = group(0, 3, NPS_DEDUPE_GLOBAL, false);
    b = group(3, 5, NPS_DEDUPE_PER_KEY, true);
    m = NULL;
    CHECK_STATUS(nps_grouped_merge(a, a, &m), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(m == NULL);
    c = group(3, 5, NPS_DEDUPE_GLOBAL, true);
    CHECK_STATUS(nps_grouped_merge(b, c, &m), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_grouped_merge(NULL, b, &m), NPS_STATUS_NULL_POINTER);
    nps_grouped_free(a);
    nps_grouped_free(b);
    nps_grouped_free(c);
    case_end();
}

static void dedupe_needs_timestamps(void) {
    NpsGroupOptions o = nps_group_options_default();
    NpsGrouped *g = NULL;
    case_begin("respondents without timestamps are refused");
    o.respondents_u64 = WHO;
    CHECK_STATUS(nps_group_by_u8(SCORE, 5, &o, &g), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(g == NULL);
    o.timestamps = AT;
    o.dedupe = 7;
    CHECK_STATUS(nps_group_by_u8(SCORE, 5, &o, &g), NPS_STATUS_INVALID_ARGUMENT);
    case_end();
}

int main(void) {
    merge_halves();
    dedupe_needs_timestamps();
    return summary("group_merge");
}
