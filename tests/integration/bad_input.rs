//! The bad-input catalogue (`golden/bad_input_vectors.json`, written by
//! `gen_bad_input_vectors.py`; issue 10 "A catalogue"): every entry is
//! replayed against nps-core and must fail with its error kind, and with the
//! row, argument / column, JSON path or event kind it names. Entries with
//! `"status": "open"` (the library does not do this yet) are skipped and
//! listed; an open entry that starts to pass is reported too. Entries whose
//! input Rust cannot express (`inexpressible.rust`) and operations in
//! `not_in.rust` are skipped; an unknown operation fails.

use std::sync::OnceLock;

use nps_core::calendar::{Calendar, Duration};
use nps_core::case::Case;
use nps_core::erlang::{erlang_c, servers_needed};
use nps_core::group::{group_by, GroupOptions, Keys};
use nps_core::heatmap::{HeatMap, Stage};
use nps_core::integrity::{managed_flags, rerated_nps, Basis, FlagOptions};
use nps_core::kpi::{
    bay_utilization, csat, effective_labour_rate, first_time_fix_rate, follow_up_completion_rate,
    hours_per_ro, repeat_complaint_rate, technician_figures, time_kpi_durations, ComebackOptions,
    CsatOptions, FollowUpOptions, Grouping, HoursBasis, Jobs, PayType,
};
use nps_core::period::Period;
use nps_core::policy::{Policy, Response};
use nps_core::programme::rank_open_cases;
use nps_core::{
    compare, goal, sample_size, test_benchmark, Error, IntervalKind, IntervalOptions,
    InvalidPolicy, NpsSample, SampleSizeOptions, Tally, TestKind, TestOptions, WeightedTally,
};
use serde_json::Value;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("golden/bad_input_vectors.json");
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", p.display()))
    })
}

/// A float, with "NaN", "inf" and "-inf" for the non-finite values.
fn f(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "NaN" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}
fn fs(v: &Value) -> Vec<f64> {
    arr(v).iter().map(f).collect()
}
fn is(v: &Value) -> Vec<i64> {
    arr(v).iter().map(|x| x.as_i64().unwrap()).collect()
}
fn us(v: &Value) -> Vec<u64> {
    arr(v).iter().map(|x| x.as_u64().unwrap()).collect()
}
fn opt_fs(v: &Value) -> Vec<Option<f64>> {
    arr(v)
        .iter()
        .map(|x| (!x.is_null()).then(|| f(x)))
        .collect()
}
fn strs(v: &Value) -> Vec<String> {
    arr(v)
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}
fn tally(v: &Value) -> Result<Tally, Error> {
    let c = us(v);
    Tally::from_categories(c[0], c[1], c[2])
}
fn opt_f(i: &Value, k: &str) -> Option<f64> {
    i.get(k).map(f)
}

