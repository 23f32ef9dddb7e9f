//! Recovery programme statistics over many cases (SPEC §4.5;
//! `nps_core::programme`): the counts and rates of a group of cases, the
//! same as JSON with splits and groupings, and open cases ranked by
//! expected recovered value.

use std::ffi::c_char;

use nps_core::case::Case;
use nps_core::event_log::{recovery_stats_from_columns, EventColumns};
use nps_core::period::parse_tz;
use nps_core::programme::{
    groups_to_json, rank_open_cases, recovery_stats, recovery_stats_by, recovery_stats_by_keys,
    recovery_stats_from_case_columns, recovery_stats_table_from_case_columns, CaseColumns,
    CaseTexts, ChannelRule, RecoveryRate, RecoveryStats, StatsGrouping, StatsOptions,
};

use crate::case::NpsCase;
use nps_core::group::Keys;
use nps_core::state::Saved;

use crate::ffi::{self, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::group::{key_columns as key_columns_of, KeyColumn, NpsKeyColumn};
use crate::period::period_of;
use crate::policy::{policy_or_default, NpsPolicy};

/// A rate: `value` = numerator / denominator when `has_value` (the
/// denominator is above 0), else "no data".
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsRecoveryRate {
    /// Whether `value` is set.
    pub has_value: bool,
    /// The fraction 0–1.
    pub value: f64,
    /// Numerator.
    pub numerator: u64,
    /// Denominator.
    pub denominator: u64,
}

/// Programme statistics of a group of cases (every rate over
/// `low_scores`), filled by `nps_recovery_stats`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsRecoveryStats {
    /// Cases with an original score 0–6.
    pub low_scores: u64,
    /// Cases with a contact.
    pub launched: u64,
    /// First contact within 24 h of opening.
    pub responded_24h: u64,
    /// Closed recovered or converted.
    pub recovered: u64,
    /// Closed converted.
    pub converted: u64,
    /// Closed lost.
    pub lost: u64,
    /// launched / low_scores.
    pub launch_rate: NpsRecoveryRate,
    /// responded_24h / low_scores.
    pub response_24h_rate: NpsRecoveryRate,
    /// recovered / low_scores.
    pub success_rate: NpsRecoveryRate,
    /// converted / low_scores.
    pub conversion_rate: NpsRecoveryRate,
    /// lost / low_scores.
    pub lost_rate: NpsRecoveryRate,
}

/// An open case ranked by expected recovered value.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsRankedCase {
    /// Position of the case in the input array.
    pub index: usize,
    /// Speed band (index into the policy's `recovery.success_by_speed`).
    pub band: u32,
    /// Success probability of the band.
    pub probability: f64,
    /// probability × the caller's value.
    pub expected: f64,
}

fn rate_to_c(r: RecoveryRate) -> NpsRecoveryRate {
    NpsRecoveryRate {
        has_value: r.value.is_some(),
        value: r.value.unwrap_or(0.0),
        numerator: r.numerator,
        denominator: r.denominator,
    }
}

fn stats_to_c(s: &RecoveryStats) -> NpsRecoveryStats {
    NpsRecoveryStats {
        low_scores: s.low_scores,
        launched: s.launched,
        responded_24h: s.responded_24h,
        recovered: s.recovered,
        converted: s.converted,
        lost: s.lost,
        launch_rate: rate_to_c(s.launch_rate),
        response_24h_rate: rate_to_c(s.response_24h_rate),
        success_rate: rate_to_c(s.success_rate),
        conversion_rate: rate_to_c(s.conversion_rate),
        lost_rate: rate_to_c(s.lost_rate),
    }
}

/// # Safety
/// `cases` NULL (with `n` 0) or readable for `n` handles, each live.
pub(crate) unsafe fn cases_of(
    cases: *const *const NpsCase,
    n: usize,
) -> Result<Vec<Case>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let ptrs = unsafe { ffi::slice(cases, n, "cases") }?;
    ptrs.iter()
        .enumerate()
        .map(|(i, &p)| {
            if p.is_null() {
                return Err(FfiError::NullPointer {
                    name: "cases",
                    row: Some(i),
                });
            }
            // SAFETY: the caller guarantees live handles.
            Ok(unsafe { NpsCase::try_ref(p, "cases") }?.case.clone())
        })
        .collect()
}

/// The cases behind `n` handles, borrowed (the statistics read them in
/// place); a NULL entry is named by its row.
///
/// # Safety
///
/// `cases` NULL (with `n` 0) or readable for `n` live case handles that
/// outlive the result.
unsafe fn case_refs_of<'a>(
    cases: *const *const NpsCase,
    n: usize,
) -> Result<Vec<&'a Case>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let ptrs = unsafe { ffi::slice(cases, n, "cases") }?;
    ptrs.iter()
        .enumerate()
        .map(|(i, &p)| {
            if p.is_null() {
                return Err(FfiError::NullPointer {
                    name: "cases",
                    row: Some(i),
                });
            }
            // SAFETY: the caller guarantees live handles.
            Ok(&unsafe { NpsCase::try_ref(p, "cases") }?.case)
        })
        .collect()
}

