//! The checks behind every fuzz target, shared with the regression replay.
//!
//! Each target in `fuzz_targets/` is one line: `fuzz_target!(|d| check(TARGET, d))`.
//! The integration test `tests/integration/fuzz_regressions.rs` includes
//! this very file (`#[path]`) and replays every saved input of
//! `tests/fuzz_regressions/<target>/` through the same function, so a saved
//! crash reproduces byte for byte without a fuzzing toolchain.
//!
//! Structured inputs are decoded by [`Input`], a small byte reader (not the
//! `arbitrary` crate), so that this file needs nothing but `nps-core`: the
//! root workspace builds it without new dependencies, and the decoding is
//! biased towards the values that matter (the calendar's ends, NaN, ±inf,
//! 1e308, negative hours, keys that collide).
//!
//! A check panics (a libFuzzer crash) when nps-core panics or breaks an
//! invariant; a typed `Err` from nps-core is fine unless the input was valid.

use std::cell::Cell;
use std::collections::BTreeMap;

use nps_core::calendar::Calendar;
use nps_core::case::{At, Case, Channel, Event, Outcome, PackageItem, Responsibility};
use nps_core::group::{group_by, GroupKey, GroupOptions, Grouping, Keys, Respondents};
use nps_core::heatmap::{HeatMap, MatrixBy, RecordDims, Stage};
use nps_core::kpi::{self, ComebackOptions, CsatOptions, FollowUpOptions, HoursBasis, Jobs, Kpi};
use nps_core::period::{local_date, parse_tz, Period};
use nps_core::policy::Policy;
use nps_core::programme::{recovery_stats, StatsOptions};
use nps_core::InvalidPolicy;

/// The fuzz targets, by name (= the directory under `tests/fuzz_regressions/`).
pub const TARGETS: [&str; 8] = [
    "policy_json",
    "calendar_ops",
    "case_json",
    "case_events",
    "group_by",
    "kpi",
    "heatmap",
    "heatmap_rows",
];

/// Runs the check of `target` on one input.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "policy_json" => policy_json(data),
        "calendar_ops" => calendar_ops(data),
        "case_json" => case_json(data),
        "case_events" => case_events(data),
        "group_by" => group(data),
        "kpi" => kpi_columns(data),
        "heatmap" => heatmap_records(data),
        "heatmap_rows" => heatmap_rows(data),
        other => panic!("unknown fuzz target `{other}`"),
    }
}

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Runs the check of `target` without tolerating the open findings of
/// [`OPEN_FINDINGS`] (the replay of their saved inputs).
pub fn check_strict(target: &str, data: &[u8]) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            STRICT.with(|s| s.set(false));
        }
    }
    STRICT.with(|s| s.set(true));
    let _reset = Reset;
    check(target, data);
}

/// Defects found by these targets and reported in issue 10, not fixed yet in
/// nps-core. The fuzz runs tolerate them, so that a known defect neither
/// fails CI nor hides the next one; [`check_strict`] (the `#[ignore]`d
/// regression tests) does not. Remove an entry when nps-core is fixed.
pub const OPEN_FINDINGS: [(&str, &str); 0] = [];

/// Whether the open finding `name` is tolerated (not under [`check_strict`]).
/// (Unused while no finding is open.)
#[allow(dead_code)]
fn open_finding(name: &str) -> bool {
    debug_assert!(OPEN_FINDINGS.iter().any(|(n, _)| *n == name));
    !STRICT.with(Cell::get)
}

/// First and last instant nps-core accepts (0001-01-01, 9999-12-31T23:59:59Z).
pub const MIN_TS: i64 = -62_135_596_800;
/// See [`MIN_TS`].
pub const MAX_TS: i64 = 253_402_300_799;
const Y2025: i64 = 1_735_689_600;

// ---------------------------------------------------------------- reader

