/* The recovery-policy C API end to end and under bad input: policy and
 * calendar handles, JSON in and out, every validation problem with its
 * path, triage (one and many), required approver, deadlines and elapsed
 * time, case status, early warnings, threads sharing one policy.
 *
 * Expected values are hand calculations from SPEC §4 (noted next to
 * them); the golden vectors are checked by test_policy_golden.c. Every
 * failed call must return a typed status naming what and where and leave
 * its outputs untouched. Run under AddressSanitizer/UBSan and valgrind by
 * scripts/test-c.sh. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

/* A sentinel pattern: outputs must keep it after a failed call. */
#define SENTINEL 0xA5

/* Fri 2025-06-13 21:00 Asia/Shanghai = 13:00 UTC. */
#define T0 INT64_C(1749819600)
#define HOUR INT64_C(3600)

/* Roles of the default ladder (SPEC §4.3), lowest first. */
#define ADVISOR 0u
#define MANAGER 1u
#define REGIONAL 2u

static int untouched(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != SENTINEL) return 0;
    }
    return 1;
}

static int message_contains(const char *needle) { return strstr(last_message(), needle) != NULL; }

static size_t last_index(void) {
    size_t i = (size_t)-1;
    if (!nps_last_error_index(&i)) return (size_t)-2;
    return i;
}

/* Whether a problem of the last error has exactly this path. */
static int has_problem(const char *path) {
    size_t i, n = nps_last_error_problem_count();
    char buf[256];
    for (i = 0; i < n; i++) {
        nps_last_error_problem_path(i, buf, sizeof buf);
        if (strcmp(buf, path) == 0) return 1;
    }
    return 0;
}

/* The default policy's JSON (to free()). */
static char *default_json(void) {
    NpsPolicy *p = NULL;
    size_t n = 0;
    char *buf = NULL;
    if (nps_policy_default(&p) == NPS_STATUS_OK &&
        nps_policy_to_json(p, NULL, 0, &n) == NPS_STATUS_BUFFER_TOO_SMALL) {
        buf = malloc(n + 1);
        if (buf != NULL && nps_policy_to_json(p, buf, n + 1, NULL) != NPS_STATUS_OK) {
            free(buf);
            buf = NULL;
        }
    }
    nps_policy_free(p);
    return buf;
}

/* `text` with its first `old` replaced by `new` (to free()); NULL if
 * `old` does not occur. Consumes `text`. */
static char *replace(char *text, const char *old, const char *new_text) {
    char *at, *out;
    size_t a, b, c;
    if (text == NULL || (at = strstr(text, old)) == NULL) {
        free(text);
        return NULL;
    }
    a = (size_t)(at - text);
    b = strlen(new_text);
    c = strlen(at + strlen(old));
    out = malloc(a + b + c + 1);
    if (out != NULL) {
        memcpy(out, text, a);
        memcpy(out + a, new_text, b);
        memcpy(out + a + b, at + strlen(old), c + 1);
    }
    free(text);
    return out;
}

static NpsPolicy *load(const char *text) {
    NpsPolicy *p = NULL;
    if (text == NULL) {
        fail(__FILE__, __LINE__, "no policy text");
        return NULL;
    }
    CHECK_STATUS(nps_policy_from_json(text, strlen(text), &p), NPS_STATUS_OK);
    return p;
}

static NpsResponse response(uint8_t score, int64_t at, bool high_value, bool risk) {
    NpsResponse r;
    memset(&r, 0, sizeof r);
    r.score = score;
    r.submitted_at = at;
    r.high_value = high_value;
    r.public_opinion_risk = risk;
    return r;
}

static NpsItem item(int64_t minor, const char *currency, uint32_t layer) {
    NpsItem it;
    memset(&it, 0, sizeof it);
    it.minor = minor;
    memcpy(it.currency, currency, strlen(currency) < 4 ? strlen(currency) : 4);
    it.layer = layer;
    return it;
}

/* ---- policy handle, JSON, roles -------------------------------------- */