/// Programme statistics of `n` cases (SPEC §4.5) with `policy` (NULL =
/// default): the counts and the five rates, each with its numerator and
/// denominator (`has_value` false = no data). Splits, reasons and
/// groupings are in `nps_recovery_stats_json`. A case that fails (e.g. a
/// package in another currency than the policy's) is named by
/// `nps_last_error_index` (its position in `cases`) and
/// `nps_last_error_case_id`; the status is the case's own error.
///
/// # Safety
///
/// `policy` NULL or a live handle; `cases` NULL (with `n` 0) or readable
/// for `n` live case handles; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    out: *mut NpsRecoveryStats,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, cs) = unsafe { (policy_or_default(policy)?, case_refs_of(cases, n)?) };
        let s = recovery_stats(&cs, &p, &StatsOptions::default())?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(stats_to_c(&s)) };
        Ok(())
    })
}

/// An event table of recovery cases, one row per case event (nps-core's
/// `event_log::EventColumns`): `case_id`, `event` and `at` are required,
/// every other column may be NULL (not given). In a text column a NULL
/// entry is "no value on that row"; in `score` and `value` NaN is. Which
/// columns a row needs depends on its event (see
/// `nps_recovery_stats_columns`). The columns are only read during the
/// call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsEventColumns {
    /// The case id of each row (NUL-terminated UTF-8).
    pub case_id: *const *const c_char,
    /// The event kind of each row: `opened`, `acknowledged`, `contacted`,
    /// `investigated`, `solution_proposed`, `solution_accepted`,
    /// `execution_started`, `executed`, `followed_up`, `rerated`, `closed`,
    /// `reviewed`.
    pub event: *const *const c_char,
    /// The instant of each row, Unix seconds.
    pub at: *const i64,
    /// Score 0–10 of `opened` and `rerated` rows (NaN elsewhere), or NULL.
    pub score: *const f64,
    /// Low-score reason of `opened` rows, or NULL.
    pub reason: *const *const c_char,
    /// High-value customer (`opened`), or NULL (false).
    pub high_value: *const bool,
    /// Public-opinion risk (`opened`), or NULL (false).
    pub public_opinion_risk: *const bool,
    /// Dealer of `opened` rows (optional), or NULL.
    pub dealer: *const *const c_char,
    /// Channel of `contacted` rows (`visit`, `video`, `phone`, `message`),
    /// or NULL.
    pub channel: *const *const c_char,
    /// Responsibility of `investigated` rows (`company`, `customer`,
    /// `shared`, `force_majeure`), or NULL.
    pub responsibility: *const *const c_char,
    /// Item value of `solution_proposed` rows in minor units (NaN
    /// elsewhere), or NULL.
    pub value: *const f64,
    /// Item currency of `solution_proposed` rows (ISO 4217), or NULL.
    pub currency: *const *const c_char,
    /// Item layer of `solution_proposed` rows (`problem_repair`,
    /// `loss_compensation`, `emotional_repair`), or NULL.
    pub layer: *const *const c_char,
    /// Outcome of `closed` rows (`recovered`, `converted`, `lost`), or NULL.
    pub outcome: *const *const c_char,
    /// `solution_proposed` rows: the package is marked over the customer's
    /// expectation (true on any row of the package), or NULL (false).
    pub over_expectation: *const bool,
    /// `solution_proposed` rows: the customer's stated expectation in minor
    /// units (NaN = not given; a package whose total exceeds it is over
    /// expectation), or NULL.
    pub expectation: *const f64,
}

/// Which contact sets a case's apology channel in the programme
/// statistics (nps-core's `programme::ChannelRule`). Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsChannelRule {
    /// The strongest channel used before the outcome (visit > video >
    /// phone > message). The default.
    Strongest = 0,
    /// The channel of the first contact.
    FirstContact = 1,
}

c_enum!(NpsChannelRule {
    Strongest,
    FirstContact
});

/// Options of the programme statistics (nps-core's
/// `programme::StatsOptions`). Start from
/// `nps_recovery_stats_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsRecoveryStatsOptions {
    /// How many reasons to list.
    pub top_reasons: usize,
    /// An `NpsChannelRule`.
    pub channel_rule: u32,
}

impl NpsRecoveryStatsOptions {
    fn to_core(self) -> Result<StatsOptions, FfiError> {
        Ok(StatsOptions {
            top_reasons: self.top_reasons,
            channel_rule: match NpsChannelRule::parse(self.channel_rule, "channel_rule")? {
                NpsChannelRule::Strongest => ChannelRule::Strongest,
                NpsChannelRule::FirstContact => ChannelRule::FirstContact,
            },
        })
    }

