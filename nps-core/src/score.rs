//! Scores, categories and category scales.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The answer to "how likely are you to recommend…": an integer 0..=10.
///
/// ```
/// use nps_core::{Category, Score};
/// let s = Score::new(9).unwrap();
/// assert_eq!(s.category(), Category::Promoter);
/// assert!(Score::new(11).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

impl Score {
    /// The highest score on the standard scale.
    pub const MAX: u8 = 10;

    /// Validates a score: `Ok` for 0..=10, [`Error::InvalidScore`] otherwise
    /// (reported at row 0).
    pub fn new(value: u8) -> Result<Score> {
        if value <= Self::MAX {
            Ok(Score(value))
        } else {
            Err(Error::InvalidScore {
                index: 0,
                value: f64::from(value),
                min: 0,
                max: 10,
            })
        }
    }

    /// The score as an integer 0..=10.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The category on the standard scale: 0–6 detractor, 7–8 passive, 9–10 promoter.
    pub fn category(self) -> Category {
        category_of(self.0)
    }
}

impl TryFrom<u8> for Score {
    type Error = Error;
    fn try_from(value: u8) -> Result<Score> {
        Score::new(value)
    }
}

impl From<Score> for u8 {
    fn from(s: Score) -> u8 {
        s.0
    }
}

/// Category of a standard-scale score that is already known to be 0..=10.
#[inline]
pub(crate) fn category_of(score: u8) -> Category {
    match score {
        0..=6 => Category::Detractor,
        7 | 8 => Category::Passive,
        _ => Category::Promoter,
    }
}

/// Promoter, passive or detractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 0–6 on the standard scale.
    Detractor,
    /// 7–8 on the standard scale.
    Passive,
    /// 9–10 on the standard scale.
    Promoter,
}

impl Category {
    /// `"detractor"`, `"passive"` or `"promoter"`.
    pub fn name(self) -> &'static str {
        match self {
            Category::Detractor => "detractor",
            Category::Passive => "passive",
            Category::Promoter => "promoter",
        }
    }
}

/// A numeric column element that may hold a score.
///
/// Implemented for every primitive integer and float type, so columns of any
/// dtype can be tallied without conversion. Floats count only when finite and
/// integral (`7.0` is a 7; `6.5`, NaN and infinities are invalid).
pub trait ScoreValue: Copy + Send + Sync + 'static {
    /// The value as an exact integer, or `None` if it is not one.
    fn to_int(self) -> Option<i64>;
    /// The value as `f64`, for error reports.
    fn to_report(self) -> f64;
    /// The value as a standard-scale score 0..=10, or `None`.
    #[inline]
    fn to_score(self) -> Option<u8> {
        match self.to_int() {
            Some(v @ 0..=10) => Some(v as u8),
            _ => None,
        }
    }
}

macro_rules! int_score_value {
    ($($t:ty),*) => {$(
        impl ScoreValue for $t {
            #[inline]
            fn to_int(self) -> Option<i64> {
                i64::try_from(self).ok()
            }
            #[inline]
            fn to_report(self) -> f64 {
                self as f64
            }
            #[inline]
            fn to_score(self) -> Option<u8> {
                // Compare in the source type: no conversion on the hot path.
                #[allow(unused_comparisons)]
                if self >= 0 as $t && self <= 10 as $t { Some(self as u8) } else { None }
            }
        }
    )*};
}
int_score_value!(u8, u16, u32, u64, i8, i16, i32, i64, usize, isize);

macro_rules! float_score_value {
    ($($t:ty),*) => {$(
        impl ScoreValue for $t {
            #[inline]
            fn to_int(self) -> Option<i64> {
                // The range check keeps the cast exact; fract() rejects 6.5.
                if self.is_finite() && self.fract() == 0.0 && self.abs() < 9.0e15 {
                    Some(self as i64)
                } else {
                    None
                }
            }
            #[inline]
            fn to_report(self) -> f64 {
                self as f64
            }
            #[inline]
            fn to_score(self) -> Option<u8> {
                if (0.0..=10.0).contains(&self) && self.fract() == 0.0 {
                    Some(self as u8)
                } else {
                    None // NaN fails every comparison above
                }
            }
        }
    )*};
}
float_score_value!(f32, f64);

