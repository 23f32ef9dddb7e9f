/* Customer value and loyalty through the C API: every vector of
 * tests/golden/loyalty_vectors.json (written by the independent oracle
 * tests/golden/gen_loyalty_vectors.py; schema in tests/golden/README.md) —
 * outcomes by score band, their errors, customer value, the high-value
 * rule, the ranking by value — then the defaults and NULL pointers.
 * Usage: test_loyalty path/to/loyalty_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define MAXN 256

static double TOL = 1e-9;

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static size_t col(const NpsTable *t, const char *name) {
    size_t i = (size_t)-1;
    CHECK_STATUS(nps_table_column_index(t, name, &i), NPS_STATUS_OK);
    return i;
}

static void check_f64(const char *what, const NpsTable *t, size_t row, const char *name,
                      const cJSON *want) {
    double v = 0;
    bool null = false;
    CHECK_STATUS(nps_table_get_f64(t, row, col(t, name), &v, &null), NPS_STATUS_OK);
    if (cJSON_IsNull(want)) {
        if (!null) fail(__FILE__, __LINE__, "%s %s: %g, want null", what, name, v);
    } else {
        CHECK(!null);
        CHECK_CLOSE(what, v, want->valuedouble, TOL * fmax(1e-6, fabs(want->valuedouble)));
    }
}

static void check_u64(const char *what, const NpsTable *t, size_t row, const char *name,
                      const cJSON *want) {
    uint64_t v = 0;
    bool null = true;
    CHECK_STATUS(nps_table_get_u64(t, row, col(t, name), &v, &null), NPS_STATUS_OK);
    CHECK(!null);
    CHECK_U64(what, v, (uint64_t)want->valuedouble);
}

static void check_text(const char *what, const NpsTable *t, size_t row, const char *name,
                       const char *want) {
    char buf[64];
    size_t n = 0;
    bool null = false;
    CHECK_STATUS(nps_table_get_text(t, row, col(t, name), buf, sizeof buf, &n, &null), NPS_STATUS_OK);
    CHECK(!null);
    CHECK_STR(what, buf, want);
}

/* The inputs of one outcome vector, kept in static buffers. */
static double scores[MAXN];
static bool outcomes[MAXN];
static int64_t until[MAXN];
static const char *keys[MAXN];
static NpsBand bands[8];

static NpsStatus run_outcome(const cJSON *v, NpsTable **t) {
    NpsOutcomeOptions o = nps_outcome_options_default();
    NpsKpiGrouping g;
    NpsKeyColumn key;
    const cJSON *x;
    size_t n = 0, nb = 0;
    bool has_until = !cJSON_IsNull(get(v, "observed_until")) && get(v, "observed_until") != NULL;
    bool has_keys = get(v, "keys") != NULL;
    memset(&g, 0, sizeof g);
    cJSON_ArrayForEach(x, get(v, "scores")) scores[n++] = x->valuedouble;
    n = 0;
    cJSON_ArrayForEach(x, get(v, "outcomes")) outcomes[n++] = cJSON_IsTrue(x);
    n = (size_t)cJSON_GetArraySize(get(v, "scores"));
    if (has_until) {
        size_t i = 0;
        cJSON_ArrayForEach(x, get(v, "observed_until")) until[i++] = (int64_t)x->valuedouble;
    }
    if (has_keys) {
        size_t i = 0;
        cJSON_ArrayForEach(x, get(v, "keys")) keys[i++] = x->valuestring;
        key.key_type = NPS_KEY_TYPE_STR;
        key.values = (const void *)keys;
        g.key_columns = &key;
        g.n_key_columns = 1;
    }
    cJSON_ArrayForEach(x, get(v, "bands")) {
        bands[nb].name = cJSON_GetArrayItem(x, 0)->valuestring;
        bands[nb].low = (int64_t)cJSON_GetArrayItem(x, 1)->valuedouble;
        bands[nb].high = (int64_t)cJSON_GetArrayItem(x, 2)->valuedouble;
        nb++;
    }
    o.bands = nb ? bands : NULL;
    o.n_bands = nb;
    if (get(v, "reference") != NULL) o.reference = get(v, "reference")->valuestring;
    if (get(v, "as_of") != NULL) {
        o.has_as_of = true;
        o.as_of = (int64_t)get(v, "as_of")->valuedouble;
    }
    if (get(v, "confidence") != NULL) o.confidence = get(v, "confidence")->valuedouble;
    return nps_loyalty_outcome_by_score(scores, outcomes, has_until ? until : NULL, n,
                                        has_keys ? &g : NULL, &o, t);
}

