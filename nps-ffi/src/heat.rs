//! Pain-point heat maps (the `NpsHeatMap` handle) and M/M/c capacity
//! planning (Erlang C). Rules and formulas live in `nps_core::heatmap` and
//! `nps_core::erlang`; this file converts and copies.

use std::ffi::c_char;

use nps_core::erlang::{erlang_c, servers_needed, Queue, QueueStats};
use nps_core::heatmap::{HeatMap, MatrixBy, RecordDims, Stage};
use nps_core::period::Period;

use crate::error::{FfiError, NpsStatus};
use crate::ffi;
use crate::ffi::text_out;
use crate::group::NpsPeriod;

/// A journey stage (SPEC §5), in journey order. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsStage {
    /// Booking the visit (`"appointment"`).
    Appointment = 0,
    /// Arrival and reception (`"reception"`).
    Reception = 1,
    /// Inspection, diagnosis and quote (`"diagnosis"`).
    Diagnosis = 2,
    /// The repair (`"repair"`).
    Repair = 3,
    /// Handover and payment (`"delivery"`).
    Delivery = 4,
    /// After the visit (`"follow_up"`).
    FollowUp = 5,
}

/// The axis of a heat matrix. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsMatrixBy {
    /// One column per key (dealer…), keys in ascending byte order.
    Key = 0,
    /// One column per calendar period, in time order.
    Period = 1,
}

/// Whether an M/M/c queue settles. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsQueueStatus {
    /// Utilization below 1: every measure of `NpsQueue` is set.
    Stable = 0,
    /// Utilization ≥ 1: the queue grows without bound. Only `servers`,
    /// `offered_load` and `utilization` are meaningful; `prob_wait` is 1
    /// and the waits are 0 and must be ignored.
    Unstable = 1,
}

/// A pain-point heat map. Create it with `nps_heat_map_from_rows` or
/// `nps_heat_map_from_records`, release it with `nps_heat_map_free`.
/// Immutable: any number of threads may read one handle at the same time.
pub struct NpsHeatMap {
    inner: HeatMap,
    /// Ranking, computed once (descriptions are read by index).
    ranked: Vec<nps_core::heatmap::PainPoint>,
}

/// One ranked pain point. Its description is read with
/// `nps_heat_map_point_text`. Optional values have a `has_` flag; when the
/// flag is false the value is 0 and must be ignored.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsPainPoint {
    /// Position in the ranking, 1-based.
    pub rank: usize,
    /// Stage, an `NpsStage` value.
    pub stage: u32,
    /// Mentions.
    pub mentions: u64,
    /// Heat: Σ mentions × pain index.
    pub heat: u64,
    /// Whether `pain` is set (false with 0 mentions).
    pub has_pain: bool,
    /// Mention-weighted pain index, heat / mentions.
    pub pain: f64,
    /// Whether `share` and `cumulative_share` are set (false when the total
    /// heat is 0).
    pub has_share: bool,
    /// Share of the total heat.
    pub share: f64,
    /// Share of the total heat of this and all hotter points.
    pub cumulative_share: f64,
}

/// Totals of one stage. The stage's hottest point is ranking entry
/// `top_index` (0-based; read its text with `nps_heat_map_point_text`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsStageTotal {
    /// Stage, an `NpsStage` value.
    pub stage: u32,
    /// Distinct pain points of the stage.
    pub points: usize,
    /// Mentions of the stage.
    pub mentions: u64,
    /// Heat of the stage.
    pub heat: u64,
    /// Whether `share` is set (false when the total heat is 0).
    pub has_share: bool,
    /// Share of the total heat.
    pub share: f64,
    /// Whether `pain` is set (false with 0 mentions).
    pub has_pain: bool,
    /// Mention-weighted pain index of the stage.
    pub pain: f64,
    /// Whether the stage has points (`top_index`, `top_heat` set).
    pub has_top: bool,
    /// 0-based ranking index of the stage's hottest point.
    pub top_index: usize,
    /// Heat of that point.
    pub top_heat: u64,
}

