//! Pain-point heat maps (the `NpsHeatMap` handle). Rules live in
//! `nps_core::heatmap`; this file converts and copies.

use std::ffi::c_char;

use nps_core::group::Keys;
use nps_core::heatmap::{HeatMap, MatrixBy, PainPoint, RecordDims, Stage};

use crate::ffi::{self, list_out, str_column, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::group::{key_columns, KeyColumn, NpsKeyColumn};
use crate::period::{period_of, period_to_c};

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

c_enum!(NpsStage {
    Appointment,
    Reception,
    Diagnosis,
    Repair,
    Delivery,
    FollowUp
});

/// The axis of a heat matrix. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsMatrixBy {
    /// One column per key (dealer…), keys in ascending byte order.
    Key = 0,
    /// One column per calendar period, in time order.
    Period = 1,
}

c_enum!(NpsMatrixBy { Key, Period });

/// A pain-point heat map. Create it with `nps_heat_map_from_rows` or
/// `nps_heat_map_from_records`, release it with `nps_heat_map_free`.
/// Immutable: any number of threads may read one handle at the same time.
pub struct NpsHeatMap {
    _private: [u8; 0],
}

/// What an `NpsHeatMap` handle holds.
pub(crate) struct HeatMapData {
    inner: HeatMap,
    /// Ranking, computed once (descriptions are read by index).
    ranked: Vec<PainPoint>,
}

impl Handle for NpsHeatMap {
    type RustType = HeatMapData;
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

/// A column of `NpsStage` codes; an unknown code is
/// `NPS_STATUS_INVALID_VALUE` naming its row of `stages`.
fn stages_of(codes: &[u32]) -> Result<Vec<Stage>, FfiError> {
    codes
        .iter()
        .enumerate()
        .map(|(row, &c)| {
            Ok(match NpsStage::parse_at(c, "stages", row)? {
                NpsStage::Appointment => Stage::Appointment,
                NpsStage::Reception => Stage::Reception,
                NpsStage::Diagnosis => Stage::Diagnosis,
                NpsStage::Repair => Stage::Repair,
                NpsStage::Delivery => Stage::Delivery,
                NpsStage::FollowUp => Stage::FollowUp,
            })
        })
        .collect()
}

fn stage_to_c(s: Stage) -> u32 {
    match s {
        Stage::Appointment => NpsStage::Appointment,
        Stage::Reception => NpsStage::Reception,
        Stage::Diagnosis => NpsStage::Diagnosis,
        Stage::Repair => NpsStage::Repair,
        Stage::Delivery => NpsStage::Delivery,
        Stage::FollowUp => NpsStage::FollowUp,
    }
    .to_u32()
}

fn new_handle(inner: HeatMap, out: ffi::Out<*mut NpsHeatMap>) {
    let ranked = inner.ranked();
    // SAFETY: out was checked by ffi::out; the caller guarantees it is writable.
    unsafe { NpsHeatMap::write_new(out, HeatMapData { inner, ranked }) };
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
                str_column(points, len, "points")?,
                ffi::slice(mentions, len, "mentions")?,
                ffi::slice(pain, len, "pain")?,
            )
        };
        let stages = stages_of(stages)?;
        new_handle(HeatMap::from_rows(&stages, &points, mentions, pain)?, out);
        Ok(())
    })
}

/// Where the records of `nps_heat_map_from_records` fall in the 2-D form
/// (`nps_heat_map_matrix`): nps-core's `heatmap::RecordDims`. Start from
/// `nps_heat_map_options_default()` (or pass NULL options: no keys, no
/// timestamps) and set the columns you have. The columns are only read
/// during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsHeatMapOptions {
    /// One NUL-terminated UTF-8 key per record (e.g. the dealer), or NULL
    /// (not together with `key_columns`).
    pub keys: *const *const c_char,
    /// One Unix-second instant per record, or NULL.
    pub timestamps: *const i64,
    /// The `NpsPeriod` of the timestamp axis (the default is nps-core's;
    /// `NPS_PERIOD_NONE` is not a period here: `NPS_STATUS_INVALID_ARGUMENT`).
    pub period: u32,
    /// IANA time zone of the periods (NUL-terminated UTF-8); NULL = the
    /// default of nps-core (UTC).
    pub tz: *const c_char,
    /// Key columns of any type (integers or strings), one value per record:
    /// one column (e.g. a `uint32_t` dealer code) or several (e.g. dealer ×
    /// advisor). The matrix then has one column per key that occurs, in
    /// ascending key order, labelled with the key's text
    /// (`nps_heat_map_matrix_column`: the decimal integer, the string, or
    /// for several columns the parts joined with `" | "`, e.g.
    /// `"D01 | 7"`). NULL (or `n_key_columns == 0`) = none; not together
    /// with `keys`.
    pub key_columns: *const NpsKeyColumn,
    /// Number of columns at `key_columns`.
    pub n_key_columns: usize,
}

