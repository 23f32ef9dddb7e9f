//! Early warnings during a visit (SPEC §4.6): waiting past the promise,
//! progress inquiries, angry wording, consecutive low on-site ratings.

use serde::{Deserialize, Serialize};

use super::{AlertLevel, Policy, Role};
use crate::error::{Error, Result};

/// What is known about a visit in progress.
#[derive(Debug, Clone, Default)]
pub struct Visit<'a> {
    /// Promised completion instant.
    pub promised_at: Option<i64>,
    /// The instant of the assessment.
    pub now: i64,
    /// Progress inquiries by the customer so far.
    pub progress_inquiries: u32,
    /// The customer's messages (any language, UTF-8).
    pub messages: &'a [&'a str],
    /// On-site star ratings in order (1..=scale max).
    pub ratings: &'a [u8],
}

/// One early warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Its level.
    pub level: AlertLevel,
    /// `waiting`, `progress_inquiries` or `angry_wording`.
    pub rule: String,
    /// Details (minutes late, matched keyword, ...).
    pub detail: String,
}

/// Early-warning assessment of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitAssessment {
    /// Warnings, most severe first.
    pub warnings: Vec<Warning>,
    /// The most severe level (red > orange > yellow here).
    pub level: Option<AlertLevel>,
    /// Role to make a retention call after consecutive low ratings.
    pub retention_call: Option<Role>,
}

fn early_rank(l: AlertLevel) -> u8 {
    // SPEC §4.6: severity during a visit is red > orange > yellow.
    match l {
        AlertLevel::Red => 3,
        AlertLevel::Orange => 2,
        AlertLevel::Yellow => 1,
    }
}

/// Whether `keyword` occurs in `text` (both lower-cased). Keywords made only
/// of ASCII letters, digits and spaces match whole words; others (Chinese)
/// match as substrings.
fn contains_keyword(text: &str, keyword: &str) -> bool {
    let kw = keyword.trim().to_lowercase();
    if kw.is_empty() {
        return false;
    }
    let ascii_word = kw.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
    let mut from = 0;
    while let Some(pos) = text[from..].find(&kw) {
        let s = from + pos;
        let e = s + kw.len();
        if !ascii_word {
            return true;
        }
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        // Only ASCII letters and digits continue an ASCII word: "angry" is
        // matched in "我很angry" but not in "angrybirds".
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = s + text[s..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

impl Policy {
    /// Early warnings for a visit (SPEC §4.6).
    ///
    /// ```
    /// use nps_core::policy::{AlertLevel, Policy, Visit};
    /// let p = Policy::default();
    /// let a = p.assess_visit(&Visit {
    ///     promised_at: Some(0), now: 45 * 60, progress_inquiries: 2,
    ///     messages: &["这也太离谱了，我要投诉"], ratings: &[5, 3, 2],
    ///     ..Default::default()
    /// })?;
    /// assert_eq!(a.level, Some(AlertLevel::Red));
    /// assert_eq!(a.warnings.len(), 3);
    /// assert_eq!(a.retention_call.as_deref(), Some("regional_manager"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn assess_visit(&self, v: &Visit<'_>) -> Result<VisitAssessment> {
        let ew = &self.early_warnings;
        let mut warnings = Vec::new();
        if let Some(p) = v.promised_at {
            let late = v.now.saturating_sub(p);
            if late >= i64::from(ew.wait_over_promise_minutes) * 60 {
                warnings.push(Warning {
                    level: ew.wait_level,
                    rule: "waiting".into(),
                    detail: format!("{} min past the promised time", late / 60),
                });
            }
        }
        if v.progress_inquiries >= ew.progress_inquiries {
            warnings.push(Warning {
                level: ew.inquiries_level,
                rule: "progress_inquiries".into(),
                detail: format!("{} progress inquiries", v.progress_inquiries),
            });
        }
        'outer: for m in v.messages {
            let text = m.to_lowercase();
            for words in ew.angry_keywords.values() {
                for w in words {
                    if contains_keyword(&text, w) {
                        warnings.push(Warning {
                            level: ew.angry_level,
                            rule: "angry_wording".into(),
                            detail: format!("matched `{w}`"),
                        });
                        break 'outer;
                    }
                }
            }
        }
        let mut run = 0u32;
        let mut retention = false;
        for (i, &r) in v.ratings.iter().enumerate() {
            if r == 0 || r > ew.rating_scale_max {
                return Err(Error::InvalidScore {
                    index: i,
                    value: f64::from(r),
                    min: 1,
                    max: i64::from(ew.rating_scale_max),
                });
            }
            run = if r < ew.low_rating_below { run + 1 } else { 0 };
            retention |= run >= ew.low_rating_consecutive;
        }
        warnings.sort_by_key(|w| std::cmp::Reverse(early_rank(w.level)));
        Ok(VisitAssessment {
            level: warnings.first().map(|w| w.level),
            warnings,
            retention_call: retention.then(|| ew.retention_call_by.clone()),
        })
    }
}

/// A visit assessment saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for VisitAssessment {
    const KIND: &'static str = "VisitAssessment";
}

/// A warning saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for Warning {
    const KIND: &'static str = "VisitWarning";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords() {
        assert!(contains_keyword("this is unacceptable!", "unacceptable"));
        assert!(!contains_keyword("i am not angrybirds", "angry"));
        assert!(contains_keyword("我很生气", "生气"));
        assert!(contains_keyword("ANGRY".to_lowercase().as_str(), "Angry"));
    }
}
