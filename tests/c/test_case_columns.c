/* Recovery statistics from a case table, one row per case
 * (nps_recovery_stats_from_case_columns and
 * nps_recovery_stats_table_from_case_columns_json): equal to the statistics
 * of the same cases built from their JSON logs, and bad rows named by case
 * id, row and column. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

/* a (score 3, D1) acknowledged, contacted by phone at 1 h and visited at
 * 2 h, recovered; b (score 5, D2) contacted by phone at 30 h, lost; c
 * (score 8, D1) not a low score, never contacted. */
static const char *LOGS[] = {
    "[{\"kind\":\"opened\",\"at\":\"1970-01-01T00:00:00Z\",\"score\":3,\"reason\":\"waiting\","
    "\"high_value\":false,\"public_opinion_risk\":false,\"dealer\":\"D1\"},"
    "{\"kind\":\"acknowledged\",\"at\":\"1970-01-01T00:10:00Z\"},"
    "{\"kind\":\"contacted\",\"at\":\"1970-01-01T01:00:00Z\",\"channel\":\"phone\"},"
    "{\"kind\":\"contacted\",\"at\":\"1970-01-01T02:00:00Z\",\"channel\":\"visit\"},"
    "{\"kind\":\"closed\",\"at\":\"1970-01-01T03:00:00Z\",\"outcome\":\"recovered\"}]",
    "[{\"kind\":\"opened\",\"at\":\"1970-01-01T00:00:00Z\",\"score\":5,\"reason\":\"price\","
    "\"high_value\":false,\"public_opinion_risk\":false,\"dealer\":\"D2\"},"
    "{\"kind\":\"acknowledged\",\"at\":\"1970-01-01T00:10:00Z\"},"
    "{\"kind\":\"contacted\",\"at\":\"1970-01-02T06:00:00Z\",\"channel\":\"phone\"},"
    "{\"kind\":\"closed\",\"at\":\"1970-01-02T07:00:00Z\",\"outcome\":\"lost\"}]",
    "[{\"kind\":\"opened\",\"at\":\"1970-01-01T00:00:10Z\",\"score\":8,\"reason\":\"price\","
    "\"high_value\":false,\"public_opinion_risk\":false,\"dealer\":\"D1\"}]",
};
static const char *IDS[] = {"a", "b", "c"};
static const int64_t OPENED[] = {0, 0, 10};
static const double SCORE[] = {3, 5, 8};
static const char *REASON[] = {"waiting", "price", "price"};
static const char *DEALER[] = {"D1", "D2", "D1"};
static const int64_t CONTACTED[] = {3600, 30 * 3600, INT64_MIN};
static const char *OUTCOME[] = {"recovered", "lost", NULL};

static NpsCaseColumns columns(const char **channel) {
    NpsCaseColumns c;
    memset(&c, 0, sizeof c);
    c.case_id = IDS;
    c.opened = OPENED;
    c.score = SCORE;
    c.reason = REASON;
    c.dealer = DEALER;
    c.contacted = CONTACTED;
    c.channel = channel;
    c.outcome = OUTCOME;
    return c;
}

