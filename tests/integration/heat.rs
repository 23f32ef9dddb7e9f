//! Heat-map and Erlang C golden vectors (`tests/golden/heat_vectors.json`,
//! written by the independent oracle `gen_heat_vectors.py`; schema in
//! `tests/golden/README.md`) checked against nps-core, plus proptest
//! invariants of the ranking, the stage totals, the Pareto set and the
//! M/M/c formulas.

use std::path::PathBuf;
use std::sync::OnceLock;

use nps_core::erlang::{erlang_c, servers_needed, Queue};
use nps_core::group::Keys;
use nps_core::heatmap::{HeatMap, MatrixBy, PainPoint, RecordDims, Stage, StageTotal};
use nps_core::period::Period;
use nps_core::policy::Policy;
use nps_core::state::Saved;
use nps_core::ErrorKind;
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/heat_vectors.json");
        let text = std::fs::read_to_string(&path).expect("read heat_vectors.json");
        serde_json::from_str(&text).expect("parse heat_vectors.json")
    })
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn u64s(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect()
}

fn close(a: Option<f64>, b: &Value, tol: f64, what: &str) {
    match (a, b.as_f64()) {
        (None, None) => {}
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= tol * b.abs().max(1.0),
            "{what}: {a} vs {b}"
        ),
        (a, _) => panic!("{what}: {a:?} vs {b}"),
    }
}

fn check_ranked(got: &[PainPoint], want: &Value, name: &str) {
    let want = want.as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{name}: ranked length");
    for (g, w) in got.iter().zip(want) {
        let what = format!("{name} rank {}", g.rank);
        assert_eq!(g.rank as u64, w["rank"].as_u64().unwrap(), "{what}");
        assert_eq!(g.stage.name(), w["stage"].as_str().unwrap(), "{what}");
        assert_eq!(g.description, w["point"].as_str().unwrap(), "{what}");
        assert_eq!(g.mentions, w["mentions"].as_u64().unwrap(), "{what}");
        assert_eq!(g.heat, w["heat"].as_u64().unwrap(), "{what}");
        close(g.pain, &w["pain"], 1e-12, &what);
        close(g.share, &w["share"], 1e-12, &what);
        close(g.cumulative_share, &w["cumulative_share"], 1e-12, &what);
    }
}

fn check_stages(got: &[StageTotal], want: &Value, name: &str) {
    let want = want.as_array().unwrap();
    assert_eq!(got.len(), 6);
    for (g, w) in got.iter().zip(want) {
        let what = format!("{name} stage {}", g.stage);
        assert_eq!(g.stage.name(), w["stage"].as_str().unwrap(), "{what}");
        assert_eq!(g.points as u64, w["points"].as_u64().unwrap(), "{what}");
        assert_eq!(g.mentions, w["mentions"].as_u64().unwrap(), "{what}");
        assert_eq!(g.heat, w["heat"].as_u64().unwrap(), "{what}");
        assert_eq!(g.top_point.as_deref(), w["top_point"].as_str(), "{what}");
        assert_eq!(g.top_heat, w["top_heat"].as_u64().unwrap(), "{what}");
        close(g.share, &w["share"], 1e-12, &what);
        close(g.pain, &w["pain"], 1e-12, &what);
    }
}

fn check_common(map: &HeatMap, exp: &Value, name: &str) {
    assert_eq!(
        map.total_heat(),
        exp["total_heat"].as_u64().unwrap(),
        "{name}"
    );
    check_ranked(&map.ranked(), &exp["ranked"], name);
    check_stages(&map.by_stage(), &exp["by_stage"], name);
    for p in exp["pareto"].as_array().unwrap() {
        let share = p["share"].as_f64().unwrap();
        let got = map.pareto(share).unwrap();
        assert_eq!(
            got.len() as u64,
            p["count"].as_u64().unwrap(),
            "{name} pareto {share}"
        );
    }
}

