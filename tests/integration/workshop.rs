//! Workshop capacity (issue 14): staffing by the hour and the capacity gain
//! against `golden/workshop_vectors.json` (written by
//! `gen_workshop_vectors.py`, an independent oracle with fractions and
//! mpmath), invariants and bad input.

use std::sync::OnceLock;

use nps_core::calendar::Calendar;
use nps_core::erlang::erlang_c;
use nps_core::money::Currency;
use nps_core::staffing::{
    capacity_gain, staffing, CapacityOptions, Roster, RosterEntry, StaffingOptions, StaffingProfile,
};
use nps_core::table::Column;
use nps_core::ErrorKind;
use nps_tests::Value;
use proptest::prelude::*;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("golden/workshop_vectors.json");
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

fn arrivals(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn options(v: &Value) -> StaffingOptions {
    let d = StaffingOptions::default();
    StaffingOptions {
        interval_s: v
            .get("interval_s")
            .map_or(d.interval_s, |x| x.as_u64().unwrap() as u32),
        service_time_s: v
            .get("service_time_s")
            .map_or(d.service_time_s, |x| x.as_f64().unwrap()),
        target_wait_s: v
            .get("target_wait_s")
            .map_or(d.target_wait_s, |x| x.as_f64().unwrap()),
        target_share: v
            .get("target_share")
            .map_or(d.target_share, |x| x.as_f64().unwrap()),
        tz: None,
    }
}

fn roster(v: &Value) -> Option<Roster> {
    if v.is_null() {
        return None;
    }
    if let Some(n) = v.as_u64() {
        return Some(Roster::Constant(n as u32));
    }
    Some(Roster::PerInterval(
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| RosterEntry {
                weekday: e[0].as_u64().unwrap() as u32,
                start_s: e[1].as_u64().unwrap() as u32,
                servers: e[2].as_u64().unwrap() as u32,
            })
            .collect(),
    ))
}

fn check(name: &str, p: &StaffingProfile, want: &Value) {
    assert_eq!(u64::from(p.days), want["days"].as_u64().unwrap(), "{name}");
    assert_eq!(
        p.outside_hours,
        want["outside_hours"].as_u64().unwrap(),
        "{name}"
    );
    let rows = want["rows"].as_array().unwrap();
    assert_eq!(p.rows.len(), rows.len(), "{name}: rows");
    let t = p.to_table();
    for (i, (r, w)) in p.rows.iter().zip(rows).enumerate() {
        let at = format!("{name} row {i}");
        assert_eq!(
            nps_core::staffing::WEEKDAYS[usize::from(r.weekday)],
            w["weekday"].as_str().unwrap(),
            "{at}"
        );
        assert_eq!(u64::from(r.start_s), w["start_s"].as_u64().unwrap(), "{at}");
        assert_eq!(r.arrivals, w["arrivals"].as_u64().unwrap(), "{at}");
        assert_eq!(r.open_s, w["open_s"].as_u64().unwrap(), "{at}");
        close(
            &format!("{at} rate"),
            Some(r.arrival_rate),
            &w["arrival_rate"],
        );
        close(
            &format!("{at} load"),
            Some(r.offered_load),
            &w["offered_load"],
        );
        assert_eq!(u64::from(r.servers), w["servers"].as_u64().unwrap(), "{at}");
        match r.roster {
            None => assert!(w.get("roster").is_none(), "{at}"),
            Some(c) => {
                assert_eq!(u64::from(c.servers), w["roster"].as_u64().unwrap(), "{at}");
                assert_eq!(c.queue.is_some(), w["stable"].as_bool().unwrap(), "{at}");
                let q = c.queue;
                close(&format!("{at} pw"), q.map(|q| q.prob_wait), &w["prob_wait"]);
                close(
                    &format!("{at} wq"),
                    q.map(|q| q.mean_wait),
                    &w["mean_wait_s"],
                );
                close(
                    &format!("{at} within"),
                    q.and_then(|q| q.within_target),
                    &w["within_target"],
                );
            }
        }
        // The table carries the same values under the documented names.
        let Some(Column::Str(wd)) = t.column("weekday") else {
            panic!("weekday column")
        };
        assert_eq!(wd[i].as_deref(), w["weekday"].as_str(), "{at}");
        let Some(Column::Str(st)) = t.column("start") else {
            panic!("start column")
        };
        assert_eq!(st[i].as_deref(), w["start"].as_str(), "{at}");
        let Some(Column::U64(h)) = t.column("hour") else {
            panic!("hour column")
        };
        assert_eq!(h[i], w["hour"].as_u64(), "{at}");
        if let Some(Column::F64(u)) = t.column("utilization") {
            close(&format!("{at} utilization"), u[i], &w["utilization"]);
        }
        if let Some(Column::Bool(s)) = t.column("stable") {
            assert_eq!(s[i], w["stable"].as_bool(), "{at}");
        }
    }
}

