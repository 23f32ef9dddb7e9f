//! Invariants of business calendars and policy documents, checked with
//! proptest over random calendars (0–3 opening ranges per weekday, possibly
//! touching; random whole- and part-day holidays and working-day overrides;
//! UTC, Asia/Shanghai, Europe/Berlin and America/New_York, with starts
//! clustered around the 2025 DST changes):
//!
//! - `elapsed(start, deadline(start, Business{d}, pauses), pauses) == d`;
//! - deadlines are monotone in the duration and never before the start;
//! - business-day deadlines (without pauses) land on a closing instant;
//! - a wall-clock deadline with pauses is `start + d + (pause time in
//!   [start, deadline))`, and is the first such instant;
//! - elapsed business time is additive over adjacent spans;
//! - `Policy` and `Calendar` JSON round-trips.

use nps_core::calendar::{wall_deadline, Calendar, Duration, Pause};
use nps_core::period::local_date;
use nps_core::policy::Policy;
use proptest::prelude::*;
use serde_json::{json, Value};

const ZONES: [&str; 4] = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York"];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY: i64 = 86_400;

/// `q` quarter hours after midnight as `HH:MM` (96 = `24:00`).
fn hhmm(q: u32) -> String {
    format!("{:02}:{:02}", q / 4, q % 4 * 15)
}

/// 0–3 ranges of one day as sorted quarter-hour pairs; consecutive ranges
/// may touch (the end of one is the start of the next). Some days have all
/// their cuts in the small hours, where DST gaps and folds are.
fn day_ranges() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop_oneof![
        1 => Just(Vec::new()),
        3 => (1usize..=3).prop_flat_map(|k| proptest::collection::vec(0u32..=96, 2 * k)),
        // Cuts between 00:45 and 03:30, where the DST gaps and folds are.
        2 => (1usize..=3).prop_flat_map(|k| proptest::collection::vec(3u32..=14, 2 * k)),
    ]
    .prop_map(|mut cuts| {
        cuts.sort_unstable();
        cuts.chunks(2)
            .filter(|c| c[0] < c[1])
            .map(|c| (c[0], c[1]))
            .collect()
    })
}

fn ranges_json(r: &[(u32, u32)]) -> Value {
    Value::Array(r.iter().map(|&(a, b)| json!([hhmm(a), hhmm(b)])).collect())
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01), by the civil-
/// from-days algorithm (H. Hinnant).
fn date_of(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Day number of 2025-01-01.
const JAN_1_2025: i64 = 20_089;

/// 2025 days (day numbers) around which starts cluster: the four DST
/// changes (Mar 9, Mar 30, Oct 26, Nov 2), plus a day chosen at random.
fn anchor() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(JAN_1_2025 + 67),
        Just(JAN_1_2025 + 88),
        Just(JAN_1_2025 + 298),
        Just(JAN_1_2025 + 305),
        (0i64..365).prop_map(|k| JAN_1_2025 + k),
    ]
}

/// A random valid calendar (JSON), its anchor date and its weekly opening
/// time in local seconds.
fn calendar() -> impl Strategy<Value = (Value, i64, i64)> {
    (
        proptest::sample::select(&ZONES[..]),
        proptest::array::uniform7(day_ranges()),
        anchor(),
        proptest::collection::btree_set(-6i64..12, 0..4),
        proptest::collection::btree_set(-6i64..12, 0..3),
        any::<bool>(),
    )
        .prop_map(|(tz, week, anchor, hol, work, partial)| {
            let mut weekly = serde_json::Map::new();
            let mut open = 0i64;
            for (d, r) in DAYS.iter().zip(&week) {
                if !r.is_empty() {
                    weekly.insert((*d).to_string(), ranges_json(r));
                    open += r.iter().map(|&(a, b)| i64::from(b - a) * 900).sum::<i64>();
                }
            }
            let date = |k: i64| date_of(anchor + k);
            // Holidays on even offsets, overrides on odd ones: never both.
            let holidays: Vec<Value> = hol
                .iter()
                .map(|&k| 2 * k)
                .enumerate()
                .map(|(i, k)| {
                    if partial && i % 2 == 1 {
                        json!({"date": date(k), "closed": [["11:00", "14:30"]]})
                    } else {
                        json!(date(k))
                    }
                })
                .collect();
            let working: serde_json::Map<String, Value> = work
                .iter()
                .map(|&k| {
                    (
                        date(2 * k + 1),
                        json!([["08:00", "12:00"], ["12:00", "16:00"]]),
                    )
                })
                .collect();
            let spec = json!({"tz": tz, "weekly": weekly, "holidays": holidays,
                              "working_days": working});
            (spec, anchor, open)
        })
}

