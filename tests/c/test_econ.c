/* Service economics through the C API: every vector of
 * tests/golden/econ_vectors.json (written by the independent oracle
 * tests/golden/gen_econ_vectors.py; schema in tests/golden/README.md) —
 * ledger, quadrant, quadrants, lifecycle cost — then its bad inputs and
 * NULL pointers.
 * Usage: test_econ path/to/econ_vectors.json */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define MAXN 64

static double TOL = 1e-9;

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static size_t strs(const cJSON *arr, const char **out) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) out[n++] = x->valuestring;
    return n;
}

static size_t i64s(const cJSON *arr, int64_t *out) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) out[n++] = (int64_t)x->valuedouble;
    return n;
}

/* Numbers with null as NaN ("not stated"). */
static size_t f64s(const cJSON *arr, double *out) {
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) out[n++] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    return n;
}

static size_t col(const NpsTable *t, const char *name) {
    size_t i = (size_t)-1;
    CHECK_STATUS(nps_table_column_index(t, name, &i), NPS_STATUS_OK);
    return i;
}

/* An f64 (or null) cell against an expected number or null. */
static void check_f64(const char *what, const NpsTable *t, size_t row, const char *name,
                      const cJSON *want) {
    double v = 0;
    bool null = false;
    CHECK_STATUS(nps_table_get_f64(t, row, col(t, name), &v, &null), NPS_STATUS_OK);
    if (cJSON_IsNull(want)) {
        if (!null) fail(__FILE__, __LINE__, "%s %s: %g, want null", what, name, v);
    } else {
        CHECK(!null);
        CHECK_CLOSE(what, v, want->valuedouble, TOL * fmax(1.0, fabs(want->valuedouble)));
    }
}

static void check_i64(const char *what, const NpsTable *t, size_t row, const char *name,
                      int64_t want) {
    int64_t v = 0;
    bool null = true;
    CHECK_STATUS(nps_table_get_i64(t, row, col(t, name), &v, &null), NPS_STATUS_OK);
    CHECK(!null);
    if (v != want) fail(__FILE__, __LINE__, "%s %s: %lld, want %lld", what, name, (long long)v, (long long)want);
}

static void check_text(const char *what, const NpsTable *t, size_t row, const char *name,
                       const cJSON *want) {
    char buf[64];
    size_t n = 0;
    bool null = false;
    CHECK_STATUS(nps_table_get_text(t, row, col(t, name), buf, sizeof buf, &n, &null), NPS_STATUS_OK);
    if (cJSON_IsNull(want)) {
        if (!null) fail(__FILE__, __LINE__, "%s %s: %s, want null", what, name, buf);
    } else {
        CHECK(!null);
        CHECK_STR(what, buf, want->valuestring);
    }
}

static uint32_t period_of(const cJSON *p) {
    if (cJSON_IsNull(p)) return NPS_PERIOD_NONE;
    if (strcmp(p->valuestring, "month") == 0) return NPS_PERIOD_MONTH;
    if (strcmp(p->valuestring, "quarter") == 0) return NPS_PERIOD_QUARTER;
    if (strcmp(p->valuestring, "year") == 0) return NPS_PERIOD_YEAR;
    return 99;
}

