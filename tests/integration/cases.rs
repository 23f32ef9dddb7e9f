//! Recovery cases and programme analytics: the golden vectors of
//! `tests/golden/cases_vectors.json` (shared with C and Python) and
//! property tests (replay = step-by-step application; serde round-trip).

use std::path::PathBuf;
use std::sync::OnceLock;

use nps_core::case::{At, Case, Channel, Event, Outcome, PackageItem, Responsibility};
use nps_core::money::Currency;
use nps_core::period::{parse_tz, Period};
use nps_core::policy::{Layer, Policy};
use nps_core::programme::{
    rank_open_cases, recovery_stats, recovery_stats_by, ChannelRule, StatsGrouping, StatsOptions,
};
use nps_core::ErrorKind;
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/cases_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(p).expect("cases_vectors.json"))
            .expect("JSON")
    })
}

fn policy(name: &str) -> Policy {
    if name == "default" {
        return Policy::default();
    }
    let mut doc: Value = serde_json::from_str(&Policy::default().to_json()).unwrap();
    for (k, v) in vectors()["business_policy_top"].as_object().unwrap() {
        doc[k] = v.clone();
    }
    Policy::from_json(&doc.to_string()).expect("business policy")
}

fn case_of(v: &Value) -> Case {
    Case::from_json_events(&v["events"].to_string(), v["id"].as_str().unwrap_or("x"))
        .unwrap_or_else(|e| panic!("{}: {e}", v["id"]))
}

/// `expected` is a subset of `actual` (objects key by key, arrays whole),
/// numbers equal within 1e-12.
fn subset(path: &str, actual: &Value, expected: &Value) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                subset(&format!("{path}.{k}"), a.get(k).unwrap_or(&Value::Null), ev)?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (x, y)) in a.iter().zip(e).enumerate() {
                subset(&format!("{path}[{i}]"), x, y)?;
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            if (a - e).abs() <= 1e-12 {
                Ok(())
            } else {
                Err(format!("{path}: {a} != {e}"))
            }
        }
        (a, e) if a == e => Ok(()),
        (a, e) => Err(format!("{path}: got {a}, expected {e}")),
    }
}

fn cases_of(list: &Value) -> Vec<Case> {
    list.as_array().unwrap().iter().map(case_of).collect()
}

#[test]
fn golden_month_like_the_source() {
    let m = &vectors()["month"];
    let cases = cases_of(&m["cases"]);
    let s = recovery_stats(&cases, &Policy::default(), &StatsOptions::default()).unwrap();
    subset("month", &serde_json::to_value(&s).unwrap(), &m["stats"]).unwrap();
    // The source's figures, independently of the oracle.
    let src = &m["source_example"];
    assert_eq!(s.low_scores, src["low_scores"].as_u64().unwrap());
    assert_eq!(
        (
            s.launched,
            s.responded_24h,
            s.recovered,
            s.converted,
            s.lost
        ),
        (25, 24, 17, 7, 8)
    );
    assert_eq!(s.launch_rate.value, Some(1.0));
    assert_eq!(s.response_24h_rate.value, Some(0.96));
    assert_eq!(s.success_rate.value, Some(0.68));
    assert_eq!(s.conversion_rate.value, Some(0.28));
    assert_eq!(s.lost_rate.value, Some(0.32));
}

#[test]
fn golden_programme_groups() {
    let g = &vectors()["programme"];
    let cases = cases_of(&g["cases"]);
    let p = Policy::default();
    let o = StatsOptions::default();
    let s = recovery_stats(&cases, &p, &o).unwrap();
    subset("all", &serde_json::to_value(&s).unwrap(), &g["stats"]).unwrap();
    let by_dealer = recovery_stats_by(
        &cases,
        &p,
        &o,
        &StatsGrouping {
            dealer: true,
            period: None,
        },
    )
    .unwrap();
    subset(
        "by_dealer",
        &serde_json::to_value(&by_dealer).unwrap(),
        &g["by_dealer"],
    )
    .unwrap();
    let tz = parse_tz(g["tz"].as_str().unwrap()).unwrap();
    let by_month = recovery_stats_by(
        &cases,
        &p,
        &o,
        &StatsGrouping {
            dealer: false,
            period: Some((Period::Month, tz)),
        },
    )
    .unwrap();
    subset(
        "by_month",
        &serde_json::to_value(&by_month).unwrap(),
        &g["by_month"],
    )
    .unwrap();
}