static void policy_handle(void) {
    NpsPolicy *p = NULL, *again = NULL;
    char name[64], small[4], cur[8];
    char *json = NULL, *json2 = NULL;
    size_t n = 0, n2 = 0, len = 99;
    uint32_t idx = 12345;
    double needed = 0;

    case_begin("default policy: roles, currency, JSON round trip");
    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);
    CHECK(p != NULL);
    CHECK_U64("role count", nps_policy_role_count(p), 3);
    CHECK_STATUS(nps_policy_role_name(p, ADVISOR, name, sizeof name, &len), NPS_STATUS_OK);
    CHECK_STR("role 0", name, "service_advisor");
    CHECK_U64("role 0 length", len, strlen("service_advisor"));
    CHECK_STATUS(nps_policy_role_name(p, MANAGER, name, sizeof name, NULL), NPS_STATUS_OK);
    CHECK_STR("role 1", name, "service_manager");
    CHECK_STATUS(nps_policy_role_name(p, REGIONAL, name, sizeof name, NULL), NPS_STATUS_OK);
    CHECK_STR("role 2", name, "regional_manager");
    CHECK_STATUS(nps_policy_role_index(p, "regional_manager", &idx), NPS_STATUS_OK);
    CHECK_U64("role index", idx, REGIONAL);
    CHECK_STATUS(nps_policy_currency(p, cur, sizeof cur, NULL), NPS_STATUS_OK);
    CHECK_STR("currency", cur, "CNY");
    CHECK(!nps_policy_has_calendar(p));
    /* Size query, then one byte short, then exact. */
    CHECK_STATUS(nps_policy_to_json(p, NULL, 0, &n), NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK(n > 1000);
    CHECK(nps_last_error_value(&needed));
    CHECK_U64("bytes needed", (uint64_t)needed, n + 1);
    json = malloc(n + 1);
    if (json != NULL) {
        memset(json, SENTINEL, n + 1);
        CHECK_STATUS(nps_policy_to_json(p, json, n, &n2), NPS_STATUS_BUFFER_TOO_SMALL);
        CHECK(untouched(json, n + 1));
        CHECK_U64("text_len on failure", n2, n);
        CHECK_STATUS(nps_policy_to_json(p, json, n + 1, NULL), NPS_STATUS_OK);
        CHECK_U64("strlen", strlen(json), n);
        CHECK(strstr(json, "\"currency\": \"CNY\"") != NULL);
        CHECK_STATUS(nps_policy_from_json(json, n, &again), NPS_STATUS_OK);
        CHECK_STATUS(nps_policy_to_json(again, NULL, 0, &n2), NPS_STATUS_BUFFER_TOO_SMALL);
        json2 = malloc(n2 + 1);
        if (json2 != NULL) {
            CHECK_STATUS(nps_policy_to_json(again, json2, n2 + 1, NULL), NPS_STATUS_OK);
            CHECK_STR("round trip", json2, json);
        }
    }
    free(json);
    free(json2);
    nps_policy_free(again);
    case_end();

    case_begin("roles: unknown names, indices out of range, small buffers");
    idx = 12345;
    CHECK_STATUS(nps_policy_role_index(p, "ceo", &idx), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("ceo"));
    CHECK_U64("index untouched", idx, 12345);
    CHECK_STATUS(nps_policy_role_index(p, NULL, &idx), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_role_index(p, "service_manager", NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_role_index(p, "\xff\xfe", &idx), NPS_STATUS_INVALID_UTF8);
    memset(name, SENTINEL, sizeof name);
    CHECK_STATUS(nps_policy_role_name(p, 3, name, sizeof name, NULL),
                 NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_policy_role_name(p, NPS_ROLE_NONE, name, sizeof name, NULL),
                 NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK(untouched(name, sizeof name));
    len = 0;
    memset(small, SENTINEL, sizeof small);
    CHECK_STATUS(nps_policy_role_name(p, MANAGER, small, sizeof small, &len),
                 NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK(untouched(small, sizeof small));
    CHECK_U64("needed length", len, strlen("service_manager"));
    CHECK_STATUS(nps_policy_role_name(p, MANAGER, NULL, 100, &len), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_currency(p, small, 3, NULL), NPS_STATUS_BUFFER_TOO_SMALL);
    case_end();

    case_begin("NULL handles and out-pointers");
    CHECK_STATUS(nps_policy_default(NULL), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("out"));
    CHECK_STATUS(nps_policy_to_json(NULL, name, sizeof name, NULL), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("policy"));
    CHECK_U64("role count of NULL", nps_policy_role_count(NULL), 0);
    CHECK(!nps_policy_has_calendar(NULL));
    CHECK_STATUS(nps_policy_role_name(NULL, 0, name, sizeof name, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_currency(NULL, cur, sizeof cur, NULL), NPS_STATUS_NULL_POINTER);
    nps_policy_free(NULL);
    nps_calendar_free(NULL);
    nps_case_status_free(NULL);
    case_end();
    nps_policy_free(p);
}

/* ---- loading: bad text and every problem with its path --------------- */

static void policy_loading(void) {
    NpsPolicy *p = (NpsPolicy *)&p; /* a sentinel: must stay as it is */
    NpsPolicy *const sentinel = p;
    char path[64], tiny[4], msg[256];
    size_t n, i;
    char *text;

    case_begin("policy JSON: NULL with a length, empty, invalid UTF-8, truncated");
    CHECK_STATUS(nps_policy_from_json(NULL, 5, &p), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("json"));
    CHECK(p == sentinel);
    CHECK_U64("no problems for a NULL pointer", nps_last_error_problem_count(), 0);
    CHECK_STATUS(nps_policy_from_json(NULL, 0, &p), NPS_STATUS_INVALID_POLICY);
    CHECK(p == sentinel);
    CHECK_U64("one problem", nps_last_error_problem_count(), 1);
    CHECK_U64("root path", nps_last_error_problem_path(0, path, sizeof path), 0);
    CHECK_STR("root path", path, "");
    CHECK(nps_last_error_problem_message(0, msg, sizeof msg) > 0);
    CHECK_STATUS(nps_policy_from_json("{\"currency\": \"\xff\"}", 17, &p), NPS_STATUS_INVALID_UTF8);
    CHECK(message_contains("json"));
    CHECK(message_contains("14 valid bytes"));
    CHECK(p == sentinel);
    CHECK_STATUS(nps_policy_from_json("{\"currency\": \"CNY\"}", 10, &p),
                 NPS_STATUS_INVALID_POLICY);
    CHECK(p == sentinel);
    CHECK_STATUS(nps_policy_from_json("{}", 2, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_from_json("{\"currency\": 5}", 15, &p), NPS_STATUS_INVALID_POLICY);
    CHECK(has_problem("currency"));
    case_end();

    case_begin("a policy with several problems: every path retrievable");
    text = default_json();
    text = replace(text, "\"currency\": \"CNY\"", "\"currency\": \"ZZZ\"");
    text = replace(text, "\"warning_lead_seconds\": 1800", "\"warning_lead_seconds\": -5");
    text = replace(text, "\"calendar\": null",
                   "\"calendar\": {\"tz\": \"Mars/Base\", \"weekly\": {\"mon\": [[\"10:00\", "
                   "\"09:00\"]]}}");
    text = replace(text, "\"owner\": \"service_advisor\"", "\"owner\": \"janitor\"");
    CHECK(text != NULL);
    if (text != NULL) {
        CHECK_STATUS(nps_policy_from_json(text, strlen(text), &p), NPS_STATUS_INVALID_POLICY);
        CHECK(p == sentinel);
        CHECK_U64("status kept", nps_last_error_status(), NPS_STATUS_INVALID_POLICY);
        n = nps_last_error_problem_count();
        CHECK(n >= 5);
        CHECK(has_problem("currency"));
        CHECK(has_problem("warning_lead_seconds"));
        CHECK(has_problem("calendar.tz"));
        CHECK(has_problem("calendar.weekly.mon[0]"));
        CHECK(has_problem("tiers[2].owner")); /* tier B's owner is the advisor */
        for (i = 0; i < n; i++) {
            CHECK(nps_last_error_problem_message(i, NULL, 0) > 0);
        }
        /* The whole list is in the message too. */
        CHECK(message_contains("calendar.tz"));
        /* snprintf-style truncation of a path. */
        for (i = 0; i < n; i++) {
            nps_last_error_problem_path(i, path, sizeof path);
            if (strcmp(path, "calendar.weekly.mon[0]") == 0) break;
        }
        memset(tiny, SENTINEL, sizeof tiny);
        CHECK_U64("full length", nps_last_error_problem_path(i, tiny, sizeof tiny),
                  strlen("calendar.weekly.mon[0]"));
        CHECK(memcmp(tiny, "cal", 4) == 0);
        CHECK_U64("size query", nps_last_error_problem_message(i, NULL, 0),
                  nps_last_error_problem_message(i, msg, sizeof msg));
        /* Out of range: "" and 0. */
        memset(path, SENTINEL, sizeof path);
        CHECK_U64("out of range", nps_last_error_problem_path(n, path, sizeof path), 0);
        CHECK(path[0] == '\0');
        CHECK_U64("out of range", nps_last_error_problem_message((size_t)-1, NULL, 0), 0);
        /* The problems stay until the next call that returns a status. */
        CHECK_U64("still there", nps_last_error_problem_count(), n);
        CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);
        CHECK_U64("cleared by a success", nps_last_error_problem_count(), 0);
        nps_policy_free(p);
        p = sentinel;
    }
    free(text);
    case_end();

    case_begin("problems are per thread and only for invalid_policy");
    CHECK_STATUS(nps_policy_from_json("[]", 2, &p), NPS_STATUS_INVALID_POLICY);
    CHECK_U64("one", nps_last_error_problem_count(), 1);
    CHECK_STATUS(nps_policy_to_json(NULL, NULL, 0, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_U64("none for other errors", nps_last_error_problem_count(), 0);
    CHECK_U64("empty path", nps_last_error_problem_path(0, path, sizeof path), 0);
    case_end();
}

/* ---- triage ---------------------------------------------------------- */

static void triage(void) {
    NpsPolicy *p = NULL;
    NpsTriage t, many[3];
    NpsResponse r, rs[3];
    char mark[NPS_MARK_CAPACITY + 1];
    char *text;

    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);

    case_begin("triage: a red detractor (SPEC 4.1, 4.2)");
    r = response(2, T0, false, false);
    memset(&t, SENTINEL, sizeof t);
    CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_OK);
    CHECK_U64("category", t.category, NPS_CATEGORY_DETRACTOR);
    CHECK_U64("alert", t.alert, NPS_ALERT_RED);
    CHECK_U64("tier", t.tier, NPS_TIER_S);
    CHECK_U64("owner", t.owner, MANAGER);
    CHECK(t.has_acknowledge_by && t.acknowledge_by == T0 + 2 * HOUR); /* red: 2 h */
    CHECK(t.has_contact_by && t.contact_by == T0 + 2 * HOUR);         /* tier S: 2 h */
    CHECK(t.has_compensation_cap && t.compensation_cap.minor == 500000); /* 5000 yuan */
    CHECK_STR("cap currency", t.compensation_cap.currency, "CNY");
    CHECK(!t.escalate_immediately);
    CHECK_U64("escalate_to", t.escalate_to, REGIONAL);
    CHECK(t.has_mark);
    CHECK_STR("mark", t.mark, "urgent");
    CHECK_U64("mark_len", t.mark_len, 6);
    case_end();

    case_begin("triage: passive 7, promoter, high value, public-opinion risk");
    r = response(7, T0, false, false);
    CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_OK);
    CHECK_U64("7 alert", t.alert, NPS_ALERT_ORANGE);
    CHECK_U64("7 tier", t.tier, NPS_TIER_NONE);
    CHECK_U64("7 owner", t.owner, ADVISOR); /* the notified role */
    CHECK(t.has_acknowledge_by && t.acknowledge_by == T0 + 72 * HOUR);
    CHECK(!t.has_contact_by && t.contact_by == 0);
    CHECK(!t.has_compensation_cap && t.compensation_cap.minor == 0);
    CHECK_U64("7 escalate_to", t.escalate_to, NPS_ROLE_NONE);
    CHECK(!t.has_mark && t.mark[0] == '\0' && t.mark_len == 0);
    r = response(10, T0, true, true);
    CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_OK);
    CHECK_U64("10 category", t.category, NPS_CATEGORY_PROMOTER);
    CHECK_U64("10 alert", t.alert, NPS_ALERT_NONE);
    CHECK_U64("10 owner", t.owner, NPS_ROLE_NONE);
    CHECK(!t.has_acknowledge_by && !t.escalate_immediately);
    r = response(6, T0, true, false);
    CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_OK);
    CHECK_U64("6 high value tier", t.tier, NPS_TIER_A);
    CHECK(t.compensation_cap.minor == 200000 && t.contact_by == T0 + 6 * HOUR);
    r = response(5, T0, false, true);
    CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_OK);
    CHECK_U64("5 risk tier", t.tier, NPS_TIER_S);
    CHECK(t.escalate_immediately);
    CHECK_U64("5 risk escalate_to", t.escalate_to, REGIONAL);
    case_end();

    case_begin("triage: bad input");
    r = response(11, T0, false, false);
    memset(&t, SENTINEL, sizeof t);
    CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_INVALID_SCORE);
    CHECK(untouched(&t, sizeof t));
    CHECK_U64("row", last_index(), 0);
    r = response(3, INT64_MAX, false, false);
    CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_INVALID_TIMESTAMP);
    CHECK(untouched(&t, sizeof t));
    CHECK_U64("row", last_index(), 0);
    CHECK_STATUS(nps_policy_triage(NULL, &r, &t), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_triage(p, NULL, &t), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("response"));
    CHECK_STATUS(nps_policy_triage(p, &r, NULL), NPS_STATUS_NULL_POINTER);
    CHECK(untouched(&t, sizeof t));
    case_end();

    case_begin("triage_many: all or nothing, first invalid row");
    rs[0] = response(9, T0, false, false);
    rs[1] = response(0, T0 + 60, false, false);
    rs[2] = response(7, T0 + 120, false, false);
    CHECK_STATUS(nps_policy_triage_many(p, rs, 3, many), NPS_STATUS_OK);
    CHECK_U64("row 0", many[0].alert, NPS_ALERT_NONE);
    CHECK_U64("row 1", many[1].alert, NPS_ALERT_RED);
    CHECK(many[1].acknowledge_by == T0 + 60 + 2 * HOUR);
    CHECK_U64("row 2", many[2].alert, NPS_ALERT_ORANGE);
    rs[1].score = 12;
    rs[2].score = 200;
    memset(many, SENTINEL, sizeof many);
    CHECK_STATUS(nps_policy_triage_many(p, rs, 3, many), NPS_STATUS_INVALID_SCORE);
    CHECK_U64("first invalid row", last_index(), 1);
    CHECK(untouched(many, sizeof many));
    CHECK_STATUS(nps_policy_triage_many(p, NULL, 3, many), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("responses"));
    CHECK_STATUS(nps_policy_triage_many(p, rs, 3, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_triage_many(p, NULL, 0, NULL), NPS_STATUS_OK);
    CHECK_STATUS(nps_policy_triage_many(NULL, NULL, 0, NULL), NPS_STATUS_NULL_POINTER);
    CHECK(untouched(many, sizeof many));
    case_end();
    nps_policy_free(p);

    case_begin("a marking longer than NPS_MARK_CAPACITY is cut at a character");
    /* 12 three-byte characters = 36 bytes; 31 bytes of room hold 10 (30). */
    text = replace(default_json(), "\"mark\": \"urgent\"",
                   "\"mark\": \"\xe7\xb4\xa7\xe6\x80\xa5\xe7\xb4\xa7\xe6\x80\xa5\xe7\xb4\xa7\xe6"
                   "\x80\xa5\xe7\xb4\xa7\xe6\x80\xa5\xe7\xb4\xa7\xe6\x80\xa5\xe7\xb4\xa7\xe6\x80"
                   "\xa5\"");
    p = load(text);
    free(text);
    r = response(0, T0, false, false);
    if (p != NULL) {
        CHECK_STATUS(nps_policy_triage(p, &r, &t), NPS_STATUS_OK);
        memcpy(mark, t.mark, NPS_MARK_CAPACITY);
        mark[NPS_MARK_CAPACITY] = '\0';
        CHECK(t.has_mark);
        CHECK_U64("mark_len", t.mark_len, 36);
        CHECK_U64("bytes kept", strlen(mark), 30);
        CHECK(memcmp(mark, "\xe7\xb4\xa7\xe6\x80\xa5", 6) == 0);
    }
    nps_policy_free(p);
    case_end();
}

