//! Every golden vector of the tally and statistics sections, checked against
//! nps-core. Each failure names its vector.

use nps_core::{
    compare, compare_many, sample_size, test_benchmark, Adjust, AdjustedComparison, Alternative,
    ColumnTally, CompareManyOptions, Credible, IntervalMethod, InvalidPolicy, NpsSample,
    SampleSizeOptions, Tally, TestMethod, TestOptions, TestResult, WeightedTally,
};
use nps_tests::{
    check_close, check_error, check_rel, check_stat, num, nums, run_section, triple, uint, Value,
};

fn tol_of(v: &Value) -> Result<f64, String> {
    num(&v["tol"])
}

fn policy(v: &Value) -> Result<InvalidPolicy, String> {
    match v.get("invalid") {
        None | Some(Value::Null) => Ok(InvalidPolicy::Raise),
        Some(p) => serde_json::from_value(p.clone()).map_err(|e| format!("invalid policy: {e}")),
    }
}

fn alternative(v: &Value) -> Result<Alternative, String> {
    serde_json::from_value(v["alternative"].clone()).map_err(|e| format!("alternative: {e}"))
}

fn tally_of(v: &Value) -> Result<Tally, String> {
    let [d, pa, p] = triple(v)?;
    Tally::from_categories(d, pa, p).map_err(|e| format!("from_categories: {e}"))
}

/// Compares n, category counts, skipped and the statistics of an unweighted tally.
fn check_tally(t: &ColumnTally<Tally>, e: &Value, tol: f64) -> Result<(), String> {
    let c = t.tally.categories();
    let got = [
        ("n", t.tally.n()),
        ("detractors", c.detractors),
        ("passives", c.passives),
        ("promoters", c.promoters),
        ("skipped", t.skipped),
    ];
    for (field, actual) in got {
        let expected = uint(&e[field])?;
        if actual != expected {
            return Err(format!("{field}: got {actual}, expected {expected}"));
        }
    }
    check_stat("nps", t.tally.nps(), &e["nps"], tol)?;
    check_stat("mean", t.tally.mean_score(), &e["mean"], tol)?;
    check_stat("variance", t.tally.variance(), &e["variance"], tol)?;
    check_stat("se", t.tally.se(), &e["se"], tol)
}

fn check_weighted(t: &ColumnTally<WeightedTally>, e: &Value, tol: f64) -> Result<(), String> {
    let w = &t.tally;
    if w.n() != uint(&e["n"])? {
        return Err(format!("n: got {}, expected {}", w.n(), e["n"]));
    }
    if t.skipped != uint(&e["skipped"])? {
        return Err(format!(
            "skipped: got {}, expected {}",
            t.skipped, e["skipped"]
        ));
    }
    let [d, pa, p] = w.category_weights();
    check_close("detractors (weighted)", d, num(&e["detractors"])?, tol)?;
    check_close("passives (weighted)", pa, num(&e["passives"])?, tol)?;
    check_close("promoters (weighted)", p, num(&e["promoters"])?, tol)?;
    check_close("effective_n", w.effective_n(), num(&e["effective_n"])?, tol)?;
    check_stat("nps", w.nps(), &e["nps"], tol)?;
    check_stat("mean", w.mean_score(), &e["mean"], tol)?;
    check_stat("variance", w.variance(), &e["variance"], tol)?;
    check_stat("se", w.se(), &e["se"], tol)
}

/// Checks a result against `expect` or `error`.
fn against<T>(
    v: &Value,
    result: nps_core::Result<T>,
    ok: impl FnOnce(&T, &Value) -> Result<(), String>,
) -> Result<(), String> {
    match (result, v.get("expect"), v.get("error")) {
        (Ok(x), Some(e), None) => ok(&x, e),
        (Err(err), None, Some(e)) => check_error("error", &err, e),
        (Ok(_), None, Some(e)) => Err(format!("expected error {e}, got a result")),
        (Err(err), Some(_), None) => Err(format!("unexpected error {} ({err})", err.kind().name())),
        _ => Err("vector needs exactly one of `expect` and `error`".into()),
    }
}