/// Reads structured values from fuzz bytes; past the end every read is 0.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn arr<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0u8; N];
        for x in &mut a {
            *x = self.byte();
        }
        a
    }

    fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    fn below(&mut self, n: usize) -> usize {
        if n <= 256 {
            usize::from(self.byte()) % n.max(1)
        } else {
            u32::from_le_bytes(self.arr()) as usize % n
        }
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.arr())
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.arr())
    }

    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.arr())
    }

    /// A length 0..=max (0 once the input is used up).
    fn len(&mut self, max: usize) -> usize {
        self.below(max + 1)
    }

    /// A float: small whole numbers, halves, the awkward values, or raw bits.
    fn f64(&mut self) -> f64 {
        const SPECIAL: [f64; 16] = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e308,
            f64::MAX,
            -1e308,
            -1.0,
            -0.0,
            0.0,
            5e-324,
            1e-300,
            0.5,
            6.5,
            1e16,
            9_007_199_254_740_993.0,
            f64::MIN_POSITIVE,
        ];
        match self.byte() % 4 {
            0 => f64::from(self.byte() % 12),
            1 => f64::from(self.byte()) / 4.0,
            2 => self.pick(&SPECIAL),
            _ => f64::from_bits(self.u64()),
        }
    }

    /// A Unix-second instant: near 2025, the calendar's ends (and one past
    /// them), the i64 ends, or raw.
    fn ts(&mut self) -> i64 {
        const SPECIAL: [i64; 9] = [
            MIN_TS,
            MAX_TS,
            MIN_TS - 1,
            MAX_TS + 1,
            0,
            -1,
            i64::MIN,
            i64::MAX,
            Y2025,
        ];
        match self.byte() % 4 {
            0 | 1 => Y2025 + i64::from(self.u32() % (3 * 366 * 86_400)),
            2 => self
                .pick(&SPECIAL)
                .saturating_add(i64::from(self.byte() as i8)),
            _ => self.i64(),
        }
    }

    /// A short string from a pool that collides often, or raw bytes.
    fn string(&mut self) -> String {
        const POOL: [&str; 12] = [
            "", " ", "a", "A", "1", "01", "D01", "D02", "é", "\u{0}", "a\u{301}", "ｱ",
        ];
        if self.byte() % 4 != 0 {
            self.pick(&POOL).to_owned()
        } else {
            let n = self.len(8);
            let bytes: Vec<u8> = (0..n).map(|_| self.byte()).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }

    fn key_u64(&mut self) -> u64 {
        match self.byte() % 4 {
            0 => u64::MAX - u64::from(self.byte() % 4),
            1 => self.u64(),
            _ => u64::from(self.byte() % 8),
        }
    }

    fn key_i64(&mut self) -> i64 {
        match self.byte() % 4 {
            0 => self.pick(&[i64::MIN, i64::MAX, -1, 0]),
            1 => self.i64(),
            _ => i64::from(self.byte() % 8) - 4,
        }
    }

    fn tz(&mut self) -> Option<&'static str> {
        self.pick(&[
            None,
            Some("UTC"),
            Some("Asia/Shanghai"),
            Some("America/New_York"),
            Some("Australia/Lord_Howe"),
            Some("Pacific/Chatham"),
            Some("Pacific/Kiritimati"),
            Some("Nowhere/Atlantis"),
        ])
    }

    fn period(&mut self) -> Option<Period> {
        self.pick(&[
            None,
            Some(Period::Day),
            Some(Period::Week),
            Some(Period::Month),
            Some(Period::Quarter),
        ])
    }
}

/// Owned key columns, borrowed as [`Keys`].
enum KeyCol {
    U32(Vec<u32>),
    U64(Vec<u64>),
    I64(Vec<i64>),
    Str(Vec<String>),
}

impl KeyCol {
    fn read(inp: &mut Input<'_>, rows: usize) -> KeyCol {
        match inp.byte() % 4 {
            0 => KeyCol::U32(
                (0..rows)
                    .map(|_| match inp.byte() % 4 {
                        0 => inp.u32(),
                        1 => u32::MAX,
                        _ => u32::from(inp.byte() % 8),
                    })
                    .collect(),
            ),
            1 => KeyCol::U64((0..rows).map(|_| inp.key_u64()).collect()),
            2 => KeyCol::I64((0..rows).map(|_| inp.key_i64()).collect()),
            _ => KeyCol::Str((0..rows).map(|_| inp.string()).collect()),
        }
    }
}