static void ledger(const cJSON *sec) {
    const cJSON *c;
    cJSON_ArrayForEach(c, sec) {
        const cJSON *in = get(c, "input"), *e;
        const char *units[MAXN], *cats[MAXN], *cur[MAXN], *tnames[8], *pnames[16], *psides[16];
        int64_t amounts[MAXN], times[MAXN];
        double eng[MAXN], tshares[8];
        NpsRate rates[4];
        size_t n = strs(get(in, "units"), units), i = 0, nr = 0, nt = 0, np = 0, row = 0;
        NpsKeyColumn key = {NPS_KEY_TYPE_STR, units};
        NpsKpiGrouping g;
        NpsLedgerOptions o = nps_ledger_options_default();
        NpsTable *t = NULL;
        const cJSON *x;
        case_begin("ledger %s", get(c, "name")->valuestring);
        memset(&g, 0, sizeof g);
        strs(get(in, "categories"), cats);
        i64s(get(in, "amounts_minor"), amounts);
        if (!cJSON_IsNull(get(in, "currencies"))) strs(get(in, "currencies"), cur);
        if (!cJSON_IsNull(get(in, "engineers"))) f64s(get(in, "engineers"), eng);
        if (!cJSON_IsNull(get(in, "times"))) i64s(get(in, "times"), times);
        g.key_columns = &key;
        g.n_key_columns = 1;
        g.timestamps = cJSON_IsNull(get(in, "times")) ? NULL : times;
        g.period = period_of(get(in, "period"));
        cJSON_ArrayForEach(x, get(in, "rates")) {
            memset(&rates[nr], 0, sizeof rates[nr]);
            memcpy(rates[nr].from, get(x, "from")->valuestring, 3);
            memcpy(rates[nr].to, get(x, "to")->valuestring, 3);
            rates[nr].rate = get(x, "rate")->valuestring;
            nr++;
        }
        cJSON_ArrayForEach(x, get(in, "target_mix")) {
            tnames[nt] = cJSON_GetArrayItem(x, 0)->valuestring;
            tshares[nt] = cJSON_GetArrayItem(x, 1)->valuedouble;
            nt++;
        }
        o.rates = rates;
        o.n_rates = nr;
        o.target_names = tnames;
        o.target_shares = tshares;
        o.n_targets = nt;
        cJSON_ArrayForEach(x, get(in, "categories_policy")) {
            pnames[np] = cJSON_GetArrayItem(x, 0)->valuestring;
            psides[np] = cJSON_GetArrayItem(x, 1)->valuestring;
            np++;
        }
        o.category_names = pnames;
        o.category_sides = psides;
        o.n_categories = np;
        CHECK_STATUS(nps_econ_ledger(cats, amounts, cJSON_IsNull(get(in, "currencies")) ? NULL : cur,
                                     cJSON_IsNull(get(in, "engineers")) ? NULL : eng, n, &g, &o, &t),
                     NPS_STATUS_OK);
        if (t != NULL) {
            CHECK_U64("rows", nps_table_rows(t), cJSON_GetArraySize(get(c, "expected")));
            cJSON_ArrayForEach(e, get(c, "expected")) {
                const char *what = get(e, "unit")->valuestring;
                const cJSON *m;
                char name[64];
                check_text(what, t, row, "key", get(e, "unit"));
                check_i64(what, t, row, "revenue_minor", (int64_t)get(e, "revenue_minor")->valuedouble);
                check_i64(what, t, row, "cost_minor", (int64_t)get(e, "cost_minor")->valuedouble);
                check_i64(what, t, row, "profit_minor", (int64_t)get(e, "profit_minor")->valuedouble);
                check_f64(what, t, row, "margin", get(e, "margin"));
                check_f64(what, t, row, "input_output_ratio", get(e, "input_output_ratio"));
                check_f64(what, t, row, "cost_to_revenue", get(e, "cost_to_revenue"));
                check_f64(what, t, row, "engineers", get(e, "engineers"));
                check_f64(what, t, row, "revenue_per_engineer_minor", get(e, "revenue_per_engineer_minor"));
                cJSON_ArrayForEach(m, get(e, "by_category")) {
                    snprintf(name, sizeof name, "%s_minor", m->string);
                    check_i64(what, t, row, name, (int64_t)m->valuedouble);
                }
                cJSON_ArrayForEach(m, get(e, "shares")) {
                    snprintf(name, sizeof name, "share_%s", m->string);
                    check_f64(what, t, row, name, m);
                }
                cJSON_ArrayForEach(m, get(e, "gaps")) {
                    snprintf(name, sizeof name, "gap_%s", m->string);
                    check_f64(what, t, row, name, m);
                }
                row++;
            }
        }
        (void)i;
        nps_table_free(t);
        case_end();
    }
}

static void quadrant(const cJSON *sec) {
    const cJSON *p;
    case_begin("quadrant points");
    cJSON_ArrayForEach(p, sec) {
        NpsMatrixOptions o = nps_matrix_options_default();
        uint32_t q = 99;
        o.customer_threshold = get(p, "customer_threshold")->valuedouble;
        o.business_threshold = get(p, "business_threshold")->valuedouble;
        CHECK_STATUS(nps_econ_quadrant(get(p, "customer_value")->valuedouble,
                                       get(p, "business_value")->valuedouble, &o, &q),
                     NPS_STATUS_OK);
        CHECK(nps_econ_quadrant_name(q) != NULL);
        if (nps_econ_quadrant_name(q) != NULL)
            CHECK_STR("quadrant", nps_econ_quadrant_name(q), get(p, "quadrant")->valuestring);
    }
    case_end();
    case_begin("quadrant texts");
    CHECK_STR("label", nps_econ_quadrant_text(NPS_QUADRANT_VALUE_ISLAND, NPS_QUADRANT_TEXT_LABEL_ZH),
              "价值孤岛");
    CHECK(strstr(nps_econ_quadrant_text(NPS_QUADRANT_COST_RUIN, NPS_QUADRANT_TEXT_CHALLENGE),
                 "Survival") != NULL);
    CHECK(nps_econ_quadrant_text(7, NPS_QUADRANT_TEXT_ACTION) == NULL);
    CHECK(nps_econ_quadrant_text(NPS_QUADRANT_COST_RUIN, 9) == NULL);
    CHECK(nps_econ_quadrant_name(4) == NULL);
    case_end();
}