/* ---- triage over columns --------------------------------------------- */

static int same_triage(const NpsTriage *a, const NpsTriage *b) {
    return a->category == b->category && a->alert == b->alert && a->tier == b->tier &&
           a->owner == b->owner && a->has_acknowledge_by == b->has_acknowledge_by &&
           a->acknowledge_by == b->acknowledge_by && a->has_contact_by == b->has_contact_by &&
           a->contact_by == b->contact_by && a->has_compensation_cap == b->has_compensation_cap &&
           a->compensation_cap.minor == b->compensation_cap.minor &&
           strcmp(a->compensation_cap.currency, b->compensation_cap.currency) == 0 &&
           a->escalate_immediately == b->escalate_immediately &&
           a->escalate_to == b->escalate_to && a->has_mark == b->has_mark &&
           strcmp(a->mark, b->mark) == 0 && a->mark_len == b->mark_len;
}

#define COLUMN_ROWS 2000

/* The columnar triage of pseudo-random responses (every score, both flags,
 * instants over a year with repeats) against nps_policy_triage of each
 * response and nps_policy_triage_many: rows, classes, templates and the
 * deadline columns; then its errors. */
static void triage_columns_under(const NpsPolicy *p) {
    static uint8_t scores[COLUMN_ROWS];
    static int64_t at[COLUMN_ROWS];
    static bool hv[COLUMN_ROWS], risk[COLUMN_ROWS];
    static NpsResponse rs[COLUMN_ROWS];
    static NpsTriage many[COLUMN_ROWS];
    NpsTriageTable *t = NULL, *plain = NULL, *untouched_handle = (NpsTriageTable *)&scores[0];
    NpsTriageColumns c;
    NpsTriage one, row, tpl;
    uint64_t x = 12345;
    size_t i, mismatches = 0;
    for (i = 0; i < COLUMN_ROWS; i++) {
        x = x * UINT64_C(6364136223846793005) + 1;
        scores[i] = (uint8_t)((x >> 33) % 11);
        at[i] = i % 3 == 2 ? at[i / 2] : T0 + (int64_t)((x >> 20) % (400 * 24 * HOUR));
        hv[i] = (x >> 7) % 5 == 0;
        risk[i] = (x >> 11) % 7 == 0;
        rs[i] = response(scores[i], at[i], hv[i], risk[i]);
    }
    CHECK_STATUS(nps_policy_triage_many(p, rs, COLUMN_ROWS, many), NPS_STATUS_OK);
    CHECK_STATUS(nps_policy_triage_columns(p, scores, at, hv, risk, COLUMN_ROWS, &t), NPS_STATUS_OK);
    CHECK_STATUS(nps_triage_table_columns(t, &c), NPS_STATUS_OK);
    CHECK_U64("rows", c.len, COLUMN_ROWS);
    for (i = 0; i < COLUMN_ROWS && c.len == COLUMN_ROWS; i++) {
        unsigned expect_class = (unsigned)scores[i] << 2 | (unsigned)hv[i] << 1 | (unsigned)risk[i];
        if (nps_policy_triage(p, &rs[i], &one) != NPS_STATUS_OK ||
            nps_triage_table_get(t, i, &row) != NPS_STATUS_OK ||
            nps_triage_table_template(t, c.classes[i], &tpl) != NPS_STATUS_OK ||
            !same_triage(&one, &many[i]) || !same_triage(&one, &row) ||
            c.classes[i] != expect_class || c.submitted_at[i] != at[i] ||
            c.acknowledge_by[i] != (one.has_acknowledge_by ? one.acknowledge_by : NPS_NO_DEADLINE) ||
            c.contact_by[i] != (one.has_contact_by ? one.contact_by : NPS_NO_DEADLINE) ||
            tpl.has_acknowledge_by || tpl.has_contact_by || tpl.owner != one.owner ||
            tpl.alert != one.alert || tpl.tier != one.tier) {
            mismatches++;
        }
    }
    CHECK_U64("rows unlike the triage of each response", mismatches, 0);
    CHECK_STATUS(nps_triage_table_get(t, COLUMN_ROWS, &row), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_triage_table_template(t, NPS_TRIAGE_CLASSES, &tpl),
                 NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_triage_table_columns(NULL, &c), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_triage_table_columns(t, NULL), NPS_STATUS_NULL_POINTER);
    /* Without flag columns: every flag false. */
    CHECK_STATUS(nps_policy_triage_columns(p, scores, at, NULL, NULL, COLUMN_ROWS, &plain),
                 NPS_STATUS_OK);
    rs[7] = response(scores[7], at[7], false, false);
    CHECK_STATUS(nps_policy_triage(p, &rs[7], &one), NPS_STATUS_OK);
    CHECK_STATUS(nps_triage_table_get(plain, 7, &row), NPS_STATUS_OK);
    CHECK(same_triage(&one, &row));
    /* All or nothing: the first invalid row, *out untouched. */
    scores[300] = 11;
    scores[400] = 12;
    CHECK_STATUS(nps_policy_triage_columns(p, scores, at, hv, risk, COLUMN_ROWS,
                                           &untouched_handle),
                 NPS_STATUS_INVALID_SCORE);
    CHECK_U64("first invalid row", last_index(), 300);
    scores[300] = 3;
    at[200] = INT64_MAX;
    CHECK_STATUS(nps_policy_triage_columns(p, scores, at, hv, risk, COLUMN_ROWS,
                                           &untouched_handle),
                 NPS_STATUS_INVALID_TIMESTAMP);
    CHECK_U64("first invalid row", last_index(), 200);
    CHECK(untouched_handle == (NpsTriageTable *)&scores[0]);
    CHECK_STATUS(nps_policy_triage_columns(p, NULL, at, NULL, NULL, 3, &plain),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_triage_columns(p, scores, at, NULL, NULL, 3, NULL),
                 NPS_STATUS_NULL_POINTER);
    nps_triage_table_free(t);
    nps_triage_table_free(plain);
    nps_triage_table_free(NULL);
}