/// RFC 7386 JSON Merge Patch.
fn merge(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(t), Some(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

fn cases(v: &Value) -> Result<Vec<Case>, Error> {
    arr(v)
        .iter()
        .map(|c| Case::from_json_events(&c["events"].to_string(), c["id"].as_str().unwrap()))
        .collect()
}

fn day_window(i: &Value) -> Option<i64> {
    i.get("window_days").map(|d| d.as_i64().unwrap() * 86_400)
}

/// Runs one entry: `Ok(())` if the call succeeded (the caller then fails).
fn run(op: &str, i: &Value) -> Result<(), Error> {
    let g = Grouping::default();
    match op {
        "tally_from_scores" => Tally::from_scores(&fs(&i["scores"])).map(drop),
        "weighted_tally" => {
            WeightedTally::from_columns(&fs(&i["scores"]), &fs(&i["weights"]), InvalidPolicy::Raise)
                .map(drop)
        }
        "interval" => {
            let mut o = IntervalOptions::default();
            if let Some(m) = i.get("method") {
                o.method = IntervalKind::from_name(m.as_str().unwrap())?;
            }
            if let Some(c) = opt_f(i, "confidence") {
                o.confidence = c;
            }
            if let Some(p) = i.get("pseudo") {
                let p = fs(p);
                o.pseudo = [p[0], p[1], p[2]];
            }
            tally(&i["categories"])?.interval_with(&o).map(drop)
        }
        "test_benchmark" | "compare" => {
            let mut o = TestOptions::default();
            if let Some(m) = i.get("method") {
                o.method = TestKind::from_name(m.as_str().unwrap())?;
            }
            if let Some(c) = opt_f(i, "confidence") {
                o.confidence = c;
            }
            if op == "compare" {
                compare(&tally(&i["a"])?, &tally(&i["b"])?, &o).map(drop)
            } else {
                test_benchmark(&tally(&i["categories"])?, f(&i["benchmark"]), &o).map(drop)
            }
        }
        "sample_size" => {
            let mut o = SampleSizeOptions::default();
            if let Some(c) = opt_f(i, "confidence") {
                o.confidence = c;
            }
            o.population = i.get("population").and_then(Value::as_u64);
            let (m, p, d) = (f(&i["margin"]), f(&i["promoters"]), f(&i["detractors"]));
            sample_size(m, p, d, &o).map(drop)
        }
        "group_by" => {
            let keys = i.get("keys").map(is);
            let ts = i.get("timestamps").map(is);
            let mut o = GroupOptions {
                keys: keys.as_deref().map(Keys::I64),
                timestamps: ts.as_deref(),
                tz: i.get("tz").and_then(Value::as_str),
                ..GroupOptions::default()
            };
            if let Some(p) = i.get("period") {
                o.period = Some(Period::from_name(p.as_str().unwrap())?);
            }
            group_by(&fs(&i["scores"]), &o).map(drop)
        }
        "track_goal" => {
            let h = arr(&i["history"])
                .iter()
                .map(tally)
                .collect::<Result<Vec<_>, _>>()?;
            let mut o = goal::GoalOptions::default();
            if let Some(c) = opt_f(i, "confidence") {
                o.confidence = c;
            }
            let months = u32::try_from(i["months"].as_u64().unwrap()).unwrap_or(u32::MAX);
            goal::track(&h, f(&i["target"]), months, &o).map(drop)
        }
        "policy_from_json" => {
            let text = match (i.get("text"), i.get("patch")) {
                (Some(t), _) => t.as_str().unwrap().to_owned(),
                (None, Some(p)) => {
                    let mut doc: Value =
                        serde_json::from_str(&Policy::default().to_json()).unwrap();
                    merge(&mut doc, p);
                    doc.to_string()
                }
                _ => panic!("policy_from_json needs text or patch"),
            };
            Policy::from_json(&text).map(drop)
        }
        "calendar_from_json" => Calendar::from_json(&i["calendar"].to_string()).map(drop),
        "calendar_deadline" => {
            let cal = Calendar::from_json(&i["calendar"].to_string())?;
            let d = &i["duration"];
            let dur = match d["unit"].as_str().unwrap() {
                "wall" => Duration::Wall {
                    seconds: d["seconds"].as_i64().unwrap(),
                },
                "business" => Duration::Business {
                    seconds: d["seconds"].as_i64().unwrap(),
                },
                "business_days" => Duration::BusinessDays {
                    days: u32::try_from(d["days"].as_u64().unwrap()).unwrap(),
                },
                u => panic!("unknown unit {u}"),
            };
            cal.deadline(i["start"].as_i64().unwrap(), dur, &[])
                .map(drop)
        }
        "case_from_events" => Case::from_json_events(&i["events"].to_string(), "case").map(drop),
        "case_apply" => {
            let mut c = Case::from_json_events(&i["events"].to_string(), "case")?;
            let before = c.clone();
            let r = c.apply_json(&i["event"].to_string());
            assert_eq!(c, before, "a rejected event changed the case");
            r
        }
        "rank_open_cases" => rank_open_cases(
            &cases(&i["cases"])?,
            &fs(&i["values"]),
            &Policy::default(),
            i["now"].as_i64().unwrap(),
        )
        .map(drop),
        "rerated_nps" => {
            let re: Vec<f64> = opt_fs(&i["rerated"])
                .into_iter()
                .map(|x| x.unwrap_or(f64::NAN))
                .collect();
            rerated_nps(&fs(&i["original"]), &re, None, Basis::Original).map(drop)
        }
        "managed_flags" => {
            let mut o = FlagOptions::default();
            if let Some(a) = opt_f(i, "alpha") {
                o.alpha = a;
            }
            let k: Vec<u32> = is(&i["keys"]).into_iter().map(|x| x as u32).collect();
            managed_flags(&fs(&i["scores"]), Keys::U32(&k), &o).map(drop)
        }
        "technician_figures" => technician_figures(
            &fs(&i["worked_hours"]),
            &opt_fs(&i["srt_hours"]),
            f(&i["available_hours"]),
        )
        .map(drop),
        "hours_per_ro" => {
            let basis = match i["basis"].as_str().unwrap() {
                "srt" => HoursBasis::Srt,
                _ => HoursBasis::Worked,
            };
            hours_per_ro(&opt_fs(&i["srt_hours"]), &fs(&i["worked_hours"]), basis).map(drop)
        }
        "bay_utilization" => {
            let cal = Calendar::from_json(&i["calendar"].to_string())?;
            let bays = u32::try_from(i["repair_bays"].as_u64().unwrap()).unwrap();
            let (from, to) = (i["from"].as_i64().unwrap(), i["to"].as_i64().unwrap());
            bay_utilization(&fs(&i["occupied_hours"]), None, bays, &cal, from, to).map(drop)
        }
        "kpi_rate" => {
            let b = |v: &Value| -> Vec<bool> { is(v).into_iter().map(|x| x == 1).collect() };
            let e = i.get("eligible").map(b);
            nps_core::kpi::rate(&b(&i["flags"]), e.as_deref(), &g).map(drop)
        }
        "csat" => {
            let mut o = CsatOptions::default();
            if let Some(m) = opt_f(i, "satisfied_min") {
                o.satisfied_min = m;
            }
            csat(&fs(&i["ratings"]), &o, &g).map(drop)
        }
        "time_kpi" => time_kpi_durations(
            &is(&i["seconds"]),
            i["target_seconds"].as_i64().unwrap(),
            &g,
        )
        .map(drop),
        "first_time_fix_rate" => {
            let v = us(&i["vehicles"]);
            let (opened, closed) = (is(&i["opened"]), is(&i["closed"]));
            let jobs = Jobs {
                vehicles: Keys::U64(&v),
                complaints: None,
                opened: &opened,
                closed: &closed,
            };
            let mut o = ComebackOptions::default();
            if let Some(w) = i.get("window_seconds") {
                o.window_seconds = w.as_i64().unwrap();
            }
            if let Some(w) = day_window(i) {
                o.window_seconds = w;
            }
            first_time_fix_rate(&jobs, &o, &g).map(drop)
        }
        "effective_labour_rate" => {
            let pt: Vec<PayType> = strs(&i["pay_types"])
                .iter()
                .map(|p| match p.as_str() {
                    "customer" => PayType::Customer,
                    "warranty" => PayType::Warranty,
                    "internal" => PayType::Internal,
                    other => panic!("pay type {other} is not expressible in Rust"),
                })
                .collect();
            effective_labour_rate(&is(&i["sales_minor"]), &fs(&i["hours_sold"]), &pt).map(drop)
        }
        "follow_up_completion_rate" => {
            let fu: Vec<Option<i64>> = arr(&i["follow_up"]).iter().map(Value::as_i64).collect();
            let mut o = FollowUpOptions::default();
            let int = |k: &str| i.get(k).map(|v| v.as_i64().unwrap());
            if let Some(d) = int("earliest_days") {
                o.earliest_seconds = d * 86_400;
            }
            if let Some(d) = int("latest_days") {
                o.latest_seconds = d * 86_400;
            }
            if let Some(s) = int("earliest_seconds") {
                o.earliest_seconds = s;
            }
            if let Some(s) = int("latest_seconds") {
                o.latest_seconds = s;
            }
            let x: Option<Vec<bool>> = i
                .get("excluded")
                .map(|v| is(v).into_iter().map(|x| x == 1).collect());
            follow_up_completion_rate(&is(&i["service_end"]), &fu, x.as_deref(), &o, &g).map(drop)
        }
        "repeat_complaint_rate" => {
            let mut o = ComebackOptions::default();
            if let Some(w) = day_window(i) {
                o.window_seconds = w;
            }
            let s = us(&i["subjects"]);
            repeat_complaint_rate(Keys::U64(&s), &is(&i["raised"]), &is(&i["closed"]), &o, &g)
                .map(drop)
        }
        "heat_map_from_rows" => {
            let stages = Stage::parse_names(&strs(&i["stages"]))?;
            let (points, pain) = (strs(&i["points"]), us(&i["pain"]));
            let m = arr(&i["mentions"]);
            if m.iter().any(|x| x.as_i64().is_some_and(|x| x < 0)) {
                HeatMap::from_rows(&stages, &points, &is(&i["mentions"]), &pain).map(drop)
            } else {
                HeatMap::from_rows(&stages, &points, &us(&i["mentions"]), &pain).map(drop)
            }
        }
        "erlang_c" => {
            let servers = u32::try_from(i["servers"].as_u64().unwrap()).unwrap_or(u32::MAX);
            erlang_c(
                f(&i["arrival_rate"]),
                f(&i["service_time"]),
                servers,
                opt_f(i, "target_wait"),
            )
            .map(drop)
        }
        "servers_needed" => servers_needed(
            f(&i["arrival_rate"]),
            f(&i["service_time"]),
            f(&i["target_wait"]),
            f(&i["target_share"]),
            opt_f(i, "max_mean_wait"),
        )
        .map(drop),
        "triage" => {
            let score = u8::try_from(i["score"].as_u64().unwrap()).unwrap();
            Policy::default()
                .triage(&Response::new(score, i["submitted_at"].as_i64().unwrap()))
                .map(drop)
        }
        other => panic!("unknown operation `{other}`"),
    }
}

/// The column an error names: the argument of `InvalidArgument` /
/// `LengthMismatch`, the column of `InvalidValue`.
fn named(e: &Error) -> Option<String> {
    match e {
        Error::InvalidValue { name, .. } => Some(name.clone()),
        Error::LengthMismatch { name, .. } => Some((*name).to_owned()),
        _ => e.argument().map(str::to_owned),
    }
}

/// Checks `err` against the expected error; `Err` describes the mismatch.
fn check(err: &Error, want: &Value) -> Result<(), String> {
    let kind = want["kind"].as_str().unwrap();
    if err.kind().name() != kind {
        return Err(format!("kind {}, expected {kind} ({err})", err.kind()));
    }
    if let Some(i) = want.get("index") {
        let i = i.as_u64().unwrap() as usize;
        if err.index() != Some(i) {
            return Err(format!("index {:?}, expected {i} ({err})", err.index()));
        }
    }
    if let Some(a) = want.get("argument").and_then(Value::as_str) {
        if named(err).as_deref() != Some(a) {
            return Err(format!("argument {:?}, expected {a} ({err})", named(err)));
        }
    }
    if let Some(p) = want.get("path").and_then(Value::as_str) {
        if !err.problems().iter().any(|x| x.path == p) {
            let got: Vec<&str> = err.problems().iter().map(|x| x.path.as_str()).collect();
            return Err(format!("paths {got:?} do not include {p:?}"));
        }
    }
    if let Some(ev) = want.get("event").and_then(Value::as_str) {
        if !matches!(err, Error::InvalidEvent { event, .. } if event == ev) {
            return Err(format!("event: {err}, expected `{ev}`"));
        }
    }
    if let Some(id) = want.get("case_id").and_then(Value::as_str) {
        if err.case().map(|c| c.1) != Some(id) {
            return Err(format!("case id: {err}, expected {id}"));
        }
    }
    if err.to_string().chars().count() > 2 * 1000 {
        return Err("the message is longer than 2,000 characters".into());
    }
    Ok(())
}

fn is_open(v: &Value) -> bool {
    v["status"] == "open"
        && v.get("open_in")
            .and_then(Value::as_array)
            .is_none_or(|l| l.iter().any(|x| x == "rust"))
}

/// Replays one entry: `Ok(())` when it fails exactly as catalogued, else
/// `Err` with the mismatch (an unknown operation panics and is caught here).
fn replay(v: &Value) -> Result<(), String> {
    let (op, inputs) = (v["operation"].as_str().unwrap(), &v["inputs"]);
    let r = std::panic::catch_unwind(|| run(op, inputs))
        .map_err(|_| "panicked (unknown operation or malformed entry)".to_string())?;
    match r {
        Ok(()) => Err("succeeded; expected an error".into()),
        Err(e) => check(&e, &v["error"]),
    }
}

#[test]
fn every_bad_input_is_rejected_as_catalogued() {
    let doc = vectors();
    let not_in: Vec<&str> = arr(&doc["not_in"]["rust"])
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    let ops = doc["operations"].as_object().unwrap();
    let (mut passed, mut failures, mut open, mut skipped) = (0, Vec::new(), Vec::new(), 0);
    for v in arr(&doc["entries"]) {
        let (id, op) = (v["id"].as_str().unwrap(), v["operation"].as_str().unwrap());
        assert!(ops.contains_key(op), "{id}: operation `{op}` not declared");
        if not_in.contains(&op) || v["inexpressible"].get("rust").is_some() {
            skipped += 1;
            continue;
        }
        let r = replay(v);
        if is_open(v) {
            match r {
                Ok(()) => open.push(format!("{id}: now passes; mark it fixed")),
                Err(e) => open.push(format!("{id} (open): {e}")),
            }
        } else if let Err(e) = r {
            failures.push(format!("{id} [{op}]: {e}"));
        } else {
            passed += 1;
        }
    }
    for o in &open {
        eprintln!("open: {o}");
    }
    eprintln!(
        "bad_input: {passed} passed, {} failed, {} open, {skipped} skipped",
        failures.len(),
        open.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(passed >= 60, "only {passed} entries replayed");
}

/// The reader fails on an unknown operation and on a wrong expectation.
#[test]
fn the_reader_can_fail() {
    let v: Value = serde_json::json!({
        "operation": "no_such_operation", "inputs": {}, "error": {"kind": "invalid_argument"}
    });
    assert!(replay(&v).is_err());
    let mut v = arr(&vectors()["entries"])
        .iter()
        .find(|v| v["id"] == "score_eleven")
        .unwrap()
        .clone();
    assert_eq!(replay(&v), Ok(()));
    v["error"]["index"] = 2.into();
    assert!(replay(&v).is_err());
    v["error"] = serde_json::json!({"kind": "no_data"});
    assert!(replay(&v).is_err());
    v["inputs"]["scores"] = serde_json::json!([1, 2]);
    assert!(replay(&v).is_err());
}

/// docs/bad-input.md lists every entry with its error kind.
#[test]
fn the_doc_lists_every_entry() {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/bad-input.md");
    let doc = std::fs::read_to_string(&p).unwrap();
    for v in arr(&vectors()["entries"]) {
        let id = v["id"].as_str().unwrap();
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("docs/bad-input.md has no row for {id}"));
        let kind = format!("`{}`", v["error"]["kind"].as_str().unwrap());
        assert!(row.contains(&kind), "{id}: row does not say {kind}");
        assert!(row.contains(v["status"].as_str().unwrap()), "{id}: status");
    }
}
