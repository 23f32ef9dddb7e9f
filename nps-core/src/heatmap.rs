//! Customer-journey pain-point heat maps (SPEC §5).
//!
//! A pain point has a journey [`Stage`], a description, a mention count and a
//! pain index 1–10; its **heat = mentions × pain index**. A [`HeatMap`] is
//! built from pre-counted rows ([`HeatMap::from_rows`]) or from raw complaint
//! records ([`HeatMap::from_records`], one mention per record), and answers
//! the ranking ([`HeatMap::ranked`]), the stage totals
//! ([`HeatMap::by_stage`]), the Pareto set ([`HeatMap::pareto`]: which few
//! points carry 80 % of the heat), the 2-D stage × dealer / stage × period
//! map ([`HeatMap::matrix`]) and the NPS driver view ([`HeatMap::drivers`]).
//!
//! Heat, mentions and every total are exact integers (`u64`, overflow is
//! [`Error::Overflow`]); shares are computed from those integers.
//!
//! ## Partial maps
//!
//! A map merges with the map of other rows ([`HeatMap::merge`]): the result
//! equals the map built in one pass over all the rows, matrices included,
//! so maps of partitions (threads, files, Dask workers) combine in any
//! tree. Maps save and load exactly ([`Saved`](crate::state::Saved)).
//!
//! ## Merging duplicates
//!
//! Rows (or records) with the same stage and the same description are one
//! pain point: their mentions add up and their heats add up. The point's
//! pain index is then the mention-weighted mean `heat / mentions` (reported
//! as [`PainPoint::pain`]). Pre-counted rows that give the same point two
//! different pain indexes are therefore merged as if each row were that many
//! records, never rejected and never overwritten; records are the special
//! case of rows with one mention each, so both constructors agree.
//!
//! ```
//! use nps_core::heatmap::{HeatMap, Stage};
//!
//! // The source's table (SPEC §5), two of its seven rows.
//! let map = HeatMap::from_rows(
//!     &[Stage::Reception, Stage::Repair],
//!     &["queue longer than 30 minutes on arrival", "problem not fixed"],
//!     &[893u64, 398],
//!     &[9u8, 10],
//! )?;
//! let ranked = map.ranked();
//! assert_eq!(ranked[0].heat, 8037);
//! assert_eq!(map.total_heat(), 8037 + 3980);
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::group::{
    map_with_capacity, Codes, FastMap, GroupKey, Grouping, Keys, RowTexts, TextColumn,
};
use crate::kpi::merge::{bad_state, other, same_shape, uniform_shape, Periods};
use crate::kpi::Interner;
use crate::period::{parse_tz, Period, PeriodIndex};
use crate::policy::Driver;
use chrono_tz::Tz;

/// A stage of the after-sales customer journey, in journey order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
pub enum Stage {
    /// Booking the visit.
    Appointment = 0,
    /// Arrival and reception by an advisor.
    Reception = 1,
    /// Inspection, diagnosis and quote.
    Diagnosis = 2,
    /// The repair itself.
    Repair = 3,
    /// Handover, invoice and payment.
    Delivery = 4,
    /// After the visit: follow-up call, complaint handling.
    FollowUp = 5,
}

impl Stage {
    /// All stages in journey order.
    pub const ALL: [Stage; 6] = [
        Stage::Appointment,
        Stage::Reception,
        Stage::Diagnosis,
        Stage::Repair,
        Stage::Delivery,
        Stage::FollowUp,
    ];

    /// The snake_case name: `appointment`, `reception`, `diagnosis`,
    /// `repair`, `delivery`, `follow_up`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Appointment => "appointment",
            Stage::Reception => "reception",
            Stage::Diagnosis => "diagnosis",
            Stage::Repair => "repair",
            Stage::Delivery => "delivery",
            Stage::FollowUp => "follow_up",
        }
    }

    /// Parses a stage name (see [`Stage::name`]); `None` if unknown.
    ///
    /// ```
    /// use nps_core::heatmap::Stage;
    /// assert_eq!(Stage::from_name("follow_up"), Some(Stage::FollowUp));
    /// assert_eq!(Stage::from_name("billing"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The stage with journey position `code` (0 = appointment … 5 =
    /// follow_up; the C constants `NPS_STAGE_*`), `None` otherwise.
    pub fn from_code(code: u32) -> Option<Stage> {
        Stage::ALL.get(code as usize).copied()
    }

    /// Parses a column of stage names; an unknown name is
    /// [`Error::InvalidValue`] for column `stages` at its row.
    ///
    /// ```
    /// use nps_core::{heatmap::Stage, ErrorKind};
    /// let err = Stage::parse_names(&["repair", "waiting"]).unwrap_err();
    /// assert_eq!((err.kind(), err.index()), (ErrorKind::InvalidValue, Some(1)));
    /// ```
    pub fn parse_names<S: AsRef<str>>(names: &[S]) -> Result<Vec<Stage>> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Stage::from_name(n.as_ref()).ok_or_else(|| unknown_stage(i, n.as_ref())))
            .collect()
    }

    /// Converts a column of stage codes (see [`Stage::from_code`]); an
    /// unknown code is [`Error::InvalidValue`] for column `stages`.
    pub fn parse_codes(codes: &[u32]) -> Result<Vec<Stage>> {
        codes
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                Stage::from_code(c).ok_or_else(|| {
                    Error::value(
                        "stages",
                        i,
                        format!("unknown stage code {c} (expected 0..=5)"),
                    )
                })
            })
            .collect()
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A number that can be a mention count or a pain index: unsigned and
/// signed integers, and `f64` holding a whole number (as from a pandas
/// column). Negative, fractional, NaN and infinite values are rejected.
pub trait HeatValue: Copy + Send + Sync {
    /// The value as a whole non-negative number, or why it is not one.
    fn to_count(self) -> std::result::Result<u64, String>;

    /// True for a pain index: a whole number 1..=10. Branch-free for the
    /// integer types, so that a column is checked at memory speed.
    #[inline]
    fn is_pain(self) -> bool {
        matches!(self.to_count(), Ok(1..=10))
    }

    /// The value as a pain index, when [`HeatValue::is_pain`] holds (any
    /// number otherwise).
    #[inline]
    fn pain_unchecked(self) -> u64 {
        self.to_count().unwrap_or(0)
    }
}

macro_rules! unsigned_heat_value {
    ($($t:ty),*) => {$(
        impl HeatValue for $t {
            fn to_count(self) -> std::result::Result<u64, String> {
                Ok(self as u64)
            }
            #[inline(always)]
            fn is_pain(self) -> bool {
                self.wrapping_sub(1) < 10
            }
            #[inline(always)]
            fn pain_unchecked(self) -> u64 {
                self as u64
            }
        }
    )*};
}
unsigned_heat_value!(u8, u16, u32, u64);

macro_rules! signed_heat_value {
    ($($t:ty),*) => {$(
        impl HeatValue for $t {
            fn to_count(self) -> std::result::Result<u64, String> {
                u64::try_from(self).map_err(|_| format!("{self} is negative"))
            }
            #[inline(always)]
            fn is_pain(self) -> bool {
                (1..=10).contains(&self)
            }
            #[inline(always)]
            fn pain_unchecked(self) -> u64 {
                self as u64
            }
        }
    )*};
}
signed_heat_value!(i8, i16, i32, i64);

impl HeatValue for f64 {
    #[inline(always)]
    fn is_pain(self) -> bool {
        // Saturating casts: NaN reads 0; 1..=10 and whole only if equal.
        let i = self as u8;
        (i as f64 == self) & (i.wrapping_sub(1) < 10)
    }
    #[inline(always)]
    fn pain_unchecked(self) -> u64 {
        self as u64
    }
    fn to_count(self) -> std::result::Result<u64, String> {
        if self.is_nan() {
            Err("missing value (NaN)".into())
        } else if self < 0.0 {
            Err(format!("{self} is negative"))
        } else if self.fract() != 0.0 || self >= 18_446_744_073_709_551_616.0 {
            Err(format!("{self} is not a whole number of at most 2^64 - 1"))
        } else {
            Ok(self as u64)
        }
    }
}

fn pain_at<P: HeatValue>(pain: &[P], i: usize) -> Result<u64> {
    if pain[i].is_pain() {
        return Ok(pain[i].pain_unchecked());
    }
    Err(pain_error(pain[i], i))
}

/// The error of pain index `v` (not 1..=10) at row `i`.
fn pain_error<P: HeatValue>(v: P, i: usize) -> Error {
    let p = match v.to_count() {
        Ok(p) => p,
        Err(r) => {
            return Error::value(
                "pain",
                i,
                format!("{r}; a pain index is a whole number 1..=10"),
            )
        }
    };
    Error::value("pain", i, format!("pain index {p} is outside 1..=10"))
}

fn check_description(s: &str, i: usize) -> Result<()> {
    if s.trim().is_empty() {
        return Err(Error::value("points", i, "empty pain-point description"));
    }
    Ok(())
}

/// One pain point of a [`HeatMap`] after merging duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PainPoint {
    /// Position in the ranking, 1-based (1 = hottest).
    pub rank: usize,
    /// Journey stage.
    pub stage: Stage,
    /// Description as given (the first spelling seen).
    pub description: String,
    /// Mentions (rows' counts summed, or the number of records).
    pub mentions: u64,
    /// Heat: Σ mentions × pain index over the merged rows.
    pub heat: u64,
    /// Mention-weighted pain index `heat / mentions`; `None` with 0 mentions.
    pub pain: Option<f64>,
    /// `heat / total heat`; `None` when the total heat is 0.
    pub share: Option<f64>,
    /// Share of the total heat carried by this point and all hotter ones.
    pub cumulative_share: Option<f64>,
}

/// The heat of one journey stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageTotal {
    /// The stage.
    pub stage: Stage,
    /// Number of distinct pain points in the stage.
    pub points: usize,
    /// Mentions summed over the stage.
    pub mentions: u64,
    /// Heat summed over the stage.
    pub heat: u64,
    /// `heat / total heat`; `None` when the total heat is 0.
    pub share: Option<f64>,
    /// Mention-weighted pain index of the stage; `None` with 0 mentions.
    pub pain: Option<f64>,
    /// The stage's hottest point (first in the ranking); `None` if none.
    pub top_point: Option<String>,
    /// Heat of `top_point` (0 if none).
    pub top_heat: u64,
}

/// The axis of the 2-D form of a map built from records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatrixBy {
    /// One column per key (dealer, advisor…), in ascending key order.
    Key,
    /// One column per calendar period, in time order.
    Period,
}

impl MatrixBy {
    /// Parses `"key"` or `"period"`.
    pub fn from_name(name: &str) -> Result<MatrixBy> {
        match name {
            "key" => Ok(MatrixBy::Key),
            "period" => Ok(MatrixBy::Period),
            other => Err(Error::arg(
                "by",
                format!("unknown matrix axis `{other}` (expected key or period)"),
            )),
        }
    }
}

/// A stage × column heat matrix (columns are keys or periods).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// Row labels: all six stages in journey order.
    pub stages: Vec<Stage>,
    /// Column labels: keys in ascending order, or period labels
    /// (`2025-03`, `2025-W09`, …) in time order.
    pub columns: Vec<String>,
    /// Heat, row-major: `heat[s * columns.len() + c]`.
    pub heat: Vec<u64>,
    /// Mentions, same layout.
    pub mentions: Vec<u64>,
    /// The key of each column of a stage × key matrix (empty for periods).
    pub keys: Vec<GroupKey>,
    /// The local first day of each column's period of a stage × period
    /// matrix (empty for keys).
    pub starts: Vec<NaiveDate>,
}

impl Matrix {
    /// Heat of stage `stage` in column `col`.
    pub fn heat_at(&self, stage: Stage, col: usize) -> u64 {
        self.heat[stage as usize * self.columns.len() + col]
    }
}

/// One row of the NPS driver view ([`HeatMap::drivers`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverHeat {
    /// Driver name (`waiting_time`, …).
    pub driver: String,
    /// The policy's weight of the driver; `None` for a driver named in the
    /// stage mapping but absent from the policy.
    pub weight: Option<f64>,
    /// The stages of the pain points assigned to this driver, in journey
    /// order.
    pub stages: Vec<Stage>,
    /// The pain points assigned to this driver, hottest first.
    pub points: Vec<String>,
    /// Their heat.
    pub heat: u64,
    /// `heat / total heat`; `None` when the total heat is 0.
    pub share: Option<f64>,
}

/// A rule of the NPS driver view (policy data, `pain_point_drivers`):
/// the pain points it assigns to `driver`. A pain point goes to the first
/// rule that names it exactly in `points`; else to the first rule with a
/// keyword found in its description (case-insensitive); else to the first
/// rule listing its journey stage in `stages`; else to no driver (the
/// view's `unmapped` row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PainRule {
    /// The driver (a name of the policy's `drivers`, e.g. `waiting_time`).
    pub driver: String,
    /// Pain-point descriptions assigned exactly, as written in the records.
    #[serde(default)]
    pub points: Vec<String>,
    /// Words or phrases; a description containing one (ignoring case) is
    /// assigned, when no rule names it exactly.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Journey stages whose remaining pain points are assigned.
    #[serde(default)]
    pub stages: Vec<Stage>,
}

