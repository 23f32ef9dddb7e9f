//! Triage of survey responses: alert level, detractor tier, owner,
//! deadlines, compensation cap and immediate escalation
//! (`nps_policy_triage`, `nps_policy_triage_many`), and the columnar
//! `nps_policy_triage_columns` with its `NpsTriageTable` handle.

use std::ffi::c_char;

use nps_core::policy::{
    AlertLevel, Policy, Response, Tier, Triage, TriageTable, NO_DEADLINE, TRIAGE_CLASSES,
};

use crate::ffi::text::copy_truncated;
use crate::ffi::{self, CEnum, FfiError, Handle, NpsStatus};
use crate::money::{NpsMoney, ZERO_MONEY};
use crate::policy::{opt_role_index, NpsPolicy};
use crate::score::NpsCategory;

/// Capacity of `NpsTriage::mark`, including the terminating NUL.
pub const NPS_MARK_CAPACITY: usize = 32;

/// Survey alert level. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsAlert {
    /// No alert (promoters and, by default, 8s).
    None = 0,
    /// Red (scores 0–3 by default): notify at once, acknowledge within 2 h.
    Red = 1,
    /// Yellow (scores 4–6 by default): acknowledge within 6 h.
    Yellow = 2,
    /// Orange (score 7 by default): passive-conversion follow-up.
    Orange = 3,
}

c_enum!(NpsAlert {
    None,
    Red,
    Yellow,
    Orange
});

/// Detractor handling tier. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsTier {
    /// No tier (not a detractor, or a case without tier).
    None = 0,
    /// Tier S, the most severe.
    S = 1,
    /// Tier A.
    A = 2,
    /// Tier B.
    B = 3,
}

c_enum!(NpsTier { None, S, A, B });

pub(crate) fn alert_to_c(a: Option<AlertLevel>) -> u32 {
    match a {
        None => NpsAlert::None,
        Some(AlertLevel::Red) => NpsAlert::Red,
        Some(AlertLevel::Yellow) => NpsAlert::Yellow,
        Some(AlertLevel::Orange) => NpsAlert::Orange,
    }
    .to_u32()
}

fn tier_to_c(t: Option<Tier>) -> u32 {
    match t {
        None => NpsTier::None,
        Some(Tier::S) => NpsTier::S,
        Some(Tier::A) => NpsTier::A,
        Some(Tier::B) => NpsTier::B,
    }
    .to_u32()
}

/// Converts a C `NpsTier` value.
pub(crate) fn tier_of(v: u32) -> Result<Option<Tier>, FfiError> {
    Ok(match NpsTier::parse(v, "tier")? {
        NpsTier::None => None,
        NpsTier::S => Some(Tier::S),
        NpsTier::A => Some(Tier::A),
        NpsTier::B => Some(Tier::B),
    })
}

/// A survey response to triage. Zero-initialise it and set the fields.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsResponse {
    /// Score 0..=10 (anything else is `NPS_STATUS_INVALID_SCORE`).
    pub score: u8,
    /// Submission instant, Unix seconds (UTC).
    pub submitted_at: i64,
    /// A high-value customer.
    pub high_value: bool,
    /// Public-opinion risk (a threat to go to the media, a regulator or
    /// social networks).
    pub public_opinion_risk: bool,
}

impl NpsResponse {
    pub(crate) fn to_core(self) -> Response {
        Response {
            score: self.score,
            submitted_at: self.submitted_at,
            high_value: self.high_value,
            public_opinion_risk: self.public_opinion_risk,
        }
    }
}