static void check_rows(const char *name, const NpsTable *t, const cJSON *rows) {
    const cJSON *r;
    size_t row = 0;
    CHECK_U64("rows", nps_table_rows(t), cJSON_GetArraySize(rows));
    if (nps_table_rows(t) != (size_t)cJSON_GetArraySize(rows)) return;
    cJSON_ArrayForEach(r, rows) {
        char what[96];
        snprintf(what, sizeof what, "%s row %zu", name, row);
        if (!cJSON_IsNull(get(r, "key"))) check_text(what, t, row, "key", get(r, "key")->valuestring);
        check_text(what, t, row, "band", get(r, "band")->valuestring);
        check_u64(what, t, row, "n", get(r, "n"));
        check_u64(what, t, row, "outcomes", get(r, "outcomes"));
        check_u64(what, t, row, "censored", get(r, "censored"));
        check_f64(what, t, row, "rate", get(r, "rate"));
        check_f64(what, t, row, "low", get(r, "low"));
        check_f64(what, t, row, "high", get(r, "high"));
        check_f64(what, t, row, "lift", get(r, "lift"));
        check_f64(what, t, row, "lift_low", get(r, "lift_low"));
        check_f64(what, t, row, "lift_high", get(r, "lift_high"));
        check_f64(what, t, row, "p_value", get(r, "p_value"));
        row++;
    }
}

static void outcome(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        NpsTable *t = NULL;
        case_begin("outcome %s", get(v, "name")->valuestring);
        CHECK_STATUS(run_outcome(v, &t), NPS_STATUS_OK);
        if (t != NULL) check_rows(get(v, "name")->valuestring, t, get(v, "rows"));
        nps_table_free(t);
        case_end();
    }
}

static NpsStatus status_of(const char *kind) {
    if (strcmp(kind, "invalid_score") == 0) return NPS_STATUS_INVALID_SCORE;
    if (strcmp(kind, "invalid_argument") == 0) return NPS_STATUS_INVALID_ARGUMENT;
    if (strcmp(kind, "length_mismatch") == 0) return NPS_STATUS_LENGTH_MISMATCH;
    if (strcmp(kind, "invalid_value") == 0) return NPS_STATUS_INVALID_VALUE;
    return NPS_STATUS_OTHER;
}

static void outcome_errors(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        NpsTable *t = NULL;
        /* One `len` for every column in C: no length mismatch to make. */
        if (strcmp(get(v, "kind")->valuestring, "length_mismatch") == 0) continue;
        case_begin("outcome error %s", get(v, "name")->valuestring);
        CHECK_STATUS(run_outcome(v, &t), status_of(get(v, "kind")->valuestring));
        CHECK(t == NULL);
        if (get(v, "index") != NULL) {
            size_t i = 99;
            CHECK(nps_last_error_index(&i));
            CHECK_U64("index", i, (uint64_t)get(v, "index")->valuedouble);
        }
        if (get(v, "argument") != NULL) CHECK(strstr(last_message(), get(v, "argument")->valuestring) != NULL);
        nps_table_free(t);
        case_end();
    }
}

static NpsValueOptions value_options(const cJSON *v) {
    NpsValueOptions o = nps_value_options_default();
    o.margin = get(v, "margin")->valuedouble;
    o.years = get(v, "years")->valuedouble;
    o.discount_rate = get(v, "discount_rate")->valuedouble;
    o.referral_value_minor = (int64_t)get(v, "referral_value_minor")->valuedouble;
    return o;
}

static void value(const cJSON *sec, const cJSON *errors) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        NpsValueOptions o = value_options(v);
        NpsCustomerValue c;
        case_begin("value %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_loyalty_customer_value((int64_t)get(v, "annual_spend_minor")->valuedouble,
                                                get(v, "referrals")->valuedouble, &o, &c),
                     NPS_STATUS_OK);
        CHECK(c.own.minor == (int64_t)get(v, "own_minor")->valuedouble);
        CHECK(c.referral.minor == (int64_t)get(v, "referral_minor")->valuedouble);
        CHECK(c.total.minor == (int64_t)get(v, "total_minor")->valuedouble);
        CHECK_STR("currency", c.total.currency, "CNY");
        CHECK_CLOSE("annuity", c.annuity_factor, get(v, "annuity_factor")->valuedouble,
                    TOL * fmax(1.0, get(v, "annuity_factor")->valuedouble));
        case_end();
    }
    cJSON_ArrayForEach(v, errors) {
        NpsValueOptions o = value_options(v);
        NpsCustomerValue c;
        case_begin("value error %s", get(v, "name")->valuestring);
        CHECK_STATUS(nps_loyalty_customer_value((int64_t)get(v, "annual_spend_minor")->valuedouble,
                                                get(v, "referrals")->valuedouble, &o, &c),
                     NPS_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(last_message(), get(v, "argument")->valuestring) != NULL);
        case_end();
    }
    case_begin("values: a bad row is named");
    {
        int64_t spend[3] = {100, 200, 300};
        double refs[3] = {0, -1, 0};
        NpsCustomerValue out[3];
        size_t i = 99;
        CHECK_STATUS(nps_loyalty_customer_values(spend, refs, NULL, 3, NULL, out), NPS_STATUS_INVALID_VALUE);
        CHECK(nps_last_error_index(&i));
        CHECK_U64("row", i, 1);
        refs[1] = 2;
        CHECK_STATUS(nps_loyalty_customer_values(spend, refs, NULL, 3, NULL, out), NPS_STATUS_OK);
        CHECK(out[2].total.minor == 300);
    }
    case_end();
}

