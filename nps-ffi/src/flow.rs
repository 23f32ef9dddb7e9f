//! Repair-order timelines (`nps_core::flow`): the value stream of a visit,
//! promise keeping and progress updates. A milestone table (one row per
//! repair order × milestone) goes in; an `NpsFlowReport` handle comes out
//! (read with `nps_flow_*`, tables with `nps_table_*`, released with
//! `nps_flow_report_free`).

use std::ffi::c_char;

use nps_core::flow::{
    self, FlowOptions, FlowPolicy, Milestones, OnAnomaly, PromiseReport, SilenceReport, StageReport,
};
use nps_core::group::Keys;

use crate::calendar::NpsCalendar;
use crate::ffi::{self, CEnum, FfiError, Handle, NpsStatus};
use crate::group::{key_columns, NpsKeyColumn};
use crate::kpi::table::{grouping, NpsKpiGrouping};
use crate::table::NpsTable;

/// What to do with an anomaly of a repair order's timeline (a milestone
/// missing, repeated or out of order). Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsOnAnomaly {
    /// Count and list it; leave out what it makes unmeasurable.
    Skip = 0,
    /// Fail with the first one (`NPS_STATUS_INVALID_EVENT`, the message
    /// naming the repair order and the milestone).
    Raise = 1,
}

c_enum!(NpsOnAnomaly { Skip, Raise });

/// The columns of a milestone table, one row per repair order ×
/// milestone; only read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsMilestoneColumns {
    /// The repair order of each row (integers or NUL-terminated strings).
    pub ro: NpsKeyColumn,
    /// The milestone name of each row (NUL-terminated UTF-8: `arrived`,
    /// `greeted`, …, `promised`, `updated`).
    pub milestone: *const *const c_char,
    /// The instant of each row, Unix seconds.
    pub at: *const i64,
    /// Number of rows.
    pub len: usize,
}

/// Options of `nps_flow_stages`, `nps_flow_promises` and
/// `nps_flow_silence`: nps-core's `flow::FlowOptions`. Start from
/// `nps_flow_options_default()`; NULL texts keep the core's defaults. Only
/// read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsFlowOptions {
    /// The milestone vocabulary as a NUL-terminated JSON array of names or
    /// `{"name", "ordered", "repeats"}` objects; NULL = the default
    /// vocabulary (`booked` … `left`, `promised`, `updated`).
    pub milestones_json: *const c_char,
    /// The stages as a NUL-terminated JSON array of `{"name", "from",
    /// "to", "target_s", "value_added"}`; NULL = the default stages
    /// (`reception` … `delivery`).
    pub stages_json: *const c_char,
    /// An `NpsOnAnomaly`.
    pub on_anomaly: u32,
    /// Durations in this calendar's business time; NULL = wall-clock.
    pub calendar: *const NpsCalendar,
    /// The milestone a promise is kept by (NUL-terminated); NULL = the
    /// default (`repair_finished`).
    pub promise_end: *const c_char,
    /// A gap without a progress update longer than this is a silence
    /// (seconds, default 3600).
    pub silence_threshold_s: i64,
    /// The lead an update needs before `repair_finished` (seconds, default
    /// 3600).
    pub update_lead_s: i64,
}

impl NpsFlowOptions {
    fn default_value() -> NpsFlowOptions {
        let d = FlowOptions::default();
        NpsFlowOptions {
            milestones_json: std::ptr::null(),
            stages_json: std::ptr::null(),
            on_anomaly: match d.on_anomaly {
                OnAnomaly::Skip => NpsOnAnomaly::Skip,
                OnAnomaly::Raise => NpsOnAnomaly::Raise,
            }
            .to_u32(),
            calendar: std::ptr::null(),
            promise_end: std::ptr::null(),
            silence_threshold_s: d.silence_threshold_s,
            update_lead_s: d.update_lead_s,
        }
    }
}