/// Builds the `Keys` over owned columns (string columns need a `&str` slice
/// that lives as long as the keys).
fn with_keys<R>(cols: &[KeyCol], multi: bool, f: impl FnOnce(Option<Keys<'_>>) -> R) -> R {
    let strs: Vec<Vec<&str>> = cols
        .iter()
        .map(|c| match c {
            KeyCol::Str(v) => v.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        })
        .collect();
    let keys: Vec<Keys<'_>> = cols
        .iter()
        .zip(&strs)
        .map(|(c, s)| match c {
            KeyCol::U32(v) => Keys::U32(v),
            KeyCol::U64(v) => Keys::U64(v),
            KeyCol::I64(v) => Keys::I64(v),
            KeyCol::Str(_) => Keys::Str(s),
        })
        .collect();
    if multi {
        f(Some(Keys::Multi(&keys)))
    } else {
        f(keys.first().copied())
    }
}

fn finite_kpi(what: &str, k: &Kpi) {
    let ok = k.numerator.is_finite()
        && k.denominator.is_finite()
        && k.value.is_none_or(f64::is_finite)
        && k.coverage.is_none_or(|c| (0.0..=1.0).contains(&c));
    assert!(
        ok,
        "{what}: a non-finite KPI or a coverage outside 0..=1: {k:?}"
    );
}

fn typed<T>(what: &str, r: &nps_core::Result<T>) {
    if let Err(e) = r {
        assert!(
            !e.to_string().is_empty(),
            "{what}: an error without a message"
        );
    }
}

// ---------------------------------------------------------------- policy and calendar

/// `Policy::from_json` and `Calendar::from_json` never panic; whatever loads
/// round-trips through its own JSON to an equal value.
pub fn policy_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Policy::from_json(text) {
        let json = p.to_json();
        let again = Policy::from_json(&json).expect("a loaded policy reloads from its JSON");
        assert_eq!(again, p, "policy does not round-trip:\n{json}");
    }
    if let Ok(c) = Calendar::from_json(text) {
        let json = c.to_json();
        let again = Calendar::from_json(&json).expect("a loaded calendar reloads from its JSON");
        assert_eq!(again, c, "calendar does not round-trip:\n{json}");
    }
}

/// Deadlines and elapsed time on fuzzed calendars. The first 26 bytes pick
/// the start, the duration and one pause; the rest is calendar JSON.
pub fn calendar_ops(data: &[u8]) {
    use nps_core::calendar::{Duration, Pause};
    if data.len() < 26 {
        return;
    }
    let (head, rest) = data.split_at(26);
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(cal) = Calendar::from_json(text) else {
        return;
    };
    let i64_at = |i: usize| {
        let mut a = [0u8; 8];
        a.copy_from_slice(&head[i..i + 8]);
        i64::from_le_bytes(a)
    };
    // Instants within a few years of 2025, durations up to ~4 weeks.
    let start = Y2025 + i64_at(0).rem_euclid(4 * 365 * 86_400);
    let seconds = i64_at(8).rem_euclid(28 * 86_400);
    let pause_start = start + i64::from(head[16] as i8) * 3600;
    let pause = Pause {
        start: pause_start,
        end: pause_start + i64::from(head[17]) * 900,
    };
    let pauses = if head[18] & 1 == 1 {
        vec![pause]
    } else {
        vec![]
    };
    let duration = match head[19] % 3 {
        0 => Duration::Wall { seconds },
        1 => Duration::Business { seconds },
        _ => Duration::BusinessDays {
            days: u32::from(head[20] % 20),
        },
    };
    let _ = cal.is_open(start);
    if let Ok(due) = cal.deadline(start, duration, &pauses) {
        assert!(due >= start, "deadline {due} before start {start}");
        let elapsed = cal
            .elapsed(start, due, &pauses)
            .expect("elapsed up to a deadline");
        if let Duration::Business { seconds } = duration {
            assert_eq!(elapsed, seconds, "elapsed(start, deadline) != duration");
        }
    }
    let end = start + i64::from(u16::from_le_bytes([head[21], head[22]])) * 60;
    let _ = cal.elapsed(start, end, &pauses);
}

// ---------------------------------------------------------------- cases

fn case_checks(c: &Case) {
    // Exact round-trips: the case document and the event log.
    let json = c.to_json();
    let again = Case::from_json(&json).expect("a case reloads from its JSON");
    assert_eq!(&again, c, "case does not round-trip:\n{json}");
    let replay = Case::from_events(c.id(), c.events().to_vec()).expect("a case replays its log");
    assert_eq!(&replay, c, "replaying the log gives another case");
    for e in c.events() {
        let j = e.to_json();
        assert_eq!(&Event::from_json(&j).expect("event reloads"), e, "{j}");
    }
    let policy = Policy::default();
    let opened = c.opened_at();
    let last = c.events().last().map_or(opened, Event::at);
    for now in [
        opened - 1,
        opened,
        last,
        last.saturating_add(9 * 86_400),
        MAX_TS,
    ] {
        typed("case status", &c.status(&policy, now));
    }
    typed(
        "recovery_stats",
        &recovery_stats(std::slice::from_ref(c), &policy, &StatsOptions::default()),
    );
}

/// Case and event JSON text: never a panic; whatever loads round-trips.
pub fn case_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(e) = Event::from_json(text) {
        let j = e.to_json();
        assert_eq!(Event::from_json(&j).expect("event reloads"), e, "{j}");
    }
    if let Ok(c) = Case::from_json(text) {
        case_checks(&c);
    }
    if let Ok(c) = Case::from_json_events(text, "fuzz") {
        case_checks(&c);
        // Applying the events one by one as JSON gives the same case.
        let mut it = c.events().iter();
        let first = it.next().expect("a case has its opening event").clone();
        let mut d = Case::new("fuzz", first).expect("the opening event applies");
        for e in it {
            d.apply_json(&e.to_json()).expect("a logged event applies");
        }
        assert_eq!(d, c);
    }
}