/// The default rules of the NPS driver view, after the source's pain-point
/// table and its five drivers (SPEC §3; seeds 000 §二): waiting (queues,
/// slots, waiting without progress updates, checkout), repair quality
/// (not fixed, repeat visits), the advisor's attitude (not greeted, rude),
/// price transparency (quotes, bills above the estimate) and resolution
/// efficiency (complaints and feedback that go nowhere) — each by English
/// and Chinese keywords, then by stage for what no keyword names
/// (appointment, reception and delivery: waiting; diagnosis: price;
/// repair: repair quality; follow-up: resolution). The source's "no
/// progress update while waiting" is waiting, not repair quality; a
/// pain point about the advisor's manner is attitude at any stage.
///
/// ```
/// use nps_core::heatmap::{default_pain_rules, driver_of, Stage};
/// let r = default_pain_rules();
/// assert_eq!(driver_of(&r, Stage::Repair, "no progress updates while waiting"), Some("waiting_time"));
/// assert_eq!(driver_of(&r, Stage::Repair, "problem not fixed after the repair"), Some("repair_quality"));
/// assert_eq!(driver_of(&r, Stage::Reception, "no advisor greets the customer"), Some("advisor_attitude"));
/// assert_eq!(driver_of(&r, Stage::Diagnosis, "报价不透明,最终费用高于预期"), Some("price_transparency"));
/// ```
pub fn default_pain_rules() -> Vec<PainRule> {
    let rule = |driver: &str, keywords: &[&str], stages: &[Stage]| PainRule {
        driver: driver.to_owned(),
        points: Vec::new(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        stages: stages.to_vec(),
    };
    vec![
        rule(
            "advisor_attitude",
            &[
                "attitude",
                "rude",
                "impolite",
                "greet",
                "indifferent",
                "态度",
                "冷漠",
                "敷衍",
            ],
            &[],
        ),
        rule(
            "price_transparency",
            &[
                "quote",
                "price",
                "bill",
                "estimate",
                "overcharg",
                "报价",
                "费用",
                "价格",
                "收费",
            ],
            &[Stage::Diagnosis],
        ),
        rule(
            "repair_quality",
            &[
                "not fixed",
                "not solved",
                "repeat",
                "again",
                "comeback",
                "dirty",
                "damage",
                "未解决",
                "返修",
                "没修好",
            ],
            &[Stage::Repair],
        ),
        rule(
            "waiting_time",
            &[
                "wait", "queue", "slot", "slow", "delay", "progress", "排队", "等待", "等候",
                "进度",
            ],
            &[Stage::Appointment, Stage::Reception, Stage::Delivery],
        ),
        rule(
            "resolution_efficiency",
            &[
                "complaint",
                "feedback",
                "unresponsive",
                "no response",
                "escalat",
                "投诉",
                "反馈",
                "回访",
            ],
            &[Stage::FollowUp],
        ),
    ]
}

/// The driver `rules` assign to a pain point of `stage` described by
/// `description` (see [`PainRule`]); `None`: no rule assigns it.
pub fn driver_of<'a>(rules: &'a [PainRule], stage: Stage, description: &str) -> Option<&'a str> {
    if let Some(r) = rules
        .iter()
        .find(|r| r.points.iter().any(|p| p == description))
    {
        return Some(&r.driver);
    }
    let lower = description.to_lowercase();
    if let Some(r) = rules
        .iter()
        .find(|r| r.keywords.iter().any(|k| lower.contains(&k.to_lowercase())))
    {
        return Some(&r.driver);
    }
    rules
        .iter()
        .find(|r| r.stages.contains(&stage))
        .map(|r| r.driver.as_str())
}

/// Checks driver-view rules: a driver name, at least one point, keyword or
/// stage, and no empty keyword. Problems carry their path under `path`.
pub(crate) fn check_pain_rules(
    rules: &[PainRule],
    path: &str,
    problems: &mut Vec<crate::error::Problem>,
) {
    for (i, r) in rules.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if r.driver.trim().is_empty() {
            problems.push(crate::error::Problem::new(
                format!("{at}.driver"),
                "a rule names its driver",
            ));
        }
        if r.points.is_empty() && r.keywords.is_empty() && r.stages.is_empty() {
            problems.push(crate::error::Problem::new(
                at.clone(),
                "a rule assigns points, keywords or stages",
            ));
        }
        if let Some(k) = r.keywords.iter().position(|k| k.trim().is_empty()) {
            problems.push(crate::error::Problem::new(
                format!("{at}.keywords[{k}]"),
                "a keyword is not empty",
            ));
        }
    }
}

/// Where records fall in the 2-D form: optional keys (dealer…) and optional
/// timestamps (Unix seconds) grouped by `period` in time zone `tz`.
#[derive(Debug, Clone, Copy)]
pub struct RecordDims<'a> {
    /// One key per record (e.g. the dealer), or `None`: any key column of
    /// the grouping engine — integers, strings, or several columns at once
    /// ([`Keys::Multi`], e.g. dealer × advisor). A matrix column is labelled
    /// with its key's text ([`GroupKey`]'s
    /// `Display`: the parts of several columns joined with `" | "`), in
    /// ascending key order.
    pub keys: Option<Keys<'a>>,
    /// One Unix-second instant per record, or `None`.
    pub timestamps: Option<&'a [i64]>,
    /// Period of the timestamp axis (month by default).
    pub period: Period,
    /// IANA time zone of the periods (`UTC` by default).
    pub tz: &'a str,
}

impl Default for RecordDims<'_> {
    fn default() -> Self {
        RecordDims {
            keys: None,
            timestamps: None,
            period: Period::Month,
            tz: crate::period::DEFAULT_TZ,
        }
    }
}

/// A column of text read in place: the stage names or the pain-point
/// descriptions of [`HeatMap::from_record_columns`].
#[derive(Debug, Clone, Copy)]
pub enum Texts<'a> {
    /// One `&str` per row.
    Str(&'a [&'a str]),
    /// Dictionary-encoded text (a pandas `Categorical`, a polars
    /// `Categorical` / `Enum`, an Arrow dictionary, strings factorised
    /// once): row `i` is `labels[codes[i]]`, read in the codes' own width.
    /// Every code must index `labels`; labels may repeat.
    Coded {
        /// The label index of each row.
        codes: Codes<'a>,
        /// The labels.
        labels: &'a [&'a str],
    },
    /// Text read in blocks from a [`TextColumn`] (e.g. Arrow string
    /// buffers), which holds no `&str` per row.
    Column(&'a dyn TextColumn),
    /// An Arrow `utf8_view` column read in place: `views` holds one
    /// 16-byte little-endian view per row (length; then a text of up to
    /// 12 bytes itself, or its 4-byte prefix, buffer index and offset into
    /// `buffers`). Rows are told apart by their view (short texts) or
    /// their bytes, so a text is read and checked (UTF-8, inside its
    /// buffer) once per distinct text, not per row; a bad view is an
    /// [`Error::InvalidValue`] at its row.
    Views {
        /// The views, 16 bytes per row.
        views: &'a [u8],
        /// The data buffers the views of longer texts point into.
        buffers: &'a [&'a [u8]],
    },
}