/// An M/M/c queue (`nps_erlang_c`, `nps_servers_needed`). Times are in the
/// unit of the inputs (arrival rate per unit of time, service time in that
/// unit).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsQueue {
    /// An `NpsQueueStatus` value.
    pub status: u32,
    /// Number of servers c.
    pub servers: u32,
    /// Offered load A = arrival rate × service time, in erlangs.
    pub offered_load: f64,
    /// Utilization A / c.
    pub utilization: f64,
    /// Probability of waiting (Erlang C).
    pub prob_wait: f64,
    /// Mean wait in the queue.
    pub mean_wait: f64,
    /// Mean wait plus service.
    pub mean_response: f64,
    /// Whether `target_wait` and `within_target` are set.
    pub has_target: bool,
    /// The target wait.
    pub target_wait: f64,
    /// Share of arrivals waiting at most `target_wait`.
    pub within_target: f64,
}

fn stage_to_c(s: Stage) -> u32 {
    s as u32 // NpsStage mirrors Stage's journey positions
}

unsafe fn text_column<'a>(
    ptr: *const *const c_char,
    len: usize,
    name: &'static str,
) -> Result<Vec<&'a str>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let ptrs = unsafe { ffi::slice(ptr, len, name) }?;
    ptrs.iter()
        .enumerate()
        // SAFETY: the caller guarantees each entry is a valid string.
        .map(|(row, &p)| unsafe { ffi::text(p, name, Some(row)) })
        .collect()
}

fn new_handle(inner: HeatMap, out: ffi::Out<*mut NpsHeatMap>) {
    let ranked = inner.ranked();
    let h = Box::into_raw(Box::new(NpsHeatMap { inner, ranked }));
    // SAFETY: out was checked by ffi::out; the caller guarantees it is writable.
    unsafe { out.write(h) };
}

/// Builds a heat map from `len` pre-counted rows: `stages[i]` (an
/// `NpsStage` value), `points[i]` (NUL-terminated UTF-8 description),
/// `mentions[i]` and `pain[i]` (pain index 1..=10). Heat = mentions × pain;
/// rows with the same stage and description merge (mentions and heat add
/// up; the pain index becomes the mention-weighted mean). On success
/// `*out` receives a new handle.
///
/// Errors: `NPS_STATUS_INVALID_VALUE` (with `nps_last_error_index`) for an
/// unknown stage code or a pain index outside 1..=10 or an empty
/// description; `NPS_STATUS_NO_DATA` for `len == 0`; `NPS_STATUS_OVERFLOW`
/// when a heat exceeds `uint64_t`; pointer and UTF-8 errors as usual.
///
/// # Safety
///
/// The arrays must be readable for `len` elements, each `points[i]` a
/// NUL-terminated string; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_from_rows(
    stages: *const u32,
    points: *const *const c_char,
    mentions: *const u64,
    pain: *const u8,
    len: usize,
    out: *mut *mut NpsHeatMap,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on every array.
        let (stages, points, mentions, pain) = unsafe {
            (
                ffi::slice(stages, len, "stages")?,
                text_column(points, len, "points")?,
                ffi::slice(mentions, len, "mentions")?,
                ffi::slice(pain, len, "pain")?,
            )
        };
        let stages = Stage::parse_codes(stages)?;
        new_handle(HeatMap::from_rows(&stages, &points, mentions, pain)?, out);
        Ok(())
    })
}

/// Builds a heat map from `len` raw complaint records: record `i` is one
/// mention of `points[i]` in `stages[i]` with pain index `pain[i]`. Optional
/// columns for the 2-D form (`nps_heat_map_matrix`): `keys` (NUL-terminated
/// UTF-8 per record, e.g. the dealer; NULL = none) and `timestamps` (Unix
/// seconds; NULL = none) grouped by `period` (an `NpsPeriod`, not
/// `NPS_PERIOD_NONE` when timestamps are given) in the IANA time zone `tz`
/// (NULL = UTC).
///
/// # Safety
///
/// As `nps_heat_map_from_rows`; `keys` NULL or `len` valid strings;
/// `timestamps` NULL or readable for `len` values; `tz` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_from_records(
    stages: *const u32,
    points: *const *const c_char,
    pain: *const u8,
    len: usize,
    keys: *const *const c_char,
    timestamps: *const i64,
    period: u32,
    tz: *const c_char,
    out: *mut *mut NpsHeatMap,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on every array and string.
        let (stages, points, pain, keys, timestamps, tz) = unsafe {
            (
                ffi::slice(stages, len, "stages")?,
                text_column(points, len, "points")?,
                ffi::slice(pain, len, "pain")?,
                if keys.is_null() {
                    None
                } else {
                    Some(text_column(keys, len, "keys")?)
                },
                ffi::opt_slice(timestamps, len, "timestamps")?,
                ffi::opt_text(tz, "tz")?,
            )
        };
        let period = match period {
            p if p == NpsPeriod::Day as u32 => Some(Period::Day),
            p if p == NpsPeriod::Week as u32 => Some(Period::Week),
            p if p == NpsPeriod::Month as u32 => Some(Period::Month),
            p if p == NpsPeriod::Quarter as u32 => Some(Period::Quarter),
            p if p == NpsPeriod::None as u32 => None,
            p => return Err(FfiError::arg("period", format!("unknown NpsPeriod {p}"))),
        };
        if timestamps.is_some() && period.is_none() {
            return Err(FfiError::arg(
                "period",
                "timestamps need a period other than NPS_PERIOD_NONE",
            ));
        }
        let stages = Stage::parse_codes(stages)?;
        let dims = RecordDims {
            keys: keys.as_deref(),
            timestamps,
            period: period.unwrap_or(Period::Month),
            tz: tz.unwrap_or("UTC"),
        };
        new_handle(HeatMap::from_records(&stages, &points, pain, &dims)?, out);
        Ok(())
    })
}