fn pauses(start: i64) -> impl Strategy<Value = Vec<Pause>> {
    proptest::collection::vec((-DAY..5 * DAY, 0i64..10 * 3600), 0..4).prop_map(move |v| {
        v.into_iter()
            .map(|(off, len)| Pause {
                start: start + off,
                end: start + off + len,
            })
            .collect()
    })
}

/// A calendar open at least 4 hours a week, a start near its anchor, and
/// pauses. Calendars with ranges touching in DST folds are included: they
/// once made nps-core count the repeated hour twice.
fn setup() -> impl Strategy<Value = (Calendar, i64, Vec<Pause>)> {
    calendar()
        .prop_filter("at least 4 opening hours a week", |(_, _, open)| {
            *open >= 4 * 3600
        })
        .prop_flat_map(|(spec, anchor, _)| {
            let midnight = anchor * DAY;
            let cal = Calendar::from_json(&spec.to_string())
                .unwrap_or_else(|e| panic!("generated calendar rejected: {e}\n{spec}"));
            (midnight - 3 * DAY..midnight + 2 * DAY)
                .prop_flat_map(move |start| (Just(cal.clone()), Just(start), pauses(start)))
        })
}

/// Total length of `pauses` (merged) inside `[a, b)`, computed naively.
fn pause_overlap(pauses: &[Pause], a: i64, b: i64) -> i64 {
    let mut v: Vec<(i64, i64)> = pauses
        .iter()
        .filter(|p| p.end > p.start)
        .map(|p| (p.start, p.end))
        .collect();
    v.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (s, e) in v {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
        .iter()
        .map(|&(s, e)| (e.min(b) - s.max(a)).max(0))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn deadline_and_elapsed_are_inverse(
        (cal, start, pauses) in setup(),
        d in 0i64..60 * 3600,
    ) {
        let due = cal.deadline(start, Duration::Business { seconds: d }, &pauses).unwrap();
        prop_assert!(due >= start);
        prop_assert_eq!(cal.elapsed(start, due, &pauses).unwrap(), d);
        // Minimal: one second earlier, less business time has elapsed.
        if d > 0 {
            prop_assert!(cal.elapsed(start, due - 1, &pauses).unwrap() < d);
        }
    }

    #[test]
    fn deadline_is_monotone_in_the_duration(
        (cal, start, pauses) in setup(),
        d in 0i64..40 * 3600,
        extra in 0i64..20 * 3600,
        days in 1u32..5,
    ) {
        let a = cal.deadline(start, Duration::Business { seconds: d }, &pauses).unwrap();
        let b = cal.deadline(start, Duration::Business { seconds: d + extra }, &pauses).unwrap();
        prop_assert!(start <= a && a <= b, "{start} {a} {b}");
        let x = cal.deadline(start, Duration::BusinessDays { days }, &pauses).unwrap();
        let y = cal.deadline(start, Duration::BusinessDays { days: days + 1 }, &pauses).unwrap();
        prop_assert!(start < x && x < y, "{start} {x} {y}");
        let w = cal.deadline(start, Duration::Wall { seconds: d }, &pauses).unwrap();
        let v = cal.deadline(start, Duration::Wall { seconds: d + extra }, &pauses).unwrap();
        prop_assert!(start <= w && w <= v);
    }

    #[test]
    fn business_days_land_on_a_closing_instant(
        (cal, start, _pauses) in setup(),
        days in 1u32..6,
    ) {
        let due = cal.deadline(start, Duration::BusinessDays { days }, &[]).unwrap();
        let date = local_date(cal.tz(), due - 1).unwrap();
        let closes: Vec<i64> = cal.day_instants(date).iter().map(|&(_, b)| b).collect();
        prop_assert!(
            closes.last() == Some(&due),
            "deadline {due} is not the last closing of {date}: {closes:?}"
        );
    }

    #[test]
    fn wall_deadline_adds_the_pauses(
        start in -1_000_000_000i64..4_000_000_000,
        d in 0i64..10 * DAY,
        raw in proptest::collection::vec((-DAY..12 * DAY, 0i64..2 * DAY), 0..5),
    ) {
        let pauses: Vec<Pause> = raw
            .iter()
            .map(|&(o, l)| Pause { start: start + o, end: start + o + l })
            .collect();
        let due = wall_deadline(start, d, &pauses).unwrap();
        prop_assert_eq!(due, start + d + pause_overlap(&pauses, start, due));
        if d > 0 {
            // The first such instant.
            prop_assert!((due - 1 - start) - pause_overlap(&pauses, start, due - 1) < d);
        }
    }

    #[test]
    fn elapsed_is_additive_and_non_negative(
        (cal, start, pauses) in setup(),
        a in 0i64..4 * DAY,
        b in 0i64..4 * DAY,
    ) {
        let mid = start + a;
        let end = mid + b;
        let whole = cal.elapsed(start, end, &pauses).unwrap();
        let parts = cal.elapsed(start, mid, &pauses).unwrap() + cal.elapsed(mid, end, &pauses).unwrap();
        prop_assert_eq!(whole, parts);
        prop_assert!(whole >= 0);
    }

    #[test]
    fn calendar_json_round_trips((spec, _, _) in calendar()) {
        // Some generated weeks are closed every day: those must be rejected.
        match Calendar::from_json(&spec.to_string()) {
            Ok(cal) => {
                let again = Calendar::from_json(&cal.to_json()).unwrap();
                prop_assert_eq!(&again, &cal);
                prop_assert_eq!(again.to_json(), cal.to_json());
            }
            Err(e) => prop_assert!(
                spec["weekly"].as_object().is_some_and(|w| w.is_empty())
                    && spec["working_days"].as_object().is_some_and(|w| w.is_empty()),
                "valid-looking calendar rejected: {e}\n{spec}"
            ),
        }
    }

    #[test]
    fn policy_json_round_trips(patch in policy_patch()) {
        let mut doc: Value = serde_json::from_str(&Policy::default().to_json()).unwrap();
        merge(&mut doc, &patch);
        let p = Policy::from_json(&doc.to_string())
            .unwrap_or_else(|e| panic!("generated policy rejected: {e}\npatch: {patch}"));
        let again = Policy::from_json(&p.to_json()).unwrap();
        prop_assert_eq!(&again, &p);
        prop_assert_eq!(again.to_json(), p.to_json());
    }
}

/// Spring-forward Sundays (a gap): zone, day number, UTC offset of midnight.
const GAP_NIGHTS: [(&str, i64, i64); 2] = [
    ("Europe/Berlin", JAN_1_2025 + 88, -3600),
    ("America/New_York", JAN_1_2025 + 67, 5 * 3600),
];

/// Fall-back Sundays (a fold).
const FOLD_NIGHTS: [(&str, i64, i64); 2] = [
    ("Europe/Berlin", JAN_1_2025 + 298, -7200),
    ("America/New_York", JAN_1_2025 + 305, 4 * 3600),
];

/// Sunday ranges in the small hours (00:30 to 04:00, possibly touching) on
/// one of `nights`: the calendar and the UTC instant of that local midnight.
fn dst_sunday(
    nights: &'static [(&'static str, i64, i64)],
) -> impl Strategy<Value = (Calendar, i64)> {
    (
        proptest::sample::select(nights),
        (1usize..=3).prop_flat_map(|k| proptest::collection::vec(2u32..=16, 2 * k)),
    )
        .prop_map(|((tz, day, offset), mut cuts)| {
            cuts.sort_unstable();
            let ranges: Vec<(u32, u32)> = cuts
                .chunks(2)
                .filter(|c| c[0] < c[1])
                .map(|c| (c[0], c[1]))
                .collect();
            let mut weekly = serde_json::Map::new();
            weekly.insert("sun".into(), ranges_json(&ranges));
            weekly.insert("mon".into(), json!([["09:00", "17:00"]]));
            let spec = json!({"tz": tz, "weekly": weekly});
            let cal = Calendar::from_json(&spec.to_string()).unwrap();
            (cal, day * DAY + offset)
        })
}

