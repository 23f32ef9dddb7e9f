//! Every recovery-policy golden vector (`tests/golden/policy_vectors.json`,
//! written by the independent oracle `gen_policy_vectors.py`; schema in
//! `tests/golden/README.md`) checked against nps-core: triage, compensation
//! approval, calendars, case status, early warnings and policy validation.
//! Each failure names its vector. Vectors marked `known_issue` are skipped
//! with a printed note (and a second note if they have started to pass).
//!
//! Also: every file under `tests/fuzz_regressions/` is fed to the policy and
//! calendar loaders, which must not panic.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use nps_core::calendar::{Calendar, Duration, Pause};
use nps_core::money::{Currency, Money, Rate};
use nps_core::policy::{
    Granted, Item, Layer, Policy, Progress, Response, Tier, Triage, Visit, VisitAssessment,
};
use nps_tests::{check_error, name_of, Value};
use serde_json::json;

type Check = Result<(), String>;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/policy_vectors.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
    })
}

/// Runs `check` on every vector of a section, skipping `known_issue` ones
/// with a note, and panics listing every failing vector.
fn run(section: &str, check: impl Fn(&Value) -> Check) -> usize {
    let list = vectors()[section]
        .as_array()
        .unwrap_or_else(|| panic!("policy_vectors.json has no array section `{section}`"));
    assert!(!list.is_empty(), "section `{section}` is empty");
    let mut failures = Vec::new();
    for v in list {
        let name = name_of(v);
        let outcome = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(v))) {
            Ok(r) => r,
            Err(_) => Err("panicked".to_string()),
        };
        match (v.get("known_issue").and_then(Value::as_str), outcome) {
            (Some(issue), Err(msg)) => {
                eprintln!("note: skipping [{section}/{name}] (known issue: {issue}): {msg}")
            }
            (Some(issue), Ok(())) => eprintln!(
                "note: [{section}/{name}] passes now; remove its known_issue ({issue}) from the generator"
            ),
            (None, Err(msg)) => failures.push(format!("[{section}/{name}] {msg}")),
            (None, Ok(())) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} `{section}` vectors failed:\n{}",
        failures.len(),
        list.len(),
        failures.join("\n")
    );
    list.len()
}

// ---------------------------------------------------------------------------
// Helpers

/// RFC 7386 JSON Merge Patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            if let Value::Object(t) = target {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// The default policy's JSON with the vector's `policy_patch` applied.
fn patched_text(v: &Value) -> String {
    let mut doc: Value =
        serde_json::from_str(&Policy::default().to_json()).expect("the default policy is JSON");
    if let Some(p) = v.get("policy_patch") {
        merge_patch(&mut doc, p);
    }
    doc.to_string()
}

fn policy_of(v: &Value) -> Result<Policy, String> {
    Policy::from_json(&patched_text(v)).map_err(|e| format!("patched policy rejected: {e}"))
}

fn int(v: &Value, what: &str) -> Result<i64, String> {
    v.as_i64()
        .ok_or_else(|| format!("{what}: expected an integer, got {v}"))
}

fn opt_int(v: &Value, what: &str) -> Result<Option<i64>, String> {
    if v.is_null() {
        Ok(None)
    } else {
        int(v, what).map(Some)
    }
}

fn text(v: &Value, what: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{what}: expected a string, got {v}"))
}

fn from<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("{what}: {e} (in {v})"))
}

/// Compares every key of `expect` with the same key of `actual`.
fn compare(actual: &Value, expect: &Value) -> Check {
    let Value::Object(e) = expect else {
        return Err(format!("expect block is not an object: {expect}"));
    };
    let mut bad = Vec::new();
    for (k, want) in e {
        let got = actual.get(k).unwrap_or(&Value::Null);
        if got != want {
            bad.push(format!("{k}: got {got}, expected {want}"));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("; "))
    }
}

/// `expect` (compared with `ok`) or `error` (compared by kind and index).
fn against<T>(v: &Value, result: nps_core::Result<T>, ok: impl FnOnce(T) -> Value) -> Check {
    match (result, v.get("error")) {
        (Ok(x), None) => compare(&ok(x), &v["expect"]),
        (Ok(x), Some(e)) => Err(format!("expected error {e}, got {}", ok(x))),
        (Err(err), Some(e)) => check_error("error", &err, e),
        (Err(err), None) => Err(format!("unexpected error {}: {err}", err.kind().name())),
    }
}

fn money_json(m: Money) -> Value {
    json!({"minor": m.minor, "currency": m.currency.code()})
}