impl Texts<'_> {
    /// Rows in the column.
    pub fn len(&self) -> usize {
        match self {
            Texts::Str(s) => s.len(),
            Texts::Coded { codes, .. } => codes.len(),
            Texts::Column(c) => c.len(),
            Texts::Views { views, .. } => views.len() / 16,
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks that every code indexes a label (column `name`, its row).
    fn check(&self, name: &'static str) -> Result<()> {
        if let Texts::Views { views, .. } = self {
            if views.len() % 16 != 0 {
                return Err(Error::arg(
                    name,
                    format!("views are 16 bytes per row, not {} bytes", views.len()),
                ));
            }
        }
        let Texts::Coded { codes, labels } = self else {
            return Ok(());
        };
        fn first_bad<T: Copy + TryInto<usize>>(c: &[T], n: usize) -> Option<usize> {
            let ok = |x: T| x.try_into().is_ok_and(|i: usize| i < n);
            // Branch-free test first (vectorised), the row only on failure.
            if c.iter().fold(true, |all, &x| all & ok(x)) {
                return None;
            }
            c.iter().position(|&x| !ok(x))
        }
        let n = labels.len();
        let bad = match *codes {
            Codes::U8(c) => first_bad(c, n),
            Codes::U16(c) => first_bad(c, n),
            Codes::U32(c) => first_bad(c, n),
            Codes::U64(c) => first_bad(c, n),
            Codes::I8(c) => first_bad(c, n),
            Codes::I16(c) => first_bad(c, n),
            Codes::I32(c) => first_bad(c, n),
            Codes::I64(c) => first_bad(c, n),
        };
        match bad {
            Some(row) => Err(Error::value(
                name,
                row,
                format!("code {} has no label (there are {n})", codes.text(row)),
            )),
            None => Ok(()),
        }
    }
}

/// The codes of rows `start..start + out.len()` as label indexes (all in
/// range, checked by [`Texts::check`]).
fn read_codes(codes: &Codes<'_>, start: usize, out: &mut [u32]) {
    fn copy<T: Copy + TryInto<u32>>(c: &[T], out: &mut [u32]) {
        for (o, &x) in out.iter_mut().zip(c) {
            *o = x.try_into().unwrap_or(0);
        }
    }
    let end = start + out.len();
    match *codes {
        Codes::U8(c) => copy(&c[start..end], out),
        Codes::U16(c) => copy(&c[start..end], out),
        Codes::U32(c) => out.copy_from_slice(&c[start..end]),
        Codes::U64(c) => copy(&c[start..end], out),
        Codes::I8(c) => copy(&c[start..end], out),
        Codes::I16(c) => copy(&c[start..end], out),
        Codes::I32(c) => copy(&c[start..end], out),
        Codes::I64(c) => copy(&c[start..end], out),
    }
}

/// The stage column of [`HeatMap::from_record_columns`].
#[derive(Debug, Clone, Copy)]
pub enum StageColumn<'a> {
    /// Stages, already parsed.
    Stages(&'a [Stage]),
    /// Stage names ([`Stage::name`]), each distinct name parsed once; an
    /// unknown name is [`Error::InvalidValue`] for column `stages` at its
    /// first row.
    Names(Texts<'a>),
}

impl StageColumn<'_> {
    /// Rows in the column.
    pub fn len(&self) -> usize {
        match self {
            StageColumn::Stages(s) => s.len(),
            StageColumn::Names(t) => t.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stage of each row: each distinct name is parsed once (a coded
    /// column by its code, text by the interner's caches). Errors:
    /// [`Error::InvalidValue`] for column `stages` at the first row of an
    /// unknown name, or of a code without a label.
    ///
    /// ```
    /// use nps_core::heatmap::{Stage, StageColumn, Texts};
    /// let names = StageColumn::Names(Texts::Str(&["repair", "delivery", "repair"]));
    /// assert_eq!(names.to_stages()?, [Stage::Repair, Stage::Delivery, Stage::Repair]);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn to_stages(&self) -> Result<Vec<Stage>> {
        let t = match self {
            StageColumn::Stages(s) => return Ok(s.to_vec()),
            StageColumn::Names(t) => t,
        };
        t.check("stages")?;
        let n = t.len();
        let mut ids = TextIds::new(*t);
        let mut stage_of: Vec<Stage> = Vec::new();
        let mut out = Vec::with_capacity(n);
        let mut block = [0u32; BLOCK];
        let mut at = 0;
        while at < n {
            let m = (n - at).min(BLOCK);
            let known = ids.distinct();
            ids.fill(at, &mut block[..m]);
            let bad = ids.bad.take();
            for id in known..ids.distinct() {
                let (name, row) = (ids.names.names[id], ids.first[id]);
                match Stage::from_name(name) {
                    Some(s) => stage_of.push(s),
                    None if bad.as_ref().is_none_or(|(r, _)| row < *r) => {
                        return Err(unknown_stage(row, name))
                    }
                    None => stage_of.push(Stage::Repair),
                }
            }
            if let Some((row, reason)) = bad {
                return Err(Error::value("stages", row, reason));
            }
            out.extend(block[..m].iter().map(|&id| stage_of[id as usize]));
            at += m;
        }
        Ok(out)
    }
}

/// Rows per thread of [`HeatMap::from_record_columns`] (and per block).
const PART_ROWS: usize = 1 << 16;
const BLOCK: usize = 1024;

/// A record's mention and pain added to a cell in one word: mentions in
/// the high half, heat in the low half (one add per record and matrix
/// instead of two).
const MENTION: u64 = 1 << 32;
/// Records added to packed cells before they are widened: the heat of a
/// cell stays below 10 · 2^28 < 2^32, so no half carries into the other.
const PACKED_ROWS_MAX: usize = 1 << 28;
const _: () = assert!(10 * (PACKED_ROWS_MAX as u64) < MENTION);
#[cfg(not(test))]
const PACKED_ROWS: usize = PACKED_ROWS_MAX;
/// … a few blocks in the unit tests, so that they widen many times.
#[cfg(test)]
const PACKED_ROWS: usize = 4 * BLOCK;

/// Packed cells (see [`MENTION`]) and their `(mentions, heat)` so far.
#[derive(Default)]
struct PackedCells {
    packed: Vec<u64>,
    wide: Vec<(u64, u64)>,
    /// Records in `packed`.
    rows: usize,
}

impl PackedCells {
    fn new(cells: usize) -> Self {
        PackedCells {
            packed: vec![0; cells],
            wide: vec![(0, 0); cells],
            rows: 0,
        }
    }

    /// At least `cells` cells.
    fn grow(&mut self, cells: usize) {
        if self.packed.len() < cells {
            self.packed.resize(cells, 0);
            self.wide.resize(cells, (0, 0));
        }
    }

    /// Makes room for `m` (at most [`BLOCK`]) more records.
    #[inline]
    fn room(&mut self, m: usize) {
        if self.rows + m > PACKED_ROWS {
            self.widen();
        }
        self.rows += m;
    }

    /// Moves the packed sums into the wide ones.
    fn widen(&mut self) {
        for (p, w) in self.packed.iter_mut().zip(&mut self.wide) {
            w.0 += *p >> 32;
            w.1 += *p & (MENTION - 1);
            *p = 0;
        }
        self.rows = 0;
    }

    /// `(mentions, heat)` of each cell.
    fn finish(mut self) -> Vec<(u64, u64)> {
        self.widen();
        self.wide
    }
}

/// The distinct texts of a [`Texts`] column met in a part of its rows, in
/// order of first row, and each row's id into them.
pub(crate) struct TextIds<'a> {
    texts: Texts<'a>,
    names: Interner<'a>,
    /// The first row of each distinct text.
    first: Vec<usize>,
    /// The id of each label of a coded column (`u32::MAX`: not met yet).
    by_code: Vec<u32>,
    buf: Vec<&'a str>,
    codes: Vec<u32>,
    /// A `Views` column's cache: view of a text of up to 12 bytes → id.
    inline: Vec<(u128, u32)>,
    /// … and of a text of 13 to 16 bytes: its two words, length, id.
    short: Vec<(u64, u64, u32, u32)>,
    /// … and of a longer text: its bytes → id.
    long: FastMap<&'a [u8], u32>,
    /// The first bad view (row, reason), read as the empty text.
    pub(crate) bad: Option<(usize, String)>,
}

/// Slots of the caches of a `Views` column (a power of two).
const VIEW_CACHE: usize = 1 << 10;

/// The view of row `row` (16 little-endian bytes).
#[inline(always)]
fn view_at(views: &[u8], row: usize) -> u128 {
    u128::from_le_bytes(
        views[row * 16..row * 16 + 16]
            .try_into()
            .unwrap_or_default(),
    )
}

/// A slot of a [`VIEW_CACHE`]-slot cache for the words `a`, `b`.
#[inline(always)]
fn slot(a: u64, b: u64) -> usize {
    ((a ^ b.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize
}

/// The bytes of a text of 8 to 16 bytes as two words which, with the
/// length, identify it (overlapping reads from both ends).
#[inline(always)]
fn two_words(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    let at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    (at(0), at(n - 8))
}

impl<'a> TextIds<'a> {
    pub(crate) fn new(texts: Texts<'a>) -> Self {
        let labels = match texts {
            Texts::Coded { labels, .. } => labels.len(),
            _ => 0,
        };
        TextIds {
            texts,
            names: Interner::default(),
            first: Vec::new(),
            by_code: vec![u32::MAX; labels],
            buf: vec![""; BLOCK],
            codes: vec![0; BLOCK],
            inline: match texts {
                Texts::Views { .. } => vec![(u128::MAX, 0); VIEW_CACHE],
                _ => Vec::new(),
            },
            short: match texts {
                Texts::Views { .. } => vec![(0, 0, u32::MAX, 0); VIEW_CACHE],
                _ => Vec::new(),
            },
            long: map_with_capacity(0),
            bad: None,
        }
    }

    /// The id of text `b` first met at row `row` (a cache missed it):
    /// checked as UTF-8 (else the row is bad and reads as "").
    #[cold]
    fn intern_bytes(&mut self, row: usize, b: &'a [u8]) -> u32 {
        let s = match std::str::from_utf8(b) {
            Ok(s) => s,
            Err(e) => {
                self.bad_view(row, format!("not UTF-8 text: {e}"));
                ""
            }
        };
        let (id, new) = self.names.id(s);
        if new {
            self.first.push(row);
        }
        id
    }

    #[cold]
    fn bad_view(&mut self, row: usize, reason: String) {
        if self.bad.is_none() {
            self.bad = Some((row, reason));
        }
    }

    /// The id of row `row` of a `Views` column whose view `v` holds a
    /// text of more than 12 bytes.
    #[inline]
    fn long_view(&mut self, row: usize, v: u128, buffers: &[&'a [u8]]) -> u32 {
        let len = v as u32 as usize;
        let (buffer, offset) = ((v >> 64) as u32 as usize, (v >> 96) as u32 as usize);
        let text = buffers
            .get(buffer)
            .and_then(|b| b.get(offset..offset.checked_add(len)?));
        let Some(text) = text else {
            self.bad_view(
                row,
                format!("its view points outside the data (buffer {buffer}, bytes {offset}..)"),
            );
            return self.intern_bytes(row, b"");
        };
        if text[..4] != v.to_le_bytes()[4..8] {
            self.bad_view(row, "its view's prefix differs from its text".to_owned());
        }
        if len <= 16 {
            let (a, b) = two_words(text);
            let h = slot(a, b ^ len as u64);
            let c = self.short[h];
            if c.0 == a && c.1 == b && c.2 == len as u32 {
                return c.3;
            }
            let id = self.intern_bytes(row, text);
            self.short[h] = (a, b, len as u32, id);
            return id;
        }
        if let Some(&id) = self.long.get(text) {
            return id;
        }
        let id = self.intern_bytes(row, text);
        self.long.insert(text, id);
        id
    }

    /// The id of row `row` of a `Views` column (`views`, `buffers`); a
    /// bad view is noted ([`TextIds::bad`]) and reads as the empty text.
    #[inline]
    pub(crate) fn view_id(&mut self, views: &'a [u8], buffers: &[&'a [u8]], row: usize) -> u32 {
        let v = view_at(views, row);
        let len = v as u32 as usize;
        if len > 12 {
            return self.long_view(row, v, buffers);
        }
        let h = slot(v as u64, (v >> 64) as u64);
        let c = self.inline[h];
        if c.0 == v {
            return c.1;
        }
        // The text is the view itself, zero-padded.
        let padded = len == 12 || v >> (32 + 8 * len) == 0;
        if !padded {
            self.bad_view(row, format!("non-zero padding after a text of {len} bytes"));
        }
        let id = self.intern_bytes(row, &views[row * 16 + 4..row * 16 + 4 + len]);
        if padded {
            self.inline[h] = (v, id);
        }
        id
    }

    /// The ids of the rows of a `Views` column (`views`, `buffers`),
    /// pushed onto `out`: [`TextIds::view_id`] of each row, `none` for a
    /// row `missing` says is missing (its view is not checked). The cache
    /// is looked up in the loop, a missing row's view too (its id is
    /// `none` whatever the cache holds), so that neither costs a call or a
    /// branch that mispredicts.
    /// Inlined: called on its own, its loop's iterator stayed out of line
    /// once (a recovery table took 0.7 ms longer).
    #[inline(always)]
    pub(crate) fn view_ids(
        &mut self,
        views: &'a [u8],
        buffers: &[&'a [u8]],
        missing: &[bool],
        none: u32,
        out: &mut Vec<u32>,
    ) {
        let n = views.len() / 16;
        let at = out.len();
        out.resize(at + n, none);
        let out = &mut out[at..];
        // The rows the mask covers (as long as the column, or empty), then
        // any others (not missing): each loop without a length check.
        let masked = missing.len().min(n);
        self.view_run::<true>(
            views,
            buffers,
            0,
            &missing[..masked],
            none,
            &mut out[..masked],
        );
        self.view_run::<false>(views, buffers, masked, &[], none, &mut out[masked..]);
    }

    /// [`TextIds::view_ids`] of the rows `start..start + out.len()`, each
    /// missing where `missing` (as long as `out`) says so when `MASK`.
    #[inline(always)]
    fn view_run<const MASK: bool>(
        &mut self,
        views: &'a [u8],
        buffers: &[&'a [u8]],
        start: usize,
        missing: &[bool],
        none: u32,
        out: &mut [u32],
    ) {
        let rows = views
            .get(start * 16..(start + out.len()) * 16)
            .unwrap_or_default();
        for (j, (o, view)) in out.iter_mut().zip(rows.chunks_exact(16)).enumerate() {
            let m = MASK && missing.get(j).copied().unwrap_or(false);
            let v = u128::from_le_bytes(view.try_into().unwrap_or_default());
            let h = slot(v as u64, (v >> 64) as u64) & (VIEW_CACHE - 1);
            let c = self.inline.get(h).copied().unwrap_or((u128::MAX, 0));
            // A hit: a text of up to 12 bytes cached by `view_id`. A
            // missing row's view (whatever it holds) is looked up too and
            // its id is `none`, hit or not: no branch on `m`.
            let hit = (c.0 == v) & (v as u32 <= 12);
            // `none` where missing, else the cached id (a mask, no branch).
            let id = c.1 ^ ((c.1 ^ none) & u32::from(m).wrapping_neg());
            *o = if (u8::from(m) | u8::from(hit)) != 0 {
                id
            } else {
                self.view_missed(views, buffers, start + j)
            };
        }
    }

    /// The id of row `row` (not missing) of a `Views` column that
    /// [`TextIds::view_run`]'s cache did not hold.
    #[cold]
    #[inline(never)]
    fn view_missed(&mut self, views: &'a [u8], buffers: &[&'a [u8]], row: usize) -> u32 {
        self.view_id(views, buffers, row)
    }

    /// The distinct texts met, by id.
    pub(crate) fn names(self) -> Vec<&'a str> {
        self.names.names
    }

    /// Writes the ids of rows `start..start + out.len()` (at most
    /// [`BLOCK`]) into `out`; new texts get the next ids.
    #[inline]
    fn fill(&mut self, start: usize, out: &mut [u32]) {
        let n = out.len();
        match self.texts {
            Texts::Coded { codes, labels } => {
                read_codes(&codes, start, &mut self.codes[..n]);
                for (j, (o, &c)) in out.iter_mut().zip(&self.codes[..n]).enumerate() {
                    let mut id = self.by_code[c as usize];
                    if id == u32::MAX {
                        let (i, new) = self.names.id(labels[c as usize]);
                        if new {
                            self.first.push(start + j);
                        }
                        self.by_code[c as usize] = i;
                        id = i;
                    }
                    *o = id;
                }
                return;
            }
            Texts::Views { views, buffers } => {
                for (j, o) in out.iter_mut().enumerate() {
                    *o = self.view_id(views, buffers, start + j);
                }
                return;
            }
            Texts::Str(s) => self.buf[..n].copy_from_slice(&s[start..start + n]),
            Texts::Column(c) => c.read(start, &mut self.buf[..n]),
        }
        for (j, (o, &s)) in out.iter_mut().zip(&self.buf[..n]).enumerate() {
            let (id, new) = self.names.id(s);
            if new {
                self.first.push(start + j);
            }
            *o = id;
        }
    }

    fn distinct(&self) -> usize {
        self.first.len()
    }
}

/// The partial sums of a part of the records.
struct PartSums<'a> {
    /// The distinct descriptions of the part.
    names: Vec<&'a str>,
    /// `(mentions, heat)` of each description × stage (`id * 6 + stage`).
    sums: Vec<(u64, u64)>,
    keys: Option<AxisSums<'a>>,
    periods: Option<AxisSums<'a>>,
}

/// Integer keys (see [`Axis::Ints`]).
#[derive(Clone, Copy)]
enum IntKeys<'a> {
    U32(&'a [u32]),
    U64(&'a [u64]),
    I64(&'a [i64]),
}

/// How the summing loop finds the matrix column of each row along one
/// axis: looked up there, on the summing threads, when that is a table
/// lookup; else precomputed by the grouping engine.
enum Axis<'a> {
    /// The keys that occur (ascending) and each row's column among them.
    KeyRows(Vec<GroupKey>, Vec<u32>),
    /// The periods that occur (in time order) and each row's column.
    PeriodRows(Vec<NaiveDate>, Vec<u32>),
    /// Integer keys within `lo..lo + span` (a narrow range): raw column
    /// `key - lo`; the keys that occur are kept at the end.
    Ints(IntKeys<'a>, u64, usize),
    /// String keys: ids per part (the interner's caches), merged and
    /// sorted at the end.
    Strs(&'a [&'a str]),
    /// Instants: raw column = period of the index (a table lookup); the
    /// periods that occur are kept at the end.
    Periods(&'a [i64], PeriodIndex),
}

impl Axis<'_> {
    /// Raw columns known before summing (string keys: none yet).
    fn raw_columns(&self) -> usize {
        match self {
            Axis::KeyRows(k, _) => k.len(),
            Axis::PeriodRows(p, _) => p.len(),
            Axis::Ints(_, _, span) => *span,
            Axis::Strs(_) => 0,
            Axis::Periods(_, ix) => ix.len(),
        }
    }
}

/// A part's sums along one axis: `(mentions, heat)` of raw column `c` and
/// stage `s` at `c * 6 + s`; for string keys, the part's distinct keys.
struct AxisSums<'a> {
    cells: Vec<(u64, u64)>,
    names: Vec<&'a str>,
}

/// The summing state of one axis in one part.
struct AxisPart<'s, 'a> {
    axis: &'s Axis<'a>,
    cells: PackedCells,
    strs: Interner<'a>,
    cols: Vec<u32>,
}

impl<'s, 'a> AxisPart<'s, 'a> {
    fn new(axis: &'s Axis<'a>) -> Self {
        AxisPart {
            axis,
            cells: PackedCells::new(6 * axis.raw_columns()),
            strs: Interner::default(),
            cols: vec![0; BLOCK],
        }
    }

    /// Adds rows `at..at + st.len()` (stages `st`, pain `p`).
    #[inline]
    fn add<P: HeatValue>(&mut self, at: usize, st: &[u8], p: &[P]) {
        let m = st.len();
        let cols = &mut self.cols[..m];
        fn offsets<T: Copy>(k: &[T], lo: u64, cols: &mut [u32], raw: impl Fn(T) -> u64) {
            for (o, &x) in cols.iter_mut().zip(k) {
                *o = raw(x).wrapping_sub(lo) as u32;
            }
        }
        match self.axis {
            Axis::KeyRows(_, rows) | Axis::PeriodRows(_, rows) => {
                cols.copy_from_slice(&rows[at..at + m]);
            }
            Axis::Ints(k, lo, _) => match *k {
                IntKeys::U32(k) => offsets(&k[at..at + m], *lo, cols, u64::from),
                IntKeys::U64(k) => offsets(&k[at..at + m], *lo, cols, |x| x),
                IntKeys::I64(k) => offsets(&k[at..at + m], *lo, cols, |x| x as u64),
            },
            Axis::Strs(k) => {
                for (o, &x) in cols.iter_mut().zip(&k[at..at + m]) {
                    *o = self.strs.id(x).0;
                }
                self.cells.grow(6 * self.strs.names.len());
            }
            Axis::Periods(ts, ix) => {
                for (o, &t) in cols.iter_mut().zip(&ts[at..at + m]) {
                    *o = ix.index(t) as u32;
                }
            }
        }
        self.cells.room(m);
        let cells = &mut self.cells.packed;
        for ((&s, &c), &q) in st.iter().zip(cols.iter()).zip(p) {
            cells[c as usize * 6 + s as usize] += MENTION | q.pain_unchecked();
        }
    }

    fn finish(self) -> AxisSums<'a> {
        AxisSums {
            cells: self.cells.finish(),
            names: self.strs.names,
        }
    }
}

/// The columns of [`HeatMap::from_record_columns`], checked, and how the
/// matrices' column of each row is found.
struct Shape<'s, 'a> {
    stages: &'s StageColumn<'a>,
    points: &'s Texts<'a>,
    keys: Option<&'s Axis<'a>>,
    periods: Option<&'s Axis<'a>>,
}

impl<'a> Shape<'_, 'a> {
    /// The sums of rows `start..start + pain.len()`, or the error of the
    /// first bad row among them.
    fn part<P: HeatValue>(&self, start: usize, pain: &[P]) -> Result<PartSums<'a>> {
        // The first bad pain index: the part is summed up to it.
        let bad_pain = if pain.iter().fold(true, |ok, &p| ok & p.is_pain()) {
            None
        } else {
            pain.iter().position(|&p| !p.is_pain())
        };
        let end = start + bad_pain.unwrap_or(pain.len());
        let mut stage_ids = match self.stages {
            StageColumn::Names(t) => Some(TextIds::new(*t)),
            StageColumn::Stages(_) => None,
        };
        let mut stage_of: Vec<u8> = Vec::new();
        let mut points = TextIds::new(*self.points);
        let mut sums = PackedCells::default();
        let mut key_m = self.keys.map(AxisPart::new);
        let mut per_m = self.periods.map(AxisPart::new);
        let mut st = [0u8; BLOCK];
        let mut ids = [0u32; BLOCK];
        let mut at = start;
        while at < end {
            let m = (end - at).min(BLOCK);
            let mut error: Option<(usize, Error)> = None;
            let mut found = |row: usize, e: Error| {
                if error.as_ref().is_none_or(|(r, _)| row < *r) {
                    error = Some((row, e));
                }
            };
            match (&mut stage_ids, self.stages) {
                (Some(t), _) => {
                    let known = t.distinct();
                    t.fill(at, &mut ids[..m]);
                    if let Some((row, reason)) = t.bad.take() {
                        found(row, Error::value("stages", row, reason));
                    }
                    for id in known..t.distinct() {
                        let name = t.names.names[id];
                        match Stage::from_name(name) {
                            Some(s) => stage_of.push(s as u8),
                            None => {
                                stage_of.push(0);
                                found(t.first[id], unknown_stage(t.first[id], name));
                            }
                        }
                    }
                    for (s, &id) in st[..m].iter_mut().zip(&ids[..m]) {
                        *s = stage_of[id as usize];
                    }
                }
                (None, StageColumn::Stages(s)) => {
                    for (o, &s) in st[..m].iter_mut().zip(&s[at..at + m]) {
                        *o = s as u8;
                    }
                }
                (None, StageColumn::Names(_)) => unreachable!("stage names have ids"),
            }
            let known = points.distinct();
            points.fill(at, &mut ids[..m]);
            if let Some((row, reason)) = points.bad.take() {
                found(row, Error::value("points", row, reason));
            }
            for id in known..points.distinct() {
                let row = points.first[id];
                if let Err(e) = check_description(points.names.names[id], row) {
                    found(row, e);
                }
            }
            if let Some((_, e)) = error {
                return Err(e);
            }
            sums.grow(points.distinct() * 6);
            sums.room(m);
            let p = &pain[at - start..at - start + m];
            for j in 0..m {
                let (s, d, h) = (st[j] as usize, ids[j] as usize, p[j].pain_unchecked());
                // A record adds at most 10 heat and 1 mention; the packed
                // halves are widened before either could carry.
                sums.packed[d * 6 + s] += MENTION | h;
            }
            for axis in [&mut key_m, &mut per_m].into_iter().flatten() {
                axis.add(at, &st[..m], p);
            }
            at += m;
        }
        if let Some(i) = bad_pain {
            return Err(pain_error(pain[i], start + i));
        }
        Ok(PartSums {
            names: points.names.names,
            sums: sums.finish(),
            keys: key_m.map(AxisPart::finish),
            periods: per_m.map(AxisPart::finish),
        })
    }
}