#[test]
fn golden_status() {
    let mut failures = Vec::new();
    for v in vectors()["status"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let p = policy(v["policy"].as_str().unwrap());
        let c = case_of(v);
        let s = c.status(&p, v["now"].as_i64().unwrap()).unwrap();
        let mut actual = serde_json::to_value(&s).unwrap();
        actual["approvals"] = Value::Array(
            s.approvals
                .iter()
                .map(|a| serde_json::json!({"total": a.total.minor, "within_cap": a.within_cap}))
                .collect(),
        );
        let mut expected = v.clone();
        for k in ["name", "policy", "events", "now"] {
            expected.as_object_mut().unwrap().remove(k);
        }
        if let Some(d) = expected.as_object_mut().unwrap().remove("deadlines") {
            if !d.is_null() {
                if let Err(e) = subset(
                    "deadlines",
                    &serde_json::to_value(&s.deadlines.deadlines).unwrap(),
                    &d,
                ) {
                    failures.push(format!("{name}: {e}"));
                }
            }
        }
        if let Err(e) = subset(name, &actual, &expected) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_invalid_logs() {
    for v in vectors()["invalid"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let err = Case::from_json_events(&v["events"].to_string(), name).expect_err(name);
        assert_eq!(err.kind(), ErrorKind::InvalidEvent, "{name}: {err}");
        assert_eq!(
            err.index(),
            Some(v["index"].as_u64().unwrap() as usize),
            "{name}"
        );
        match err {
            nps_core::Error::InvalidEvent { event, .. } => {
                assert_eq!(event, v["event"].as_str().unwrap(), "{name}")
            }
            other => panic!("{name}: {other}"),
        }
    }
}

#[test]
fn golden_invalid_events_leave_the_case_unchanged() {
    for v in vectors()["invalid"].as_array().unwrap() {
        let events = v["events"].as_array().unwrap();
        let bad = v["index"].as_u64().unwrap() as usize;
        if bad == 0 {
            continue;
        }
        let good = Value::Array(events[..bad].to_vec());
        let mut c = Case::from_json_events(&good.to_string(), "x").unwrap();
        let before = c.clone();
        let err = c.apply_json(&events[bad].to_string()).unwrap_err();
        assert_eq!(err.index(), Some(bad));
        assert_eq!(c, before, "{}", v["name"]);
    }
}

#[test]
fn golden_rerating_is_kept_next_to_the_original() {
    let v = &vectors()["rerated"];
    let c = Case::from_json_events(&v["events"].to_string(), "r").unwrap();
    assert_eq!(
        u64::from(c.original_score()),
        v["original_score"].as_u64().unwrap()
    );
    assert_eq!(
        c.rerated_score().map(u64::from),
        v["rerated_score"].as_u64()
    );
    assert_eq!(c.outcome().map(|o| o.name()), v["outcome"].as_str());
    let back = Case::from_json(&c.to_json()).unwrap();
    assert_eq!(back.original_score(), c.original_score());
    assert_eq!(back, c);
}

#[test]
fn golden_ranking() {
    let r = &vectors()["ranking"];
    let list = r["cases"].as_array().unwrap();
    let cases: Vec<Case> = list.iter().map(case_of).collect();
    let values: Vec<f64> = list.iter().map(|c| c["value"].as_f64().unwrap()).collect();
    let ranked = rank_open_cases(
        &cases,
        &values,
        &Policy::default(),
        r["now"].as_i64().unwrap(),
    )
    .unwrap();
    subset(
        "ranking",
        &serde_json::to_value(&ranked).unwrap(),
        &r["expected"],
    )
    .unwrap();
    let bad = rank_open_cases(&cases, &[1.0], &Policy::default(), 0).unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::LengthMismatch);
    let mut nan = values.clone();
    nan[2] = f64::NAN;
    let bad = rank_open_cases(&cases, &nan, &Policy::default(), 0).unwrap_err();
    assert_eq!(
        (bad.kind(), bad.index()),
        (ErrorKind::InvalidValue, Some(2))
    );
}

#[test]
fn empty_programme_is_no_data() {
    let s = recovery_stats::<Case>(&[], &Policy::default(), &StatsOptions::default()).unwrap();
    assert_eq!(s.low_scores, 0);
    assert_eq!(s.success_rate.value, None);
    assert_eq!(s.success_rate.denominator, 0);
}

// ---------------------------------------------------------------------------
// Properties

/// A valid log: a random walk through the procedure with increasing instants.
pub(super) fn valid_log() -> impl Strategy<Value = Vec<Event>> {
    (
        0u8..=10,
        prop::collection::vec((0u8..12, 0i64..20_000, 0u8..=10, 1i64..400_000), 0..14),
        any::<bool>(),
    )
        .prop_map(|(score, steps, hv)| {
            let cny = Currency::from_code("CNY").unwrap();
            let mut t = 1_750_000_000;
            let mut c = Case::new(
                "p",
                Event::Opened {
                    at: At(t),
                    score,
                    reason: "r".into(),
                    high_value: hv,
                    public_opinion_risk: false,
                    dealer: Some("D".into()),
                },
            )
            .unwrap();
            for (k, dt, s, v) in steps {
                t += dt;
                let at = At(t);
                let e = match k {
                    0 => Event::Acknowledged { at },
                    1 => Event::Contacted {
                        at,
                        channel: Channel::ALL[usize::from(s % 4)],
                    },
                    2 => Event::Investigated {
                        at,
                        responsibility: Responsibility::Shared,
                    },
                    3 => Event::SolutionProposed {
                        at,
                        items: vec![PackageItem {
                            value: v,
                            currency: cny,
                            layer: Layer::LossCompensation,
                        }],
                        over_expectation: v % 3 == 0,
                        expectation: None,
                    },
                    4 => Event::SolutionAccepted { at },
                    5 => Event::Executed { at },
                    6 => Event::FollowedUp { at },
                    7 => Event::Rerated { at, score: s },
                    8 => Event::Closed {
                        at,
                        outcome: [Outcome::Recovered, Outcome::Converted, Outcome::Lost]
                            [usize::from(s % 3)],
                    },
                    9 => Event::Reviewed { at },
                    _ => Event::Acknowledged { at },
                };
                let _ = c.apply(e); // keep only what applies
            }
            c.events().to_vec()
        })
}

proptest! {
    #[test]
    fn replay_equals_step_by_step(log in valid_log(), now_off in 0i64..600_000) {
        let replayed = Case::from_events("p", log.clone()).unwrap();
        let mut stepwise = Case::new("p", log[0].clone()).unwrap();
        for e in &log[1..] {
            stepwise.apply(e.clone()).unwrap();
        }
        prop_assert_eq!(&replayed, &stepwise);
        let p = Policy::default();
        let now = log[0].at() + now_off;
        prop_assert_eq!(replayed.status(&p, now).unwrap(), stepwise.status(&p, now).unwrap());
    }

    #[test]
    fn serde_round_trip(log in valid_log()) {
        let c = Case::from_events("p", log).unwrap();
        let back = Case::from_json(&c.to_json()).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_json(), c.to_json());
    }
}