impl NpsHeatMapOptions {
    fn default_value() -> NpsHeatMapOptions {
        NpsHeatMapOptions {
            keys: std::ptr::null(),
            timestamps: std::ptr::null(),
            period: period_to_c(Some(RecordDims::default().period)),
            tz: std::ptr::null(),
            key_columns: std::ptr::null(),
            n_key_columns: 0,
        }
    }
}

/// The default heat-map options, converted from nps-core's
/// `heatmap::RecordDims::default()`: no keys, no timestamps, the default
/// period and time zone.
#[no_mangle]
pub extern "C" fn nps_heat_map_options_default() -> NpsHeatMapOptions {
    ffi_value!(NpsHeatMapOptions::default_value(), {
        NpsHeatMapOptions::default_value()
    })
}

/// Builds a heat map from `len` raw complaint records: record `i` is one
/// mention of `points[i]` in `stages[i]` with pain index `pain[i]`.
/// `options` (NULL = `nps_heat_map_options_default()`) gives the optional
/// columns of the 2-D form (`nps_heat_map_matrix`): keys and timestamps
/// grouped by its period in its time zone.
///
/// # Safety
///
/// As `nps_heat_map_from_rows`; `options` NULL or readable, its `keys`
/// NULL or `len` valid strings, `key_columns` NULL or readable for
/// `n_key_columns` columns of `len` values each, `timestamps` NULL or
/// readable for `len` values, `tz` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_from_records(
    stages: *const u32,
    points: *const *const c_char,
    pain: *const u8,
    len: usize,
    options: *const NpsHeatMapOptions,
    out: *mut *mut NpsHeatMap,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on every array and string.
        let (stages, points, pain, o) = unsafe {
            (
                ffi::slice(stages, len, "stages")?,
                str_column(points, len, "points")?,
                ffi::slice(pain, len, "pain")?,
                ffi::opt_reference(options, "options")?,
            )
        };
        let stages = stages_of(stages)?;
        let Some(o) = o else {
            let map = HeatMap::from_records(&stages, &points, pain, &RecordDims::default())?;
            new_handle(map, out);
            return Ok(());
        };
        if !o.keys.is_null() && o.n_key_columns > 0 {
            return Err(FfiError::arg(
                "keys",
                "give at most one of keys and key_columns",
            ));
        }
        // SAFETY: caller guarantees on the option columns.
        let (keys, multi, timestamps, tz) = unsafe {
            (
                ffi::opt_str_column(o.keys, len, "keys")?,
                key_columns(o.key_columns, o.n_key_columns, len)?,
                ffi::opt_slice(o.timestamps, len, "timestamps")?,
                ffi::opt_text(o.tz, "tz")?,
            )
        };
        let period = period_of(o.period)?.ok_or_else(|| {
            FfiError::arg("period", "NPS_PERIOD_NONE is not a period of a heat map")
        })?;
        let multi: Vec<Keys> = multi.iter().map(KeyColumn::as_keys).collect();
        let keys = match (&keys, multi.len()) {
            (Some(k), _) => Some(Keys::Str(k)),
            (None, 0) => None,
            // One column is its own key (an integer stays an integer).
            (None, 1) => Some(multi[0]),
            (None, _) => Some(Keys::Multi(&multi)),
        };
        let default = RecordDims::default();
        let dims = RecordDims {
            keys,
            timestamps,
            period,
            tz: tz.unwrap_or(default.tz),
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
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsHeatMap::free(map) } })
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
        unsafe { NpsHeatMap::try_ref(map, "map") }.map_or(0, |m| m.ranked.len())
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
        unsafe { NpsHeatMap::try_ref(map, "map") }.map_or(0, |m| m.inner.total_heat())
    })
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
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
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
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
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
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
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
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
        let k = m.inner.pareto(share)?.len();
        // SAFETY: checked; caller guarantee.
        unsafe { count.write(k) };
        Ok(())
    })
}