/// The keys that occur, ascending, and the column of each row among them,
/// from the grouping engine. String keys given as one `&str` per row are
/// factorised first (each distinct text once, by the interner's caches)
/// into codes and labels, which the engine reads densely; the labels, and
/// so the columns, are the same.
fn key_columns(keys: Keys<'_>, n: usize) -> Result<(Vec<GroupKey>, Vec<u32>)> {
    let parts: &[Keys<'_>] = match &keys {
        Keys::Multi(cols) => cols,
        k => std::slice::from_ref(k),
    };
    let coded: Vec<Option<(Vec<u32>, Vec<&str>)>> = parts
        .iter()
        .map(|k| match k {
            Keys::Str(s) => {
                let mut names = Interner::default();
                let codes = s.iter().map(|t| names.id(t).0).collect();
                Some((codes, names.names))
            }
            _ => None,
        })
        .collect();
    let cols: Vec<Keys<'_>> = parts
        .iter()
        .zip(&coded)
        .map(|(k, c)| match c {
            Some((codes, labels)) => Keys::Coded {
                codes: Codes::U32(codes),
                labels,
            },
            None => *k,
        })
        .collect();
    let keys = match keys {
        Keys::Multi(_) => Keys::Multi(&cols),
        _ => cols[0],
    };
    let a = Grouping {
        keys: Some(keys),
        ..Default::default()
    }
    .assign(n)?;
    Ok((a.labels.into_iter().map(|(k, _)| k).collect(), a.rows))
}

/// Widest range of integer keys, or most periods, summed densely per
/// part (cells of every value in the range) for `n` records.
fn dense_limit(n: usize) -> u64 {
    (n as u64 / 64).max(4096)
}

/// How the key column of each record is found (see [`Axis`]).
fn key_axis<'a>(keys: Keys<'a>, n: usize) -> Result<Axis<'a>> {
    // The range in the keys' own type (vectorised, on the threads of the
    // grouping engine's key plan), then widened.
    fn range<T: Copy + Ord + Send + Sync + Into<i128>>(k: &[T]) -> (i128, i128) {
        crate::group::min_max(k).map_or((i128::MAX, i128::MIN), |(lo, hi)| (lo.into(), hi.into()))
    }
    let ints = match keys {
        Keys::U32(k) => Some((IntKeys::U32(k), range(k))),
        Keys::U64(k) => Some((IntKeys::U64(k), range(k))),
        Keys::I64(k) => Some((IntKeys::I64(k), range(k))),
        Keys::Str(k) => return Ok(Axis::Strs(k)),
        _ => None,
    };
    if let Some((k, (lo, hi))) = ints {
        if n > 0 && hi - lo < i128::from(dense_limit(n)) {
            return Ok(Axis::Ints(k, lo as i64 as u64, (hi - lo + 1) as usize));
        }
    }
    let (labels, rows) = key_columns(keys, n)?;
    Ok(Axis::KeyRows(labels, rows))
}

/// How the period column of each record is found (see [`Axis`]); `range`:
/// the instants' range (checked), `None` for no records.
fn period_axis(ts: &[i64], range: Option<(i64, i64)>, period: Period, tz: Tz) -> Result<Axis<'_>> {
    if let Some((lo, hi)) = range.filter(|(lo, hi)| lo <= hi) {
        let days: u64 = match period {
            Period::Day => 1,
            Period::Week => 7,
            Period::Month => 28,
            Period::Quarter => 89,
            Period::Year => 365,
        };
        let periods = ((hi - lo) as u64 / 86_400) / days + 3;
        if periods <= dense_limit(ts.len()) {
            return Ok(Axis::Periods(ts, PeriodIndex::new(period, tz, lo, hi)?));
        }
    }
    let (starts, rows) = period_columns(ts, period, tz)?;
    Ok(Axis::PeriodRows(starts, rows))
}

/// The parts' cells of one axis added up (raw columns), and for string
/// keys the distinct keys (`names`, each part's raw columns remapped).
fn add_parts<'a>(
    parts: Vec<AxisSums<'a>>,
    names: &mut Interner<'a>,
    strs: bool,
) -> Vec<(u64, u64)> {
    let mut total: Vec<(u64, u64)> = Vec::new();
    for part in parts {
        if strs {
            for (local, name) in part.names.iter().enumerate() {
                let id = names.id(name).0 as usize;
                if total.len() < 6 * (id + 1) {
                    total.resize(6 * (id + 1), (0, 0));
                }
                for s in 0..6 {
                    let (m, h) = part.cells[local * 6 + s];
                    let to = &mut total[id * 6 + s];
                    to.0 += m;
                    to.1 += h;
                }
            }
        } else {
            if total.len() < part.cells.len() {
                total.resize(part.cells.len(), (0, 0));
            }
            for (to, &(m, h)) in total.iter_mut().zip(&part.cells) {
                to.0 += m;
                to.1 += h;
            }
        }
    }
    total
}

/// The raw columns with a mention, ascending.
fn used_columns(total: &[(u64, u64)]) -> Vec<usize> {
    (0..total.len() / 6)
        .filter(|&c| total[c * 6..c * 6 + 6].iter().any(|&(m, _)| m > 0))
        .collect()
}

/// The matrix cells of raw columns `order` (in that order).
fn cells_of(total: &[(u64, u64)], order: &[usize]) -> Cells {
    let cols = order.len();
    let mut cells = Cells::new(cols);
    for (to, &raw) in order.iter().enumerate() {
        for s in 0..6 {
            let (m, h) = total.get(raw * 6 + s).copied().unwrap_or((0, 0));
            cells.mentions[s * cols + to] = m;
            cells.heat[s * cols + to] = h;
        }
    }
    cells
}

/// The stage × key matrix: the keys that occur, ascending, and the cells.
fn key_matrix(axis: Axis<'_>, parts: Vec<AxisSums<'_>>) -> (Vec<GroupKey>, Cells) {
    let mut names = Interner::default();
    let total = add_parts(parts, &mut names, matches!(axis, Axis::Strs(_)));
    match axis {
        Axis::Ints(k, lo, _) => {
            let order = used_columns(&total);
            let keys = order
                .iter()
                .map(|&c| {
                    let v = lo.wrapping_add(c as u64);
                    match k {
                        IntKeys::I64(_) => GroupKey::Int(v as i64),
                        _ => GroupKey::UInt(v),
                    }
                })
                .collect();
            (keys, cells_of(&total, &order))
        }
        Axis::Strs(_) => {
            let mut order: Vec<usize> = (0..names.names.len()).collect();
            order.sort_unstable_by_key(|&id| names.names[id]);
            let keys = order
                .iter()
                .map(|&id| GroupKey::Str(names.names[id].to_owned()))
                .collect();
            (keys, cells_of(&total, &order))
        }
        Axis::KeyRows(keys, _) => {
            let order: Vec<usize> = (0..keys.len()).collect();
            (keys, cells_of(&total, &order))
        }
        Axis::PeriodRows(..) | Axis::Periods(..) => (Vec::new(), Cells::new(0)),
    }
}

/// The stage × period matrix: the periods that occur, in time order, and
/// the cells.
fn period_matrix(axis: Axis<'_>, parts: Vec<AxisSums<'_>>) -> (Vec<NaiveDate>, Cells) {
    let mut names = Interner::default();
    let total = add_parts(parts, &mut names, false);
    match axis {
        Axis::Periods(_, ix) => {
            let order = used_columns(&total);
            let starts = order.iter().map(|&c| ix.dates[c]).collect();
            (starts, cells_of(&total, &order))
        }
        Axis::PeriodRows(starts, _) => {
            let order: Vec<usize> = (0..starts.len()).collect();
            (starts, cells_of(&total, &order))
        }
        _ => (Vec::new(), Cells::new(0)),
    }
}

fn unknown_stage(row: usize, name: &str) -> Error {
    Error::value(
        "stages",
        row,
        format!("unknown stage `{name}` (expected appointment, reception, diagnosis, repair, delivery or follow_up)"),
    )
}

/// The periods of timestamps that occur, in time order, and the column of
/// each row among them (the grouping engine's period table).
fn period_columns(ts: &[i64], period: Period, tz: Tz) -> Result<(Vec<NaiveDate>, Vec<u32>)> {
    let (mut ids, dates) = crate::group::period_ids(ts, period, tz, None)?;
    // Only the periods that occur, in time order.
    let mut used = vec![false; dates.len()];
    for &i in &ids {
        used[i as usize] = true;
    }
    let mut order: Vec<u32> = (0..dates.len() as u32)
        .filter(|&i| used[i as usize])
        .collect();
    order.sort_unstable_by_key(|&i| dates[i as usize]);
    let mut column = vec![0u32; dates.len()];
    for (c, &i) in order.iter().enumerate() {
        column[i as usize] = c as u32;
    }
    for i in ids.iter_mut() {
        *i = column[*i as usize];
    }
    let starts = order.iter().map(|&i| dates[i as usize]).collect();
    Ok((starts, ids))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Point {
    stage: Stage,
    description: String,
    mentions: u64,
    heat: u64,
}

/// The stage × key matrix of a map built from records with keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct KeyAxis {
    /// The keys that occur, ascending.
    keys: Vec<GroupKey>,
    cells: Cells,
}

/// The stage × period matrix of a map built from records with timestamps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PeriodAxis {
    period: Period,
    /// The canonical name of the time zone.
    tz: String,
    /// The local first days of the periods that occur, ascending.
    starts: Vec<NaiveDate>,
    cells: Cells,
}

/// A pain-point heat map: merged points in ranking order, and the optional
/// stage × key / stage × period matrices of a map built from records.
///
/// A map is also a partial result: [`HeatMap::merge`] combines the maps of
/// two parts of the rows into the map of all of them (exactly, matrices
/// included), and a map saves and loads exactly
/// ([`Saved`](crate::state::Saved)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatMap {
    /// Points sorted by the ranking order.
    points: Vec<Point>,
    total_heat: u64,
    by_key: Option<KeyAxis>,
    by_period: Option<PeriodAxis>,
}

fn overflow(what: &'static str) -> Error {
    Error::Overflow { what }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    // Exact integers; one rounding in the division (u64 → f64 is exact up to
    // 2^53, beyond which the relative error stays below 2^-52).
    (b > 0).then(|| a as f64 / b as f64)
}

impl HeatMap {
    /// Builds a map from pre-counted rows: `stages[i]`, `points[i]`
    /// (description), `mentions[i]` and `pain[i]` (1..=10). Duplicate
    /// (stage, description) rows merge (see the module docs). A zero-mention
    /// row is allowed (heat 0).
    ///
    /// Errors: [`Error::LengthMismatch`]; [`Error::InvalidValue`] for a
    /// negative / fractional / NaN mention count (`mentions`), a pain index
    /// outside 1..=10 (`pain`) or an empty description (`points`), with the
    /// row; [`Error::Overflow`] if a heat or a total exceeds `u64`;
    /// [`Error::NoData`] for no rows.
    ///
    /// ```
    /// use nps_core::{heatmap::{HeatMap, Stage}, ErrorKind};
    /// let err = HeatMap::from_rows(&[Stage::Repair], &["slow"], &[3u64], &[11u8]).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidValue);
    /// ```
    pub fn from_rows<S: AsRef<str>, M: HeatValue, P: HeatValue>(
        stages: &[Stage],
        points: &[S],
        mentions: &[M],
        pain: &[P],
    ) -> Result<HeatMap> {
        let n = stages.len();
        Error::check_len("points", points.len(), "stages", n)?;
        Error::check_len("mentions", mentions.len(), "stages", n)?;
        Error::check_len("pain", pain.len(), "stages", n)?;
        let mut acc = Accumulator::default();
        for i in 0..n {
            let d = points[i].as_ref();
            check_description(d, i)?;
            let m = mentions[i]
                .to_count()
                .map_err(|r| Error::value("mentions", i, r))?;
            let p = pain_at(pain, i)?;
            let heat = m.checked_mul(p).ok_or(overflow("heat of a row"))?;
            acc.add(stages[i], d, m, heat)?;
        }
        acc.finish(None, None)
    }