fn event(inp: &mut Input<'_>, prev: i64) -> Event {
    let at = At(match inp.byte() % 8 {
        0 => inp.ts(),
        1 => prev - i64::from(inp.byte()),
        _ => prev.saturating_add(i64::from(inp.u32() % (40 * 86_400))),
    });
    match inp.byte() % 11 {
        0 => Event::Opened {
            at,
            score: inp.byte() % 12,
            reason: inp.string(),
            high_value: inp.bool(),
            public_opinion_risk: inp.bool(),
            dealer: inp.bool().then(|| inp.string()),
        },
        1 => Event::Acknowledged { at },
        2 => Event::Contacted {
            at,
            channel: inp.pick(&Channel::ALL),
        },
        3 => Event::Investigated {
            at,
            responsibility: inp.pick(&[
                Responsibility::Company,
                Responsibility::Customer,
                Responsibility::Shared,
                Responsibility::ForceMajeure,
            ]),
        },
        4 => {
            let n = inp.len(3);
            let items = (0..n)
                .map(|_| {
                    let item = format!(
                        r#"{{"value":{},"currency":"{}","layer":"{}"}}"#,
                        inp.key_i64(),
                        inp.pick(&["CNY", "USD", "JPY", "XXX"]),
                        inp.pick(&["loss_compensation", "emotional_repair", "goodwill", "?"]),
                    );
                    serde_json::from_str::<PackageItem>(&item).ok()
                })
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default();
            Event::SolutionProposed {
                at,
                items,
                over_expectation: inp.bool(),
                expectation: inp.bool().then(|| inp.key_i64()),
            }
        }
        5 => Event::SolutionAccepted { at },
        6 if inp.bool() => Event::ExecutionStarted { at },
        6 => Event::Executed { at },
        7 => Event::FollowedUp { at },
        8 => Event::Rerated {
            at,
            score: inp.byte() % 12,
        },
        9 => Event::Closed {
            at,
            outcome: inp.pick(&[Outcome::Recovered, Outcome::Converted, Outcome::Lost]),
        },
        _ => Event::Reviewed { at },
    }
}

/// A case built event by event: a rejected event leaves the case
/// unchanged; the log round-trips and replays; status and statistics never
/// panic.
pub fn case_events(data: &[u8]) {
    let mut inp = Input::new(data);
    let at = inp.ts();
    let opened = Event::Opened {
        at: At(at),
        score: inp.byte() % 12,
        reason: inp.string(),
        high_value: inp.bool(),
        public_opinion_risk: inp.bool(),
        dealer: inp.bool().then(|| inp.string()),
    };
    let Ok(mut c) = Case::new(inp.string(), opened) else {
        return;
    };
    let n = inp.len(24);
    for _ in 0..n {
        let prev = c.events().last().map_or(at, Event::at);
        let e = event(&mut inp, prev);
        let before = c.clone();
        match c.apply(e.clone()) {
            Ok(()) => assert_eq!(c.events().last(), Some(&e)),
            Err(err) => {
                assert_eq!(c, before, "a rejected event changed the case: {err}");
                assert_eq!(err.index(), Some(before.events().len()));
            }
        }
    }
    case_checks(&c);
}

// ---------------------------------------------------------------- grouping

enum ScoreCol {
    U8(Vec<u8>),
    F64(Vec<f64>),
}

fn valid_score(s: &ScoreCol, i: usize) -> Option<usize> {
    match s {
        ScoreCol::U8(v) => (v[i] <= 10).then_some(usize::from(v[i])),
        ScoreCol::F64(v) => {
            let x = v[i];
            (x.fract() == 0.0 && (0.0..=10.0).contains(&x)).then_some(x as usize)
        }
    }
}