/// Releases a heat map; NULL is allowed.
///
/// # Safety
///
/// `map` must be NULL or a handle from this library not yet freed, and no
/// other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_free(map: *mut NpsHeatMap) {
    ffi_value!((), {
        if !map.is_null() {
            // SAFETY: a live handle made by Box::into_raw here, freed once.
            drop(unsafe { Box::from_raw(map) });
        }
    })
}

/// # Safety
/// `m` must be NULL or a live handle.
unsafe fn handle<'a>(m: *const NpsHeatMap) -> Result<&'a NpsHeatMap, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { ffi::reference(m, "map") }
}

/// Number of distinct pain points; 0 for a NULL handle.
///
/// # Safety
///
/// `map` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_len(map: *const NpsHeatMap) -> usize {
    ffi_value!(0, {
        // SAFETY: forwarded caller guarantee.
        unsafe { handle(map) }.map_or(0, |m| m.ranked.len())
    })
}

/// Total heat; 0 for a NULL handle.
///
/// # Safety
///
/// `map` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_total_heat(map: *const NpsHeatMap) -> u64 {
    ffi_value!(0, {
        // SAFETY: forwarded caller guarantee.
        unsafe { handle(map) }.map_or(0, |m| m.inner.total_heat())
    })
}

/// Writes `count`/`capacity` checks and the buffer for a list result.
///
/// # Safety
/// `out` NULL or writable for `capacity` items; `count` NULL or writable.
unsafe fn list_out<T: Copy>(
    items: &[T],
    out: *mut T,
    capacity: usize,
    count: *mut usize,
) -> Result<(), FfiError> {
    let count = ffi::opt_out(count, "count")?;
    if let Some(c) = count {
        // SAFETY: checked; caller guarantee. Set also when too small.
        unsafe { c.write(items.len()) };
    }
    if capacity < items.len() {
        return Err(FfiError::BufferTooSmall {
            name: "out",
            needed: items.len(),
            given: capacity,
            unit: "items",
        });
    }
    if items.is_empty() {
        return Ok(());
    }
    ffi::out(out, "out")?; // NULL and alignment checks
                           // SAFETY: out is non-NULL and aligned; the caller guarantees room for
                           // capacity >= items.len() items.
    unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), out, items.len()) };
    Ok(())
}

/// Copies the ranking (hottest first; ties by journey order, then
/// description bytes) into `out` (room for `capacity` items). `*count`
/// (may be NULL) receives the number of points, also on
/// `NPS_STATUS_BUFFER_TOO_SMALL`, so `out = NULL, capacity = 0` queries it.
///
/// # Safety
///
/// `map` NULL or a live handle; `out` NULL or writable for `capacity`
/// items; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_ranked(
    map: *const NpsHeatMap,
    out: *mut NpsPainPoint,
    capacity: usize,
    count: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let m = unsafe { handle(map) }?;
        let items: Vec<NpsPainPoint> = m
            .ranked
            .iter()
            .map(|p| NpsPainPoint {
                rank: p.rank,
                stage: stage_to_c(p.stage),
                mentions: p.mentions,
                heat: p.heat,
                has_pain: p.pain.is_some(),
                pain: p.pain.unwrap_or(0.0),
                has_share: p.share.is_some(),
                share: p.share.unwrap_or(0.0),
                cumulative_share: p.cumulative_share.unwrap_or(0.0),
            })
            .collect();
        // SAFETY: caller guarantees on out and count.
        unsafe { list_out(&items, out, capacity, count) }
    })
}

