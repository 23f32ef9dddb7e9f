//! Service economics (issue 15): the golden vectors of
//! `golden/econ_vectors.json` (written by `gen_econ_vectors.py`, an
//! independent stdlib oracle with fractions), invariants and bad input.

use std::sync::OnceLock;

use nps_core::econ::{
    known_measure, ledger, lifecycle_cost, quadrant, quadrants, Axis, CostEvents, Fleet,
    LedgerOptions, LifecycleOptions, LineCategory, Lines, MatrixOptions, MeasureColumn,
    MeasureSpec, Quadrant,
};
use nps_core::group::{GroupKey, Grouping, Keys};
use nps_core::money::{Currency, Rate};
use nps_core::period::Period;
use nps_core::Error;
use nps_tests::Value;
use proptest::prelude::*;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/econ_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
    })
}

fn tol() -> f64 {
    vectors()["tolerance"].as_f64().unwrap()
}

fn close(what: &str, got: Option<f64>, want: &Value) {
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= tol() * w.abs().max(1.0),
            "{what}: {g} != {w}"
        ),
        _ => panic!("{what}: {got:?} != {want}"),
    }
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn opt_floats(v: &Value) -> Vec<Option<f64>> {
    v.as_array().unwrap().iter().map(Value::as_f64).collect()
}

fn period(v: &Value) -> Option<Period> {
    v.as_str().map(|p| Period::from_name(p).unwrap())
}

fn ledger_options(input: &Value) -> LedgerOptions {
    let rates = input["rates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            Rate::parse(
                r["from"].as_str().unwrap(),
                r["to"].as_str().unwrap(),
                r["rate"].as_str().unwrap(),
            )
            .unwrap()
        })
        .collect();
    let target_mix = input["target_mix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_f64().unwrap()))
        .collect();
    let d = LedgerOptions::default();
    let categories = match input["categories_policy"].as_array() {
        None => d.categories,
        Some(c) => c
            .iter()
            .map(|p| LineCategory::new(p[0].as_str().unwrap(), p[1].as_str().unwrap()).unwrap())
            .collect(),
    };
    LedgerOptions {
        currency: Currency::from_code(input["currency"].as_str().unwrap()).unwrap(),
        rates,
        target_mix,
        categories,
    }
}

#[test]
fn golden_ledger() {
    for case in vectors()["ledger"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input = &case["input"];
        let units = strs(&input["units"]);
        let cats = strs(&input["categories"]);
        let amounts = ints(&input["amounts_minor"]);
        let currencies = input["currencies"]
            .as_array()
            .map(|_| strs(&input["currencies"]));
        let engineers = input["engineers"]
            .as_array()
            .map(|_| opt_floats(&input["engineers"]));
        let times = input["times"].as_array().map(|_| ints(&input["times"]));
        let lines = Lines {
            categories: &cats,
            amounts_minor: &amounts,
            currencies: currencies.as_deref(),
            engineers: engineers.as_deref(),
        };
        let g = Grouping {
            keys: Some(Keys::Str(&units)),
            timestamps: times.as_deref(),
            period: period(&input["period"]),
            tz: None,
        };
        let opts = ledger_options(input);
        let l = ledger(&lines, &opts, &g).unwrap();
        let want = case["expected"].as_array().unwrap();
        assert_eq!(l.groups.len(), want.len(), "{name}");
        let mut rev = 0;
        for (got, e) in l.groups.iter().zip(want) {
            let w = format!("{name} {}", e["unit"]);
            assert_eq!(got.key, GroupKey::from(e["unit"].as_str().unwrap()), "{w}");
            assert_eq!(
                got.period_start.map(|d| d.to_string()),
                e["period"].as_str().map(str::to_owned),
                "{w}"
            );
            assert_eq!(got.lines, e["lines"].as_u64().unwrap(), "{w}");
            assert_eq!(
                got.revenue_minor,
                e["revenue_minor"].as_i64().unwrap(),
                "{w}"
            );
            assert_eq!(got.cost_minor, e["cost_minor"].as_i64().unwrap(), "{w}");
            assert_eq!(
                got.profit_minor(),
                e["profit_minor"].as_i64().unwrap(),
                "{w}"
            );
            close(&format!("{w} margin"), got.margin(), &e["margin"]);
            close(
                &format!("{w} ratio"),
                got.input_output_ratio(),
                &e["input_output_ratio"],
            );
            close(
                &format!("{w} ctr"),
                got.cost_to_revenue(),
                &e["cost_to_revenue"],
            );
            close(&format!("{w} engineers"), got.engineers, &e["engineers"]);
            close(
                &format!("{w} per engineer"),
                got.revenue_per_engineer(),
                &e["revenue_per_engineer_minor"],
            );
            for (i, c) in l.categories.iter().enumerate() {
                assert_eq!(
                    got.by_category[i],
                    e["by_category"][&c.name].as_i64().unwrap(),
                    "{w} {}",
                    c.name
                );
                if let Some(s) = e["shares"].get(&c.name) {
                    close(&format!("{w} share {}", c.name), got.share(i), s);
                }
            }
            rev += got.revenue_minor;
        }
        // Groups add up to the overall totals.
        assert_eq!(l.overall.revenue_minor, rev, "{name}");
        let t = l.to_table();
        for (mix, _) in &l.target_mix {
            let Some(nps_core::table::Column::F64(gap)) = t.column(&format!("gap_{mix}")) else {
                panic!("{name}: no gap_{mix} column")
            };
            for (g, e) in want.iter().enumerate() {
                close(&format!("{name} gap {mix} {g}"), gap[g], &e["gaps"][mix]);
            }
        }
    }
}