#[test]
fn heat_golden_rows() {
    for case in vectors()["heat"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let stages = Stage::parse_names(&strs(&case["stages"])).unwrap();
        let points = strs(&case["points"]);
        let map = HeatMap::from_rows(
            &stages,
            &points,
            &u64s(&case["mentions"]),
            &u64s(&case["pain"]),
        )
        .unwrap();
        let exp = &case["expect"];
        check_common(&map, exp, name);
        check_drivers(&map, exp, name);
    }
}

/// The driver view of the default policy against the oracle's rules
/// (pain points by keyword, then stage).
fn check_drivers(map: &HeatMap, exp: &Value, name: &str) {
    let p = Policy::default();
    let view = map
        .drivers(&p.drivers, Some(&p.pain_point_drivers))
        .unwrap();
    assert_eq!(
        view,
        map.drivers(&p.drivers, None).unwrap(),
        "{name}: the policy's rules are the defaults"
    );
    let want = exp["drivers"].as_array().unwrap();
    assert_eq!(view.len(), want.len(), "{name} drivers");
    for (g, w) in view.iter().zip(want) {
        assert_eq!(g.driver, w["driver"].as_str().unwrap());
        assert_eq!(g.weight, w["weight"].as_f64());
        assert_eq!(g.heat, w["heat"].as_u64().unwrap(), "{name} {}", g.driver);
        let st: Vec<&str> = g.stages.iter().map(|s| s.name()).collect();
        assert_eq!(st, strs(&w["stages"]), "{name} {}", g.driver);
        assert_eq!(g.points, strs(&w["points"]), "{name} {}", g.driver);
        close(g.share, &w["share"], 1e-12, name);
    }
}

/// Rules are policy data: an exact pain point beats a keyword, a keyword
/// beats a stage, and heat no rule assigns is the `unmapped` row (shares
/// then still sum to 1).
#[test]
fn driver_rules_order_and_unmapped() {
    use nps_core::heatmap::PainRule;
    let map = HeatMap::from_rows(
        &[
            Stage::Repair,
            Stage::Repair,
            Stage::Delivery,
            Stage::FollowUp,
        ],
        &[
            "waited for the part",
            "rattle",
            "invoice wrong",
            "nobody called back",
        ],
        &[10u64, 4, 3, 2],
        &[5u8, 5, 5, 5],
    )
    .unwrap();
    let rule = |d: &str, points: &[&str], keywords: &[&str], stages: &[Stage]| PainRule {
        driver: d.into(),
        points: points.iter().map(|x| (*x).into()).collect(),
        keywords: keywords.iter().map(|x| (*x).into()).collect(),
        stages: stages.to_vec(),
    };
    let rules = [
        rule("parts", &["waited for the part"], &[], &[]),
        rule("waiting_time", &["WAIT"], &[], &[]),
        rule("repair_quality", &[], &[], &[Stage::Repair]),
    ];
    let p = Policy::default();
    let v = map.drivers(&p.drivers, Some(&rules)).unwrap();
    let heat = |d: &str| v.iter().find(|r| r.driver == d).map(|r| (r.heat, r.weight));
    assert_eq!(heat("parts"), Some((50, None))); // exact beats the keyword
    assert_eq!(heat("repair_quality"), Some((20, Some(0.24))));
    assert_eq!(heat("waiting_time"), Some((0, Some(0.27))));
    assert_eq!(heat("unmapped"), Some((25, None)));
    assert_eq!(v.last().unwrap().driver, "unmapped");
    let total: f64 = v.iter().filter_map(|r| r.share).sum();
    assert!((total - 1.0).abs() < 1e-12);
    let bad = [rule("waiting_time", &[], &[], &[])];
    assert_eq!(
        map.drivers(&p.drivers, Some(&bad)).unwrap_err().argument(),
        Some("rules")
    );
}

#[test]
fn source_table_headline() {
    // SPEC §5: "queue longer than 30 minutes on arrival", 893 × 9 = 8037.
    let case = &vectors()["heat"][0];
    assert_eq!(case["name"], "source_table");
    let stages = Stage::parse_names(&strs(&case["stages"])).unwrap();
    let map = HeatMap::from_rows(
        &stages,
        &strs(&case["points"]),
        &u64s(&case["mentions"]),
        &u64s(&case["pain"]),
    )
    .unwrap();
    let top = &map.ranked()[0];
    assert_eq!(
        (top.stage, top.mentions, top.heat),
        (Stage::Reception, 893, 8037)
    );
}