fn response(r: &Value) -> Result<Response, String> {
    let score = r["score"]
        .as_u64()
        .and_then(|s| u8::try_from(s).ok())
        .ok_or_else(|| format!("score: expected 0..=255, got {}", r["score"]))?;
    Ok(Response {
        score,
        submitted_at: int(&r["submitted_at"], "submitted_at")?,
        high_value: r["high_value"].as_bool().unwrap_or(false),
        public_opinion_risk: r["public_opinion_risk"].as_bool().unwrap_or(false),
    })
}

fn triage_json(t: Triage) -> Value {
    json!({
        "category": t.category.name(),
        "alert": t.alert.map(|a| a.name()),
        "tier": t.tier.map(|x| x.name()),
        "owner": t.owner,
        "acknowledge_by": t.acknowledge_by,
        "contact_by": t.contact_by,
        "compensation_cap": t.compensation_cap.map(money_json),
        "escalate_immediately": t.escalate_immediately,
        "escalate_to": t.escalate_to,
        "mark": t.mark,
    })
}

/// `expect` must be a subset of `actual` (see the README).
fn subset(actual: &Value, expect: &Value, path: &str, bad: &mut Vec<String>) {
    match (actual, expect) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset(av, ev, &format!("{path}.{k}"), bad),
                    None => bad.push(format!("{path}.{k}: missing (expected {ev})")),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                subset(av, ev, &format!("{path}[{i}]"), bad);
            }
        }
        (Value::Number(a), Value::Number(e)) if a.as_f64() == e.as_f64() => {}
        (a, e) if a == e => {}
        (a, e) => bad.push(format!("{path}: got {a}, expected {e}")),
    }
}

// ---------------------------------------------------------------------------
// Sections

#[test]
fn default_policy_reproduces_spec() {
    let actual: Value = serde_json::from_str(&Policy::default().to_json()).unwrap();
    let mut bad = Vec::new();
    subset(&actual, &vectors()["default_policy"], "$", &mut bad);
    assert!(
        bad.is_empty(),
        "default policy differs from SPEC §4:\n{}",
        bad.join("\n")
    );
}

#[test]
fn triage_vectors() {
    let n = run("triage", |v| {
        let p = policy_of(v)?;
        let r = response(&v["response"])?;
        against(v, p.triage(&r), triage_json)
    });
    assert!(n >= 45, "only {n} triage vectors");
}

fn item(v: &Value) -> Result<Item, String> {
    let cur = Currency::from_code(&text(&v["currency"], "currency")?).map_err(|e| e.to_string())?;
    Ok(Item {
        value: Money::new(int(&v["minor"], "minor")?, cur),
        layer: Layer::from_name(&text(&v["layer"], "layer")?).map_err(|e| e.to_string())?,
    })
}

fn opt_money(v: &Value) -> Result<Option<Money>, String> {
    if v.is_null() {
        return Ok(None);
    }
    let cur = Currency::from_code(&text(&v["currency"], "currency")?).map_err(|e| e.to_string())?;
    Ok(Some(Money::new(int(&v["minor"], "minor")?, cur)))
}