fn check_tally_vector(v: &Value) -> Result<(), String> {
    let tol = tol_of(v)?;
    let input = &v["input"];
    let invalid = policy(v)?;
    if let Some(scores) = input.get("scores") {
        let scores = nums(scores)?;
        if let Some(w) = v.get("weights") {
            let w = nums(w)?;
            let r = WeightedTally::from_columns(&scores, &w, invalid);
            return against(v, r, |t, e| check_weighted(t, e, tol));
        }
        let r = Tally::from_column(&scores, invalid);
        against(v, r, |t, e| check_tally(t, e, tol))?;
        // The same column as integers (and bytes) where it is representable:
        // exercises the integer and SIMD paths on the same expectations.
        if scores.iter().all(|x| x.is_finite() && x.fract() == 0.0) {
            let as_i64: Vec<i64> = scores.iter().map(|&x| x as i64).collect();
            against(v, Tally::from_column(&as_i64, invalid), |t, e| {
                check_tally(t, e, tol)
            })
            .map_err(|m| format!("(as i64) {m}"))?;
            if scores.iter().all(|&x| (0.0..=255.0).contains(&x)) {
                let as_u8: Vec<u8> = scores.iter().map(|&x| x as u8).collect();
                against(v, Tally::from_column(&as_u8, invalid), |t, e| {
                    check_tally(t, e, tol)
                })
                .map_err(|m| format!("(as u8) {m}"))?;
            }
        }
        Ok(())
    } else if let Some(counts) = input.get("counts") {
        let c: Vec<u64> = counts
            .as_array()
            .ok_or("counts must be an array")?
            .iter()
            .map(uint)
            .collect::<Result<_, _>>()?;
        let c: [u64; 11] = c.try_into().map_err(|_| "counts must have 11 entries")?;
        let r = Tally::from_counts(c).map(|tally| ColumnTally { tally, skipped: 0 });
        against(v, r, |t, e| {
            if t.tally.counts() != Some(&c) {
                return Err(format!("counts(): got {:?}", t.tally.counts()));
            }
            check_tally(t, e, tol)
        })
    } else if let Some(cats) = input.get("categories") {
        let [d, pa, p] = triple(cats)?;
        let r = Tally::from_categories(d, pa, p).map(|tally| ColumnTally { tally, skipped: 0 });
        against(v, r, |t, e| check_tally(t, e, tol))
    } else {
        Err("input needs scores, counts or categories".into())
    }
}

fn interval_method(v: &Value) -> Result<IntervalMethod, String> {
    let name = v["method"].as_str().ok_or("method must be a string")?;
    let mut method = IntervalMethod::from_name(name).map_err(|e| e.to_string())?;
    let Some(opts) = v.get("options") else {
        return Ok(method);
    };
    match &mut method {
        IntervalMethod::AdjustedWald(a) => {
            if let Some(p) = opts.get("pseudo") {
                let p = nums(p)?;
                a.pseudo = p.try_into().map_err(|_| "pseudo must have 3 entries")?;
            }
            if let Some(c) = opts.get("clip") {
                a.clip = c.as_bool().ok_or("clip must be a bool")?;
            }
        }
        IntervalMethod::Bayes(b) => {
            if let Some(p) = opts.get("prior") {
                let p = nums(p)?;
                b.prior = p.try_into().map_err(|_| "prior must have 3 entries")?;
            }
            if let Some(c) = opts.get("credible") {
                b.credible = serde_json::from_value::<Credible>(c.clone())
                    .map_err(|e| format!("credible: {e}"))?;
            }
        }
        IntervalMethod::Wald | IntervalMethod::Score => {}
    }
    Ok(method)
}

fn check_interval_vector(v: &Value) -> Result<(), String> {
    let tol = tol_of(v)?;
    let t = tally_of(&v["categories"])?;
    let method = interval_method(v)?;
    let conf = num(&v["confidence"])?;
    against(v, t.interval(&method, conf), |ci, e| {
        check_close("low", ci.low, num(&e["low"])?, tol)?;
        check_close("high", ci.high, num(&e["high"])?, tol)?;
        check_close("center", ci.center, num(&e["center"])?, tol)?;
        if ci.method != method.name() {
            return Err(format!("method name: got {}", ci.method));
        }
        check_close("confidence", ci.confidence, conf, 0.0)
    })
}

fn check_test_result(r: &TestResult, v: &Value, e: &Value) -> Result<(), String> {
    let tol = tol_of(v)?;
    let p_rtol = num(&v["p_rtol"])?;
    check_close("difference", r.difference, num(&e["difference"])?, tol)?;
    check_close("se", r.se, num(&e["se"])?, tol)?;
    check_close("statistic", r.statistic, num(&e["statistic"])?, tol)?;
    check_rel("p_value", r.p_value, num(&e["p_value"])?, p_rtol)?;
    check_close("low", r.interval.low, num(&e["low"])?, tol)?;
    check_close("high", r.interval.high, num(&e["high"])?, tol)?;
    // ln p must agree with p wherever p is representable.
    let p = num(&e["p_value"])?;
    check_close("ln_p_value", r.ln_p_value, p.ln(), 10.0 * p_rtol + 1e-12)?;
    if r.alternative != alternative(v)? {
        return Err(format!("alternative: got {:?}", r.alternative));
    }
    Ok(())
}

fn test_options(v: &Value) -> Result<TestOptions, String> {
    let name = v["method"].as_str().ok_or("method must be a string")?;
    let method = TestMethod::from_name(name).map_err(|e| e.to_string())?;
    Ok(TestOptions {
        confidence: num(&v["confidence"])?,
        alternative: alternative(v)?,
        ..TestOptions::from(method)
    })
}

fn check_benchmark_vector(v: &Value) -> Result<(), String> {
    let t = tally_of(&v["categories"])?;
    let r = test_benchmark(&t, num(&v["benchmark"])?, &test_options(v)?);
    against(v, r, |r, e| check_test_result(r, v, e))
}