#[test]
fn golden_quadrant() {
    for p in vectors()["quadrant"].as_array().unwrap() {
        let opts = MatrixOptions {
            customer_threshold: p["customer_threshold"].as_f64().unwrap(),
            business_threshold: p["business_threshold"].as_f64().unwrap(),
            ..Default::default()
        };
        let q = quadrant(
            p["customer_value"].as_f64().unwrap(),
            p["business_value"].as_f64().unwrap(),
            &opts,
        )
        .unwrap();
        assert_eq!(q.name(), p["quadrant"].as_str().unwrap(), "{p}");
        assert_eq!(Quadrant::from_name(q.name()).unwrap(), q);
    }
}

#[test]
fn golden_quadrants() {
    let case = &vectors()["quadrants"];
    let input = &case["input"];
    let dealer = strs(&input["dealer"]);
    let times = ints(&input["times"]);
    let specs: Vec<MeasureSpec> = input["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| MeasureSpec {
            name: s["name"].as_str().unwrap().to_owned(),
            axis: Axis::from_name(s["axis"].as_str().unwrap()).unwrap(),
            weight: s["weight"].as_f64().unwrap(),
            low: s["low"].as_f64().unwrap(),
            high: s["high"].as_f64().unwrap(),
        })
        .collect();
    let values: Vec<Vec<Option<f64>>> = specs
        .iter()
        .map(|s| opt_floats(&input["measures"][&s.name]))
        .collect();
    let cols: Vec<MeasureColumn<'_>> = specs
        .iter()
        .zip(&values)
        .map(|(spec, values)| MeasureColumn { spec, values })
        .collect();
    let g = Grouping {
        keys: Some(Keys::Str(&dealer)),
        timestamps: Some(&times),
        period: period(&input["period"]),
        tz: None,
    };
    let t = quadrants(&cols, &MatrixOptions::default(), &g).unwrap();
    let want = case["expected"].as_array().unwrap();
    assert_eq!(t.rows.len(), want.len());
    for (r, e) in t.rows.iter().zip(want) {
        let w = format!("{} {}", e["dealer"], e["period"]);
        assert_eq!(r.key, GroupKey::from(e["dealer"].as_str().unwrap()));
        assert_eq!(
            r.period_start.unwrap().to_string(),
            e["period"].as_str().unwrap()
        );
        close(
            &format!("{w} customer"),
            r.customer_value,
            &e["customer_value"],
        );
        close(
            &format!("{w} business"),
            r.business_value,
            &e["business_value"],
        );
        assert_eq!(
            r.quadrant.map(Quadrant::name),
            e["quadrant"].as_str(),
            "{w}"
        );
        assert_eq!(
            r.previous.map(Quadrant::name),
            e["previous_quadrant"].as_str(),
            "{w}"
        );
        assert_eq!(r.moved(), e["moved"].as_bool(), "{w}");
    }
}

