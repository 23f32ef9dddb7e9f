//! The change-test golden vectors (tests/golden/change_vectors.json, from
//! gen_change_vectors.py at 50 digits), shared with the C and Python suites.

use std::sync::OnceLock;

use nps_core::{
    compare_counts, compare_counts_many, compare_shares, compare_shares_many, Adjust, Alternative,
    ChangeManyOptions, ChangeOptions, CountExposure, ShareCounts,
};
use nps_tests::{golden_path, num, uint, Value};

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let path = golden_path().with_file_name("change_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(&path).expect("change_vectors.json"))
            .expect("valid JSON")
    })
}

/// |got − want| ≤ rtol·|want| + 1e−15; `null` stands for +∞.
fn close(what: &str, got: f64, want: &Value) -> Result<(), String> {
    let rtol = num(&vectors()["rtol"])?;
    let ok = match want {
        Value::Null => got == f64::INFINITY,
        w => {
            let w = num(w)?;
            (got - w).abs() <= rtol * w.abs() + 1e-15
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {want}"))
    }
}

fn options(v: &Value) -> Result<ChangeOptions, String> {
    let alternative: Alternative = serde_json::from_value(v["alternative"].clone())
        .map_err(|e| format!("alternative: {e}"))?;
    Ok(ChangeOptions {
        confidence: num(&v["confidence"])?,
        alternative,
    })
}

fn share(v: &Value) -> Result<ShareCounts, String> {
    Ok(ShareCounts {
        k: uint(&v[0])?,
        n: uint(&v[1])?,
    })
}

fn count(v: &Value) -> Result<CountExposure, String> {
    Ok(CountExposure {
        count: uint(&v[0])?,
        exposure: num(&v[1])?,
    })
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

#[test]
fn defaults_match_the_documented_values() {
    let d = &vectors()["defaults"];
    let o = ChangeOptions::default();
    assert_eq!(o.confidence, d["confidence"].as_f64().unwrap());
    assert_eq!(
        serde_json::to_value(o.alternative).unwrap(),
        d["alternative"]
    );
    assert_eq!(
        ChangeManyOptions::default().adjust.name(),
        d["adjust"].as_str().unwrap()
    );
}

#[test]
fn shares_vectors() {
    run("shares", |v| {
        let r = compare_shares(share(&v["first"])?, share(&v["second"])?, &options(v)?)
            .map_err(|e| e.to_string())?;
        let e = &v["expected"];
        close("first", r.first, &e["first"])?;
        close("second", r.second, &e["second"])?;
        close("difference", r.difference, &e["difference"])?;
        close("low", r.interval.low, &e["low"])?;
        close("high", r.interval.high, &e["high"])?;
        close("statistic", r.statistic, &e["statistic"])?;
        close("p_value", r.p_value, &e["p_value"])?;
        close("ln_p_value", r.ln_p_value, &e["ln_p_value"])?;
        match (r.ratio, &e["ratio"]) {
            (None, Value::Null) => Ok(()),
            (Some(g), w @ Value::Number(_)) => close("ratio", g, w),
            (g, w) => Err(format!("ratio: got {g:?}, expected {w}")),
        }
    });
}

#[test]
fn counts_vectors() {
    run("counts", |v| {
        let r = compare_counts(count(&v["first"])?, count(&v["second"])?, &options(v)?)
            .map_err(|e| e.to_string())?;
        let e = &v["expected"];
        close("first_rate", r.first_rate, &e["first_rate"])?;
        close("second_rate", r.second_rate, &e["second_rate"])?;
        close("ratio", r.ratio, &e["ratio"])?;
        close("change", r.change, &e["change"])?;
        close("low", r.interval.low, &e["low"])?;
        close("high", r.interval.high, &e["high"])?;
        close("p_value", r.p_value, &e["p_value"])?;
        close("ln_p_value", r.ln_p_value, &e["ln_p_value"])
    });
}

fn many_options(v: &Value) -> Result<ChangeManyOptions, String> {
    Ok(ChangeManyOptions {
        change: ChangeOptions {
            confidence: num(&v["confidence"])?,
            ..Default::default()
        },
        adjust: Adjust::from_name(v["adjust"].as_str().unwrap_or("")).map_err(|e| e.to_string())?,
    })
}

fn check_family(v: &Value, got: &[(f64, bool)]) -> Result<(), String> {
    let want_p = v["p_adjusted"].as_array().ok_or("p_adjusted")?;
    let want_s = v["significant"].as_array().ok_or("significant")?;
    if got.len() != want_p.len() {
        return Err(format!("{} results, expected {}", got.len(), want_p.len()));
    }
    for (i, (&(p, s), (wp, ws))) in got.iter().zip(want_p.iter().zip(want_s)).enumerate() {
        close(&format!("p_adjusted[{i}]"), p, wp)?;
        if Some(s) != ws.as_bool() {
            return Err(format!("significant[{i}]: got {s}, expected {ws}"));
        }
    }
    Ok(())
}

#[test]
fn families_are_adjusted_as_the_oracle() {
    run("shares_many", |v| {
        let pairs = v["pairs"]
            .as_array()
            .ok_or("pairs")?
            .iter()
            .map(|p| Ok((share(&p[0])?, share(&p[1])?)))
            .collect::<Result<Vec<_>, String>>()?;
        let r = compare_shares_many(&pairs, &many_options(v)?).map_err(|e| e.to_string())?;
        let got: Vec<_> = r.iter().map(|a| (a.p_adjusted, a.significant)).collect();
        check_family(v, &got)
    });
    run("counts_many", |v| {
        let pairs = v["pairs"]
            .as_array()
            .ok_or("pairs")?
            .iter()
            .map(|p| Ok((count(&p[0])?, count(&p[1])?)))
            .collect::<Result<Vec<_>, String>>()?;
        let r = compare_counts_many(&pairs, &many_options(v)?).map_err(|e| e.to_string())?;
        let got: Vec<_> = r.iter().map(|a| (a.p_adjusted, a.significant)).collect();
        check_family(v, &got)
    });
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The interval holds the estimate, the p-value is in [0, 1], and
        /// swapping the sides negates the difference and mirrors the
        /// interval (shares) or inverts the ratio and its interval (counts).
        #[test]
        fn swapping_sides_mirrors(k1 in 0u64..500, x1 in 1u64..500, k2 in 0u64..500, x2 in 1u64..500) {
            let o = ChangeOptions::default();
            let (a, b) = (ShareCounts { k: k1, n: k1 + x1 }, ShareCounts { k: k2, n: k2 + x2 });
            let r = compare_shares(a, b, &o).unwrap();
            let s = compare_shares(b, a, &o).unwrap();
            prop_assert!(r.interval.low <= r.difference && r.difference <= r.interval.high);
            prop_assert!((r.interval.low + s.interval.high).abs() < 1e-12);
            prop_assert!((0.0..=1.0).contains(&r.p_value));
            prop_assert!((r.p_value - s.p_value).abs() < 1e-12);

            let (a, b) = (CountExposure { count: k1, exposure: x1 as f64 }, CountExposure { count: k2 + 1, exposure: x2 as f64 });
            let r = compare_counts(a, b, &o).unwrap();
            prop_assert!(r.interval.low <= r.ratio && r.ratio <= r.interval.high);
            prop_assert!((0.0..=1.0).contains(&r.p_value) && r.ln_p_value <= 0.0);
            if k1 > 0 {
                let s = compare_counts(b, a, &o).unwrap();
                prop_assert!((r.interval.low * s.interval.high - 1.0).abs() < 1e-9);
                prop_assert!((r.p_value - s.p_value).abs() <= 1e-9 * r.p_value.max(1e-300));
            }
        }
    }
}