fn check_comparison_vector(v: &Value) -> Result<(), String> {
    let a = tally_of(&v["a"])?;
    let b = tally_of(&v["b"])?;
    let r = compare(&a, &b, &test_options(v)?);
    against(v, r, |r, e| check_test_result(r, v, e))
}

/// A `compare_many` vector: every pair's comparison (as a comparison
/// vector, with its ln p checked absolutely: the p-values may underflow),
/// the adjusted p-value (relative), its log (absolute) and the decision.
fn check_compare_many_vector(v: &Value) -> Result<(), String> {
    let pairs: Vec<(Tally, Tally)> = v["pairs"]
        .as_array()
        .ok_or("pairs must be an array")?
        .iter()
        .map(|p| Ok((tally_of(&p["a"])?, tally_of(&p["b"])?)))
        .collect::<Result<_, String>>()?;
    let refs: Vec<(&Tally, &Tally)> = pairs.iter().map(|(a, b)| (a, b)).collect();
    let adjust = Adjust::from_name(v["adjust"].as_str().ok_or("adjust must be a string")?)
        .map_err(|e| e.to_string())?;
    let options = CompareManyOptions {
        test: test_options(v)?,
        adjust,
    };
    against(v, compare_many(&refs, &options), |r, e| {
        check_adjusted(r, v, e)
    })
}

fn check_adjusted(r: &[AdjustedComparison], v: &Value, e: &Value) -> Result<(), String> {
    let e = e.as_array().ok_or("expect must be an array")?;
    if r.len() != e.len() {
        return Err(format!("got {} results, expected {}", r.len(), e.len()));
    }
    let tol = tol_of(v)?;
    let p_rtol = num(&v["p_rtol"])?;
    let ln_tol = num(&v["ln_tol"])?;
    for (i, (r, e)) in r.iter().zip(e).enumerate() {
        let at = |m: String| format!("pair {i}: {m}");
        let t = &r.result;
        check_close("difference", t.difference, num(&e["difference"])?, tol).map_err(at)?;
        check_close("se", t.se, num(&e["se"])?, tol).map_err(at)?;
        check_close("statistic", t.statistic, num(&e["statistic"])?, tol).map_err(at)?;
        check_close("low", t.interval.low, num(&e["low"])?, tol).map_err(at)?;
        check_close("high", t.interval.high, num(&e["high"])?, tol).map_err(at)?;
        check_rel("p_value", t.p_value, num(&e["p_value"])?, p_rtol).map_err(at)?;
        check_close("ln_p_value", t.ln_p_value, num(&e["ln_p_value"])?, ln_tol).map_err(at)?;
        check_rel("p_adjusted", r.p_adjusted, num(&e["p_adjusted"])?, p_rtol).map_err(at)?;
        check_close(
            "ln_p_adjusted",
            r.ln_p_adjusted,
            num(&e["ln_p_adjusted"])?,
            ln_tol,
        )
        .map_err(at)?;
        let want = e["significant"]
            .as_bool()
            .ok_or("significant must be a bool")?;
        if r.significant != want {
            return Err(at(format!("significant: got {}", r.significant)));
        }
    }
    Ok(())
}

fn check_sample_size_vector(v: &Value) -> Result<(), String> {
    let population = match &v["population"] {
        Value::Null => None,
        p => Some(uint(p)?),
    };
    let r = sample_size(
        num(&v["margin"])?,
        num(&v["promoters"])?,
        num(&v["detractors"])?,
        &SampleSizeOptions {
            confidence: num(&v["confidence"])?,
            population,
        },
    );
    against(v, r, |&n, e| {
        let expected = uint(&e["n"])?;
        if n == expected {
            Ok(())
        } else {
            Err(format!("n: got {n}, expected {expected}"))
        }
    })
}

#[test]
fn golden_file_header() {
    let g = nps_tests::golden();
    assert_eq!(g["version"], 1);
    assert_eq!(g["generator"], "tests/golden/gen_vectors.py");
}

#[test]
fn golden_tallies() {
    let n = run_section("tallies", check_tally_vector);
    assert!(n >= 30, "only {n} tally vectors");
}

#[test]
fn golden_intervals() {
    let n = run_section("intervals", check_interval_vector);
    assert!(n >= 30, "only {n} interval vectors");
}

#[test]
fn golden_tests() {
    let n = run_section("tests", check_benchmark_vector);
    assert!(n >= 10, "only {n} test vectors");
}

#[test]
fn golden_comparisons() {
    let n = run_section("comparisons", check_comparison_vector);
    assert!(n >= 10, "only {n} comparison vectors");
}

#[test]
fn golden_compare_many() {
    let n = run_section("compare_many", check_compare_many_vector);
    assert!(n >= 10, "only {n} compare_many vectors");
}

#[test]
fn golden_sample_sizes() {
    let n = run_section("sample_sizes", check_sample_size_vector);
    assert!(n >= 10, "only {n} sample-size vectors");
}