    fn default_value() -> NpsRecoveryStatsOptions {
        let d = StatsOptions::default();
        NpsRecoveryStatsOptions {
            top_reasons: d.top_reasons,
            channel_rule: match d.channel_rule {
                ChannelRule::Strongest => NpsChannelRule::Strongest,
                ChannelRule::FirstContact => NpsChannelRule::FirstContact,
            }
            .to_u32(),
        }
    }
}

/// The default statistics options, converted from nps-core's
/// `StatsOptions::default()` (5 reasons; the strongest channel).
#[no_mangle]
pub extern "C" fn nps_recovery_stats_options_default() -> NpsRecoveryStatsOptions {
    ffi_value!(NpsRecoveryStatsOptions::default_value(), {
        NpsRecoveryStatsOptions::default_value()
    })
}

/// `options` NULL = the default; else converted.
///
/// # Safety
///
/// `options` NULL or readable.
unsafe fn stats_options(options: *const NpsRecoveryStatsOptions) -> Result<StatsOptions, FfiError> {
    // SAFETY: caller guarantee.
    unsafe { ffi::options_or_default(options, |o: NpsRecoveryStatsOptions| o.to_core()) }
}

/// Programme statistics of the cases of an event table of `n` rows
/// (`nps_recovery_stats` of the cases the table describes; nps-core's
/// `event_log::recovery_stats_from_columns`). A case's rows are its events
/// in time order (rows of one instant in row order); cases come in the
/// order of their first row. Fields come from their columns on the row of
/// the event that needs them: `score`, `reason` (and optionally
/// `high_value`, `public_opinion_risk`, `dealer`) for `opened`; `channel`
/// for `contacted`; `responsibility` for `investigated`; `score` for
/// `rerated`; `outcome` for `closed`; a `solution_proposed` row is one item
/// (`value`, `currency`, `layer`), and the case's `solution_proposed` rows
/// at one instant are one package (`over_expectation` true on any of its
/// rows marks it; `expectation`, not NaN, is the customer's stated
/// expectation). Every event must be one the case accepts
/// (`nps_case_apply_json`'s rules: order, events that occur once, packages
/// in the policy's currency). The event `execution_started` needs no field.
///
/// Errors: a bad row is `NPS_STATUS_INVALID_VALUE` (an unknown event name,
/// an instant out of range, a missing or bad field; the message names the
/// column) or `NPS_STATUS_INVALID_EVENT` (an event the case refuses, e.g. a
/// second `opened`), with `nps_last_error_index` the row and
/// `nps_last_error_case_id` the case id; `NPS_STATUS_LENGTH_MISMATCH`
/// never (one `n` for all columns); pointer and UTF-8 errors as usual.
///
/// ```c
/// const char *ids[] = {"a", "a", "a"};
/// const char *events[] = {"opened", "acknowledged", "contacted"};
/// int64_t at[] = {0, 600, 3600};
/// double score[] = {3, NAN, NAN};
/// const char *reason[] = {"waiting", NULL, NULL};
/// const char *channel[] = {NULL, NULL, "visit"};
/// NpsEventColumns cols = {0};
/// cols.case_id = ids; cols.event = events; cols.at = at;
/// cols.score = score; cols.reason = reason; cols.channel = channel;
/// NpsRecoveryStats s;
/// nps_recovery_stats_columns(NULL, &cols, 3, &s); // s.launched == 1
/// ```
///
/// # Safety
///
/// `policy` NULL or a live handle; `columns` readable, each non-NULL column
/// readable for `n` elements (each text entry NULL or NUL-terminated); `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_columns(
    policy: *const NpsPolicy,
    columns: *const NpsEventColumns,
    n: usize,
    out: *mut NpsRecoveryStats,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on every pointer.
        let s = unsafe { columns_stats(policy, columns, n, &StatsOptions::default()) }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(stats_to_c(&s)) };
        Ok(())
    })
}