/// Score, key, timestamp and respondent columns into `group_by`: the
/// counts add up, groups are sorted and unique, and they equal a naive
/// BTreeMap oracle.
pub fn group(data: &[u8]) {
    let mut inp = Input::new(data);
    let rows = inp.len(48);
    let scores = if inp.bool() {
        ScoreCol::U8((0..rows).map(|_| inp.byte() % 13).collect())
    } else {
        ScoreCol::F64((0..rows).map(|_| inp.f64()).collect())
    };
    let key_mode = inp.byte() % 4; // none, one column, Multi of 1..=3
    let n_cols = match key_mode {
        0 => 0,
        1 => 1,
        _ => inp.len(2) + 1,
    };
    let cols: Vec<KeyCol> = (0..n_cols).map(|_| KeyCol::read(&mut inp, rows)).collect();
    let timestamps: Option<Vec<i64>> = inp.bool().then(|| (0..rows).map(|_| inp.ts()).collect());
    let period = inp.period();
    let tz = inp.tz();
    let resp_kind = inp.byte() % 4;
    let resp_u64: Vec<u64> = (0..rows).map(|_| u64::from(inp.byte() % 6)).collect();
    let resp_i64: Vec<i64> = resp_u64.iter().map(|&r| r as i64 - 3).collect();
    let resp_str: Vec<String> = resp_u64.iter().map(|r| format!("r{r}")).collect();
    let resp_strs: Vec<&str> = resp_str.iter().map(String::as_str).collect();
    let respondents = match resp_kind {
        1 => Some(Respondents::U64(&resp_u64)),
        2 => Some(Respondents::I64(&resp_i64)),
        3 => Some(Respondents::Str(&resp_strs)),
        _ => None,
    };
    let min_n = u64::from(inp.byte() % 4);
    let invalid = if inp.bool() {
        InvalidPolicy::Skip
    } else {
        InvalidPolicy::Raise
    };
    let window = inp.len(3) + 1;

    with_keys(&cols, key_mode >= 2, |keys| {
        let opts = GroupOptions {
            keys,
            timestamps: timestamps.as_deref(),
            period,
            tz,
            respondents,
            min_n,
            invalid,
            ..GroupOptions::default()
        };
        let r = match &scores {
            ScoreCol::U8(s) => group_by(s, &opts),
            ScoreCol::F64(s) => group_by(s, &opts),
        };
        typed("group_by", &r);

        // The oracle. Kept rows: each respondent's latest (ties: the later
        // row); keeping the latest answer needs timestamps.
        let mut keep = vec![true; rows];
        if respondents.is_some() && timestamps.is_some() {
            let mut latest: BTreeMap<u64, usize> = BTreeMap::new();
            for (i, &id) in resp_u64.iter().enumerate() {
                let later = |j: usize| match &timestamps {
                    Some(t) => t[i] >= t[j],
                    None => true,
                };
                match latest.get(&id) {
                    Some(&j) if !later(j) => {}
                    _ => {
                        latest.insert(id, i);
                    }
                }
            }
            keep = vec![false; rows];
            for &i in latest.values() {
                keep[i] = true;
            }
        }
        let tz_ok = tz.is_none_or(|z| parse_tz(z).is_ok());
        let ts_ok = timestamps
            .as_ref()
            .is_none_or(|t| t.iter().all(|x| (MIN_TS..=MAX_TS).contains(x)));
        let bad_score = (0..rows).any(|i| keep[i] && valid_score(&scores, i).is_none());
        let must_fail = (period.is_some() && timestamps.is_none())
            || (respondents.is_some() && timestamps.is_none())
            || (bad_score && invalid == InvalidPolicy::Raise);
        let may_fail = must_fail || !tz_ok || !ts_ok;
        let g = match r {
            Ok(g) => g,
            Err(e) if may_fail => {
                let _ = e;
                return;
            }
            Err(e) => panic!("group_by rejected a valid input: {e}"),
        };
        assert!(!must_fail, "group_by accepted an invalid input: {g:?}");
        if !tz_ok || !ts_ok {
            return; // accepted anyway (e.g. an unused time zone): no oracle
        }
        let n: u64 = g.groups.iter().map(|x| x.tally.n()).sum();
        assert_eq!(
            n + g.skipped + g.dropped_repeats,
            rows as u64,
            "n + skipped + dropped != rows"
        );
        assert!(
            g.groups
                .windows(2)
                .all(|w| (&w[0].key, w[0].period_start) < (&w[1].key, w[1].period_start)),
            "groups are not sorted and unique"
        );
        assert!(g
            .groups
            .iter()
            .all(|x| x.tally.n() > 0 && x.thin == (x.tally.n() < min_n)));
        assert_eq!(g.total().expect("total").n(), n);
        let zone = parse_tz(tz.unwrap_or("UTC")).expect("checked above");
        let mut oracle = BTreeMap::new();
        let mut skipped = 0u64;
        for i in (0..rows).filter(|&i| keep[i]) {
            let Some(s) = valid_score(&scores, i) else {
                skipped += 1;
                continue;
            };
            let key = keys.map_or(GroupKey::All, |k| k.key_at(i));
            let start = period.map(|p| {
                let t = timestamps.as_ref().expect("checked above")[i];
                p.start_of(local_date(zone, t).expect("in range"))
            });
            oracle.entry((key, start)).or_insert([0u64; 11])[s] += 1;
        }
        assert_eq!(g.skipped, skipped, "skipped");
        let got: BTreeMap<_, _> = g
            .groups
            .iter()
            .map(|x| {
                let counts = *x.tally.counts().expect("an unweighted tally");
                ((x.key.clone(), x.period_start), counts)
            })
            .collect();
        assert_eq!(got, oracle, "group_by differs from the oracle");
        // Rolling windows emit every period of the span: only where it is small.
        if let (Some(_), Some(first), Some(last)) = (
            period,
            g.groups.iter().filter_map(|x| x.period_start).min(),
            g.groups.iter().filter_map(|x| x.period_start).max(),
        ) {
            if (last - first).num_days() <= 3 * 366 {
                let r = g.rolling(window).expect("rolling over period groups");
                let n_last: u64 = r
                    .groups
                    .iter()
                    .filter(|x| x.period_start == Some(last))
                    .map(|x| x.tally.n())
                    .sum();
                assert!(n_last <= n);
            }
        }
    });
}