/// An inclusive range of integer scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScoreRange {
    /// Lowest score in the range.
    pub low: i64,
    /// Highest score in the range (inclusive).
    pub high: i64,
}

impl ScoreRange {
    /// `low..=high`.
    pub const fn new(low: i64, high: i64) -> ScoreRange {
        ScoreRange { low, high }
    }

    fn contains(&self, v: i64) -> bool {
        self.low <= v && v <= self.high
    }
}

/// Category breaks for a rating scale other than 0–10 (e.g. 1–5 stars).
///
/// A scale is validated on construction: the three ranges must be non-empty
/// (the passive range may be absent), ordered, contiguous (no gaps) and
/// non-overlapping.
///
/// ```
/// use nps_core::{Category, Scale, ScoreRange};
/// // 1-5 stars: 1-3 detractor, 4 passive, 5 promoter.
/// let stars = Scale::new(
///     ScoreRange::new(1, 3),
///     Some(ScoreRange::new(4, 4)),
///     ScoreRange::new(5, 5),
/// ).unwrap();
/// assert_eq!(stars.classify(4).unwrap(), Category::Passive);
/// let counts = stars.tally(&[5u8, 5, 1, 4]).unwrap();
/// assert_eq!((counts.detractors, counts.passives, counts.promoters), (1, 1, 2));
/// // A gap between 3 and 5 is rejected.
/// assert!(Scale::new(ScoreRange::new(1, 3), None, ScoreRange::new(5, 5)).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ScaleSpec", into = "ScaleSpec")]
pub struct Scale {
    detractors: ScoreRange,
    passives: Option<ScoreRange>,
    promoters: ScoreRange,
}

#[derive(Serialize, Deserialize)]
struct ScaleSpec {
    detractors: ScoreRange,
    #[serde(default)]
    passives: Option<ScoreRange>,
    promoters: ScoreRange,
}

impl TryFrom<ScaleSpec> for Scale {
    type Error = Error;
    fn try_from(s: ScaleSpec) -> Result<Scale> {
        Scale::new(s.detractors, s.passives, s.promoters)
    }
}

impl From<Scale> for ScaleSpec {
    fn from(s: Scale) -> ScaleSpec {
        ScaleSpec {
            detractors: s.detractors,
            passives: s.passives,
            promoters: s.promoters,
        }
    }
}

impl Default for Scale {
    fn default() -> Scale {
        Scale::STANDARD
    }
}

impl Scale {
    /// The standard 0–10 scale: 0–6 detractor, 7–8 passive, 9–10 promoter.
    pub const STANDARD: Scale = Scale {
        detractors: ScoreRange::new(0, 6),
        passives: Some(ScoreRange::new(7, 8)),
        promoters: ScoreRange::new(9, 10),
    };

    /// Builds and validates a scale.
    pub fn new(
        detractors: ScoreRange,
        passives: Option<ScoreRange>,
        promoters: ScoreRange,
    ) -> Result<Scale> {
        let bad = |reason: String| Err(Error::InvalidScale { reason });
        let named = [
            ("detractors", Some(detractors)),
            ("passives", passives),
            ("promoters", Some(promoters)),
        ];
        for (name, r) in named {
            if let Some(r) = r {
                if r.low > r.high {
                    return bad(format!(
                        "{name} range {}..={} is empty (low > high)",
                        r.low, r.high
                    ));
                }
            }
        }
        let mut prev: Option<(&str, ScoreRange)> = None;
        for (name, r) in named {
            let Some(r) = r else { continue };
            if let Some((pname, p)) = prev {
                if r.low <= p.high {
                    return bad(format!(
                        "{name} {}..={} overlaps or precedes {pname} {}..={}",
                        r.low, r.high, p.low, p.high
                    ));
                }
                if r.low != p.high + 1 {
                    return bad(format!(
                        "gap between {pname} (ends at {}) and {name} (starts at {})",
                        p.high, r.low
                    ));
                }
            }
            prev = Some((name, r));
        }
        Ok(Scale {
            detractors,
            passives,
            promoters,
        })
    }

