//! The defaults vectors (`golden/defaults_vectors.json`, written by the
//! independent oracle `gen_defaults_vectors.py`): the default values of every
//! core options type, and every option-taking operation called with its
//! defaults only. Each failure names its vector.

use std::sync::OnceLock;

use nps_core::group::Keys;
use nps_core::kpi::{
    comeback_rate, csat, diagnosis_accuracy, first_time_fix_rate, follow_up_completion_rate,
    job_outcomes, repeat_complaint_rate, scorecard_of, time_kpi_durations, visits_per_resolution,
    ComebackOptions, CsatOptions, FollowUpOptions, Grouping, JobOutcome, Jobs, Kpi, ScoreInput,
    TimeMeasure,
};
use nps_core::policy::Policy;
use nps_core::{
    compare, compare_many, sample_size, test_benchmark, CompareManyOptions, IntervalOptions,
    NpsSample, SampleSizeOptions, Tally, TestOptions, TestResult, DEFAULT_CONFIDENCE,
};
use nps_tests::{check_close, check_rel, num, nums, triple, Value};

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("golden/defaults_vectors.json");
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", p.display()))
    })
}

fn name<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn eq(what: &str, got: Value, want: &Value) -> Result<(), String> {
    if &got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, expected {want}"))
    }
}

#[test]
fn default_values_are_the_documented_ones() {
    let d = &vectors()["defaults"];
    let check = || -> Result<(), String> {
        check_close(
            "confidence",
            DEFAULT_CONFIDENCE,
            num(&d["confidence"])?,
            0.0,
        )?;
        let i = IntervalOptions::default();
        let e = &d["interval"];
        eq("interval.method", name(&i.method), &e["method"])?;
        check_close(
            "interval.confidence",
            i.confidence,
            num(&e["confidence"])?,
            0.0,
        )?;
        eq("interval.pseudo", name(&i.pseudo), &e["pseudo"])?;
        eq("interval.clip", name(&i.clip), &e["clip"])?;
        eq("interval.prior", name(&i.prior), &e["prior"])?;
        eq("interval.credible", name(&i.credible), &e["credible"])?;
        let t = TestOptions::default();
        let e = &d["test"];
        eq("test.method", name(&t.method), &e["method"])?;
        eq("test.pseudo", name(&t.pseudo), &e["pseudo"])?;
        eq("test.alternative", name(&t.alternative), &e["alternative"])?;
        check_close("test.confidence", t.confidence, num(&e["confidence"])?, 0.0)?;
        let m = CompareManyOptions::default();
        eq(
            "compare_many.adjust",
            name(&m.adjust),
            &d["compare_many"]["adjust"],
        )?;
        if m.test != t {
            return Err("compare_many.test is not TestOptions::default()".into());
        }
        let s = SampleSizeOptions::default();
        let e = &d["sample_size"];
        check_close(
            "sample_size.confidence",
            s.confidence,
            num(&e["confidence"])?,
            0.0,
        )?;
        eq(
            "sample_size.population",
            name(&s.population),
            &e["population"],
        )?;
        let c = ComebackOptions::default();
        let e = &d["comeback"];
        eq(
            "comeback.window_seconds",
            name(&c.window_seconds),
            &e["window_seconds"],
        )?;
        eq(
            "comeback.window_days",
            name(&ComebackOptions::DEFAULT_WINDOW_DAYS),
            &e["window_days"],
        )?;
        eq("comeback.as_of", name(&c.as_of), &e["as_of"])?;
        eq(
            "comeback.exclude_incomplete",
            name(&c.exclude_incomplete),
            &e["exclude_incomplete"],
        )?;
        let f = FollowUpOptions::default();
        let e = &d["follow_up"];
        eq(
            "follow_up.earliest_seconds",
            name(&f.earliest_seconds),
            &e["earliest_seconds"],
        )?;
        eq(
            "follow_up.latest_seconds",
            name(&f.latest_seconds),
            &e["latest_seconds"],
        )?;
        eq(
            "follow_up.earliest_days",
            name(&FollowUpOptions::DEFAULT_EARLIEST_DAYS),
            &e["earliest_days"],
        )?;
        eq(
            "follow_up.latest_days",
            name(&FollowUpOptions::DEFAULT_LATEST_DAYS),
            &e["latest_days"],
        )?;
        // One source for the 3 and the 7: the recovery case's follow-up
        // window is the same.
        let w = nps_core::policy::FollowUpWindow::default();
        eq(
            "recovery.follow_up",
            name(&(w.from, w.to)),
            &serde_json::json!([
                {"unit": "wall", "seconds": e["earliest_seconds"]},
                {"unit": "wall", "seconds": e["latest_seconds"]}
            ]),
        )?;
        check_close(
            "target_share",
            nps_core::policy::Benchmark::DEFAULT_TARGET_SHARE,
            num(&d["target_share"])?,
            0.0,
        )?;
        check_close(
            "csat.satisfied_min",
            CsatOptions::default().satisfied_min,
            num(&d["csat"]["satisfied_min"])?,
            0.0,
        )?;
        let p = Policy::default();
        for k in TimeMeasure::ALL {
            eq(
                k.name(),
                name(&k.target_seconds(&p.benchmarks).map_err(|e| e.to_string())?),
                &d["time_targets"][k.name()],
            )?;
        }
        for (kpi, b) in vectors()["benchmarks"].as_object().unwrap() {
            let got = p.benchmarks.iter().find(|x| &x.kpi == kpi);
            let got = got.ok_or(format!("default policy has no benchmark {kpi}"))?;
            eq(&format!("{kpi}.min"), name(&got.min), &b["min"])?;
            eq(&format!("{kpi}.max"), name(&got.max), &b["max"])?;
            eq(
                &format!("{kpi}.target_share"),
                name(&got.target_share),
                &b["target_share"],
            )?;
        }
        Ok(())
    };
    check().unwrap();
}