static void high_value(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        double kwh[MAXN];
        int64_t spend[MAXN];
        bool known[MAXN], out[MAXN];
        NpsHighValueRule r = nps_high_value_rule_default();
        const cJSON *x;
        size_t n = 0, i = 0;
        case_begin("high value %s", get(v, "name")->valuestring);
        cJSON_ArrayForEach(x, get(v, "annual_kwh")) kwh[n++] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
        cJSON_ArrayForEach(x, get(v, "annual_spend_minor")) {
            known[i] = cJSON_IsNumber(x);
            spend[i] = known[i] ? (int64_t)x->valuedouble : 0;
            i++;
        }
        if (!cJSON_IsNull(get(v, "rule"))) {
            const cJSON *rule = get(v, "rule");
            r.has_annual_kwh_above = cJSON_IsNumber(get(rule, "annual_kwh_above"));
            r.has_annual_spend_at_least = !cJSON_IsNull(get(rule, "annual_spend_at_least"));
            if (r.has_annual_spend_at_least)
                r.annual_spend_at_least.minor =
                    (int64_t)get(get(rule, "annual_spend_at_least"), "minor")->valuedouble;
        }
        CHECK_STATUS(nps_loyalty_high_value(kwh, spend, known, n, &r, out), NPS_STATUS_OK);
        i = 0;
        cJSON_ArrayForEach(x, get(v, "expected")) {
            if (out[i] != (bool)cJSON_IsTrue(x)) fail(__FILE__, __LINE__, "row %zu: %d", i, out[i]);
            i++;
        }
        case_end();
    }
    case_begin("high value: a negative kWh is named");
    {
        double kwh[2] = {10, -1};
        bool out[2];
        size_t i = 99;
        CHECK_STATUS(nps_loyalty_high_value(kwh, NULL, NULL, 2, NULL, out), NPS_STATUS_INVALID_VALUE);
        CHECK(nps_last_error_index(&i));
        CHECK_U64("row", i, 1);
    }
    case_end();
    case_begin("high value: the policy's rule");
    {
        double kwh[2] = {5200, 100};
        bool out[2] = {false, true};
        CHECK_STATUS(nps_policy_high_value_customers(NULL, kwh, NULL, NULL, 2, out), NPS_STATUS_OK);
        CHECK(out[0] && !out[1]);
    }
    case_end();
}

static void rank(const cJSON *sec) {
    const cJSON *v;
    cJSON_ArrayForEach(v, sec) {
        NpsCase *cases[8] = {0};
        int64_t spend[8];
        double refs[8];
        NpsRankedCase out[8];
        NpsValueOptions o = nps_value_options_default();
        const cJSON *x;
        size_t n = 0, count = 0, i = 0;
        case_begin("rank %s", get(v, "name")->valuestring);
        cJSON_ArrayForEach(x, get(v, "cases")) {
            char *events = cJSON_PrintUnformatted(get(x, "events"));
            CHECK_STATUS(nps_case_from_events_json(NULL, events, get(x, "id")->valuestring, &cases[n]),
                         NPS_STATUS_OK);
            free(events);
            n++;
        }
        cJSON_ArrayForEach(x, get(v, "annual_spend_minor")) spend[i++] = (int64_t)x->valuedouble;
        i = 0;
        cJSON_ArrayForEach(x, get(v, "referrals")) refs[i++] = x->valuedouble;
        o.referral_value_minor = (int64_t)get(v, "referral_value_minor")->valuedouble;
        CHECK_STATUS(nps_loyalty_rank_open_cases(NULL, (const NpsCase *const *)cases, n, spend, refs, NULL, &o,
                                                 (int64_t)get(v, "now")->valuedouble, out, 8, &count),
                     NPS_STATUS_OK);
        CHECK_U64("count", count, cJSON_GetArraySize(get(v, "expected")));
        i = 0;
        cJSON_ArrayForEach(x, get(v, "expected")) {
            if (i >= count) break;
            CHECK_CLOSE("probability", out[i].probability, get(x, "probability")->valuedouble, 1e-12);
            CHECK_REL("expected", out[i].expected, get(x, "expected")->valuedouble, 1e-12);
            i++;
        }
        /* Too small a buffer. */
        CHECK_STATUS(nps_loyalty_rank_open_cases(NULL, (const NpsCase *const *)cases, n, spend, refs, NULL, &o,
                                                 (int64_t)get(v, "now")->valuedouble, out, 1, &count),
                     NPS_STATUS_BUFFER_TOO_SMALL);
        for (i = 0; i < n; i++) nps_case_free(cases[i]);
        case_end();
    }
}