    /// Lowest valid score.
    pub fn min(&self) -> i64 {
        self.detractors.low
    }

    /// Highest valid score.
    pub fn max(&self) -> i64 {
        self.promoters.high
    }

    /// The detractor range.
    pub fn detractors(&self) -> ScoreRange {
        self.detractors
    }

    /// The passive range, if the scale has one.
    pub fn passives(&self) -> Option<ScoreRange> {
        self.passives
    }

    /// The promoter range.
    pub fn promoters(&self) -> ScoreRange {
        self.promoters
    }

    /// The category of an integer score, or [`Error::InvalidScore`] (row 0).
    pub fn classify(&self, score: i64) -> Result<Category> {
        self.classify_opt(score).ok_or(Error::InvalidScore {
            index: 0,
            value: score as f64,
            min: self.min(),
            max: self.max(),
        })
    }

    fn classify_opt(&self, v: i64) -> Option<Category> {
        if self.detractors.contains(v) {
            Some(Category::Detractor)
        } else if self.promoters.contains(v) {
            Some(Category::Promoter)
        } else if self.passives.is_some_and(|r| r.contains(v)) {
            Some(Category::Passive)
        } else {
            None
        }
    }

    /// Category counts of a column on this scale; the first invalid value is
    /// an [`Error::InvalidScore`] with its row.
    pub fn tally<T: ScoreValue>(&self, values: &[T]) -> Result<crate::CategoryCounts> {
        let mut c = crate::CategoryCounts::default();
        for (index, &v) in values.iter().enumerate() {
            match v.to_int().and_then(|i| self.classify_opt(i)) {
                Some(Category::Detractor) => c.detractors += 1,
                Some(Category::Passive) => c.passives += 1,
                Some(Category::Promoter) => c.promoters += 1,
                None => {
                    return Err(Error::InvalidScore {
                        index,
                        value: v.to_report(),
                        min: self.min(),
                        max: self.max(),
                    })
                }
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_scores() {
        assert_eq!(7.0f64.to_score(), Some(7));
        assert_eq!(6.5f64.to_score(), None);
        assert_eq!(f64::NAN.to_score(), None);
        assert_eq!((-0.0f64).to_score(), Some(0));
        assert_eq!(11.0f32.to_score(), None);
        assert_eq!((-1i64).to_score(), None);
        assert_eq!(u64::MAX.to_score(), None);
        assert_eq!(10u16.to_score(), Some(10));
    }

    #[test]
    fn standard_categories() {
        let cats: Vec<Category> = (0..=10)
            .map(|s| Score::new(s).unwrap().category())
            .collect();
        assert_eq!(cats[6], Category::Detractor);
        assert_eq!(cats[7], Category::Passive);
        assert_eq!(cats[8], Category::Passive);
        assert_eq!(cats[9], Category::Promoter);
    }

    #[test]
    fn scale_validation() {
        assert!(Scale::new(ScoreRange::new(0, 6), None, ScoreRange::new(7, 10)).is_ok());
        let overlap = Scale::new(
            ScoreRange::new(1, 3),
            Some(ScoreRange::new(3, 4)),
            ScoreRange::new(5, 5),
        );
        assert!(matches!(overlap, Err(Error::InvalidScale { .. })));
        let empty = Scale::new(ScoreRange::new(3, 1), None, ScoreRange::new(4, 5));
        assert!(matches!(empty, Err(Error::InvalidScale { .. })));
        let stars = Scale::new(
            ScoreRange::new(1, 3),
            Some(ScoreRange::new(4, 4)),
            ScoreRange::new(5, 5),
        )
        .unwrap();
        let err = stars.tally(&[5i32, 0]).unwrap_err();
        assert_eq!(err.index(), Some(1));
    }
}