/// Copies the description of ranking entry `index` (0-based) with a NUL
/// into `buf` (capacity `len`); `*text_len` (may be NULL) receives its
/// length without the NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL`.
/// `NPS_STATUS_INDEX_OUT_OF_RANGE` past the last point.
///
/// # Safety
///
/// `map` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_point_text(
    map: *const NpsHeatMap,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let m = unsafe { handle(map) }?;
        let p = m.ranked.get(index).ok_or(FfiError::IndexOutOfRange {
            index,
            len: m.ranked.len(),
        })?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&p.description, buf, len, text_len) }
    })
}

/// Copies the six stage totals (journey order) into `out` (room for
/// `capacity` items, 6 suffice); `*count` as `nps_heat_map_ranked`.
///
/// # Safety
///
/// As `nps_heat_map_ranked`.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_by_stage(
    map: *const NpsHeatMap,
    out: *mut NpsStageTotal,
    capacity: usize,
    count: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let m = unsafe { handle(map) }?;
        let items: Vec<NpsStageTotal> = m
            .inner
            .by_stage()
            .iter()
            .map(|s| NpsStageTotal {
                stage: stage_to_c(s.stage),
                points: s.points,
                mentions: s.mentions,
                heat: s.heat,
                has_share: s.share.is_some(),
                share: s.share.unwrap_or(0.0),
                has_pain: s.pain.is_some(),
                pain: s.pain.unwrap_or(0.0),
                has_top: s.top_point.is_some(),
                top_index: m
                    .ranked
                    .iter()
                    .position(|p| p.stage == s.stage)
                    .unwrap_or(0),
                top_heat: s.top_heat,
            })
            .collect();
        // SAFETY: caller guarantees on out and count.
        unsafe { list_out(&items, out, capacity, count) }
    })
}

/// The Pareto set: `*count` receives the length of the smallest ranking
/// prefix carrying at least `share` (0 < share ≤ 1; 0.8 means exactly
/// 8/10) of the total heat. Read the points with `nps_heat_map_ranked`.
/// `NPS_STATUS_NO_DATA` when the total heat is 0.
///
/// # Safety
///
/// `map` NULL or a live handle; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_pareto(
    map: *const NpsHeatMap,
    share: f64,
    count: *mut usize,
) -> NpsStatus {
    ffi_status!({
        let count = ffi::out(count, "count")?;
        // SAFETY: caller guarantee.
        let m = unsafe { handle(map) }?;
        let k = m.inner.pareto(share)?.len();
        // SAFETY: checked; caller guarantee.
        unsafe { count.write(k) };
        Ok(())
    })
}

fn matrix_by(by: u32) -> Result<MatrixBy, FfiError> {
    match by {
        b if b == NpsMatrixBy::Key as u32 => Ok(MatrixBy::Key),
        b if b == NpsMatrixBy::Period as u32 => Ok(MatrixBy::Period),
        b => Err(FfiError::arg("by", format!("unknown NpsMatrixBy {b}"))),
    }
}

/// The stage × key or stage × period matrix (`by`, an `NpsMatrixBy`) of a
/// map built from records with keys / timestamps. `*columns` (may be NULL)
/// receives the number of columns, also on `NPS_STATUS_BUFFER_TOO_SMALL`;
/// `heat` and `mentions` (either may be NULL) receive 6 × columns values,
/// row-major in journey order (`heat[stage * columns + column]`), and need
/// `capacity` ≥ 6 × columns. `NPS_STATUS_INVALID_ARGUMENT` when the map has
/// no such axis.
///
/// # Safety
///
/// `map` NULL or a live handle; `heat`, `mentions` NULL or writable for
/// `capacity` values; `columns` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_matrix(
    map: *const NpsHeatMap,
    by: u32,
    heat: *mut u64,
    mentions: *mut u64,
    capacity: usize,
    columns: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let m = unsafe { handle(map) }?;
        let mx = m.inner.matrix(matrix_by(by)?)?;
        let cols = ffi::opt_out(columns, "columns")?;
        if let Some(c) = cols {
            // SAFETY: checked; caller guarantee.
            unsafe { c.write(mx.columns.len()) };
        }
        for (ptr, values, name) in [
            (heat, &mx.heat, "heat"),
            (mentions, &mx.mentions, "mentions"),
        ] {
            if ptr.is_null() {
                continue;
            }
            if capacity < values.len() {
                return Err(FfiError::BufferTooSmall {
                    name,
                    needed: values.len(),
                    given: capacity,
                    unit: "values",
                });
            }
            ffi::out(ptr, name)?; // NULL and alignment checks
                                  // SAFETY: non-NULL, aligned, room for capacity >= len values.
            unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), ptr, values.len()) };
        }
        Ok(())
    })
}