static void triage_columns(void) {
    NpsPolicy *p = NULL;
    char *text;
    int k;
    case_begin("triage over columns: the triage of each row (default policy)");
    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);
    if (p != NULL) triage_columns_under(p);
    nps_policy_free(p);
    case_end();

    case_begin("triage over columns: business hours on a calendar with a holiday");
    text = replace(default_json(), "\"calendar\": null",
                   "\"calendar\": {\"tz\": \"Europe/Berlin\", \"weekly\": {"
                   "\"mon\": [[\"08:00\", \"12:00\"], [\"13:00\", \"17:30\"]], "
                   "\"tue\": [[\"09:00\", \"17:00\"]], \"wed\": [[\"09:00\", \"17:00\"]], "
                   "\"fri\": [[\"09:00\", \"16:00\"]], \"sun\": [[\"01:30\", \"03:30\"]]}, "
                   "\"holidays\": [\"2025-12-25\"]}");
    /* The three alert clocks and the S and A tier clocks in business time. */
    for (k = 0; k < 5; k++) text = replace(text, "\"unit\": \"wall\"", "\"unit\": \"business\"");
    p = load(text);
    free(text);
    if (p != NULL) triage_columns_under(p);
    nps_policy_free(p);
    case_end();
}

/* ---- required approver ----------------------------------------------- */

