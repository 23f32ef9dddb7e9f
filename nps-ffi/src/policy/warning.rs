//! Early warnings during a visit (SPEC §4.6; `nps_core::policy::warning`): waiting past the promise,
//! repeated progress inquiries, angry wording, consecutive low on-site
//! ratings.

use std::ffi::c_char;

use nps_core::policy::Visit;

use crate::ffi::{self, CEnum, FfiError, Handle, NpsStatus};
use crate::policy::{alert_to_c, opt_role_index, NpsPolicy, NPS_ROLE_NONE};

/// Capacity of `NpsVisitAssessment::warnings`.
pub const NPS_MAX_WARNINGS: usize = 8;

/// The rule behind an early warning. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsWarningRule {
    /// Waiting past the promised time (the policy's threshold; yellow).
    Waiting = 0,
    /// Repeated progress inquiries (the policy's count; orange).
    ProgressInquiries = 1,
    /// Angry wording in a message (configurable keyword lists; red).
    AngryWording = 2,
}

c_enum!(NpsWarningRule {
    Waiting,
    ProgressInquiries,
    AngryWording
});

/// The C value of a rule name from `nps_core`.
fn rule_of(name: &str) -> Option<NpsWarningRule> {
    match name {
        "waiting" => Some(NpsWarningRule::Waiting),
        "progress_inquiries" => Some(NpsWarningRule::ProgressInquiries),
        "angry_wording" => Some(NpsWarningRule::AngryWording),
        _ => None,
    }
}

/// What is known about a visit in progress. **Zero-initialise it** and set
/// the fields; the arrays are only read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsVisit {
    /// Whether `promised_at` is set.
    pub has_promised_at: bool,
    /// Promised completion instant, Unix seconds.
    pub promised_at: i64,
    /// The instant of the assessment, Unix seconds.
    pub now: i64,
    /// Progress inquiries by the customer so far.
    pub progress_inquiries: u32,
    /// The customer's messages: `messages_len` NUL-terminated UTF-8
    /// strings (any language; no NULL entries).
    pub messages: *const *const c_char,
    /// Number of messages.
    pub messages_len: usize,
    /// On-site star ratings in order (1..=5 by default).
    pub ratings: *const u8,
    /// Number of ratings.
    pub ratings_len: usize,
}

/// One early warning.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsWarning {
    /// An `NpsWarningRule`.
    pub rule: u32,
    /// Its `NpsAlert` level.
    pub level: u32,
}

/// The early-warning assessment of a visit.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsVisitAssessment {
    /// The most severe level (`NpsAlert`; during a visit red > orange >
    /// yellow), `NPS_ALERT_NONE` without warnings.
    pub level: u32,
    /// Number of warnings. The first `NPS_MAX_WARNINGS` of them are in
    /// `warnings` (the rules give at most one warning each, so today all).
    pub warning_count: usize,
    /// The warnings, most severe first; entries from `warning_count` on are
    /// zero.
    pub warnings: [NpsWarning; NPS_MAX_WARNINGS],
    /// Whether consecutive low ratings call for a retention call.
    pub retention_call: bool,
    /// Role to make the retention call (ladder index), `NPS_ROLE_NONE`
    /// when `retention_call` is false.
    pub retention_call_by: u32,
}

/// Early warnings for a visit: which rules fire, at what level, and
/// whether a retention call is due. A rating outside the policy's star
/// scale is `NPS_STATUS_INVALID_SCORE` with its row in
/// `nps_last_error_index`; a message that is not UTF-8 is
/// `NPS_STATUS_INVALID_UTF8` with its row.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `visit` NULL or valid, its
/// `messages` readable for `messages_len` pointers (each NULL or a
/// NUL-terminated string) and `ratings` for `ratings_len` values; `out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_assess_visit(
    policy: *const NpsPolicy,
    visit: *const NpsVisit,
    out: *mut NpsVisitAssessment,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, v) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::reference(visit, "visit")?,
            )
        };
        // SAFETY: caller guarantees on the arrays and strings.
        let (messages, ratings) = unsafe {
            (
                ffi::str_column(v.messages, v.messages_len, "messages")?,
                ffi::slice(v.ratings, v.ratings_len, "ratings")?,
            )
        };
        let a = p.assess_visit(&Visit {
            promised_at: v.has_promised_at.then_some(v.promised_at),
            now: v.now,
            progress_inquiries: v.progress_inquiries,
            messages: &messages,
            ratings,
        })?;
        let mut warnings = [NpsWarning { rule: 0, level: 0 }; NPS_MAX_WARNINGS];
        for (slot, w) in warnings.iter_mut().zip(&a.warnings) {
            let rule = rule_of(&w.rule)
                .map(NpsWarningRule::to_u32)
                .ok_or_else(|| {
                    FfiError::Panic(format!("unknown warning rule `{}` from nps-core", w.rule))
                })?;
            *slot = NpsWarning {
                rule,
                level: alert_to_c(Some(w.level)),
            };
        }
        let value = NpsVisitAssessment {
            level: alert_to_c(a.level),
            warning_count: a.warnings.len(),
            warnings,
            retention_call: a.retention_call.is_some(),
            retention_call_by: match &a.retention_call {
                Some(r) => opt_role_index(p, Some(r))?,
                None => NPS_ROLE_NONE,
            },
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(value) };
        Ok(())
    })
}
