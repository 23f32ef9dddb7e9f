//! Outcomes by score: the rate of a later outcome (repurchase, referral,
//! retention) per score band, its lift over a reference band and a test of
//! the difference, with censored observation windows left out and counted.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::group::{GroupKey, Grouping};
use crate::period::Period;
use crate::score::Scale;
use crate::state::Saved;
use crate::stats::{ratio_score_interval, wilson};
use crate::table::{Column, Table};
use crate::{compare_shares, z_value, ChangeOptions, ShareCounts};

/// A score band: the inclusive scores `low..=high` under a name (policy
/// data, e.g. `{"name": "8-10", "low": 8, "high": 10}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The band's name (non-empty, unique among the bands).
    pub name: String,
    /// Lowest score of the band.
    pub low: i64,
    /// Highest score of the band (inclusive).
    pub high: i64,
}

impl Band {
    /// The band `name` of scores `low..=high`.
    pub fn new(name: impl Into<String>, low: i64, high: i64) -> Band {
        Band {
            name: name.into(),
            low,
            high,
        }
    }
}

/// The default bands: the categories of the standard scale
/// ([`Scale::STANDARD`]): `detractor` 0–6, `passive` 7–8, `promoter` 9–10.
///
/// ```
/// let b = nps_core::loyalty::category_bands();
/// assert_eq!((b[0].name.as_str(), b[0].low, b[0].high), ("detractor", 0, 6));
/// assert_eq!(b[2].name, "promoter");
/// ```
pub fn category_bands() -> Vec<Band> {
    let s = Scale::STANDARD;
    let mut out = vec![Band::new(
        "detractor",
        s.detractors().low,
        s.detractors().high,
    )];
    if let Some(p) = s.passives() {
        out.push(Band::new("passive", p.low, p.high));
    }
    out.push(Band::new("promoter", s.promoters().low, s.promoters().high));
    out
}

/// Checks bands: at least one, names non-empty and unique, each
/// `low <= high`, and together they cover the scores 0..=10 exactly once
/// (no gap, no overlap, in any order). Errors are
/// [`Error::InvalidArgument`] naming `bands` and the band.
///
/// ```
/// use nps_core::loyalty::{check_bands, Band};
/// assert!(check_bands(&[Band::new("low", 0, 7), Band::new("high", 8, 10)]).is_ok());
/// let e = check_bands(&[Band::new("low", 0, 8), Band::new("high", 8, 10)]).unwrap_err();
/// assert!(e.to_string().contains("overlap"));
/// ```
pub fn check_bands(bands: &[Band]) -> Result<()> {
    let bad = |m: String| Err(Error::arg("bands", m));
    if bands.is_empty() {
        return bad("give at least one band".into());
    }
    for (i, b) in bands.iter().enumerate() {
        if b.name.is_empty() {
            return bad(format!("band {i} has an empty name"));
        }
        if bands[..i].iter().any(|o| o.name == b.name) {
            return bad(format!("band name `{}` is given twice", b.name));
        }
        if b.low > b.high {
            return bad(format!(
                "band `{}` has low {} > high {}",
                b.name, b.low, b.high
            ));
        }
        if b.low < 0 || b.high > 10 {
            return bad(format!(
                "band `{}` ({}..={}) is outside the scores 0..=10",
                b.name, b.low, b.high
            ));
        }
    }
    let mut order: Vec<&Band> = bands.iter().collect();
    order.sort_by_key(|b| b.low);
    let mut next = 0;
    for (i, b) in order.iter().enumerate() {
        if b.low > next {
            return bad(format!(
                "the bands leave a gap: no band holds score {next} (before `{}`)",
                b.name
            ));
        }
        if b.low < next {
            return bad(format!(
                "bands `{}` and `{}` overlap at score {}",
                order[i - 1].name,
                b.name,
                b.low
            ));
        }
        next = b.high + 1;
    }
    if next <= 10 {
        return bad(format!(
            "the bands leave a gap: no band holds scores {next}..=10"
        ));
    }
    Ok(())
}