static void equals_the_cases(void) {
    /* The apology channel: the strongest used (the default rule) or the
     * first contact's. */
    const char *strongest[] = {"visit", "phone", NULL};
    const char *first[] = {"phone", "phone", NULL};
    NpsCase *cases[3] = {NULL, NULL, NULL};
    char want[8192], got[8192];
    case_begin("case table: equals the cases built from their logs");
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(nps_case_from_events_json(NULL, LOGS[i], IDS[i], &cases[i]), NPS_STATUS_OK);
    }
    for (int rule = 0; rule < 2; rule++) {
        NpsRecoveryStatsOptions o = nps_recovery_stats_options_default();
        o.channel_rule = rule == 0 ? NPS_CHANNEL_RULE_STRONGEST : NPS_CHANNEL_RULE_FIRST_CONTACT;
        NpsCaseColumns c = columns(rule == 0 ? strongest : first);
        NpsRecoveryStatsHandle *a = NULL, *b = NULL;
        CHECK_STATUS(nps_recovery_stats_new_with_options(NULL, (const NpsCase *const *)cases, 3,
                                                         &o, &a),
                     NPS_STATUS_OK);
        CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, &o, &b), NPS_STATUS_OK);
        CHECK_STATUS(nps_recovery_stats_to_json(a, want, sizeof want, NULL), NPS_STATUS_OK);
        CHECK_STATUS(nps_recovery_stats_to_json(b, got, sizeof got, NULL), NPS_STATUS_OK);
        CHECK_STR("statistics", got, want);
        NpsRecoveryStats s;
        CHECK_STATUS(nps_recovery_stats_get(b, &s), NPS_STATUS_OK);
        CHECK_U64("low_scores", s.low_scores, 2);
        CHECK_U64("responded_24h", s.responded_24h, 1);
        CHECK_U64("recovered", s.recovered, 1);
        nps_recovery_stats_free(a);
        nps_recovery_stats_free(b);
    }
    /* Grouped by dealer and month. */
    NpsCaseColumns c = columns(strongest);
    CHECK_STATUS(nps_recovery_stats_by_json(NULL, (const NpsCase *const *)cases, 3, NULL, 0,
                                            NPS_PERIOD_MONTH, true, "Asia/Shanghai", 5, want,
                                            sizeof want, NULL),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_table_from_case_columns_json(NULL, &c, 3, NULL,
                                                                 NPS_PERIOD_MONTH, true,
                                                                 "Asia/Shanghai", got, sizeof got,
                                                                 NULL),
                 NPS_STATUS_OK);
    CHECK_STR("groups", got, want);
    for (int i = 0; i < 3; i++) nps_case_free(cases[i]);
    case_end();
}

/* A call that fails with `status` about case `id` at `row`, the message
 * naming `column`. */
static void fails(const char *what, NpsCaseColumns c, NpsStatus status, const char *id,
                  size_t row, const char *column) {
    NpsRecoveryStatsHandle *h = NULL;
    size_t index = 999;
    char buf[64];
    case_begin("case table: %s", what);
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, NULL, &h), status);
    CHECK(h == NULL);
    CHECK(nps_last_error_index(&index));
    CHECK_U64("row", index, row);
    nps_last_error_case_id(buf, sizeof buf);
    CHECK_STR("case id", buf, id);
    CHECK(strstr(last_message(), column) != NULL);
    case_end();
}

static void bad_rows(void) {
    const char *channel[] = {"visit", "phone", NULL};
    NpsCaseColumns c = columns(channel);
    const char *fax[] = {"visit", "fax", NULL};
    c.channel = fax;
    fails("unknown channel", c, NPS_STATUS_INVALID_VALUE, "b", 1, "`channel`");
    c.channel = channel;
    const char *outcome[] = {"recovered", "lost", "recovered"};
    c.outcome = outcome;
    fails("recovered without a contact", c, NPS_STATUS_INVALID_VALUE, "c", 2, "`outcome`");
    c.outcome = OUTCOME;
    double score[] = {3, 5, 12};
    c.score = score;
    fails("score out of range", c, NPS_STATUS_INVALID_VALUE, "c", 2, "`score`");

    case_begin("case table: NULL columns");
    NpsRecoveryStatsHandle *h = NULL;
    c.score = SCORE;
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, NULL, 3, NULL, &h),
                 NPS_STATUS_NULL_POINTER);
    c.reason = NULL;
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, NULL, &h),
                 NPS_STATUS_LENGTH_MISMATCH);
    CHECK(strstr(last_message(), "reason") != NULL);
    c.reason = REASON;
    c.opened = NULL;
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, NULL, &h),
                 NPS_STATUS_NULL_POINTER);
    case_end();
}

/* Integer case ids (case_id NULL, case_id_int given): the cases whose ids
 * are their decimal texts; a bad row names the id as text. */