// ---------------------------------------------------------------- KPIs

fn check_table(what: &str, r: &nps_core::Result<kpi::KpiTable>) {
    typed(what, r);
    if let Ok(t) = r {
        finite_kpi(what, &t.overall);
        for g in &t.groups {
            finite_kpi(what, &g.kpi);
        }
    }
}

fn check_time(what: &str, r: &nps_core::Result<kpi::TimeTable>) {
    typed(what, r);
    if let Ok(t) = r {
        for k in std::iter::once(&t.overall).chain(t.groups.iter().map(|g| &g.kpi)) {
            finite_kpi(what, &k.within_target);
            for v in [k.mean, k.median, k.p90].into_iter().flatten() {
                assert!(v.is_finite() && v >= 0.0, "{what}: duration {v} in {k:?}");
            }
            assert!(k.mean_minutes().is_none_or(f64::is_finite));
        }
    }
}

const CALENDARS: [&str; 3] = [
    r#"{"tz":"UTC","weekly":{"mon":[["09:00","17:00"]],"fri":[["09:00","12:00"],["13:30","18:00"]]}}"#,
    r#"{"tz":"Asia/Shanghai","weekly":{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}}"#,
    r#"{"tz":"America/New_York","weekly":{"sun":[["01:00","03:00"]]},"holidays":["2025-03-09"]}"#,
];