    /// Builds a map from raw complaint records: record `i` is one mention
    /// of point `points[i]` in stage `stages[i]` with pain index `pain[i]`.
    /// A point's heat is the sum of its records' pain indexes and its pain
    /// index the mean. With `dims.keys` and/or `dims.timestamps` the map
    /// also holds the stage × key / stage × period matrices
    /// ([`HeatMap::matrix`]).
    ///
    /// Errors as [`HeatMap::from_rows`], plus [`Error::InvalidTimestamp`]
    /// (years 1..=9999) and [`Error::UnknownTimeZone`].
    ///
    /// ```
    /// use nps_core::group::Keys;
    /// use nps_core::heatmap::{HeatMap, MatrixBy, RecordDims, Stage};
    /// let keys = ["D01", "D02", "D01"];
    /// let stages = [Stage::Reception, Stage::Reception, Stage::Repair];
    /// let map = HeatMap::from_records(
    ///     &stages,
    ///     &["queue", "queue", "not fixed"],
    ///     &[9u8, 7, 10],
    ///     &RecordDims { keys: Some(Keys::Str(&keys)), ..Default::default() },
    /// )?;
    /// assert_eq!(map.ranked()[0].heat, 16); // queue: 9 + 7, pain 8
    /// let m = map.matrix(MatrixBy::Key)?;
    /// assert_eq!(m.columns, ["D01", "D02"]);
    /// assert_eq!(m.heat_at(Stage::Reception, 1), 7);
    /// // Dealer × advisor: one column per pair that occurs.
    /// let advisor = [2u32, 1, 2];
    /// let cols = [Keys::Str(&keys), Keys::U32(&advisor)];
    /// let map = HeatMap::from_records(&stages, &["queue", "queue", "not fixed"], &[9u8, 7, 10],
    ///     &RecordDims { keys: Some(Keys::Multi(&cols)), ..Default::default() })?;
    /// let m = map.matrix(MatrixBy::Key)?;
    /// assert_eq!(m.columns, ["D01 | 2", "D02 | 1"]);
    /// assert_eq!(m.heat_at(Stage::Repair, 0), 10);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn from_records<S: AsRef<str> + Sync, P: HeatValue>(
        stages: &[Stage],
        points: &[S],
        pain: &[P],
        dims: &RecordDims<'_>,
    ) -> Result<HeatMap> {
        HeatMap::from_record_columns(
            StageColumn::Stages(stages),
            Texts::Column(&RowTexts(points)),
            pain,
            dims,
        )
    }

    /// Builds a map from raw complaint records whose text columns are read
    /// in place ([`Texts`]): one `&str` per row, dictionary codes and their
    /// labels (a categorical column), or a [`TextColumn`] (Arrow string
    /// buffers). The same map as [`HeatMap::from_records`] of the same
    /// rows.
    ///
    /// Each distinct stage name and description is looked up and checked
    /// once: by its code (coded columns), else by its address or, up to 16
    /// bytes, its content in a small cache, else by hashing. Large inputs
    /// are split over threads ([`crate::max_threads`]) whose partial sums
    /// add up exactly. No allocation per row beyond the matrices' column
    /// of each row.
    ///
    /// Errors as [`HeatMap::from_records`]; the first bad row is reported
    /// (at one row: its stage, then its description, then its pain index),
    /// naming its column (`stages`, `points`, `pain`), also for a code
    /// without a label.
    ///
    /// ```
    /// use nps_core::group::Codes;
    /// use nps_core::heatmap::{HeatMap, RecordDims, StageColumn, Texts};
    /// // A categorical stage column (codes 0, 1) and a plain text column.
    /// let stage_codes = [0u8, 1, 0];
    /// let stages = StageColumn::Names(Texts::Coded {
    ///     codes: Codes::U8(&stage_codes),
    ///     labels: &["reception", "repair"],
    /// });
    /// let points = Texts::Str(&["queue", "not fixed", "queue"]);
    /// let map = HeatMap::from_record_columns(stages, points, &[9u8, 10, 7], &RecordDims::default())?;
    /// assert_eq!(map.ranked()[0].heat, 16);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn from_record_columns<P: HeatValue>(
        stages: StageColumn<'_>,
        points: Texts<'_>,
        pain: &[P],
        dims: &RecordDims<'_>,
    ) -> Result<HeatMap> {
        let n = stages.len();
        Error::check_len("points", points.len(), "stages", n)?;
        Error::check_len("pain", pain.len(), "stages", n)?;
        if let StageColumn::Names(t) = &stages {
            t.check("stages")?;
        }
        points.check("points")?;
        if let Some(k) = &dims.keys {
            Error::check_len("keys", k.len(), "stages", n)?;
            k.check(n)?;
        }
        let tz = match dims.timestamps {
            Some(ts) => {
                Error::check_len("timestamps", ts.len(), "stages", n)?;
                Some(parse_tz(dims.tz)?)
            }
            None => None,
        };
        // The matrices' columns: keys ascending and periods in time order,
        // as the grouping engine labels them. Integer keys of a narrow
        // range, string keys and instants within a table of periods are
        // looked up in the summing loop itself (on its threads); other
        // keys and wide spans of periods come from the grouping engine (its
        // key path and period table), the two axes at once on two threads.
        let ts_range = match dims.timestamps {
            Some(ts) if n > 0 => Some(crate::group::timestamp_range(ts, None)?),
            _ => None,
        };
        let key_axis = || dims.keys.map(|k| key_axis(k, n)).transpose();
        let period_axis = || match (dims.timestamps, tz) {
            (Some(ts), Some(tz)) => period_axis(ts, ts_range, dims.period, tz).map(Some),
            _ => Ok(None),
        };
        let slow = |k: &Option<Keys<'_>>| {
            k.as_ref().is_some_and(|k| {
                !matches!(k, Keys::U32(_) | Keys::U64(_) | Keys::I64(_) | Keys::Str(_))
            })
        };
        let (keys, periods) = if slow(&dims.keys)
            && dims.timestamps.is_some()
            && n >= PART_ROWS
            && crate::max_threads() > 1
        {
            crate::parallel::join(key_axis, period_axis)
        } else {
            (key_axis(), period_axis())
        };
        // A timestamp error before a key error, as the grouping engine.
        let periods = periods?;
        let keys = keys?;
        let shape = Shape {
            stages: &stages,
            points: &points,
            keys: keys.as_ref(),
            periods: periods.as_ref(),
        };
        let parts =
            crate::parallel::map_parts(pain, PART_ROWS, |start, part| shape.part(start, part));
        // Parts in row order: the first error is at the first bad row.
        let mut names = Interner::default();
        let mut sums: Vec<(u64, u64)> = Vec::new();
        let mut key_parts = Vec::new();
        let mut period_parts = Vec::new();
        for part in parts {
            let part = part?;
            for (local, name) in part.names.iter().enumerate() {
                let (id, new) = names.id(name);
                if new {
                    sums.resize(sums.len() + 6, (0, 0));
                }
                for s in 0..6 {
                    let (m, h) = part.sums[local * 6 + s];
                    let to = &mut sums[id as usize * 6 + s];
                    to.0 += m;
                    to.1 += h;
                }
            }
            key_parts.extend(part.keys);
            period_parts.extend(part.periods);
        }
        let mut acc = Accumulator::default();
        for (slot, &(mentions, heat)) in sums.iter().enumerate() {
            if mentions > 0 {
                acc.total += heat;
                acc.points.push(Point {
                    stage: Stage::ALL[slot % 6],
                    description: names.names[slot / 6].to_owned(),
                    mentions,
                    heat,
                });
            }
        }
        let by_key = keys.map(|axis| {
            let (keys, cells) = key_matrix(axis, key_parts);
            KeyAxis { keys, cells }
        });
        let by_period = match (periods, tz) {
            (Some(axis), Some(tz)) => {
                let (starts, cells) = period_matrix(axis, period_parts);
                Some(PeriodAxis {
                    period: dims.period,
                    tz: tz.name().to_owned(),
                    starts,
                    cells,
                })
            }
            _ => None,
        };
        acc.finish(by_key, by_period)
    }

    /// Total heat of the map.
    pub fn total_heat(&self) -> u64 {
        self.total_heat
    }

    /// Number of distinct pain points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the map has no points (never true for a built map).
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The pain points ranked by heat, hottest first; ties by journey order
    /// of the stage, then by description (byte order). Deterministic.
    pub fn ranked(&self) -> Vec<PainPoint> {
        let mut cum = 0u64; // <= total_heat, which fits
        self.points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                cum += p.heat;
                PainPoint {
                    rank: i + 1,
                    stage: p.stage,
                    description: p.description.clone(),
                    mentions: p.mentions,
                    heat: p.heat,
                    pain: ratio(p.heat, p.mentions),
                    share: ratio(p.heat, self.total_heat),
                    cumulative_share: ratio(cum, self.total_heat),
                }
            })
            .collect()
    }

    /// Totals per stage, all six stages in journey order (stages without
    /// points have zeros and no top point).
    ///
    /// ```
    /// use nps_core::heatmap::{HeatMap, Stage};
    /// let map = HeatMap::from_rows(&[Stage::Repair, Stage::Repair], &["a", "b"], &[1u64, 2], &[10u8, 3])?;
    /// let s = &map.by_stage()[Stage::Repair as usize];
    /// assert_eq!((s.points, s.mentions, s.heat), (2, 3, 16));
    /// assert_eq!(s.top_point.as_deref(), Some("a"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn by_stage(&self) -> Vec<StageTotal> {
        Stage::ALL
            .iter()
            .map(|&stage| {
                let mut t = StageTotal {
                    stage,
                    points: 0,
                    mentions: 0,
                    heat: 0,
                    share: None,
                    pain: None,
                    top_point: None,
                    top_heat: 0,
                };
                // Sums within the total, which fits in u64 (checked at build).
                for p in self.points.iter().filter(|p| p.stage == stage) {
                    if t.top_point.is_none() {
                        t.top_point = Some(p.description.clone());
                        t.top_heat = p.heat;
                    }
                    t.points += 1;
                    t.mentions += p.mentions;
                    t.heat += p.heat;
                }
                t.share = ratio(t.heat, self.total_heat);
                t.pain = ratio(t.heat, t.mentions);
                t
            })
            .collect()
    }

    /// The smallest prefix of [`HeatMap::ranked`] whose heat is at least
    /// `share` of the total (the "vital few"). The comparison is exact in
    /// integers: `share` is taken as the decimal it prints as (0.8 means
    /// 8/10, so a prefix carrying exactly 80 % qualifies).
    ///
    /// Errors: [`Error::InvalidArgument`] unless 0 < `share` ≤ 1;
    /// [`Error::NoData`] when the total heat is 0.
    ///
    /// ```
    /// use nps_core::heatmap::{HeatMap, Stage};
    /// let map = HeatMap::from_rows(&[Stage::Repair; 3], &["a", "b", "c"], &[8u64, 1, 1], &[1u8, 1, 1])?;
    /// assert_eq!(map.pareto(0.8)?.len(), 1); // 8 of 10 is exactly 80 %
    /// assert_eq!(map.pareto(0.81)?.len(), 2);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn pareto(&self, share: f64) -> Result<Vec<PainPoint>> {
        if !(share > 0.0 && share <= 1.0) {
            return Err(Error::arg("share", format!("{share} is not in (0, 1]")));
        }
        if self.total_heat == 0 {
            return Err(Error::NoData {
                what: "a Pareto set (the total heat is 0)",
            });
        }
        let need = heat_needed(share, self.total_heat);
        let mut cum = 0u128;
        let mut k = self.points.len();
        for (i, p) in self.points.iter().enumerate() {
            cum += u128::from(p.heat);
            if cum >= need {
                k = i + 1;
                break;
            }
        }
        let mut r = self.ranked();
        r.truncate(k);
        Ok(r)
    }

    /// The stage × key (`MatrixBy::Key`) or stage × period
    /// (`MatrixBy::Period`) matrix of a map built by
    /// [`HeatMap::from_records`] with keys / timestamps.
    ///
    /// Errors: [`Error::InvalidArgument`] (`by`) when the map was built
    /// without that axis.
    pub fn matrix(&self, by: MatrixBy) -> Result<Matrix> {
        let m = match by {
            MatrixBy::Key => self.by_key.as_ref().map(|a| Matrix {
                stages: Stage::ALL.to_vec(),
                columns: a.keys.iter().map(GroupKey::to_string).collect(),
                heat: a.cells.heat.clone(),
                mentions: a.cells.mentions.clone(),
                keys: a.keys.clone(),
                starts: Vec::new(),
            }),
            MatrixBy::Period => self.by_period.as_ref().map(|a| Matrix {
                stages: Stage::ALL.to_vec(),
                columns: a.starts.iter().map(|&d| a.period.label(d)).collect(),
                heat: a.cells.heat.clone(),
                mentions: a.cells.mentions.clone(),
                keys: Vec::new(),
                starts: a.starts.clone(),
            }),
        };
        m.ok_or_else(|| {
            Error::arg(
                "by",
                match by {
                    MatrixBy::Key => "the map was built without keys",
                    MatrixBy::Period => "the map was built without timestamps",
                },
            )
        })
    }

    /// The NPS driver view: each driver of `drivers` (a policy's
    /// [`Policy::drivers`](crate::policy::Policy::drivers), in that order)
    /// with its weight and the heat of the pain points `rules` assign to
    /// it (see [`PainRule`]; `None`: [`default_pain_rules`], which the
    /// default policy's `pain_point_drivers` also holds); then any driver
    /// named only by a rule (weight `None`); then, when some heat is
    /// assigned to no driver, an `unmapped` row (weight `None`). Shares
    /// are of the map's total heat, so they sum to 1 with `unmapped`.
    ///
    /// ```
    /// use nps_core::{heatmap::{HeatMap, Stage}, policy::Policy};
    /// // The source's table: queue 893 × 9, no progress updates 731 × 7.
    /// let map = HeatMap::from_rows(
    ///     &[Stage::Reception, Stage::Repair],
    ///     &["排队等候超过30分钟", "等待过程中没有进度更新"],
    ///     &[893u64, 731],
    ///     &[9u8, 7],
    /// )?;
    /// let p = Policy::default();
    /// let view = map.drivers(&p.drivers, Some(&p.pain_point_drivers))?;
    /// assert_eq!(view[0].driver, "waiting_time");
    /// assert_eq!((view[0].weight, view[0].heat), (Some(0.27), 8037 + 5117));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn drivers(
        &self,
        drivers: &[Driver],
        rules: Option<&[PainRule]>,
    ) -> Result<Vec<DriverHeat>> {
        let default;
        let rules = match rules {
            Some(r) => r,
            None => {
                default = default_pain_rules();
                &default
            }
        };
        let mut problems = Vec::new();
        check_pain_rules(rules, "rules", &mut problems);
        if let Some(p) = problems.first() {
            return Err(Error::arg("rules", format!("at {}: {}", p.path, p.message)));
        }
        let row = |driver: &str, weight: Option<f64>| DriverHeat {
            driver: driver.to_owned(),
            weight,
            stages: Vec::new(),
            points: Vec::new(),
            heat: 0,
            share: None,
        };
        let mut rows: Vec<DriverHeat> = drivers
            .iter()
            .map(|d| row(&d.name, Some(d.weight)))
            .collect();
        let mut unmapped = row(UNMAPPED, None);
        for p in self.ranked() {
            let r = match driver_of(rules, p.stage, &p.description) {
                None => &mut unmapped,
                Some(name) => match rows.iter().position(|r| r.driver == name) {
                    Some(i) => &mut rows[i],
                    None => {
                        rows.push(row(name, None));
                        rows.last_mut().expect("just pushed")
                    }
                },
            };
            if !r.stages.contains(&p.stage) {
                r.stages.push(p.stage);
            }
            r.points.push(p.description);
            r.heat += p.heat; // within the total
        }
        if unmapped.heat > 0 || !unmapped.points.is_empty() {
            rows.push(unmapped);
        }
        for r in &mut rows {
            r.stages.sort_unstable();
            r.share = ratio(r.heat, self.total_heat);
        }
        Ok(rows)
    }
}