/// Programme statistics as JSON text. With `period` `NPS_PERIOD_NONE` and
/// `by_dealer` false: one object (counts, rates as {value, numerator,
/// denominator}, `reasons` top `top_reasons`, `by_speed`,
/// `by_compensation`, `by_channel`); otherwise an array of {period,
/// dealer, stats} groups, periods in the IANA zone `tz` (NULL = UTC). Text
/// output as `nps_case_to_json`.
///
/// # Safety
///
/// As `nps_recovery_stats`; `tz` NULL or NUL-terminated; `buf` NULL or
/// writable for `len` bytes; `text_len` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_recovery_stats_json(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    period: u32,
    by_dealer: bool,
    tz: *const c_char,
    top_reasons: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let (p, cs, tz) = unsafe {
            (
                policy_or_default(policy)?,
                case_refs_of(cases, n)?,
                ffi::opt_text(tz, "tz")?.unwrap_or(nps_core::period::DEFAULT_TZ),
            )
        };
        let period = period_of(period)?;
        let zone = parse_tz(tz)?;
        let o = StatsOptions {
            top_reasons,
            ..StatsOptions::default()
        };
        let text = if period.is_none() && !by_dealer {
            recovery_stats(&cs, &p, &o)?.to_json()
        } else {
            let g = StatsGrouping {
                dealer: by_dealer,
                period: period.map(|x| (x, zone)),
            };
            groups_to_json(&recovery_stats_by(&cs, &p, &o, &g)?)
        };
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// `nps_recovery_stats_json` also grouped by `n_key_columns` key columns
/// the caller gives, one key per case (`NpsKeyColumn` of any type, each
/// with `n` rows: e.g. the advisor or region of `cases[i]`, or several
/// columns at once): an array of {period, dealer, key, stats} groups,
/// sorted by period, then dealer (when `by_dealer`), then key (nps-core's
/// `recovery_stats_by_keys`). `key` is the key of one column (a number or
/// a string), or an array with one part per column when
/// `n_key_columns > 1`. `n_key_columns == 0` is the grouping of
/// `nps_recovery_stats_json` (always an array). A case that fails is
/// named by `nps_last_error_index` and `nps_last_error_case_id`.
///
/// # Safety
///
/// As `nps_recovery_stats_json`; `key_columns` NULL or readable for
/// `n_key_columns` columns of `n` values each.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_recovery_stats_by_json(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    key_columns: *const NpsKeyColumn,
    n_key_columns: usize,
    period: u32,
    by_dealer: bool,
    tz: *const c_char,
    top_reasons: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let (p, cs, cols, tz) = unsafe {
            (
                policy_or_default(policy)?,
                case_refs_of(cases, n)?,
                key_columns_of(key_columns, n_key_columns, n)?,
                ffi::opt_text(tz, "tz")?.unwrap_or(nps_core::period::DEFAULT_TZ),
            )
        };
        let period = period_of(period)?;
        let zone = parse_tz(tz)?;
        let o = StatsOptions {
            top_reasons,
            ..StatsOptions::default()
        };
        let g = StatsGrouping {
            dealer: by_dealer,
            period: period.map(|x| (x, zone)),
        };
        let cols: Vec<Keys> = cols.iter().map(KeyColumn::as_keys).collect();
        let keys = match cols.len() {
            0 => None,
            1 => Some(cols[0]),
            _ => Some(Keys::Multi(&cols)),
        };
        let text = groups_to_json(&recovery_stats_by_keys(&cs, &p, &o, &g, keys)?);
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// Programme statistics with everything merging needs (every reason
/// count, the ids of the cases counted, the options and the policy's
/// fingerprint): an opaque, immutable handle made by
/// `nps_recovery_stats_new`, `nps_recovery_stats_merge` or
/// `nps_recovery_stats_from_state`; read with `nps_recovery_stats_get`
/// and `nps_recovery_stats_to_json`.
///
/// Ownership: owned by the caller, released with `nps_recovery_stats_free`
/// exactly once; it does not borrow the cases. Thread safety: immutable,
/// so any number of threads may read it at once; freeing must not race
/// with any other use.
pub struct NpsRecoveryStatsHandle {
    _private: [u8; 0],
}

impl Handle for NpsRecoveryStatsHandle {
    type RustType = RecoveryStats;
}

/// The programme statistics of `n` cases with `policy` (NULL = default)
/// and `top_reasons` reasons listed, as a handle (the figures of
/// `nps_recovery_stats` plus what `nps_recovery_stats_merge` needs).
/// Writes a new handle to `*out`. A case that fails is named by
/// `nps_last_error_index` and `nps_last_error_case_id`.
///
/// # Safety
///
/// `policy` NULL or a live handle; `cases` NULL (with `n` 0) or readable
/// for `n` live case handles; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_new(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    top_reasons: usize,
    out: *mut *mut NpsRecoveryStatsHandle,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, cs) = unsafe { (policy_or_default(policy)?, case_refs_of(cases, n)?) };
        let o = StatsOptions {
            top_reasons,
            ..StatsOptions::default()
        };
        let s = recovery_stats(&cs, &p, &o)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsRecoveryStatsHandle::write_new(out, s) };
        Ok(())
    })
}