#[test]
fn golden_lifecycle() {
    let case = &vectors()["lifecycle"];
    let input = &case["input"];
    let f = &input["fleet"];
    let units = strs(&f["units"]);
    let lines = strs(&f["product_lines"]);
    let sold = ints(&f["sold"]);
    let mc: Vec<Option<i64>> = f["manufacturing_cost_minor"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::as_i64)
        .collect();
    let e = &input["events"];
    let eu = strs(&e["units"]);
    let at = ints(&e["at"]);
    let amounts = ints(&e["amounts_minor"]);
    let fleet = Fleet {
        units: &units,
        product_lines: &lines,
        sold: &sold,
        manufacturing_cost_minor: Some(&mc),
    };
    let events = CostEvents {
        units: &eu,
        at: &at,
        amounts_minor: &amounts,
        currencies: None,
    };
    let opts = LifecycleOptions {
        as_of: input["as_of"].as_i64(),
        confidence: input["confidence"].as_f64().unwrap(),
        ..Default::default()
    };
    let l = lifecycle_cost(&fleet, &events, &opts).unwrap();
    let want = case["expected"].as_array().unwrap();
    assert_eq!(l.lines.len(), want.len());
    for (got, w) in l.lines.iter().zip(want) {
        let name = w["product_line"].as_str().unwrap();
        assert_eq!(got.product_line, name);
        let ages = w["ages"].as_array().unwrap();
        assert_eq!(got.ages.len(), ages.len(), "{name}");
        for (a, e) in got.ages.iter().zip(ages) {
            let what = format!("{name} age {}", a.age_months);
            assert_eq!(u64::from(a.age_months), e["age_months"].as_u64().unwrap());
            assert_eq!(a.at_risk, e["at_risk"].as_u64().unwrap(), "{what}");
            assert_eq!(a.events, e["events"].as_u64().unwrap(), "{what}");
            assert_eq!(a.cost_minor, e["cost_minor"].as_i64().unwrap(), "{what}");
            close(
                &what,
                Some(a.mean_cumulative_minor),
                &e["mean_cumulative_minor"],
            );
            close(&format!("{what} se"), Some(a.se), &e["se"]);
            close(&format!("{what} low"), Some(a.low), &e["low"]);
            close(&format!("{what} high"), Some(a.high), &e["high"]);
        }
        let s = &w["summary"];
        assert_eq!(got.units, s["units"].as_u64().unwrap());
        close(
            "mc",
            got.manufacturing_cost_minor,
            &s["manufacturing_cost_minor"],
        );
        for h in [36u32, 60] {
            close(
                &format!("{name} cost {h}"),
                got.cost_at(h).map(|a| a.mean_cumulative_minor),
                &s[format!("cost_{h}m_minor")],
            );
            close(
                &format!("{name} share {h}"),
                got.share_of_manufacturing(h),
                &s[format!("share_of_manufacturing_{h}m")],
            );
        }
    }
}

fn check_error(case: &Value, e: &Error) {
    let what = case["what"].as_str().unwrap();
    let kind = case["kind"].as_str().unwrap();
    let name = case["name"].as_str().unwrap();
    match kind {
        "invalid_value" => {
            let Error::InvalidValue {
                name: n, index: i, ..
            } = e
            else {
                panic!("{what}: {e:?}")
            };
            assert_eq!(n, name, "{what}");
            assert_eq!(Some(*i as u64), case["index"].as_u64(), "{what}");
        }
        "invalid_argument" => assert_eq!(e.argument(), Some(name), "{what}: {e}"),
        _ => panic!("unknown kind {kind}"),
    }
}