#[test]
fn heat_golden_records() {
    for case in vectors()["records"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let stages = Stage::parse_names(&strs(&case["stages"])).unwrap();
        let keys = strs(&case["keys"]);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let ts: Vec<i64> = case["timestamps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_i64().unwrap())
            .collect();
        let map = HeatMap::from_records(
            &stages,
            &strs(&case["points"]),
            &u64s(&case["pain"]),
            &RecordDims {
                keys: Some(nps_core::group::Keys::Str(&keys)),
                timestamps: Some(&ts),
                period: Period::from_name(case["period"].as_str().unwrap()).unwrap(),
                tz: case["tz"].as_str().unwrap(),
            },
        )
        .unwrap();
        let exp = &case["expect"];
        check_common(&map, exp, name);
        check_drivers(&map, exp, name);
        for (by, key) in [
            (MatrixBy::Key, "matrix_key"),
            (MatrixBy::Period, "matrix_period"),
        ] {
            let m = map.matrix(by).unwrap();
            let w = &exp[key];
            assert_eq!(m.columns, strs(&w["columns"]), "{name} {key}");
            for (s, stage) in Stage::ALL.iter().enumerate() {
                for c in 0..m.columns.len() {
                    assert_eq!(
                        m.heat_at(*stage, c),
                        w["heat"][s][c].as_u64().unwrap(),
                        "{name} {key}"
                    );
                    assert_eq!(
                        m.mentions[s * m.columns.len() + c],
                        w["mentions"][s][c].as_u64().unwrap()
                    );
                }
            }
        }
    }
}

#[test]
fn heat_golden_bad_input() {
    for case in vectors()["bad_heat"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let want = &case["error"];
        let err = (|| {
            let stages = Stage::parse_names(&strs(&case["stages"]))?;
            let mentions: Vec<i128> = case["mentions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    m.as_i64()
                        .map(i128::from)
                        .or(m.as_u64().map(i128::from))
                        .unwrap()
                })
                .collect();
            let points = strs(&case["points"]);
            let pain = u64s(&case["pain"]);
            if mentions.iter().any(|&m| m < 0) {
                let m: Vec<i64> = mentions.iter().map(|&m| m as i64).collect();
                HeatMap::from_rows(&stages, &points, &m, &pain)
            } else {
                let m: Vec<u64> = mentions.iter().map(|&m| m as u64).collect();
                HeatMap::from_rows(&stages, &points, &m, &pain)
            }
        })()
        .unwrap_err();
        assert_eq!(
            err.kind().name(),
            want["kind"].as_str().unwrap(),
            "{name}: {err}"
        );
        if let Some(i) = want["index"].as_u64() {
            assert_eq!(err.index(), Some(i as usize), "{name}");
        }
        if let Some(col) = want["column"].as_str() {
            assert!(
                err.to_string().contains(&format!("`{col}`")),
                "{name}: {err}"
            );
        }
    }
}