/// The triage of one response. Optional values have a `has_` flag (the
/// value is 0 when the flag is false); roles are ladder indices or
/// `NPS_ROLE_NONE`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsTriage {
    /// The response's `NpsCategory`.
    pub category: u32,
    /// An `NpsAlert` (`NPS_ALERT_NONE` when no alert applies).
    pub alert: u32,
    /// An `NpsTier` (`NPS_TIER_NONE` for passives and promoters).
    pub tier: u32,
    /// Role owning the case (the tier's owner; for an orange alert the
    /// notified role), or `NPS_ROLE_NONE`.
    pub owner: u32,
    /// Whether `acknowledge_by` is set (an alert applies).
    pub has_acknowledge_by: bool,
    /// Alert acknowledgement deadline (orange: the follow-up deadline),
    /// Unix seconds.
    pub acknowledge_by: i64,
    /// Whether `contact_by` is set (a tier applies).
    pub has_contact_by: bool,
    /// Customer-contact deadline of the tier, Unix seconds.
    pub contact_by: i64,
    /// Whether `compensation_cap` is set (a tier applies).
    pub has_compensation_cap: bool,
    /// The tier's compensation cap per case, in the policy currency.
    pub compensation_cap: NpsMoney,
    /// Escalate at once (a detractor with public-opinion risk).
    pub escalate_immediately: bool,
    /// Role escalated to at once, or when the alert is not acknowledged in
    /// time; `NPS_ROLE_NONE` if none.
    pub escalate_to: u32,
    /// Whether the alert marks the case (`mark`).
    pub has_mark: bool,
    /// The case marking (`"urgent"`, `"important"`), NUL-terminated UTF-8;
    /// `""` without one. A policy's marking longer than
    /// `NPS_MARK_CAPACITY - 1` bytes is truncated at a character boundary
    /// (`mark_len` tells).
    pub mark: [c_char; NPS_MARK_CAPACITY],
    /// Full length of the marking in bytes, without the NUL: greater than
    /// `NPS_MARK_CAPACITY - 1` means `mark` was truncated.
    pub mark_len: usize,
}

fn triage_to_c(policy: &Policy, t: &Triage) -> Result<NpsTriage, FfiError> {
    let mut mark = [0 as c_char; NPS_MARK_CAPACITY];
    let text = t.mark.as_deref().unwrap_or("");
    // SAFETY: `mark` is a local array writable for its whole length.
    let mark_len = unsafe { copy_truncated(text, mark.as_mut_ptr(), mark.len()) };
    Ok(NpsTriage {
        category: NpsCategory::from(t.category).to_u32(),
        alert: alert_to_c(t.alert),
        tier: tier_to_c(t.tier),
        owner: opt_role_index(policy, t.owner.as_deref())?,
        has_acknowledge_by: t.acknowledge_by.is_some(),
        acknowledge_by: t.acknowledge_by.unwrap_or(0),
        has_contact_by: t.contact_by.is_some(),
        contact_by: t.contact_by.unwrap_or(0),
        has_compensation_cap: t.compensation_cap.is_some(),
        compensation_cap: t.compensation_cap.map_or(ZERO_MONEY, NpsMoney::from_core),
        escalate_immediately: t.escalate_immediately,
        escalate_to: opt_role_index(policy, t.escalate_to.as_deref())?,
        has_mark: t.mark.is_some(),
        mark,
        mark_len,
    })
}

/// Triage of one response: alert level, tier, owner, acknowledge-by and
/// contact-by deadlines, compensation cap, immediate escalation. A score
/// outside 0..=10 is `NPS_STATUS_INVALID_SCORE` (index 0); a deadline
/// outside years 1..=9999 is `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `response` NULL or valid; `out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_triage(
    policy: *const NpsPolicy,
    response: *const NpsResponse,
    out: *mut NpsTriage,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, r) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::reference(response, "response")?,
            )
        };
        let t = triage_to_c(p, &p.triage(&r.to_core())?)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(t) };
        Ok(())
    })
}

/// The C triage of every class of a table (`TRIAGE_CLASSES` of them):
/// converted once, copied per row.
fn templates_to_c(policy: &Policy, table: &TriageTable) -> Result<Vec<NpsTriage>, FfiError> {
    table
        .templates()
        .iter()
        .map(|t| triage_to_c(policy, t))
        .collect()
}

/// Row `i` of `table`: its class's C triage with its deadlines.
fn row_to_c(table: &TriageTable, templates: &[NpsTriage], i: usize) -> NpsTriage {
    let mut t = templates[usize::from(table.classes()[i])];
    let (ack, contact) = (table.acknowledge_by()[i], table.contact_by()[i]);
    t.has_acknowledge_by = ack != NO_DEADLINE;
    t.acknowledge_by = if t.has_acknowledge_by { ack } else { 0 };
    t.has_contact_by = contact != NO_DEADLINE;
    t.contact_by = if t.has_contact_by { contact } else { 0 };
    t
}