static void approver(void) {
    NpsPolicy *p = NULL;
    NpsItem items[4];
    NpsApproval a;
    NpsApprovalOptions o;
    NpsRate rate;
    uint32_t path[3], one[1];
    double needed = 0;

    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);

    case_begin("approval: SPEC 4.3 package within the S cap");
    /* 1800 + 300 + 2000 (loss) + 500 (emotional) = 4600 yuan: above the
     * advisor's 500, within the manager's 5000 for tier S. */
    items[0] = item(180000, "CNY", NPS_LAYER_LOSS_COMPENSATION);
    items[1] = item(30000, "CNY", NPS_LAYER_LOSS_COMPENSATION);
    items[2] = item(200000, "CNY", NPS_LAYER_LOSS_COMPENSATION);
    items[3] = item(50000, "CNY", NPS_LAYER_EMOTIONAL_REPAIR);
    memset(path, SENTINEL, sizeof path);
    CHECK_STATUS(nps_policy_required_approver(p, items, 4, NPS_TIER_S, NULL, &a, path, 3),
                 NPS_STATUS_OK);
    CHECK(a.approved);
    CHECK_U64("approver", a.approver, MANAGER);
    CHECK_U64("path length", a.path_count, 2);
    CHECK(path[0] == ADVISOR && path[1] == MANAGER);
    CHECK(untouched(&path[2], sizeof path[2]));
    CHECK_U64("total", (uint64_t)a.total.minor, 460000);
    CHECK_STR("total currency", a.total.currency, "CNY");
    CHECK(a.by_layer_minor[NPS_LAYER_PROBLEM_REPAIR] == 0);
    CHECK(a.by_layer_minor[NPS_LAYER_LOSS_COMPENSATION] == 410000);
    CHECK(a.by_layer_minor[NPS_LAYER_EMOTIONAL_REPAIR] == 50000);
    CHECK(a.within_cap);
    case_end();

    case_begin("approval: inclusive limits, empty package, no path wanted");
    items[0] = item(50000, "CNY", NPS_LAYER_PROBLEM_REPAIR); /* exactly 500.00 */
    CHECK_STATUS(nps_policy_required_approver(p, items, 1, NPS_TIER_B, NULL, &a, NULL, 0),
                 NPS_STATUS_OK);
    CHECK_U64("500.00 on B", a.approver, ADVISOR);
    CHECK(a.within_cap && a.path_count == 1);
    items[0].minor = 50001; /* 500.01: above the advisor and the B cap */
    CHECK_STATUS(nps_policy_required_approver(p, items, 1, NPS_TIER_B, NULL, &a, NULL, 0),
                 NPS_STATUS_OK);
    CHECK_U64("500.01 on B", a.approver, MANAGER);
    CHECK(!a.within_cap);
    CHECK_STATUS(nps_policy_required_approver(p, NULL, 0, NPS_TIER_NONE, NULL, &a, NULL, 0),
                 NPS_STATUS_OK);
    CHECK(a.approved && a.approver == ADVISOR && a.total.minor == 0 && a.within_cap);
    case_end();

    case_begin("approval: rates and granted amounts in other currencies");
    memset(&o, 0, sizeof o);
    memset(&rate, 0, sizeof rate);
    memcpy(rate.from, "USD", 3);
    memcpy(rate.to, "CNY", 3);
    rate.rate = "7.1234";
    o.rates = &rate;
    o.rates_len = 1;
    items[0] = item(10000, "USD", NPS_LAYER_LOSS_COMPENSATION); /* 100 USD = 712.34 CNY */
    CHECK_STATUS(nps_policy_required_approver(p, items, 1, NPS_TIER_A, &o, &a, NULL, 0),
                 NPS_STATUS_OK);
    CHECK_U64("converted total", (uint64_t)a.total.minor, 71234);
    CHECK_U64("above the advisor's 500", a.approver, MANAGER);
    /* 1900 yuan granted before on the case: 712.34 more breaks the A cap
     * of 2000 but not the manager's limit... which is the same 2000: the
     * regional manager approves. */
    o.has_granted_case = true;
    o.granted_case.minor = 190000;
    memcpy(o.granted_case.currency, "CNY", 3);
    CHECK_STATUS(nps_policy_required_approver(p, items, 1, NPS_TIER_A, &o, &a, path, 3),
                 NPS_STATUS_OK);
    CHECK(!a.within_cap);
    CHECK_U64("approver", a.approver, REGIONAL);
    CHECK_U64("path", a.path_count, 3);
    CHECK_U64("package total only", (uint64_t)a.total.minor, 71234);
    case_end();

    case_begin("approval: bad items, rates, tiers, buffers");
    memset(&a, SENTINEL, sizeof a);
    items[0] = item(100, "CNY", NPS_LAYER_PROBLEM_REPAIR);
    items[1] = item(100, "XYZ", NPS_LAYER_PROBLEM_REPAIR);
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("item [1]"));
    CHECK(message_contains("XYZ"));
    items[1] = item(100, "CNYX", NPS_LAYER_PROBLEM_REPAIR); /* four letters, no NUL */
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    items[1] = item(100, "\xff\xfe", NPS_LAYER_PROBLEM_REPAIR);
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_INVALID_UTF8);
    CHECK_U64("row", last_index(), 1);
    items[1] = item(100, "USD", NPS_LAYER_PROBLEM_REPAIR); /* no rate */
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("item [1]"));
    items[1] = item(-1, "CNY", NPS_LAYER_PROBLEM_REPAIR);
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("negative"));
    items[1] = item(100, "CNY", 3); /* out-of-range layer */
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("NpsLayer"));
    items[1] = item(100, "CNY", NPS_LAYER_PROBLEM_REPAIR);
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, 4, NULL, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("NpsTier"));
    CHECK_STATUS(nps_policy_required_approver(p, NULL, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_required_approver(NULL, items, 2, NPS_TIER_S, NULL, &a, NULL, 0),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, NULL, NULL, 0),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, NULL, &a, NULL, 3),
                 NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("path"));
    memset(&o, 0, sizeof o);
    rate.rate = NULL;
    o.rates = &rate;
    o.rates_len = 1;
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, &o, &a, NULL, 0),
                 NPS_STATUS_NULL_POINTER);
    CHECK_U64("rate row", last_index(), 0);
    rate.rate = "1e3";
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, &o, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("rate [0]"));
    o.rates = NULL; /* NULL with a length */
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, &o, &a, NULL, 0),
                 NPS_STATUS_NULL_POINTER);
    memset(&o, 0, sizeof o);
    o.has_granted_customer = true;
    memcpy(o.granted_customer.currency, "ZZZ", 3);
    CHECK_STATUS(nps_policy_required_approver(p, items, 2, NPS_TIER_S, &o, &a, NULL, 0),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("granted_customer"));
    CHECK(untouched(&a, sizeof a));
    /* A path buffer too small: the count needed is reported. */
    items[0] = item(300000, "CNY", NPS_LAYER_LOSS_COMPENSATION);
    one[0] = 77;
    CHECK_STATUS(nps_policy_required_approver(p, items, 1, NPS_TIER_S, NULL, &a, one, 1),
                 NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK(nps_last_error_value(&needed) && needed == 2.0);
    CHECK(one[0] == 77);
    CHECK(untouched(&a, sizeof a));
    case_end();
    nps_policy_free(p);
}

/* ---- calendars ------------------------------------------------------- */

#define NINE_TO_FIVE                                                                          \
    "{\"tz\": \"UTC\", \"weekly\": {\"mon\": [[\"09:00\", \"17:00\"]], \"tue\": [[\"09:00\", " \
    "\"17:00\"]], \"wed\": [[\"09:00\", \"17:00\"]], \"thu\": [[\"09:00\", \"17:00\"]], "     \
    "\"fri\": [[\"09:00\", \"17:00\"]]}}"

/* Fri 2025-06-13 17:00 UTC, Sat 11:00, Mon 10:00, Mon 17:00. */
#define FRI17 INT64_C(1749834000)
#define SAT11 INT64_C(1749898800)
#define MON10 INT64_C(1750068000)
#define MON17 INT64_C(1750093200)

static NpsDuration duration(uint32_t unit, int64_t amount) {
    NpsDuration d;
    d.unit = unit;
    d.amount = amount;
    return d;
}