/// The statistics of an event table (see `nps_recovery_stats_columns`).
///
/// # Safety
///
/// As `nps_recovery_stats_columns`.
unsafe fn columns_stats(
    policy: *const NpsPolicy,
    columns: *const NpsEventColumns,
    n: usize,
    options: &StatsOptions,
) -> Result<RecoveryStats, FfiError> {
    // SAFETY: caller guarantees on every pointer.
    let (p, c) = unsafe {
        (
            policy_or_default(policy)?,
            ffi::reference(columns, "columns")?,
        )
    };
    // SAFETY: caller guarantees each non-NULL column is readable for n.
    unsafe {
        let case = ffi::str_column(c.case_id, n, "case_id")?;
        let event = ffi::str_column(c.event, n, "event")?;
        let at = ffi::slice(c.at, n, "at")?;
        let score = ffi::opt_slice(c.score, n, "score")?.unwrap_or(&[]);
        let reason = ffi::nullable_str_column(c.reason, n, "reason")?;
        let high_value = ffi::opt_slice(c.high_value, n, "high_value")?.unwrap_or(&[]);
        let public_opinion_risk =
            ffi::opt_slice(c.public_opinion_risk, n, "public_opinion_risk")?.unwrap_or(&[]);
        let dealer = ffi::nullable_str_column(c.dealer, n, "dealer")?;
        let channel = ffi::nullable_str_column(c.channel, n, "channel")?;
        let responsibility = ffi::nullable_str_column(c.responsibility, n, "responsibility")?;
        let value = ffi::opt_slice(c.value, n, "value")?.unwrap_or(&[]);
        let currency = ffi::nullable_str_column(c.currency, n, "currency")?;
        let layer = ffi::nullable_str_column(c.layer, n, "layer")?;
        let outcome = ffi::nullable_str_column(c.outcome, n, "outcome")?;
        let over_expectation =
            ffi::opt_slice(c.over_expectation, n, "over_expectation")?.unwrap_or(&[]);
        let expectation = ffi::opt_slice(c.expectation, n, "expectation")?.unwrap_or(&[]);
        let cols = EventColumns {
            case: &case,
            event: &event,
            at,
            score,
            reason: &reason,
            high_value,
            public_opinion_risk,
            dealer: &dealer,
            channel: &channel,
            responsibility: &responsibility,
            value,
            currency: &currency,
            layer: &layer,
            outcome: &outcome,
            over_expectation,
            expectation,
        };
        Ok(recovery_stats_from_columns(&cols, &p, options)?)
    }
}

/// The programme statistics of an event table of `n` rows (as
/// `nps_recovery_stats_columns`) with `options` (NULL =
/// `nps_recovery_stats_options_default()`), as a new handle written to
/// `*out`: its JSON (`nps_recovery_stats_to_json`) has every split,
/// `by_channel` (by `options->channel_rule`) and `by_expectation` (none,
/// standard, over_expectation) included.
///
/// # Safety
///
/// As `nps_recovery_stats_columns`; `options` NULL or readable; `out` NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_columns_new(
    policy: *const NpsPolicy,
    columns: *const NpsEventColumns,
    n: usize,
    options: *const NpsRecoveryStatsOptions,
    out: *mut *mut NpsRecoveryStatsHandle,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on every pointer.
        let s = unsafe {
            let o = stats_options(options)?;
            columns_stats(policy, columns, n, &o)?
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsRecoveryStatsHandle::write_new(out, s) };
        Ok(())
    })
}

/// A case table, one row per case (nps-core's `programme::CaseColumns`):
/// `case_id`, `opened`, `score` and `reason` are required, every other
/// column may be NULL (not given). In a text column a NULL entry is "no
/// value on that row"; in `score` and `compensation` NaN is; in `opened`
/// and `contacted` `INT64_MIN` is. The columns are only read during the
/// call. The rules of a row are in `nps_recovery_stats_from_case_columns`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsCaseColumns {
    /// The case id of each row (NUL-terminated UTF-8).
    pub case_id: *const *const c_char,
    /// The opening instant, Unix seconds.
    pub opened: *const i64,
    /// The original score, a whole number 0–10.
    pub score: *const f64,
    /// The low-score reason.
    pub reason: *const *const c_char,
    /// The dealer (optional), or NULL.
    pub dealer: *const *const c_char,
    /// The first contact, Unix seconds (`INT64_MIN` = never contacted), or
    /// NULL (no case contacted).
    pub contacted: *const i64,
    /// The apology channel of a contacted case (`visit`, `video`, `phone`,
    /// `message`), or NULL.
    pub channel: *const *const c_char,
    /// How the case ended (`recovered`, `converted`, `lost`; NULL entry =
    /// open), or NULL.
    pub outcome: *const *const c_char,
    /// Total of the accepted packages in minor units of the policy's
    /// currency (NaN = none), or NULL.
    pub compensation: *const f64,
    /// An accepted package is over the customer's expectation, or NULL
    /// (false).
    pub over_expectation: *const bool,
    /// Integer case ids, read when `case_id` is NULL (each the case of its
    /// decimal text: 42 is the case "42"); kept as numbers, which is
    /// faster than texts.
    pub case_id_int: *const u64,
    /// The original scores as bytes 0–10, read in place when `score` is
    /// NULL (a byte above 10 is a bad row, named `score`); giving both is
    /// `NPS_STATUS_INVALID_ARGUMENT`.
    pub score_u8: *const u8,
}