#[test]
fn bad_input() {
    for case in vectors()["bad"].as_array().unwrap() {
        let i = &case["input"];
        let err = match case["function"].as_str().unwrap() {
            "ledger" => {
                let units = strs(&i["units"]);
                let cats = strs(&i["categories"]);
                let amounts = ints(&i["amounts_minor"]);
                let cur = i.get("currencies").map(strs);
                let eng = i.get("engineers").map(opt_floats);
                let lines = Lines {
                    categories: &cats,
                    amounts_minor: &amounts,
                    currencies: cur.as_deref(),
                    engineers: eng.as_deref(),
                };
                let g = Grouping {
                    keys: Some(Keys::Str(&units)),
                    ..Default::default()
                };
                ledger(&lines, &LedgerOptions::default(), &g).unwrap_err()
            }
            "quadrant" => quadrant(
                i["customer_value"].as_f64().unwrap(),
                i["business_value"].as_f64().unwrap(),
                &MatrixOptions::default(),
            )
            .unwrap_err(),
            "lifecycle" => {
                let (u, p, s) = (
                    strs(&i["units"]),
                    strs(&i["product_lines"]),
                    ints(&i["sold"]),
                );
                let (eu, at, a) = (
                    strs(&i["event_units"]),
                    ints(&i["at"]),
                    ints(&i["amounts_minor"]),
                );
                let fleet = Fleet {
                    units: &u,
                    product_lines: &p,
                    sold: &s,
                    manufacturing_cost_minor: None,
                };
                let ev = CostEvents {
                    units: &eu,
                    at: &at,
                    amounts_minor: &a,
                    currencies: None,
                };
                lifecycle_cost(&fleet, &ev, &LifecycleOptions::default()).unwrap_err()
            }
            f => panic!("unknown function {f}"),
        };
        check_error(case, &err);
    }
}