/// The status at an instant sees only what happened by then: packages
/// proposed later are not listed, and the triage clocks are not met yet.
#[test]
fn status_before_later_events() {
    let cny = Currency::from_code("CNY").unwrap();
    let mut c = Case::new(
        "t-1",
        Event::Opened {
            at: At(0),
            score: 2,
            reason: "waiting".into(),
            high_value: false,
            public_opinion_risk: false,
            dealer: None,
        },
    )
    .unwrap();
    c.apply(Event::Acknowledged { at: At(600) }).unwrap();
    c.apply(Event::Contacted {
        at: At(3_600),
        channel: Channel::Phone,
    })
    .unwrap();
    c.apply(Event::SolutionProposed {
        at: At(30_000),
        items: vec![PackageItem {
            value: 180_000,
            currency: cny,
            layer: Layer::ProblemRepair,
        }],
        over_expectation: false,
        expectation: None,
    })
    .unwrap();
    let p = Policy::default();
    let early = c.status(&p, 300).unwrap();
    assert!(early.approvals.is_empty() && early.last_approval.is_none());
    let states: Vec<&str> = early
        .deadlines
        .deadlines
        .iter()
        .map(|d| d.state.name())
        .collect();
    assert_eq!(states, ["pending", "pending"]); // acknowledged at 600 s, contacted at 1 h: later

    assert_eq!(early.current_step.as_deref(), Some("identify_and_grade"));
    let late = c.status(&p, 30_000).unwrap();
    assert_eq!(late.approvals.len(), 1);
    assert_eq!(late.last_approval.unwrap().total.minor, 180_000);
}

