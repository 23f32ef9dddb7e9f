/* Recovery statistics from an event table (nps_recovery_stats_columns):
 * hand-worked figures, equality with the same cases built from JSON logs
 * (nps_recovery_stats), and bad rows named by case id, row and column. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

/* Three cases, rows interleaved and out of time order. By hand:
 * a (score 3) contacted by visit at 1 h, recovered; b (score 5) contacted
 * by phone at 30 h, lost; c (score 8) is not a low score. low_scores 2,
 * launched 2, responded_24h 1, recovered 1, converted 0, lost 1. */
static const char *IDS[] = {"a", "a", "b", "a", "a", "c", "b", "b", "b"};
static const char *EVENTS[] = {"closed", "opened", "opened", "acknowledged", "contacted",
                               "opened", "acknowledged", "contacted", "closed"};
static const int64_t AT[] = {7200, 0, 0, 600, 3600, 10, 600, 30 * 3600, 31 * 3600};
static const char *REASON[] = {NULL, "waiting", "price", NULL, NULL, "price", NULL, NULL, NULL};
static const char *CHANNEL[] = {NULL, NULL, NULL, NULL, "visit", NULL, NULL, "phone", NULL};
static const char *OUTCOME[] = {"recovered", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "lost"};
#define ROWS 9

static NpsEventColumns columns(const double *score) {
    NpsEventColumns c;
    memset(&c, 0, sizeof c);
    c.case_id = IDS;
    c.event = EVENTS;
    c.at = AT;
    c.score = score;
    c.reason = REASON;
    c.channel = CHANNEL;
    c.outcome = OUTCOME;
    return c;
}

static void hand_worked(void) {
    double score[ROWS] = {NAN, 3, 5, NAN, NAN, 8, NAN, NAN, NAN};
    NpsEventColumns c = columns(score);
    NpsRecoveryStats s;
    case_begin("event table: hand-worked figures");
    CHECK_STATUS(nps_recovery_stats_columns(NULL, &c, ROWS, &s), NPS_STATUS_OK);
    CHECK_U64("low_scores", s.low_scores, 2);
    CHECK_U64("launched", s.launched, 2);
    CHECK_U64("responded_24h", s.responded_24h, 1);
    CHECK_U64("recovered", s.recovered, 1);
    CHECK_U64("converted", s.converted, 0);
    CHECK_U64("lost", s.lost, 1);
    CHECK(s.success_rate.has_value);
    CHECK_CLOSE("success_rate", s.success_rate.value, 0.5, 0);
    case_end();
}

/* The same cases as JSON logs through nps_recovery_stats. */
static void equals_cases_from_logs(void) {
    static const char *logs[] = {
        "[{\"kind\":\"opened\",\"at\":\"1970-01-01T00:00:00Z\",\"score\":3,\"reason\":\"waiting\","
        "\"high_value\":false,\"public_opinion_risk\":false},"
        "{\"kind\":\"acknowledged\",\"at\":\"1970-01-01T00:10:00Z\"},"
        "{\"kind\":\"contacted\",\"at\":\"1970-01-01T01:00:00Z\",\"channel\":\"visit\"},"
        "{\"kind\":\"closed\",\"at\":\"1970-01-01T02:00:00Z\",\"outcome\":\"recovered\"}]",
        "[{\"kind\":\"opened\",\"at\":\"1970-01-01T00:00:00Z\",\"score\":5,\"reason\":\"price\","
        "\"high_value\":false,\"public_opinion_risk\":false},"
        "{\"kind\":\"acknowledged\",\"at\":\"1970-01-01T00:10:00Z\"},"
        "{\"kind\":\"contacted\",\"at\":\"1970-01-02T06:00:00Z\",\"channel\":\"phone\"},"
        "{\"kind\":\"closed\",\"at\":\"1970-01-02T07:00:00Z\",\"outcome\":\"lost\"}]",
        "[{\"kind\":\"opened\",\"at\":\"1970-01-01T00:00:10Z\",\"score\":8,\"reason\":\"price\","
        "\"high_value\":false,\"public_opinion_risk\":false}]",
    };
    static const char *ids[] = {"a", "b", "c"};
    double score[ROWS] = {NAN, 3, 5, NAN, NAN, 8, NAN, NAN, NAN};
    NpsEventColumns c = columns(score);
    NpsCase *cases[3] = {NULL, NULL, NULL};
    NpsRecoveryStats want, got;
    case_begin("event table: equals the cases built from their logs");
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(nps_case_from_events_json(NULL, logs[i], ids[i], &cases[i]), NPS_STATUS_OK);
    }
    CHECK_STATUS(nps_recovery_stats(NULL, (const NpsCase *const *)cases, 3, &want), NPS_STATUS_OK);
    CHECK_STATUS(nps_recovery_stats_columns(NULL, &c, ROWS, &got), NPS_STATUS_OK);
    CHECK_U64("low_scores", got.low_scores, want.low_scores);
    CHECK_U64("launched", got.launched, want.launched);
    CHECK_U64("responded_24h", got.responded_24h, want.responded_24h);
    CHECK_U64("recovered", got.recovered, want.recovered);
    CHECK_U64("converted", got.converted, want.converted);
    CHECK_U64("lost", got.lost, want.lost);
    CHECK(got.launch_rate.has_value == want.launch_rate.has_value);
    CHECK_CLOSE("launch_rate", got.launch_rate.value, want.launch_rate.value, 0);
    CHECK_CLOSE("response_24h_rate", got.response_24h_rate.value, want.response_24h_rate.value, 0);
    CHECK_CLOSE("success_rate", got.success_rate.value, want.success_rate.value, 0);
    CHECK_CLOSE("lost_rate", got.lost_rate.value, want.lost_rate.value, 0);
    for (int i = 0; i < 3; i++) nps_case_free(cases[i]);
    case_end();
}