/// The default flow options, converted from nps-core's
/// `flow::FlowOptions::default()`: the default vocabulary and stages, skip
/// anomalies, wall-clock time, promises kept by `repair_finished`, a
/// silence above 3600 s, updates at least 3600 s ahead.
#[no_mangle]
pub extern "C" fn nps_flow_options_default() -> NpsFlowOptions {
    ffi_value!(NpsFlowOptions::default_value(), {
        NpsFlowOptions::default_value()
    })
}

/// # Safety
/// `options` NULL or readable, its texts NULL or NUL-terminated, its
/// calendar NULL or a live handle.
unsafe fn options(options: *const NpsFlowOptions) -> Result<FlowOptions, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let o = unsafe { ffi::opt_reference(options, "options") }?
        .copied()
        .unwrap_or_else(NpsFlowOptions::default_value);
    // SAFETY: forwarded caller guarantee.
    let (milestones, stages, end, calendar) = unsafe {
        (
            ffi::opt_text(o.milestones_json, "milestones_json")?,
            ffi::opt_text(o.stages_json, "stages_json")?,
            ffi::opt_text(o.promise_end, "promise_end")?,
            if o.calendar.is_null() {
                None
            } else {
                Some(NpsCalendar::try_ref(o.calendar, "calendar")?.clone())
            },
        )
    };
    let d = FlowOptions::default();
    let on_anomaly = match NpsOnAnomaly::parse(o.on_anomaly, "on_anomaly")? {
        NpsOnAnomaly::Skip => OnAnomaly::Skip,
        NpsOnAnomaly::Raise => OnAnomaly::Raise,
    };
    Ok(FlowOptions {
        policy: FlowPolicy::from_parts_json(milestones, stages)?,
        on_anomaly,
        calendar,
        promise_end: end.map_or(d.promise_end, str::to_owned),
        silence_threshold_s: o.silence_threshold_s,
        update_lead_s: o.update_lead_s,
    })
}

/// The result of `nps_flow_stages`, `nps_flow_promises` or
/// `nps_flow_silence`. Immutable: may be read from several threads at
/// once; release it with `nps_flow_report_free`.
pub struct NpsFlowReport {
    _private: [u8; 0],
}

/// The Rust value behind an `NpsFlowReport`.
pub(crate) enum FlowReport {
    /// `nps_flow_stages`.
    Stages(StageReport),
    /// `nps_flow_promises`.
    Promises(PromiseReport),
    /// `nps_flow_silence`.
    Silence(SilenceReport),
}

impl Handle for NpsFlowReport {
    type RustType = FlowReport;
}

/// Runs `f` on the columns, grouping and options read from C.
///
/// # Safety
/// As `nps_flow_stages`.
unsafe fn run(
    columns: *const NpsMilestoneColumns,
    grouping_: *const NpsKpiGrouping,
    options_: *const NpsFlowOptions,
    out: *mut *mut NpsFlowReport,
    f: impl FnOnce(
        &Milestones<'_>,
        &FlowOptions,
        &nps_core::group::Grouping<'_>,
    ) -> nps_core::Result<FlowReport>,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: forwarded caller guarantee.
    let c = unsafe { ffi::reference(columns, "columns") }?;
    let len = c.len;
    // SAFETY: forwarded caller guarantee (each column readable for `len`).
    let (ro, names, at, g, o) = unsafe {
        (
            key_columns(&c.ro, 1, len)?,
            ffi::str_column(c.milestone, len, "milestone")?,
            ffi::slice(c.at, len, "at")?,
            grouping(grouping_, len)?,
            options(options_)?,
        )
    };
    let cols = Milestones {
        ro: ro[0].as_keys(),
        milestone: Keys::Str(&names),
        at,
    };
    let r = g.with(|g| f(&cols, &o, g))?;
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { NpsFlowReport::write_new(out, r) };
    Ok(())
}