/// Reads a case table of `n` rows and runs `f` on its columns.
///
/// # Safety
///
/// As `nps_recovery_stats_from_case_columns`.
unsafe fn with_case_columns<R>(
    columns: *const NpsCaseColumns,
    n: usize,
    f: impl FnOnce(&CaseColumns<'_>) -> Result<R, FfiError>,
) -> Result<R, FfiError> {
    // SAFETY: caller guarantees on every pointer.
    unsafe {
        let c = ffi::reference(columns, "columns")?;
        let (case, case_int) = if c.case_id.is_null() && !c.case_id_int.is_null() {
            (
                Vec::new(),
                Some(ffi::slice(c.case_id_int, n, "case_id_int")?),
            )
        } else {
            (ffi::str_column(c.case_id, n, "case_id")?, None)
        };
        let case: Vec<Option<&str>> = case.into_iter().map(Some).collect();
        let opened = ffi::slice(c.opened, n, "opened")?;
        let score_u8 = ffi::opt_slice(c.score_u8, n, "score_u8")?.unwrap_or(&[]);
        let score = if c.score.is_null() && !c.score_u8.is_null() {
            &[]
        } else {
            ffi::slice(c.score, n, "score")?
        };
        let reason = ffi::nullable_str_column(c.reason, n, "reason")?;
        let dealer = ffi::nullable_str_column(c.dealer, n, "dealer")?;
        let contacted = ffi::opt_slice(c.contacted, n, "contacted")?.unwrap_or(&[]);
        let channel = ffi::nullable_str_column(c.channel, n, "channel")?;
        let outcome = ffi::nullable_str_column(c.outcome, n, "outcome")?;
        let compensation = ffi::opt_slice(c.compensation, n, "compensation")?.unwrap_or(&[]);
        let over_expectation =
            ffi::opt_slice(c.over_expectation, n, "over_expectation")?.unwrap_or(&[]);
        f(&CaseColumns {
            case: match case_int {
                Some(ids) => CaseTexts::U64(ids),
                None => CaseTexts::Rows(&case),
            },
            opened,
            score,
            score_u8,
            reason: CaseTexts::Rows(&reason),
            dealer: CaseTexts::Rows(&dealer),
            contacted,
            channel: CaseTexts::Rows(&channel),
            outcome: CaseTexts::Rows(&outcome),
            compensation,
            over_expectation,
        })
    }
}

/// The programme statistics of a case table of `n` rows, one row per case
/// (nps-core's `programme::recovery_stats_from_case_columns`), with
/// `policy` (NULL = default) and `options` (NULL =
/// `nps_recovery_stats_options_default()`), as a new handle written to
/// `*out`: equal to `nps_recovery_stats_new_with_options` over cases whose
/// state says what the rows say, without building cases.
///
/// The rules of a row: `score` (or `score_u8`) a whole number 0–10;
/// `reason` and `opened` given; `contacted` (the first contact) at or
/// after `opened`; a contacted case has its apology `channel` (the one
/// `options->channel_rule` picks), a case never contacted none; `outcome`
/// `recovered` or `converted` needs a contact; `compensation` a whole
/// number ≥ 0; `over_expectation` only with a compensation.
///
/// Errors: a bad row is `NPS_STATUS_INVALID_VALUE` (the message names the
/// column) with `nps_last_error_index` the row and
/// `nps_last_error_case_id` the case id; `reason` NULL (with `n` > 0) is
/// `NPS_STATUS_LENGTH_MISMATCH` naming `reason`; pointer and UTF-8 errors
/// as usual.
///
/// ```c
/// const char *ids[] = {"a", "b"};
/// int64_t opened[] = {0, 0};
/// double score[] = {3, 5};
/// const char *reason[] = {"waiting", "price"};
/// int64_t contacted[] = {3600, INT64_MIN};
/// const char *channel[] = {"visit", NULL};
/// const char *outcome[] = {"recovered", NULL};
/// NpsCaseColumns cols = {0};
/// cols.case_id = ids; cols.opened = opened; cols.score = score;
/// cols.reason = reason; cols.contacted = contacted; cols.channel = channel;
/// cols.outcome = outcome;
/// NpsRecoveryStatsHandle *h = NULL;
/// nps_recovery_stats_from_case_columns(NULL, &cols, 2, NULL, &h);
/// NpsRecoveryStats s;
/// nps_recovery_stats_get(h, &s); // s.low_scores == 2, s.recovered == 1
/// nps_recovery_stats_free(h);
/// ```
///
/// # Safety
///
/// `policy` NULL or a live handle; `columns` readable, each non-NULL column
/// readable for `n` elements (each text entry NULL or NUL-terminated);
/// `options` NULL or readable; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_from_case_columns(
    policy: *const NpsPolicy,
    columns: *const NpsCaseColumns,
    n: usize,
    options: *const NpsRecoveryStatsOptions,
    out: *mut *mut NpsRecoveryStatsHandle,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on every pointer.
        let s = unsafe {
            let p = policy_or_default(policy)?;
            let o = stats_options(options)?;
            with_case_columns(columns, n, |c| {
                Ok(recovery_stats_from_case_columns(c, &p, &o)?)
            })?
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsRecoveryStatsHandle::write_new(out, s) };
        Ok(())
    })
}