#[test]
fn approval_vectors() {
    run("approvals", |v| {
        let p = policy_of(v)?;
        let items = v["items"]
            .as_array()
            .ok_or("items: not an array")?
            .iter()
            .map(item)
            .collect::<Result<Vec<_>, _>>()?;
        let tier = match &v["tier"] {
            Value::Null => None,
            t => Some(Tier::from_name(&text(t, "tier")?).map_err(|e| e.to_string())?),
        };
        let rates = v["rates"]
            .as_array()
            .ok_or("rates: not an array")?
            .iter()
            .map(|r| {
                Rate::parse(
                    &text(&r["from"], "from")?,
                    &text(&r["to"], "to")?,
                    &text(&r["rate"], "rate")?,
                )
                .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let g = &v["granted"];
        let granted = Granted {
            case: opt_money(&g["case"])?,
            customer: opt_money(&g["customer"])?,
            vehicle: opt_money(&g["vehicle"])?,
        };
        against(
            v,
            p.required_approver(&items, tier, &rates, &granted),
            |a| {
                json!({
                    "approver": a.approver,
                    "path": a.path,
                    "total_minor": a.total.minor,
                    "by_layer_minor": a.by_layer.iter().map(|m| m.minor).collect::<Vec<_>>(),
                    "within_cap": a.within_cap,
                })
            },
        )
    });
}

#[test]
fn calendar_vectors() {
    run("calendars", |v| {
        let cal = Calendar::from_json(&v["calendar"].to_string())
            .map_err(|e| format!("calendar rejected: {e}"))?;
        let start = int(&v["start"], "start")?;
        let pauses: Vec<Pause> = from(&v["pauses"], "pauses")?;
        match v["op"].as_str() {
            Some("deadline") => {
                let d: Duration = from(&v["duration"], "duration")?;
                let result = cal.deadline(start, d, &pauses);
                let elapsed = match &result {
                    Ok(due) if !matches!(d, Duration::Wall { .. }) => Some(
                        cal.elapsed(start, *due, &pauses)
                            .map_err(|e| e.to_string())?,
                    ),
                    _ => None,
                };
                against(v, result, |due| {
                    let mut out = json!({"deadline": due});
                    if let Some(e) = elapsed {
                        out["elapsed"] = json!(e);
                    }
                    out
                })
            }
            Some("elapsed") => {
                let end = int(&v["end"], "end")?;
                against(
                    v,
                    cal.elapsed(start, end, &pauses),
                    |e| json!({"elapsed": e}),
                )
            }
            other => Err(format!("unknown op {other:?}")),
        }
    });
}

#[test]
fn case_status_vectors() {
    run("case_status", |v| {
        let p = policy_of(v)?;
        let t = p
            .triage(&response(&v["response"])?)
            .map_err(|e| e.to_string())?;
        let pr = &v["progress"];
        let progress = Progress {
            acknowledged_at: opt_int(&pr["acknowledged_at"], "acknowledged_at")?,
            contacted_at: opt_int(&pr["contacted_at"], "contacted_at")?,
        };
        let now = int(&v["now"], "now")?;
        let id = text(&v["case_id"], "case_id")?;
        let s = p
            .case_status(&t, &progress, now, &id)
            .map_err(|e| e.to_string())?;
        if s.events.windows(2).any(|w| w[0].at > w[1].at) {
            return Err(format!("events not in time order: {:?}", s.events));
        }
        let mut events = s.events.clone();
        events.sort_by(|a, b| (a.at, &a.key).cmp(&(b.at, &b.key)));
        let actual = json!({
            "deadlines": s.deadlines.iter().map(|d| json!({
                "name": d.name, "due": d.due, "warn_at": d.warn_at, "state": d.state.name(),
                "met_at": d.met_at, "escalate_to": d.escalate_to,
            })).collect::<Vec<_>>(),
            "events": events.iter().map(|e| json!({
                "key": e.key, "kind": e.kind, "deadline": e.deadline, "at": e.at, "to": e.to,
            })).collect::<Vec<_>>(),
            "next_fire_at": s.next_fire_at,
        });
        // Events carry stable keys: the same call again gives the same events.
        let again = p
            .case_status(&t, &progress, now, &id)
            .map_err(|e| e.to_string())?;
        if again.events != s.events {
            return Err("a repeated call gave different events".into());
        }
        compare(&actual, &v["expect"])
    });
}

fn assessment_json(a: VisitAssessment) -> Value {
    json!({
        "level": a.level.map(|l| l.name()),
        "warnings": a.warnings.iter()
            .map(|w| json!({"rule": w.rule, "level": w.level.name()}))
            .collect::<Vec<_>>(),
        "retention_call": a.retention_call,
    })
}

#[test]
fn early_warning_vectors() {
    run("early_warnings", |v| {
        let p = policy_of(v)?;
        let vi = &v["visit"];
        let messages: Vec<String> = from(&vi["messages"], "messages")?;
        let messages: Vec<&str> = messages.iter().map(String::as_str).collect();
        let ratings: Vec<u8> = from(&vi["ratings"], "ratings")?;
        let visit = Visit {
            promised_at: opt_int(&vi["promised_at"], "promised_at")?,
            now: int(&vi["now"], "now")?,
            progress_inquiries: u32::try_from(int(&vi["progress_inquiries"], "inquiries")?)
                .map_err(|e| e.to_string())?,
            messages: &messages,
            ratings: &ratings,
        };
        against(v, p.assess_visit(&visit), assessment_json)
    });
}

#[test]
fn policy_error_vectors() {
    run("policy_errors", |v| {
        let doc = match v.get("text") {
            Some(t) => text(t, "text")?,
            None => patched_text(v),
        };
        let want: BTreeSet<String> = from(&v["expect"]["paths"], "paths")?;
        match Policy::from_json(&doc) {
            Ok(_) => Err(format!("loaded; expected problems at {want:?}")),
            Err(e) if e.kind().name() != "invalid_policy" => {
                Err(format!("got error kind {} ({e})", e.kind().name()))
            }
            Err(e) => {
                let got: BTreeSet<String> = e.problems().iter().map(|p| p.path.clone()).collect();
                if got == want {
                    Ok(())
                } else {
                    Err(format!("problem paths {got:?}, expected {want:?} ({e})"))
                }
            }
        }
    });
}