/// The value stream of the repair orders of a milestone table
/// (`nps_core::flow::stages`): per stage n, missing, mean / median / p90
/// (type 7 quantiles), the share within target and the share of lead
/// time; the lead time, the process-cycle efficiency and the bottleneck;
/// per group of `grouping` (NULL = one group; every row of a repair order
/// must fall in one group; without timestamps a period groups by the
/// repair order's `arrived`). `options` NULL = `nps_flow_options_default()`.
/// Writes a new `NpsFlowReport` to `*out`.
///
/// Errors: `NPS_STATUS_INVALID_VALUE` (an unknown milestone, a bad
/// instant, a repair order in two groups; the last error's index is the
/// row), `NPS_STATUS_INVALID_EVENT` (an anomaly under
/// `NPS_ON_ANOMALY_RAISE`), `NPS_STATUS_INVALID_POLICY` (vocabulary or
/// stages), `NPS_STATUS_INVALID_ARGUMENT`, pointer errors.
///
/// # Safety
///
/// `columns` readable, its columns readable for `len` values;
/// `grouping` NULL or readable (columns for `len` values); `options` NULL
/// or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_stages(
    columns: *const NpsMilestoneColumns,
    grouping: *const NpsKpiGrouping,
    options: *const NpsFlowOptions,
    out: *mut *mut NpsFlowReport,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        unsafe {
            run(columns, grouping, options, out, |c, o, g| {
                flow::stages(c, o, g).map(FlowReport::Stages)
            })
        }
    })
}

/// Promise keeping (`nps_core::flow::promises`): promised vs the
/// promise end (`repair_finished` by default): on-time share, overrun in
/// seconds (0 when on time) and relative to promised − arrived (promised
/// 2 h, took 4 h → 1.0). Arguments and errors as `nps_flow_stages`.
///
/// # Safety
///
/// As `nps_flow_stages`.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_promises(
    columns: *const NpsMilestoneColumns,
    grouping: *const NpsKpiGrouping,
    options: *const NpsFlowOptions,
    out: *mut *mut NpsFlowReport,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        unsafe {
            run(columns, grouping, options, out, |c, o, g| {
                flow::promises(c, o, g).map(FlowReport::Promises)
            })
        }
    })
}

/// Progress updates in the workshop (`nps_core::flow::silence`): the
/// longest gap between contact points (repair_started, each `updated`,
/// repair_finished), the share above the threshold and the share told at
/// least the lead before repair_finished. Arguments and errors as
/// `nps_flow_stages`.
///
/// # Safety
///
/// As `nps_flow_stages`.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_silence(
    columns: *const NpsMilestoneColumns,
    grouping: *const NpsKpiGrouping,
    options: *const NpsFlowOptions,
    out: *mut *mut NpsFlowReport,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        unsafe {
            run(columns, grouping, options, out, |c, o, g| {
                flow::silence(c, o, g).map(FlowReport::Silence)
            })
        }
    })
}

/// Releases a report; NULL is ignored.
///
/// # Safety
///
/// `report` NULL or a live report not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_free(report: *mut NpsFlowReport) {
    ffi_value!((), {
        // SAFETY: caller guarantee.
        unsafe { NpsFlowReport::free(report) }
    })
}

