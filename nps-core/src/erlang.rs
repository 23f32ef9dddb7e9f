//! Capacity planning with the M/M/c queue (Erlang C), SPEC §6.
//!
//! Waiting is the heaviest NPS driver; this module estimates waits at a
//! reception desk (advisors) or a workshop (bays) from the arrival rate, the
//! mean service time and the number of servers, and finds the staff needed
//! to hit a waiting target.
//!
//! **Units.** `arrival_rate` is arrivals per unit of time and every time
//! (`service_time`, `target_wait`, the mean waits returned) is in that same
//! unit: 12 arrivals per hour with a 0.25 h service time, or 12/3600 per
//! second with 900 s. The offered load `A = arrival_rate × service_time`
//! (erlangs) and the utilization `ρ = A / c` have no unit.
//!
//! **Model.** Poisson arrivals, exponential service, `c` identical servers,
//! one unlimited first-come-first-served queue. With `B` the Erlang B
//! blocking probability, computed by the recursion
//! `B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1))` (no factorials, no
//! overflow for any `c`), the probability of waiting is
//! `C = B / (1 − ρ(1 − B))`, the mean wait `Wq = C·s / (c − A)`, the mean
//! response time `Wq + s`, and the share served within `t`
//! `1 − C·exp(−(c − A)·t / s)`. With `ρ ≥ 1` the queue grows without bound:
//! the result is [`Queue::Unstable`], not a NaN and not an error.
//!
//! ```
//! use nps_core::erlang::{erlang_c, Queue};
//! // 2 erlangs offered to 3 servers: P(wait) = 4/9 (hand calculation).
//! let Queue::Stable(q) = erlang_c(2.0, 1.0, 3, None)? else { unreachable!() };
//! assert!((q.prob_wait - 4.0 / 9.0).abs() < 1e-15);
//! assert!(matches!(erlang_c(3.0, 1.0, 3, None)?, Queue::Unstable { .. }));
//! # Ok::<(), nps_core::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Most servers [`erlang_c`] and [`servers_needed`] consider.
pub const MAX_SERVERS: u32 = 10_000_000;

/// Measures of a stable M/M/c queue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QueueStats {
    /// Number of servers `c`.
    pub servers: u32,
    /// Offered load `A = λ·s` in erlangs.
    pub offered_load: f64,
    /// Utilization `ρ = A / c`, below 1.
    pub utilization: f64,
    /// Probability that an arrival has to wait (Erlang C).
    pub prob_wait: f64,
    /// Mean wait in the queue `Wq`, in the time unit of the inputs.
    pub mean_wait: f64,
    /// Mean response time (wait plus service), same unit.
    pub mean_response: f64,
    /// The target wait the share below refers to, if one was given.
    pub target_wait: Option<f64>,
    /// Share of arrivals whose wait is at most `target_wait`.
    pub within_target: Option<f64>,
}

/// The answer of [`erlang_c`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Queue {
    /// Utilization below 1: the queue settles.
    Stable(QueueStats),
    /// Utilization ≥ 1: the queue grows without bound; waits are infinite
    /// and every arrival eventually waits.
    Unstable {
        /// Number of servers.
        servers: u32,
        /// Offered load in erlangs.
        offered_load: f64,
        /// Utilization, at least 1.
        utilization: f64,
    },
}

impl Queue {
    /// The measures of a stable queue, `None` if unstable.
    pub fn stable(&self) -> Option<&QueueStats> {
        match self {
            Queue::Stable(s) => Some(s),
            Queue::Unstable { .. } => None,
        }
    }
}

fn check_positive(name: &'static str, v: f64) -> Result<()> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(Error::arg(
            name,
            format!("{v} is not a positive finite number"),
        ))
    }
}

fn check_target_wait(t: Option<f64>) -> Result<()> {
    match t {
        Some(t) if !(t.is_finite() && t >= 0.0) => Err(Error::arg(
            "target_wait",
            format!("{t} is not a finite number >= 0"),
        )),
        _ => Ok(()),
    }
}

fn load(arrival_rate: f64, service_time: f64) -> Result<f64> {
    check_positive("arrival_rate", arrival_rate)?;
    check_positive("service_time", service_time)?;
    let a = arrival_rate * service_time;
    if !(a.is_finite() && a > 0.0) {
        return Err(Error::arg(
            "arrival_rate",
            format!("the offered load arrival_rate × service_time = {a} is not a positive finite number"),
        ));
    }
    if a >= f64::from(MAX_SERVERS) {
        return Err(Error::arg(
            "arrival_rate",
            format!("the offered load {a} erlangs needs more than {MAX_SERVERS} servers"),
        ));
    }
    Ok(a)
}

/// Erlang B recursion step: `B(k)` from `B(k−1)`.
#[inline]
fn erlang_b_step(a: f64, b_prev: f64, k: u32) -> f64 {
    let x = a * b_prev;
    x / (f64::from(k) + x)
}

fn stats(a: f64, s: f64, c: u32, b: f64, target_wait: Option<f64>) -> Queue {
    let cf = f64::from(c);
    let rho = a / cf;
    if a >= cf {
        return Queue::Unstable {
            servers: c,
            offered_load: a,
            utilization: rho,
        };
    }
    let p = (b / (1.0 - rho * (1.0 - b))).clamp(0.0, 1.0);
    let slack = cf - a; // > 0
    let wq = p * s / slack;
    let within = target_wait.map(|t| (1.0 - p * (-slack * t / s).exp()).clamp(0.0, 1.0));
    Queue::Stable(QueueStats {
        servers: c,
        offered_load: a,
        utilization: rho,
        prob_wait: p,
        mean_wait: wq,
        mean_response: wq + s,
        target_wait,
        within_target: within,
    })
}

