//! Merging grouped results (`Grouped::merge`), per-key and global
//! deduplication, missing keys kept as groups (`dropna: false`), rolling
//! completeness and saved states, against a naive oracle written here.

use std::collections::BTreeMap;

use nps_core::group::{
    group_by, Codes, Dedupe, GroupKey, GroupOptions, Grouped, Keys, Missing, Respondents,
    TextColumn,
};
use nps_core::period::Period;
use nps_core::state::Saved;
use nps_core::InvalidPolicy;
use proptest::prelude::*;

/// A row: score (11 = invalid), dealer, unix seconds, respondent.
type Row = (u8, u32, i64, u64);

/// The naive oracle: per (dealer, month) score counts after keeping each
/// respondent's latest answer (overall or per group; a tie goes to the
/// later row), plus the number of invalid kept scores and dropped repeats.
fn oracle(rows: &[Row], dedupe: Option<Dedupe>) -> (BTreeMap<(u32, String), [u64; 11]>, u64, u64) {
    let month = |t: i64| {
        let d = chrono::DateTime::from_timestamp(t, 0).unwrap().date_naive();
        d.format("%Y-%m").to_string()
    };
    let mut keep = vec![true; rows.len()];
    if let Some(dedupe) = dedupe {
        let mut best: BTreeMap<(u64, Option<(u32, String)>), usize> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            let id = match dedupe {
                Dedupe::Global => (r.3, None),
                Dedupe::PerKey => (r.3, Some((r.1, month(r.2)))),
            };
            match best.get(&id) {
                Some(&b) if rows[b].2 > r.2 => {}
                _ => {
                    best.insert(id, i);
                }
            }
        }
        keep = vec![false; rows.len()];
        best.values().for_each(|&i| keep[i] = true);
    }
    let dropped = keep.iter().filter(|k| !**k).count() as u64;
    let mut out: BTreeMap<(u32, String), [u64; 11]> = BTreeMap::new();
    let mut invalid = 0;
    for (r, _) in rows.iter().zip(&keep).filter(|(_, k)| **k) {
        if r.0 > 10 {
            invalid += 1;
        } else {
            out.entry((r.1, month(r.2))).or_default()[r.0 as usize] += 1;
        }
    }
    (out, invalid, dropped)
}

fn run(rows: &[Row], dedupe: Option<Dedupe>) -> Grouped {
    let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
    let keys: Vec<u32> = rows.iter().map(|r| r.1).collect();
    let ts: Vec<i64> = rows.iter().map(|r| r.2).collect();
    let who: Vec<u64> = rows.iter().map(|r| r.3).collect();
    group_by(
        &scores,
        &GroupOptions {
            keys: Some(Keys::U32(&keys)),
            timestamps: Some(&ts),
            period: Some(Period::Month),
            respondents: dedupe.map(|_| Respondents::U64(&who)),
            dedupe: dedupe.unwrap_or_default(),
            mergeable: true,
            min_n: 3,
            invalid: InvalidPolicy::Skip,
            ..Default::default()
        },
    )
    .unwrap()
}

fn as_oracle(g: &Grouped) -> (BTreeMap<(u32, String), [u64; 11]>, u64, u64) {
    let mut out = BTreeMap::new();
    for x in &g.groups {
        let GroupKey::UInt(k) = x.key else {
            panic!("key {}", x.key)
        };
        out.insert((k as u32, x.label(g.period)), *x.tally.counts().unwrap());
        assert_eq!(x.thin, x.tally.n() < 3);
    }
    (out, g.skipped, g.dropped_repeats)
}

fn rows() -> impl Strategy<Value = Vec<Row>> {
    proptest::collection::vec(
        (
            0u8..=11,
            0u32..4,
            prop_oneof![
                1_735_000_000i64..1_745_000_000,
                1_740_000_000i64..1_740_000_004
            ],
            0u64..12,
        ),
        0..80,
    )
}