/// Merges two flow reports of the same kind: `*out` receives a new report
/// equal to the report computed in one pass over the rows of `a` followed
/// by those of `b`, mean, median and p90 included (nps-core
/// `StageReport::merge`, `PromiseReport::merge`, `SilenceReport::merge`:
/// each report keeps the histograms of its durations). Associative. `a`
/// and `b` stay valid.
///
/// A repair order is judged on its whole timeline: reports merge only
/// when the input was partitioned by repair order (all milestones of a
/// repair order in one part). A repair order in both reports is
/// `NPS_STATUS_INVALID_ARGUMENT` naming `other` and the repair order.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` naming `other` for reports of
/// another kind or computed with other options, period, time zone or type
/// of key column; `NPS_STATUS_OVERFLOW`; pointer errors.
///
/// # Safety
///
/// `a`, `b` NULL or live reports; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_merge(
    a: *const NpsFlowReport,
    b: *const NpsFlowReport,
    out: *mut *mut NpsFlowReport,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (a, b) = unsafe {
            (
                NpsFlowReport::try_ref(a, "a")?,
                NpsFlowReport::try_ref(b, "b")?,
            )
        };
        let r = match (a, b) {
            (FlowReport::Stages(a), FlowReport::Stages(b)) => FlowReport::Stages(a.merge(b)?),
            (FlowReport::Promises(a), FlowReport::Promises(b)) => FlowReport::Promises(a.merge(b)?),
            (FlowReport::Silence(a), FlowReport::Silence(b)) => FlowReport::Silence(a.merge(b)?),
            (a, b) => {
                return Err(nps_core::Error::InvalidArgument {
                    name: "other",
                    reason: format!(
                        "a {} report merges only with another (other is a {} report)",
                        a.kind(),
                        b.kind()
                    ),
                }
                .into())
            }
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsFlowReport::write_new(out, r) };
        Ok(())
    })
}

impl FlowReport {
    fn kind(&self) -> &'static str {
        match self {
            FlowReport::Stages(_) => "stages",
            FlowReport::Promises(_) => "promises",
            FlowReport::Silence(_) => "silence",
        }
    }
}

/// Copies the saved state of a flow report (UTF-8 JSON bytes, not
/// NUL-terminated; its kind is saved with it) into `out`, as
/// `nps_heat_map_to_state`; load it with `nps_flow_report_from_state`.
///
/// # Safety
///
/// `report` NULL or a live report; `out` NULL or writable for `capacity`
/// bytes; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_to_state(
    report: *const NpsFlowReport,
    out: *mut u8,
    capacity: usize,
    len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let r = unsafe { NpsFlowReport::try_ref(report, "report") }?;
        // SAFETY: caller guarantees on out and len.
        unsafe {
            match r {
                FlowReport::Stages(x) => crate::kpi::state_out(x, out, capacity, len),
                FlowReport::Promises(x) => crate::kpi::state_out(x, out, capacity, len),
                FlowReport::Silence(x) => crate::kpi::state_out(x, out, capacity, len),
            }
        }
    })
}

/// Loads a flow report (of any kind) from `len` bytes written by
/// `nps_flow_report_to_state`; the state is checked against the rules of
/// its report (`NPS_STATUS_INVALID_ARGUMENT` naming `state` for anything
/// else).
///
/// # Safety
///
/// `state` NULL (with `len == 0`) or readable for `len` bytes; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_from_state(
    state: *const u8,
    len: usize,
    out: *mut *mut NpsFlowReport,
) -> NpsStatus {
    ffi_status!({
        use nps_core::state::Saved;
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let bytes = unsafe { ffi::slice(state, len, "state") }?;
        let kind = nps_core::state::saved_kind(bytes)?;
        let r = match kind.as_str() {
            StageReport::KIND => FlowReport::Stages(StageReport::from_state(bytes)?),
            PromiseReport::KIND => FlowReport::Promises(PromiseReport::from_state(bytes)?),
            SilenceReport::KIND => FlowReport::Silence(SilenceReport::from_state(bytes)?),
            other => {
                return Err(nps_core::Error::InvalidArgument {
                    name: "state",
                    reason: format!(
                        "at kind: a saved {other:?} is not a flow report ({}, {} or {})",
                        StageReport::KIND,
                        PromiseReport::KIND,
                        SilenceReport::KIND
                    ),
                }
                .into())
            }
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsFlowReport::write_new(out, r) };
        Ok(())
    })
}