/// The programme statistics of a case table (as
/// `nps_recovery_stats_from_case_columns`) per group, as the JSON array of
/// `nps_recovery_stats_by_json` ({period, dealer, stats} groups sorted by
/// period, then dealer): grouped by the `period` (an `NpsPeriod`,
/// `NPS_PERIOD_NONE` for none) of `opened` in the IANA zone `tz` (NULL =
/// UTC) and, when `by_dealer`, by the `dealer` column (nps-core's
/// `programme::recovery_stats_table_from_case_columns`). Text output as
/// `nps_case_to_json`.
///
/// # Safety
///
/// As `nps_recovery_stats_from_case_columns`; `tz` NULL or NUL-terminated;
/// `buf` NULL or writable for `len` bytes; `text_len` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_recovery_stats_table_from_case_columns_json(
    policy: *const NpsPolicy,
    columns: *const NpsCaseColumns,
    n: usize,
    options: *const NpsRecoveryStatsOptions,
    period: u32,
    by_dealer: bool,
    tz: *const c_char,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees on every pointer.
        let text = unsafe {
            let p = policy_or_default(policy)?;
            let o = stats_options(options)?;
            let tz = ffi::opt_text(tz, "tz")?.unwrap_or(nps_core::period::DEFAULT_TZ);
            let zone = parse_tz(tz)?;
            let g = StatsGrouping {
                dealer: by_dealer,
                period: period_of(period)?.map(|x| (x, zone)),
            };
            with_case_columns(columns, n, |c| {
                let t = recovery_stats_table_from_case_columns(c, &p, &o, &g, None)?;
                Ok(groups_to_json(&t.rows()))
            })?
        };
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// The programme statistics of `n` cases with `policy` (NULL = default)
/// and `options` (NULL = `nps_recovery_stats_options_default()`), as a new
/// handle written to `*out` (`nps_recovery_stats_new` with every option).
///
/// # Safety
///
/// `policy` NULL or a live handle; `cases` NULL (with `n` 0) or readable
/// for `n` live case handles; `options` NULL or readable; `out` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_new_with_options(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    options: *const NpsRecoveryStatsOptions,
    out: *mut *mut NpsRecoveryStatsHandle,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, cs, o) = unsafe {
            (
                policy_or_default(policy)?,
                case_refs_of(cases, n)?,
                stats_options(options)?,
            )
        };
        let s = recovery_stats(&cs, &p, &o)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsRecoveryStatsHandle::write_new(out, s) };
        Ok(())
    })
}

/// Merges the statistics of two disjoint sets of cases: `*out` equals the
/// statistics of both sets computed at once (counts, rates, top reasons,
/// every split; nps-core's `RecoveryStats::merge`). Writes a new handle
/// to `*out`; `a` and `b` are unchanged.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` (argument `other`) when the two
/// were computed with different policies or `top_reasons`, or share a
/// case id (a case would be counted twice).
///
/// # Safety
///
/// `a` and `b` NULL or live handles; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_merge(
    a: *const NpsRecoveryStatsHandle,
    b: *const NpsRecoveryStatsHandle,
    out: *mut *mut NpsRecoveryStatsHandle,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: the caller passes NULL or live handles.
        let (a, b) = unsafe {
            (
                NpsRecoveryStatsHandle::try_ref(a, "a")?,
                NpsRecoveryStatsHandle::try_ref(b, "b")?,
            )
        };
        let merged = a.merge(b)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsRecoveryStatsHandle::write_new(out, merged) };
        Ok(())
    })
}

/// Copies the figures of a handle (counts and the five rates) to `*out`,
/// as `nps_recovery_stats` fills them.
///
/// # Safety
///
/// `stats` NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_get(
    stats: *const NpsRecoveryStatsHandle,
    out: *mut NpsRecoveryStats,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let s = unsafe { NpsRecoveryStatsHandle::try_ref(stats, "stats") }?;
        let out = ffi::out(out, "out")?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(stats_to_c(s)) };
        Ok(())
    })
}

