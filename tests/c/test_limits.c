/* Hostile sizes (issue 10) through the C API. scripts/test-c.sh runs this
 * program under `ulimit -v 1000000` (about 1 GB of address space) as well as
 * normally, under sanitizers and under valgrind:
 *   - grouping 20 rows whose timestamps alternate between the first and the
 *     last supported second (years 1 and 9999) by day used to allocate every
 *     key x day in between (SIGABRT under a 4 GB limit); memory must follow
 *     the occurring groups;
 *   - nps_goal_track with months = UINT32_MAX used to allocate the path of
 *     2^32 - 1 months although none was requested; months are bounded by
 *     nps-core's goal::MAX_MONTHS (1200). */
#include <stdio.h>
#include <string.h>

#include "testlib.h"

#define N 20
#define FIRST (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define LAST 253402300799LL    /* 9999-12-31T23:59:59Z */

static int64_t ts[N];
static uint32_t keys[N];
static uint8_t scores[N];

static void extreme_days(void) {
    NpsGroupOptions o;
    NpsGrouped *g = NULL;
    NpsGroupedInfo info;
    size_t i, len = 0;
    char label[16];
    case_begin("group_by_u8: 20 keys by day over years 1..9999");
    memset(&o, 0, sizeof o);
    o.keys_u32 = keys;
    o.timestamps = ts;
    o.period = NPS_PERIOD_DAY;
    CHECK_STATUS(nps_group_by_u8(scores, N, &o, &g), NPS_STATUS_OK);
    CHECK_STATUS(nps_grouped_info(g, &info), NPS_STATUS_OK);
    CHECK_U64("groups", nps_grouped_len(g), N);
    for (i = 0; i < N && nps_grouped_len(g) == N; i++) {
        NpsGroup grp;
        CHECK_STATUS(nps_grouped_get(g, i, &grp), NPS_STATUS_OK);
        CHECK(grp.key_kind == NPS_KEY_KIND_UINT && grp.key_uint == i);
        CHECK(grp.tally.detractors + grp.tally.passives == 0 && grp.tally.promoters == 1 && grp.has_period);
        CHECK_STATUS(nps_grouped_label(g, i, label, sizeof label, &len), NPS_STATUS_OK);
        CHECK_STR("day", label, i % 2 == 0 ? "0001-01-01" : "9999-12-31");
    }
    nps_grouped_free(g);
    case_end();

    case_begin("group_by_u8: no key, two days 9999 years apart");
    g = NULL;
    o.keys_u32 = NULL;
    CHECK_STATUS(nps_group_by_u8(scores, N, &o, &g), NPS_STATUS_OK);
    CHECK_U64("groups", nps_grouped_len(g), 2);
    nps_grouped_free(g);
    case_end();

    case_begin("group_by_u8: two key columns by day over years 1..9999");
    {
        NpsKeyColumn cols[2];
        g = NULL;
        cols[0].key_type = NPS_KEY_TYPE_U32;
        cols[0].values = keys;
        cols[1].key_type = NPS_KEY_TYPE_I64;
        cols[1].values = ts;
        o.key_columns = cols;
        o.n_key_columns = 2;
        CHECK_STATUS(nps_group_by_u8(scores, N, &o, &g), NPS_STATUS_OK);
        CHECK_U64("groups", nps_grouped_len(g), N);
        nps_grouped_free(g);
    }
    case_end();

    case_begin("kpi_rate_table: 20 keys by day over years 1..9999");
    {
        uint8_t flags[N];
        NpsKpiGrouping kg;
        NpsKpiTable *t = NULL;
        memset(flags, 1, sizeof flags);
        memset(&kg, 0, sizeof kg);
        kg.keys = keys;
        kg.timestamps = ts;
        kg.period = NPS_PERIOD_DAY;
        CHECK_STATUS(nps_kpi_rate_table(flags, NULL, N, &kg, &t), NPS_STATUS_OK);
        CHECK_U64("groups", nps_kpi_table_len(t), N);
        nps_kpi_table_free(t);
    }
    case_end();
}

static void goal_months(void) {
    NpsTally h[2];
    NpsGoalReport r;
    NpsGoalOptions o = nps_goal_options_default();
    case_begin("goal_track: months = UINT32_MAX is an invalid argument");
    CHECK_STATUS(nps_tally_from_categories(20, 40, 140, &h[0]), NPS_STATUS_OK);
    CHECK_STATUS(nps_tally_from_categories(30, 50, 120, &h[1]), NPS_STATUS_OK);
    o.confidence = .95;
    CHECK_STATUS(nps_goal_track(h, 2, 65, UINT32_MAX, &o, &r, NULL, 0), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "months") != NULL);
    CHECK_STATUS(nps_goal_track(h, 2, 65, 1201, NULL, &r, NULL, 0), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_goal_track(h, 2, 65, 1200, NULL, &r, NULL, 0), NPS_STATUS_OK);
    CHECK(r.months == 1200);
    case_end();
}

int main(void) {
    size_t i;
    for (i = 0; i < N; i++) {
        ts[i] = i % 2 == 0 ? FIRST : LAST;
        keys[i] = (uint32_t)i;
        scores[i] = 9;
    }
    extreme_days();
    goal_months();
    return summary("limits");
}