/// Splits `rows` at the sorted cut points and merges the parts as a left
/// fold, a right fold, or a balanced tree.
fn merged(rows: &[Row], cuts: &[usize], shape: u8, dedupe: Option<Dedupe>) -> Grouped {
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (rows.len() + 1)).collect();
    bounds.push(0);
    bounds.push(rows.len());
    bounds.sort_unstable();
    let parts: Vec<Grouped> = bounds
        .windows(2)
        .map(|w| run(&rows[w[0]..w[1]], dedupe))
        .collect();
    fn tree(parts: &[Grouped]) -> Grouped {
        if parts.len() == 1 {
            return parts[0].clone();
        }
        let mid = parts.len() / 2;
        tree(&parts[..mid]).merge(&tree(&parts[mid..])).unwrap()
    }
    match shape % 3 {
        0 => parts[1..]
            .iter()
            .fold(parts[0].clone(), |acc, p| acc.merge(p).unwrap()),
        1 => {
            let last = parts.len() - 1;
            parts[..last]
                .iter()
                .rev()
                .fold(parts[last].clone(), |acc, p| p.merge(&acc).unwrap())
        }
        _ => tree(&parts),
    }
}

proptest! {
    /// Merge in any split and tree shape equals the one-pass result, which
    /// equals the oracle, with and without deduplication.
    #[test]
    fn merge_equals_one_pass(rows in rows(), cuts in proptest::collection::vec(0usize..100, 0..4),
                             shape in 0u8..3, d in 0usize..3) {
        let dedupe = [None, Some(Dedupe::Global), Some(Dedupe::PerKey)][d];
        let one = run(&rows, dedupe);
        prop_assert_eq!(as_oracle(&one), oracle(&rows, dedupe));
        let m = merged(&rows, &cuts, shape, dedupe);
        prop_assert_eq!(&m, &one);
        // The saved state loads back exactly.
        prop_assert_eq!(&Grouped::from_state(&one.to_state()).unwrap(), &one);
    }
}