/// Copies the label of matrix column `index` (a key, or a period label such
/// as `2025-03`) like `nps_heat_map_point_text`.
///
/// # Safety
///
/// As `nps_heat_map_point_text`.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_matrix_column(
    map: *const NpsHeatMap,
    by: u32,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let m = unsafe { handle(map) }?;
        let mx = m.inner.matrix(matrix_by(by)?)?;
        let label = mx.columns.get(index).ok_or(FfiError::IndexOutOfRange {
            index,
            len: mx.columns.len(),
        })?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(label, buf, len, text_len) }
    })
}

fn queue_to_c(q: &Queue) -> NpsQueue {
    match q {
        Queue::Stable(s) => stats_to_c(s),
        Queue::Unstable {
            servers,
            offered_load,
            utilization,
        } => NpsQueue {
            status: NpsQueueStatus::Unstable as u32,
            servers: *servers,
            offered_load: *offered_load,
            utilization: *utilization,
            prob_wait: 1.0,
            mean_wait: 0.0,
            mean_response: 0.0,
            has_target: false,
            target_wait: 0.0,
            within_target: 0.0,
        },
    }
}

fn stats_to_c(s: &QueueStats) -> NpsQueue {
    NpsQueue {
        status: NpsQueueStatus::Stable as u32,
        servers: s.servers,
        offered_load: s.offered_load,
        utilization: s.utilization,
        prob_wait: s.prob_wait,
        mean_wait: s.mean_wait,
        mean_response: s.mean_response,
        has_target: s.within_target.is_some(),
        target_wait: s.target_wait.unwrap_or(0.0),
        within_target: s.within_target.unwrap_or(0.0),
    }
}

/// The M/M/c queue (Erlang C): `arrival_rate` arrivals per unit of time,
/// mean `service_time` in the same unit, `servers` ≥ 1; `target_wait`
/// (NULL = none; ≥ 0, same unit) adds the share served within it. A
/// utilization ≥ 1 is success with `status = NPS_QUEUE_STATUS_UNSTABLE`.
/// `NPS_STATUS_INVALID_ARGUMENT` for rates or times that are not positive
/// and finite, or 0 servers.
///
/// # Safety
///
/// `target_wait` NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_erlang_c(
    arrival_rate: f64,
    service_time: f64,
    servers: u32,
    target_wait: *const f64,
    out: *mut NpsQueue,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { ffi::opt_reference(target_wait, "target_wait") }?.copied();
        let q = erlang_c(arrival_rate, service_time, servers, t)?;
        // SAFETY: checked; caller guarantee.
        unsafe { out.write(queue_to_c(&q)) };
        Ok(())
    })
}

/// The smallest number of servers with which at least `target_share`
/// (0 < share < 1) of arrivals wait at most `target_wait`, and, when
/// `max_mean_wait` is not NULL, the mean wait is at most `*max_mean_wait`.
/// `out->servers` is the answer and `*out` the queue with that staffing.
///
/// # Safety
///
/// `max_mean_wait` NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_servers_needed(
    arrival_rate: f64,
    service_time: f64,
    target_wait: f64,
    target_share: f64,
    max_mean_wait: *const f64,
    out: *mut NpsQueue,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let mw = unsafe { ffi::opt_reference(max_mean_wait, "max_mean_wait") }?.copied();
        let s = servers_needed(arrival_rate, service_time, target_wait, target_share, mw)?;
        // SAFETY: checked; caller guarantee.
        unsafe { out.write(stats_to_c(&s.queue)) };
        Ok(())
    })
}