/// The report's table as a new `NpsTable`: for stages one row per group ×
/// stage (key columns, `period`, `stage`, `value_added`, `n`, `missing`,
/// `mean_s`, `median_s`, `p90_s`, `target_s`, `within_target`,
/// `share_of_lead_time`); for promises and silence one row per group (see
/// `nps_core::flow::PromiseReport::to_table` / `SilenceReport::to_table`).
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_table(
    report: *const NpsFlowReport,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let r = unsafe { NpsFlowReport::try_ref(report, "report") }?;
        let t = match r {
            FlowReport::Stages(s) => s.to_table(),
            FlowReport::Promises(p) => p.to_table(),
            FlowReport::Silence(s) => s.to_table(),
        };
        // SAFETY: out was checked.
        unsafe { NpsTable::write_new(out, t) };
        Ok(())
    })
}

/// A stages report's per-group table (`repair_orders`, `lead_time_n`,
/// `lead_time_missing`, `lead_time_mean_s`, `lead_time_median_s`,
/// `lead_time_p90_s`, `process_cycle_efficiency`, `bottleneck`) as a new
/// `NpsTable`; `NPS_STATUS_INVALID_ARGUMENT` for another report.
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_groups_table(
    report: *const NpsFlowReport,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let s = stages_of(unsafe { NpsFlowReport::try_ref(report, "report") }?)?;
        // SAFETY: out was checked.
        unsafe { NpsTable::write_new(out, s.groups_table()) };
        Ok(())
    })
}

/// The anomalies of a report's timelines, counted.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NpsFlowAnomalies {
    /// Milestones missing (a stage or the lead time needs them).
    pub missing: u64,
    /// Milestones repeated (rework).
    pub repeated: u64,
    /// Milestones out of order.
    pub out_of_order: u64,
    /// Repair orders left out for a milestone out of order.
    pub skipped_ros: u64,
}

fn anomalies_of(r: &FlowReport) -> &flow::Anomalies {
    match r {
        FlowReport::Stages(s) => &s.anomalies,
        FlowReport::Promises(p) => &p.anomalies,
        FlowReport::Silence(s) => &s.anomalies,
    }
}

/// Copies the anomaly counts of a report to `*out`.
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_anomalies(
    report: *const NpsFlowReport,
    out: *mut NpsFlowAnomalies,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let a = anomalies_of(unsafe { NpsFlowReport::try_ref(report, "report") }?);
        let v = NpsFlowAnomalies {
            missing: a.missing,
            repeated: a.repeated,
            out_of_order: a.out_of_order,
            skipped_ros: a.skipped_ros,
        };
        // SAFETY: out was checked.
        unsafe { out.write(v) };
        Ok(())
    })
}

/// The anomalies of a report, one row each (`ro`, `milestone`, `kind`:
/// `missing`, `repeated` or `out_of_order`), as a new `NpsTable`.
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_report_anomalies_table(
    report: *const NpsFlowReport,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let a = anomalies_of(unsafe { NpsFlowReport::try_ref(report, "report") }?);
        // SAFETY: out was checked.
        unsafe { NpsTable::write_new(out, a.to_table()) };
        Ok(())
    })
}

use crate::kpi::estimate::dist_to_c;
pub use crate::kpi::estimate::NpsDistribution;

fn stages_of(r: &FlowReport) -> Result<&StageReport, FfiError> {
    match r {
        FlowReport::Stages(s) => Ok(s),
        _ => Err(FfiError::arg("report", "not a report of nps_flow_stages")),
    }
}

/// The overall value stream of a stages report (all repair orders).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NpsFlowOverall {
    /// Repair orders.
    pub repair_orders: u64,
    /// Number of stages (read each with `nps_flow_stage_get`).
    pub n_stages: usize,
    /// The lead-time distribution, seconds.
    pub lead_time: NpsDistribution,
    /// Repair orders without a measured lead time.
    pub lead_time_missing: u64,
    /// Whether `process_cycle_efficiency` is set (lead times sum to > 0).
    pub has_process_cycle_efficiency: bool,
    /// Value-added time over lead time.
    pub process_cycle_efficiency: f64,
    /// Whether there is a bottleneck (a stage with time).
    pub has_bottleneck: bool,
    /// The bottleneck's stage index (`nps_flow_stage_get`).
    pub bottleneck: usize,
}

