//! Deterministic data generators shared by the criterion benches.
//!
//! The data mimics a dealer survey: scores skewed towards the top of the
//! scale, dealer codes drawn uniformly from `0..dealers`, and Unix-second
//! timestamps spread uniformly over `months` months starting 2023-01-01 UTC.
//! A small SplitMix64 generator keeps the crate free of dependencies and the
//! data identical on every machine.

/// 2023-01-01T00:00:00Z in Unix seconds.
pub const START_TS: i64 = 1_672_531_200;

/// Average month length in seconds (365.25 / 12 days).
pub const MONTH_SECONDS: i64 = 2_629_800;

/// SplitMix64: a tiny, fast, deterministic 64-bit generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (multiply-shift; `n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// Cumulative weights (out of 100) of the scores 0..=10: a typical
/// after-sales distribution (many 9s and 10s, a tail of detractors).
const CUMULATIVE: [u64; 11] = [2, 3, 4, 6, 8, 12, 17, 27, 42, 64, 100];

/// `n` scores 0..=10 with a realistic skew.
pub fn scores(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let r = rng.below(100);
            CUMULATIVE.iter().position(|&c| r < c).unwrap_or(10) as u8
        })
        .collect()
}

/// `n` dealer codes uniform in `0..dealers`.
pub fn dealers(n: usize, dealers: u32, seed: u64) -> Vec<u32> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| rng.below(u64::from(dealers)) as u32)
        .collect()
}