#[test]
fn erlang_golden() {
    let v = vectors();
    let rtol = v["erlang_rtol"].as_f64().unwrap();
    for case in v["erlang"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let q = erlang_c(
            case["arrival_rate"].as_f64().unwrap(),
            case["service_time"].as_f64().unwrap(),
            case["servers"].as_u64().unwrap() as u32,
            case["target_wait"].as_f64(),
        )
        .unwrap();
        match (q, case["status"].as_str().unwrap()) {
            (Queue::Stable(s), "stable") => {
                close(Some(s.offered_load), &case["offered_load"], rtol, name);
                close(Some(s.utilization), &case["utilization"], rtol, name);
                close(Some(s.prob_wait), &case["prob_wait"], rtol, name);
                close(Some(s.mean_wait), &case["mean_wait"], rtol, name);
                close(Some(s.mean_response), &case["mean_response"], rtol, name);
                close(s.within_target, &case["within_target"], rtol, name);
                if let Some(p) = case["prob_wait"].as_f64() {
                    // Relative check for tiny probabilities too.
                    assert!((s.prob_wait - p).abs() <= rtol * p, "{name}");
                }
            }
            (Queue::Unstable { utilization, .. }, "unstable") => {
                close(Some(utilization), &case["utilization"], rtol, name);
            }
            (q, s) => panic!("{name}: {q:?} vs {s}"),
        }
    }
    for case in v["erlang_bad"].as_array().unwrap() {
        let err = erlang_c(
            case["arrival_rate"].as_f64().unwrap(),
            case["service_time"].as_f64().unwrap(),
            case["servers"].as_u64().unwrap() as u32,
            None,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(
            err.to_string().contains(case["name"].as_str().unwrap()),
            "{err}"
        );
    }
    for case in v["servers_needed"].as_array().unwrap() {
        let s = servers_needed(
            case["arrival_rate"].as_f64().unwrap(),
            case["service_time"].as_f64().unwrap(),
            case["target_wait"].as_f64().unwrap(),
            case["target_share"].as_f64().unwrap(),
            case["max_mean_wait"].as_f64(),
        )
        .unwrap();
        assert_eq!(
            s.servers as u64,
            case["servers"].as_u64().unwrap(),
            "{case}"
        );
        close(
            s.queue.within_target,
            &case["within_target"],
            rtol,
            "within",
        );
        close(
            Some(s.queue.mean_wait),
            &case["mean_wait"],
            rtol,
            "mean_wait",
        );
    }
}

fn rows() -> impl Strategy<Value = Vec<(u32, u8, u64, u8)>> {
    proptest::collection::vec((0u32..6, 0u8..5, 0u64..10_000, 1u8..=10), 1..40)
}

fn build(rows: &[(u32, u8, u64, u8)]) -> HeatMap {
    let stages: Vec<Stage> = rows
        .iter()
        .map(|r| Stage::from_code(r.0).unwrap())
        .collect();
    let points: Vec<String> = rows.iter().map(|r| format!("p{}", r.1)).collect();
    let mentions: Vec<u64> = rows.iter().map(|r| r.2).collect();
    let pain: Vec<u8> = rows.iter().map(|r| r.3).collect();
    HeatMap::from_rows(&stages, &points, &mentions, &pain).unwrap()
}

proptest! {
    #[test]
    fn ranking_is_sorted_and_complete(rows in rows()) {
        let map = build(&rows);
        let r = map.ranked();
        let total: u64 = rows.iter().map(|x| x.2 * u64::from(x.3)).sum();
        prop_assert_eq!(map.total_heat(), total);
        prop_assert_eq!(r.iter().map(|p| p.heat).sum::<u64>(), total);
        prop_assert_eq!(r.iter().map(|p| p.mentions).sum::<u64>(), rows.iter().map(|x| x.2).sum::<u64>());
        for w in r.windows(2) {
            prop_assert!((w[0].heat, std::cmp::Reverse(w[0].stage)) >= (w[1].heat, std::cmp::Reverse(w[1].stage)));
        }
        let mut keys: Vec<(Stage, String)> = r.iter().map(|p| (p.stage, p.description.clone())).collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        prop_assert_eq!(keys.len(), n);
        let st = map.by_stage();
        prop_assert_eq!(st.iter().map(|s| s.heat).sum::<u64>(), total);
        prop_assert_eq!(st.iter().map(|s| s.points).sum::<usize>(), n);
    }

    #[test]
    fn pareto_prefix_is_minimal(rows in rows(), share in 0.01f64..=1.0) {
        let map = build(&rows);
        prop_assume!(map.total_heat() > 0);
        let p = map.pareto(share).unwrap();
        let total = map.total_heat() as f64;
        let cum: u64 = p.iter().map(|x| x.heat).sum();
        prop_assert!(cum as f64 >= share * total * (1.0 - 1e-12));
        let before = cum - p.last().unwrap().heat;
        prop_assert!((before as f64) < share * total * (1.0 + 1e-12));
    }

    #[test]
    fn erlang_in_unit_interval_and_decreasing(a in 0.01f64..200.0, extra in 1u32..50) {
        let c0 = a.floor() as u32 + 1;
        let mut last = 1.0f64;
        for c in c0..c0 + extra {
            let q = *erlang_c(a, 1.0, c, Some(0.5)).unwrap().stable().unwrap();
            prop_assert!((0.0..=1.0).contains(&q.prob_wait));
            prop_assert!(q.prob_wait <= last + 1e-15);
            prop_assert!(q.mean_wait >= 0.0 && q.mean_wait.is_finite());
            last = q.prob_wait;
        }
        if c0 > 1 {
            let q = erlang_c(a, 1.0, c0 - 1, None).unwrap();
            prop_assert!(q.stable().is_none());
        }
    }

    #[test]
    fn servers_needed_is_minimal(a in 0.05f64..300.0, t in 0.0f64..1.0, share in 0.05f64..0.99) {
        let s = servers_needed(a, 1.0, t, share, None).unwrap();
        prop_assert!(s.queue.within_target.unwrap() >= share);
        if s.servers > 1 {
            match erlang_c(a, 1.0, s.servers - 1, Some(t)).unwrap() {
                Queue::Stable(q) => prop_assert!(q.within_target.unwrap() < share),
                Queue::Unstable { .. } => {}
            }
        }
    }
}

// ---- Partial maps: merging and saved states ----

/// One record: stage code, point id, pain, dealer, advisor, day offset.
type Record = (u32, u8, u8, u32, u8, i64);

fn records() -> impl Strategy<Value = Vec<Record>> {
    proptest::collection::vec(
        (0u32..6, 0u8..4, 1u8..=10, 0u32..4, 0u8..3, 0i64..400),
        1..40,
    )
}

/// The map of `rows` of `recs`; `dims`: 0 none, 1 dealer keys, 2 dealer ×
/// advisor keys and months in Shanghai, 3 months only.
fn record_map(recs: &[Record], rows: std::ops::Range<usize>, dims: u8) -> HeatMap {
    let r = &recs[rows];
    let stages: Vec<Stage> = r.iter().map(|x| Stage::from_code(x.0).unwrap()).collect();
    let points: Vec<String> = r.iter().map(|x| format!("point {}", x.1)).collect();
    let pain: Vec<u8> = r.iter().map(|x| x.2).collect();
    let dealer: Vec<u32> = r.iter().map(|x| x.3).collect();
    let advisor: Vec<String> = r.iter().map(|x| format!("adv{}", x.4)).collect();
    let advisor: Vec<&str> = advisor.iter().map(String::as_str).collect();
    let ts: Vec<i64> = r.iter().map(|x| 1_735_000_000 + x.5 * 86_400).collect();
    let cols = [Keys::U32(&dealer), Keys::Str(&advisor)];
    let d = RecordDims {
        keys: match dims {
            1 => Some(Keys::U32(&dealer)),
            2 => Some(Keys::Multi(&cols)),
            _ => None,
        },
        timestamps: (dims >= 2).then_some(ts.as_slice()),
        period: Period::Month,
        tz: "Asia/Shanghai",
    };
    HeatMap::from_records(&stages, &points, &pain, &d).unwrap()
}

proptest! {
    /// Maps of any split into non-empty parts, merged in any tree, equal
    /// the map of the whole input (points, ranking, matrices); saved maps
    /// load back equal.
    #[test]
    fn heat_maps_merge_exactly(recs in records(), dims in 0u8..4,
                               cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..5),
                               choices in proptest::collection::vec(any::<usize>(), 0..8)) {
        let whole = record_map(&recs, 0..recs.len(), dims);
        let parts: Vec<HeatMap> = crate::kpi::parts_of(recs.len(), &cuts, false)
            .into_iter()
            .map(|r| record_map(&recs, r, dims))
            .collect();
        let merged = crate::kpi::tree(&parts, &choices, &mut 0, &|a, b| a.merge(b)).unwrap();
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(merged.ranked(), whole.ranked());
        prop_assert_eq!(HeatMap::from_state(&whole.to_state()).unwrap(), whole.clone());
        // Oracle: the total heat is the sum of the pain indexes.
        prop_assert_eq!(merged.total_heat(), recs.iter().map(|r| u64::from(r.2)).sum::<u64>());
        for by in [MatrixBy::Key, MatrixBy::Period] {
            prop_assert_eq!(merged.matrix(by).ok(), whole.matrix(by).ok());
        }
    }

    /// Pre-counted rows merge like records.
    #[test]
    fn counted_maps_merge_exactly(rows in rows(), cut in any::<proptest::sample::Index>()) {
        prop_assume!(rows.len() >= 2);
        let k = 1 + cut.index(rows.len() - 1);
        prop_assert_eq!(build(&rows[..k]).merge(&build(&rows[k..])).unwrap(), build(&rows));
    }
}