/// Options of [`outcome_by_score`].
///
/// | field        | default                                  |
/// |--------------|------------------------------------------|
/// | `bands`      | `None`: [`category_bands`]               |
/// | `reference`  | `None`: the band holding score 0 (`detractor`) |
/// | `as_of`      | `None`: no window is open (nothing censored) |
/// | `confidence` | 0.95 ([`DEFAULT_CONFIDENCE`](crate::DEFAULT_CONFIDENCE)) |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeOptions {
    /// The score bands ([`check_bands`]); `None` = the categories.
    pub bands: Option<Vec<Band>>,
    /// The name of the band the others are compared with; `None` = the
    /// band holding score 0.
    pub reference: Option<String>,
    /// The instant (Unix seconds) the outcomes were read: a respondent
    /// whose window ends after it is censored. Needed with
    /// `observed_until`.
    pub as_of: Option<i64>,
    /// Confidence of the rate and lift intervals.
    pub confidence: f64,
}

impl Default for OutcomeOptions {
    fn default() -> OutcomeOptions {
        OutcomeOptions {
            bands: None,
            reference: None,
            as_of: None,
            confidence: crate::DEFAULT_CONFIDENCE,
        }
    }
}

impl OutcomeOptions {
    /// The bands in use and the index of the reference band, checked.
    pub fn resolve(&self) -> Result<(Vec<Band>, usize)> {
        crate::stats::check_confidence(self.confidence)?;
        let mut bands = self.bands.clone().unwrap_or_else(category_bands);
        check_bands(&bands)?;
        bands.sort_by_key(|b| b.low);
        let reference = match &self.reference {
            None => 0,
            Some(r) => bands.iter().position(|b| &b.name == r).ok_or_else(|| {
                Error::arg(
                    "reference",
                    format!(
                        "no band is named `{r}` (the bands are {})",
                        bands
                            .iter()
                            .map(|b| format!("`{}`", b.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        };
        Ok((bands, reference))
    }
}

/// The input columns of [`outcome_by_score`], one row per respondent.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeColumns<'a> {
    /// Scores 0..=10 (whole numbers; NaN or anything else is an
    /// [`Error::InvalidScore`] with its row).
    pub scores: &'a [f64],
    /// Whether the outcome happened within the respondent's window.
    pub outcomes: &'a [bool],
    /// When each respondent's observation window ends (Unix seconds);
    /// `None` = every window has ended.
    pub observed_until: Option<&'a [i64]>,
}

/// Counts of one band in one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BandCounts {
    /// Respondents whose window has ended (the denominator).
    pub n: u64,
    /// Of them, those with the outcome (the numerator).
    pub outcomes: u64,
    /// Respondents left out because their window had not ended by `as_of`.
    pub censored: u64,
}

/// One group (key and period) of an [`OutcomeTable`]: counts per band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeGroup {
    /// The group key ([`GroupKey::All`] when not grouped).
    pub key: GroupKey,
    /// Local first day of the period, when grouped by period.
    pub period_start: Option<NaiveDate>,
    /// Counts per band, in the order of [`OutcomeTable::bands`].
    pub counts: Vec<BandCounts>,
}

/// The result of [`outcome_by_score`]: counts per group and band (they
/// merge exactly and save with [`Saved`]); [`OutcomeTable::rows`] and
/// [`OutcomeTable::to_table`] derive the rates, intervals, lifts and tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeTable {
    /// The bands, by increasing score.
    pub bands: Vec<Band>,
    /// Index of the reference band.
    pub reference: usize,
    /// Confidence of the intervals.
    pub confidence: f64,
    /// The period, if grouped by period.
    pub period: Option<Period>,
    /// The groups, sorted by key then period.
    pub groups: Vec<OutcomeGroup>,
}

/// One band of one group with its statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRow {
    /// The group key.
    pub key: GroupKey,
    /// Local first day of the period, when grouped by period.
    pub period_start: Option<NaiveDate>,
    /// The band's name.
    pub band: String,
    /// The counts.
    pub counts: BandCounts,
    /// outcomes / n; `None` when n = 0.
    pub rate: Option<f64>,
    /// Wilson score interval of the rate (`None` when n = 0).
    pub low: Option<f64>,
    /// Upper bound of the rate's interval.
    pub high: Option<f64>,
    /// rate / reference rate; `None` when either rate is undefined or the
    /// reference rate is 0. The reference band's lift is 1.
    pub lift: Option<f64>,
    /// Koopman's score interval of the lift (0 when the band has no
    /// outcome); `None` for the reference band or without data.
    pub lift_low: Option<f64>,
    /// Upper bound (`None` also when unbounded: no outcome in the
    /// reference band).
    pub lift_high: Option<f64>,
    /// Two-sided p-value of "the band's rate equals the reference's"
    /// (the pooled score test of [`compare_shares`]); `None` for the
    /// reference band or without data.
    pub p_value: Option<f64>,
}

/// The rate of a later outcome per score band, its lift over a reference
/// band and a test of the difference, per group of the grouping engine
/// (dealer, period).
///
/// - Bands: the categories by default, or any bands covering 0..=10
///   ([`check_bands`]), e.g. "8–10 vs 0–7" for the source's "customers
///   scoring after-sales ≥ 8 repurchase 2.7× as often within 6 months".
/// - Censoring: with `observed_until` and `options.as_of`, a respondent
///   whose window ends after `as_of` is left out of n and outcomes and
///   counted in `censored` — never counted as "no outcome". A respondent
///   whose outcome already happened is censored too while the window is
///   open (counting only early "yes" answers would inflate the rate).
/// - Rate interval: Wilson's score interval. Lift: the ratio of two
///   proportions with Koopman's asymptotic score interval (no correction
///   needed at zero counts). Test: the pooled score (z) test of the two
///   proportions, two-sided.
///
/// Errors: [`Error::InvalidScore`] with the row; [`Error::LengthMismatch`];
/// [`Error::InvalidArgument`] naming `bands`, `reference`, `as_of`
/// (`observed_until` given without it) or `confidence`; the grouping
/// engine's errors.
///
/// ```
/// use nps_core::group::Grouping;
/// use nps_core::loyalty::{outcome_by_score, Band, OutcomeColumns, OutcomeOptions};
/// let scores = [9.0, 10.0, 8.0, 3.0, 5.0, 2.0];
/// let repurchased = [true, true, false, true, false, false];
/// let o = OutcomeOptions {
///     bands: Some(vec![Band::new("0-7", 0, 7), Band::new("8-10", 8, 10)]),
///     ..Default::default()
/// };
/// let cols = OutcomeColumns { scores: &scores, outcomes: &repurchased, observed_until: None };
/// let t = outcome_by_score(&cols, &o, &Grouping::default())?;
/// let rows = t.rows()?;
/// assert_eq!((rows[1].band.as_str(), rows[1].counts.outcomes, rows[1].counts.n), ("8-10", 2, 3));
/// assert!((rows[1].lift.unwrap() - 2.0).abs() < 1e-12); // 2/3 against 1/3
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn outcome_by_score(
    cols: &OutcomeColumns<'_>,
    options: &OutcomeOptions,
    g: &Grouping<'_>,
) -> Result<OutcomeTable> {
    let (bands, reference) = options.resolve()?;
    let n = cols.scores.len();
    Error::check_len("outcomes", cols.outcomes.len(), "scores", n)?;
    if let Some(u) = cols.observed_until {
        Error::check_len("observed_until", u.len(), "scores", n)?;
        if options.as_of.is_none() {
            return Err(Error::arg(
                "as_of",
                "observed_until needs as_of: the instant the outcomes were read",
            ));
        }
    }
    // Band of each score (0..=10 → band index).
    let mut of_score = [0usize; 11];
    for (j, b) in bands.iter().enumerate() {
        for s in b.low..=b.high {
            of_score[s as usize] = j;
        }
    }
    let mut band = Vec::with_capacity(n);
    for (i, &s) in cols.scores.iter().enumerate() {
        if !(s.is_finite() && s.fract() == 0.0 && (0.0..=10.0).contains(&s)) {
            return Err(Error::InvalidScore {
                index: i,
                value: s,
                min: 0,
                max: 10,
            });
        }
        band.push(of_score[s as usize]);
    }
    let a = g.assign(n)?;
    let k = bands.len();
    let mut counts = vec![BandCounts::default(); a.labels.len() * k];
    for (i, &r) in a.rows.iter().enumerate() {
        if r == crate::group::Assignment::NONE {
            continue;
        }
        let c = &mut counts[r as usize * k + band[i]];
        let open = match (cols.observed_until, options.as_of) {
            (Some(u), Some(as_of)) => u[i] > as_of,
            _ => false,
        };
        if open {
            c.censored += 1;
        } else {
            c.n += 1;
            c.outcomes += u64::from(cols.outcomes[i]);
        }
    }
    let groups = a
        .labels
        .into_iter()
        .enumerate()
        .map(|(r, (key, period_start))| OutcomeGroup {
            key,
            period_start,
            counts: counts[r * k..(r + 1) * k].to_vec(),
        })
        .collect();
    Ok(OutcomeTable {
        bands,
        reference,
        confidence: options.confidence,
        period: g.period,
        groups,
    })
}

impl OutcomeTable {
    /// Respondents used (windows ended), over every group and band.
    pub fn used(&self) -> u64 {
        self.groups
            .iter()
            .flat_map(|g| &g.counts)
            .map(|c| c.n)
            .sum()
    }