/// Copies the overall value stream of a stages report to `*out`
/// (`NPS_STATUS_INVALID_ARGUMENT` for another report).
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_stages_overall(
    report: *const NpsFlowReport,
    out: *mut NpsFlowOverall,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let s = stages_of(unsafe { NpsFlowReport::try_ref(report, "report") }?)?;
        let g = &s.overall;
        let b = g
            .bottleneck
            .as_ref()
            .and_then(|b| g.stages.iter().position(|s| &s.stage == b));
        let v = NpsFlowOverall {
            repair_orders: g.repair_orders,
            n_stages: g.stages.len(),
            lead_time: dist_to_c(&g.lead_time),
            lead_time_missing: g.lead_time_missing,
            has_process_cycle_efficiency: g.process_cycle_efficiency.is_some(),
            process_cycle_efficiency: g.process_cycle_efficiency.unwrap_or(0.0),
            has_bottleneck: b.is_some(),
            bottleneck: b.unwrap_or(0),
        };
        // SAFETY: out was checked.
        unsafe { out.write(v) };
        Ok(())
    })
}

/// One stage over all repair orders (the name: column `stage` of
/// `nps_flow_report_table`, or `nps_flow_stage_name`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NpsFlowStage {
    /// Value-added (policy).
    pub value_added: bool,
    /// Durations measured (`time.n`) and their distribution, seconds.
    pub time: NpsDistribution,
    /// Repair orders without the stage.
    pub missing: u64,
    /// Whether the stage has a target.
    pub has_target: bool,
    /// The target, seconds.
    pub target_s: i64,
    /// Whether `within_target` is set (a target and a measured duration).
    pub has_within_target: bool,
    /// Share of the durations within the target.
    pub within_target: f64,
    /// Whether `share_of_lead_time` is set.
    pub has_share_of_lead_time: bool,
    /// The stage's share of the lead time.
    pub share_of_lead_time: f64,
}

/// Copies stage `index` (policy order) of a stages report's overall value
/// stream to `*out`; `NPS_STATUS_INDEX_OUT_OF_RANGE` past the last.
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_stage_get(
    report: *const NpsFlowReport,
    index: usize,
    out: *mut NpsFlowStage,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let s = stages_of(unsafe { NpsFlowReport::try_ref(report, "report") }?)?;
        let st = &s.overall.stages;
        let x = st.get(index).ok_or(FfiError::IndexOutOfRange {
            index,
            len: st.len(),
        })?;
        let v = NpsFlowStage {
            value_added: x.value_added,
            time: NpsDistribution {
                n: x.n,
                has_values: x.mean_s.is_some(),
                mean: x.mean_s.unwrap_or(0.0),
                median: x.median_s.unwrap_or(0.0),
                p90: x.p90_s.unwrap_or(0.0),
            },
            missing: x.missing,
            has_target: x.target_s.is_some(),
            target_s: x.target_s.unwrap_or(0),
            has_within_target: x.within_target.is_some(),
            within_target: x.within_target.unwrap_or(0.0),
            has_share_of_lead_time: x.share_of_lead_time.is_some(),
            share_of_lead_time: x.share_of_lead_time.unwrap_or(0.0),
        };
        // SAFETY: out was checked.
        unsafe { out.write(v) };
        Ok(())
    })
}