/* A call that fails with `status` about case `id` at `row`, the message
 * naming `column` (when not NULL). */
static void fails(const char *what, NpsEventColumns c, size_t n, NpsStatus status,
                  const char *id, size_t row, const char *column) {
    NpsRecoveryStats s;
    size_t index = 999;
    char buf[64];
    case_begin("event table: %s", what);
    CHECK_STATUS(nps_recovery_stats_columns(NULL, &c, n, &s), status);
    CHECK(nps_last_error_index(&index));
    CHECK_U64("row", index, row);
    nps_last_error_case_id(buf, sizeof buf);
    CHECK_STR("case id", buf, id);
    if (column != NULL) CHECK(strstr(last_message(), column) != NULL);
    case_end();
}

static void bad_rows(void) {
    const char *ids[] = {"k", "k", "k"};
    const char *reason[] = {"w", NULL, NULL};
    int64_t at[] = {0, 60, 120};
    double score[] = {2, NAN, NAN};
    NpsEventColumns c;
    memset(&c, 0, sizeof c);
    c.case_id = ids;
    c.at = at;
    c.score = score;
    c.reason = reason;

    const char *unknown[] = {"opened", "waved", "acknowledged"};
    c.event = unknown;
    fails("unknown event", c, 3, NPS_STATUS_INVALID_VALUE, "k", 1, "`event`");

    const char *twice[] = {"opened", "acknowledged", "acknowledged"};
    c.event = twice;
    fails("duplicate event", c, 3, NPS_STATUS_INVALID_EVENT, "k", 2, NULL);

    const char *ok[] = {"opened", "acknowledged", "contacted"};
    c.event = ok;
    fails("missing channel column", c, 3, NPS_STATUS_INVALID_VALUE, "k", 2, "`channel`");

    int64_t bad_at[] = {0, INT64_MAX, 120};
    c.at = bad_at;
    fails("bad instant", c, 3, NPS_STATUS_INVALID_VALUE, "k", 1, "`at`");
    c.at = at;

    c.score = NULL;
    fails("missing score column", c, 3, NPS_STATUS_INVALID_VALUE, "k", 0, "`score`");

    case_begin("event table: NULL pointers");
    NpsRecoveryStats s;
    CHECK_STATUS(nps_recovery_stats_columns(NULL, NULL, 3, &s), NPS_STATUS_NULL_POINTER);
    c.score = score;
    c.event = NULL;
    CHECK_STATUS(nps_recovery_stats_columns(NULL, &c, 3, &s), NPS_STATUS_NULL_POINTER);
    c.event = ok;
    CHECK_STATUS(nps_recovery_stats_columns(NULL, &c, 3, NULL), NPS_STATUS_NULL_POINTER);
    /* No rows: no low scores, rates without data. */
    NpsEventColumns none;
    memset(&none, 0, sizeof none);
    CHECK_STATUS(nps_recovery_stats_columns(NULL, &none, 0, &s), NPS_STATUS_OK);
    CHECK_U64("low_scores", s.low_scores, 0);
    CHECK(!s.launch_rate.has_value);
    case_end();
}

int main(void) {
    hand_worked();
    equals_cases_from_logs();
    bad_rows();
    return summary("event_log");
}