/// Triage of `len` responses into `out` (room for `len` results), all or
/// nothing: the first response with a score outside 0..=10 fails the call
/// with `NPS_STATUS_INVALID_SCORE` and its row in `nps_last_error_index`,
/// and `out` is left untouched. For columns in, and columns out without a
/// 100-byte struct per row, see `nps_policy_triage_columns`.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `responses` NULL or readable for
/// `len` values; `out` NULL or writable for `len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_triage_many(
    policy: *const NpsPolicy,
    responses: *const NpsResponse,
    len: usize,
    out: *mut NpsTriage,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let (p, rs) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::slice(responses, len, "responses")?,
            )
        };
        if len
            .checked_mul(size_of::<NpsTriage>())
            .is_none_or(|bytes| bytes > isize::MAX as usize)
        {
            return Err(FfiError::arg("out", format!("length {len} is too large")));
        }
        // SAFETY: the caller guarantees out is NULL or writable for len
        // values (their size fits an isize: checked above).
        let out = unsafe { ffi::dst_slice(out, len, "out") }?;
        let scores: Vec<u8> = rs.iter().map(|r| r.score).collect();
        let at: Vec<i64> = rs.iter().map(|r| r.submitted_at).collect();
        let hv: Vec<bool> = rs.iter().map(|r| r.high_value).collect();
        let risk: Vec<bool> = rs.iter().map(|r| r.public_opinion_risk).collect();
        let table = p.triage_many(&scores, &at, &hv, &risk)?;
        let templates = templates_to_c(p, &table)?;
        if table.len() != len {
            // triage_many returns one result per row.
            return Err(FfiError::Panic(format!(
                "triage_many returned {} results for {len} rows",
                table.len()
            )));
        }
        for (i, o) in out.iter_mut().enumerate() {
            o.write(row_to_c(&table, &templates, i));
        }
        Ok(())
    })
}

/// The number of triage classes (score 0..=10 × high value × public-opinion
/// risk): class `c` is score `c >> 2`, high value `c & 2`, risk `c & 1`.
pub const NPS_TRIAGE_CLASSES: usize = 44;

/// A missing deadline in the columns of an `NpsTriageTable`: `INT64_MIN`,
/// never a valid instant.
pub const NPS_NO_DEADLINE: i64 = i64::MIN;

// The C constants are literals (cbindgen reads them); they are nps-core's.
const _: () = assert!(NPS_TRIAGE_CLASSES == TRIAGE_CLASSES && NPS_NO_DEADLINE == NO_DEADLINE);

/// The triage of many responses as columns (`nps_policy_triage_columns`):
/// an opaque, immutable handle holding the class of each row, the shared
/// triage of each class and the deadline columns.
///
/// Ownership: owned by the caller, released with `nps_triage_table_free`
/// exactly once; it does not borrow the input columns, and the arrays of
/// `nps_triage_table_columns` live as long as it. Thread safety:
/// immutable, so any number of threads may read it at once; freeing must
/// not race with any other use.
pub struct NpsTriageTable {
    _private: [u8; 0],
}

/// What an `NpsTriageTable` handle holds.
pub(crate) struct TriageTableData {
    table: TriageTable,
    /// The C triage of every class.
    templates: Vec<NpsTriage>,
}

impl Handle for NpsTriageTable {
    type RustType = TriageTableData;
}

/// The columns of an `NpsTriageTable`, borrowed from the handle (valid
/// until it is freed; do not write through them). Row `i` is the class
/// triage of `classes[i]` (`nps_triage_table_template`) with
/// `acknowledge_by[i]` and `contact_by[i]`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsTriageColumns {
    /// Number of rows.
    pub len: usize,
    /// The class of each row, below `NPS_TRIAGE_CLASSES`: score `c >> 2`,
    /// high value `c & 2`, public-opinion risk `c & 1`.
    pub classes: *const u8,
    /// The submission instant of each row, Unix seconds.
    pub submitted_at: *const i64,
    /// The acknowledge-by deadline of each row, Unix seconds
    /// (`NPS_NO_DEADLINE` without an alert).
    pub acknowledge_by: *const i64,
    /// The contact-by deadline of each row, Unix seconds
    /// (`NPS_NO_DEADLINE` without a tier).
    pub contact_by: *const i64,
}