/// KPI columns: every `Ok` holds finite numbers only; errors are typed.
pub fn kpi_columns(data: &[u8]) {
    let mut inp = Input::new(data);
    let rows = inp.len(24);
    let op = inp.byte() % 8;
    // A grouping over the rows (keys, timestamps, period, tz).
    let gcols: Vec<KeyCol> = (0..usize::from(inp.bool()))
        .map(|_| KeyCol::read(&mut inp, rows))
        .collect();
    let gts: Option<Vec<i64>> = inp.bool().then(|| (0..rows).map(|_| inp.ts()).collect());
    let gperiod = inp.period();
    let gtz = inp.tz();
    let hours: Vec<f64> = (0..rows).map(|_| inp.f64()).collect();
    let more: Vec<f64> = (0..rows).map(|_| inp.f64()).collect();
    let opt: Vec<Option<f64>> = more.iter().map(|&h| inp.bool().then_some(h)).collect();
    let t1: Vec<i64> = (0..rows).map(|_| inp.ts()).collect();
    let t2: Vec<i64> = t1
        .iter()
        .map(|&t| match inp.byte() % 3 {
            0 => inp.ts(),
            _ => t.saturating_add(i64::from(inp.u32() % (60 * 86_400))),
        })
        .collect();
    let flags: Vec<bool> = (0..rows).map(|_| inp.bool()).collect();
    let flags2: Vec<bool> = (0..rows).map(|_| inp.bool()).collect();
    let vcols = [KeyCol::read(&mut inp, rows), KeyCol::read(&mut inp, rows)];
    let scalar = inp.f64();
    let ints: Vec<i64> = (0..rows).map(|_| inp.key_i64()).collect();
    let window = match inp.byte() % 3 {
        0 => inp.i64(),
        _ => i64::from(inp.u32() % (90 * 86_400)),
    };
    let as_of = inp.bool().then(|| inp.ts());
    let excl = inp.bool();
    let cal_i = inp.below(CALENDARS.len());
    let bays = inp.pick(&[0, 1, 6, u32::MAX]);
    let (from, to) = (inp.ts(), inp.ts());
    with_keys(&gcols, false, |gkeys| {
        let grouping = Grouping {
            keys: gkeys,
            timestamps: gts.as_deref(),
            period: gperiod,
            tz: gtz,
        };
        match op {
            0 => with_keys(&vcols, false, |v| {
                let vehicles = v.expect("one column");
                with_keys(&vcols[1..], false, |c| {
                    let jobs = Jobs {
                        vehicles,
                        complaints: c.filter(|_| excl),
                        opened: &t1,
                        closed: &t2,
                    };
                    let opts = ComebackOptions {
                        window_seconds: window,
                        as_of,
                        exclude_incomplete: excl,
                    };
                    typed("job_outcomes", &kpi::job_outcomes(&jobs, &opts));
                    check_table("ftfr", &kpi::first_time_fix_rate(&jobs, &opts, &grouping));
                    check_table("comeback", &kpi::comeback_rate(&jobs, &opts, &grouping));
                    check_table(
                        "repeat_complaint",
                        &kpi::repeat_complaint_rate(vehicles, &t1, &t2, &opts, &grouping),
                    );
                })
            }),
            1 => {
                check_time("time_kpi", &kpi::time_kpi(&t1, &t2, window, &grouping));
                check_time(
                    "time_kpi_durations",
                    &kpi::time_kpi_durations(&ints, window, &grouping),
                );
            }
            2 => {
                let r = kpi::technician_figures(&hours, &opt, scalar);
                typed("technician_figures", &r);
                if let Ok(t) = r {
                    for k in [t.efficiency, t.productivity, t.proficiency] {
                        finite_kpi("technician_figures", &k);
                    }
                }
                with_keys(&vcols, false, |v| {
                    let k = v.expect("one column");
                    let half = rows / 2;
                    let avail_keys = match k {
                        Keys::U32(x) => Keys::U32(&x[..half]),
                        Keys::U64(x) => Keys::U64(&x[..half]),
                        Keys::I64(x) => Keys::I64(&x[..half]),
                        Keys::Str(x) => Keys::Str(&x[..half]),
                        other => other,
                    };
                    let r = kpi::technician_figures_by(&hours, &opt, k, &more[..half], avail_keys);
                    typed("technician_figures_by", &r);
                    for (_, t) in r.iter().flatten() {
                        for k in [t.efficiency, t.productivity, t.proficiency] {
                            finite_kpi("technician_figures_by", &k);
                        }
                    }
                });
            }
            3 => {
                let cal = Calendar::from_json(CALENDARS[cal_i]).expect("a valid calendar");
                let rb = flags2
                    .first()
                    .copied()
                    .unwrap_or(false)
                    .then_some(&flags[..]);
                let r = kpi::bay_utilization(&hours, rb, bays, &cal, from, to);
                typed("bay_utilization", &r);
                if let Ok(k) = r {
                    finite_kpi("bay_utilization", &k);
                }
            }
            4 => {
                check_table("rate", &kpi::rate(&flags, Some(&flags2), &grouping));
                let promised: Vec<Option<i64>> = t2
                    .iter()
                    .zip(&flags2)
                    .map(|(&t, &f)| f.then_some(t))
                    .collect();
                check_table(
                    "ready_when_promised",
                    &kpi::ready_when_promised(&t1, &promised, &grouping),
                );
                check_table(
                    "follow_up_completion_rate",
                    &kpi::follow_up_completion_rate(
                        &t1,
                        &promised,
                        excl.then_some(&flags[..]),
                        &FollowUpOptions {
                            earliest_seconds: window / 2,
                            latest_seconds: window,
                        },
                        &grouping,
                    ),
                );
            }
            5 => check_table(
                "csat",
                &kpi::csat(
                    &hours,
                    &CsatOptions {
                        satisfied_min: scalar,
                    },
                    &grouping,
                ),
            ),
            6 => {
                let pay = [
                    kpi::PayType::Customer,
                    kpi::PayType::Warranty,
                    kpi::PayType::Internal,
                ];
                let pays: Vec<kpi::PayType> = ints
                    .iter()
                    .map(|&i| pay[i.rem_euclid(3) as usize])
                    .collect();
                let r = kpi::effective_labour_rate(&ints, &hours, &pays);
                typed("effective_labour_rate", &r);
                if let Ok(l) = r {
                    finite_kpi("effective_labour_rate", &l.overall);
                    for (_, k) in &l.by_pay_type {
                        finite_kpi("effective_labour_rate", k);
                    }
                }
                for basis in [HoursBasis::Srt, HoursBasis::Worked] {
                    let r = kpi::hours_per_ro(&opt, &hours, basis);
                    typed("hours_per_ro", &r);
                    if let Ok(k) = r {
                        finite_kpi("hours_per_ro", &k);
                    }
                }
            }
            _ => {
                let r = kpi::service_revenue_per_engineer(&ints, bays);
                typed("service_revenue_per_engineer", &r);
                if let Ok(k) = r {
                    finite_kpi("service_revenue_per_engineer", &k);
                }
            }
        }
    });
}