static void defaults(const cJSON *d) {
    const cJSON *o = get(d, "options"), *dv = get(d, "value");
    NpsOutcomeOptions oo = nps_outcome_options_default();
    NpsValueOptions vo = nps_value_options_default();
    NpsHighValueRule hv = nps_high_value_rule_default();
    NpsTable *t = NULL;
    NpsCustomerValue c;
    const cJSON *x;
    size_t n = 0;
    case_begin("defaults");
    CHECK_CLOSE("confidence", oo.confidence, get(o, "confidence")->valuedouble, 0);
    CHECK(oo.bands == NULL && oo.n_bands == 0 && oo.reference == NULL && !oo.has_as_of);
    CHECK_CLOSE("margin", vo.margin, get(o, "margin")->valuedouble, 0);
    CHECK_CLOSE("years", vo.years, get(o, "years")->valuedouble, 0);
    CHECK_CLOSE("discount", vo.discount_rate, get(o, "discount_rate")->valuedouble, 0);
    CHECK(vo.referral_value_minor == (int64_t)get(o, "referral_value_minor")->valuedouble);
    CHECK_STR("currency", vo.currency, get(o, "currency")->valuestring);
    CHECK(hv.has_annual_kwh_above && hv.has_annual_spend_at_least);
    CHECK_CLOSE("kwh", hv.annual_kwh_above, get(get(o, "high_value"), "annual_kwh_above")->valuedouble, 0);
    CHECK(hv.annual_spend_at_least.minor ==
          (int64_t)get(get(get(o, "high_value"), "annual_spend_at_least"), "minor")->valuedouble);
    /* The default call: NULL options. */
    cJSON_ArrayForEach(x, get(get(d, "outcome"), "scores")) scores[n++] = x->valuedouble;
    n = 0;
    cJSON_ArrayForEach(x, get(get(d, "outcome"), "outcomes")) outcomes[n++] = cJSON_IsTrue(x);
    CHECK_STATUS(nps_loyalty_outcome_by_score(scores, outcomes, NULL, n, NULL, NULL, &t), NPS_STATUS_OK);
    if (t != NULL) check_rows("defaults", t, get(get(d, "outcome"), "rows"));
    nps_table_free(t);
    CHECK_STATUS(nps_loyalty_customer_value((int64_t)get(dv, "annual_spend_minor")->valuedouble,
                                            get(dv, "referrals")->valuedouble, NULL, &c),
                 NPS_STATUS_OK);
    CHECK(c.total.minor == (int64_t)get(dv, "total_minor")->valuedouble);
    case_end();
}

static void nulls(void) {
    NpsTable *t = NULL;
    NpsCustomerValue c;
    double s[1] = {9};
    bool o[1] = {true};
    case_begin("NULL pointers");
    CHECK_STATUS(nps_loyalty_outcome_by_score(NULL, o, NULL, 1, NULL, NULL, &t), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_loyalty_outcome_by_score(s, NULL, NULL, 1, NULL, NULL, &t), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_loyalty_outcome_by_score(s, o, NULL, 1, NULL, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_loyalty_outcome_by_score(NULL, NULL, NULL, 0, NULL, NULL, &t), NPS_STATUS_OK);
    nps_table_free(t);
    CHECK_STATUS(nps_loyalty_customer_value(100, 0, NULL, NULL), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_loyalty_customer_value(100, 0, NULL, &c), NPS_STATUS_OK);
    CHECK_STATUS(nps_loyalty_customer_values(NULL, NULL, NULL, 1, NULL, &c), NPS_STATUS_NULL_POINTER);
    CHECK_STATUS(nps_loyalty_high_value(NULL, NULL, NULL, 1, NULL, NULL), NPS_STATUS_NULL_POINTER);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: test_loyalty path/to/loyalty_vectors.json\n");
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    TOL = get(doc, "rtol")->valuedouble;
    defaults(get(doc, "defaults"));
    outcome(get(doc, "outcome"));
    outcome_errors(get(doc, "outcome_errors"));
    value(get(doc, "value"), get(doc, "value_errors"));
    high_value(get(doc, "high_value"));
    rank(get(doc, "rank"));
    nulls();
    cJSON_Delete(doc);
    return summary("loyalty");
}