/// Triage of `len` responses given as columns, into a new handle `*out`
/// (free it with `nps_triage_table_free`): the columnar form of
/// `nps_policy_triage_many`, with the same rows. `high_value` and
/// `public_opinion_risk` may be NULL (all false). All or nothing: the
/// first invalid row fails the call (`NPS_STATUS_INVALID_SCORE` or
/// `NPS_STATUS_INVALID_TIMESTAMP`, its row in `nps_last_error_index`) and
/// `*out` is left untouched.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `scores` and `submitted_at`
/// NULL or readable for `len` values, the flag columns NULL or readable
/// for `len` values; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_triage_columns(
    policy: *const NpsPolicy,
    scores: *const u8,
    submitted_at: *const i64,
    high_value: *const bool,
    public_opinion_risk: *const bool,
    len: usize,
    out: *mut *mut NpsTriageTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, scores, at, hv, risk) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::slice(scores, len, "scores")?,
                ffi::slice(submitted_at, len, "submitted_at")?,
                ffi::opt_slice(high_value, len, "high_value")?,
                ffi::opt_slice(public_opinion_risk, len, "public_opinion_risk")?,
            )
        };
        let table = p.triage_many(scores, at, hv.unwrap_or(&[]), risk.unwrap_or(&[]))?;
        let templates = templates_to_c(p, &table)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsTriageTable::write_new(out, TriageTableData { table, templates }) };
        Ok(())
    })
}

/// Releases a handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` must be NULL or a handle from this library not yet freed, and no
/// other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_triage_table_free(table: *mut NpsTriageTable) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsTriageTable::free(table) } })
}

/// Writes the columns of `table` to `*out` (pointers into the handle,
/// valid until it is freed).
///
/// # Safety
///
/// `table` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_triage_table_columns(
    table: *const NpsTriageTable,
    out: *mut NpsTriageColumns,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let h = unsafe { NpsTriageTable::try_ref(table, "table") }?;
        let out = ffi::out(out, "out")?;
        let t = &h.table;
        let columns = NpsTriageColumns {
            len: t.len(),
            classes: t.classes().as_ptr(),
            submitted_at: t.submitted_at().as_ptr(),
            acknowledge_by: t.acknowledge_by().as_ptr(),
            contact_by: t.contact_by().as_ptr(),
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(columns) };
        Ok(())
    })
}

/// Copies the shared triage of `triage_class` (below `NPS_TRIAGE_CLASSES`) to
/// `*out`: everything of its rows but the deadlines (`has_acknowledge_by`
/// and `has_contact_by` false); `NPS_STATUS_INDEX_OUT_OF_RANGE` for
/// another class.
///
/// # Safety
///
/// `table` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_triage_table_template(
    table: *const NpsTriageTable,
    triage_class: usize,
    out: *mut NpsTriage,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let h = unsafe { NpsTriageTable::try_ref(table, "table") }?;
        let out = ffi::out(out, "out")?;
        let t = *h
            .templates
            .get(triage_class)
            .ok_or(FfiError::IndexOutOfRange {
                index: triage_class,
                len: h.templates.len(),
            })?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(t) };
        Ok(())
    })
}

/// Copies row `index` (0-based, below the table's `len`) to `*out`, as
/// `nps_policy_triage_many` gives it; `NPS_STATUS_INDEX_OUT_OF_RANGE` when
/// out of range.
///
/// # Safety
///
/// `table` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_triage_table_get(
    table: *const NpsTriageTable,
    index: usize,
    out: *mut NpsTriage,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let h = unsafe { NpsTriageTable::try_ref(table, "table") }?;
        let out = ffi::out(out, "out")?;
        if index >= h.table.len() {
            return Err(FfiError::IndexOutOfRange {
                index,
                len: h.table.len(),
            });
        }
        let row = row_to_c(&h.table, &h.templates, index);
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(row) };
        Ok(())
    })
}
