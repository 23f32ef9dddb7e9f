//! Tango's score interval for NPS = p − d of one trinomial sample.
//!
//! For a hypothesised difference Δ the constrained maximum-likelihood
//! detractor share d̃ (with p̃ = d̃ + Δ) solves
//! `2n·d² − B·d − D·Δ(1 − Δ) = 0`, `B = D(1 − 3Δ) + P(1 − Δ) − 2·Pa·Δ`,
//! and the score statistic is `Z(Δ) = (Δ̂ − Δ) / √((p̃ + d̃ − Δ²)/n)`.
//! The interval is `{Δ : |Z(Δ)| ≤ z}`; its ends are found by bisection to
//! 1e−13 on the ±1 scale. At the edges this reproduces the closed forms:
//! all promoters → [(n − z²)/(n + z²), 1]; all passives → ±z²/(n + z²).

use super::Effective;
use crate::error::{Error, Result};

/// Constrained MLE of the detractor share under p − d = Δ.
fn restricted_d(e: &Effective, delta: f64) -> f64 {
    let n = e.n();
    let (dd, pa, pp) = (e.detractors, e.passives, e.promoters);
    let b = dd * (1.0 - 3.0 * delta) + pp * (1.0 - delta) - 2.0 * pa * delta;
    let disc = (b * b + 8.0 * n * dd * delta * (1.0 - delta)).max(0.0);
    let d = (b + disc.sqrt()) / (4.0 * n);
    // Keep (d, d + Δ, 1 − 2d − Δ) inside the simplex despite rounding.
    d.clamp((-delta).max(0.0), ((1.0 - delta) / 2.0).max(0.0))
}

/// Z(Δ); ±infinity where the constrained variance is 0.
fn z_stat(e: &Effective, est: f64, delta: f64) -> f64 {
    let d = restricted_d(e, delta);
    let var = ((2.0 * d + delta - delta * delta) / e.n()).max(0.0);
    let diff = est - delta;
    if var > 0.0 {
        diff / var.sqrt()
    } else if diff == 0.0 {
        0.0
    } else {
        diff.signum() * f64::INFINITY
    }
}

/// Finds Δ in [a, b] where `f` changes sign (f(a) and f(b) of opposite signs).
fn bisect(mut a: f64, mut b: f64, f: impl Fn(f64) -> f64) -> Result<f64> {
    let mut fa = f(a);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if (b - a).abs() <= 1e-13 {
            return Ok(m);
        }
        let fm = f(m);
        if fm == 0.0 {
            return Ok(m);
        }
        if (fm > 0.0) == (fa > 0.0) {
            a = m;
            fa = fm;
        } else {
            b = m;
        }
    }
    Err(Error::Numerical {
        what: "score interval bisection",
    })
}

/// (low, high) on the ±1 scale.
pub(super) fn tango(e: &Effective, z: f64) -> Result<(f64, f64)> {
    let est = e.unit_nps();
    let low = if est <= -1.0 || z_stat(e, est, -1.0) <= z {
        -1.0
    } else {
        bisect(-1.0, est, |d| z_stat(e, est, d) - z)?
    };
    let high = if est >= 1.0 || z_stat(e, est, 1.0) >= -z {
        1.0
    } else {
        bisect(est, 1.0, |d| z_stat(e, est, d) + z)?
    };
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eff(d: f64, pa: f64, p: f64) -> Effective {
        Effective {
            detractors: d,
            passives: pa,
            promoters: p,
        }
    }

    #[test]
    fn closed_forms_at_edges() {
        let z: f64 = 1.959963984540054;
        for n in [1.0, 2.0, 7.0, 30.0, 1000.0] {
            let (lo, hi) = tango(&eff(0.0, 0.0, n), z).unwrap();
            assert!(
                (lo - (n - z * z) / (n + z * z)).abs() < 1e-11,
                "n={n} lo={lo}"
            );
            assert_eq!(hi, 1.0);
            let (lo, hi) = tango(&eff(0.0, n, 0.0), z).unwrap();
            let w = z * z / (n + z * z);
            assert!((lo + w).abs() < 1e-11 && (hi - w).abs() < 1e-11, "n={n}");
            let (lo, hi) = tango(&eff(n, 0.0, 0.0), z).unwrap();
            assert_eq!(lo, -1.0);
            assert!((hi + (n - z * z) / (n + z * z)).abs() < 1e-11);
        }
    }

    #[test]
    fn restricted_mle_maximises_constrained_likelihood() {
        let e = eff(13.0, 21.0, 40.0);
        for delta in [-0.6, -0.1, 0.0, 0.2, 0.5, 0.9] {
            let d = restricted_d(&e, delta);
            let ll = |d: f64| {
                let p = d + delta;
                let pa = 1.0 - 2.0 * d - delta;
                13.0 * d.ln() + 40.0 * p.ln() + 21.0 * pa.ln()
            };
            for eps in [1e-4, -1e-4] {
                let other = d + eps;
                if other > (-delta).max(0.0) && 1.0 - 2.0 * other - delta > 0.0 {
                    assert!(ll(d) >= ll(other), "delta={delta}");
                }
            }
        }
    }

    #[test]
    fn score_statistic_at_bounds_equals_z() {
        let e = eff(5.0, 9.0, 16.0);
        let z = 1.6448536269514722;
        let (lo, hi) = tango(&e, z).unwrap();
        let est = e.unit_nps();
        assert!((z_stat(&e, est, lo) - z).abs() < 1e-8);
        assert!((z_stat(&e, est, hi) + z).abs() < 1e-8);
        assert!(lo < est && est < hi);
    }
}