static void calendars(void) {
    NpsPolicy *p = NULL;
    NpsCalendar *cal = NULL, *again = NULL;
    NpsCalendar *const sentinel = (NpsCalendar *)&cal;
    NpsCalendar *c2 = sentinel;
    NpsPause pause[2];
    int64_t out = 0, before;
    bool open = false;
    char *text, *json = NULL;
    size_t n = 0;

    case_begin("a policy's calendar outlives the policy");
    text = replace(default_json(), "\"calendar\": null", "\"calendar\": " NINE_TO_FIVE);
    p = load(text);
    free(text);
    CHECK(nps_policy_has_calendar(p));
    CHECK_STATUS(nps_policy_calendar(p, &cal), NPS_STATUS_OK);
    nps_policy_free(p);
    /* Fri 17:00 + 8 business hours on 09-17: Mon 17:00 (closing-time rule). */
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(NPS_DURATION_UNIT_BUSINESS_SECONDS,
                                                            8 * HOUR),
                                       NULL, 0, &out),
                 NPS_STATUS_OK);
    CHECK(out == MON17);
    CHECK_STATUS(nps_calendar_elapsed(cal, FRI17, MON17, NULL, 0, &out), NPS_STATUS_OK);
    CHECK(out == 8 * HOUR);
    /* A start outside hours counts from the next opening. */
    CHECK_STATUS(nps_calendar_deadline(cal, SAT11, duration(NPS_DURATION_UNIT_BUSINESS_SECONDS,
                                                            HOUR),
                                       NULL, 0, &out),
                 NPS_STATUS_OK);
    CHECK(out == MON10);
    /* One business day from Friday's close: the close of Monday. */
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(NPS_DURATION_UNIT_BUSINESS_DAYS, 1),
                                       NULL, 0, &out),
                 NPS_STATUS_OK);
    CHECK(out == MON17);
    /* A pause on Monday 09:00-10:00 pushes the 8 hours one hour on: Tue 10:00. */
    pause[0].start = MON10 - HOUR;
    pause[0].end = MON10;
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(NPS_DURATION_UNIT_BUSINESS_SECONDS,
                                                            8 * HOUR),
                                       pause, 1, &out),
                 NPS_STATUS_OK);
    CHECK(out == MON10 + 24 * HOUR);
    CHECK_STATUS(nps_calendar_is_open(cal, MON10, &open), NPS_STATUS_OK);
    CHECK(open);
    CHECK_STATUS(nps_calendar_is_open(cal, SAT11, &open), NPS_STATUS_OK);
    CHECK(!open);
    case_end();

    case_begin("calendar JSON round trip and wall-clock time");
    CHECK_STATUS(nps_calendar_to_json(cal, NULL, 0, &n), NPS_STATUS_BUFFER_TOO_SMALL);
    json = malloc(n + 1);
    if (json != NULL) {
        CHECK_STATUS(nps_calendar_to_json(cal, json, n + 1, NULL), NPS_STATUS_OK);
        CHECK(strstr(json, "\"tz\": \"UTC\"") != NULL);
        CHECK_STATUS(nps_calendar_from_json(json, n, &again), NPS_STATUS_OK);
        CHECK_STATUS(nps_calendar_elapsed(again, FRI17, MON17, NULL, 0, &out), NPS_STATUS_OK);
        CHECK(out == 8 * HOUR);
    }
    free(json);
    nps_calendar_free(again);
    /* 2 h from t = 0 with a pause 600..2400: due at 2 h 30 min. */
    pause[0].start = 600;
    pause[0].end = 2400;
    CHECK_STATUS(nps_wall_deadline(0, 2 * HOUR, pause, 1, &out), NPS_STATUS_OK);
    CHECK(out == 9000);
    CHECK_STATUS(nps_wall_elapsed(0, 9000, pause, 1, &out), NPS_STATUS_OK);
    CHECK(out == 2 * HOUR);
    CHECK_STATUS(nps_calendar_deadline(cal, 0, duration(NPS_DURATION_UNIT_WALL_SECONDS, 2 * HOUR),
                                       pause, 1, &out),
                 NPS_STATUS_OK);
    CHECK(out == 9000);
    {
        NpsDuration zero;
        memset(&zero, 0, sizeof zero); /* zero-initialised: 0 wall seconds */
        CHECK_STATUS(nps_calendar_deadline(cal, FRI17, zero, NULL, 0, &out), NPS_STATUS_OK);
        CHECK(out == FRI17);
    }
    case_end();

    case_begin("calendar: bad durations, pauses, instants, handles");
    before = out = 4242;
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(3, 1), NULL, 0, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("NpsDurationUnit"));
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(NPS_DURATION_UNIT_BUSINESS_DAYS, -1),
                                       NULL, 0, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17,
                                       duration(NPS_DURATION_UNIT_BUSINESS_DAYS, INT64_C(1) << 40),
                                       NULL, 0, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(NPS_DURATION_UNIT_BUSINESS_DAYS, 0),
                                       NULL, 0, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17,
                                       duration(NPS_DURATION_UNIT_BUSINESS_SECONDS, -1), NULL, 0,
                                       &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(NPS_DURATION_UNIT_WALL_SECONDS, -1),
                                       NULL, 0, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_calendar_deadline(cal, INT64_MAX, duration(NPS_DURATION_UNIT_WALL_SECONDS, 1),
                                       NULL, 0, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_calendar_deadline(cal, FRI17, duration(NPS_DURATION_UNIT_WALL_SECONDS, 1),
                                       NULL, 2, &out),
                 NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("pauses"));
    pause[0].start = 100;
    pause[0].end = 50;
    CHECK_STATUS(nps_calendar_deadline(cal, 0, duration(NPS_DURATION_UNIT_WALL_SECONDS, 1), pause,
                                       1, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("pause [0]"));
    CHECK_STATUS(nps_calendar_elapsed(cal, MON17, FRI17, NULL, 0, &out),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_wall_deadline(0, 10, pause, 1, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_wall_elapsed(10, 0, NULL, 0, &out), NPS_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(nps_wall_elapsed(0, 10, NULL, 1, &out), NPS_STATUS_NULL_POINTER);
    CHECK(out == before);
    CHECK_STATUS(nps_calendar_deadline(NULL, 0, duration(0, 0), NULL, 0, &out),
                 NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("calendar"));
    CHECK_STATUS(nps_calendar_deadline(cal, 0, duration(0, 0), NULL, 0, NULL),
                 NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_calendar_elapsed(NULL, 0, 0, NULL, 0, &out), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_calendar_is_open(NULL, 0, &open), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_calendar_is_open(cal, 0, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_calendar_to_json(NULL, NULL, 0, NULL), NPS_STATUS_NULL_POINTER);
    CHECK(out == before);
    case_end();
    nps_calendar_free(cal);

    case_begin("calendar JSON with problems; a policy without calendar");
    text = "{\"tz\": \"Mars/Base\", \"weekly\": {\"mon\": [[\"10:00\", \"09:00\"]], "
           "\"funday\": [[\"09:00\", \"10:00\"]]}, \"holidays\": [\"2025-10-01\", "
           "\"2025-10-01\"]}";
    CHECK_STATUS(nps_calendar_from_json(text, strlen(text), &c2), NPS_STATUS_INVALID_POLICY);
    CHECK(c2 == sentinel);
    CHECK(has_problem("tz"));
    CHECK(has_problem("weekly.mon[0]"));
    CHECK(has_problem("weekly.funday"));
    CHECK(has_problem("holidays[1]"));
    CHECK_STATUS(nps_calendar_from_json(NULL, 3, &c2), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_calendar_from_json("{\"tz\": \"\xc3\"}", 11, &c2), NPS_STATUS_INVALID_UTF8);
    CHECK_STATUS(nps_calendar_from_json("{}", 2, NULL), NPS_STATUS_NULL_POINTER);
    CHECK(c2 == sentinel);
    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);
    CHECK_STATUS(nps_policy_calendar(p, &c2), NPS_STATUS_INVALID_ARGUMENT);
    CHECK(message_contains("calendar"));
    CHECK(c2 == sentinel);
    CHECK_STATUS(nps_policy_calendar(NULL, &c2), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_calendar(p, NULL), NPS_STATUS_NULL_POINTER);
    nps_policy_free(p);
    case_end();
}

/* ---- case status ----------------------------------------------------- */

static void case_status(void) {
    NpsPolicy *p = NULL;
    NpsCaseStatus *s = NULL;
    NpsCaseStatus *const sentinel = (NpsCaseStatus *)&s;
    NpsCaseStatus *s2 = sentinel;
    NpsCaseStatusInfo info;
    NpsDeadline d;
    NpsCaseEvent e;
    NpsProgress g;
    NpsResponse r = response(1, T0, false, false);
    char key[64], tiny[8];
    size_t len = 0, i;
    /* A red, tier-S case: acknowledge and contact both due T0 + 2 h, warned
     * 30 min before (T0 + 1.5 h). One second past T0 + 2 h with nothing
     * done: both breached; the acknowledgement breach escalates to the
     * regional manager. Events sorted by (at, key). */
    static const char *keys[5] = {"c-1:acknowledge:warned", "c-1:contact:warned",
                                  "c-1:acknowledge:breached", "c-1:acknowledge:escalated",
                                  "c-1:contact:breached"};
    static const uint32_t kinds[5] = {NPS_EVENT_KIND_WARNED, NPS_EVENT_KIND_WARNED,
                                      NPS_EVENT_KIND_BREACHED, NPS_EVENT_KIND_ESCALATED,
                                      NPS_EVENT_KIND_BREACHED};

    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);

    case_begin("case status: a red alert not acknowledged in time escalates");
    CHECK_STATUS(nps_policy_case_status(p, &r, NULL, T0 + 2 * HOUR + 1, "c-1", &s), NPS_STATUS_OK);
    CHECK_STATUS(nps_case_status_info(s, &info), NPS_STATUS_OK);
    CHECK_U64("deadlines", info.deadline_count, 2);
    CHECK_U64("events", info.event_count, 5);
    CHECK(!info.has_next_fire_at);
    CHECK_STATUS(nps_case_status_deadline(s, 0, &d), NPS_STATUS_OK);
    CHECK_U64("kind", d.kind, NPS_DEADLINE_KIND_ACKNOWLEDGE);
    CHECK(d.due == T0 + 2 * HOUR && d.warn_at == T0 + 2 * HOUR - 1800);
    CHECK_U64("state", d.state, NPS_DEADLINE_STATE_BREACHED);
    CHECK(!d.has_met_at);
    CHECK_U64("escalate_to", d.escalate_to, REGIONAL);
    CHECK_STATUS(nps_case_status_deadline(s, 1, &d), NPS_STATUS_OK);
    CHECK_U64("kind", d.kind, NPS_DEADLINE_KIND_CONTACT);
    CHECK_U64("escalate_to", d.escalate_to, NPS_ROLE_NONE);
    for (i = 0; i < 5; i++) {
        CHECK_STATUS(nps_case_status_event(s, i, &e), NPS_STATUS_OK);
        CHECK_STATUS(nps_case_status_event_key(s, i, key, sizeof key, &len), NPS_STATUS_OK);
        CHECK_STR("key", key, keys[i]);
        CHECK_U64("key length", len, strlen(keys[i]));
        CHECK_U64("event kind", e.kind, kinds[i]);
        CHECK(e.at == (i < 2 ? T0 + 2 * HOUR - 1800 : T0 + 2 * HOUR + 1));
        CHECK_U64("to", e.to, kinds[i] == NPS_EVENT_KIND_ESCALATED ? REGIONAL : NPS_ROLE_NONE);
    }
    case_end();

    case_begin("case status: accessors out of range, small key buffer");
    memset(&d, SENTINEL, sizeof d);
    memset(&e, SENTINEL, sizeof e);
    CHECK_STATUS(nps_case_status_deadline(s, 2, &d), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_U64("index", last_index(), 2);
    CHECK_STATUS(nps_case_status_event(s, 5, &e), NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK(untouched(&d, sizeof d) && untouched(&e, sizeof e));
    memset(tiny, SENTINEL, sizeof tiny);
    CHECK_STATUS(nps_case_status_event_key(s, 0, tiny, sizeof tiny, &len),
                 NPS_STATUS_BUFFER_TOO_SMALL);
    CHECK(untouched(tiny, sizeof tiny));
    CHECK_U64("needed", len, strlen(keys[0]));
    CHECK_STATUS(nps_case_status_event_key(s, 9, key, sizeof key, NULL),
                 NPS_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(nps_case_status_info(NULL, &info), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_status_info(s, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_status_deadline(NULL, 0, &d), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_case_status_event(s, 0, NULL), NPS_STATUS_NULL_POINTER);
    case_end();
    nps_case_status_free(s);
    s = NULL;

    case_begin("case status: progress met in time; next fire instant");
    memset(&g, 0, sizeof g);
    g.has_acknowledged_at = true;
    g.acknowledged_at = T0 + HOUR;
    CHECK_STATUS(nps_policy_case_status(p, &r, &g, T0 + HOUR, "c-1", &s), NPS_STATUS_OK);
    CHECK_STATUS(nps_case_status_info(s, &info), NPS_STATUS_OK);
    CHECK_U64("events", info.event_count, 0);
    /* Contact still pending: it warns at T0 + 1.5 h. */
    CHECK(info.has_next_fire_at && info.next_fire_at == T0 + 2 * HOUR - 1800);
    CHECK_STATUS(nps_case_status_deadline(s, 0, &d), NPS_STATUS_OK);
    CHECK_U64("state", d.state, NPS_DEADLINE_STATE_MET);
    CHECK(d.has_met_at && d.met_at == T0 + HOUR);
    CHECK_STATUS(nps_case_status_deadline(s, 1, &d), NPS_STATUS_OK);
    CHECK_U64("state", d.state, NPS_DEADLINE_STATE_PENDING);
    nps_case_status_free(s);
    case_end();

    case_begin("case status: bad input");
    CHECK_STATUS(nps_policy_case_status(p, &r, NULL, T0, NULL, &s2), NPS_STATUS_NULL_POINTER);
    CHECK(message_contains("case_id"));
    CHECK_STATUS(nps_policy_case_status(p, &r, NULL, T0, "c-\xff", &s2), NPS_STATUS_INVALID_UTF8);
    CHECK_STATUS(nps_policy_case_status(p, NULL, NULL, T0, "c", &s2), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_case_status(NULL, &r, NULL, T0, "c", &s2), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_case_status(p, &r, NULL, T0, "c", NULL), NPS_STATUS_NULL_POINTER);
    r.score = 11;
    CHECK_STATUS(nps_policy_case_status(p, &r, NULL, T0, "c", &s2), NPS_STATUS_INVALID_SCORE);
    CHECK(s2 == sentinel);
    case_end();
    nps_policy_free(p);
}

/* ---- early warnings -------------------------------------------------- */

static void early_warnings(void) {
    NpsPolicy *p = NULL;
    NpsVisit v;
    NpsVisitAssessment a;
    /* "This is too outrageous, I will complain": 离谱 and 投诉 are on the
     * default Chinese list. */
    const char *messages[2] = {"\xe8\xbf\x99\xe4\xb9\x9f\xe5\xa4\xaa\xe7\xa6\xbb\xe8\xb0\xb1\xe4"
                               "\xba\x86\xef\xbc\x8c\xe6\x88\x91\xe8\xa6\x81\xe6\x8a\x95\xe8\xaf"
                               "\x89",
                               NULL};
    const uint8_t ratings[3] = {5, 3, 2};
    const uint8_t bad_ratings[3] = {5, 0, 2};
    size_t i;

    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);

    case_begin("early warnings: all three rules and a retention call (SPEC 4.6)");
    memset(&v, 0, sizeof v);
    v.has_promised_at = true;
    v.promised_at = T0;
    v.now = T0 + 45 * 60; /* 45 min past the promise: >= 30 */
    v.progress_inquiries = 2;
    v.messages = messages;
    v.messages_len = 1;
    v.ratings = ratings; /* 3 then 2: two consecutive below 4 stars */
    v.ratings_len = 3;
    memset(&a, SENTINEL, sizeof a);
    CHECK_STATUS(nps_policy_assess_visit(p, &v, &a), NPS_STATUS_OK);
    CHECK_U64("level", a.level, NPS_ALERT_RED);
    CHECK_U64("warnings", a.warning_count, 3);
    CHECK(a.warnings[0].rule == NPS_WARNING_RULE_ANGRY_WORDING &&
          a.warnings[0].level == NPS_ALERT_RED);
    CHECK(a.warnings[1].rule == NPS_WARNING_RULE_PROGRESS_INQUIRIES &&
          a.warnings[1].level == NPS_ALERT_ORANGE);
    CHECK(a.warnings[2].rule == NPS_WARNING_RULE_WAITING &&
          a.warnings[2].level == NPS_ALERT_YELLOW);
    for (i = 3; i < NPS_MAX_WARNINGS; i++) {
        CHECK(a.warnings[i].rule == 0 && a.warnings[i].level == NPS_ALERT_NONE);
    }
    CHECK(a.retention_call);
    CHECK_U64("retention call by", a.retention_call_by, REGIONAL);
    memset(&v, 0, sizeof v); /* nothing known: no warning */
    CHECK_STATUS(nps_policy_assess_visit(p, &v, &a), NPS_STATUS_OK);
    CHECK(a.level == NPS_ALERT_NONE && a.warning_count == 0 && !a.retention_call);
    CHECK_U64("no role", a.retention_call_by, NPS_ROLE_NONE);
    case_end();

    case_begin("early warnings: bad messages and ratings name their row");
    memset(&v, 0, sizeof v);
    memset(&a, SENTINEL, sizeof a);
    v.messages = messages;
    v.messages_len = 2; /* messages[1] is NULL */
    CHECK_STATUS(nps_policy_assess_visit(p, &v, &a), NPS_STATUS_NULL_POINTER);
    CHECK_U64("row", last_index(), 1);
    CHECK(message_contains("messages"));
    messages[1] = "ok \xe7\x94";
    CHECK_STATUS(nps_policy_assess_visit(p, &v, &a), NPS_STATUS_INVALID_UTF8);
    CHECK_U64("row", last_index(), 1);
    v.messages = NULL;
    CHECK_STATUS(nps_policy_assess_visit(p, &v, &a), NPS_STATUS_NULL_POINTER);
    v.messages_len = 0;
    v.ratings = bad_ratings;
    v.ratings_len = 3;
    CHECK_STATUS(nps_policy_assess_visit(p, &v, &a), NPS_STATUS_INVALID_SCORE);
    CHECK_U64("rating row", last_index(), 1);
    v.ratings = NULL;
    CHECK_STATUS(nps_policy_assess_visit(p, &v, &a), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_assess_visit(p, NULL, &a), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_policy_assess_visit(NULL, &v, &a), NPS_STATUS_NULL_POINTER);
    v.ratings_len = 0;
    CHECK_STATUS(nps_policy_assess_visit(p, &v, NULL), NPS_STATUS_NULL_POINTER);
    CHECK(untouched(&a, sizeof a));
    case_end();
    nps_policy_free(p);
}

/* ---- threads --------------------------------------------------------- */

struct worker {
    const NpsPolicy *policy;
    const NpsTriage *expect; /* per score 0..10, computed on the main thread */
    int mismatches;
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    int round, s;
    for (round = 0; round < 300; round++) {
        for (s = 0; s <= 10; s++) {
            NpsResponse r = response((uint8_t)s, T0, false, false);
            NpsTriage t;
            NpsCaseStatus *cs = NULL;
            NpsCaseStatusInfo info;
            if (nps_policy_triage(w->policy, &r, &t) != NPS_STATUS_OK ||
                t.alert != w->expect[s].alert || t.tier != w->expect[s].tier ||
                t.owner != w->expect[s].owner || t.acknowledge_by != w->expect[s].acknowledge_by) {
                w->mismatches++;
            }
            if (round % 50 == 0) {
                if (nps_policy_case_status(w->policy, &r, NULL, T0 + 3 * HOUR, "t", &cs) !=
                        NPS_STATUS_OK ||
                    nps_case_status_info(cs, &info) != NPS_STATUS_OK ||
                    info.deadline_count != (s <= 6 ? 2u : s == 7 ? 1u : 0u)) {
                    w->mismatches++;
                }
                nps_case_status_free(cs);
            }
            /* A failing call on this thread leaves the others' errors alone. */
            r.score = 42;
            if (nps_policy_triage(w->policy, &r, &t) != NPS_STATUS_INVALID_SCORE) w->mismatches++;
        }
    }
    return NULL;
}

static void threads(void) {
    NpsPolicy *p = NULL;
    NpsTriage expect[11];
    struct worker w[4];
    pthread_t th[4];
    int i;
    case_begin("one policy shared by four threads");
    CHECK_STATUS(nps_policy_default(&p), NPS_STATUS_OK);
    for (i = 0; i <= 10; i++) {
        NpsResponse r = response((uint8_t)i, T0, false, false);
        CHECK_STATUS(nps_policy_triage(p, &r, &expect[i]), NPS_STATUS_OK);
    }
    for (i = 0; i < 4; i++) {
        w[i].policy = p;
        w[i].expect = expect;
        w[i].mismatches = 0;
        CHECK(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0);
    }
    for (i = 0; i < 4; i++) {
        CHECK(pthread_join(th[i], NULL) == 0);
        CHECK_U64("mismatches", w[i].mismatches, 0);
    }
    /* This thread's last error is its own (the last call succeeded). */
    CHECK_U64("main thread status", nps_last_error_status(), NPS_STATUS_OK);
    nps_policy_free(p);
    case_end();
}

int main(void) {
    policy_handle();
    policy_loading();
    triage();
    triage_columns();
    approver();
    calendars();
    case_status();
    early_warnings();
    threads();
    return summary("policy");
}