/// At most 15 minutes of business time in every 15-minute window of the
/// night, and `elapsed(start, deadline(start, d)) == d` from a start in it.
fn check_night(cal: &Calendar, midnight: i64, off: i64, d: i64) -> Result<(), TestCaseError> {
    for k in 0..40 {
        let t = midnight + k * 900;
        let e = cal.elapsed(t, t + 900, &[]).unwrap();
        prop_assert!(e <= 900, "{e} s of business time in the 15 min from {t}");
    }
    let due = cal
        .deadline(midnight + off, Duration::Business { seconds: d }, &[])
        .unwrap();
    prop_assert_eq!(cal.elapsed(midnight + off, due, &[]).unwrap(), d);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// DST gaps: business time never exceeds wall time, and deadline and
    /// elapsed are inverse.
    #[test]
    fn dst_gap_nights(
        (cal, midnight) in dst_sunday(&GAP_NIGHTS),
        off in 0i64..6 * 3600,
        d in 0i64..12 * 3600,
    ) {
        check_night(&cal, midnight, off, d)?;
    }

    /// The same in DST folds.
    #[test]
    fn dst_fold_nights(
        (cal, midnight) in dst_sunday(&FOLD_NIGHTS),
        off in 0i64..6 * 3600,
        d in 0i64..12 * 3600,
    ) {
        check_night(&cal, midnight, off, d)?;
    }
}