static void quadrants(const cJSON *c) {
    const cJSON *in = get(c, "input"), *s, *e;
    const char *dealer[MAXN];
    int64_t times[MAXN];
    double vals[8][MAXN];
    NpsMeasure ms[8];
    size_t n = strs(get(in, "dealer"), dealer), k = 0, row = 0;
    NpsKeyColumn key = {NPS_KEY_TYPE_STR, dealer};
    NpsKpiGrouping g;
    NpsTable *t = NULL;
    case_begin("quadrants");
    memset(&g, 0, sizeof g);
    i64s(get(in, "times"), times);
    g.key_columns = &key;
    g.n_key_columns = 1;
    g.timestamps = times;
    g.period = period_of(get(in, "period"));
    cJSON_ArrayForEach(s, get(in, "specs")) {
        const char *name = get(s, "name")->valuestring;
        NpsMeasure known;
        CHECK_STATUS(nps_econ_known_measure(name, &known), NPS_STATUS_OK);
        ms[k].name = name;
        ms[k].axis = strcmp(get(s, "axis")->valuestring, "customer") == 0 ? NPS_AXIS_CUSTOMER : NPS_AXIS_BUSINESS;
        CHECK_U64("known axis", known.axis, ms[k].axis);
        ms[k].weight = get(s, "weight")->valuedouble;
        ms[k].low = get(s, "low")->valuedouble;
        ms[k].high = get(s, "high")->valuedouble;
        f64s(get(get(in, "measures"), name), vals[k]);
        ms[k].values = vals[k];
        k++;
    }
    CHECK_STATUS(nps_econ_quadrants(ms, k, n, &g, NULL, &t), NPS_STATUS_OK);
    if (t != NULL) {
        CHECK_U64("rows", nps_table_rows(t), cJSON_GetArraySize(get(c, "expected")));
        cJSON_ArrayForEach(e, get(c, "expected")) {
            const char *what = get(e, "dealer")->valuestring;
            bool moved = false, null = false;
            check_text(what, t, row, "key", get(e, "dealer"));
            check_f64(what, t, row, "customer_value", get(e, "customer_value"));
            check_f64(what, t, row, "business_value", get(e, "business_value"));
            check_text(what, t, row, "quadrant", get(e, "quadrant"));
            check_text(what, t, row, "previous_quadrant", get(e, "previous_quadrant"));
            CHECK_STATUS(nps_table_get_bool(t, row, col(t, "moved"), &moved, &null), NPS_STATUS_OK);
            CHECK(null == cJSON_IsNull(get(e, "moved")));
            if (!null) CHECK(moved == cJSON_IsTrue(get(e, "moved")));
            row++;
        }
    }
    nps_table_free(t);
    case_end();
}