    /// Respondents censored, over every group and band.
    pub fn censored(&self) -> u64 {
        self.groups
            .iter()
            .flat_map(|g| &g.counts)
            .map(|c| c.censored)
            .sum()
    }

    /// Every band of every group with its rate, interval, lift and test.
    pub fn rows(&self) -> Result<Vec<OutcomeRow>> {
        let z = z_value(self.confidence)?;
        let opts = ChangeOptions {
            confidence: self.confidence,
            ..Default::default()
        };
        let mut out = Vec::with_capacity(self.groups.len() * self.bands.len());
        for g in &self.groups {
            let rc = g.counts[self.reference];
            let ref_rate = (rc.n > 0).then(|| rc.outcomes as f64 / rc.n as f64);
            for (j, (b, &c)) in self.bands.iter().zip(&g.counts).enumerate() {
                let rate = (c.n > 0).then(|| c.outcomes as f64 / c.n as f64);
                let (low, high) = match c.n {
                    0 => (None, None),
                    _ => {
                        let (l, h) = wilson(c.outcomes, c.n, z);
                        (Some(l), Some(h))
                    }
                };
                let mut row = OutcomeRow {
                    key: g.key.clone(),
                    period_start: g.period_start,
                    band: b.name.clone(),
                    counts: c,
                    rate,
                    low,
                    high,
                    lift: None,
                    lift_low: None,
                    lift_high: None,
                    p_value: None,
                };
                if j == self.reference {
                    row.lift = rate.map(|_| 1.0);
                } else if let (Some(p), Some(q)) = (rate, ref_rate) {
                    row.lift = (q > 0.0).then(|| p / q);
                    if c.outcomes + rc.outcomes > 0 {
                        let (l, h) = ratio_score_interval(c.outcomes, c.n, rc.outcomes, rc.n, z);
                        row.lift_low = Some(l);
                        row.lift_high = h;
                    }
                    let s = compare_shares(
                        ShareCounts {
                            k: c.outcomes,
                            n: c.n,
                        },
                        ShareCounts {
                            k: rc.outcomes,
                            n: rc.n,
                        },
                        &opts,
                    )?;
                    row.p_value = Some(s.p_value);
                }
                out.push(row);
            }
        }
        Ok(out)
    }