/// The M/M/c queue with `servers` servers, `arrival_rate` arrivals per unit
/// of time and a mean `service_time` in the same unit; `target_wait` (same
/// unit, ≥ 0) adds the share served within it.
///
/// Errors: [`Error::InvalidArgument`] for a rate or time that is not
/// positive and finite, `servers` = 0 or above [`MAX_SERVERS`], or a
/// negative / non-finite `target_wait`.
///
/// ```
/// use nps_core::erlang::erlang_c;
/// // M/M/1 check: P(wait) = ρ and Wq = ρ·s / (1 − ρ).
/// let q = *erlang_c(0.5, 1.0, 1, Some(0.0))?.stable().unwrap();
/// assert!((q.prob_wait - 0.5).abs() < 1e-15);
/// assert!((q.mean_wait - 1.0).abs() < 1e-15);
/// assert_eq!(q.within_target, Some(0.5)); // no wait at all
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn erlang_c(
    arrival_rate: f64,
    service_time: f64,
    servers: u32,
    target_wait: Option<f64>,
) -> Result<Queue> {
    let a = load(arrival_rate, service_time)?;
    if servers == 0 || servers > MAX_SERVERS {
        return Err(Error::arg(
            "servers",
            format!("{servers} is not in 1..={MAX_SERVERS}"),
        ));
    }
    check_target_wait(target_wait)?;
    let mut b = 1.0;
    for k in 1..=servers {
        b = erlang_b_step(a, b, k);
    }
    Ok(stats(a, service_time, servers, b, target_wait))
}

/// The answer of [`servers_needed`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Staffing {
    /// The smallest number of servers meeting the targets.
    pub servers: u32,
    /// The queue with that many servers.
    pub queue: QueueStats,
}

/// The smallest number of servers with which at least `target_share` of
/// arrivals wait at most `target_wait` (and, if given, the mean wait is at
/// most `max_mean_wait`). Units as [`erlang_c`]. The search starts at the
/// smallest stable `c` (`⌊A⌋ + 1`) and steps up one server at a time,
/// continuing the Erlang B recursion (linear in the answer).
///
/// Errors: [`Error::InvalidArgument`] for invalid rates or times, a
/// `target_share` not in (0, 1), or a `max_mean_wait` that is not positive
/// and finite; [`Error::Numerical`] if no `c` up to [`MAX_SERVERS`] meets
/// the targets (not reachable for valid inputs short of float underflow).
///
/// ```
/// use nps_core::erlang::servers_needed;
/// // 20 customers an hour, 15 min each (5 erlangs), 80 % greeted within 3 min.
/// let s = servers_needed(20.0, 0.25, 0.05, 0.8, None)?;
/// assert_eq!(s.servers, 8);
/// assert!(s.queue.within_target.unwrap() >= 0.8);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn servers_needed(
    arrival_rate: f64,
    service_time: f64,
    target_wait: f64,
    target_share: f64,
    max_mean_wait: Option<f64>,
) -> Result<Staffing> {
    let a = load(arrival_rate, service_time)?;
    check_target_wait(Some(target_wait))?;
    if !(target_share > 0.0 && target_share < 1.0) {
        return Err(Error::arg(
            "target_share",
            format!("{target_share} is not in (0, 1)"),
        ));
    }
    if let Some(m) = max_mean_wait {
        check_positive("max_mean_wait", m)?;
    }
    // a < MAX_SERVERS, so the first stable c fits in u32.
    let start = a.floor() as u32 + 1;
    let mut b = 1.0;
    for k in 1..start {
        b = erlang_b_step(a, b, k);
    }
    let mut c = start;
    loop {
        b = erlang_b_step(a, b, c);
        if let Queue::Stable(q) = stats(a, service_time, c, b, Some(target_wait)) {
            let share_ok = q.within_target.is_some_and(|w| w >= target_share);
            let mean_ok = max_mean_wait.is_none_or(|m| q.mean_wait <= m);
            if share_ok && mean_ok {
                return Ok(Staffing {
                    servers: c,
                    queue: q,
                });
            }
        }
        if c >= MAX_SERVERS {
            return Err(Error::Numerical {
                what: "servers_needed found no staffing up to MAX_SERVERS",
            });
        }
        c += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn mm2_closed_form() {
        // M/M/2: C = 2ρ² / (1 + ρ).
        let rho: f64 = 0.7;
        let q = *erlang_c(1.4, 1.0, 2, None).unwrap().stable().unwrap();
        assert!((q.prob_wait - 2.0 * rho * rho / (1.0 + rho)).abs() < 1e-14);
    }

    #[test]
    fn large_c_is_finite() {
        let q = *erlang_c(1950.0, 1.0, 2000, Some(0.01))
            .unwrap()
            .stable()
            .unwrap();
        assert!(q.prob_wait > 0.0 && q.prob_wait < 1.0);
        assert!(q.mean_wait.is_finite());
    }

    #[test]
    fn bad_input() {
        for (l, s, c, t) in [
            (0.0, 1.0, 1, None),
            (f64::NAN, 1.0, 1, None),
            (1.0, -1.0, 1, None),
            (1.0, f64::INFINITY, 1, None),
            (1.0, 1.0, 0, None),
            (1.0, 1.0, 2, Some(-1.0)),
            (1e300, 1e300, 2, None),
        ] {
            assert_eq!(
                erlang_c(l, s, c, t).unwrap_err().kind(),
                ErrorKind::InvalidArgument
            );
        }
        for share in [0.0, 1.0, f64::NAN] {
            assert!(servers_needed(1.0, 1.0, 1.0, share, None).is_err());
        }
        assert!(servers_needed(1.0, 1.0, 1.0, 0.5, Some(0.0)).is_err());
    }
}