fn matrix_by(by: u32) -> Result<MatrixBy, FfiError> {
    Ok(match NpsMatrixBy::parse(by, "by")? {
        NpsMatrixBy::Key => MatrixBy::Key,
        NpsMatrixBy::Period => MatrixBy::Period,
    })
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
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
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

/// The NPS driver view of `map` under `policy` (NULL = the default
/// policy): each of the policy's drivers with its weight and the heat of
/// the pain points its `pain_point_drivers` rules assign to it (by exact
/// pain point, then keyword, then journey stage), then drivers named only
/// by a rule, then an `unmapped` row when some heat is assigned to none.
/// Writes a new `NpsTable` to `*out`: `driver` (text), `weight` (f64,
/// null for a driver absent from the policy), `stages` (comma-separated
/// text), `points` (the pain points, hottest first, joined by `" | "`),
/// `heat` (u64), `share` (f64 of the map's total heat, null when it is 0).
///
/// # Safety
///
/// `map` NULL or a live handle; `policy` NULL or a live handle; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_drivers(
    map: *const NpsHeatMap,
    policy: *const crate::policy::NpsPolicy,
    out: *mut *mut crate::table::NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
        // SAFETY: caller guarantee.
        let p = unsafe { crate::policy::policy_or_default(policy) }?;
        let view = m.inner.drivers(&p.drivers, Some(&p.pain_point_drivers))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { crate::table::NpsTable::write_new(out, nps_core::heatmap::drivers_table(&view)) };
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
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
        let mx = m.inner.matrix(matrix_by(by)?)?;
        let label = mx.columns.get(index).ok_or(FfiError::IndexOutOfRange {
            index,
            len: mx.columns.len(),
        })?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(label, buf, len, text_len) }
    })
}

/// Merges two heat maps: `*out` receives a new map equal to the map built
/// in one pass over the rows (records) of `a` followed by those of `b` —
/// points, ranking, stage totals and both matrices (nps-core
/// `HeatMap::merge`). Associative: partial maps (one per file, thread or
/// machine) may be merged in any order of pairs. `a` and `b` stay valid.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` naming `other` when the maps have
/// different matrices (one built with keys or timestamps and the other
/// not, key columns of another type, another period or time zone);
/// `NPS_STATUS_OVERFLOW` when a heat or a count exceeds `uint64_t`.
///
/// # Safety
///
/// `a`, `b` NULL or live handles; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_merge(
    a: *const NpsHeatMap,
    b: *const NpsHeatMap,
    out: *mut *mut NpsHeatMap,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (a, b) = unsafe { (NpsHeatMap::try_ref(a, "a")?, NpsHeatMap::try_ref(b, "b")?) };
        new_handle(a.inner.merge(&b.inner)?, out);
        Ok(())
    })
}

/// Copies the saved state of a heat map (UTF-8 JSON bytes, not
/// NUL-terminated; nps-core `Saved::to_state`) into `out` (room for
/// `capacity` bytes); `*len` (may be NULL) receives its length, also on
/// `NPS_STATUS_BUFFER_TOO_SMALL`, so `out = NULL, capacity = 0` queries it.
/// Store or send the bytes and load them with `nps_heat_map_from_state`
/// (in this or another process) to merge partial maps.
///
/// # Safety
///
/// `map` NULL or a live handle; `out` NULL or writable for `capacity`
/// bytes; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_to_state(
    map: *const NpsHeatMap,
    out: *mut u8,
    capacity: usize,
    len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let m = unsafe { NpsHeatMap::try_ref(map, "map") }?;
        // SAFETY: caller guarantees on out and len.
        unsafe { crate::kpi::state_out(&m.inner, out, capacity, len) }
    })
}

/// Loads a heat map from `len` bytes written by `nps_heat_map_to_state`:
/// `*out` receives a new handle equal to the saved map. A state that is not
/// a heat map's, of another version, truncated or edited so that it breaks
/// a heat map's rules is `NPS_STATUS_INVALID_ARGUMENT` naming `state`.
///
/// # Safety
///
/// `state` NULL (with `len == 0`) or readable for `len` bytes; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_heat_map_from_state(
    state: *const u8,
    len: usize,
    out: *mut *mut NpsHeatMap,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let map = unsafe { crate::kpi::state_in::<HeatMap>(state, len) }?;
        new_handle(map, out);
        Ok(())
    })
}
