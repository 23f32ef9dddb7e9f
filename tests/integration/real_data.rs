//! The real survey files in `../shared/data` (see each directory's
//! SOURCE.md): expected figures come from SOURCE.md and from an independent
//! pandas computation, never from nps-core. Skipped with a note when the data
//! directory is absent.

use std::path::Path;

use nps_core::{InvalidPolicy, NpsSample, Tally};
use nps_tests::{data_dir, latin1, Table};

/// Per-segment NPS with `nps_core::group::group_by`.
mod groups;

/// The garden-centre survey: Latin-1 bytes, "NA" for missing values.
pub(crate) struct Garden {
    /// The `nps` column (NA → NaN).
    pub nps: Vec<f64>,
    /// The `t` column (NA → None).
    pub t: Vec<Option<i64>>,
}

pub(crate) fn read_garden(dir: &Path) -> Garden {
    let bytes = std::fs::read(dir.join("npsgame-gardencentre/nps.csv")).unwrap();
    let table = Table::parse(&latin1(&bytes)).unwrap();
    assert_eq!(table.rows.len(), 13_954);
    let (c_nps, c_t) = (table.col("nps"), table.col("t"));
    let nps = table
        .rows
        .iter()
        .map(|r| match r[c_nps].as_str() {
            "NA" => f64::NAN,
            s => s.parse::<f64>().unwrap(),
        })
        .collect();
    let t = table
        .rows
        .iter()
        .map(|r| match r[c_t].as_str() {
            "NA" => None,
            s => Some(s.parse::<i64>().unwrap()),
        })
        .collect();
    Garden { nps, t }
}

/// The Miro survey (UTF-8, multi-line quoted comments).
pub(crate) struct Miro {
    /// `user_id` (19-digit ids; parsed exactly as integers, never as floats).
    pub user: Vec<u64>,
    /// `NPS_Score`.
    pub score: Vec<i64>,
    /// `segments.csv`: (user_id, segment); the one row with an empty id is dropped.
    pub segments: Vec<(u64, String)>,
}

pub(crate) fn read_miro(dir: &Path) -> Miro {
    let text = std::fs::read_to_string(dir.join("miro-nps/nps.csv")).unwrap();
    let table = Table::parse(&text).unwrap();
    let (c_user, c_score) = (table.col("user_id"), table.col("NPS_Score"));
    let user = table
        .rows
        .iter()
        .map(|r| r[c_user].parse().unwrap())
        .collect();
    let score = table
        .rows
        .iter()
        .map(|r| r[c_score].parse().unwrap())
        .collect();
    let text = std::fs::read_to_string(dir.join("miro-nps/segments.csv")).unwrap();
    let seg = Table::parse(&text).unwrap();
    assert_eq!(seg.rows.len(), 6_059);
    let (c_user, c_seg) = (seg.col("user_id"), seg.col("segment"));
    let segments = seg
        .rows
        .iter()
        .filter(|r| !r[c_user].is_empty())
        .map(|r| (r[c_user].parse().unwrap(), r[c_seg].clone()))
        .collect();
    Miro {
        user,
        score,
        segments,
    }
}

#[test]
fn garden_centre_overall() {
    let Some(dir) = data_dir() else { return };
    let g = read_garden(&dir);
    let col = Tally::from_column(&g.nps, InvalidPolicy::Skip).unwrap();
    let c = col.tally.categories();
    // SOURCE.md: 13,612 valid; 8,465 / 3,953 / 1,194; 342 NA; NPS 53.42.
    assert_eq!(col.tally.n(), 13_612);
    assert_eq!(c.promoters, 8_465);
    assert_eq!(c.passives, 3_953);
    assert_eq!(c.detractors, 1_194);
    assert_eq!(col.skipped, 342);
    let nps = col.tally.nps().unwrap();
    assert_eq!(format!("{nps:.2}"), "53.42");
    assert!((nps - 100.0 * 7_271.0 / 13_612.0).abs() < 1e-12);
    // The 1..10 scale: there is no 0 in the data, and that is fine.
    assert_eq!(col.tally.counts().unwrap()[0], 0);
    // Raise names the first NA row.
    let first_na = g.nps.iter().position(|x| x.is_nan()).unwrap();
    let e = Tally::from_column(&g.nps, InvalidPolicy::Raise).unwrap_err();
    assert_eq!(e.index(), Some(first_na));
    // SOURCE.md: `t` is NA on 18 rows.
    assert_eq!(g.t.iter().filter(|t| t.is_none()).count(), 18);
}

#[test]
fn miro_overall() {
    let Some(dir) = data_dir() else { return };
    let m = read_miro(&dir);
    // SOURCE.md: 441 rows, 422 distinct users, 306 / 95 / 40, NPS 60.32.
    assert_eq!(m.score.len(), 441);
    let t = Tally::from_scores(&m.score).unwrap();
    let c = t.categories();
    assert_eq!((c.promoters, c.passives, c.detractors), (306, 95, 40));
    assert_eq!(format!("{:.2}", t.nps().unwrap()), "60.32");
    let mut users = m.user.clone();
    users.sort_unstable();
    users.dedup();
    assert_eq!(users.len(), 422);
    // Two rows score 0 although the README says 1-10.
    assert_eq!(t.counts().unwrap()[0], 2);
    // SOURCE.md: 354 / 157 / 39 response rows match Free / SelfServe /
    // HighTouch (ids compared exactly; parsing them as floats would merge ids).
    let matches = |seg: &str| {
        m.user
            .iter()
            .filter(|&&u| m.segments.iter().any(|(su, s)| *su == u && s == seg))
            .count()
    };
    assert_eq!(matches("Free"), 354);
    assert_eq!(matches("SelfServe"), 157);
    assert_eq!(matches("HighTouch"), 39);
}
