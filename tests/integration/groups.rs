//! The `groups` section of the golden vectors, checked against
//! `nps_core::group::group_by`. Each failure names its vector.

use nps_core::group::{group_by, Group, GroupKey, GroupOptions, Grouped, Keys, Respondents};
use nps_core::period::Period;
use nps_core::{InvalidPolicy, NpsSample};
use nps_tests::{check_close, ints, nums, run_section, uint, Value};

fn opt_ints(v: &Value) -> Result<Option<Vec<i64>>, String> {
    match v {
        Value::Null => Ok(None),
        other => ints(other).map(Some),
    }
}

fn key_of(k: &GroupKey) -> Result<Option<i64>, String> {
    match k {
        GroupKey::All => Ok(None),
        GroupKey::Int(x) => Ok(Some(*x)),
        GroupKey::UInt(x) => i64::try_from(*x)
            .map(Some)
            .map_err(|_| format!("key {x} out of i64 range")),
        GroupKey::Str(_) | GroupKey::Tuple(_) | GroupKey::Null => {
            Err(format!("unexpected key {k}"))
        }
    }
}

fn label(grouped: &Grouped, g: &Group) -> Result<Option<String>, String> {
    match (grouped.period, g.period_start.is_some()) {
        (None, false) => Ok(None),
        (Some(_), true) => Ok(Some(g.label(grouped.period))),
        (p, s) => Err(format!("period {p:?} with period_start present: {s}")),
    }
}

fn check_group_vector(v: &Value) -> Result<(), String> {
    let scores = nums(&v["scores"])?;
    let keys = opt_ints(&v["keys"])?;
    let timestamps = opt_ints(&v["timestamps"])?;
    let respondents = opt_ints(&v["respondents"])?;
    let period = match &v["period"] {
        Value::Null => None,
        p => Some(
            Period::from_name(p.as_str().ok_or("period must be a string")?)
                .map_err(|e| e.to_string())?,
        ),
    };
    let tz = v["tz"].as_str().ok_or("tz must be a string")?;
    let min_n = uint(&v["min_n"])?;
    let opts = GroupOptions {
        keys: keys.as_deref().map(Keys::I64),
        timestamps: timestamps.as_deref(),
        period,
        tz: Some(tz),
        respondents: respondents.as_deref().map(Respondents::I64),
        min_n,
        invalid: InvalidPolicy::Raise,
        ..GroupOptions::default()
    };
    let grouped = group_by(&scores, &opts).map_err(|e| format!("group_by failed: {e}"))?;
    let expect = v["expect"].as_array().ok_or("expect must be an array")?;
    let describe = |g: &Grouped| -> String {
        g.groups
            .iter()
            .map(|x| {
                let c = x.tally.categories();
                format!(
                    "({:?}, {:?}, D{} Pa{} P{}, thin {})",
                    x.key, x.period_start, c.detractors, c.passives, c.promoters, x.thin
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if grouped.groups.len() != expect.len() {
        return Err(format!(
            "got {} groups, expected {}: got [{}]",
            grouped.groups.len(),
            expect.len(),
            describe(&grouped)
        ));
    }
    if grouped.min_n != min_n || grouped.period != period {
        return Err(format!(
            "echoed options: min_n {} period {:?}",
            grouped.min_n, grouped.period
        ));
    }
    for (i, (g, e)) in grouped.groups.iter().zip(expect).enumerate() {
        let at = |m: String| format!("group {i}: {m}; got [{}]", describe(&grouped));
        let key = key_of(&g.key).map_err(at)?;
        let want_key = e["key"].as_i64();
        if key != want_key {
            return Err(at(format!("key {key:?}, expected {want_key:?}")));
        }
        let lab = label(&grouped, g).map_err(at)?;
        let want_label = e["period"].as_str().map(str::to_owned);
        if lab != want_label {
            return Err(at(format!("period {lab:?}, expected {want_label:?}")));
        }
        let c = g.tally.categories();
        for (field, actual) in [
            ("n", g.tally.n()),
            ("detractors", c.detractors),
            ("passives", c.passives),
            ("promoters", c.promoters),
        ] {
            let want = uint(&e[field])?;
            if actual != want {
                return Err(at(format!("{field} {actual}, expected {want}")));
            }
        }
        let nps = g.tally.nps().map_err(|e| at(e.to_string()))?;
        check_close("nps", nps, e["nps"].as_f64().ok_or("nps")?, 1e-9).map_err(at)?;
        if Some(g.thin) != e["thin"].as_bool() {
            return Err(at(format!("thin {}, expected {}", g.thin, e["thin"])));
        }
    }
    // The total is the merge of the groups.
    let n: u64 = expect.iter().map(|e| e["n"].as_u64().unwrap_or(0)).sum();
    let total = grouped.total().map_err(|e| format!("total: {e}"))?;
    if total.n() != n {
        return Err(format!("total n {}, expected {n}", total.n()));
    }
    if let Some(r) = &respondents {
        let dropped = r.len() as u64 - n;
        if grouped.dropped_repeats != dropped {
            return Err(format!(
                "dropped_repeats {}, expected {dropped}",
                grouped.dropped_repeats
            ));
        }
    }
    Ok(())
}

#[test]
fn golden_groups() {
    let n = run_section("groups", check_group_vector);
    assert!(n >= 10, "only {n} group vectors");
}