#[test]
fn options_are_validated() {
    let o = MatrixOptions {
        customer_threshold: 1.5,
        ..Default::default()
    };
    assert_eq!(
        quadrant(0.5, 0.5, &o).unwrap_err().argument(),
        Some("customer_threshold")
    );
    let o = LedgerOptions {
        target_mix: vec![("service_delivery".into(), 0.5)],
        ..Default::default()
    };
    let g = Grouping::default();
    let lines = Lines {
        categories: &[],
        amounts_minor: &[],
        currencies: None,
        engineers: None,
    };
    assert_eq!(
        ledger(&lines, &o, &g).unwrap_err().argument(),
        Some("target_mix")
    );
    // One axis without a measure.
    let nps = known_measure("nps").unwrap();
    let cols = [MeasureColumn {
        spec: &nps,
        values: &[Some(1.0)],
    }];
    assert_eq!(
        quadrants(&cols, &MatrixOptions::default(), &g)
            .unwrap_err()
            .argument(),
        Some("measures")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every point of the unit square has exactly one quadrant, high on an
    /// axis exactly when at or above its threshold.
    #[test]
    fn quadrant_partitions_the_square(c in 0.0f64..=1.0, b in 0.0f64..=1.0,
                                      ct in 0.0f64..=1.0, bt in 0.0f64..=1.0) {
        let o = MatrixOptions { customer_threshold: ct, business_threshold: bt, ..Default::default() };
        let q = quadrant(c, b, &o).unwrap();
        let hc = matches!(q, Quadrant::GrowthEngine | Quadrant::ValueIsland);
        let hb = matches!(q, Quadrant::GrowthEngine | Quadrant::ProfitExtractor);
        prop_assert_eq!(hc, c >= ct);
        prop_assert_eq!(hb, b >= bt);
    }

    /// Groups add up to the overall totals, and profit = revenue − cost.
    #[test]
    fn ledger_groups_add_up(rows in proptest::collection::vec((0u32..4, 0usize..9, 0i64..1_000_000), 0..40)) {
        let cats = nps_core::econ::default_categories();
        let names: Vec<&str> = rows.iter().map(|r| cats[r.1].name.as_str()).collect();
        let keys: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let amounts: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let lines = Lines { categories: &names, amounts_minor: &amounts, currencies: None, engineers: None };
        let g = Grouping { keys: Some(Keys::U32(&keys)), ..Default::default() };
        let l = ledger(&lines, &LedgerOptions::default(), &g).unwrap();
        let rev: i64 = l.groups.iter().map(|g| g.revenue_minor).sum();
        let cost: i64 = l.groups.iter().map(|g| g.cost_minor).sum();
        prop_assert_eq!(rev, l.overall.revenue_minor);
        prop_assert_eq!(cost, l.overall.cost_minor);
        prop_assert_eq!(rev + cost, amounts.iter().sum::<i64>());
        for g in &l.groups {
            prop_assert_eq!(g.profit_minor(), g.revenue_minor - g.cost_minor);
            prop_assert_eq!(g.margin().is_none(), g.revenue_minor == 0);
        }
    }

    /// The mean cumulative function never decreases (costs are >= 0) and
    /// the units at risk never increase with age.
    #[test]
    fn mcf_is_monotone(sales in proptest::collection::vec(0i64..2_000, 1..8),
                       events in proptest::collection::vec((0usize..8, 0i64..2_000, 0i64..10_000), 0..20)) {
        let day = 86_400i64;
        let ids: Vec<String> = (0..sales.len()).map(|i| format!("u{i}")).collect();
        let units: Vec<&str> = ids.iter().map(String::as_str).collect();
        let lines = vec!["A"; units.len()];
        let sold: Vec<i64> = sales.iter().map(|d| 1_600_000_000 + d * day).collect();
        let ev: Vec<_> = events.iter().map(|&(u, d, a)| {
            let u = u % units.len();
            (units[u], sold[u] + d * day, a)
        }).collect();
        let eu: Vec<&str> = ev.iter().map(|e| e.0).collect();
        let at: Vec<i64> = ev.iter().map(|e| e.1).collect();
        let am: Vec<i64> = ev.iter().map(|e| e.2).collect();
        let fleet = Fleet { units: &units, product_lines: &lines, sold: &sold, manufacturing_cost_minor: None };
        let l = lifecycle_cost(&fleet, &CostEvents { units: &eu, at: &at, amounts_minor: &am, currencies: None },
                               &LifecycleOptions::default()).unwrap();
        for w in l.lines[0].ages.windows(2) {
            prop_assert!(w[1].mean_cumulative_minor >= w[0].mean_cumulative_minor);
            prop_assert!(w[1].at_risk <= w[0].at_risk);
            prop_assert!(w[1].low <= w[1].mean_cumulative_minor && w[1].mean_cumulative_minor <= w[1].high);
        }
    }
}

proptest! {
    /// A ledger merged from two parts of the lines equals the ledger of
    /// all of them, whatever the split; and it survives a saved state.
    #[test]
    fn ledger_merge_equals_one_pass(
        rows in proptest::collection::vec((0usize..3, 0usize..9, 0i64..1_000_000, 0i64..400), 0..40),
        split in 0usize..40,
        by_quarter in any::<bool>(),
    ) {
        use nps_core::state::Saved;
        let units_all = ["east", "west", "north"];
        let cats_all = nps_core::econ::default_categories();
        let units: Vec<&str> = rows.iter().map(|r| units_all[r.0]).collect();
        let cats: Vec<&str> = rows.iter().map(|r| cats_all[r.1].name.as_str()).collect();
        let amounts: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let times: Vec<i64> = rows.iter().map(|r| 1_735_689_600 + r.3 * 86_400).collect();
        // Engineers: a fixed number per unit, stated on some rows.
        let eng: Vec<Option<f64>> = rows
            .iter()
            .map(|r| (r.2 % 3 == 0).then_some(r.0 as f64 + 1.0))
            .collect();
        let part = |lo: usize, hi: usize| {
            let lines = Lines {
                categories: &cats[lo..hi],
                amounts_minor: &amounts[lo..hi],
                currencies: None,
                engineers: Some(&eng[lo..hi]),
            };
            let g = Grouping {
                keys: Some(Keys::Str(&units[lo..hi])),
                timestamps: by_quarter.then(|| &times[lo..hi]),
                period: by_quarter.then_some(Period::Quarter),
                tz: Some("Asia/Shanghai"),
            };
            ledger(&lines, &LedgerOptions::default(), &g).unwrap()
        };
        let k = split.min(rows.len());
        let whole = part(0, rows.len());
        let merged = part(0, k).merge(&part(k, rows.len())).unwrap();
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(nps_core::econ::Ledger::from_state(&merged.to_state()).unwrap(), merged);
    }
}

/// Ledgers computed another way do not merge: the error names `other` and
/// says what differs.
#[test]
fn ledgers_of_other_options_do_not_merge() {
    let one = |currency: &str, period: Option<Period>, eng: f64| {
        let lines = Lines {
            categories: &["parts"],
            amounts_minor: &[100],
            currencies: None,
            engineers: Some(&[Some(eng)]),
        };
        let g = Grouping {
            keys: Some(Keys::Str(&["west"])),
            timestamps: period.map(|_| &[1_735_689_600i64][..]),
            period,
            tz: None,
        };
        let opts = LedgerOptions {
            currency: Currency::from_code(currency).unwrap(),
            ..Default::default()
        };
        ledger(&lines, &opts, &g).unwrap()
    };
    let base = one("CNY", None, 3.0);
    for (other, what) in [
        (one("USD", None, 3.0), "USD"),
        (one("CNY", Some(Period::Month), 3.0), "period"),
        (one("CNY", None, 4.0), "engineers"),
    ] {
        match base.merge(&other) {
            Err(Error::InvalidArgument { name, reason }) => {
                assert_eq!(name, "other");
                assert!(reason.contains(what), "{reason}");
            }
            r => panic!("{what}: {r:?}"),
        }
    }
}

/// A saved ledger that breaks its rules does not load: the error names
/// `state`.
#[test]
fn a_tampered_ledger_state_does_not_load() {
    use nps_core::state::Saved;
    let lines = Lines {
        categories: &["parts", "service_delivery"],
        amounts_minor: &[100, 40],
        currencies: None,
        engineers: None,
    };
    let g = Grouping {
        keys: Some(Keys::Str(&["west", "west"])),
        ..Default::default()
    };
    let l = ledger(&lines, &LedgerOptions::default(), &g).unwrap();
    let text = String::from_utf8(l.to_state()).unwrap();
    assert!(text.contains("\"revenue_minor\":100"));
    let bad = text.replacen("\"revenue_minor\":100", "\"revenue_minor\":101", 1);
    match nps_core::econ::Ledger::from_state(bad.as_bytes()) {
        Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, "state"),
        r => panic!("{r:?}"),
    }
}

/// Events in another currency are converted with exact rates (1.00 USD at
/// 7.1 is 710 fen); the summary names the currency; a missing rate names
/// `rates`.
#[test]
fn lifecycle_converts_currencies() {
    let fleet = Fleet {
        units: &["u1"],
        product_lines: &["A"],
        sold: &[1_735_689_600],
        manufacturing_cost_minor: None,
    };
    let events = CostEvents {
        units: &["u1", "u1"],
        at: &[1_735_689_600 + 86_400, 1_735_689_600 + 2 * 86_400],
        amounts_minor: &[100, 300],
        currencies: Some(&["USD", "CNY"]),
    };
    match lifecycle_cost(&fleet, &events, &LifecycleOptions::default()) {
        Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, "rates"),
        r => panic!("{r:?}"),
    }
    let opts = LifecycleOptions {
        rates: vec![Rate::parse("USD", "CNY", "7.1").unwrap()],
        ..Default::default()
    };
    let l = lifecycle_cost(&fleet, &events, &opts).unwrap();
    assert_eq!(l.lines[0].ages[0].cost_minor, 710 + 300);
    assert_eq!(l.currency.code(), "CNY");
    let s = l.summary_table();
    assert!(s.column("currency").is_some());
}
