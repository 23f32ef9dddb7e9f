//! The loyalty golden vectors (tests/golden/loyalty_vectors.json, from
//! gen_loyalty_vectors.py at 50 digits), shared with the C and Python
//! suites, and property tests of outcomes by score and customer value.

use std::sync::OnceLock;

use nps_core::case::Case;
use nps_core::group::{GroupKey, Grouping, Keys};
use nps_core::loyalty::{
    category_bands, customer_value, customer_values, outcome_by_score, rank_open_cases, Band,
    CustomerColumns, HighValueRule, OutcomeColumns, OutcomeOptions, OutcomeTable, ValueOptions,
};
use nps_core::money::Currency;
use nps_core::policy::Policy;
use nps_core::state::Saved;
use nps_core::ErrorKind;
use nps_tests::{golden_path, num, Value};

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let path = golden_path().with_file_name("loyalty_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(&path).expect("loyalty_vectors.json"))
            .expect("valid JSON")
    })
}

fn close(what: &str, got: Option<f64>, want: &Value) -> Result<(), String> {
    let rtol = num(&vectors()["rtol"])?;
    let ok = match (got, want) {
        (None, Value::Null) => true,
        (Some(g), w @ Value::Number(_)) => {
            let w = num(w)?;
            (g - w).abs() <= rtol * w.abs() + 1e-15
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {want}"))
    }
}

fn run(section: &str, check: impl Fn(&Value) -> Result<(), String>) {
    let list = vectors()[section].as_array().expect("a section");
    assert!(!list.is_empty(), "{section} is empty");
    let failures: Vec<String> = list
        .iter()
        .filter_map(|v| {
            check(v)
                .err()
                .map(|e| format!("[{section}/{}] {e}", v["name"]))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn bands_of(v: &Value) -> Option<Vec<Band>> {
    v.as_array().map(|bs| {
        bs.iter()
            .map(|b| {
                Band::new(
                    b[0].as_str().unwrap_or(""),
                    b[1].as_i64().unwrap_or(-1),
                    b[2].as_i64().unwrap_or(-1),
                )
            })
            .collect()
    })
}

struct Input {
    scores: Vec<f64>,
    outcomes: Vec<bool>,
    until: Option<Vec<i64>>,
    keys: Option<Vec<String>>,
    options: OutcomeOptions,
}

fn input(v: &Value) -> Input {
    let f = |k: &str| v[k].as_array().cloned().unwrap_or_default();
    let mut options = OutcomeOptions {
        bands: bands_of(&v["bands"]),
        reference: v["reference"].as_str().map(str::to_owned),
        as_of: v["as_of"].as_i64(),
        ..Default::default()
    };
    if let Some(c) = v["confidence"].as_f64() {
        options.confidence = c;
    }
    Input {
        scores: f("scores").iter().map(|x| x.as_f64().unwrap()).collect(),
        outcomes: f("outcomes").iter().map(|x| x.as_bool().unwrap()).collect(),
        until: v["observed_until"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_i64().unwrap()).collect()),
        keys: v["keys"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_owned()).collect()),
        options,
    }
}

fn compute(i: &Input) -> nps_core::Result<OutcomeTable> {
    let strs: Vec<&str> = i
        .keys
        .iter()
        .flat_map(|k| k.iter().map(String::as_str))
        .collect();
    let g = Grouping {
        keys: i.keys.as_ref().map(|_| Keys::Str(&strs)),
        ..Default::default()
    };
    let cols = OutcomeColumns {
        scores: &i.scores,
        outcomes: &i.outcomes,
        observed_until: i.until.as_deref(),
    };
    outcome_by_score(&cols, &i.options, &g)
}

fn check_rows(t: &OutcomeTable, want: &Value) -> Result<(), String> {
    let rows = t.rows().map_err(|e| e.to_string())?;
    let want = want.as_array().ok_or("rows")?;
    if rows.len() != want.len() {
        return Err(format!("{} rows, expected {}", rows.len(), want.len()));
    }
    for (j, (r, w)) in rows.iter().zip(want).enumerate() {
        let at = |f: &str| format!("row {j} {f}");
        let key = match &r.key {
            GroupKey::All => Value::Null,
            GroupKey::Str(s) => Value::String(s.clone()),
            other => return Err(format!("unexpected key {other:?}")),
        };
        if key != w["key"] || r.band != w["band"].as_str().unwrap_or("") {
            return Err(format!("{}: {key} {} vs {w}", at("label"), r.band));
        }
        for (name, got) in [
            ("n", r.counts.n),
            ("outcomes", r.counts.outcomes),
            ("censored", r.counts.censored),
        ] {
            if Some(got) != w[name].as_u64() {
                return Err(format!("{}: got {got}, expected {}", at(name), w[name]));
            }
        }
        close(&at("rate"), r.rate, &w["rate"])?;
        close(&at("low"), r.low, &w["low"])?;
        close(&at("high"), r.high, &w["high"])?;
        close(&at("lift"), r.lift, &w["lift"])?;
        close(&at("lift_low"), r.lift_low, &w["lift_low"])?;
        close(&at("lift_high"), r.lift_high, &w["lift_high"])?;
        close(&at("p_value"), r.p_value, &w["p_value"])?;
    }
    Ok(())
}

#[test]
fn defaults_match_the_documented_values() {
    let d = &vectors()["defaults"];
    let o = &d["options"];
    let oo = OutcomeOptions::default();
    assert_eq!(oo.confidence, o["confidence"].as_f64().unwrap());
    assert_eq!(Some(category_bands()), bands_of(&o["bands"]));
    let (bands, r) = oo.resolve().unwrap();
    assert_eq!(bands[r].name, o["reference"].as_str().unwrap());
    let v = ValueOptions::default();
    assert_eq!(v.margin, o["margin"].as_f64().unwrap());
    assert_eq!(v.years, o["years"].as_f64().unwrap());
    assert_eq!(v.discount_rate, o["discount_rate"].as_f64().unwrap());
    assert_eq!(
        v.referral_value_minor,
        o["referral_value_minor"].as_i64().unwrap()
    );
    assert_eq!(v.currency.code(), o["currency"].as_str().unwrap());
    let rule: HighValueRule = serde_json::from_value(o["high_value"].clone()).unwrap();
    assert_eq!(rule, HighValueRule::default());

    let t = compute(&input(&d["outcome"])).unwrap();
    check_rows(&t, &d["outcome"]["rows"]).unwrap();
    let dv = &d["value"];
    let c = customer_value(
        dv["annual_spend_minor"].as_i64().unwrap(),
        dv["referrals"].as_f64().unwrap(),
        &ValueOptions::default(),
    )
    .unwrap();
    assert_eq!(c.total.minor, dv["total_minor"].as_i64().unwrap());
}

#[test]
fn outcome_vectors() {
    run("outcome", |v| {
        let t = compute(&input(v)).map_err(|e| e.to_string())?;
        check_rows(&t, &v["rows"])?;
        let table = t.to_table().map_err(|e| e.to_string())?;
        if table.n_rows() != v["rows"].as_array().map_or(0, Vec::len) {
            return Err("table rows".into());
        }
        Ok(())
    });
}

#[test]
fn outcome_errors_name_where() {
    run("outcome_errors", |v| {
        let e = match compute(&input(v)) {
            Ok(_) => return Err("no error".into()),
            Err(e) => e,
        };
        let kind = e.kind().name();
        let want = v["kind"].as_str().unwrap_or("");
        if kind != want {
            return Err(format!("kind {kind}, expected {want}: {e}"));
        }
        if let Some(i) = v["index"].as_u64() {
            if e.index() != Some(i as usize) {
                return Err(format!("index {:?}, expected {i}", e.index()));
            }
        }
        if let Some(a) = v["argument"].as_str() {
            if e.argument() != Some(a) {
                return Err(format!("argument {:?}, expected {a}", e.argument()));
            }
        }
        Ok(())
    });
}

fn value_options(v: &Value) -> ValueOptions {
    ValueOptions {
        margin: v["margin"].as_f64().unwrap(),
        years: v["years"].as_f64().unwrap(),
        discount_rate: v["discount_rate"].as_f64().unwrap(),
        referral_value_minor: v["referral_value_minor"].as_i64().unwrap(),
        ..Default::default()
    }
}

#[test]
fn value_vectors() {
    run("value", |v| {
        let c = customer_value(
            v["annual_spend_minor"].as_i64().unwrap(),
            v["referrals"].as_f64().unwrap(),
            &value_options(v),
        )
        .map_err(|e| e.to_string())?;
        let got = [c.own.minor, c.referral.minor, c.total.minor];
        let want = ["own_minor", "referral_minor", "total_minor"].map(|k| v[k].as_i64().unwrap());
        if got != want {
            return Err(format!("got {got:?}, expected {want:?}"));
        }
        close(
            "annuity_factor",
            Some(c.annuity_factor),
            &v["annuity_factor"],
        )
    });
    run("value_errors", |v| {
        match customer_value(
            v["annual_spend_minor"].as_i64().unwrap(),
            v["referrals"].as_f64().unwrap(),
            &value_options(v),
        ) {
            Ok(_) => Err("no error".into()),
            Err(e) if e.argument() == v["argument"].as_str() => Ok(()),
            Err(e) => Err(format!("wrong error {e}")),
        }
    });
}

#[test]
fn value_columns_name_the_row() {
    let o = ValueOptions::default();
    let c = CustomerColumns {
        annual_spend_minor: &[100, 200, 300],
        referrals: Some(&[0.0, -1.0, 0.0]),
        years: None,
    };
    let e = customer_values(&c, &o).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert_eq!(e.index(), Some(1));
    assert!(e.to_string().contains("referrals"), "{e}");
}

#[test]
fn high_value_vectors() {
    run("high_value", |v| {
        let rule = match &v["rule"] {
            Value::Null => HighValueRule::default(),
            r => HighValueRule::from_json(&r.to_string()).map_err(|e| e.to_string())?,
        };
        let kwh: Vec<f64> = v["annual_kwh"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap_or(f64::NAN))
            .collect();
        let spend: Vec<Option<i64>> = v["annual_spend_minor"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::as_i64)
            .collect();
        let got = rule
            .evaluate(Some(&kwh), Some(&spend))
            .map_err(|e| e.to_string())?;
        let want: Vec<bool> = v["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_bool().unwrap())
            .collect();
        if got == want {
            Ok(())
        } else {
            Err(format!("got {got:?}, expected {want:?}"))
        }
    });
}

#[test]
fn rank_vectors() {
    run("rank", |v| {
        let cases: Vec<Case> = v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Case::from_json_events(&c["events"].to_string(), c["id"].as_str().unwrap()))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let spend: Vec<i64> = v["annual_spend_minor"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        let refs: Vec<f64> = v["referrals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let o = ValueOptions {
            referral_value_minor: v["referral_value_minor"].as_i64().unwrap(),
            ..Default::default()
        };
        let cols = CustomerColumns {
            annual_spend_minor: &spend,
            referrals: Some(&refs),
            years: None,
        };
        let r = rank_open_cases(
            &cases,
            &cols,
            &o,
            &Policy::default(),
            v["now"].as_i64().unwrap(),
        )
        .map_err(|e| e.to_string())?;
        let want = v["expected"].as_array().unwrap();
        if r.len() != want.len() {
            return Err(format!("{} ranked", r.len()));
        }
        for (g, w) in r.iter().zip(want) {
            if g.case_id != w["case_id"].as_str().unwrap() {
                return Err(format!("order: {} vs {}", g.case_id, w["case_id"]));
            }
            close("value", Some(g.value), &w["value"])?;
            close("probability", Some(g.probability), &w["probability"])?;
            close("expected", Some(g.expected), &w["expected"])?;
        }
        Ok(())
    });
}

#[test]
fn outcome_table_saves_and_merges() {
    let v = &vectors()["outcome"][1];
    let i = input(v);
    let t = compute(&i).unwrap();
    assert_eq!(OutcomeTable::from_state(&t.to_state()).unwrap(), t);
    let mid = i.scores.len() / 2;
    let part = |r: std::ops::Range<usize>| {
        compute(&Input {
            scores: i.scores[r.clone()].to_vec(),
            outcomes: i.outcomes[r].to_vec(),
            until: None,
            keys: None,
            options: i.options.clone(),
        })
        .unwrap()
    };
    let m = part(0..mid).merge(&part(mid..i.scores.len())).unwrap();
    assert_eq!(m, t);
    let other = compute(&Input {
        options: OutcomeOptions::default(),
        ..input(v)
    })
    .unwrap();
    assert_eq!(
        t.merge(&other).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    // A state edited to break an invariant does not load.
    let mut bad = t.clone();
    bad.groups[0].counts[0].outcomes = bad.groups[0].counts[0].n + 1;
    assert!(OutcomeTable::from_state(&bad.to_state()).is_err());
    let _ = Currency::from_code("CNY").unwrap();
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn rows_of(scores: &[u8], outcomes: &[bool], until: &[i64], as_of: i64) -> OutcomeTable {
        let s: Vec<f64> = scores.iter().map(|&x| f64::from(x)).collect();
        let cols = OutcomeColumns {
            scores: &s,
            outcomes,
            observed_until: Some(until),
        };
        let o = OutcomeOptions {
            as_of: Some(as_of),
            ..Default::default()
        };
        outcome_by_score(&cols, &o, &Grouping::default()).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Rates and bounds in [0, 1] around the rate; the lift interval
        /// holds the lift; used + censored = all rows; merging two halves
        /// is one pass.
        #[test]
        fn outcome_invariants(rows in proptest::collection::vec((0u8..=10, any::<bool>(), 0i64..10), 1..120), as_of in 0i64..10, cut in 0usize..120) {
            let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
            let outcomes: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let until: Vec<i64> = rows.iter().map(|r| r.2).collect();
            let t = rows_of(&scores, &outcomes, &until, as_of);
            prop_assert_eq!(t.used() + t.censored(), rows.len() as u64);
            for r in t.rows().unwrap() {
                if let (Some(p), Some(l), Some(h)) = (r.rate, r.low, r.high) {
                    prop_assert!((0.0..=1.0).contains(&p));
                    prop_assert!(0.0 <= l && l <= p + 1e-12 && p <= h + 1e-12 && h <= 1.0);
                }
                if let (Some(lift), Some(lo)) = (r.lift, r.lift_low) {
                    prop_assert!(lo <= lift * (1.0 + 1e-9), "{} > {}", lo, lift);
                    if let Some(hi) = r.lift_high {
                        prop_assert!(lift <= hi * (1.0 + 1e-9), "{} > {}", lift, hi);
                    }
                }
                if let Some(p) = r.p_value {
                    prop_assert!((0.0..=1.0).contains(&p));
                }
            }
            let c = cut.min(rows.len());
            let a = rows_of(&scores[..c], &outcomes[..c], &until[..c], as_of);
            let b = rows_of(&scores[c..], &outcomes[c..], &until[c..], as_of);
            prop_assert_eq!(a.merge(&b).unwrap(), t);
        }

        /// Value grows with spend, years and referrals; without discounting
        /// it is spend × margin × years.
        #[test]
        fn value_is_monotone(spend in 0i64..100_000_000, years in 0u32..40, rate in -0.05f64..0.5, refs in 0u32..10) {
            let o = ValueOptions { margin: 0.3, years: f64::from(years), discount_rate: rate,
                referral_value_minor: 100_000, ..Default::default() };
            let a = customer_value(spend, f64::from(refs), &o).unwrap();
            let more = ValueOptions { years: o.years + 1.0, ..o };
            prop_assert!(customer_value(spend, f64::from(refs), &more).unwrap().total.minor >= a.total.minor);
            prop_assert!(customer_value(spend + 100, f64::from(refs + 1), &o).unwrap().total.minor >= a.total.minor);
            let flat = ValueOptions { discount_rate: 0.0, ..o };
            let f = customer_value(spend, 0.0, &flat).unwrap();
            prop_assert_eq!(f.own.minor, (spend as f64 * 0.3 * f64::from(years)).round() as i64);
        }
    }
}

#[test]
fn policy_carries_the_high_value_rule() {
    let p = Policy::default();
    assert_eq!(p.high_value, HighValueRule::default());
    let mut v: Value = serde_json::from_str(&p.to_json()).unwrap();
    assert_eq!(
        v["high_value"],
        vectors()["defaults"]["options"]["high_value"]
    );
    // A policy without the section takes the default rule.
    v.as_object_mut().unwrap().remove("high_value");
    assert_eq!(Policy::from_json(&v.to_string()).unwrap(), p);
    // A policy's own rule feeds triage.
    v["high_value"] =
        serde_json::json!({"annual_kwh_above": 8000.0, "annual_spend_at_least": null});
    let q = Policy::from_json(&v.to_string()).unwrap();
    let hv = q
        .high_value_customers(Some(&[6_000.0, 9_000.0]), Some(&[Some(1_000_000), None]))
        .unwrap();
    assert_eq!(hv, [false, true]);
    let t = q
        .triage_many(&[6, 6], &[1_749_819_600; 2], &hv, &[])
        .unwrap();
    assert_eq!(t.get(1).unwrap().tier.map(|t| t.name()), Some("A"));
    // A bad rule is a policy problem with its path.
    v["high_value"] = serde_json::json!({"annual_kwh_above": -1.0});
    let e = Policy::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidPolicy);
    assert_eq!(e.problems()[0].path, "high_value.annual_kwh_above");
}