/// The source's showcase cases (seed 003): phoned first and visited later,
/// so the apology channel is a visit by default (2 of 2 recovered), and
/// nothing under the first-contact rule; Mr Wang's execution started on
/// day 2 and his follow-up came 3 days after the delivery: no step is late
/// (the old rule, step 5 completed by the follow-up, made it ~6 days late).
#[test]
fn golden_showcase_cases() {
    let v = &vectors()["showcase"];
    let cases = cases_of(&v["cases"]);
    let p = Policy::default();
    let s = recovery_stats(&cases, &p, &StatsOptions::default()).unwrap();
    subset("showcase", &serde_json::to_value(&s).unwrap(), &v["stats"]).unwrap();
    assert_eq!(s.by_channel[0].label, "visit");
    assert_eq!(
        (
            s.by_channel[0].success.numerator,
            s.by_channel[0].success.denominator
        ),
        (2, 2)
    );
    let first = StatsOptions {
        channel_rule: ChannelRule::FirstContact,
        ..StatsOptions::default()
    };
    let f = recovery_stats(&cases, &p, &first).unwrap();
    subset(
        "showcase_first_contact",
        &serde_json::to_value(&f).unwrap(),
        &v["stats_first_contact"],
    )
    .unwrap();
    assert_eq!(f.by_channel[0].success.denominator, 0); // visit 0/0 under the old rule
    let st = &v["status"];
    let status = cases[0].status(&p, st["now"].as_i64().unwrap()).unwrap();
    let actual = serde_json::to_value(&status).unwrap();
    subset("showcase.steps", &actual["steps"], &st["steps"]).unwrap();
    subset("showcase.follow_up", &actual["follow_up"], &st["follow_up"]).unwrap();
    assert!(status.late_steps().is_empty(), "{:?}", status.late_steps());
    assert!(v["old_rule_late_seconds"].as_i64().unwrap() > 5 * 86_400);
    // Layers as the source files them: the free 1,800 service is problem
    // repair, the 500 voucher loss compensation.
    let a = &status.approvals[0];
    assert_eq!(a.total.minor, 460_000);
    let wang = &v["cases"][0]["events"];
    let pkg = wang
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "solution_proposed")
        .unwrap();
    assert_eq!(pkg["items"][0]["value"], 180_000);
    assert_eq!(pkg["items"][0]["layer"], "problem_repair");
    assert_eq!(pkg["items"][3]["value"], 50_000);
    assert_eq!(pkg["items"][3]["layer"], "loss_compensation");
}

#[test]
fn golden_month_by_expectation_and_first_contact() {
    let v = vectors();
    let cases = cases_of(&v["month"]["cases"]);
    let p = Policy::default();
    let s = recovery_stats(&cases, &p, &StatsOptions::default()).unwrap();
    let labels: Vec<&str> = s.by_expectation.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["none", "standard", "over_expectation"]);
    let first = StatsOptions {
        channel_rule: ChannelRule::FirstContact,
        ..StatsOptions::default()
    };
    let f = recovery_stats(&cases, &p, &first).unwrap();
    subset(
        "month_first_contact",
        &serde_json::to_value(&f).unwrap(),
        &v["month_first_contact"],
    )
    .unwrap();
    // Statistics of different channel rules do not merge.
    assert_eq!(s.merge(&f).unwrap_err().argument(), Some("other"));
}