    /// The rows as a [`Table`]: key columns, `period`, `band`, `n`,
    /// `outcomes`, `censored` (u64), `rate`, `low`, `high`, `lift`,
    /// `lift_low`, `lift_high`, `p_value` (f64, null = no data).
    pub fn to_table(&self) -> Result<Table> {
        let rows = self.rows()?;
        let mut t = Table::from_labels(rows.iter().map(|r| (&r.key, r.period_start)), self.period);
        t.push(
            "band",
            Column::Str(rows.iter().map(|r| Some(r.band.clone())).collect()),
        );
        let u = |f: fn(&BandCounts) -> u64| {
            Column::U64(rows.iter().map(|r| Some(f(&r.counts))).collect())
        };
        t.push("n", u(|c| c.n));
        t.push("outcomes", u(|c| c.outcomes));
        t.push("censored", u(|c| c.censored));
        let f = |f: fn(&OutcomeRow) -> Option<f64>| Column::F64(rows.iter().map(f).collect());
        t.push("rate", f(|r| r.rate));
        t.push("low", f(|r| r.low));
        t.push("high", f(|r| r.high));
        t.push("lift", f(|r| r.lift));
        t.push("lift_low", f(|r| r.lift_low));
        t.push("lift_high", f(|r| r.lift_high));
        t.push("p_value", f(|r| r.p_value));
        Ok(t)
    }