/// The driver-view row of the pain points no rule assigns.
pub const UNMAPPED: &str = "unmapped";

/// The driver view ([`HeatMap::drivers`]) as a [`Table`](crate::table::Table): `driver`,
/// `weight` (null for a driver absent from the policy), `stages`
/// (comma-separated), `points` (hottest first, joined by `" | "`), `heat`,
/// `share`.
pub fn drivers_table(view: &[DriverHeat]) -> crate::table::Table {
    use crate::table::{Column, Table};
    let mut t = Table {
        columns: Vec::new(),
        n_keys: 1,
        period: None,
    };
    let text =
        |f: &dyn Fn(&DriverHeat) -> String| Column::Str(view.iter().map(|r| Some(f(r))).collect());
    t.push("driver", text(&|r| r.driver.clone()));
    t.push(
        "weight",
        Column::F64(view.iter().map(|r| r.weight).collect()),
    );
    t.push(
        "stages",
        text(&|r| {
            r.stages
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(",")
        }),
    );
    t.push("points", text(&|r| r.points.join(" | ")));
    t.push(
        "heat",
        Column::U64(view.iter().map(|r| Some(r.heat)).collect()),
    );
    t.push("share", Column::F64(view.iter().map(|r| r.share).collect()));
    t
}

/// `ceil(share × total)` as an exact integer, with `share` read as the
/// shortest decimal that round-trips (Rust's `Display`), or as its exact
/// binary value when that decimal has more than 18 digits after the point.
fn heat_needed(share: f64, total: u64) -> u128 {
    let total = u128::from(total);
    let s = format!("{share}");
    if let Some((int, frac)) = s.split_once('.').or(Some((s.as_str(), ""))) {
        if frac.len() <= 18 && int.len() <= 1 {
            let digits = format!("{int}{frac}");
            if let Ok(num) = digits.parse::<u128>() {
                let den = 10u128.pow(frac.len() as u32);
                // num <= 10^18, total < 2^64: the product fits in u128.
                return (num * total).div_ceil(den);
            }
        }
    }
    // Exact binary value: share = m · 2^-k with m < 2^53.
    let bits = share.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, k) = if exp == 0 {
        (frac, 1074)
    } else {
        (frac | (1u64 << 52), 1075 - exp)
    };
    let prod = u128::from(m) * total; // < 2^117
    if k <= 0 {
        prod << (-k) as u32 // share <= 1 keeps this small
    } else if k >= 128 {
        u128::from(prod > 0)
    } else {
        let k = k as u32;
        (prod >> k) + u128::from(prod & ((1u128 << k) - 1) != 0)
    }
}

#[derive(Default)]
struct Accumulator {
    /// Point index by description, one map per stage (looked up by `&str`:
    /// no allocation for a point already seen).
    index: [HashMap<String, usize>; 6],
    points: Vec<Point>,
    total: u64,
}

impl Accumulator {
    fn add(&mut self, stage: Stage, d: &str, mentions: u64, heat: u64) -> Result<()> {
        self.total = self.total.checked_add(heat).ok_or(overflow("total heat"))?;
        let index = &mut self.index[stage as usize];
        let i = match index.get(d) {
            Some(&i) => i,
            None => {
                self.points.push(Point {
                    stage,
                    description: d.to_owned(),
                    mentions: 0,
                    heat: 0,
                });
                index.insert(d.to_owned(), self.points.len() - 1);
                self.points.len() - 1
            }
        };
        let p = &mut self.points[i];
        p.mentions = p
            .mentions
            .checked_add(mentions)
            .ok_or(overflow("mentions of a pain point"))?;
        p.heat += heat; // <= total, checked above
        Ok(())
    }

    fn finish(mut self, by_key: Option<KeyAxis>, by_period: Option<PeriodAxis>) -> Result<HeatMap> {
        if self.points.is_empty() {
            return Err(Error::NoData {
                what: "a heat map (no rows)",
            });
        }
        self.points.sort_by(|a, b| {
            b.heat
                .cmp(&a.heat)
                .then(a.stage.cmp(&b.stage))
                .then_with(|| a.description.cmp(&b.description))
        });
        Ok(HeatMap {
            points: self.points,
            total_heat: self.total,
            by_key,
            by_period,
        })
    }
}

/// The cells of a matrix: 6 stages × `cols` columns, row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Cells {
    cols: usize,
    heat: Vec<u64>,
    mentions: Vec<u64>,
}

impl Cells {
    fn new(cols: usize) -> Cells {
        Cells {
            cols,
            heat: vec![0; 6 * cols],
            mentions: vec![0; 6 * cols],
        }
    }

    fn add(&mut self, stage: Stage, col: usize, mentions: u64, heat: u64) -> Result<()> {
        let i = stage as usize * self.cols + col;
        // Cells are parts of the total heat, which is checked separately,
        // but a cell is summed before the total: check here as well.
        self.heat[i] = self.heat[i]
            .checked_add(heat)
            .ok_or(overflow("heat of a matrix cell"))?;
        self.mentions[i] = self.mentions[i]
            .checked_add(mentions)
            .ok_or(overflow("mentions of a matrix cell"))?;
        Ok(())
    }

    /// The cells of `a` (columns `a_cols`, positions in the new columns)
    /// and `b` added up in a matrix of `cols` columns.
    fn merged(a: &Cells, a_at: &[usize], b: &Cells, b_at: &[usize], cols: usize) -> Result<Cells> {
        let mut out = Cells::new(cols);
        for (cells, at) in [(a, a_at), (b, b_at)] {
            for stage in Stage::ALL {
                for (c, &to) in at.iter().enumerate() {
                    let i = stage as usize * cells.cols + c;
                    out.add(stage, to, cells.mentions[i], cells.heat[i])?;
                }
            }
        }
        Ok(out)
    }

    /// Checks saved cells of `cols` columns: the layout, each cell's heat
    /// within 1..=10 times its mentions, and every column used.
    fn check(&self, cols: usize, what: &str) -> Result<[(u64, u64); 6]> {
        if cols == 0
            || self.cols != cols
            || self.heat.len() != 6 * cols
            || self.mentions.len() != 6 * cols
        {
            return Err(bad_state(format!(
                "the {what} matrix has 6 × {cols} cells, one column per label"
            )));
        }
        let mut sums = [(0u64, 0u64); 6];
        let mut used = vec![false; cols];
        for (i, (&h, &m)) in self.heat.iter().zip(&self.mentions).enumerate() {
            if !(m <= h && h / 10 <= m && (h % 10 == 0 || h / 10 < m)) {
                return Err(bad_state(format!(
                    "{what} matrix cell {i}: heat is 1 to 10 times the mentions"
                )));
            }
            used[i % cols] |= m > 0;
            let s = &mut sums[i / cols];
            s.0 = s.0.checked_add(h).ok_or(overflow("total heat"))?;
            s.1 = s.1.checked_add(m).ok_or(overflow("mentions"))?;
        }
        if let Some(c) = used.iter().position(|u| !u) {
            return Err(bad_state(format!(
                "{what} matrix column {c} has no mention: only columns that occur are kept"
            )));
        }
        Ok(sums)
    }
}

/// The union of two ascending label lists, and where each list's labels
/// are in it.
fn union<L: Ord + Clone>(a: &[L], b: &[L]) -> (Vec<L>, Vec<usize>, Vec<usize>) {
    let mut all: Vec<L> = a.iter().chain(b).cloned().collect();
    all.sort();
    all.dedup();
    let at = |x: &[L]| {
        x.iter()
            .map(|l| all.binary_search(l).unwrap_or_default())
            .collect()
    };
    let (ia, ib) = (at(a), at(b));
    (all, ia, ib)
}

fn strictly_ascending<L: Ord>(labels: &[L]) -> bool {
    labels.windows(2).all(|w| w[0] < w[1])
}

impl HeatMap {
    /// The map of the rows (records) of `self` followed by those of
    /// `later`: equal to the map built in one pass over all of them —
    /// points, ranking, stage totals and both matrices (a point's mentions
    /// and heat add up, so do the cells of a key or period seen in both).
    /// Associative: partial maps may be merged in any tree. Maps from
    /// [`HeatMap::from_rows`] and from [`HeatMap::from_records`] without
    /// keys or timestamps merge with each other (a record is a row of one
    /// mention).
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` when the maps have
    /// different matrices (one built with keys or timestamps and the other
    /// not, key columns of another type, another period or time zone);
    /// [`Error::Overflow`] when a heat or a count exceeds `u64`.
    ///
    /// ```
    /// use nps_core::group::Keys;
    /// use nps_core::heatmap::{HeatMap, MatrixBy, RecordDims, Stage};
    /// let stages = [Stage::Reception, Stage::Repair, Stage::Reception];
    /// let (points, pain, dealer) = (["queue", "not fixed", "queue"], [9u8, 10, 7], ["D2", "D1", "D1"]);
    /// let map = |r: std::ops::Range<usize>| HeatMap::from_records(&stages[r.clone()], &points[r.clone()],
    ///     &pain[r.clone()], &RecordDims { keys: Some(Keys::Str(&dealer[r])), ..Default::default() });
    /// let merged = map(0..1)?.merge(&map(1..3)?)?;
    /// assert_eq!(merged, map(0..3)?);
    /// assert_eq!(merged.matrix(MatrixBy::Key)?.columns, ["D1", "D2"]);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &HeatMap) -> Result<HeatMap> {
        let by_key = match (&self.by_key, &later.by_key) {
            (None, None) => None,
            (Some(a), Some(b)) => {
                same_shape(
                    "key columns",
                    uniform_shape("key", &a.keys)?,
                    uniform_shape("key", &b.keys)?,
                )?;
                let (keys, ia, ib) = union(&a.keys, &b.keys);
                let cells = Cells::merged(&a.cells, &ia, &b.cells, &ib, keys.len())?;
                Some(KeyAxis { keys, cells })
            }
            (a, _) => {
                return Err(other(format!(
                "a stage × key matrix {}: merge maps built from records with keys, or both without",
                if a.is_some() {
                    "here, none in other"
                } else {
                    "in other, none here"
                }
            )))
            }
        };
        let by_period = match (&self.by_period, &later.by_period) {
            (None, None) => None,
            (Some(a), Some(b)) => {
                Periods {
                    period: Some(a.period),
                    tz: Some(a.tz.clone()),
                }
                .check_merge(&Periods {
                    period: Some(b.period),
                    tz: Some(b.tz.clone()),
                })?;
                let (starts, ia, ib) = union(&a.starts, &b.starts);
                let cells = Cells::merged(&a.cells, &ia, &b.cells, &ib, starts.len())?;
                Some(PeriodAxis {
                    period: a.period,
                    tz: a.tz.clone(),
                    starts,
                    cells,
                })
            }
            (a, _) => {
                return Err(other(format!(
                    "a stage × period matrix {}: merge maps built from records with timestamps, or both without",
                    if a.is_some() { "here, none in other" } else { "in other, none here" }
                )))
            }
        };
        let mut acc = Accumulator::default();
        for p in self.points.iter().chain(&later.points) {
            acc.add(p.stage, &p.description, p.mentions, p.heat)?;
        }
        acc.finish(by_key, by_period)
    }

    /// Checks the rules of a built map (used on load): at least one point;
    /// distinct (stage, description) pairs with non-empty descriptions; a
    /// heat of 1 to 10 times the mentions; points in ranking order; the
    /// total heat their sum; matrices with ascending labels whose cells add
    /// up to the points' heat and mentions.
    pub fn check(&self) -> Result<()> {
        if self.points.is_empty() {
            return Err(bad_state("a heat map has at least one point"));
        }
        let mut seen: [HashMap<&str, ()>; 6] = Default::default();
        let mut stages = [(0u64, 0u64); 6];
        let (mut heat, mut mentions) = (0u64, 0u64);
        for (i, p) in self.points.iter().enumerate() {
            if p.description.trim().is_empty() {
                return Err(bad_state(format!("point {i}: empty description")));
            }
            if seen[p.stage as usize].insert(&p.description, ()).is_some() {
                return Err(bad_state(format!(
                    "point {i}: stage and description repeat an earlier point"
                )));
            }
            let m = p.mentions;
            if !(m <= p.heat && p.heat / 10 <= m && (p.heat % 10 == 0 || p.heat / 10 < m)) {
                return Err(bad_state(format!(
                    "point {i}: heat is 1 to 10 times the mentions"
                )));
            }
            if i > 0 {
                let q = &self.points[i - 1];
                let order = q
                    .heat
                    .cmp(&p.heat)
                    .reverse()
                    .then(q.stage.cmp(&p.stage))
                    .then_with(|| q.description.cmp(&p.description));
                if order != std::cmp::Ordering::Less {
                    return Err(bad_state(format!("point {i}: points are in ranking order")));
                }
            }
            heat = heat.checked_add(p.heat).ok_or(overflow("total heat"))?;
            mentions = mentions.checked_add(m).ok_or(overflow("mentions"))?;
            // Parts of the totals, which fit.
            stages[p.stage as usize].0 += p.heat;
            stages[p.stage as usize].1 += m;
        }
        if heat != self.total_heat {
            return Err(bad_state("the total heat is the sum of the points' heat"));
        }
        let sums = |t: [(u64, u64); 6], what: &str| {
            if t == stages {
                Ok(())
            } else {
                Err(bad_state(format!(
                    "the cells of each stage of the {what} matrix add up to the heat and mentions of its points"
                )))
            }
        };
        if let Some(a) = &self.by_key {
            if !strictly_ascending(&a.keys) {
                return Err(bad_state("matrix keys are ascending, without repeats"));
            }
            uniform_shape("key", &a.keys)?;
            sums(a.cells.check(a.keys.len(), "key")?, "key")?;
        }
        if let Some(a) = &self.by_period {
            let periods = Periods {
                period: Some(a.period),
                tz: Some(a.tz.clone()),
            };
            periods.check()?;
            if !strictly_ascending(&a.starts) {
                return Err(bad_state("matrix periods are ascending, without repeats"));
            }
            for (i, &d) in a.starts.iter().enumerate() {
                periods.check_start(i, Some(d))?;
            }
            sums(a.cells.check(a.starts.len(), "period")?, "period")?;
        }
        Ok(())
    }
}