/// `n` Unix-second timestamps uniform over `months` months from [`START_TS`].
pub fn timestamps(n: usize, months: i64, seed: u64) -> Vec<i64> {
    let mut rng = SplitMix64::new(seed);
    let span = (months * MONTH_SECONDS) as u64;
    (0..n).map(|_| START_TS + rng.below(span) as i64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_in_range_and_deterministic() {
        let s = scores(10_000, 1);
        assert!(s.iter().all(|&x| x <= 10));
        assert_eq!(s, scores(10_000, 1));
        // Every score value occurs with these weights.
        for v in 0..=10u8 {
            assert!(s.contains(&v), "score {v} missing");
        }
        let d = dealers(10_000, 5_000, 2);
        assert!(d.iter().all(|&x| x < 5_000));
        let t = timestamps(10_000, 24, 3);
        assert!(t
            .iter()
            .all(|&x| (START_TS..START_TS + 24 * MONTH_SECONDS).contains(&x)));
    }
}

/// The optimised kernels (SIMD tally, blocked grouping, period lookup
/// table, threads) against naive row-by-row reference implementations, on
/// inputs large enough to be split across threads and blocks.
#[cfg(test)]
mod kernels_match_reference {
    use std::collections::{BTreeMap, HashMap};

    use chrono::{Datelike, NaiveDate, TimeZone};
    use nps_core::group::{group_by, GroupKey, GroupOptions, Keys, Respondents};
    use nps_core::period::Period;
    use nps_core::{InvalidPolicy, Tally};

    use super::*;

    /// More than two threads' worth of rows (threads start at 2^18 rows each)
    /// and not a multiple of any block size.
    const N: usize = 600_001;

    fn period_start(period: Period, tz: chrono_tz::Tz, ts: i64) -> NaiveDate {
        let d = tz.timestamp_opt(ts, 0).unwrap().date_naive();
        match period {
            Period::Day => d,
            Period::Week => {
                d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
            }
            Period::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap(),
            Period::Quarter => {
                NaiveDate::from_ymd_opt(d.year(), (d.month() - 1) / 3 * 3 + 1, 1).unwrap()
            }
            Period::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap(),
        }
    }

    type Reference = BTreeMap<(GroupKey, Option<NaiveDate>), [u64; 11]>;

    fn reference(
        scores: &[i64],
        keys: Option<&[GroupKey]>,
        period: Option<(Period, &[i64], chrono_tz::Tz)>,
        keep: Option<&[bool]>,
    ) -> (Reference, u64) {
        let mut out = Reference::new();
        let mut skipped = 0;
        for (row, &s) in scores.iter().enumerate() {
            if keep.is_some_and(|k| !k[row]) {
                continue;
            }
            if !(0..=10).contains(&s) {
                skipped += 1;
                continue;
            }
            let key = keys.map_or(GroupKey::All, |k| k[row].clone());
            let start = period.map(|(p, ts, tz)| period_start(p, tz, ts[row]));
            out.entry((key, start)).or_insert([0; 11])[s as usize] += 1;
        }
        (out, skipped)
    }

    fn check(got: &nps_core::group::Grouped, expect: &(Reference, u64)) {
        assert_eq!(got.skipped, expect.1);
        let got: Reference = got
            .groups
            .iter()
            .map(|g| ((g.key.clone(), g.period_start), *g.tally.counts().unwrap()))
            .collect();
        assert_eq!(got.len(), expect.0.len());
        for (k, v) in &expect.0 {
            assert_eq!(got.get(k), Some(v), "group {k:?}");
        }
    }

    /// Scores with about 1 % invalid values (11, 12, -1).
    fn dirty_scores(n: usize) -> Vec<i64> {
        let mut rng = SplitMix64::new(7);
        scores(n, 11)
            .into_iter()
            .map(|s| match rng.below(100) {
                0 => 11 + rng.below(2) as i64,
                1 => -1,
                _ => i64::from(s),
            })
            .collect()
    }

    #[test]
    fn tally_u8_matches_naive_count() {
        let s = scores(N, 5);
        let mut expect = [0u64; 11];
        for &v in &s {
            expect[v as usize] += 1;
        }
        assert_eq!(Tally::from_scores(&s).unwrap().counts(), Some(&expect));
        // Bytes above 10 are invalid wherever they are (SIMD body or tail).
        let mut bad = s.clone();
        bad[N - 1] = 200;
        bad[N / 2] = 11;
        let e = Tally::from_scores(&bad).unwrap_err();
        assert_eq!(e.index(), Some(N / 2));
        let t = Tally::from_column(&bad, InvalidPolicy::Skip).unwrap();
        assert_eq!(t.skipped, 2);
        assert_eq!(t.tally.n(), N as u64 - 2);
    }

    #[test]
    fn dense_and_hashed_keys_match_reference() {
        let s = dirty_scores(N);
        let dense = dealers(N, 300, 12);
        // Spread over 2^30: too wide for dense slots, so keys are hashed.
        let sparse: Vec<u64> = dense.iter().map(|&k| u64::from(k) << 22).collect();
        let signed: Vec<i64> = dense.iter().map(|&k| i64::from(k) - 150).collect();
        let gk_u: Vec<GroupKey> = dense.iter().map(|&k| GroupKey::UInt(k.into())).collect();
        let gk_s: Vec<GroupKey> = sparse.iter().map(|&k| GroupKey::UInt(k)).collect();
        let gk_i: Vec<GroupKey> = signed.iter().map(|&k| GroupKey::Int(k)).collect();
        let cases: [(Keys, &[GroupKey]); 3] = [
            (Keys::U32(&dense), &gk_u),
            (Keys::U64(&sparse), &gk_s),
            (Keys::I64(&signed), &gk_i),
        ];
        for (keys, gk) in cases {
            let opts = GroupOptions {
                keys: Some(keys),
                invalid: InvalidPolicy::Skip,
                ..Default::default()
            };
            check(
                &group_by(&s, &opts).unwrap(),
                &reference(&s, Some(gk), None, None),
            );
        }
    }

    #[test]
    fn periods_in_zones_match_reference() {
        // Fewer rows than N (one thread; the zone matrix is long in debug
        // builds); `threads_and_periods_match_reference` covers threads.
        let n = 100_003;
        let s = dirty_scores(n);
        let d = dealers(n, 40, 13);
        let gk: Vec<GroupKey> = d.iter().map(|&k| GroupKey::UInt(k.into())).collect();
        // Two years from 2023 for most zones; Pacific/Apia skipped
        // 2011-12-30 entirely (a day missing from the calendar), so its
        // test spans 2011-2012.
        let two_years = timestamps(n, 24, 14);
        let apia_years: Vec<i64> = two_years.iter().map(|&t| t - 11 * 365 * 86_400).collect();
        let zones = [
            (
                "UTC",
                &two_years,
                &[
                    Period::Day,
                    Period::Week,
                    Period::Month,
                    Period::Quarter,
                    Period::Year,
                ][..],
            ),
            (
                "Asia/Shanghai",
                &two_years,
                &[Period::Day, Period::Month][..],
            ),
            (
                "America/New_York",
                &two_years,
                &[Period::Day, Period::Week][..],
            ),
            (
                "America/Santiago",
                &two_years,
                &[Period::Day, Period::Month][..],
            ),
            (
                "Pacific/Apia",
                &apia_years,
                &[Period::Day, Period::Week, Period::Quarter][..],
            ),
        ];
        for (tz_name, ts, periods) in zones {
            let tz: chrono_tz::Tz = tz_name.parse().unwrap();
            for &period in periods {
                for keys in [None, Some(Keys::U32(&d))] {
                    let opts = GroupOptions {
                        keys,
                        timestamps: Some(ts),
                        period: Some(period),
                        tz: Some(tz_name),
                        invalid: InvalidPolicy::Skip,
                        ..Default::default()
                    };
                    let expect = reference(&s, keys.map(|_| &gk[..]), Some((period, ts, tz)), None);
                    check(&group_by(&s, &opts).unwrap(), &expect);
                }
            }
        }
    }

    #[test]
    fn threads_and_periods_match_reference() {
        let s = dirty_scores(N);
        let d = dealers(N, 500, 21);
        let gk: Vec<GroupKey> = d.iter().map(|&k| GroupKey::UInt(k.into())).collect();
        let ts = timestamps(N, 24, 22);
        let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
        let opts = GroupOptions {
            keys: Some(Keys::U32(&d)),
            timestamps: Some(&ts),
            period: Some(Period::Month),
            tz: Some("Asia/Shanghai"),
            invalid: InvalidPolicy::Skip,
            ..Default::default()
        };
        let expect = reference(&s, Some(&gk), Some((Period::Month, &ts, tz)), None);
        check(&group_by(&s, &opts).unwrap(), &expect);
    }

    #[test]
    fn latest_response_per_respondent_matches_reference() {
        let s = dirty_scores(N);
        let d = dealers(N, 50, 15);
        let gk: Vec<GroupKey> = d.iter().map(|&k| GroupKey::UInt(k.into())).collect();
        let ts = timestamps(N, 24, 16);
        // About 3 responses per respondent; coarse timestamps make ties.
        let resp: Vec<u64> = dealers(N, (N / 3) as u32, 17)
            .into_iter()
            .map(u64::from)
            .collect();
        let ts: Vec<i64> = ts.iter().map(|&t| t / 86_400 * 86_400).collect();
        let mut best: HashMap<u64, usize> = HashMap::new();
        for (row, &r) in resp.iter().enumerate() {
            let b = best.entry(r).or_insert(row);
            if (ts[row], row) >= (ts[*b], *b) {
                *b = row;
            }
        }
        let mut keep = vec![false; N];
        for &row in best.values() {
            keep[row] = true;
        }
        let opts = GroupOptions {
            keys: Some(Keys::U32(&d)),
            timestamps: Some(&ts),
            period: Some(Period::Quarter),
            respondents: Some(Respondents::U64(&resp)),
            invalid: InvalidPolicy::Skip,
            ..Default::default()
        };
        let g = group_by(&s, &opts).unwrap();
        assert_eq!(
            g.dropped_repeats,
            keep.iter().filter(|&&k| !k).count() as u64
        );
        let tz = chrono_tz::Tz::UTC;
        check(
            &g,
            &reference(&s, Some(&gk), Some((Period::Quarter, &ts, tz)), Some(&keep)),
        );
    }

    #[test]
    fn first_invalid_row_is_reported_across_threads() {
        let mut s: Vec<i64> = scores(N, 18).into_iter().map(i64::from).collect();
        let d = dealers(N, 10, 19);
        let mut ts = timestamps(N, 24, 20);
        s[N - 3] = 11;
        s[N / 2 + 7] = -4;
        let opts = GroupOptions {
            keys: Some(Keys::U32(&d)),
            timestamps: Some(&ts),
            period: Some(Period::Month),
            ..Default::default()
        };
        assert_eq!(group_by(&s, &opts).unwrap_err().index(), Some(N / 2 + 7));
        ts[N - 2] = i64::MAX;
        ts[N / 2 + 9] = i64::MIN;
        let opts = GroupOptions {
            keys: Some(Keys::U32(&d)),
            timestamps: Some(&ts),
            period: Some(Period::Month),
            ..Default::default()
        };
        let e = group_by(&s, &opts).unwrap_err();
        assert_eq!(e.kind(), nps_core::ErrorKind::InvalidTimestamp);
        assert_eq!(e.index(), Some(N / 2 + 9));
    }
}