static void lifecycle(const cJSON *c) {
    const cJSON *in = get(c, "input"), *f = get(in, "fleet"), *ev = get(in, "events"), *line, *x;
    const char *units[MAXN], *lines[MAXN], *eu[MAXN];
    int64_t sold[MAXN], mc[MAXN], at[MAXN], am[MAXN];
    uint8_t has[MAXN];
    size_t n = strs(get(f, "units"), units), ne = strs(get(ev, "units"), eu), i = 0, row = 0, srow = 0;
    NpsLifecycleOptions o = nps_lifecycle_options_default();
    NpsTable *curves = NULL, *summary = NULL;
    case_begin("lifecycle");
    strs(get(f, "product_lines"), lines);
    i64s(get(f, "sold"), sold);
    cJSON_ArrayForEach(x, get(f, "manufacturing_cost_minor")) {
        has[i] = cJSON_IsNumber(x) ? 1 : 0;
        mc[i] = cJSON_IsNumber(x) ? (int64_t)x->valuedouble : 0;
        i++;
    }
    i64s(get(ev, "at"), at);
    i64s(get(ev, "amounts_minor"), am);
    o.has_as_of = true;
    o.as_of = (int64_t)get(in, "as_of")->valuedouble;
    o.confidence = get(in, "confidence")->valuedouble;
    CHECK_STATUS(nps_econ_lifecycle_cost(units, lines, sold, mc, has, n, eu, at, am, NULL, ne, &o, &curves, &summary),
                 NPS_STATUS_OK);
    if (curves != NULL && summary != NULL) {
        cJSON_ArrayForEach(line, get(c, "expected")) {
            const cJSON *a, *s = get(line, "summary");
            const char *what = get(line, "product_line")->valuestring;
            cJSON_ArrayForEach(a, get(line, "ages")) {
                uint64_t r = 0;
                bool null = false;
                check_text(what, curves, row, "product_line", get(line, "product_line"));
                CHECK_STATUS(nps_table_get_u64(curves, row, col(curves, "at_risk"), &r, &null), NPS_STATUS_OK);
                CHECK_U64(what, r, get(a, "at_risk")->valuedouble);
                check_i64(what, curves, row, "cost_minor", (int64_t)get(a, "cost_minor")->valuedouble);
                check_f64(what, curves, row, "mean_cumulative_minor", get(a, "mean_cumulative_minor"));
                check_f64(what, curves, row, "se", get(a, "se"));
                check_f64(what, curves, row, "low", get(a, "low"));
                check_f64(what, curves, row, "high", get(a, "high"));
                row++;
            }
            check_f64(what, summary, srow, "manufacturing_cost_minor", get(s, "manufacturing_cost_minor"));
            check_f64(what, summary, srow, "cost_36m_minor", get(s, "cost_36m_minor"));
            check_f64(what, summary, srow, "cost_60m_minor", get(s, "cost_60m_minor"));
            check_f64(what, summary, srow, "share_of_manufacturing_36m", get(s, "share_of_manufacturing_36m"));
            check_f64(what, summary, srow, "share_of_manufacturing_60m", get(s, "share_of_manufacturing_60m"));
            srow++;
        }
        CHECK_U64("curve rows", nps_table_rows(curves), row);
    }
    nps_table_free(curves);
    nps_table_free(summary);
    case_end();
}

static void check_error(const cJSON *b, NpsStatus st) {
    const char *kind = get(b, "kind")->valuestring, *name = get(b, "name")->valuestring;
    const cJSON *index = get(b, "index");
    if (strcmp(kind, "invalid_value") == 0) {
        size_t i = 99;
        CHECK_STATUS(st, NPS_STATUS_INVALID_VALUE);
        CHECK(nps_last_error_index(&i));
        CHECK_U64("index", i, index->valuedouble);
    } else {
        CHECK_STATUS(st, NPS_STATUS_INVALID_ARGUMENT);
    }
    if (strstr(last_message(), name) == NULL)
        fail(__FILE__, __LINE__, "message does not name %s: %s", name, last_message());
}

