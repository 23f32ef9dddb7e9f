//! Per-segment NPS of the real survey files with `nps_core::group::group_by`.
//! Expected per-segment counts were computed independently with pandas
//! (string join on `user_id`; see the report in tests/golden/README.md).

use nps_core::group::{group_by, GroupKey, GroupOptions, Keys, Respondents};
use nps_core::{InvalidPolicy, NpsSample, Tally};
use nps_tests::data_dir;

use super::{read_garden, read_miro};

#[test]
fn garden_centre_by_t_segment() {
    let Some(dir) = data_dir() else { return };
    let g = read_garden(&dir);
    // Rows with t present.
    let (scores, t): (Vec<f64>, Vec<i64>) = g
        .nps
        .iter()
        .zip(&g.t)
        .filter_map(|(&s, t)| t.map(|t| (s, t)))
        .unzip();
    assert_eq!(scores.len(), 13_936);
    let opts = GroupOptions {
        keys: Some(Keys::I64(&t)),
        invalid: InvalidPolicy::Skip,
        ..GroupOptions::default()
    };
    let grouped = group_by(&scores, &opts).unwrap();
    assert_eq!(grouped.skipped, 342);
    assert_eq!(grouped.groups.len(), 18);
    let keys: Vec<GroupKey> = grouped.groups.iter().map(|x| x.key.clone()).collect();
    assert_eq!(keys, (0..18).map(GroupKey::Int).collect::<Vec<_>>());
    // The segments add up to the tally of every row with t present.
    let whole = Tally::from_column(&scores, InvalidPolicy::Skip).unwrap();
    assert_eq!(whole.tally.n(), 13_594);
    let mut sum = Tally::EMPTY;
    for x in &grouped.groups {
        sum = sum.merge(&x.tally).unwrap();
    }
    assert_eq!(sum, whole.tally);
    assert_eq!(grouped.total().unwrap(), whole.tally);
    // Spot checks against pandas: (t, D, Pa, P).
    for (t, d, pa, p) in [
        (0, 251, 894, 1831),
        (1, 234, 696, 1431),
        (13, 39, 114, 240),
        (14, 4, 18, 46),
        (15, 0, 1, 0),
        (16, 0, 1, 2),
        (17, 0, 1, 1),
    ] {
        let c = grouped.groups[t].tally.categories();
        assert_eq!(
            (c.detractors, c.passives, c.promoters),
            (d, pa, p),
            "t = {t}"
        );
    }
    let nps0 = grouped.groups[0].tally.nps().unwrap();
    assert!((nps0 - 100.0 * (1831.0 - 251.0) / 2976.0).abs() < 1e-12);
}

/// NPS rows joined to segments: a response counts in every segment of its user.
fn fan_out(m: &super::Miro) -> (Vec<i64>, Vec<String>, Vec<String>) {
    let (mut scores, mut segs, mut resp) = (Vec::new(), Vec::new(), Vec::new());
    for (&u, &s) in m.user.iter().zip(&m.score) {
        for (su, seg) in &m.segments {
            if *su == u {
                scores.push(s);
                segs.push(seg.clone());
                resp.push(format!("{u}|{seg}"));
            }
        }
    }
    (scores, segs, resp)
}

#[test]
fn miro_latest_response_per_user() {
    let Some(dir) = data_dir() else { return };
    let m = read_miro(&dir);
    // The export has no answer time: its rows are read as arriving in file
    // order (row number as the time), the reading under which the expected
    // pandas figures (drop_duplicates(keep="last")) were computed.
    let order: Vec<i64> = (0..m.score.len() as i64).collect();
    let opts = GroupOptions {
        respondents: Some(Respondents::U64(&m.user)),
        timestamps: Some(&order),
        ..GroupOptions::default()
    };
    let grouped = group_by(&m.score, &opts).unwrap();
    assert_eq!(grouped.groups.len(), 1);
    assert_eq!(grouped.groups[0].key, GroupKey::All);
    assert_eq!(grouped.dropped_repeats, 19);
    let c = grouped.groups[0].tally.categories();
    assert_eq!((c.detractors, c.passives, c.promoters), (37, 92, 293));
    assert_eq!(grouped.groups[0].tally.n(), 422);
}

#[test]
fn miro_nps_by_segment() {
    let Some(dir) = data_dir() else { return };
    let m = read_miro(&dir);
    let (scores, segs, resp) = fan_out(&m);
    let seg_refs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let opts = GroupOptions {
        keys: Some(Keys::Str(&seg_refs)),
        ..GroupOptions::default()
    };
    let grouped = group_by(&scores, &opts).unwrap();
    // SOURCE.md: 354 / 157 / 39 rows match Free / SelfServe / HighTouch.
    // Counts (D, Pa, P) from pandas; groups sorted by key.
    let expected = [
        ("Free", 354, (31, 73, 250)),
        ("HighTouch", 39, (6, 9, 24)),
        ("SelfServe", 157, (16, 37, 104)),
    ];
    assert_eq!(grouped.groups.len(), 3);
    for (g, (name, n, (d, pa, p))) in grouped.groups.iter().zip(expected) {
        assert_eq!(g.key, GroupKey::Str(name.to_owned()));
        assert_eq!(g.tally.n(), n, "{name}");
        let c = g.tally.categories();
        assert_eq!(
            (c.detractors, c.passives, c.promoters),
            (d, pa, p),
            "{name}"
        );
        let nps = g.tally.nps().unwrap();
        assert!((nps - 100.0 * (p as f64 - d as f64) / n as f64).abs() < 1e-12);
    }
    assert_eq!(
        format!("{:.2}", grouped.groups[0].tally.nps().unwrap()),
        "61.86"
    );

    // Latest response per user within each segment (respondent = user|segment).
    // File order stands for time (see miro_latest_response_per_user).
    let resp_refs: Vec<&str> = resp.iter().map(String::as_str).collect();
    let order: Vec<i64> = (0..scores.len() as i64).collect();
    let opts = GroupOptions {
        keys: Some(Keys::Str(&seg_refs)),
        respondents: Some(Respondents::Str(&resp_refs)),
        timestamps: Some(&order),
        ..GroupOptions::default()
    };
    let grouped = group_by(&scores, &opts).unwrap();
    let expected = [
        ("Free", (28, 70, 237)),
        ("HighTouch", (6, 9, 22)),
        ("SelfServe", (13, 36, 96)),
    ];
    for (g, (name, (d, pa, p))) in grouped.groups.iter().zip(expected) {
        assert_eq!(g.key, GroupKey::Str(name.to_owned()));
        let c = g.tally.categories();
        assert_eq!(
            (c.detractors, c.passives, c.promoters),
            (d, pa, p),
            "{name} (dedup)"
        );
    }
}
