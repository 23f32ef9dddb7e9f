//! M/M/c capacity planning (Erlang C; `nps_core::erlang`): the queue of
//! a given staffing and the staffing a service level needs.

use nps_core::erlang::{erlang_c, servers_needed, Queue, QueueStats};

use crate::ffi::{self, CEnum, NpsStatus};

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

c_enum!(NpsQueueStatus { Stable, Unstable });

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

fn queue_to_c(q: &Queue) -> NpsQueue {
    match q {
        Queue::Stable(s) => stats_to_c(s),
        Queue::Unstable {
            servers,
            offered_load,
            utilization,
        } => NpsQueue {
            status: NpsQueueStatus::Unstable.to_u32(),
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
        status: NpsQueueStatus::Stable.to_u32(),
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