static void integer_ids(void) {
    static const char *NUM_IDS[] = {"7", "8", "9"};
    static const uint64_t INT_IDS[] = {7, 8, 9};
    const char *strongest[] = {"visit", "phone", NULL};
    NpsCase *cases[3] = {NULL, NULL, NULL};
    char want[8192], got[8192];
    case_begin("case table: integer case ids equal the cases of their decimal texts");
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(nps_case_from_events_json(NULL, LOGS[i], NUM_IDS[i], &cases[i]),
                     NPS_STATUS_OK);
    }
    NpsCaseColumns c = columns(strongest);
    c.case_id = NULL;
    c.case_id_int = INT_IDS;
    CHECK_STATUS(nps_recovery_stats_by_json(NULL, (const NpsCase *const *)cases, 3, NULL, 0,
                                            NPS_PERIOD_MONTH, true, "UTC", 5, want, sizeof want,
                                            NULL),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_table_from_case_columns_json(NULL, &c, 3, NULL,
                                                                 NPS_PERIOD_MONTH, true, "UTC",
                                                                 got, sizeof got, NULL),
                 NPS_STATUS_OK);
    CHECK_STR("groups", got, want);
    NpsRecoveryStatsHandle *a = NULL, *b = NULL;
    CHECK_STATUS(nps_recovery_stats_new_with_options(NULL, (const NpsCase *const *)cases, 3,
                                                     NULL, &a),
                 NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, NULL, &b), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_to_json(a, want, sizeof want, NULL), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_to_json(b, got, sizeof got, NULL), NPS_STATUS_OK);
    CHECK_STR("statistics", got, want);
    nps_recovery_stats_free(a);
    nps_recovery_stats_free(b);
    for (int i = 0; i < 3; i++) nps_case_free(cases[i]);
    case_end();
    const char *outcome[] = {"recovered", "lost", "recovered"};
    c.outcome = outcome;
    fails("integer ids: recovered without a contact", c, NPS_STATUS_INVALID_VALUE, "9", 2,
          "`outcome`");
}

/* Byte scores (score NULL, score_u8 given): the same statistics as the
 * double scores; a byte above 10 is a bad row named `score`; both given is
 * an invalid argument naming `score_u8`. */
static void byte_scores(void) {
    static const uint8_t BYTES[] = {3, 5, 8};
    const char *strongest[] = {"visit", "phone", NULL};
    char want[8192], got[8192];
    case_begin("case table: byte scores equal the double scores");
    NpsCaseColumns c = columns(strongest);
    NpsRecoveryStatsHandle *a = NULL, *b = NULL;
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, NULL, &a), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_table_from_case_columns_json(NULL, &c, 3, NULL,
                                                                 NPS_PERIOD_MONTH, true, "UTC",
                                                                 want, sizeof want, NULL),
                 NPS_STATUS_OK);
    c.score = NULL;
    c.score_u8 = BYTES;
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, NULL, &b), NPS_STATUS_OK);
    NpsRecoveryStats s;
    CHECK_STATUS(nps_recovery_stats_get(b, &s), NPS_STATUS_OK);
    CHECK_U64("low_scores", s.low_scores, 2);
    CHECK_STATUS(nps_recovery_stats_table_from_case_columns_json(NULL, &c, 3, NULL,
                                                                 NPS_PERIOD_MONTH, true, "UTC",
                                                                 got, sizeof got, NULL),
                 NPS_STATUS_OK);
    CHECK_STR("groups", got, want);
    CHECK_STATUS(nps_recovery_stats_to_json(a, want, sizeof want, NULL), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_to_json(b, got, sizeof got, NULL), NPS_STATUS_OK);
    CHECK_STR("statistics", got, want);
    nps_recovery_stats_free(a);
    nps_recovery_stats_free(b);
    NpsRecoveryStatsHandle *h = NULL;
    c.score = SCORE;
    CHECK_STATUS(nps_recovery_stats_from_case_columns(NULL, &c, 3, NULL, &h),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(h == NULL);
    CHECK(strstr(last_message(), "score_u8") != NULL);
    case_end();
    static const uint8_t BAD[] = {3, 11, 8};
    c.score = NULL;
    c.score_u8 = BAD;
    fails("byte score out of range", c, NPS_STATUS_INVALID_VALUE, "b", 1, "`score`");
}

int main(void) {
    equals_the_cases();
    bad_rows();
    integer_ids();
    byte_scores();
    return summary("case_columns");
}