/// The statistics of a handle as the JSON object of
/// `nps_recovery_stats_json` (counts, rates, reasons, splits). Text output
/// as `nps_case_to_json`.
///
/// # Safety
///
/// `stats` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_to_json(
    stats: *const NpsRecoveryStatsHandle,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let s = unsafe { NpsRecoveryStatsHandle::try_ref(stats, "stats") }?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&s.to_json(), buf, len, text_len) }
    })
}

/// The statistics as a saved state (versioned JSON text, nps-core's
/// `Saved::to_state`), to store them or ship them to another process and
/// merge them there; read back with `nps_recovery_stats_from_state`. Text
/// output as `nps_case_to_json`.
///
/// # Safety
///
/// As `nps_recovery_stats_to_json`.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_to_state(
    stats: *const NpsRecoveryStatsHandle,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let s = unsafe { NpsRecoveryStatsHandle::try_ref(stats, "stats") }?;
        let state = String::from_utf8(s.to_state()).unwrap_or_default();
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&state, buf, len, text_len) }
    })
}

/// Statistics from a state written by `nps_recovery_stats_to_state`
/// (`len` bytes, no NUL needed). The counts must add up and every rate
/// and top reason must equal its recomputation: a hand-edited, truncated
/// or foreign state is `NPS_STATUS_INVALID_ARGUMENT` (argument `state`).
/// Writes a new handle to `*out`.
///
/// # Safety
///
/// `state` NULL or readable for `len` bytes; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_from_state(
    state: *const c_char,
    len: usize,
    out: *mut *mut NpsRecoveryStatsHandle,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: the caller guarantees state is readable for len bytes.
        let bytes = unsafe { ffi::slice(state.cast::<u8>(), len, "state") }?;
        let s = RecoveryStats::from_state(bytes)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsRecoveryStatsHandle::write_new(out, s) };
        Ok(())
    })
}

/// Releases a handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `stats` must be NULL or a handle from this library not yet freed, and
/// no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_recovery_stats_free(stats: *mut NpsRecoveryStatsHandle) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsRecoveryStatsHandle::free(stats) } })
}

/// Open cases (not closed by `now`) ranked by expected recovered value:
/// the success probability of the response-speed band (of the first
/// contact, or for a case not yet contacted the best band still reachable
/// at `now`) × `values[i]` (finite, ≥ 0; one per case), descending, ties
/// by case id. Writes up to `out_len` rows to `out` and the number of open
/// cases to `*count` (may be NULL); `out_len` below it is
/// `NPS_STATUS_BUFFER_TOO_SMALL` (with `*count` set).
///
/// # Safety
///
/// `policy` NULL or a live handle; `cases` and `values` NULL (with `n` 0)
/// or readable for `n` elements; `out` NULL or writable for `out_len`
/// rows; `count` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_rank_open_cases(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    values: *const f64,
    n: usize,
    now: i64,
    out: *mut NpsRankedCase,
    out_len: usize,
    count: *mut usize,
) -> NpsStatus {
    ffi_status!({
        let count = ffi::opt_out(count, "count")?;
        // SAFETY: caller guarantees.
        let (p, cs, vs) = unsafe {
            (
                policy_or_default(policy)?,
                cases_of(cases, n)?,
                ffi::slice(values, n, "values")?,
            )
        };
        let ranked = rank_open_cases(&cs, vs, &p, now)?;
        // SAFETY: caller guarantees (out writable for out_len rows).
        unsafe { write_ranked(&ranked, out, out_len, count) }
    })
}

/// Writes ranked cases to `out` (room for `out_len` rows) and their number
/// to `count`; fewer rows than cases is `NPS_STATUS_BUFFER_TOO_SMALL` (with
/// `count` set). Shared by `nps_rank_open_cases` and
/// `nps_loyalty_rank_open_cases`.
///
/// # Safety
/// `out` NULL or writable for `out_len` rows.
pub(crate) unsafe fn write_ranked(
    ranked: &[nps_core::programme::RankedCase],
    out: *mut NpsRankedCase,
    out_len: usize,
    count: Option<ffi::Out<usize>>,
) -> Result<(), FfiError> {
    if let Some(c) = count {
        // SAFETY: checked; the caller guarantees it is writable.
        unsafe { c.write(ranked.len()) };
    }
    if out_len < ranked.len() {
        return Err(FfiError::BufferTooSmall {
            name: "out",
            needed: ranked.len(),
            given: out_len,
            unit: "rows",
        });
    }
    // SAFETY: out_len >= the row count (checked); caller guarantee.
    let dst = unsafe { ffi::dst_slice(out, ranked.len(), "out") }?;
    for (d, r) in dst.iter_mut().zip(ranked) {
        d.write(NpsRankedCase {
            index: r.index,
            band: r.band as u32,
            probability: r.probability,
            expected: r.expected,
        });
    }
    Ok(())
}