#[test]
fn golden_defaults() {
    let d = &vectors()["defaults"];
    let o = StatsOptions::default();
    assert_eq!(
        o.top_reasons as u64,
        d["stats_options"]["top_reasons"].as_u64().unwrap()
    );
    assert_eq!(o.channel_rule.name(), d["stats_options"]["channel_rule"]);
    let p = Policy::default();
    let step = p
        .recovery
        .steps
        .iter()
        .find(|s| s.name == d["execution_step"]["name"])
        .unwrap();
    let wall = |x: &nps_core::calendar::Duration| match *x {
        nps_core::calendar::Duration::Wall { seconds } => seconds,
        _ => panic!("wall-clock expected"),
    };
    assert_eq!(
        wall(&step.from),
        d["execution_step"]["from"].as_i64().unwrap()
    );
    assert_eq!(
        wall(step.to.as_ref().unwrap()),
        d["execution_step"]["to"].as_i64().unwrap()
    );
    let fu = &p.recovery.follow_up;
    assert_eq!(wall(&fu.from), d["follow_up"]["from"].as_i64().unwrap());
    assert_eq!(
        wall(fu.to.as_ref().unwrap()),
        d["follow_up"]["to"].as_i64().unwrap()
    );
    let names: Vec<&str> = Channel::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(serde_json::to_value(names).unwrap(), d["channels"]);
    assert_eq!(
        serde_json::to_value(nps_core::programme::EXPECTATION_BANDS).unwrap(),
        d["expectation_bands"]
    );
}

/// A log without `execution_started` (written before the event existed)
/// counts its delivery as the start of execution; follow-up before the
/// delivery is refused as before.
#[test]
fn execution_without_start_counts_the_delivery() {
    let cny = Currency::from_code("CNY").unwrap();
    let mut c = Case::new(
        "old",
        Event::Opened {
            at: At(0),
            score: 5,
            reason: "waiting".into(),
            high_value: false,
            public_opinion_risk: false,
            dealer: None,
        },
    )
    .unwrap();
    c.apply(Event::Acknowledged { at: At(60) }).unwrap();
    c.apply(Event::Contacted {
        at: At(120),
        channel: Channel::Video,
    })
    .unwrap();
    c.apply(Event::SolutionProposed {
        at: At(180),
        items: vec![PackageItem {
            value: 100,
            currency: cny,
            layer: Layer::LossCompensation,
        }],
        over_expectation: false,
        expectation: Some(50),
    })
    .unwrap();
    assert!(c.state().proposals[0].over_expectation); // 100 > the stated 50
    c.apply(Event::SolutionAccepted { at: At(240) }).unwrap();
    c.apply(Event::Executed { at: At(30 * 3600) }).unwrap();
    let s = c.status(&Policy::default(), 31 * 3600).unwrap();
    let step5 = s
        .steps
        .iter()
        .find(|x| x.name == "execution_and_follow_up")
        .unwrap();
    assert_eq!(step5.completed_at, Some(30 * 3600));
    assert_eq!(step5.state, nps_core::case::StepState::DoneLate);
    assert_eq!(step5.late_seconds, 6 * 3600); // due at 24 h
    let fu = s.follow_up.unwrap();
    assert_eq!(
        (fu.name.as_str(), fu.state),
        ("follow_up", nps_core::case::StepState::Pending)
    );
    // Eight days after the delivery, no follow-up: late by one day.
    let later = c
        .status(&Policy::default(), 30 * 3600 + 8 * 86_400)
        .unwrap();
    assert_eq!(later.follow_up.as_ref().unwrap().late_seconds, 86_400);
    assert!(later.late_steps().contains(&"follow_up"));
    let e = c
        .apply(Event::ExecutionStarted { at: At(31 * 3600) })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidEvent);
}