fn tally(v: &Value) -> Result<Tally, String> {
    let [d, pa, p] = triple(v)?;
    Tally::from_categories(d, pa, p).map_err(|e| e.to_string())
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| match x {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn check_kpi(k: &Kpi, e: &Value, tol: f64) -> Result<(), String> {
    for (field, got) in [
        ("value", k.value),
        ("numerator", Some(k.numerator)),
        ("denominator", Some(k.denominator)),
        ("coverage", k.coverage),
    ] {
        match (got, &e[field]) {
            (None, Value::Null) => {}
            (Some(g), w) if !w.is_null() => check_close(field, g, num(w)?, tol)?,
            (g, w) => return Err(format!("{field}: got {g:?}, expected {w}")),
        }
    }
    Ok(())
}

fn check_test(r: &TestResult, v: &Value) -> Result<(), String> {
    let (e, tol) = (&v["expected"], num(&v["tol"])?);
    check_close("difference", r.difference, num(&e["difference"])?, tol)?;
    check_close("se", r.se, num(&e["se"])?, tol)?;
    check_close("statistic", r.statistic, num(&e["statistic"])?, tol)?;
    check_rel(
        "p_value",
        r.p_value,
        num(&e["p_value"])?,
        num(&v["p_rtol"])?,
    )?;
    check_close("low", r.interval.low, num(&e["low"])?, tol)?;
    check_close("high", r.interval.high, num(&e["high"])?, tol)?;
    check_close(
        "confidence",
        r.interval.confidence,
        num(&e["confidence"])?,
        0.0,
    )?;
    eq("method", name(&r.interval.method), &e["method"])?;
    eq("alternative", name(&r.alternative), &e["alternative"])
}

fn check_operation(v: &Value) -> Result<(), String> {
    let (i, e) = (&v["inputs"], &v["expected"]);
    let tol = v.get("tol").map_or(Ok(1e-9), num)?;
    let g = Grouping::default();
    let err = |e: nps_core::Error| e.to_string();
    match v["operation"].as_str().unwrap_or("") {
        "interval" => {
            let r = tally(&i["categories"])?
                .interval_with(&IntervalOptions::default())
                .map_err(err)?;
            check_close("low", r.low, num(&e["low"])?, tol)?;
            check_close("high", r.high, num(&e["high"])?, tol)?;
            check_close("center", r.center, num(&e["center"])?, tol)?;
            check_close("confidence", r.confidence, num(&e["confidence"])?, 0.0)?;
            eq("method", name(&r.method), &e["method"])
        }
        "test_benchmark" => {
            let t = tally(&i["categories"])?;
            let r = test_benchmark(&t, num(&i["benchmark"])?, &TestOptions::default());
            check_test(&r.map_err(err)?, v)
        }
        "compare" => {
            let (a, b) = (tally(&i["a"])?, tally(&i["b"])?);
            check_test(&compare(&a, &b, &TestOptions::default()).map_err(err)?, v)
        }
        "compare_many" => {
            let pairs = i["pairs"]
                .as_array()
                .ok_or("pairs")?
                .iter()
                .map(|p| Ok((tally(&p["a"])?, tally(&p["b"])?)))
                .collect::<Result<Vec<_>, String>>()?;
            let refs: Vec<(&Tally, &Tally)> = pairs.iter().map(|(a, b)| (a, b)).collect();
            let r = compare_many(&refs, &CompareManyOptions::default()).map_err(err)?;
            let want = e["results"].as_array().ok_or("results")?;
            if r.len() != want.len() {
                return Err(format!("{} results, expected {}", r.len(), want.len()));
            }
            let (p_rtol, ln_tol) = (num(&v["p_rtol"])?, num(&v["ln_tol"])?);
            for (r, w) in r.iter().zip(want) {
                let t = &r.result;
                check_close("difference", t.difference, num(&w["difference"])?, tol)?;
                check_close("se", t.se, num(&w["se"])?, tol)?;
                check_close("low", t.interval.low, num(&w["low"])?, tol)?;
                check_close("high", t.interval.high, num(&w["high"])?, tol)?;
                check_rel("p_value", t.p_value, num(&w["p_value"])?, p_rtol)?;
                check_rel("p_adjusted", r.p_adjusted, num(&w["p_adjusted"])?, p_rtol)?;
                check_close(
                    "ln_p_adjusted",
                    r.ln_p_adjusted,
                    num(&w["ln_p_adjusted"])?,
                    ln_tol,
                )?;
                eq("significant", name(&r.significant), &w["significant"])?;
            }
            Ok(())
        }
        "sample_size" => {
            let n = sample_size(
                num(&i["margin"])?,
                num(&i["promoters"])?,
                num(&i["detractors"])?,
                &SampleSizeOptions::default(),
            )
            .map_err(err)?;
            eq("n", name(&n), &e["n"])
        }
        "margin_of_error" => {
            let m = tally(&i["categories"])?
                .margin_of_error(DEFAULT_CONFIDENCE)
                .map_err(err)?;
            check_close("margin", m, num(&e["margin"])?, tol)
        }
        op @ ("job_outcomes"
        | "first_time_fix_rate"
        | "comeback_rate"
        | "diagnosis_accuracy"
        | "visits_per_resolution") => {
            let veh = strings(&i["vehicles"]);
            let veh: Vec<&str> = veh.iter().map(String::as_str).collect();
            let comp = (!i["complaints"].is_null()).then(|| strings(&i["complaints"]));
            let comp: Option<Vec<&str>> = comp
                .as_ref()
                .map(|c| c.iter().map(String::as_str).collect());
            let (opened, closed) = (ints(&i["opened"]), ints(&i["closed"]));
            let jobs = Jobs {
                vehicles: Keys::Str(&veh),
                complaints: comp.as_deref().map(Keys::Str),
                opened: &opened,
                closed: &closed,
            };
            let o = ComebackOptions::default();
            match op {
                "job_outcomes" => {
                    let got: Vec<JobOutcome> = job_outcomes(&jobs, &o).map_err(err)?;
                    eq("outcomes", name(&got), &e["outcomes"])
                }
                "first_time_fix_rate" => check_kpi(
                    &first_time_fix_rate(&jobs, &o, &g).map_err(err)?.overall,
                    e,
                    tol,
                ),
                "diagnosis_accuracy" => {
                    let ops = strings(&i["operations"]);
                    let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
                    let t = diagnosis_accuracy(&jobs, Keys::Str(&ops), &o, &g).map_err(err)?;
                    check_kpi(&t.overall, e, tol)
                }
                "visits_per_resolution" => check_kpi(
                    &visits_per_resolution(&jobs, &o, &g).map_err(err)?.overall,
                    e,
                    tol,
                ),
                _ => check_kpi(&comeback_rate(&jobs, &o, &g).map_err(err)?.overall, e, tol),
            }
        }
        "repeat_complaint_rate" => {
            let s: Vec<u64> = ints(&i["subjects"]).into_iter().map(|x| x as u64).collect();
            let t = repeat_complaint_rate(
                Keys::U64(&s),
                &ints(&i["raised"]),
                &ints(&i["closed"]),
                &ComebackOptions::default(),
                &g,
            )
            .map_err(err)?;
            check_kpi(&t.overall, e, tol)
        }
        "csat" => {
            let t = csat(&nums(&i["ratings"])?, &CsatOptions::default(), &g).map_err(err)?;
            check_kpi(&t.overall, e, tol)
        }
        "follow_up_completion_rate" => {
            let f: Vec<Option<i64>> = i["follow_up"]
                .as_array()
                .unwrap()
                .iter()
                .map(Value::as_i64)
                .collect();
            let t = follow_up_completion_rate(
                &ints(&i["service_end"]),
                &f,
                None,
                &FollowUpOptions::default(),
                &g,
            )
            .map_err(err)?;
            check_kpi(&t.overall, e, tol)
        }
        "time_target" => {
            let k = TimeMeasure::from_name(i["kpi"].as_str().unwrap()).map_err(err)?;
            eq("benchmark", name(&k.benchmark()), &e["benchmark"])?;
            let t = k
                .target_seconds(&Policy::default().benchmarks)
                .map_err(err)?;
            eq("target_seconds", name(&t), &e["target_seconds"])
        }
        "scorecard" => {
            let p = Policy::default();
            let mut results: Vec<(String, ScoreInput)> = Vec::new();
            for r in i["results"].as_array().unwrap() {
                let kpi = r["kpi"].as_str().unwrap().to_owned();
                let input = if let Some(rate) = r.get("rate") {
                    let [num_, den] = [num(&rate[0])?, num(&rate[1])?];
                    ScoreInput::from(Kpi::ratio(num_, den, Some(1.0)))
                } else if let Some(s) = r.get("seconds") {
                    // A time KPI with the default target of its benchmark.
                    let target = TimeMeasure::ALL
                        .into_iter()
                        .find(|m| m.benchmark() == kpi)
                        .ok_or(format!("no time KPI for {kpi}"))?
                        .target_seconds(&p.benchmarks)
                        .map_err(err)?;
                    ScoreInput::from(&time_kpi_durations(&ints(s), target, &g).map_err(err)?)
                } else {
                    ScoreInput::Value(r["value"].as_f64())
                };
                results.push((kpi, input));
            }
            let refs: Vec<(&str, ScoreInput)> =
                results.iter().map(|(k, r)| (k.as_str(), *r)).collect();
            let lines = scorecard_of(&refs, &p.benchmarks).map_err(err)?;
            let want = e["lines"].as_array().unwrap();
            if lines.len() != want.len() {
                return Err(format!("{} lines, expected {}", lines.len(), want.len()));
            }
            for (l, w) in lines.iter().zip(want) {
                let what = &l.kpi;
                eq(&format!("{what}.kpi"), name(&l.kpi), &w["kpi"])?;
                eq(&format!("{what}.status"), name(&l.status), &w["status"])?;
                match (l.value, &w["value"]) {
                    (None, Value::Null) => {}
                    (Some(g), x) if !x.is_null() => {
                        check_close(&format!("{what}.value"), g, num(x)?, tol)?
                    }
                    (g, x) => return Err(format!("{what}.value: got {g:?}, expected {x}")),
                }
                eq(&format!("{what}.min"), name(&l.min), &w["min"])?;
                eq(&format!("{what}.max"), name(&l.max), &w["max"])?;
                eq(
                    &format!("{what}.standard_minutes"),
                    name(&l.standard_minutes),
                    &w["standard_minutes"],
                )?;
            }
            Ok(())
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}

#[test]
fn every_operation_with_defaults_only() {
    let ops = vectors()["operations"].as_array().unwrap();
    let failures: Vec<String> = ops
        .iter()
        .filter_map(|v| {
            check_operation(v)
                .err()
                .map(|e| format!("{} [{}]: {e}", v["name"], v["operation"]))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for op in [
        "interval",
        "test_benchmark",
        "compare",
        "compare_many",
        "sample_size",
        "margin_of_error",
        "job_outcomes",
        "first_time_fix_rate",
        "comeback_rate",
        "diagnosis_accuracy",
        "visits_per_resolution",
        "repeat_complaint_rate",
        "csat",
        "follow_up_completion_rate",
        "time_target",
        "scorecard",
    ] {
        assert!(
            ops.iter().any(|v| v["operation"] == op),
            "no vector for {op}"
        );
    }
}