// ---------------------------------------------------------------- heat maps

const STAGES: [Stage; 6] = [
    Stage::Appointment,
    Stage::Reception,
    Stage::Diagnosis,
    Stage::Repair,
    Stage::Delivery,
    Stage::FollowUp,
];

fn heat_checks(m: &HeatMap, share: f64) {
    let ranked = m.ranked();
    let sum: u64 = ranked.iter().map(|p| p.heat).sum();
    assert_eq!(sum, m.total_heat(), "ranked heat != total heat");
    assert!(ranked.windows(2).all(|w| w[0].heat >= w[1].heat), "ranking");
    let stages: u64 = m.by_stage().iter().map(|s| s.heat).sum();
    assert_eq!(stages, m.total_heat(), "stage totals != total heat");
    let _ = m.pareto(share);
    for by in [MatrixBy::Key, MatrixBy::Period] {
        if let Ok(x) = m.matrix(by) {
            assert_eq!(x.heat.iter().sum::<u64>(), m.total_heat(), "matrix heat");
        }
    }
}

/// Raw complaint records (with keys and timestamps) into `HeatMap::from_records`.
pub fn heatmap_records(data: &[u8]) {
    let mut inp = Input::new(data);
    let rows = inp.len(32);
    let stages: Vec<Stage> = (0..rows).map(|_| inp.pick(&STAGES)).collect();
    let points: Vec<String> = (0..rows).map(|_| inp.string()).collect();
    let pain: Vec<f64> = (0..rows).map(|_| inp.f64()).collect();
    let pain_u8: Vec<u8> = (0..rows).map(|_| inp.byte() % 12).collect();
    let keys: Vec<String> = (0..rows).map(|_| inp.string()).collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let ts: Vec<i64> = (0..rows).map(|_| inp.ts()).collect();
    let dims = RecordDims {
        keys: inp.bool().then_some(Keys::Str(&key_refs[..])),
        timestamps: inp.bool().then_some(&ts[..]),
        period: inp.period().unwrap_or(Period::Month),
        tz: inp.tz().unwrap_or("UTC"),
    };
    let share = inp.f64();
    for r in [
        HeatMap::from_records(&stages, &points, &pain, &dims),
        HeatMap::from_records(&stages, &points, &pain_u8, &dims),
    ] {
        typed("HeatMap::from_records", &r);
        if let Ok(m) = r {
            heat_checks(&m, share);
        }
    }
    // Valid records (pain 1..=10, a description) must load, with heat = Σ pain.
    let ok_pain: Vec<u8> = pain_u8.iter().map(|p| p % 10 + 1).collect();
    let ok_points: Vec<String> = points.iter().map(|p| format!("p{p}")).collect();
    let plain = RecordDims {
        keys: dims.keys,
        ..RecordDims::default()
    };
    let m = HeatMap::from_records(&stages, &ok_points, &ok_pain, &plain);
    if rows == 0 {
        return;
    }
    let m = m.expect("valid records load");
    let total: u64 = ok_pain.iter().map(|&p| u64::from(p)).sum();
    assert_eq!(m.total_heat(), total);
    heat_checks(&m, share);
}

/// Pre-counted rows into `HeatMap::from_rows` (u64 / i64 / f64 counts).
pub fn heatmap_rows(data: &[u8]) {
    let mut inp = Input::new(data);
    let rows = inp.len(32);
    let stages: Vec<Stage> = (0..rows).map(|_| inp.pick(&STAGES)).collect();
    let points: Vec<String> = (0..rows).map(|_| inp.string()).collect();
    let m_u64: Vec<u64> = (0..rows).map(|_| inp.key_u64()).collect();
    let m_i64: Vec<i64> = (0..rows).map(|_| inp.key_i64()).collect();
    let m_f64: Vec<f64> = (0..rows).map(|_| inp.f64()).collect();
    let pain: Vec<i64> = (0..rows).map(|_| inp.key_i64()).collect();
    let pain_f: Vec<f64> = (0..rows).map(|_| inp.f64()).collect();
    let share = inp.f64();
    for r in [
        HeatMap::from_rows(&stages, &points, &m_u64, &pain),
        HeatMap::from_rows(&stages, &points, &m_i64, &pain_f),
        HeatMap::from_rows(&stages, &points, &m_f64, &pain),
    ] {
        typed("HeatMap::from_rows", &r);
        if let Ok(m) = r {
            heat_checks(&m, share);
        }
    }
}