impl crate::state::Saved for HeatMap {
    const KIND: &'static str = "HeatMap";
    fn check(&self) -> Result<()> {
        HeatMap::check(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::Grouping;
    use crate::ErrorKind;

    /// Records against the straightforward sums: `from_rows` of one
    /// mention per record gives the points, and the matrices are summed
    /// here cell by cell from the grouping engine's labels. Descriptions
    /// both share their text (the address cache) and come as separate
    /// copies of equal text (hashed); more distinct strings than the cache.
    /// Every key form: integers of a narrow range (summed densely in the
    /// loop), of a wide range and negative, strings shared and copied
    /// (the empty string among them), coded, several columns; instants
    /// within a table of months and days over decades (the grouping
    /// engine's period table).
    #[test]
    fn records_match_straightforward_sums() {
        let n = 200_000;
        let mut x = 1u64;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % m
        };
        let texts: Vec<String> = (0..3_000).map(|i| format!("point {i}")).collect();
        let copies: Vec<String> = (0..n).map(|i| format!("point {}", i % 3_000)).collect();
        let points: Vec<&str> = (0..n)
            .map(|i| {
                let t = next(3_000) as usize;
                if i % 3 == 0 {
                    copies[i].as_str()
                } else {
                    texts[t].as_str()
                }
            })
            .collect();
        let stages: Vec<Stage> = (0..n).map(|_| Stage::ALL[next(6) as usize]).collect();
        let pain: Vec<u8> = (0..n).map(|_| 1 + next(10) as u8).collect();
        let dealer: Vec<u32> = (0..n).map(|_| next(40) as u32).collect();
        let wide: Vec<u64> = (0..n).map(|_| next(4_000) * 1_000_003).collect();
        let signed: Vec<i64> = (0..n).map(|_| next(300) as i64 - 150).collect();
        let names: Vec<String> = (0..500)
            .map(|i| {
                if i == 0 {
                    String::new()
                } else {
                    format!("D{i}")
                }
            })
            .collect();
        let name_copies: Vec<String> = (0..n).map(|i| names[i % 500].clone()).collect();
        let strs: Vec<&str> = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    name_copies[i].as_str()
                } else {
                    names[next(500) as usize].as_str()
                }
            })
            .collect();
        let labels: Vec<&str> = names.iter().map(String::as_str).collect();
        let codes: Vec<u16> = (0..n).map(|_| next(500) as u16).collect();
        let ts: Vec<i64> = (0..n)
            .map(|_| 1_700_000_000 + next(700 * 86_400) as i64)
            .collect();
        let decades: Vec<i64> = (0..n)
            .map(|_| 1_000_000_000 + next(30 * 365 * 86_400) as i64)
            .collect();
        let multi = [Keys::Str(&strs), Keys::U32(&dealer)];
        let key_forms = [
            Keys::U32(&dealer),
            Keys::U64(&wide),
            Keys::I64(&signed),
            Keys::Str(&strs),
            Keys::Coded {
                codes: Codes::U16(&codes),
                labels: &labels,
            },
            Keys::Multi(&multi),
        ];
        let ones = vec![1u64; n];
        let rows = HeatMap::from_rows(&stages, &points, &ones, &pain).unwrap();
        let time_forms = [
            (&ts, Period::Month, "America/New_York"),
            (&decades, Period::Day, "Asia/Shanghai"),
            (&ts, Period::Week, "UTC"),
        ];
        for (f, keys) in key_forms.iter().enumerate() {
            let (ts, period, tz) = time_forms[f % time_forms.len()];
            let dims = RecordDims {
                keys: Some(*keys),
                timestamps: Some(ts),
                period,
                tz,
            };
            let got = HeatMap::from_records(&stages, &points, &pain, &dims).unwrap();
            assert_eq!(got.ranked(), rows.ranked());
            assert_eq!(got.total_heat(), rows.total_heat());
            for (by, g) in [
                (
                    MatrixBy::Key,
                    Grouping {
                        keys: Some(*keys),
                        ..Default::default()
                    },
                ),
                (
                    MatrixBy::Period,
                    Grouping {
                        timestamps: Some(ts),
                        period: Some(period),
                        tz: Some(tz),
                        keys: None,
                    },
                ),
            ] {
                let a = g.assign(n).unwrap();
                let m = got.matrix(by).unwrap();
                let cols = a.labels.len();
                assert_eq!(m.columns.len(), cols, "form {f}");
                if by == MatrixBy::Key {
                    let want: Vec<GroupKey> = a.labels.iter().map(|(k, _)| k.clone()).collect();
                    assert_eq!(m.keys, want, "form {f}");
                }
                let mut heat = vec![0u64; 6 * cols];
                let mut mentions = vec![0u64; 6 * cols];
                for i in 0..n {
                    let c = stages[i] as usize * cols + a.rows[i] as usize;
                    heat[c] += u64::from(pain[i]);
                    mentions[c] += 1;
                }
                assert_eq!((&m.heat, &m.mentions), (&heat, &mentions), "form {f}");
            }
        }
        let dims = RecordDims {
            keys: Some(Keys::U32(&dealer)),
            timestamps: Some(&ts),
            period: Period::Month,
            tz: "America/New_York",
        };
        // The first bad row is reported, whichever check finds it.
        let mut bad = points.clone();
        bad[20_000] = " ";
        bad[25_000] = "";
        let mut bad_pain = pain.clone();
        bad_pain[21_000] = 0;
        let column = |e: Error| match e {
            Error::InvalidValue { name, index, .. } => (name, index),
            other => panic!("{other}"),
        };
        let e = HeatMap::from_records(&stages, &bad, &bad_pain, &dims).unwrap_err();
        assert_eq!(column(e), ("points".to_owned(), 20_000));
        bad_pain[19_999] = 11;
        let e = HeatMap::from_records(&stages, &bad, &bad_pain, &dims).unwrap_err();
        assert_eq!(column(e), ("pain".to_owned(), 19_999));
    }

    /// Arrow `utf8_view` views (16 bytes per row) and one data buffer of
    /// `rows`; a longer text is stored once when `dedup` (even rows),
    /// else again for every row.
    fn views_of(rows: &[&str], dedup: bool) -> (Vec<u8>, Vec<u8>) {
        let mut views = Vec::with_capacity(16 * rows.len());
        let mut data: Vec<u8> = Vec::new();
        let mut at: HashMap<&str, u32> = HashMap::new();
        for (i, s) in rows.iter().enumerate() {
            let b = s.as_bytes();
            let mut v = [0u8; 16];
            v[..4].copy_from_slice(&(b.len() as u32).to_le_bytes());
            if b.len() <= 12 {
                v[4..4 + b.len()].copy_from_slice(b);
            } else {
                let offset = match at.get(s) {
                    Some(&o) if dedup && i % 2 == 0 => o,
                    _ => {
                        let o = data.len() as u32;
                        data.extend_from_slice(b);
                        at.insert(s, o);
                        o
                    }
                };
                v[4..8].copy_from_slice(&b[..4]);
                v[12..16].copy_from_slice(&offset.to_le_bytes());
            }
            views.extend_from_slice(&v);
        }
        (views, data)
    }

    /// Strings packed back to back, as Arrow lays them out: a
    /// [`TextColumn`] without a `&str` per row.
    struct Packed {
        offsets: Vec<usize>,
        data: String,
    }

    impl Packed {
        fn new(rows: &[&str]) -> Packed {
            let mut p = Packed {
                offsets: vec![0],
                data: String::new(),
            };
            for r in rows {
                p.data.push_str(r);
                p.offsets.push(p.data.len());
            }
            p
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

    /// Every input form of the record columns (stages parsed, as names,
    /// codes or a packed column; descriptions shared, copied, coded with
    /// repeated labels, packed) against sums written out here: points,
    /// the stage × dealer and stage × month cells, and the first bad row.
    #[test]
    fn record_columns_in_every_form_match_straightforward_sums() {
        use std::collections::BTreeMap;
        let n = 200_000;
        let mut x = 7u64;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        // Short (held in an Arrow view), long and non-ASCII descriptions.
        let texts: Vec<String> = (0..300)
            .map(|i| match i % 3 {
                0 => format!("p{i}"),
                1 => format!("a longer description of pain point number {i}"),
                _ => format!("排队等候 {i}"),
            })
            .collect();
        let point_of: Vec<usize> = (0..n).map(|_| next(300) as usize).collect();
        let stage_of: Vec<usize> = (0..n).map(|_| next(6) as usize).collect();
        let pain: Vec<u8> = (0..n).map(|_| 1 + next(10) as u8).collect();
        let dealer: Vec<u32> = (0..n).map(|_| 100 + next(37) as u32).collect();
        let ts: Vec<i64> = (0..n)
            .map(|_| 1_700_000_000 + next(800 * 86_400) as i64)
            .collect();
        // The straightforward sums.
        let mut points: BTreeMap<(Stage, &str), (u64, u64)> = BTreeMap::new();
        let mut by_dealer: BTreeMap<(Stage, u32), (u64, u64)> = BTreeMap::new();
        let mut by_month: BTreeMap<(Stage, String), (u64, u64)> = BTreeMap::new();
        for i in 0..n {
            let st = Stage::ALL[stage_of[i]];
            let p = u64::from(pain[i]);
            let month = chrono::DateTime::from_timestamp(ts[i], 0)
                .unwrap()
                .format("%Y-%m")
                .to_string();
            for e in [
                points.entry((st, texts[point_of[i]].as_str())).or_default(),
                by_dealer.entry((st, dealer[i])).or_default(),
                by_month.entry((st, month)).or_default(),
            ] {
                e.0 += 1;
                e.1 += p;
            }
        }
        let check = |m: &HeatMap, form: &str| {
            let got: BTreeMap<(Stage, &str), (u64, u64)> = m
                .points
                .iter()
                .map(|p| ((p.stage, p.description.as_str()), (p.mentions, p.heat)))
                .collect();
            assert_eq!(got, points, "{form}");
            assert_eq!(
                m.total_heat(),
                pain.iter().map(|&p| u64::from(p)).sum::<u64>()
            );
            let cells = |by: MatrixBy| {
                let mx = m.matrix(by).unwrap();
                let mut out = BTreeMap::new();
                for st in Stage::ALL {
                    for (c, label) in mx.columns.iter().enumerate() {
                        let i = st as usize * mx.columns.len() + c;
                        if mx.mentions[i] > 0 {
                            out.insert((st, label.clone()), (mx.mentions[i], mx.heat[i]));
                        }
                    }
                }
                (out, mx.columns)
            };
            let (d, cols) = cells(MatrixBy::Key);
            let want: BTreeMap<(Stage, String), (u64, u64)> = by_dealer
                .iter()
                .map(|(&(s, k), &v)| ((s, k.to_string()), v))
                .collect();
            assert_eq!(d, want, "{form}");
            assert!(cols.windows(2).all(|w| w[0] < w[1]), "{form}");
            let (p, cols) = cells(MatrixBy::Period);
            assert_eq!(p, by_month, "{form}");
            assert!(cols.windows(2).all(|w| w[0] < w[1]), "{form}");
        };
        let dims = RecordDims {
            keys: Some(Keys::U32(&dealer)),
            timestamps: Some(&ts),
            period: Period::Month,
            tz: "UTC",
        };
        // Stage forms.
        let stages: Vec<Stage> = stage_of.iter().map(|&s| Stage::ALL[s]).collect();
        let names: Vec<&str> = stages.iter().map(|s| s.name()).collect();
        let name_copies: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        let name_refs: Vec<&str> = name_copies.iter().map(String::as_str).collect();
        let stage_labels: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
        let stage_codes: Vec<u8> = stage_of.iter().map(|&s| s as u8).collect();
        // Labels repeat: code 6 + s is the same name again.
        let twice: Vec<&str> = stage_labels.iter().chain(&stage_labels).copied().collect();
        let stage_i32: Vec<i32> = (0..n)
            .map(|i| stage_of[i] as i32 + 6 * (i % 2) as i32)
            .collect();
        let packed_stages = Packed::new(&name_refs);
        let (stage_views, stage_data) = views_of(&name_refs, false);
        let stage_buffers = [stage_data.as_slice()];
        let stage_forms: Vec<(&str, StageColumn<'_>)> = vec![
            ("parsed", StageColumn::Stages(&stages)),
            ("shared names", StageColumn::Names(Texts::Str(&names))),
            ("copied names", StageColumn::Names(Texts::Str(&name_refs))),
            (
                "u8 codes",
                StageColumn::Names(Texts::Coded {
                    codes: Codes::U8(&stage_codes),
                    labels: &stage_labels,
                }),
            ),
            (
                "i32 codes, repeated labels",
                StageColumn::Names(Texts::Coded {
                    codes: Codes::I32(&stage_i32),
                    labels: &twice,
                }),
            ),
            ("packed", StageColumn::Names(Texts::Column(&packed_stages))),
            (
                "views",
                StageColumn::Names(Texts::Views {
                    views: &stage_views,
                    buffers: &stage_buffers,
                }),
            ),
        ];
        // Description forms.
        let shared: Vec<&str> = point_of.iter().map(|&p| texts[p].as_str()).collect();
        let copies: Vec<String> = shared.iter().map(|s| (*s).to_owned()).collect();
        let copy_refs: Vec<&str> = copies.iter().map(String::as_str).collect();
        let labels: Vec<&str> = texts.iter().map(String::as_str).collect();
        let codes_u16: Vec<u16> = point_of.iter().map(|&p| p as u16).collect();
        let labels_twice: Vec<&str> = labels.iter().chain(&labels).copied().collect();
        let codes_i64: Vec<i64> = (0..n)
            .map(|i| point_of[i] as i64 + 300 * (i % 3 == 0) as i64)
            .collect();
        let packed = Packed::new(&copy_refs);
        let (point_views, point_data) = views_of(&copy_refs, true);
        let point_buffers = [point_data.as_slice()];
        let point_forms: Vec<(&str, Texts<'_>)> = vec![
            ("shared", Texts::Str(&shared)),
            ("copied", Texts::Str(&copy_refs)),
            (
                "u16 codes",
                Texts::Coded {
                    codes: Codes::U16(&codes_u16),
                    labels: &labels,
                },
            ),
            (
                "i64 codes, repeated labels",
                Texts::Coded {
                    codes: Codes::I64(&codes_i64),
                    labels: &labels_twice,
                },
            ),
            ("packed", Texts::Column(&packed)),
            (
                "views",
                Texts::Views {
                    views: &point_views,
                    buffers: &point_buffers,
                },
            ),
        ];
        for (sf, s) in &stage_forms {
            for (pf, p) in &point_forms {
                let form = format!("stages {sf}, points {pf}");
                let m = HeatMap::from_record_columns(*s, *p, &pain, &dims).unwrap();
                check(&m, &form);
                // Pain as float, as pandas may hand it over.
                let f: Vec<f64> = pain.iter().map(|&p| f64::from(p)).collect();
                assert_eq!(
                    HeatMap::from_record_columns(*s, *p, &f, &dims).unwrap(),
                    m,
                    "{form}"
                );
            }
        }
        // `from_records` is the same map.
        assert_eq!(
            HeatMap::from_records(&stages, &shared, &pain, &dims).unwrap(),
            HeatMap::from_record_columns(stage_forms[4].1, point_forms[4].1, &pain, &dims).unwrap()
        );
        // String dealer keys, one `&str` per row or packed: the same cells
        // (three-digit dealers sort as their text).
        let dealer_names: Vec<String> = dealer.iter().map(|d| format!("D{d}")).collect();
        let dealer_refs: Vec<&str> = dealer_names.iter().map(String::as_str).collect();
        let packed_dealers = Packed::new(&dealer_refs);
        let by_u32 = HeatMap::from_records(&stages, &shared, &pain, &dims).unwrap();
        let by_u32 = by_u32.matrix(MatrixBy::Key).unwrap();
        for keys in [Keys::Str(&dealer_refs), Keys::Text(&packed_dealers)] {
            let d = RecordDims {
                keys: Some(keys),
                ..dims
            };
            let m = HeatMap::from_records(&stages, &shared, &pain, &d).unwrap();
            let m = m.matrix(MatrixBy::Key).unwrap();
            let want: Vec<String> = by_u32.columns.iter().map(|c| format!("D{c}")).collect();
            assert_eq!(m.columns, want);
            assert_eq!(
                (m.heat, m.mentions),
                (by_u32.heat.clone(), by_u32.mentions.clone())
            );
        }
        // The first bad row, whichever column and form: an unknown stage,
        // an empty description, a pain index out of range or not whole.
        let column = |e: Error| match e {
            Error::InvalidValue { name, index, .. } => (name, index),
            other => panic!("{other}"),
        };
        let mut bad_names = name_refs.clone();
        bad_names[150_000] = "billing";
        let mut bad_points = copy_refs.clone();
        bad_points[120_000] = "  ";
        let mut bad_pain: Vec<f64> = pain.iter().map(|&p| f64::from(p)).collect();
        bad_pain[130_000] = 2.5;
        let ok_pain: Vec<f64> = pain.iter().map(|&p| f64::from(p)).collect();
        let packed_bad = Packed::new(&bad_points);
        let packed_names = Packed::new(&bad_names);
        for (s, p, q, want) in [
            (
                Texts::Str(&bad_names),
                Texts::Str(&copy_refs),
                &ok_pain,
                ("stages", 150_000),
            ),
            (
                Texts::Str(&bad_names),
                Texts::Str(&copy_refs),
                &bad_pain,
                ("pain", 130_000),
            ),
            (
                Texts::Str(&name_refs),
                Texts::Str(&copy_refs),
                &bad_pain,
                ("pain", 130_000),
            ),
            (
                Texts::Column(&packed_names),
                Texts::Column(&packed_bad),
                &bad_pain,
                ("points", 120_000),
            ),
        ] {
            let e = HeatMap::from_record_columns(StageColumn::Names(s), p, q, &dims).unwrap_err();
            assert_eq!(column(e), (want.0.to_owned(), want.1));
        }
        // A code without a label names its column and row.
        let mut bad_codes = codes_u16.clone();
        bad_codes[77_777] = 300;
        let e = HeatMap::from_record_columns(
            StageColumn::Stages(&stages),
            Texts::Coded {
                codes: Codes::U16(&bad_codes),
                labels: &labels,
            },
            &pain,
            &dims,
        )
        .unwrap_err();
        assert_eq!(column(e), ("points".to_owned(), 77_777));
        let mut neg = stage_i32.clone();
        neg[5] = -1;
        let e = HeatMap::from_record_columns(
            StageColumn::Names(Texts::Coded {
                codes: Codes::I32(&neg),
                labels: &twice,
            }),
            Texts::Str(&shared),
            &pain,
            &dims,
        )
        .unwrap_err();
        assert_eq!(column(e), ("stages".to_owned(), 5));
        // Each distinct stage name parsed once, as `from_rows` reads them.
        for (sf, s) in &stage_forms {
            assert_eq!(s.to_stages().unwrap(), stages, "{sf}");
        }
        let e = StageColumn::Names(Texts::Str(&bad_names))
            .to_stages()
            .unwrap_err();
        assert_eq!(column(e), ("stages".to_owned(), 150_000));
        // A bad view names its column and row: bad UTF-8 held in the view,
        // non-zero padding, a text outside its buffer, a wrong prefix, bad
        // UTF-8 in the buffer; an unknown stage name in a view.
        let row = |r: usize| r * 16..r * 16 + 16;
        let short = copy_refs.iter().position(|s| s.len() <= 8).unwrap();
        let long = copy_refs.iter().position(|s| s.len() > 16).unwrap();
        let mut cases: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
        for (i, edit) in [0usize, 1, 2, 3, 4].into_iter().enumerate() {
            let at = 60_000 + 10_000 * i;
            let (mut views, mut data) = (point_views.clone(), point_data.clone());
            let src = if edit < 2 { short } else { long };
            let v = point_views[row(src)].to_vec();
            views[row(at)].copy_from_slice(&v);
            match edit {
                0 => views[at * 16 + 4] = 0xFF,
                1 => views[at * 16 + 15] = b'x',
                2 => views[at * 16 + 12..at * 16 + 16].copy_from_slice(&u32::MAX.to_le_bytes()),
                3 => views[at * 16 + 4] ^= 1,
                _ => {
                    // A copy of the long text with a bad last byte.
                    let len = copy_refs[long].len();
                    let o = data.len() as u32;
                    data.extend_from_slice(&copy_refs[long].as_bytes()[..len - 1]);
                    data.push(0xC3);
                    views[at * 16 + 12..at * 16 + 16].copy_from_slice(&o.to_le_bytes());
                }
            }
            cases.push((at, views, data));
        }
        for (at, views, data) in &cases {
            let buffers = [data.as_slice()];
            let p = Texts::Views {
                views,
                buffers: &buffers,
            };
            let e = HeatMap::from_record_columns(StageColumn::Stages(&stages), p, &pain, &dims)
                .unwrap_err();
            assert_eq!(column(e), ("points".to_owned(), *at), "{at}");
        }
        let (views, data) = views_of(&bad_names, false);
        let buffers = [data.as_slice()];
        let t = Texts::Views {
            views: &views,
            buffers: &buffers,
        };
        let e =
            HeatMap::from_record_columns(StageColumn::Names(t), Texts::Str(&shared), &pain, &dims)
                .unwrap_err();
        assert_eq!(column(e), ("stages".to_owned(), 150_000));
        let e = StageColumn::Names(t).to_stages().unwrap_err();
        assert_eq!(column(e), ("stages".to_owned(), 150_000));
    }

    /// Packed cells hold at most `PACKED_ROWS` records between widenings
    /// (the bound that keeps a cell's heat from carrying into its
    /// mentions), and widening keeps every sum.
    #[test]
    fn packed_cells_widen_before_they_could_carry() {
        let mut cells = PackedCells::new(3);
        let mut want = [(0u64, 0u64); 3];
        let mut x = 11u64;
        for _ in 0..5_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let m = 1 + (x >> 40) as usize % BLOCK;
            cells.room(m);
            assert!(cells.rows <= PACKED_ROWS);
            for j in 0..m {
                let (c, pain) = ((j + m) % 3, 1 + (x >> 20) % 10);
                cells.packed[c] += MENTION | pain;
                want[c].0 += 1;
                want[c].1 += pain;
            }
        }
        assert!(want[0].0 > PACKED_ROWS as u64);
        assert_eq!(cells.finish(), want);
    }

    #[test]
    fn heat_needed_is_exact() {
        assert_eq!(heat_needed(0.8, 10), 8);
        assert_eq!(heat_needed(0.8, 11), 9); // 8.8 -> 9
        assert_eq!(heat_needed(1.0, 7), 7);
        assert_eq!(heat_needed(0.5, u64::MAX), u128::from(u64::MAX).div_ceil(2));
        // 1e-20 has more than 18 decimals: exact binary path, ceil -> 1.
        assert_eq!(heat_needed(1e-20, 1000), 1);
        assert_eq!(heat_needed(f64::MIN_POSITIVE / 4.0, 5), 1);
    }

    #[test]
    fn merge_is_mention_weighted() {
        let m = HeatMap::from_rows(
            &[Stage::Repair, Stage::Repair],
            &["x", "x"],
            &[1u64, 3],
            &[10u8, 2],
        )
        .unwrap();
        let r = m.ranked();
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].mentions, r[0].heat), (4, 16));
        assert_eq!(r[0].pain, Some(4.0));
    }

    #[test]
    fn errors() {
        let e = HeatMap::from_rows::<&str, u64, u8>(&[], &[], &[], &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NoData);
        let e = HeatMap::from_rows(&[Stage::Repair], &["x"], &[-1i64], &[3u8]).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(0)));
        let e = HeatMap::from_rows(
            &[Stage::Repair; 2],
            &["x", "y"],
            &[1.0, f64::NAN],
            &[3.0, 3.0],
        )
        .unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
        let e = HeatMap::from_rows(&[Stage::Repair], &["x"], &[1u64], &[0u8]).unwrap_err();
        assert!(e.to_string().contains("pain"), "{e}");
        let e = HeatMap::from_rows(&[Stage::Repair], &[" "], &[1u64], &[1u8]).unwrap_err();
        assert!(e.to_string().contains("points"), "{e}");
        let e = HeatMap::from_rows(&[Stage::Repair; 2], &["x", "y"], &[u64::MAX, 1], &[1u8, 1])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Overflow);
        let e = HeatMap::from_rows(&[Stage::Repair], &["x"], &[u64::MAX], &[2u8]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Overflow);
        let e = HeatMap::from_rows(&[Stage::Repair], &["x", "y"], &[1u64], &[2u8]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
        let m = HeatMap::from_rows(&[Stage::Repair], &["x"], &[0u64], &[2u8]).unwrap();
        assert_eq!(m.pareto(0.5).unwrap_err().kind(), ErrorKind::NoData);
        assert_eq!(m.ranked()[0].pain, None);
        for s in [0.0, -0.1, 1.5, f64::NAN] {
            assert_eq!(m.pareto(s).unwrap_err().kind(), ErrorKind::InvalidArgument);
        }
        assert_eq!(
            m.matrix(MatrixBy::Key).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        // A rule that assigns nothing is an error naming `rules`.
        let empty = [PainRule {
            driver: "a".into(),
            points: Vec::new(),
            keywords: Vec::new(),
            stages: Vec::new(),
        }];
        assert_eq!(
            m.drivers(&[], Some(&empty)).unwrap_err().argument(),
            Some("rules")
        );
    }

    #[test]
    fn records_by_month_in_tz() {
        // 2025-01-31T16:00Z is Feb 1 in Shanghai.
        let ts = [1_738_339_200i64 - 1, 1_738_339_200];
        let m = HeatMap::from_records(
            &[Stage::Delivery; 2],
            &["checkout", "checkout"],
            &[6u8, 4],
            &RecordDims {
                timestamps: Some(&ts),
                tz: "Asia/Shanghai",
                ..Default::default()
            },
        )
        .unwrap();
        let mx = m.matrix(MatrixBy::Period).unwrap();
        assert_eq!(mx.columns, ["2025-01", "2025-02"]);
        assert_eq!(mx.heat_at(Stage::Delivery, 0), 6);
        assert_eq!(mx.heat_at(Stage::Delivery, 1), 4);
        let e = HeatMap::from_records(
            &[Stage::Delivery],
            &["c"],
            &[6u8],
            &RecordDims {
                timestamps: Some(&[i64::MAX]),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTimestamp);
    }

    #[test]
    fn records_by_integer_and_several_key_columns() {
        let stages = [
            Stage::Repair,
            Stage::Repair,
            Stage::Reception,
            Stage::Repair,
        ];
        let points = ["a", "a", "q", "a"];
        let pain = [3u8, 5, 7, 2];
        let dealer = [20u64, 10, 10, 20];
        let m = HeatMap::from_records(
            &stages,
            &points,
            &pain,
            &RecordDims {
                keys: Some(Keys::U64(&dealer)),
                ..Default::default()
            },
        )
        .unwrap()
        .matrix(MatrixBy::Key)
        .unwrap();
        // Ascending integer order, not text order.
        assert_eq!(m.columns, ["10", "20"]);
        assert_eq!(m.heat_at(Stage::Repair, 0), 5);
        assert_eq!(m.heat_at(Stage::Repair, 1), 5);
        assert_eq!(m.heat_at(Stage::Reception, 0), 7);
        let advisor = ["bo", "al", "al", "al"];
        let cols = [Keys::U64(&dealer), Keys::Str(&advisor)];
        let m = HeatMap::from_records(
            &stages,
            &points,
            &pain,
            &RecordDims {
                keys: Some(Keys::Multi(&cols)),
                ..Default::default()
            },
        )
        .unwrap()
        .matrix(MatrixBy::Key)
        .unwrap();
        assert_eq!(m.columns, ["10 | al", "20 | al", "20 | bo"]);
        assert_eq!(m.heat[Stage::Repair as usize * 3..][..3], [5, 2, 3]);
        assert_eq!(m.mentions[Stage::Reception as usize * 3..][..3], [1, 0, 0]);
        let short = [Keys::U64(&dealer), Keys::Str(&advisor[..3])];
        let e = HeatMap::from_records(
            &stages,
            &points,
            &pain,
            &RecordDims {
                keys: Some(Keys::Multi(&short)),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
    }
}