#[test]
fn merging_maps_of_other_matrices_is_an_error() {
    let recs: Vec<Record> = vec![(1, 0, 5, 1, 0, 0), (3, 1, 9, 2, 1, 40)];
    let m = |dims| record_map(&recs, 0..2, dims);
    for (a, b) in [(0, 1), (1, 0), (1, 2), (2, 3), (3, 0)] {
        let e = m(a).merge(&m(b)).unwrap_err();
        assert_eq!(e.argument(), Some("other"), "{a} {b}: {e}");
    }
    // Another zone or period.
    let stages = [Stage::Repair];
    let at = |period, tz| {
        HeatMap::from_records(
            &stages,
            &["x"],
            &[3u8],
            &RecordDims {
                timestamps: Some(&[1_735_000_000]),
                period,
                tz,
                ..Default::default()
            },
        )
        .unwrap()
    };
    let utc = at(Period::Month, "UTC");
    assert!(utc
        .merge(&at(Period::Month, "Asia/Tokyo"))
        .unwrap_err()
        .to_string()
        .contains("Asia/Tokyo"));
    assert!(utc
        .merge(&at(Period::Week, "UTC"))
        .unwrap_err()
        .to_string()
        .contains("week"));
    // Integer keys do not merge with text keys.
    let keyed = |k: Keys<'_>| {
        HeatMap::from_records(
            &stages,
            &["x"],
            &[3u8],
            &RecordDims {
                keys: Some(k),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let e = keyed(Keys::U32(&[1]))
        .merge(&keyed(Keys::Str(&["1"])))
        .unwrap_err();
    assert!(e.to_string().contains("type"), "{e}");
    // Overflow is an error, as in one pass.
    let big = HeatMap::from_rows(&stages, &["x"], &[u64::MAX / 10], &[10u8]).unwrap();
    assert_eq!(big.merge(&big).unwrap_err().kind(), ErrorKind::Overflow);
}

#[test]
fn tampered_heat_states_are_errors() {
    let recs: Vec<Record> = vec![(1, 0, 5, 1, 0, 0), (3, 1, 9, 2, 1, 40), (1, 0, 2, 2, 1, 41)];
    let m = record_map(&recs, 0..3, 2);
    let text = String::from_utf8(m.to_state()).unwrap();
    assert!(text.contains(r#"{"uint":2}"#), "{text}");
    for (from, to) in [
        (r#""heat":9"#, r#""heat":91"#), // a point above 10 × mentions
        (r#""total_heat":16"#, r#""total_heat":17"#), // not the sum
        (r#""stage":"repair""#, r#""stage":"reception""#), // repeats a point
        (r#""point 1""#, r#""  ""#),     // empty description
        (r#""tz":"Asia/Shanghai""#, r#""tz":"Mars/Base""#),
        (r#""2024-12-01""#, r#""2024-12-02""#), // not a period start
        (r#""nps_state":1"#, r#""nps_state":99"#),
    ] {
        assert!(text.contains(from), "{from} in {text}");
        let e = HeatMap::from_state(text.replacen(from, to, 1).as_bytes()).unwrap_err();
        assert_eq!(e.argument(), Some("state"), "{from} -> {to}: {e}");
    }
    assert_eq!(
        HeatMap::from_state(&text.as_bytes()[..text.len() / 2])
            .unwrap_err()
            .argument(),
        Some("state")
    );
}