static void bad(const cJSON *sec) {
    const cJSON *b;
    cJSON_ArrayForEach(b, sec) {
        const cJSON *in = get(b, "input");
        const char *fn = get(b, "function")->valuestring;
        NpsStatus st = NPS_STATUS_OK;
        case_begin("bad %s: %s", fn, get(b, "what")->valuestring);
        if (strcmp(fn, "ledger") == 0) {
            const char *units[MAXN], *cats[MAXN], *cur[MAXN];
            int64_t amounts[MAXN];
            double eng[MAXN];
            size_t n = strs(get(in, "units"), units);
            NpsKeyColumn key = {NPS_KEY_TYPE_STR, units};
            NpsKpiGrouping g;
            NpsTable *t = NULL;
            memset(&g, 0, sizeof g);
            g.key_columns = &key;
            g.n_key_columns = 1;
            strs(get(in, "categories"), cats);
            i64s(get(in, "amounts_minor"), amounts);
            if (get(in, "currencies") != NULL) strs(get(in, "currencies"), cur);
            if (get(in, "engineers") != NULL) f64s(get(in, "engineers"), eng);
            st = nps_econ_ledger(cats, amounts, get(in, "currencies") ? cur : NULL,
                                 get(in, "engineers") ? eng : NULL, n, &g, NULL, &t);
            CHECK(t == NULL);
        } else if (strcmp(fn, "quadrant") == 0) {
            uint32_t q = 77;
            st = nps_econ_quadrant(get(in, "customer_value")->valuedouble,
                                   get(in, "business_value")->valuedouble, NULL, &q);
            CHECK(q == 77);
        } else {
            const char *units[MAXN], *lines[MAXN], *eu[MAXN];
            int64_t sold[MAXN], at[MAXN], am[MAXN];
            size_t n = strs(get(in, "units"), units), ne = strs(get(in, "event_units"), eu);
            NpsTable *t = NULL;
            strs(get(in, "product_lines"), lines);
            i64s(get(in, "sold"), sold);
            i64s(get(in, "at"), at);
            i64s(get(in, "amounts_minor"), am);
            st = nps_econ_lifecycle_cost(units, lines, sold, NULL, NULL, n, eu, ne ? at : NULL,
                                         ne ? am : NULL, NULL, ne, NULL, &t, NULL);
            CHECK(t == NULL);
        }
        check_error(b, st);
        case_end();
    }
    case_begin("econ NULL pointers and bad enums");
    {
        NpsTable *t = NULL;
        uint32_t q;
        NpsMeasure m;
        double v = 0.5;
        int64_t a = 1;
        CHECK_STATUS(nps_econ_quadrant(0.5, 0.5, NULL, NULL), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_econ_quadrant(NAN, 0.5, NULL, &q), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_econ_ledger(NULL, &a, NULL, NULL, 1, NULL, NULL, &t), NPS_STATUS_NULL_POINTER);
        CHECK_STATUS(nps_econ_known_measure("loyalty", &m), NPS_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(nps_econ_known_measure("nps", &m), NPS_STATUS_OK);
        m.values = &v;
        m.axis = 7;
        CHECK_STATUS(nps_econ_quadrants(&m, 1, 1, NULL, NULL, &t), NPS_STATUS_INVALID_ARGUMENT);
        m.axis = NPS_AXIS_CUSTOMER;
        /* One axis only: no business measure. */
        CHECK_STATUS(nps_econ_quadrants(&m, 1, 1, NULL, NULL, &t), NPS_STATUS_INVALID_ARGUMENT);
        CHECK(t == NULL);
    }
    case_end();
}

/* Events in another currency are converted with the options' exact rates
 * (hand-worked: 1.00 USD at 7.1 is 7.10 CNY = 710 fen; 300 fen stays),
 * and without a rate the call names `rates`. */
static void lifecycle_currencies(void) {
    const char *units[] = {"u1"}, *lines[] = {"A"}, *eu[] = {"u1", "u1"}, *cur[] = {"USD", "CNY"};
    int64_t sold[] = {1735689600}, at[] = {1735689600 + 86400, 1735689600 + 2 * 86400};
    int64_t am[] = {100, 300};
    NpsRate rate;
    NpsLifecycleOptions o = nps_lifecycle_options_default();
    NpsTable *t = NULL, *s = NULL;
    size_t col;
    int64_t cost;
    bool is_null = true;
    case_begin("lifecycle in two currencies");
    CHECK_STATUS(nps_econ_lifecycle_cost(units, lines, sold, NULL, NULL, 1, eu, at, am, cur, 2, &o, &t, NULL),
                 NPS_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "rates") != NULL);
    memset(&rate, 0, sizeof rate);
    memcpy(rate.from, "USD", 3);
    memcpy(rate.to, "CNY", 3);
    rate.rate = "7.1";
    o.rates = &rate;
    o.n_rates = 1;
    CHECK_STATUS(nps_econ_lifecycle_cost(units, lines, sold, NULL, NULL, 1, eu, at, am, cur, 2, &o, &t, &s),
                 NPS_STATUS_OK);
    if (t != NULL) {
        CHECK_STATUS(nps_table_column_index(t, "cost_minor", &col), NPS_STATUS_OK);
        CHECK_STATUS(nps_table_get_i64(t, 0, col, &cost, &is_null), NPS_STATUS_OK);
        CHECK(!is_null);
        CHECK_U64("cost at age 0", (uint64_t)cost, 710 + 300);
        CHECK_STATUS(nps_table_column_index(s, "currency", &col), NPS_STATUS_OK);
    }
    nps_table_free(t);
    nps_table_free(s);
    case_end();
}

int main(int argc, char **argv) {
    char *text;
    cJSON *doc;
    if (argc < 2 || (text = read_file(argv[1])) == NULL) {
        fprintf(stderr, "usage: test_econ path/to/econ_vectors.json\n");
        return 2;
    }
    doc = cJSON_Parse(text);
    free(text);
    if (doc == NULL) {
        fprintf(stderr, "cannot parse %s\n", argv[1]);
        return 2;
    }
    TOL = get(doc, "tolerance")->valuedouble;
    ledger(get(doc, "ledger"));
    quadrant(get(doc, "quadrant"));
    quadrants(get(doc, "quadrants"));
    lifecycle(get(doc, "lifecycle"));
    lifecycle_currencies();
    bad(get(doc, "bad"));
    cJSON_Delete(doc);
    return summary("econ");
}