#[test]
fn dedupe_needs_timestamps() {
    let e = group_by(
        &[9u8, 7],
        &GroupOptions {
            respondents: Some(Respondents::U64(&[1, 1])),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.argument(), Some("respondents"));
    assert!(e.to_string().contains("needs timestamps"), "{e}");
}

#[test]
fn merge_rejects_different_options_and_unmergeable_dedupe() {
    let rows = [
        (9u8, 1u32, 1_740_000_000i64, 1u64),
        (3, 2, 1_740_000_100, 1),
    ];
    let a = run(&rows, None);
    let mut b = a.clone();
    b.min_n = 4;
    let Err(e) = a.merge(&b) else {
        panic!("merged")
    };
    assert_eq!(e.argument(), Some("other"));
    assert!(e.to_string().contains("min_n"), "{e}");
    let Err(e) = a.merge(&a.rolling(2).unwrap()) else {
        panic!("merged")
    };
    assert!(e.to_string().contains("rolling"), "{e}");
    let mut c = run(&rows, Some(Dedupe::Global));
    c.latest = None;
    let Err(e) = c.merge(&c) else {
        panic!("merged")
    };
    assert!(e.to_string().contains("mergeable"), "{e}");
    // Global and per-key results do not merge.
    let Err(e) = run(&rows, Some(Dedupe::Global)).merge(&run(&rows, Some(Dedupe::PerKey))) else {
        panic!("merged")
    };
    assert!(e.to_string().contains("respondent rules"), "{e}");
}

/// Respondent 1 answers dealer 1 then dealer 2; respondent 2 answers
/// dealer 1 twice. Global keeps r1@dealer 2 and r2's later answer;
/// per-key keeps r1 in both dealers.
#[test]
fn per_key_and_global_dedupe() {
    let rows = [
        (10u8, 1u32, 1_740_000_000i64, 1u64),
        (0, 2, 1_740_000_100, 1),
        (3, 1, 1_740_000_000, 2),
        (9, 1, 1_740_000_200, 2),
    ];
    let n = |g: &Grouped| -> Vec<(GroupKey, u64)> {
        g.groups
            .iter()
            .map(|x| (x.key.clone(), x.tally.n()))
            .collect()
    };
    let global = run(&rows, Some(Dedupe::Global));
    assert_eq!(
        n(&global),
        vec![(GroupKey::UInt(1), 1), (GroupKey::UInt(2), 1)]
    );
    assert_eq!(global.dropped_repeats, 2);
    let per_key = run(&rows, Some(Dedupe::PerKey));
    assert_eq!(
        n(&per_key),
        vec![(GroupKey::UInt(1), 2), (GroupKey::UInt(2), 1)]
    );
    assert_eq!(per_key.dropped_repeats, 1);
}

/// `dropna: false` keeps rows with a missing key as a group of their own
/// (`GroupKey::Null`, sorted last; a tuple with `Null` where one of several
/// columns is missing); `dropna: true` (default) drops and counts them
/// even under `InvalidPolicy::Raise`.
#[test]
fn missing_keys_dropped_or_kept() {
    let scores = [10u8, 0, 9, 7];
    let dealer = [1u32, 0, 1, 2];
    let advisor = ["a", "b", "", "a"];
    let no_dealer = [false, true, false, false];
    let no_advisor = [false, false, true, false];
    let any: Vec<bool> = no_dealer
        .iter()
        .zip(&no_advisor)
        .map(|(a, b)| *a || *b)
        .collect();
    let g = group_by(
        &scores,
        &GroupOptions {
            keys: Some(Keys::U32(&dealer)),
            missing: Missing {
                keys: Some(&no_dealer),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((g.groups.len(), g.skipped_keys), (2, 1));
    let g = group_by(
        &scores,
        &GroupOptions {
            keys: Some(Keys::U32(&dealer)),
            missing: Missing {
                keys: Some(&no_dealer),
                ..Default::default()
            },
            dropna: false,
            ..Default::default()
        },
    )
    .unwrap();
    let keys: Vec<&GroupKey> = g.groups.iter().map(|x| &x.key).collect();
    assert_eq!(
        keys,
        [&GroupKey::UInt(1), &GroupKey::UInt(2), &GroupKey::Null]
    );
    assert_eq!(g.groups[2].tally.n(), 1);
    assert_eq!(g.skipped_keys, 0);
    let cols = [Keys::U32(&dealer), Keys::Str(&advisor)];
    let masks = [Some(&no_dealer[..]), Some(&no_advisor[..])];
    let g = group_by(
        &scores,
        &GroupOptions {
            keys: Some(Keys::Multi(&cols)),
            missing: Missing {
                keys: Some(&any),
                key_columns: Some(&masks),
                ..Default::default()
            },
            dropna: false,
            ..Default::default()
        },
    )
    .unwrap();
    let keys: Vec<String> = g.groups.iter().map(|x| x.key.to_string()).collect();
    assert_eq!(keys, ["1 | a", "1 | (missing)", "2 | a", "(missing) | b"]);
    // The table shows a missing key as null.
    let t = g.to_table(&Default::default()).unwrap();
    let nps_core::table::Column::U64(d) = &t.columns[0].1 else {
        panic!("dealer column")
    };
    assert_eq!(d, &[Some(1), Some(1), Some(2), None]);
    // Saved states keep `Null` apart from `All`.
    assert_eq!(Grouped::from_state(&g.to_state()).unwrap(), g);
}

/// Rolling windows that start before the data's first period are marked
/// incomplete.
#[test]
fn rolling_windows_say_whether_complete() {
    // One answer in each of Jan, Feb, Mar 2025 (UTC).
    let ts = [1_736_000_000i64, 1_738_700_000, 1_741_000_000];
    let g = group_by(
        &[10u8, 0, 10],
        &GroupOptions {
            timestamps: Some(&ts),
            period: Some(Period::Month),
            ..Default::default()
        },
    )
    .unwrap();
    let r = g.rolling(2).unwrap();
    let complete: Vec<bool> = r.groups.iter().map(|x| x.complete).collect();
    assert_eq!(complete, [false, true, true]);
    let t = r.to_table(&Default::default()).unwrap();
    assert_eq!(t.columns.last().unwrap().0, "complete");
    assert!(g.groups.iter().all(|x| x.complete));
}

#[test]
fn tampered_states_are_errors() {
    let g = run(
        &[(9, 1, 1_740_000_000, 1), (3, 1, 1_740_000_100, 2)],
        Some(Dedupe::Global),
    );
    let text = String::from_utf8(g.to_state()).unwrap();
    for (from, to) in [
        ("\"nps_state\":1", "\"nps_state\":99"),
        ("\"kind\":\"Grouped\"", "\"kind\":\"HeatMap\""),
        ("\"min_n\":3", "\"min_n\":1"),
        ("\"score\":9", "\"score\":12"),
        ("\"time\":1740000100", "\"time\":\"x\""),
    ] {
        assert!(text.contains(from), "{from} in {text}");
        let bad = text.replacen(from, to, 1);
        let Err(e) = Grouped::from_state(bad.as_bytes()) else {
            panic!("{to} loaded")
        };
        assert_eq!(e.argument(), Some("state"), "{to}: {e}");
    }
    let Err(e) = Grouped::from_state(b"{not json") else {
        panic!("loaded")
    };
    assert_eq!(e.argument(), Some("state"));
}

/// Six labels in a scrambled order, dense (codes 0..6) or spread over
/// 120,000 labels (codes i × 20,000) so that the hashed path is taken.
static LABELS: std::sync::LazyLock<(Vec<String>, Vec<String>)> = std::sync::LazyLock::new(|| {
    let dense: Vec<String> = (0..6).map(|i| format!("k{}", (i * 7) % 6)).collect();
    let mut wide: Vec<String> = (0..6 * 20_000).map(|i| format!("pad{i}")).collect();
    for (i, l) in dense.iter().enumerate() {
        wide[i * 20_000] = l.clone();
    }
    (dense, wide)
});

proptest! {
    // Each case checks 120,000 labels (debug build): fewer cases.
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Dictionary-encoded keys (`Keys::Coded`) group exactly as the same
    /// strings (`Keys::Str`), dense or hashed, with or without periods.
    #[test]
    fn coded_keys_group_as_their_strings(
        rows in proptest::collection::vec((0u8..=10, 0u32..6, 1_735_000_000i64..1_745_000_000), 0..120),
        wide in proptest::bool::ANY, by_month in proptest::bool::ANY,
    ) {
        let (dense, spread) = &*LABELS;
        let (labels, stride): (&[String], u32) = if wide { (spread, 20_000) } else { (dense, 1) };
        let all: Vec<&str> = labels.iter().map(String::as_str).collect();
        let codes: Vec<u32> = rows.iter().map(|r| r.1 * stride).collect();
        let strs: Vec<&str> = rows.iter().map(|r| dense[r.1 as usize].as_str()).collect();
        let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let ts: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let run = |keys| group_by(&scores, &GroupOptions {
            keys: Some(keys),
            timestamps: Some(&ts),
            period: by_month.then_some(Period::Month),
            ..Default::default()
        }).unwrap();
        let expected = run(Keys::Str(&strs));
        prop_assert_eq!(&run(Keys::Coded { codes: Codes::U32(&codes), labels: &all }), &expected);
        // The same codes in the caller's width, read in place.
        let wide_i32: Vec<i32> = codes.iter().map(|&c| c as i32).collect();
        let wide_u64: Vec<u64> = codes.iter().map(|&c| u64::from(c)).collect();
        prop_assert_eq!(&run(Keys::Coded { codes: Codes::I32(&wide_i32), labels: &all }), &expected);
        prop_assert_eq!(&run(Keys::Coded { codes: Codes::U64(&wide_u64), labels: &all }), &expected);
        let narrow: Vec<i8> = codes.iter().map(|&c| c as i8).collect();
        if !wide {
            prop_assert_eq!(&run(Keys::Coded { codes: Codes::I8(&narrow), labels: &all }), &expected);
        }
        // Strings read in place from a packed buffer.
        let packed = Packed::new(&strs);
        prop_assert_eq!(&run(Keys::Text(&packed)), &expected);
        // ... and as one of several key columns.
        let by_dealer = [Keys::U32(&codes), Keys::Text(&packed)];
        let by_dealer_str = [Keys::U32(&codes), Keys::Str(&strs)];
        prop_assert_eq!(run(Keys::Multi(&by_dealer)), run(Keys::Multi(&by_dealer_str)));
    }

    /// Strings read in place group as `&str` keys over many rows and
    /// distinct texts (several threads, first-occurrence order joined across
    /// parts), including texts that differ only past a shared prefix.
    #[test]
    fn text_keys_group_as_their_strings(
        keys in proptest::collection::vec(0u32..50_000, 0..3_000),
        repeat in 1usize..80,
    ) {
        let owned: Vec<String> = keys.iter().map(|k| format!("respondent-{k}")).collect();
        let strs: Vec<&str> = owned.iter().cycle().take(owned.len() * repeat).map(String::as_str).collect();
        let scores: Vec<u8> = (0..strs.len()).map(|i| (i * 7 % 11) as u8).collect();
        let packed = Packed::new(&strs);
        let run = |keys| group_by(&scores, &GroupOptions { keys: Some(keys), min_n: 0, ..Default::default() }).unwrap();
        prop_assert_eq!(run(Keys::Text(&packed)), run(Keys::Str(&strs)));
    }
}

/// Strings packed back to back with offsets, as Arrow lays them out: a
/// [`TextColumn`] that holds no `&str` per row.
struct Packed {
    offsets: Vec<usize>,
    data: String,
}

impl Packed {
    fn new(strs: &[&str]) -> Packed {
        let mut offsets = vec![0];
        let mut data = String::new();
        for s in strs {
            data.push_str(s);
            offsets.push(data.len());
        }
        Packed { offsets, data }
    }
}

impl TextColumn for Packed {
    fn len(&self) -> usize {
        self.offsets.len() - 1
    }
    fn read<'s>(&'s self, start: usize, out: &mut [&'s str]) {
        for (j, o) in out.iter_mut().enumerate() {
            *o = &self.data[self.offsets[start + j]..self.offsets[start + j + 1]];
        }
    }
}

#[test]
fn coded_keys_are_checked() {
    let Err(e) = group_by(
        &[9u8, 9],
        &GroupOptions {
            keys: Some(Keys::Coded {
                codes: Codes::U32(&[0, 2]),
                labels: &["a", "b"],
            }),
            ..Default::default()
        },
    ) else {
        panic!("grouped")
    };
    assert_eq!(
        (e.kind(), e.index()),
        (nps_core::ErrorKind::InvalidValue, Some(1))
    );
    assert!(e.to_string().contains("`keys`"), "{e}");
    let Err(e) = group_by(
        &[9u8],
        &GroupOptions {
            keys: Some(Keys::Coded {
                codes: Codes::U32(&[0]),
                labels: &["a", "a"],
            }),
            ..Default::default()
        },
    ) else {
        panic!("grouped")
    };
    assert!(e.to_string().contains("twice"), "{e}");
    // A negative code (pandas' -1 for a missing value) names its row.
    let Err(e) = group_by(
        &[9u8, 9, 9],
        &GroupOptions {
            keys: Some(Keys::Coded {
                codes: Codes::I8(&[0, 1, -1]),
                labels: &["a", "b"],
            }),
            ..Default::default()
        },
    ) else {
        panic!("grouped")
    };
    assert_eq!(e.index(), Some(2), "{e}");
    assert!(e.to_string().contains("code -1 has no label"), "{e}");
}