// The fold case that the random calendars hit only rarely: business time
// never exceeds wall time when two ranges touch in a DST fold (regression:
// the repeated hour used to be counted twice).
#[test]
fn business_time_never_exceeds_wall_time_in_a_fold() {
    let cal = Calendar::from_json(
        r#"{"tz": "America/New_York", "weekly": {"sun": [["00:00","01:30"], ["01:30","03:00"]]}}"#,
    )
    .unwrap();
    let (a, b) = (1_762_056_000, 1_762_099_200); // 2025-11-02 00:00 EDT .. 12:00 EST
    assert!(cal.elapsed(a, b, &[]).unwrap() <= b - a);
    assert_eq!(cal.elapsed(a, b, &[]).unwrap(), 4 * 3600);
}

#[test]
fn civil_dates() {
    assert_eq!(date_of(0), "1970-01-01");
    assert_eq!(date_of(JAN_1_2025), "2025-01-01");
    assert_eq!(date_of(JAN_1_2025 + 88), "2025-03-30");
    assert_eq!(date_of(JAN_1_2025 + 305), "2025-11-02");
    assert_eq!(date_of(-1), "1969-12-31");
}

#[test]
fn default_policy_round_trips() {
    let p = Policy::default();
    assert_eq!(Policy::from_json(&p.to_json()).unwrap(), p);
}

/// RFC 7386 merge patch (objects merge, everything else replaces).
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

fn cny(minor: i64) -> Value {
    json!({"minor": minor, "currency": "CNY"})
}

/// Random valid changes to the default policy: warning lead, limits and caps
/// (kept non-decreasing up the ladder), the equal-escalates convention,
/// cumulative caps, a calendar with business-time clocks, keyword lists
/// (Unicode), early-warning thresholds.
fn policy_patch() -> impl Strategy<Value = Value> {
    (
        (
            0i64..100_000,
            any::<bool>(),
            0i64..1_000_000,
            0i64..1_000_000,
            0i64..1_000_000,
        ),
        (
            proptest::option::of(1i64..10_000_000),
            proptest::option::of((1i64..10_000_000, 1u32..1000)),
        ),
        proptest::option::of(calendar()),
        proptest::collection::vec(
            "[a-z\u{4e00}-\u{9fa5}\u{e4}][a-z \u{4e00}-\u{9fa5}\u{e4}]{0,9}",
            1..5,
        ),
        (1u32..120, 1u32..5, 1u8..=5, 1u32..4),
        (1i64..DAY, 1u32..5),
    )
        .prop_filter("the calendar has opening hours", |(_, _, cal, ..)| {
            cal.as_ref().is_none_or(|(_, _, open)| *open > 0)
        })
        .prop_map(
            |(
                (lead, eq, advisor, up_a, up_s),
                (per_case, per_customer),
                cal,
                words,
                (wait, inquiries, below, consecutive),
                (business_secs, bdays),
            )| {
                let manager_a = advisor + up_a;
                let manager_s = manager_a + up_s;
                let mut patch = json!({
                    "warning_lead_seconds": lead,
                    "authority": {
                        "equal_escalates": eq,
                        "ladder": [
                            {"role": "service_advisor", "limit": cny(advisor)},
                            {"role": "service_manager", "limit": cny(manager_a),
                             "tier_limits": {"S": cny(manager_s), "A": cny(manager_a)}},
                            {"role": "regional_manager", "limit": null},
                        ],
                        "cumulative": {
                            "per_case": per_case.map(cny),
                            "per_customer": per_customer
                                .map(|(m, d)| json!({"amount": cny(m), "days": d})),
                        },
                    },
                    "early_warnings": {
                        "wait_over_promise_minutes": wait,
                        "progress_inquiries": inquiries,
                        "low_rating_below": below,
                        "low_rating_consecutive": consecutive,
                        "angry_keywords": {"en": words.clone(), "xx": words},
                    },
                });
                if let Some((spec, _, _)) = cal {
                    // Business-time clocks need the calendar.
                    let mut alerts: Value =
                        serde_json::from_str(&Policy::default().to_json()).unwrap();
                    let mut alerts = alerts["alerts"].take();
                    alerts[0]["acknowledge_within"] =
                        json!({"unit": "business", "seconds": business_secs});
                    alerts[2]["acknowledge_within"] =
                        json!({"unit": "business_days", "days": bdays});
                    patch["calendar"] = spec;
                    patch["alerts"] = alerts;
                }
                patch
            },
        )
}