#[test]
fn staffing_golden() {
    for c in vectors()["staffing"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let cal = (!c["calendar"].is_null())
            .then(|| Calendar::from_json(&c["calendar"].to_string()).unwrap());
        let mut o = options(&c["options"]);
        if cal.is_none() {
            o.tz = Some(c["tz"].as_str().unwrap().to_owned());
        }
        let p = staffing(
            &arrivals(&c["arrivals"]),
            cal.as_ref(),
            roster(&c["roster"]).as_ref(),
            &o,
        )
        .unwrap();
        check(name, &p, &c["expected"]);
        assert_eq!(p.options.tz.as_deref(), c["tz"].as_str(), "{name}");
    }
}

#[test]
fn staffing_defaults() {
    let d = &vectors()["defaults"];
    let o = StaffingOptions::default();
    let want = &d["staffing_options"];
    assert_eq!(
        u64::from(o.interval_s),
        want["interval_s"].as_u64().unwrap()
    );
    assert_eq!(o.service_time_s, want["service_time_s"].as_f64().unwrap());
    assert_eq!(o.target_wait_s, want["target_wait_s"].as_f64().unwrap());
    assert_eq!(o.target_share, want["target_share"].as_f64().unwrap());
    assert_eq!(o.tz, None);
    let p = staffing(&arrivals(&d["staffing"]["arrivals"]), None, None, &o).unwrap();
    check("defaults", &p, &d["staffing"]["expected"]);
    let c = CapacityOptions::default();
    let want = &d["capacity_options"];
    assert_eq!(c.before_minutes, want["before_minutes"].as_f64().unwrap());
    assert_eq!(c.after_minutes, want["after_minutes"].as_f64().unwrap());
    assert_eq!(c.hours_per_day, want["hours_per_day"].as_f64().unwrap());
    assert_eq!(c.share_of_time, want["share_of_time"].as_f64().unwrap());
    assert_eq!(c.days, want["days"].as_f64().unwrap());
    assert_eq!(c.ticket_minor, want["ticket_minor"].as_i64().unwrap());
    assert_eq!(c.currency.code(), want["currency"].as_str().unwrap());
    let g = capacity_gain(&c).unwrap();
    close("per_day", Some(g.per_day), &d["capacity"]["per_day"]);
    close("per_year", Some(g.per_year), &d["capacity"]["per_year"]);
    assert_eq!(
        g.revenue.minor,
        d["capacity"]["revenue_minor"].as_i64().unwrap()
    );
}

fn capacity_options(v: &Value) -> CapacityOptions {
    let d = CapacityOptions::default();
    let f = |k: &str, dv: f64| v.get(k).map_or(dv, |x| x.as_f64().unwrap());
    CapacityOptions {
        before_minutes: f("before_minutes", d.before_minutes),
        after_minutes: f("after_minutes", d.after_minutes),
        hours_per_day: f("hours_per_day", d.hours_per_day),
        share_of_time: f("share_of_time", d.share_of_time),
        days: f("days", d.days),
        ticket_minor: v
            .get("ticket_minor")
            .map_or(d.ticket_minor, |x| x.as_i64().unwrap()),
        currency: match v.get("currency") {
            Some(c) => match Currency::from_code(c.as_str().unwrap()) {
                Ok(c) => c,
                Err(_) => {
                    return CapacityOptions {
                        days: f64::NAN,
                        ..d
                    }
                }
            },
            None => d.currency,
        },
    }
}