    /// Adds another table's counts (e.g. of another batch of respondents):
    /// the same as one pass over both. The bands, reference, confidence
    /// and period must agree ([`Error::InvalidArgument`] naming `other`).
    pub fn merge(&self, other: &OutcomeTable) -> Result<OutcomeTable> {
        if self.bands != other.bands
            || self.reference != other.reference
            || self.confidence != other.confidence
            || self.period != other.period
        {
            return Err(Error::arg(
                "other",
                "the tables have different bands, reference, confidence or period",
            ));
        }
        let mut groups: Vec<OutcomeGroup> = Vec::new();
        let (mut a, mut b) = (
            self.groups.iter().peekable(),
            other.groups.iter().peekable(),
        );
        loop {
            let next = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(_), None) => a.next().cloned(),
                (None, Some(_)) => b.next().cloned(),
                (Some(x), Some(y)) => {
                    match (&x.key, x.period_start).cmp(&(&y.key, y.period_start)) {
                        std::cmp::Ordering::Less => a.next().cloned(),
                        std::cmp::Ordering::Greater => b.next().cloned(),
                        std::cmp::Ordering::Equal => {
                            let (x, y) = (a.next(), b.next());
                            match (x, y) {
                                (Some(x), Some(y)) => {
                                    let mut m = x.clone();
                                    for (c, d) in m.counts.iter_mut().zip(&y.counts) {
                                        let add = |p: u64, q: u64| {
                                            p.checked_add(q).ok_or(Error::Overflow {
                                                what: "outcome counts",
                                            })
                                        };
                                        c.n = add(c.n, d.n)?;
                                        c.outcomes = add(c.outcomes, d.outcomes)?;
                                        c.censored = add(c.censored, d.censored)?;
                                    }
                                    Some(m)
                                }
                                _ => None,
                            }
                        }
                    }
                }
            };
            groups.extend(next);
        }
        Ok(OutcomeTable {
            groups,
            ..self.clone()
        })
    }
}

impl Saved for OutcomeTable {
    const KIND: &'static str = "OutcomeTable";

    fn check(&self) -> Result<()> {
        let mut bands = self.bands.clone();
        check_bands(&bands)?;
        bands.sort_by_key(|b| b.low);
        if bands != self.bands || self.reference >= self.bands.len() {
            return Err(Error::arg(
                "state",
                "bands out of order or reference out of range",
            ));
        }
        crate::stats::check_confidence(self.confidence)?;
        for (i, g) in self.groups.iter().enumerate() {
            if g.counts.len() != self.bands.len()
                || g.counts.iter().any(|c| c.outcomes > c.n)
                || (i > 0
                    && (&self.groups[i - 1].key, self.groups[i - 1].period_start)
                        >= (&g.key, g.period_start))
            {
                return Err(Error::arg(
                    "state",
                    format!("group {i} is out of order or has inconsistent counts"),
                ));
            }
        }
        Ok(())
    }
}