/// Copies the name of stage `index` of a stages report (NUL-terminated)
/// into `buf` of `len` bytes; `*name_len` (if not NULL) receives its
/// length without the NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
///
/// `report` a live report; `buf` NULL or writable for `len` bytes;
/// `name_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_stage_name(
    report: *const NpsFlowReport,
    index: usize,
    buf: *mut c_char,
    len: usize,
    name_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let s = stages_of(unsafe { NpsFlowReport::try_ref(report, "report") }?)?;
        let st = &s.overall.stages;
        let x = st.get(index).ok_or(FfiError::IndexOutOfRange {
            index,
            len: st.len(),
        })?;
        // SAFETY: caller guarantee.
        unsafe { ffi::text_out(&x.stage, buf, len, name_len) }
    })
}

/// Promise keeping over all repair orders.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NpsFlowPromises {
    /// Repair orders with a promise measured.
    pub n: u64,
    /// Repair orders without.
    pub missing: u64,
    /// Of the `n`, those on time.
    pub on_time_n: u64,
    /// Whether `on_time` is set (`n > 0`).
    pub has_on_time: bool,
    /// `on_time_n / n`.
    pub on_time: f64,
    /// Overrun, seconds (0 when on time).
    pub overrun_s: NpsDistribution,
    /// Overrun over the promised duration (1.0 = +100 %).
    pub overrun_relative: NpsDistribution,
}

/// Copies the overall promise keeping of a promises report to `*out`
/// (`NPS_STATUS_INVALID_ARGUMENT` for another report).
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_promises_overall(
    report: *const NpsFlowReport,
    out: *mut NpsFlowPromises,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let FlowReport::Promises(p) = unsafe { NpsFlowReport::try_ref(report, "report") }? else {
            return Err(FfiError::arg("report", "not a report of nps_flow_promises"));
        };
        let g = &p.overall;
        let v = NpsFlowPromises {
            n: g.n,
            missing: g.missing,
            on_time_n: g.on_time_n,
            has_on_time: g.on_time.is_some(),
            on_time: g.on_time.unwrap_or(0.0),
            overrun_s: dist_to_c(&g.overrun_s),
            overrun_relative: dist_to_c(&g.overrun_relative),
        };
        // SAFETY: out was checked.
        unsafe { out.write(v) };
        Ok(())
    })
}

/// Progress updates over all repair orders.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NpsFlowSilence {
    /// Repair orders with repair_started and repair_finished.
    pub n: u64,
    /// Repair orders without.
    pub missing: u64,
    /// The longest gap per repair order, seconds.
    pub longest_gap_s: NpsDistribution,
    /// Of the `n`, those with a gap above the threshold.
    pub above_threshold_n: u64,
    /// Of the `n`, those told at least the lead ahead.
    pub told_ahead_n: u64,
    /// Whether the shares are set (`n > 0`).
    pub has_shares: bool,
    /// `above_threshold_n / n`.
    pub above_threshold: f64,
    /// `told_ahead_n / n`.
    pub told_ahead: f64,
}

/// Copies the overall progress updates of a silence report to `*out`
/// (`NPS_STATUS_INVALID_ARGUMENT` for another report).
///
/// # Safety
///
/// `report` a live report; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_flow_silence_overall(
    report: *const NpsFlowReport,
    out: *mut NpsFlowSilence,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let FlowReport::Silence(s) = unsafe { NpsFlowReport::try_ref(report, "report") }? else {
            return Err(FfiError::arg("report", "not a report of nps_flow_silence"));
        };
        let g = &s.overall;
        let v = NpsFlowSilence {
            n: g.n,
            missing: g.missing,
            longest_gap_s: dist_to_c(&g.longest_gap_s),
            above_threshold_n: g.above_threshold_n,
            told_ahead_n: g.told_ahead_n,
            has_shares: g.n > 0,
            above_threshold: g.above_threshold.unwrap_or(0.0),
            told_ahead: g.told_ahead.unwrap_or(0.0),
        };
        // SAFETY: out was checked.
        unsafe { out.write(v) };
        Ok(())
    })
}