#[test]
fn capacity_golden() {
    for c in vectors()["capacity"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let g = capacity_gain(&capacity_options(&c["options"])).unwrap();
        let w = &c["expected"];
        close(&format!("{name} per_day"), Some(g.per_day), &w["per_day"]);
        close(
            &format!("{name} per_year"),
            Some(g.per_year),
            &w["per_year"],
        );
        assert_eq!(
            g.revenue.minor,
            w["revenue_minor"].as_i64().unwrap(),
            "{name}"
        );
        assert_eq!(
            g.revenue.currency.code(),
            w["currency"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn bad_input() {
    for b in vectors()["bad"].as_array().unwrap() {
        let what = b["what"].as_str().unwrap();
        let e = staffing(
            &arrivals(&b["arrivals"]),
            None,
            roster(&b["roster"]).as_ref(),
            &options(&b["options"]),
        )
        .unwrap_err();
        assert_eq!(
            format!("{:?}", e.kind()),
            b["kind"].as_str().unwrap(),
            "{what}: {e}"
        );
        if let Some(name) = b["name"].as_str() {
            assert!(e.to_string().contains(&format!("`{name}`")), "{what}: {e}");
        }
    }
    for b in vectors()["bad_capacity"].as_array().unwrap() {
        let what = b["what"].as_str().unwrap();
        let name = b["name"].as_str().unwrap();
        if name == "currency" {
            let e = Currency::from_code(b["options"]["currency"].as_str().unwrap()).unwrap_err();
            assert!(e.to_string().contains("`currency`"), "{what}: {e}");
            continue;
        }
        let e = capacity_gain(&capacity_options(&b["options"])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{what}");
        assert!(e.to_string().contains(&format!("`{name}`")), "{what}: {e}");
    }
    // A calendar in one zone and a tz in another: named, not guessed.
    let cal =
        Calendar::from_json(r#"{"tz": "Asia/Shanghai", "weekly": {"mon": [["09:00","17:00"]]}}"#)
            .unwrap();
    let o = StaffingOptions {
        tz: Some("UTC".into()),
        ..Default::default()
    };
    let e = staffing(&[1_748_854_800], Some(&cal), None, &o).unwrap_err();
    assert!(e.to_string().contains("`tz`"), "{e}");
    let o = StaffingOptions {
        tz: Some("Mars/Base".into()),
        ..Default::default()
    };
    assert_eq!(
        staffing(&[0], None, None, &o).unwrap_err().kind(),
        ErrorKind::UnknownTimeZone
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// More servers never raise the probability of waiting or the mean
    /// wait, and never lower the share within target.
    #[test]
    fn more_servers_wait_less(load in 0.05f64..40.0, extra in 1u32..6, t in 0.0f64..3.0) {
        let c = load.floor() as u32 + 1;
        let a = *erlang_c(load, 1.0, c, Some(t)).unwrap().stable().unwrap();
        let b = *erlang_c(load, 1.0, c + extra, Some(t)).unwrap().stable().unwrap();
        prop_assert!(b.prob_wait <= a.prob_wait + 1e-15);
        prop_assert!(b.mean_wait <= a.mean_wait + 1e-15);
        prop_assert!(b.within_target.unwrap() + 1e-15 >= a.within_target.unwrap());
    }

    /// The servers of a profile row are the fewest meeting the target: with
    /// that roster the row meets it, with one fewer it does not.
    #[test]
    fn servers_needed_is_the_minimum(
        offsets in proptest::collection::vec(0i64..7 * 86_400, 1..60),
        service in 60.0f64..3600.0,
        wait in 0.0f64..600.0,
        share in 0.05f64..0.99,
    ) {
        let mon = 1_748_822_400i64;
        let arrivals: Vec<i64> = offsets.iter().map(|o| mon + o).collect();
        let o = StaffingOptions { service_time_s: service, target_wait_s: wait, target_share: share, ..Default::default() };
        let p = staffing(&arrivals, None, None, &o).unwrap();
        prop_assert_eq!(p.rows.iter().map(|r| r.arrivals).sum::<u64>(), arrivals.len() as u64);
        for r in &p.rows {
            if r.arrivals == 0 {
                prop_assert_eq!(r.servers, 0);
                continue;
            }
            let lambda = r.arrivals as f64 / r.open_s as f64;
            let q = erlang_c(lambda, service, r.servers, Some(wait)).unwrap();
            prop_assert!(q.stable().unwrap().within_target.unwrap() >= share);
            if r.servers > 1 {
                let fewer = erlang_c(lambda, service, r.servers - 1, Some(wait)).unwrap();
                prop_assert!(fewer.stable().is_none_or(|q| q.within_target.unwrap() < share));
            }
        }
    }

    /// The capacity gain is linear in the share of time and the days.
    #[test]
    fn capacity_is_linear(share in 0.01f64..1.0, days in 0.0f64..366.0) {
        let full = capacity_gain(&CapacityOptions { days, ..Default::default() }).unwrap();
        let part = capacity_gain(&CapacityOptions { share_of_time: share, days, ..Default::default() }).unwrap();
        prop_assert!((part.per_year - full.per_year * share).abs() <= 1e-9 * full.per_year.abs().max(1.0));
    }
}

// ---- estimate accuracy ----

fn kpi_close(what: &str, k: &nps_core::kpi::Kpi, w: &Value) {
    assert_eq!(k.numerator, w["numerator"].as_f64().unwrap(), "{what}");
    assert_eq!(k.denominator, w["denominator"].as_f64().unwrap(), "{what}");
    close(&format!("{what} value"), k.value, &w["value"]);
    close(&format!("{what} coverage"), k.coverage, &w["coverage"]);
}

fn dist_close(what: &str, d: &nps_core::kpi::Distribution, w: &Value) {
    assert_eq!(d.n, w["n"].as_u64().unwrap(), "{what}");
    close(&format!("{what} mean"), d.mean, &w["mean"]);
    close(&format!("{what} median"), d.median, &w["median"]);
    close(&format!("{what} p90"), d.p90, &w["p90"]);
}

fn estimate_check(name: &str, e: &nps_core::kpi::EstimateAccuracy, w: &Value) {
    kpi_close(&format!("{name} within"), &e.within.overall, &w["within"]);
    kpi_close(
        &format!("{name} unapproved"),
        &e.unapproved.overall,
        &w["unapproved"],
    );
    assert_eq!(
        e.unapproved_minor,
        w["unapproved_minor"].as_i64().unwrap(),
        "{name}"
    );
    dist_close(
        &format!("{name} overrun"),
        &e.overrun_minor,
        &w["overrun_minor"],
    );
    dist_close(
        &format!("{name} relative"),
        &e.overrun_relative,
        &w["overrun_relative"],
    );
}

/// The strings of a JSON array.
fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

/// The columns of a case's grouping: keys, timestamps, period, zone.
struct CaseGrouping {
    keys: Option<Vec<String>>,
    timestamps: Option<Vec<i64>>,
    period: Option<nps_core::period::Period>,
    tz: Option<String>,
}

impl CaseGrouping {
    fn of(c: &Value) -> CaseGrouping {
        CaseGrouping {
            keys: c.get("keys").map(strs),
            timestamps: c.get("timestamps").map(arrivals),
            period: c
                .get("period")
                .map(|p| nps_core::period::Period::from_name(p.as_str().unwrap()).unwrap()),
            tz: c.get("tz").map(|t| t.as_str().unwrap().to_owned()),
        }
    }

    /// Calls `f` with the grouping of rows `range`.
    fn with<R>(
        &self,
        range: std::ops::Range<usize>,
        f: impl FnOnce(&nps_core::group::Grouping<'_>) -> R,
    ) -> R {
        use nps_core::group::Keys;
        let keys: Option<Vec<&str>> = self
            .keys
            .as_ref()
            .map(|k| k[range.clone()].iter().map(String::as_str).collect());
        f(&nps_core::group::Grouping {
            keys: keys.as_deref().map(Keys::Str),
            timestamps: self.timestamps.as_ref().map(|t| &t[range.clone()]),
            period: self.period,
            tz: self.tz.as_deref(),
        })
    }
}

/// The expected label of a group: key (a string or none) and period start.
fn label_of(w: &Value) -> (nps_core::group::GroupKey, Option<chrono::NaiveDate>) {
    use nps_core::group::GroupKey;
    let key = w["key"]
        .as_str()
        .map_or(GroupKey::All, |k| GroupKey::Str(k.into()));
    let start = w["period_start"].as_str().map(|d| d.parse().unwrap());
    (key, start)
}

fn estimate_run(
    c: &Value,
    range: std::ops::Range<usize>,
) -> nps_core::Result<nps_core::kpi::EstimateAccuracy> {
    use nps_core::kpi::{estimate_accuracy, EstimateOptions};
    let approved = (!c["approved"].is_null()).then(|| arrivals(&c["approved"]));
    let currencies = c.get("currencies").map(strs);
    let currencies: Option<Vec<&str>> = currencies
        .as_ref()
        .map(|v| v[range.clone()].iter().map(String::as_str).collect());
    let o = EstimateOptions {
        tolerance: c["tolerance"].as_f64().unwrap(),
        currency: Currency::from_code(c["currency"].as_str().unwrap()).unwrap(),
    };
    CaseGrouping::of(c).with(range.clone(), |g| {
        estimate_accuracy(
            &arrivals(&c["quoted"])[range.clone()],
            &arrivals(&c["final"])[range.clone()],
            approved.as_ref().map(|a| &a[range.clone()]),
            currencies.as_deref(),
            &o,
            g,
        )
    })
}

#[test]
fn estimate_golden() {
    use nps_core::group::Grouping;
    use nps_core::kpi::{estimate_accuracy, EstimateAccuracy, EstimateOptions};
    use nps_core::state::Saved;
    for c in vectors()["estimate"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let n = c["quoted"].as_array().unwrap().len();
        let e = estimate_run(c, 0..n).unwrap();
        estimate_check(name, &e, &c["expected"]);
        if let Some(groups) = c["expected"].get("groups") {
            let groups = groups.as_array().unwrap();
            assert_eq!(e.within.groups.len(), groups.len(), "{name}");
            let mut num = 0.0;
            for ((gw, gu), w) in e.within.groups.iter().zip(&e.unapproved.groups).zip(groups) {
                assert_eq!((gw.key.clone(), gw.period_start), label_of(w), "{name}");
                assert_eq!((gu.key.clone(), gu.period_start), label_of(w), "{name}");
                kpi_close(&format!("{name} group"), &gw.kpi, &w["within"]);
                kpi_close(&format!("{name} group"), &gu.kpi, &w["unapproved"]);
                num += gw.kpi.numerator;
            }
            // The groups add up to the whole.
            assert_eq!(num, e.within.overall.numerator);
        }
        // A saved state loads back exactly, options included.
        let back = EstimateAccuracy::from_state(&e.to_state()).unwrap();
        assert_eq!(back, e, "{name}");
        assert_eq!(back.options.tolerance, c["tolerance"].as_f64().unwrap());
        // The two parts of a split merge into the one-pass result.
        if let Some(split) = c.get("split").and_then(Value::as_u64) {
            let split = split as usize;
            let a = estimate_run(c, 0..split).unwrap();
            let b = estimate_run(c, split..n).unwrap();
            let m = a.merge(&b).unwrap();
            assert_eq!(m, e, "{name}: merge");
            estimate_check(&format!("{name} merged"), &m, &c["expected"]);
            assert_eq!(
                m.options, e.options,
                "{name}: the merged result keeps the options"
            );
        }
    }
    let d = &vectors()["defaults"];
    let o = EstimateOptions::default();
    assert_eq!(
        o.tolerance,
        d["estimate_options"]["tolerance"].as_f64().unwrap()
    );
    assert_eq!(
        o.currency.code(),
        d["estimate_options"]["currency"].as_str().unwrap()
    );
    let e = estimate_accuracy(
        &arrivals(&d["estimate"]["quoted"]),
        &arrivals(&d["estimate"]["final"]),
        None,
        None,
        &o,
        &Grouping::default(),
    )
    .unwrap();
    estimate_check("defaults", &e, &d["estimate"]["expected"]);
}

/// Results (and their tables) computed with another tolerance or currency
/// do not merge: an error naming `other` and the option; a table of
/// another share does not merge either.
#[test]
fn estimate_merge_keeps_the_options() {
    use nps_core::kpi::{estimate_accuracy, parts_availability, rate, EstimateOptions};
    let g = nps_core::group::Grouping::default();
    let opts = |v: &Value| EstimateOptions {
        tolerance: v["tolerance"].as_f64().unwrap(),
        currency: Currency::from_code(v["currency"].as_str().unwrap()).unwrap(),
    };
    for b in vectors()["bad_estimate_merge"].as_array().unwrap() {
        let what = b["what"].as_str().unwrap();
        let x = estimate_accuracy(&[80_000], &[150_000], None, None, &opts(&b["a"]), &g).unwrap();
        let y = estimate_accuracy(&[20_000], &[20_000], None, None, &opts(&b["b"]), &g).unwrap();
        let option = b["option"].as_str().unwrap();
        for e in [
            x.merge(&y).unwrap_err(),
            x.within.merge(&y.within).unwrap_err(),
            x.unapproved.merge(&y.unapproved).unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{what}");
            assert_eq!(e.argument(), Some(b["name"].as_str().unwrap()), "{what}");
            assert!(e.to_string().contains(option), "{what}: {e}");
        }
    }
    let e = estimate_accuracy(&[1], &[1], None, None, &EstimateOptions::default(), &g).unwrap();
    let p = parts_availability(&["r"], &[true], None, &g).unwrap();
    let r = rate(&[true], None, &g).unwrap();
    for (a, b) in [
        (&e.within, &e.unapproved),
        (&e.within, &p.fill_rate),
        (&p.fill_rate, &r),
        (&r, &e.unapproved),
    ] {
        let err = a.merge(b).unwrap_err();
        assert_eq!(err.argument(), Some("other"), "{err}");
        assert!(err.to_string().contains("differs"), "{err}");
    }
}

/// The issue's hand-worked figures: 800 → 1500 is +700 (+87.5 %),
/// unapproved; 200 → 200 is 0 %; mixed currencies are an error; a quote of
/// 0 is no data for its row; "3 days" of parts wait is 259,200 s.
#[test]
fn issue_figures() {
    use nps_core::kpi::{estimate_accuracy, parts_availability, EstimateOptions};
    let (o, g) = (
        EstimateOptions::default(),
        nps_core::group::Grouping::default(),
    );
    let e = estimate_accuracy(&[80_000], &[150_000], None, None, &o, &g).unwrap();
    assert_eq!(e.overrun_minor.mean, Some(70_000.0));
    assert_eq!(e.overrun_relative.mean, Some(0.875));
    assert_eq!(
        (e.unapproved.overall.numerator, e.unapproved_minor),
        (1.0, 70_000)
    );
    assert_eq!(e.kpi().value, Some(0.0));
    let e = estimate_accuracy(&[20_000], &[20_000], None, None, &o, &g).unwrap();
    assert_eq!(e.overrun_relative.mean, Some(0.0));
    assert_eq!((e.kpi().value, e.unapproved_minor), (Some(1.0), 0));
    let err = estimate_accuracy(
        &[100, 100],
        &[100, 100],
        None,
        Some(&["CNY", "USD"]),
        &o,
        &g,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert!(err.to_string().contains("`currencies` at row 1"), "{err}");
    let e = estimate_accuracy(&[0, 20_000], &[9_000, 20_000], None, None, &o, &g).unwrap();
    assert_eq!((e.kpi().denominator, e.kpi().coverage), (1.0, Some(0.5)));
    assert_eq!(e.overrun_minor.n, 1);
    let p = parts_availability(&["r"], &[false], Some(&[Some(3 * 24 * 3600)]), &g).unwrap();
    assert_eq!(p.wait_s.mean, Some(259_200.0));
}

#[test]
fn estimate_bad_input() {
    use nps_core::kpi::{estimate_accuracy, EstimateOptions};
    for b in vectors()["bad_estimate"].as_array().unwrap() {
        let what = b["what"].as_str().unwrap();
        let currencies: Option<Vec<&str>> = b["currencies"]
            .as_array()
            .map(|v| v.iter().map(|x| x.as_str().unwrap()).collect());
        let o = EstimateOptions {
            tolerance: b["tolerance"].as_f64().unwrap(),
            ..Default::default()
        };
        let e = estimate_accuracy(
            &arrivals(&b["quoted"]),
            &arrivals(&b["final"]),
            None,
            currencies.as_deref(),
            &o,
            &Default::default(),
        )
        .unwrap_err();
        assert_eq!(
            format!("{:?}", e.kind()),
            b["kind"].as_str().unwrap(),
            "{what}: {e}"
        );
        let name = b["name"].as_str().unwrap();
        assert!(e.to_string().contains(&format!("`{name}`")), "{what}: {e}");
        if let Some(row) = b["row"].as_u64() {
            assert!(e.to_string().contains(&format!("row {row}")), "{what}: {e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A wider tolerance never lowers the share within it; the overrun
    /// distribution does not depend on it.
    #[test]
    fn wider_tolerance_never_lowers_accuracy(
        rows in proptest::collection::vec((0i64..1_000_000, 0i64..2_000_000), 1..40),
        t in 0.0f64..1.0,
        extra in 0.0f64..1.0,
    ) {
        use nps_core::kpi::{estimate_accuracy, EstimateOptions};
        let q: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let f: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let run = |tolerance| estimate_accuracy(&q, &f, None, None,
            &EstimateOptions { tolerance, ..Default::default() }, &Default::default()).unwrap();
        let (a, b) = (run(t), run(t + extra));
        prop_assert!(b.within.overall.numerator >= a.within.overall.numerator);
        prop_assert_eq!(a.overrun_minor, b.overrun_minor);
        prop_assert_eq!(a.unapproved_minor, b.unapproved_minor);
    }
}

// ---- parts availability ----

fn parts_run(
    c: &Value,
    range: std::ops::Range<usize>,
) -> nps_core::Result<nps_core::kpi::PartsAvailability> {
    use nps_core::kpi::parts_availability;
    let ro = strs(&c["ro"]);
    let ro: Vec<&str> = ro[range.clone()].iter().map(String::as_str).collect();
    let stock: Vec<bool> = c["from_stock"].as_array().unwrap()[range.clone()]
        .iter()
        .map(|x| x.as_bool().unwrap())
        .collect();
    let wait: Option<Vec<Option<i64>>> = c["wait_s"]
        .as_array()
        .map(|w| w[range.clone()].iter().map(Value::as_i64).collect());
    CaseGrouping::of(c).with(range, |g| {
        parts_availability(&ro, &stock, wait.as_deref(), g)
    })
}

#[test]
fn parts_golden() {
    use nps_core::group::Grouping;
    use nps_core::kpi::{parts_availability, PartsAvailability};
    use nps_core::state::Saved;
    for c in vectors()["parts"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let n = c["ro"].as_array().unwrap().len();
        let p = parts_run(c, 0..n).unwrap();
        let w = &c["expected"];
        let check = |name: &str, p: &PartsAvailability| {
            kpi_close(
                &format!("{name} fill"),
                &p.fill_rate.overall,
                &w["fill_rate"],
            );
            kpi_close(
                &format!("{name} delayed"),
                &p.delayed_ros,
                &w["delayed_ros"],
            );
            dist_close(&format!("{name} wait"), &p.wait_s, &w["wait_s"]);
            if let Some(groups) = w.get("groups") {
                let groups = groups.as_array().unwrap();
                assert_eq!(p.fill_rate.groups.len(), groups.len(), "{name}");
                assert_eq!(p.groups.len(), groups.len(), "{name}");
                for ((gr, pg), gw) in p.fill_rate.groups.iter().zip(&p.groups).zip(groups) {
                    assert_eq!((gr.key.clone(), gr.period_start), label_of(gw), "{name}");
                    assert_eq!((pg.key.clone(), pg.period_start), label_of(gw), "{name}");
                    kpi_close(&format!("{name} group"), &gr.kpi, &gw["fill_rate"]);
                    kpi_close(
                        &format!("{name} group fill"),
                        &pg.fill_rate,
                        &gw["fill_rate"],
                    );
                    kpi_close(
                        &format!("{name} group delayed"),
                        &pg.delayed_ros,
                        &gw["delayed_ros"],
                    );
                    dist_close(&format!("{name} group wait"), &pg.wait_s, &gw["wait_s"]);
                }
            }
        };
        check(name, &p);
        assert_eq!(
            PartsAvailability::from_state(&p.to_state()).unwrap(),
            p,
            "{name}"
        );
        if let Some(split) = c.get("split").and_then(Value::as_u64) {
            let split = split as usize;
            let m = parts_run(c, 0..split)
                .unwrap()
                .merge(&parts_run(c, split..n).unwrap())
                .unwrap();
            assert_eq!(m, p, "{name}: merge");
            check(&format!("{name} merged"), &m);
        }
    }
    for b in vectors()["bad_parts"].as_array().unwrap() {
        let ro = strs(&b["ro"]);
        let ro: Vec<&str> = ro.iter().map(String::as_str).collect();
        let stock: Vec<bool> = b["from_stock"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_bool().unwrap())
            .collect();
        let wait: Vec<Option<i64>> = b["wait_s"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::as_i64)
            .collect();
        let e = parts_availability(&ro, &stock, Some(&wait), &Grouping::default()).unwrap_err();
        assert_eq!(format!("{:?}", e.kind()), b["kind"].as_str().unwrap());
        assert!(
            e.to_string().contains(&format!(
                "`{}` at row {}",
                b["name"].as_str().unwrap(),
                b["row"].as_u64().unwrap()
            )),
            "{e}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Parts: the groups' lines add up to all lines; an order is delayed
    /// exactly when one of its lines is not from stock.
    #[test]
    fn parts_groups_add_up(lines in proptest::collection::vec((0u8..6, any::<bool>(), 0u8..3), 0..50)) {
        use nps_core::group::{Grouping, Keys};
        use nps_core::kpi::parts_availability;
        let ro: Vec<String> = lines.iter().map(|l| l.0.to_string()).collect();
        let ro: Vec<&str> = ro.iter().map(String::as_str).collect();
        let stock: Vec<bool> = lines.iter().map(|l| l.1).collect();
        let sup: Vec<u32> = lines.iter().map(|l| u32::from(l.2)).collect();
        let g = Grouping { keys: Some(Keys::U32(&sup)), ..Default::default() };
        let p = parts_availability(&ro, &stock, None, &g).unwrap();
        let num: f64 = p.fill_rate.groups.iter().map(|g| g.kpi.numerator).sum();
        let den: f64 = p.fill_rate.groups.iter().map(|g| g.kpi.denominator).sum();
        prop_assert_eq!((num, den), (p.fill_rate.overall.numerator, p.fill_rate.overall.denominator));
        let mut delayed = std::collections::BTreeSet::new();
        for l in &lines { if !l.1 { delayed.insert(l.0); } }
        prop_assert_eq!(p.delayed_ros.numerator, delayed.len() as f64);
        // Per group: the distinct orders with a line in the group, and those
        // with a line of the group not from stock.
        prop_assert_eq!(p.groups.len(), p.fill_rate.groups.len());
        for (pg, fg) in p.groups.iter().zip(&p.fill_rate.groups) {
            prop_assert_eq!(&pg.key, &fg.key);
            prop_assert_eq!(pg.fill_rate, fg.kpi);
            let s = match pg.key { nps_core::group::GroupKey::UInt(s) => s as u8, _ => unreachable!() };
            let mut ros = std::collections::BTreeSet::new();
            let mut late = std::collections::BTreeSet::new();
            for l in lines.iter().filter(|l| l.2 == s) {
                ros.insert(l.0);
                if !l.1 { late.insert(l.0); }
            }
            prop_assert_eq!(pg.delayed_ros.denominator, ros.len() as f64);
            prop_assert_eq!(pg.delayed_ros.numerator, late.len() as f64);
            prop_assert_eq!(pg.wait_s.n, 0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Estimate accuracy: the merge of the results of a random split of the
    /// orders (grouped by dealer and day) equals the one-pass result, in
    /// either order, and a saved state loads back exactly.
    #[test]
    fn estimate_merge_of_a_split_is_one_pass(
        rows in proptest::collection::vec(
            (0i64..200_000, 0i64..300_000, 0i64..20_000, 0u8..3, 0i64..(10 * 86_400)), 0..40),
        cut in 0usize..41,
        tolerance in 0.0f64..0.5,
    ) {
        use nps_core::group::{Grouping, Keys};
        use nps_core::kpi::{estimate_accuracy, EstimateAccuracy, EstimateOptions};
        use nps_core::period::Period;
        use nps_core::state::Saved;
        let cut = cut.min(rows.len());
        // Quotes of 0 now and then: no data for their rows.
        let q: Vec<i64> = rows.iter().map(|r| if r.0 < 20_000 { 0 } else { r.0 }).collect();
        let f: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let a: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let k: Vec<u32> = rows.iter().map(|r| u32::from(r.3)).collect();
        let t: Vec<i64> = rows.iter().map(|r| 1_750_000_000 + r.4).collect();
        let o = EstimateOptions { tolerance, ..Default::default() };
        let run = |r: std::ops::Range<usize>| {
            let g = Grouping {
                keys: Some(Keys::U32(&k[r.clone()])),
                timestamps: Some(&t[r.clone()]),
                period: Some(Period::Day),
                tz: Some("Asia/Shanghai"),
            };
            estimate_accuracy(&q[r.clone()], &f[r.clone()], Some(&a[r.clone()]), None, &o, &g).unwrap()
        };
        let whole = run(0..rows.len());
        let (x, y) = (run(0..cut), run(cut..rows.len()));
        prop_assert_eq!(&x.merge(&y).unwrap(), &whole);
        prop_assert_eq!(&y.merge(&x).unwrap(), &whole);
        prop_assert_eq!(&EstimateAccuracy::from_state(&whole.to_state()).unwrap(), &whole);
        let back = EstimateAccuracy::from_state(&x.to_state()).unwrap();
        prop_assert_eq!(&back.merge(&y).unwrap(), &whole);
    }

    /// Parts availability: the merge of a random split of the lines (a
    /// repair order's lines may fall into both parts) equals one pass, and a
    /// saved state loads back exactly.
    #[test]
    fn parts_merge_of_a_split_is_one_pass(
        lines in proptest::collection::vec(
            (0u8..8, any::<bool>(), proptest::option::of(0i64..400_000), 0u8..3), 0..50),
        cut in 0usize..51,
    ) {
        use nps_core::group::{Grouping, Keys};
        use nps_core::kpi::{parts_availability, PartsAvailability};
        use nps_core::state::Saved;
        let cut = cut.min(lines.len());
        let ro: Vec<String> = lines.iter().map(|l| format!("ro{}", l.0)).collect();
        let ro: Vec<&str> = ro.iter().map(String::as_str).collect();
        let stock: Vec<bool> = lines.iter().map(|l| l.1).collect();
        let wait: Vec<Option<i64>> = lines.iter().map(|l| l.2).collect();
        let sup: Vec<&str> = lines.iter().map(|l| ["s1", "s2", "s3"][usize::from(l.3)]).collect();
        let run = |r: std::ops::Range<usize>| {
            let g = Grouping { keys: Some(Keys::Str(&sup[r.clone()])), ..Default::default() };
            parts_availability(&ro[r.clone()], &stock[r.clone()], Some(&wait[r.clone()]), &g).unwrap()
        };
        let whole = run(0..lines.len());
        let (x, y) = (run(0..cut), run(cut..lines.len()));
        let merged = x.merge(&y).unwrap();
        prop_assert_eq!(&merged, &whole);
        // The per-group answers too (shares of delayed orders, waits).
        prop_assert_eq!(&merged.groups, &whole.groups);
        prop_assert_eq!(&y.merge(&x).unwrap(), &whole);
        prop_assert_eq!(&PartsAvailability::from_state(&whole.to_state()).unwrap(), &whole);
        let back = PartsAvailability::from_state(&x.to_state()).unwrap();
        prop_assert_eq!(&back.merge(&y).unwrap().groups, &whole.groups);
    }
}
