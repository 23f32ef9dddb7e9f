//! Bayesian credible intervals for the NPS under a Dirichlet posterior.
//!
//! The (detractor, passive, promoter) shares `(d, pa, p)` get the posterior
//! `Dirichlet(α)` with `α = prior + counts`; the interval is for `X = p − d`
//! on the ±1 scale. Mean and standard deviation are closed forms; the
//! bounds are computed deterministically (no sampling):
//!
//! * `s = d + p ~ Beta(αd + αp, αpa)` and `u = p / s ~ Beta(αp, αd)` are
//!   independent and `X = s (2u − 1)`, so each tail of `X` is a
//!   one-dimensional integral. For `τ > 0`,
//!   `P(X ≤ −τ) = ∫_τ^1 f_s(s) F_u((s − τ) / 2s) ds`
//!   `          = ∫_0^{(1−τ)/2} f_u(u) S_s(τ / (1 − 2u)) du`
//!   (`F` a CDF, `S` a survival function); the density of `X` comes from
//!   the same integrals with the inner CDF replaced by the inner density.
//!   The outer variable is the one that moves `X` least, so the inner
//!   function is smooth on the scale of the outer density. Upper tails use
//!   the mirrored model (`p ↔ d`), so small tail masses keep their relative
//!   accuracy.
//! * The outer integral runs over the effective support of the outer
//!   density (within `e^−50` of its peak), cut into panels of about 2.5
//!   standard deviations: adaptive Gauss–Kronrod 7/15 inside, adaptive
//!   tanh–sinh on panels touching a singular point (0, 1, or the kink at
//!   `s = τ`), with exact distances to those ends. Where the integrand
//!   behaves like `dist^(γ−1)` with `γ < 1` (a Beta parameter below 1) it
//!   is integrated in `y = dist^γ`: with a prior of 0.001 on an empty
//!   category half the mass lies closer to the vertex than 1e−300.
//! * Beta densities are evaluated in log form around the mean, with
//!   Stirling remainders instead of differences of `ln Γ`, on the side of
//!   the smaller parameter (`x` or `1 − x`, whichever is exact), so they
//!   stay accurate to ~1e−15 for parameters of 10⁸ and beyond.
//! * Inner Beta CDFs come from `statrs::function::beta::beta_reg`, except
//!   where it is not accurate: statrs 0.18 stops its continued fraction
//!   after 140 terms (`I_½(10⁶, 10⁶)` comes out as 0.4912) and rounds a
//!   prefactor built from `ln Γ` values of size 10⁹ (4e−7 relative error at
//!   `b = 10⁸`). With both parameters ≥ `TABLE_MIN` the CDF is the
//!   integrated density (a table at half-standard-deviation steps plus a
//!   7-point Gauss–Legendre correction); with one small and one large
//!   parameter statrs is used in its direct branch only, with the prefactor
//!   recomputed from the accurate density, and the table beyond.
//! * Quantiles: safeguarded Newton on `ln P(tail)`, started at the normal
//!   approximation, bracketed in `(−1, 1)`.
//! * HPD: the shortest interval with the mass. With every `α ≥ 1` the
//!   density of X is log-concave (Prékopa), so the interval satisfies
//!   `f(low) = f(high)`; that system (with the mass condition) is solved by
//!   Newton from the equal-tailed interval, falling back to regula falsi in
//!   the lower-tail mass. With some `α < 1` the density can be highest at
//!   an end — it behaves like `(1 + t)^(αp+αpa−1)` at −1 and
//!   `(1 − t)^(αd+αpa−1)` at +1 — jump at 0, or have several modes; the
//!   result is then the shortest of the equal-tailed interval, the
//!   intervals anchored at an end whose exponent is ≤ 0, and the interior
//!   optimum found from the equal-tailed interval (not a global search).
//! * From `α0 = Σα ≥ 10¹⁶` on, the bounds are `mean ± z·sd`: the skewness
//!   then moves them by about `1/α0`, below `f64` resolution.
//!
//! Accuracy (see the tests): tail probabilities agree with 40-digit mpmath
//! quadrature to ~1e−14 relative for small parameters and the two
//! formulations agree to ~1e−11 at n = 10⁸; bounds are within ~1e−13
//! of the reference values (to the `f64` grid for posteriors squeezed
//! against ±1).

use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::beta::beta_reg;
use statrs::function::gamma::ln_gamma;

use super::{Bayes, Credible, Effective};
use crate::error::{Error, Result};

/// Both Beta parameters at least this large: the CDF comes from the
/// integrated density rather than from statrs.
const TABLE_MIN: f64 = 40.0;

/// From this `a + b` on, statrs's `beta_reg` prefactor is recomputed (and,
/// with one parameter below `TABLE_MIN`, its upper branch is replaced).
const PREFACTOR_FIX_MIN: f64 = 1000.0;

/// The effective support of a density ends where it falls `e^CUT` below
/// its peak.
const CUT: f64 = 50.0;

/// Iteration cap of the root finders; reaching it is an [`Error::Numerical`].
const MAX_ITER: usize = 200;

/// `ln √(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// From this `α0` on the posterior is normal to double precision (see
/// `interval`).
const NORMAL_FROM: f64 = 1e16;

/// Credible interval `(low, high, posterior mean)` of `p − d` on the ±1
/// scale under the posterior `Dirichlet(prior + counts)`.
///
/// From `α0 = Σα ≥ 10¹⁶` on, the bounds are `mean ± z·sd` (clipped to
/// [−1, 1]): the skewness moves a quantile by about `σ·γ ≲ 1/α0 ≤ 1e−16`,
/// below the resolution of `f64` at the bounds.
pub(super) fn interval(e: &Effective, b: &Bayes, confidence: f64) -> Result<(f64, f64, f64)> {
    let alpha = posterior_alpha(e, b.prior)?;
    let (mean, sd) = posterior_mean_sd(e, b.prior);
    let tails = 1.0 - confidence;
    let (low, high) = if alpha.iter().sum::<f64>() >= NORMAL_FROM {
        let dz = sd * Normal::standard().inverse_cdf(1.0 - 0.5 * tails);
        ((mean - dz).max(-1.0), (mean + dz).min(1.0))
    } else {
        let model = Model::new(alpha, mean, sd);
        match b.credible {
            Credible::EqualTailed => model.equal_tailed(tails)?,
            Credible::Hpd => model.hpd(tails)?,
        }
    };
    // Bounds closer together than the resolution of f64 (a posterior
    // squeezed against ±1) may land a few ulps out of order.
    Ok(if low > high {
        let mid = 0.5 * (low + high);
        (mid, mid, mean)
    } else {
        (low, high, mean)
    })
}

/// Posterior mean and standard deviation of `p − d` (±1 scale) under
/// `Dirichlet(prior + counts)`, in closed form: with `α = prior + counts`
/// and `α0 = Σα`, `E = (αp − αd)/α0` and
/// `Var = [αp(α0 − αp) + αd(α0 − αd) + 2 αp αd] / (α0² (α0 + 1))`.
/// The prior is not validated here (`interval` does that).
pub(crate) fn posterior_mean_sd(e: &Effective, prior: [f64; 3]) -> (f64, f64) {
    let ad = prior[0] + e.detractors;
    let apa = prior[1] + e.passives;
    let ap = prior[2] + e.promoters;
    let a0 = ad + apa + ap;
    let mean = (ap - ad) / a0;
    // In shares π = α/α0, Var = [πp(1 − πp) + πd(1 − πd) + 2 πp πd]/(α0 + 1),
    // with 1 − πp and 1 − πd written as sums: no cancellation, no overflow.
    let (pd, ppa, pp) = (ad / a0, apa / a0, ap / a0);
    let var = (pp * (pd + ppa) + pd * (ppa + pp) + 2.0 * pp * pd) / (a0 + 1.0);
    (mean, var.sqrt())
}

/// `[αd, αpa, αp]` after validating the prior (and, defensively, the
/// counts, which the caller has already checked).
fn posterior_alpha(e: &Effective, prior: [f64; 3]) -> Result<[f64; 3]> {
    if !prior.iter().all(|&a| a.is_finite() && a > 0.0) {
        return Err(Error::arg(
            "prior",
            format!("every Dirichlet prior component must be finite and > 0, got {prior:?}"),
        ));
    }
    let counts = [e.detractors, e.passives, e.promoters];
    if !counts.iter().all(|&c| c.is_finite() && c >= 0.0) {
        return Err(Error::arg(
            "counts",
            format!("category counts must be finite and >= 0, got {counts:?}"),
        ));
    }
    let alpha = [
        prior[0] + counts[0],
        prior[1] + counts[1],
        prior[2] + counts[2],
    ];
    if !alpha.iter().sum::<f64>().is_finite() {
        return Err(Error::arg(
            "prior",
            format!("prior + counts must sum to a finite number, got {alpha:?}"),
        ));
    }
    Ok(alpha)
}

// ---------------------------------------------------------------------------
// Beta distributions

/// `ln Γ(z) − [(z − ½) ln z − z + ln √(2π)]`, the remainder of Stirling's
/// formula, accurate to double precision for every `z > 0`.
fn stirling_rest(z: f64) -> f64 {
    if z >= 10.0 {
        let r = 1.0 / z;
        let r2 = r * r;
        r * (1.0 / 12.0
            - r2 * (1.0 / 360.0
                - r2 * (1.0 / 1260.0
                    - r2 * (1.0 / 1680.0
                        - r2 * (1.0 / 1188.0 - r2 * (691.0 / 360_360.0 - r2 / 156.0))))))
    } else {
        ln_gamma(z) - ((z - 0.5) * z.ln() - z + LN_SQRT_2PI)
    }
}

/// `Beta(a, b)` with what the integrals need: a log density that stays
/// accurate for parameters of 10⁸ and more, the effective support, CDF and
/// survival function.
///
/// Everything runs on the side of the smaller parameter: with
/// `p = min(a, b) ≤ q = max(a, b)`, `z = x` (or `1 − x` when `a > b`) is
/// `Beta(p, q)` with mean ≤ ½, so `z` is known to full relative precision
/// where the mass is.
struct BetaDist {
    a: f64,
    b: f64,
    /// Mean of `x`, `1 −` mean, and standard deviation.
    m: f64,
    mc: f64,
    sd: f64,
    /// Effective support of `x`.
    lo: f64,
    hi: f64,
    flip: bool,
    z: ZBeta,
}

impl BetaDist {
    fn new(a: f64, b: f64) -> BetaDist {
        let flip = a > b;
        let z = if flip {
            ZBeta::new(b, a)
        } else {
            ZBeta::new(a, b)
        };
        let (lo, hi) = if flip {
            (1.0 - z.hi, 1.0 - z.lo)
        } else {
            (z.lo, z.hi)
        };
        BetaDist {
            a,
            b,
            m: a / (a + b),
            mc: b / (a + b),
            sd: z.sd,
            lo,
            hi,
            flip,
            z,
        }
    }

    /// Density at `x`, with `xc = 1 − x` supplied by the caller (who may
    /// know it more precisely than `1.0 - x`).
    fn pdf(&self, x: f64, xc: f64) -> f64 {
        if self.flip {
            self.z.pdf(xc, x)
        } else {
            self.z.pdf(x, xc)
        }
    }

    /// Density without its power-law factor at `x = 0` (`x^(a−1)`, when
    /// `at_zero`) or at `x = 1` (`(1−x)^(b−1)`); finite at that end.
    fn pdf_stripped(&self, x: f64, xc: f64, at_zero: bool) -> f64 {
        if self.flip {
            self.z.dens.eval_stripped(xc, x, !at_zero).exp()
        } else {
            self.z.dens.eval_stripped(x, xc, at_zero).exp()
        }
    }

    /// The end behaviour of this density as the outer one at `x = 0`
    /// (`at_zero`) or `x = 1`.
    fn end(&self, at_zero: bool) -> End {
        let gamma = if at_zero { self.a } else { self.b };
        if gamma < 1.0 {
            End::Power(gamma)
        } else {
            End::Singular
        }
    }

    /// `P(B ≤ x)`.
    fn cdf(&self, x: f64, xc: f64) -> f64 {
        if self.flip {
            self.z.sf(xc, x)
        } else {
            self.z.cdf(x, xc)
        }
    }

    /// `P(B > x)`.
    fn sf(&self, x: f64, xc: f64) -> f64 {
        if self.flip {
            self.z.cdf(xc, x)
        } else {
            self.z.sf(x, xc)
        }
    }
}

/// `Beta(p, q)` with `p ≤ q`, in its own variable `z`.
struct ZBeta {
    p: f64,
    q: f64,
    dens: LogDensity,
    sd: f64,
    /// Effective support: outside it the density is `e^−CUT` below its peak.
    lo: f64,
    hi: f64,
    table: Option<CdfTable>,
}

/// The CDF on `[start, hi]` from the integrated density: at
/// `z_j = start + j·h`, `P(Z ≤ z_j) = lower[j]` and `P(Z > z_j) = upper[j]`.
struct CdfTable {
    start: f64,
    h: f64,
    /// Below `start` the CDF comes from statrs (`start` is inside the
    /// support), else it is 0 (`start` is the bottom of the support).
    below_from_statrs: bool,
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// Converts integrals of the density into probabilities.
    scale: f64,
}

/// Log density of `Beta(p, q)`, `p ≤ q`, around a reference point `r`
/// near the mean (`r ≤ ½`): `ln f(z) = k + (p−1) ln(z/r) + (q−1) ln((1−z)/(1−r))`.
/// Both logarithms are taken of ratios close to 1 through `ln_1p` of the
/// exact offset `z − r`, so nothing of size `p` or `q` cancels.
struct LogDensity {
    p: f64,
    q: f64,
    r: f64,
    /// `1 − r == rc + rc_err` exactly.
    rc: f64,
    rc_err: f64,
    /// `ln f(r)`.
    k: f64,
}

/// `a + b` and its rounding error (Knuth's TwoSum).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

impl LogDensity {
    fn new(p: f64, q: f64) -> LogDensity {
        let (pq, pq_err) = two_sum(p, q);
        let r = p / pq;
        let (rc, rc_err) = two_sum(1.0, -r);
        // e = r(p+q) − p, nearly exact: r differs from the mean p/(p+q) by
        // one rounding.
        let e = r.mul_add(pq, -p) + r * pq_err;
        // ln f(r) = −ln B(p,q) + (p−1) ln r + (q−1) ln(1−r). With Stirling's
        // formula for the three ln Γ, −ln B(p,q) = −p ln m − q ln(1−m)
        // + ½ ln(pq/(p+q)) − ln √(2π) + rest(p+q) − rest(p) − rest(q) for the
        // mean m, and p ln(r/m) = p ln(1 + e/p), q ln((1−r)/(1−m)) = q ln(1 − e/q).
        let k = p * (e / p).ln_1p() + q * (-e / q).ln_1p() - r.ln() - (-r).ln_1p()
            + 0.5 * (p.ln() + q.ln() - pq.ln())
            - LN_SQRT_2PI
            + stirling_rest(pq)
            - stirling_rest(p)
            - stirling_rest(q);
        LogDensity {
            p,
            q,
            r,
            rc,
            rc_err,
            k,
        }
    }

    /// `(ln(z/r), ln((1−z)/(1−r)))` given `z` and `zc = 1 − z`: `z` is used
    /// when `z ≤ ½`, `zc` otherwise (callers pass whichever they know
    /// exactly). Finite at `z = 0` for the second, at `zc = 0` for the first.
    fn logs(&self, z: f64, zc: f64) -> (f64, f64) {
        if z <= 0.5 {
            let d = z - self.r; // exact near r (Sterbenz)
            let ln_z = if z < 0.5 * self.r {
                (z / self.r).ln()
            } else {
                (d / self.r).ln_1p()
            };
            (ln_z, (-d / self.rc).ln_1p())
        } else {
            // zc − (1 − r)
            let dc = (zc - self.rc) - self.rc_err;
            let ln_zc = if zc < 0.5 * self.rc {
                (zc / self.rc).ln() - (self.rc_err / self.rc).ln_1p()
            } else {
                (dc / self.rc).ln_1p()
            };
            ((-dc / self.r).ln_1p(), ln_zc)
        }
    }

    /// `ln f(z)`.
    fn eval(&self, z: f64, zc: f64) -> f64 {
        let (ln_z, ln_zc) = self.logs(z, zc);
        let mut l = self.k;
        if self.p != 1.0 {
            l += (self.p - 1.0) * ln_z;
        }
        if self.q != 1.0 {
            l += (self.q - 1.0) * ln_zc;
        }
        l
    }

    /// `ln [f(z) / z^(p−1)]` (`at_zero`) or `ln [f(z) / (1−z)^(q−1)]`: the
    /// density without its power-law factor at that end, finite there.
    fn eval_stripped(&self, z: f64, zc: f64, at_zero: bool) -> f64 {
        let (ln_z, ln_zc) = self.logs(z, zc);
        if at_zero {
            // (p−1) ln(z/r) − (p−1) ln z = −(p−1) ln r
            self.k - (self.p - 1.0) * self.r.ln() + (self.q - 1.0) * ln_zc
        } else {
            // (q−1) ln((1−z)/(1−r)) − (q−1) ln(1−z) = −(q−1) ln(1−r)
            self.k + (self.p - 1.0) * ln_z - (self.q - 1.0) * (-self.r).ln_1p()
        }
    }
}

impl ZBeta {
    fn new(p: f64, q: f64) -> ZBeta {
        let pq = p + q;
        let (m, mc) = (p / pq, q / pq);
        let mut d = ZBeta {
            p,
            q,
            dens: LogDensity::new(p, q),
            sd: (m * mc / (pq + 1.0)).sqrt(),
            lo: 0.0,
            hi: 1.0,
            table: None,
        };
        d.set_support(m);
        if p >= TABLE_MIN {
            d.table = Some(d.build_table(d.lo, 0.0, false));
        } else if pq >= PREFACTOR_FIX_MIN {
            // One huge parameter and one small: statrs is precise only in
            // its direct branch, below (p+1)/(p+q+2); above, it would work
            // on 1 − z, which has lost the digits of z. Take statrs up to
            // half that point and the integrated density beyond.
            let start = (0.5 * (p + 1.0) / (pq + 2.0)).max(d.lo);
            if start < d.hi {
                let anchor = d.statrs_tail(start, 1.0 - start, true);
                d.table = Some(d.build_table(start, anchor, true));
            }
        }
        d
    }

    fn pdf(&self, z: f64, zc: f64) -> f64 {
        if z > 0.0 && zc > 0.0 {
            self.dens.eval(z, zc).exp()
        } else {
            0.0
        }
    }

    fn ln_pdf(&self, z: f64) -> f64 {
        self.dens.eval(z, 1.0 - z)
    }

    fn set_support(&mut self, mean: f64) {
        let (p, q) = (self.p, self.q);
        let peak = if p > 1.0 && q > 1.0 {
            (p - 1.0) / (p + q - 2.0)
        } else {
            mean
        };
        let thr = self.ln_pdf(peak).max(self.ln_pdf(mean)) - CUT;
        let tol = 1e-3 * self.sd;
        let (mut lo, mut hi) = (0.0, 1.0);
        if p > 1.0 {
            // The density increases on (0, peak).
            let (mut l, mut r) = (0.0, peak);
            for _ in 0..MAX_ITER {
                if r - l <= tol {
                    break;
                }
                let mid = 0.5 * (l + r);
                if self.ln_pdf(mid) >= thr {
                    r = mid;
                } else {
                    l = mid;
                }
            }
            lo = l;
        }
        if q > 1.0 {
            // The density decreases on (peak, 1).
            let (mut l, mut r) = (peak, 1.0);
            for _ in 0..MAX_ITER {
                if r - l <= tol {
                    break;
                }
                let mid = 0.5 * (l + r);
                if self.ln_pdf(mid) >= thr {
                    l = mid;
                } else {
                    r = mid;
                }
            }
            hi = r;
        }
        self.lo = lo;
        self.hi = hi;
    }

    fn build_table(&self, start: f64, anchor: f64, below_from_statrs: bool) -> CdfTable {
        let n = (((self.hi - start) / (0.5 * self.sd)).ceil() as usize).clamp(4, 4000);
        let h = (self.hi - start) / n as f64;
        let mut lower = vec![0.0; n + 1];
        let mut upper = vec![0.0; n + 1];
        for j in 0..n {
            let z0 = start + j as f64 * h;
            let cell = self.gauss7(z0, z0 + h);
            lower[j + 1] = lower[j] + cell;
            upper[j] = cell; // suffix sums below
        }
        for j in (0..n).rev() {
            upper[j] += upper[j + 1];
        }
        let scale = (1.0 - anchor) / lower[n];
        for v in lower.iter_mut() {
            *v = anchor + *v * scale;
        }
        for v in upper.iter_mut() {
            *v *= scale;
        }
        CdfTable {
            start,
            h,
            below_from_statrs,
            lower,
            upper,
            scale,
        }
    }

    /// `∫_z0^z1 f` by 7-point Gauss–Legendre (signed).
    fn gauss7(&self, z0: f64, z1: f64) -> f64 {
        let c = 0.5 * (z0 + z1);
        let hw = 0.5 * (z1 - z0);
        let mut sum = 0.0;
        for (i, &w) in G7_W.iter().enumerate() {
            let xi = GK_X[2 * i + 1];
            let (zl, zr) = (c - hw * xi, c + hw * xi);
            sum += w * self.pdf(zl, 1.0 - zl);
            if xi != 0.0 {
                sum += w * self.pdf(zr, 1.0 - zr);
            }
        }
        sum * hw
    }

    /// Grid index nearest to `z` and `P(z_j < Z ≤ z)` (signed).
    fn table_offset(&self, t: &CdfTable, z: f64) -> (usize, f64) {
        let n = t.lower.len() - 1;
        let j = (((z - t.start) / t.h).round().max(0.0) as usize).min(n);
        let zj = t.start + j as f64 * t.h;
        (j, self.gauss7(zj, z) * t.scale)
    }

    /// `P(Z ≤ z)`, `zc = 1 − z`.
    fn cdf(&self, z: f64, zc: f64) -> f64 {
        if z <= 0.0 {
            return 0.0;
        }
        if zc <= 0.0 || z >= self.hi {
            return 1.0;
        }
        match &self.table {
            Some(t) if z >= t.start => {
                let (j, part) = self.table_offset(t, z);
                (t.lower[j] + part).clamp(0.0, 1.0)
            }
            Some(t) if !t.below_from_statrs => 0.0,
            _ => self.statrs_tail(z, zc, true),
        }
    }

    /// `P(Z > z)`, `zc = 1 − z`.
    fn sf(&self, z: f64, zc: f64) -> f64 {
        if z <= 0.0 {
            return 1.0;
        }
        if zc <= 0.0 || z >= self.hi {
            return 0.0;
        }
        match &self.table {
            Some(t) if z >= t.start => {
                let (j, part) = self.table_offset(t, z);
                (t.upper[j] - part).clamp(0.0, 1.0)
            }
            Some(t) if !t.below_from_statrs => 1.0,
            _ => self.statrs_tail(z, zc, false),
        }
    }

    /// `P(Z ≤ z)` (`lower`) or `P(Z > z)` from statrs's `beta_reg`.
    ///
    /// statrs switches to `1 − I_{1−z}(q, p)` above `(p+1)/(p+q+2)` but
    /// forms `1 − z` itself; the switch is made here, with the caller's
    /// complement, so statrs always runs its continued fraction directly.
    /// Its result is `prefactor · fraction` with `ln prefactor =
    /// ln Γ(p+q) − ln Γ(p) − ln Γ(q) + p ln z + q ln(1−z)`: for large `p + q`
    /// those terms are ~10⁹ and their rounding costs up to 4e−7 relative
    /// (measured at `q ≈ 10⁸`), so the prefactor is replaced by
    /// `z (1−z) f(z)` from the accurate log density.
    fn statrs_tail(&self, z: f64, zc: f64, lower: bool) -> f64 {
        let (p, q) = (self.p, self.q);
        let (v, v_is_lower) = if z < (p + 1.0) / (p + q + 2.0) {
            (beta_reg(p, q, z) * self.prefactor_fix(p, q, z, z, zc), true)
        } else {
            (
                beta_reg(q, p, zc) * self.prefactor_fix(q, p, zc, z, zc),
                false,
            )
        };
        if v_is_lower == lower {
            v
        } else {
            1.0 - v
        }
    }

    /// `exp(accurate − statrs)` for the log prefactor of `beta_reg(a, b, x)`
    /// (the same point as `(z, zc)`); 1 for small parameters, where statrs's
    /// own prefactor is accurate, and whenever the two disagree by more
    /// than rounding explains.
    fn prefactor_fix(&self, a: f64, b: f64, x: f64, z: f64, zc: f64) -> f64 {
        if a + b < PREFACTOR_FIX_MIN {
            return 1.0;
        }
        // The same operations as statrs 0.18 `checked_beta_reg`, hence the
        // same rounding.
        let statrs_ln =
            ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
        let ln_zc = if z <= 0.5 { (-z).ln_1p() } else { zc.ln() };
        let accurate_ln = self.dens.eval(z, zc) + z.ln() + ln_zc;
        let c = accurate_ln - statrs_ln;
        if c.is_finite() && c.abs() < 1e-4 {
            c.exp()
        } else {
            1.0
        }
    }
}

// ---------------------------------------------------------------------------
// Quadrature of 2-vectors (tail probability, density) over [l, r]

/// Gauss–Kronrod 15-point abscissae (descending; odd indices are the
/// 7-point Gauss abscissae) and weights, from QUADPACK's `qk15`.
const GK_X: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
const GK_W: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_18,
    0.140_653_259_715_525_92,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_83,
];
/// 7-point Gauss–Legendre weights for `GK_X[1], GK_X[3], GK_X[5], GK_X[7]`.
const G7_W: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// An integrand: `f(x, x − l, r − x, strip)` for the global interval
/// `[l, r]`; the distances are exact near an end, where singularities sit.
/// With `strip` set, the value is returned divided by the outer density's
/// power-law factor `dist^(γ−1)` at that end (see [`End::Power`]).
trait Integrand {
    fn eval(&mut self, x: f64, dl: f64, dr: f64, strip: Strip) -> [f64; 2];
}

impl<F: FnMut(f64, f64, f64, Strip) -> [f64; 2]> Integrand for F {
    fn eval(&mut self, x: f64, dl: f64, dr: f64, strip: Strip) -> [f64; 2] {
        self(x, dl, dr, strip)
    }
}

/// Which end's power-law factor an integrand leaves out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Strip {
    None,
    Left,
    Right,
}

/// What sits at an end of the integration interval.
#[derive(Clone, Copy, PartialEq, Debug)]
enum End {
    /// Nothing: the integrand is smooth there.
    Smooth,
    /// A kink or an integrable singularity of moderate strength: tanh–sinh.
    Singular,
    /// The outer density behaves like `dist^(γ−1)`, `γ < 1`: the integrand
    /// without that factor is integrated over `y = dist^γ` (tanh–sinh in
    /// `y`). For small `γ` most of the mass lies closer to the end than any
    /// `f64` distance (`P(dist < 1e−300) = 1e−300^γ`); in `y` it is plain.
    Power(f64),
}

fn add(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] + b[0], a[1] + b[1]]
}

/// The global interval and the accuracy asked of each component.
#[derive(Clone, Copy)]
struct Span {
    l: f64,
    r: f64,
    abs: [f64; 2],
}

const GK_REL: f64 = 1e-9;
const TS_REL: f64 = 1e-7;
const GK_MAX_DEPTH: u32 = 8;

/// `∫_l^r f` with panels of about `2.5 · scale`; a panel at a special end
/// uses tanh–sinh (after the power substitution for [`End::Power`]), the
/// others adaptive Gauss–Kronrod.
fn integrate(f: &mut impl Integrand, l: f64, r: f64, ends: [End; 2], scale: f64) -> [f64; 2] {
    let mut n = (((r - l) / (2.5 * scale)).ceil() as usize).clamp(1, 16);
    if ends[0] != End::Smooth && ends[1] != End::Smooth {
        // One end per special panel.
        n = n.max(2);
    }
    let w = (r - l) / n as f64;
    let bounds = |k: usize| -> (f64, f64) {
        let a = l + k as f64 * w;
        let b = if k + 1 == n {
            r
        } else {
            l + (k + 1) as f64 * w
        };
        (a, b)
    };
    let mut span = Span {
        l,
        r,
        abs: [1e-300, 1e-300],
    };
    // First pass: one rule per panel, for the scale of the total.
    let mut first = [([0.0; 2], [0.0; 2]); 16];
    let mut special = [false; 16];
    let mut total = [0.0f64; 2];
    for k in 0..n {
        let (a, b) = bounds(k);
        let end = if k == 0 && ends[0] != End::Smooth {
            Some((ends[0], true))
        } else if k + 1 == n && ends[1] != End::Smooth {
            Some((ends[1], false))
        } else {
            None
        };
        special[k] = end.is_some();
        first[k] = match end {
            Some((End::Power(gamma), left)) => {
                (tanh_sinh_power(f, a, b, span, gamma, left), [0.0; 2])
            }
            Some(_) => (tanh_sinh(f, a, b, span), [0.0; 2]),
            None => gk15(f, a, b, span),
        };
        total[0] += first[k].0[0].abs();
        total[1] += first[k].0[1].abs();
    }
    span.abs = [1e-11 * total[0] + 1e-300, 1e-11 * total[1] + 1e-300];
    let mut sum = [0.0; 2];
    for k in 0..n {
        let (a, b) = bounds(k);
        let part = if special[k] {
            first[k].0
        } else {
            gk_refine(f, a, b, span, first[k], 0)
        };
        sum = add(sum, part);
    }
    sum
}

/// `∫_a^b f` for a panel whose `left` (or right) end is a global end where
/// `f = dist^(γ−1) · R`: `(1/γ) ∫_0^{(b−a)^γ} R(end ± y^(1/γ)) dy`.
fn tanh_sinh_power(
    f: &mut impl Integrand,
    a: f64,
    b: f64,
    span: Span,
    gamma: f64,
    left: bool,
) -> [f64; 2] {
    let width = b - a;
    let (off_l, off_r) = (a - span.l, span.r - b);
    let inv = 1.0 / gamma;
    let y_max = width.powf(gamma);
    let mut g = |y: f64, _dl: f64, _dr: f64, _strip: Strip| -> [f64; 2] {
        // Distance to the singular end; may underflow to 0, where the
        // stripped integrand has its finite limit.
        let dist = y.powf(inv);
        let v = if left {
            f.eval(a + dist, off_l + dist, off_r + (width - dist), Strip::Left)
        } else {
            f.eval(b - dist, off_l + (width - dist), off_r + dist, Strip::Right)
        };
        [v[0] * inv, v[1] * inv]
    };
    let y_span = Span {
        l: 0.0,
        r: y_max,
        abs: span.abs,
    };
    tanh_sinh(&mut g, 0.0, y_max, y_span)
}

/// Kronrod-15 estimate and `|K15 − G7|` on `[a, b]`.
fn gk15(f: &mut impl Integrand, a: f64, b: f64, span: Span) -> ([f64; 2], [f64; 2]) {
    let c = 0.5 * (a + b);
    let hw = 0.5 * (b - a);
    let mut k = [0.0; 2];
    let mut g = [0.0; 2];
    for (i, &xi) in GK_X.iter().enumerate() {
        let mut v = [0.0; 2];
        for sign in [-1.0, 1.0] {
            let x = c + sign * hw * xi;
            let fx = f.eval(x, x - span.l, span.r - x, Strip::None);
            v = add(v, fx);
            if xi == 0.0 {
                break;
            }
        }
        for j in 0..2 {
            k[j] += GK_W[i] * v[j];
            if i % 2 == 1 {
                g[j] += G7_W[i / 2] * v[j];
            }
        }
    }
    let kk = [k[0] * hw, k[1] * hw];
    let err = [(kk[0] - g[0] * hw).abs(), (kk[1] - g[1] * hw).abs()];
    (kk, err)
}

fn gk_refine(
    f: &mut impl Integrand,
    a: f64,
    b: f64,
    span: Span,
    (k, err): ([f64; 2], [f64; 2]),
    depth: u32,
) -> [f64; 2] {
    let ok = (0..2).all(|j| err[j] <= span.abs[j].max(GK_REL * k[j].abs()));
    if ok || depth >= GK_MAX_DEPTH {
        return k;
    }
    let m = 0.5 * (a + b);
    let left = gk15(f, a, m, span);
    let right = gk15(f, m, b, span);
    add(
        gk_refine(f, a, m, span, left, depth + 1),
        gk_refine(f, m, b, span, right, depth + 1),
    )
}

/// Adaptive tanh–sinh on `[a, b]` (a panel of `span`), halving the step
/// until two levels agree.
fn tanh_sinh(f: &mut impl Integrand, a: f64, b: f64, span: Span) -> [f64; 2] {
    let hw = 0.5 * (b - a);
    let (off_l, off_r) = (a - span.l, span.r - b);
    // Sum of weight·f over the two nodes at ±t (one node at t = 0).
    let mut pair = |t: f64| -> [f64; 2] {
        let u = std::f64::consts::FRAC_PI_2 * t.sinh();
        let e = (-2.0 * u).exp();
        let d = hw * 2.0 * e / (1.0 + e); // distance to the nearer end
        let w = hw * std::f64::consts::FRAC_PI_2 * t.cosh() * 4.0 * e / ((1.0 + e) * (1.0 + e));
        if d <= 0.0 || w <= 0.0 {
            return [0.0; 2];
        }
        let far = 2.0 * hw - d;
        let right = f.eval(b - d, off_l + far, off_r + d, Strip::None);
        if t == 0.0 {
            return [w * right[0], w * right[1]];
        }
        let left = f.eval(a + d, off_l + d, off_r + far, Strip::None);
        [w * (right[0] + left[0]), w * (right[1] + left[1])]
    };
    const T_MAX: f64 = 6.5;
    let mut h = 0.5;
    let mut sum = pair(0.0);
    let mut k = 1;
    while k as f64 * h <= T_MAX {
        let v = pair(k as f64 * h);
        sum = add(sum, v);
        if k as f64 * h > 2.0 && negligible(v, sum) {
            break;
        }
        k += 1;
    }
    let mut est = [sum[0] * h, sum[1] * h];
    for _level in 0..7 {
        h *= 0.5;
        let mut k = 1;
        while k as f64 * h <= T_MAX {
            let v = pair(k as f64 * h);
            sum = add(sum, v);
            if k as f64 * h > 2.0 && negligible(v, sum) {
                break;
            }
            k += 2;
        }
        let new = [sum[0] * h, sum[1] * h];
        let done = (0..2).all(|j| (new[j] - est[j]).abs() <= TS_REL * new[j].abs() + span.abs[j]);
        est = new;
        // The error roughly squares with each halving: a change of 1e−7
        // leaves ~1e−14; h = 1/8 is the coarsest step trusted.
        if done && h <= 0.125 {
            break;
        }
    }
    est
}

fn negligible(v: [f64; 2], sum: [f64; 2]) -> bool {
    (0..2).all(|j| v[j].abs() <= 1e-18 * sum[j].abs())
}

// ---------------------------------------------------------------------------
// The posterior of X = p − d

// ---------------------------------------------------------------------------
// The posterior of X = p − d

/// A point strictly inside `(lo, hi) ⊂ [0, 1]`: geometric when the bracket
/// spans orders of magnitude in `τ` or in `1 − τ`, else the midpoint.
fn split(lo: f64, hi: f64) -> f64 {
    let (dlo, dhi) = (1.0 - lo, 1.0 - hi);
    if hi >= 1.0 && dlo < 0.5 {
        1.0 - 0.1 * dlo
    } else if lo <= 0.0 && hi < 0.5 {
        0.1 * hi
    } else if hi > 0.5 && dhi > 0.0 && dlo > 8.0 * dhi {
        1.0 - (dlo * dhi).sqrt()
    } else if lo > 0.0 && lo < 0.5 && hi > 8.0 * lo {
        (lo * hi).sqrt()
    } else {
        0.5 * (lo + hi)
    }
}

struct Model {
    /// `[αd, αpa, αp]`.
    alpha: [f64; 3],
    /// Posterior mean and sd of X.
    mean: f64,
    sd: f64,
    /// Density exponents at ∓1: `f(t) ~ (1 + t)^exp_left` at −1 and
    /// `(1 − t)^exp_right` at +1.
    exp_left: f64,
    exp_right: f64,
    /// `s = d + p`.
    s: BetaDist,
    /// `u = p/s` for X (orientation 0) and `1 − u` for −X (orientation 1).
    u: [BetaDist; 2],
    /// Integrate over `s` (inner `u`) rather than over `u` (inner `s`).
    outer_s: bool,
    /// `P(X ≤ 0)`, `P(X ≥ 0)`.
    p0: [f64; 2],
}

impl Model {
    fn new(alpha: [f64; 3], mean: f64, sd: f64) -> Model {
        let [ad, apa, ap] = alpha;
        let s = BetaDist::new(ad + ap, apa);
        let u = [BetaDist::new(ap, ad), BetaDist::new(ad, ap)];
        // Variance of X from s at fixed u, and from u at fixed s.
        let e2u = 4.0 * u[0].sd * u[0].sd + (u[0].m - u[0].mc).powi(2);
        let v_s = e2u * s.sd * s.sd;
        let v_u = 4.0 * (s.sd * s.sd + s.m * s.m) * u[0].sd * u[0].sd;
        let p0 = [u[0].cdf(0.5, 0.5), u[1].cdf(0.5, 0.5)];
        Model {
            alpha,
            mean,
            sd,
            exp_left: ap + apa - 1.0,
            exp_right: ad + apa - 1.0,
            outer_s: v_s <= v_u,
            s,
            u,
            p0,
        }
    }

    /// `[P(Y ≤ −τ), density of Y at −τ]` for `Y = X` (o = 0) or `Y = −X`
    /// (o = 1), `0 < τ < 1`.
    fn tail(&self, o: usize, tau: f64) -> [f64; 2] {
        self.tail_with(o, tau, self.outer_s)
    }

    fn tail_with(&self, o: usize, tau: f64, outer_s: bool) -> [f64; 2] {
        let u = &self.u[o];
        let s = &self.s;
        if outer_s {
            let (l, r) = (tau.max(s.lo), s.hi);
            if l >= r {
                return [0.0; 2];
            }
            let kink = l == tau;
            // Integrate over w = s, or over w = 1 − s when the mass of s sits
            // near 1 (w is then the variable known to full precision).
            let flip = s.flip;
            let (wl, wr) = if flip { (1.0 - r, 1.0 - l) } else { (l, r) };
            let one_m_tau = 1.0 - tau;
            // Power-law ends: s = 1 (outer density, exponent B − 1) and the
            // kink (inner density f_u(v) ~ v^(a−1) with v = (s − τ)/2s).
            let gamma_kink = u.a;
            let kink_side = if flip { Strip::Right } else { Strip::Left };
            let mut g = |w: f64, dl: f64, dr: f64, strip: Strip| -> [f64; 2] {
                // s, 1 − s and s − τ, each exact where it matters.
                let (sv, svc, sm) = if flip {
                    let svc = if wl == 0.0 { dl } else { w };
                    (1.0 - w, svc, if kink { dr } else { one_m_tau - w })
                } else {
                    let svc = if wr == 1.0 { dr } else { 1.0 - w };
                    (w, svc, if kink { dl } else { w - tau })
                };
                let at_one = strip != Strip::None && strip != kink_side;
                let fs = if at_one {
                    s.pdf_stripped(sv, svc, false)
                } else {
                    s.pdf(sv, svc)
                };
                if fs == 0.0 {
                    return [0.0; 2];
                }
                let two_s = 2.0 * sv;
                let (v, vc) = (sm / two_s, (sv + tau) / two_s);
                if strip == kink_side {
                    // Both parts divided by sm^(γ−1), γ = a: f_u(v) =
                    // stripped · sm^(γ−1) · (2s)^(1−γ).
                    let rest = 1.0 - gamma_kink;
                    return [
                        fs * u.cdf(v, vc) * (rest * sm.ln()).exp(),
                        fs * u.pdf_stripped(v, vc, true) * (rest * two_s.ln()).exp() / two_s,
                    ];
                }
                [fs * u.cdf(v, vc), fs * u.pdf(v, vc) / two_s]
            };
            let kink_end = match (kink, gamma_kink < 1.0) {
                (false, _) => End::Smooth,
                (true, true) => End::Power(gamma_kink),
                (true, false) => End::Singular,
            };
            let ends = if flip {
                let at_one = if wl == 0.0 { s.end(false) } else { End::Smooth };
                [at_one, kink_end]
            } else {
                let at_one = if wr == 1.0 { s.end(false) } else { End::Smooth };
                // wl == 0 only at τ = 0 (the density at zero).
                let left = if wl == 0.0 { End::Singular } else { kink_end };
                [left, at_one]
            };
            integrate(&mut g, wl, wr, ends, s.sd)
        } else {
            let end = 0.5 * (1.0 - tau);
            let (l, r) = (u.lo, u.hi.min(end));
            if l >= r {
                return [0.0; 2];
            }
            let kink = r == end;
            // Power-law ends: u = 0 (outer density, exponent a − 1, left) and
            // the kink (inner density f_s(y) ~ (1 − y)^(B−1) with
            // 1 − y = 2 (end − u)/(1 − 2u), right).
            let gamma_kink = s.b;
            let mut g = |x: f64, _dl: f64, dr: f64, strip: Strip| -> [f64; 2] {
                let fu = if strip == Strip::Left {
                    u.pdf_stripped(x, 1.0 - x, true)
                } else {
                    u.pdf(x, 1.0 - x)
                };
                if fu == 0.0 {
                    return [0.0; 2];
                }
                let one_m2u = 1.0 - 2.0 * x;
                let y = tau / one_m2u;
                let yc = if kink {
                    2.0 * dr / one_m2u
                } else {
                    (1.0 - tau - 2.0 * x) / one_m2u
                };
                if strip == Strip::Right {
                    // Both parts divided by dr^(γ−1), γ = B.
                    let rest = 1.0 - gamma_kink;
                    return [
                        fu * s.sf(y, yc) * (rest * dr.ln()).exp(),
                        fu * s.pdf_stripped(y, yc, false) * (-rest * (2.0 / one_m2u).ln()).exp()
                            / one_m2u,
                    ];
                }
                [fu * s.sf(y, yc), fu * s.pdf(y, yc) / one_m2u]
            };
            let at_zero = if l == 0.0 { u.end(true) } else { End::Smooth };
            let kink_end = match (kink, gamma_kink < 1.0) {
                (false, _) => End::Smooth,
                (true, true) => End::Power(gamma_kink),
                (true, false) => End::Singular,
            };
            integrate(&mut g, l, r, [at_zero, kink_end], u.sd)
        }
    }

    /// CDF of X.
    #[cfg(test)]
    fn cdf(&self, t: f64) -> f64 {
        if t <= -1.0 {
            0.0
        } else if t >= 1.0 {
            1.0
        } else {
            self.below(t)[0]
        }
    }

    /// Density of X.
    fn density(&self, t: f64) -> f64 {
        if t < 0.0 {
            self.tail(0, -t)[1]
        } else if t > 0.0 {
            self.tail(1, t)[1]
        } else {
            // At 0 only the s-outer form is defined.
            self.tail_with(0, 0.0, true)[1]
        }
    }

    /// `[P(X ≤ t), f(t)]`.
    fn below(&self, t: f64) -> [f64; 2] {
        if t < 0.0 {
            self.tail(0, -t)
        } else if t > 0.0 {
            let [p, f] = self.tail(1, t);
            [1.0 - p, f]
        } else {
            [self.p0[0], self.density(0.0)]
        }
    }

    /// `[P(X ≥ t), f(t)]`.
    fn above(&self, t: f64) -> [f64; 2] {
        if t > 0.0 {
            self.tail(1, t)
        } else if t < 0.0 {
            let [p, f] = self.tail(0, -t);
            [1.0 - p, f]
        } else {
            [self.p0[1], self.density(0.0)]
        }
    }

    /// Solves `P(Y ≤ −τ) = q` for `τ` (orientation `o`, `0 < q < P(Y ≤ 0)`),
    /// starting at `guess`; returns `τ` and the density there.
    fn solve_tail(&self, o: usize, q: f64, guess: f64) -> Result<(f64, f64)> {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        let y_mean = if o == 0 { self.mean } else { -self.mean };
        let mut tau = if guess > 0.0 && guess < 1.0 {
            guess
        } else if guess >= 1.0 && y_mean > -1.0 {
            // The normal guess left the support: start between −1 and the mean.
            1.0 - 0.5 * (1.0 + y_mean)
        } else if guess < 0.0 && guess > -self.sd {
            // A guess just across zero (bounds near 0 switch sides).
            -guess
        } else {
            0.5 * self.sd.min(1.0)
        };
        let ln_q = q.ln();
        for _ in 0..MAX_ITER {
            let [p, f] = self.tail(o, tau);
            if p > q {
                lo = tau;
            } else {
                hi = tau;
            }
            if (p - q).abs() <= 1e-12 * q {
                return Ok((tau, f));
            }
            // Newton on ln P(τ) − ln q; P decreases, so the step is + P/f.
            let newton = if p > 0.0 && f > 0.0 && f.is_finite() {
                tau + (p.ln() - ln_q) * p / f
            } else {
                f64::NAN
            };
            // Below 1e−11 of the local scale (the sd, or the distance to ∓1
            // for mass squeezed against it), or a few ulps, a step is noise.
            let tol = 1e-11 * self.sd.min(1.0 - lo) + 4.0 * f64::EPSILON * tau;
            if (newton - tau).abs() <= tol {
                // Take the last step unless it rounded onto or past the
                // bracket's end.
                let last = if newton > lo && newton < hi {
                    newton
                } else {
                    tau
                };
                return Ok((last, f));
            }
            let next = if newton > lo && newton < hi {
                newton
            } else {
                split(lo, hi)
            };
            if (next - tau).abs() <= tol || hi - lo <= tol {
                return Ok((next, f));
            }
            tau = next;
        }
        Err(Error::Numerical {
            what: "Bayesian interval: quantile search did not converge",
        })
    }

    /// The `t` with `P(X ≤ t) = mass` (`lower`) or `P(X ≥ t) = mass`, and the
    /// density there; `guess` is a starting value for `t`.
    fn bound(&self, mass: f64, lower: bool, guess: f64) -> Result<(f64, f64)> {
        // Orientation 0 solves on the negative side (t = −τ), 1 on the
        // positive side (t = τ), each for the smaller tail.
        let (o, q) = match (lower, mass < self.p0[if lower { 0 } else { 1 }]) {
            (true, true) => (0, mass),
            (true, false) => (1, 1.0 - mass),
            (false, true) => (1, mass),
            (false, false) => (0, 1.0 - mass),
        };
        if q >= self.p0[o] || q <= 0.0 {
            // At (or, by rounding, just past) zero.
            return Ok((0.0, self.density(0.0)));
        }
        let sign = if o == 0 { -1.0 } else { 1.0 };
        let (tau, f) = self.solve_tail(o, q, sign * guess)?;
        Ok((sign * tau, f))
    }

    /// `sd · z` for the normal quantile with upper-tail mass `mass`.
    fn normal_guess(&self, mass: f64) -> f64 {
        self.sd * Normal::standard().inverse_cdf(1.0 - mass)
    }

    fn equal_tailed(&self, tails: f64) -> Result<(f64, f64)> {
        let half = 0.5 * tails;
        let dz = self.normal_guess(half);
        let (low, _) = self.bound(half, true, self.mean - dz)?;
        let (high, _) = self.bound(half, false, self.mean + dz)?;
        Ok((low, high))
    }

    /// `g(a) = ln f(low) − ln f(high)` for the bounds with lower-tail mass
    /// `a` and upper-tail mass `tails − a`, and those bounds. The width's
    /// derivative in `a` is `1/f(high) − 1/f(low)`, which has the sign of
    /// `g`; `g` increases with `a` when the density is unimodal. `last`
    /// holds the previous bounds, used as starting values.
    fn hpd_g(&self, a: f64, tails: f64, last: &mut (f64, f64)) -> Result<(f64, f64, f64)> {
        let (l, fl) = self.bound(a, true, last.0)?;
        let (h, fh) = self.bound(tails - a, false, last.1)?;
        *last = (l, h);
        Ok((fl.ln() - fh.ln(), l, h))
    }

    fn hpd(&self, tails: f64) -> Result<(f64, f64)> {
        let dz = self.normal_guess(0.5 * tails);
        let lower = self.bound(0.5 * tails, true, self.mean - dz)?;
        let upper = self.bound(0.5 * tails, false, self.mean + dz)?;
        let interior = self.hpd_newton(tails, lower, upper);
        if self.alpha.iter().all(|&a| a >= 1.0) {
            // The Dirichlet density is log-concave, hence so is the density
            // of X (Prékopa): one mode, and f(±1) = 0.
            return match interior {
                Some(lh) => Ok(lh),
                None => self.hpd_bracketed(tails, f64::NEG_INFINITY, f64::INFINITY),
            };
        }
        // Some α < 1: the density may be highest at −1 or +1 (exponent ≤ 0
        // there), very steep, or have several modes (at ±1 and near 0). Take
        // the shortest of the equal-tailed interval, the anchored ones and
        // the interior optimum (Newton, else bracketed when f(±1) = 0).
        let mut best = (lower.0, upper.0);
        let mut consider = |c: (f64, f64)| {
            if c.1 - c.0 < best.1 - best.0 {
                best = c;
            }
        };
        if self.exp_left <= 0.0 {
            consider(self.anchored(tails, true)?);
        }
        if self.exp_right <= 0.0 {
            consider(self.anchored(tails, false)?);
        }
        match interior {
            Some(lh) => consider(lh),
            None if self.exp_left > 0.0 && self.exp_right > 0.0 => {
                consider(self.hpd_bracketed(tails, f64::NEG_INFINITY, f64::INFINITY)?)
            }
            None => {}
        }
        Ok(best)
    }

    /// The interval from −1 (`left`) or to +1 with mass `1 − tails`.
    fn anchored(&self, tails: f64, left: bool) -> Result<(f64, f64)> {
        let dz = self.normal_guess(tails);
        if left {
            Ok((-1.0, self.bound(tails, false, self.mean + dz)?.0))
        } else {
            Ok((self.bound(tails, true, self.mean - dz)?.0, 1.0))
        }
    }

    /// Newton's method on `P(X ≤ l) + P(X ≥ h) = tails`, `ln f(l) = ln f(h)`
    /// from the equal-tailed bounds (with their densities), the slopes of
    /// `ln f` from a first difference and then from secants. `None` when it
    /// leaves the support or does not converge.
    fn hpd_newton(
        &self,
        tails: f64,
        (mut l, mut fl): (f64, f64),
        (mut h, mut fh): (f64, f64),
    ) -> Option<(f64, f64)> {
        let (mut pl, mut ph) = (0.5 * tails, 0.5 * tails);
        let d = 1e-3 * self.sd;
        if l + d >= h - d {
            return None;
        }
        let mut sl = (self.below(l + d)[1].ln() - fl.ln()) / d;
        let mut sh = (fh.ln() - self.above(h - d)[1].ln()) / d;
        // Below 1e−10 of the local scale (the sd, or the distance to ∓1), or
        // a few ulps, a step is quadrature noise.
        let small = |step: f64, at: f64| {
            step.abs() <= 1e-10 * self.sd.min(1.0 - at.abs()) + 4.0 * f64::EPSILON * at.abs()
        };
        // Steps cut short by the support three times running: the optimum
        // is at an end (or absent), not inside.
        let mut cut_short = 0;
        for _ in 0..30 {
            if !(fl > 0.0 && fh > 0.0 && fl.is_finite() && fh.is_finite()) {
                return None;
            }
            let e1 = pl + ph - tails;
            let e2 = fl.ln() - fh.ln();
            // Jacobian [[f(l), −f(h)], [sl, −sh]] (Cramer's rule).
            let det = fh * sl - fl * sh;
            let mut dl = (e1 * sh - fh * e2) / det;
            let mut dh = (sl * e1 - fl * e2) / det;
            if !(dl.is_finite() && dh.is_finite()) {
                return None;
            }
            if (small(dl, l) && small(dh, h)) || (e1.abs() <= 1e-12 * tails && e2.abs() <= 1e-9) {
                return Some((l + dl, h + dh));
            }
            let mut halvings = 0;
            while !(l + dl > -1.0 && l + dl < h + dh && h + dh < 1.0) {
                dl *= 0.5;
                dh *= 0.5;
                halvings += 1;
                if halvings > 40 {
                    return None;
                }
            }
            cut_short = if halvings > 0 { cut_short + 1 } else { 0 };
            if cut_short >= 3 {
                return None;
            }
            let [pl2, fl2] = self.below(l + dl);
            let [ph2, fh2] = self.above(h + dh);
            // Secant slopes, while the steps are long enough to be reliable.
            if dl.abs() > 1e-5 * self.sd && fl2 > 0.0 {
                sl = (fl2.ln() - fl.ln()) / dl;
            }
            if dh.abs() > 1e-5 * self.sd && fh2 > 0.0 {
                sh = (fh2.ln() - fh.ln()) / dh;
            }
            (l, h, pl, ph, fl, fh) = (l + dl, h + dh, pl2, ph2, fl2, fh2);
        }
        None
    }

    /// Root of `g(a)` (see [`Model::hpd_g`]) on `(0, tails)`; `g_lo < 0 <
    /// g_hi` are the values at the ends.
    fn hpd_bracketed(&self, tails: f64, g_lo: f64, g_hi: f64) -> Result<(f64, f64)> {
        let dz = self.normal_guess(0.5 * tails);
        let mut last = (self.mean - dz, self.mean + dz);
        self.hpd_root(tails, (0.0, g_lo), (tails, g_hi), &mut last)
    }

    /// Root of `g(a)` between `a0` and `a1` (`g0 < 0 < g1`, either may be
    /// infinite) by Illinois regula falsi, bisecting while an end value is
    /// infinite; returns the bounds there.
    fn hpd_root(
        &self,
        tails: f64,
        (mut a0, mut g0): (f64, f64),
        (mut a1, mut g1): (f64, f64),
        last: &mut (f64, f64),
    ) -> Result<(f64, f64)> {
        let mut a = 0.5 * (a0 + a1);
        let mut side = 0i8;
        let mut prev = (f64::NAN, f64::NAN);
        // Bounds that no longer move (e.g. g jumps over 0 where the density
        // is discontinuous, at t = 0 when αd or αp is tiny) are the answer.
        let settled = |now: f64, before: f64| {
            (now - before).abs() <= 1e-11 * self.sd + 4.0 * f64::EPSILON * now.abs()
        };
        for _ in 0..MAX_ITER {
            let (g, l, h) = self.hpd_g(a, tails, last)?;
            if g == 0.0
                || (a1 - a0) <= 1e-15 * tails
                || g.abs() <= 1e-11
                || (settled(l, prev.0) && settled(h, prev.1))
            {
                return Ok((l, h));
            }
            prev = (l, h);
            if g < 0.0 {
                (a0, g0) = (a, g);
                if side == -1 {
                    g1 *= 0.5;
                }
                side = -1;
            } else {
                (a1, g1) = (a, g);
                if side == 1 {
                    g0 *= 0.5;
                }
                side = 1;
            }
            a = if g0.is_finite() && g1.is_finite() {
                (a0 * g1 - a1 * g0) / (g1 - g0)
            } else {
                0.5 * (a0 + a1)
            };
            if !(a > a0 && a < a1) {
                a = 0.5 * (a0 + a1);
            }
        }
        Err(Error::Numerical {
            what: "Bayesian HPD interval did not converge",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn eff(d: f64, pa: f64, p: f64) -> Effective {
        Effective {
            detractors: d,
            passives: pa,
            promoters: p,
        }
    }

    fn run(counts: [f64; 3], prior: [f64; 3], credible: Credible, conf: f64) -> (f64, f64, f64) {
        let b = Bayes { prior, credible };
        interval(&eff(counts[0], counts[1], counts[2]), &b, conf).unwrap()
    }

    fn model(alpha: [f64; 3]) -> Model {
        // The model only needs the mean and sd for starting values and
        // tolerances; take them from the closed form.
        let (mean, sd) = posterior_mean_sd(&eff(0.0, 0.0, 0.0), alpha);
        Model::new(alpha, mean, sd)
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn posterior_mean_and_sd_by_hand() {
        // Counts (D, Pa, P) = (2, 1, 3), prior (1, 1, 1): α = (3, 2, 4), α0 = 9.
        //   E   = (4 − 3)/9 = 1/9
        //   Var = [4·(9−4) + 3·(9−3) + 2·4·3] / (9²·10) = (20 + 18 + 24)/810 = 31/405
        let (mean, sd) = posterior_mean_sd(&eff(2.0, 1.0, 3.0), [1.0, 1.0, 1.0]);
        assert!(close(mean, 1.0 / 9.0, 1e-15), "{mean}");
        assert!(close(sd, (31.0f64 / 405.0).sqrt(), 1e-15), "{sd}");
        // Counts (10, 20, 30), prior (0.5, 0.5, 0.5): α = (10.5, 20.5, 30.5), α0 = 61.5.
        //   E   = 20/61.5
        //   Var = [30.5·31 + 10.5·51 + 2·30.5·10.5] / (61.5²·62.5)
        //       = (945.5 + 535.5 + 640.5)/(3782.25·62.5) = 2121.5/236390.625
        let (mean, sd) = posterior_mean_sd(&eff(10.0, 20.0, 30.0), [0.5; 3]);
        assert!(close(mean, 20.0 / 61.5, 1e-15), "{mean}");
        assert!(close(sd, (2121.5f64 / 236_390.625).sqrt(), 1e-15), "{sd}");
        // The interval reports the same centre.
        let (_, _, c) = run([2.0, 1.0, 3.0], [1.0; 3], Credible::EqualTailed, 0.95);
        assert!(close(c, 1.0 / 9.0, 1e-15));
    }

    /// Dirichlet(1, 1, 1) is uniform on the simplex with density 2. For
    /// t ≥ 0, X = p − d = t runs over d ∈ [0, (1−t)/2] (p = d + t, d + p ≤ 1),
    /// so f(t) = 2·(1−t)/2 = 1 − t; by symmetry f(t) = 1 − |t| and
    /// F(t) = (1 + t)²/2 for t ≤ 0. The 2.5 % quantile solves
    /// (1 + t)²/2 = 0.025: t = √0.05 − 1. The density is symmetric and
    /// unimodal, so the HPD interval is the equal-tailed one.
    #[test]
    fn uniform_prior_without_data_is_triangular() {
        let h = 1.0 - 0.05f64.sqrt();
        for credible in [Credible::EqualTailed, Credible::Hpd] {
            let (lo, hi, c) = run([0.0; 3], [1.0; 3], credible, 0.95);
            assert!(close(lo, -h, 1e-12), "{credible:?} {lo}");
            assert!(close(hi, h, 1e-12), "{credible:?} {hi}");
            assert_eq!(c, 0.0);
        }
        let m = model([1.0; 3]);
        for t in [-0.99, -0.7, -0.3, -1e-3, 1e-3, 0.25, 0.6, 0.95] {
            let f = if t < 0.0 {
                (1.0 + t) * (1.0 + t) / 2.0
            } else {
                1.0 - (1.0 - t) * (1.0 - t) / 2.0
            };
            assert!(close(m.cdf(t), f, 1e-14), "F({t}) = {}", m.cdf(t));
            assert!(close(m.density(t), 1.0 - t.abs(), 1e-13), "f({t})");
        }
        assert!(close(m.cdf(0.0), 0.5, 1e-15));
        assert!(close(m.density(0.0), 1.0, 1e-12));
    }

    /// α = (αd, αpa, αp) = (1, 1, 2): density 6p on the simplex. With p = d + t,
    ///   t ≥ 0: f(t) = ∫_0^{(1−t)/2} 6(d + t) dd = (3/4)(1 − t)(1 + 3t),
    ///   t < 0: f(t) = ∫_{−t}^{(1−t)/2} 6(d + t) dd = (3/4)(1 + t)²,
    /// so F(t) = (1 + t)³/4 for t ≤ 0 and 1/4 + (3/4)(t + t² − t³) for t ≥ 0
    /// (the pieces integrate to 1/4 and 3/4). The mode is at t = 1/3.
    #[test]
    fn dirichlet_1_1_2_closed_form() {
        let f = |t: f64| {
            if t < 0.0 {
                0.75 * (1.0 + t) * (1.0 + t)
            } else {
                0.75 * (1.0 - t) * (1.0 + 3.0 * t)
            }
        };
        let cdf = |t: f64| {
            if t < 0.0 {
                (1.0 + t).powi(3) / 4.0
            } else {
                0.25 + 0.75 * (t + t * t - t * t * t)
            }
        };
        // Bisection on an increasing function.
        let solve = |g: &dyn Fn(f64) -> f64, mut a: f64, mut b: f64| {
            for _ in 0..200 {
                let m = 0.5 * (a + b);
                if g(m) < 0.0 {
                    a = m;
                } else {
                    b = m;
                }
            }
            0.5 * (a + b)
        };
        let m = model([1.0, 1.0, 2.0]);
        for t in [-0.8, -0.2, 0.1, 1.0 / 3.0, 0.7, 0.99] {
            assert!(close(m.cdf(t), cdf(t), 1e-14), "F({t})");
            assert!(close(m.density(t), f(t), 1e-13), "f({t})");
        }

        // Counts (0, 0, 1) with the default prior give this posterior.
        let (lo, hi, c) = run([0.0, 0.0, 1.0], [1.0; 3], Credible::EqualTailed, 0.95);
        assert!(close(c, 0.25, 1e-15));
        assert!(close(lo, 0.1f64.cbrt() - 1.0, 1e-12), "{lo}");
        let hi_ref = solve(&|t| cdf(t) - 0.975, 0.0, 1.0);
        assert!(close(hi, hi_ref, 1e-12), "{hi} vs {hi_ref}");

        // HPD: for l ∈ (−1, 1/3) take h ∈ (1/3, 1) with f(h) = f(l); the mass
        // F(h) − F(l) decreases in l; solve it for 0.95.
        let h_of = |l: f64| solve(&|h| f(l) - f(h), 1.0 / 3.0, 1.0);
        let l_ref = solve(&|l| 0.95 - (cdf(h_of(l)) - cdf(l)), -1.0, 1.0 / 3.0);
        let h_ref = h_of(l_ref);
        let (lo, hi, _) = run([0.0, 0.0, 1.0], [1.0; 3], Credible::Hpd, 0.95);
        assert!(close(lo, l_ref, 1e-11), "{lo} vs {l_ref}");
        assert!(close(hi, h_ref, 1e-11), "{hi} vs {h_ref}");
    }

    /// 5-point Gauss–Legendre on [a, b]: exact for polynomials of degree ≤ 9.
    fn gauss5(a: f64, b: f64, f: impl Fn(f64) -> f64) -> f64 {
        const X: [f64; 5] = [
            -0.906_179_845_938_664,
            -0.538_469_310_105_683_1,
            0.0,
            0.538_469_310_105_683_1,
            0.906_179_845_938_664,
        ];
        const W: [f64; 5] = [
            0.236_926_885_056_189_1,
            0.478_628_670_499_366_5,
            0.568_888_888_888_888_9,
            0.478_628_670_499_366_5,
            0.236_926_885_056_189_1,
        ];
        let (c, h) = (0.5 * (a + b), 0.5 * (b - a));
        X.iter().zip(W).map(|(x, w)| w * f(c + h * x)).sum::<f64>() * h
    }

    /// F(t) for α = (3, 2, 4) straight from the Dirichlet density
    /// c·d²·pa·p³ (c = Γ(9)/(Γ(3)Γ(2)Γ(4)) = 40320/12 = 3360) in (d, p)
    /// coordinates: F(t) = ∫ dd ∫_0^U c d² (1 − d − p) p³ dp with
    /// U = min(1 − d, d + t); the inner integral is
    /// (1 − d)U⁴/4 − U⁵/5, and the outer integrand is a polynomial of
    /// degree 7 between the kinks d = −t and d = (1 − t)/2.
    fn f_342_direct(t: f64) -> f64 {
        let inner = |d: f64| {
            let u = (1.0 - d).min(d + t);
            if u <= 0.0 {
                0.0
            } else {
                3360.0 * d * d * ((1.0 - d) * u.powi(4) / 4.0 - u.powi(5) / 5.0)
            }
        };
        let mut cuts = vec![0.0, 1.0, (1.0 - t) / 2.0];
        if t < 0.0 {
            cuts.push(-t);
        }
        cuts.retain(|&c| (0.0..=1.0).contains(&c));
        cuts.sort_by(f64::total_cmp);
        cuts.windows(2).map(|w| gauss5(w[0], w[1], inner)).sum()
    }

    #[test]
    fn integer_dirichlet_matches_direct_two_dimensional_integral() {
        let m = model([3.0, 2.0, 4.0]);
        for t in [-0.6, -0.3, -0.05, 0.0, 0.1, 0.35, 0.7, 0.95] {
            let direct = f_342_direct(t);
            assert!(
                close(m.cdf(t), direct, 1e-13),
                "F({t}) = {} vs {direct}",
                m.cdf(t)
            );
        }
        // Counts (2, 1, 3) with the default prior: the bounds carry the
        // tail masses according to the direct integral.
        for conf in [0.8, 0.95, 0.99] {
            let (lo, hi, _) = run([2.0, 1.0, 3.0], [1.0; 3], Credible::EqualTailed, conf);
            let tail = (1.0 - conf) / 2.0;
            assert!(close(f_342_direct(lo), tail, 1e-12), "{conf}: F(lo)");
            assert!(
                close(1.0 - f_342_direct(hi), tail, 1e-12),
                "{conf}: 1 − F(hi)"
            );
            let (hlo, hhi, _) = run([2.0, 1.0, 3.0], [1.0; 3], Credible::Hpd, conf);
            let mass = f_342_direct(hhi) - f_342_direct(hlo);
            assert!(close(mass, conf, 1e-11), "{conf}: HPD mass {mass}");
            assert!(hhi - hlo < hi - lo);
        }
    }

    /// Reference bounds from mpmath 1.3 at 40 digits: the tails
    /// P(X ≤ −τ) = ∫_τ^1 f_s(s) I_{(s−τ)/2s}(αp, αd) ds (and the density with
    /// the Beta density in place of `betainc`) by `mp.quad` after
    /// substitutions that remove the end singularities, the bounds by
    /// `mp.findroot` (for HPD on {F(h) − F(l) = c, ln f(l) = ln f(h)}).
    #[test]
    fn non_integer_posteriors_match_mpmath() {
        struct Case {
            counts: [f64; 3],
            prior: [f64; 3],
            conf: f64,
            et: (f64, f64),
            hpd: (f64, f64),
        }
        let cases = [
            // α = (0.3, 0.3, 10.3): density infinite at +1, HPD anchored there.
            Case {
                counts: [0.0, 0.0, 10.0],
                prior: [0.3; 3],
                conf: 0.95,
                et: (0.621_480_711_520_487, 0.999_751_713_207_499_1),
                hpd: (0.704_152_369_489_014_4, 1.0),
            },
            // α = (7.5, 2.5, 11.5).
            Case {
                counts: [7.0, 2.0, 11.0],
                prior: [0.5; 3],
                conf: 0.9,
                et: (-0.143_217_732_542_305_8, 0.496_782_570_852_415_06),
                hpd: (-0.131_587_684_764_112_73, 0.507_373_003_749_753_9),
            },
            // α = (40.5, 25.5, 60.5): u from the integrated-density table.
            Case {
                counts: [40.0, 25.0, 60.0],
                prior: [0.5; 3],
                conf: 0.95,
                et: (0.003_596_068_112_701_497_4, 0.308_505_239_110_533_85),
                hpd: (0.005_068_642_326_637_503_4, 0.309_924_961_949_191_95),
            },
            // α = (1.5, 2000.5, 3.5): s from statrs below and a table above.
            Case {
                counts: [1.0, 2000.0, 3.0],
                prior: [0.5; 3],
                conf: 0.95,
                et: (-0.001_082_772_116_019_341_6, 0.003_422_322_925_233_547),
                hpd: (-0.001_149_847_794_522_243_2, 0.003_347_506_782_598_962_7),
            },
        ];
        for Case {
            counts,
            prior,
            conf,
            et,
            hpd,
        } in cases
        {
            let (lo, hi, _) = run(counts, prior, Credible::EqualTailed, conf);
            assert!(close(lo, et.0, 1e-12), "{counts:?} ET low {lo} vs {}", et.0);
            assert!(
                close(hi, et.1, 1e-12),
                "{counts:?} ET high {hi} vs {}",
                et.1
            );
            let (lo, hi, _) = run(counts, prior, Credible::Hpd, conf);
            assert!(
                close(lo, hpd.0, 1e-11),
                "{counts:?} HPD low {lo} vs {}",
                hpd.0
            );
            assert!(
                close(hi, hpd.1, 1e-11),
                "{counts:?} HPD high {hi} vs {}",
                hpd.1
            );
        }
    }

    /// Priors far below 1 on empty categories: most of the mass sits
    /// closer to a vertex than any f64 distance (P(d < 1e−300) = 0.5 for
    /// αd = 0.001), handled by the power substitution. References from
    /// mpmath as in `non_integer_posteriors_match_mpmath`.
    #[test]
    fn tiny_priors_match_mpmath() {
        // α = (0.001, 0.001, 1.001).
        let (lo, hi, _) = run([0.0, 0.0, 1.0], [1e-3; 3], Credible::EqualTailed, 0.95);
        assert!(close(lo, 0.999_995_511_409_094_8, 1e-15), "{lo}");
        assert_eq!(hi, 1.0);
        // α = (0.01, 3.01, 0.01): symmetric, density infinite at 0.
        for credible in [Credible::EqualTailed, Credible::Hpd] {
            let (lo, hi, _) = run([0.0, 3.0, 0.0], [0.01; 3], credible, 0.95);
            assert!(
                close(hi, 0.017_538_417_410_372_244, 1e-15),
                "{credible:?} {hi}"
            );
            assert!(close(lo, -hi, 1e-15), "{credible:?} {lo}");
        }
        // α = (2.02, 0.02, 3.02).
        let (lo, hi, _) = run([2.0, 0.0, 3.0], [0.02; 3], Credible::EqualTailed, 0.95);
        assert!(close(lo, -0.608_375_196_709_408_9, 1e-14), "{lo}");
        assert!(close(hi, 0.860_487_617_428_494, 1e-14), "{hi}");
        let (lo, hi, _) = run([2.0, 0.0, 3.0], [0.02; 3], Credible::Hpd, 0.95);
        assert!(close(lo, -0.543_273_608_678_603_1, 1e-13), "{lo}");
        assert!(close(hi, 0.907_078_687_698_808_6, 1e-13), "{hi}");
    }

    #[test]
    fn hpd_reaches_plus_one_when_the_density_is_highest_there() {
        // α = (0.3, 0.3, 10.3): f(t) ~ (1 − t)^(0.3 + 0.3 − 1) → ∞ at +1.
        let (lo, hi, _) = run([0.0, 0.0, 10.0], [0.3; 3], Credible::Hpd, 0.95);
        assert_eq!(hi, 1.0);
        assert!(lo > 0.6 && lo < 0.8);
        // α = (0.5, 0.5, 10.5): exponent 0, f rises to a finite value at +1.
        let (lo, hi, _) = run([0.0, 0.0, 10.0], [0.5; 3], Credible::Hpd, 0.95);
        assert_eq!(hi, 1.0);
        let m = model([0.5, 0.5, 10.5]);
        assert!(m.density(0.999) < m.density(0.999_999));
        assert!(close(m.cdf(lo), 0.05, 1e-12));
        // Mirror image: all detractors.
        let (lo, hi, _) = run([10.0, 0.0, 0.0], [0.5; 3], Credible::Hpd, 0.95);
        assert_eq!(lo, -1.0);
        assert!(close(m.cdf(-hi), 0.05, 1e-12));
    }

    /// At n = 10⁷ the posterior is normal up to a skewness of order 1e−3;
    /// the bounds must agree with mean ± z·sd to 1e−4 of the width.
    #[test]
    fn large_samples_agree_with_the_normal_approximation() {
        for counts in [[2e6, 3e6, 5e6], [1.5e7, 5e5, 2e7]] {
            let (mean, sd) = posterior_mean_sd(&eff(counts[0], counts[1], counts[2]), [1.0; 3]);
            let z = 1.959_963_984_540_054;
            for credible in [Credible::EqualTailed, Credible::Hpd] {
                let (lo, hi, c) = run(counts, [1.0; 3], credible, 0.95);
                let width = hi - lo;
                assert_eq!(c, mean);
                assert!(
                    close(lo, mean - z * sd, 1e-4 * width),
                    "{counts:?} {credible:?} {lo}"
                );
                assert!(
                    close(hi, mean + z * sd, 1e-4 * width),
                    "{counts:?} {credible:?} {hi}"
                );
            }
        }
        // n = 10⁸, all in one category: the interval hugs +1.
        let (lo, hi, _) = run([0.0, 0.0, 1e8], [1.0; 3], Credible::EqualTailed, 0.95);
        assert!(lo > 1.0 - 1e-7 && lo < hi && hi < 1.0, "{lo} {hi}");
    }

    /// The two formulations (outer s with inner u, outer u with inner s)
    /// use different inner distributions, tables and statrs calls.
    #[test]
    fn both_integration_orders_agree() {
        let alphas = [
            [1.0, 1.0, 1.0],
            [3.0, 2.0, 4.0],
            [0.5, 3.0, 0.7],
            [60.0, 1.5, 45.0],
            [300.0, 1e5, 2000.0],
            [2e6 + 1.0, 3e6 + 1.0, 5e6 + 1.0],
            [1e4 + 1.0, 5e7 + 1.0, 5e7 + 1.0],
            [1e8 + 1.0, 1.0, 1.0],
            [0.5, 0.5, 1e8],
            [5e7, 0.5, 5e7],
        ];
        for alpha in alphas {
            let m = model(alpha);
            for z in [-3.0, -1.0, 0.5, 2.0, 4.0] {
                let t = m.mean + z * m.sd;
                if t <= -1.0 || t >= 1.0 || t == 0.0 {
                    continue;
                }
                let (o, tau) = if t < 0.0 { (0, -t) } else { (1, t) };
                let [p_s, f_s] = m.tail_with(o, tau, true);
                let [p_u, f_u] = m.tail_with(o, tau, false);
                assert!(
                    (p_s - p_u).abs() <= 1e-10 * p_s,
                    "{alpha:?} t={t}: {p_s} vs {p_u}"
                );
                assert!(
                    (f_s - f_u).abs() <= 1e-10 * f_s,
                    "{alpha:?} t={t}: {f_s} vs {f_u}"
                );
            }
        }
    }

    #[test]
    fn beta_cdf_matches_closed_forms_for_huge_parameters() {
        for b in [5.0, 1e3, 1e6, 1e8, 3e9] {
            for z in [0.01, 0.3, 1.0, 3.0, 10.0] {
                let x: f64 = z / b;
                if x >= 0.5 {
                    continue;
                }
                // I_x(1, b) = 1 − (1 − x)^b and its complement.
                let upper = (b * (-x).ln_1p()).exp();
                let lower = -(b * (-x).ln_1p()).exp_m1();
                let d = BetaDist::new(1.0, b);
                assert!(
                    (d.cdf(x, 1.0 - x) / lower - 1.0).abs() < 1e-13,
                    "b={b} z={z}"
                );
                assert!(
                    (d.sf(x, 1.0 - x) / upper - 1.0).abs() < 1e-13,
                    "b={b} z={z}"
                );
                // Mirrored: Beta(b, 1) at 1 − x.
                let d = BetaDist::new(b, 1.0);
                assert!(
                    (d.sf(1.0 - x, x) / lower - 1.0).abs() < 1e-13,
                    "b={b} z={z}"
                );
                // I_x(2, b): P(Beta(2, b) > x) = (1−x)^(b+1) + (b+1) x (1−x)^b.
                let up2 =
                    ((-x).ln_1p() * (b + 1.0)).exp() + (b + 1.0) * x * ((-x).ln_1p() * b).exp();
                let d = BetaDist::new(2.0, b);
                assert!((d.sf(x, 1.0 - x) / up2 - 1.0).abs() < 1e-12, "b={b} z={z}");
                // Log density of Beta(2, b): ln(b(b+1)) + ln x + (b−1) ln(1−x).
                let ln_f = (b * (b + 1.0)).ln() + x.ln() + (b - 1.0) * (-x).ln_1p();
                assert!((d.pdf(x, 1.0 - x).ln() - ln_f).abs() < 1e-13, "b={b} z={z}");
            }
        }
        // Where statrs is accurate, the integrated-density table agrees with it.
        let d = BetaDist::new(60.0, 90.0);
        assert!(d.z.table.is_some());
        for x in [0.25, 0.33, 0.4, 0.45, 0.5, 0.6] {
            assert!(
                (d.cdf(x, 1.0 - x) - beta_reg(60.0, 90.0, x)).abs() < 1e-13,
                "{x}"
            );
        }
        // And statrs alone is off where the table takes over.
        assert!((beta_reg(1e6, 1e6, 0.5) - 0.5).abs() > 1e-3);
        // (The sd is 3.5e−4: positions are resolved to ~3e−13 sd.) One sd
        // above the mean the tail is the normal one, 0.158655…, up to the
        // excess kurtosis (−3/(n+3), n = 2·10⁶).
        let d = BetaDist::new(1e6, 1e6);
        let sd = (0.25f64 / 2_000_001.0).sqrt();
        assert!((d.cdf(0.5, 0.5) - 0.5).abs() < 1e-12);
        assert!((d.sf(0.5 + sd, 0.5 - sd) - 0.158_655_253_931_457).abs() < 1e-6);
    }

    #[test]
    fn bracketing_fallback_agrees_with_newton() {
        for alpha in [
            [3.0, 2.0, 4.0],
            [1.0, 1.0, 2.0],
            [7.5, 2.5, 11.5],
            [2e3, 3e3, 5e3],
        ] {
            let m = model(alpha);
            for conf in [0.5, 0.9, 0.99] {
                let tails = 1.0 - conf;
                let (l1, h1) = m.hpd(tails).unwrap();
                let (l2, h2) = m
                    .hpd_bracketed(tails, f64::NEG_INFINITY, f64::INFINITY)
                    .unwrap();
                assert!(close(l1, l2, 1e-9 * m.sd), "{alpha:?} {conf}: {l1} vs {l2}");
                assert!(close(h1, h2, 1e-9 * m.sd), "{alpha:?} {conf}: {h1} vs {h2}");
            }
        }
    }

    #[test]
    fn extreme_confidence_levels() {
        for conf in [1e-6, 0.5, 0.999_999] {
            let m = model([3.5, 1.5, 8.5]);
            let tails = 1.0 - conf;
            let (lo, hi) = m.equal_tailed(tails).unwrap();
            assert!(
                close(m.cdf(lo), tails / 2.0, 1e-12 * tails.max(1e-3)),
                "{conf}"
            );
            assert!(close(1.0 - m.cdf(hi), tails / 2.0, 1e-12), "{conf}");
            let (hlo, hhi) = m.hpd(tails).unwrap();
            assert!(close(m.cdf(hhi) - m.cdf(hlo), conf, 1e-11), "{conf}");
            assert!(hhi - hlo <= hi - lo);
        }
    }

    #[test]
    fn invalid_priors_are_rejected() {
        for prior in [
            [0.0, 1.0, 1.0],
            [1.0, -1.0, 1.0],
            [1.0, 1.0, f64::NAN],
            [f64::INFINITY, 1.0, 1.0],
        ] {
            for credible in [Credible::EqualTailed, Credible::Hpd] {
                let b = Bayes { prior, credible };
                let err = interval(&eff(1.0, 2.0, 3.0), &b, 0.95).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidArgument);
                assert!(
                    matches!(err, Error::InvalidArgument { name: "prior", .. }),
                    "{err:?}"
                );
            }
        }
    }

    #[test]
    fn extreme_parameters_stay_finite_and_ordered() {
        // α0 ≥ 1e16: mean ± z·sd.
        let counts = [2e16, 3e16, 5e16];
        let (mean, sd) = posterior_mean_sd(&eff(counts[0], counts[1], counts[2]), [1.0; 3]);
        let z = 1.959_963_984_540_054;
        for credible in [Credible::EqualTailed, Credible::Hpd] {
            let (lo, hi, c) = run(counts, [1.0; 3], credible, 0.95);
            assert_eq!((lo, hi, c), (mean - z * sd, mean + z * sd, mean));
        }
        // A prior of 1e300 detractors: everything at −1.
        let (lo, hi, c) = run([0.0, 1.0, 1.0], [1e300, 1.0, 1.0], Credible::Hpd, 0.95);
        assert_eq!((lo, hi, c), (-1.0, -1.0, -1.0));
        // Tiny priors squeeze the posterior against +1 below f64 resolution:
        // P(X ≥ 1 − 2⁻⁵³) = 0.93 for α = (0.001, 0.001, 1.001) (mpmath).
        for prior in [[1e-3; 3], [1e-6; 3]] {
            for credible in [Credible::EqualTailed, Credible::Hpd] {
                let (lo, hi, c) = run([0.0, 0.0, 1.0], prior, credible, 0.95);
                assert!(-1.0 <= lo && lo <= hi && hi == 1.0, "{prior:?} {lo} {hi}");
                assert!(lo > 0.999 && c > 0.99, "{prior:?} {lo} {c}");
            }
        }
        // A sum that overflows is rejected.
        let b = Bayes {
            prior: [f64::MAX; 3],
            credible: Credible::EqualTailed,
        };
        let err = interval(&eff(0.0, 0.0, 1.0), &b, 0.95).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "prior", .. }));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]

        /// HPD is the shortest interval: never wider than equal-tailed;
        /// both lie in [−1, 1] and contain the posterior mean.
        #[test]
        fn hpd_is_never_wider_than_equal_tailed(
            d in 0u32..40,
            pa in 0u32..40,
            p in 0u32..40,
            prior_ix in 0usize..4,
            conf in 0.8f64..0.99,
        ) {
            let prior = [[1.0; 3], [0.5; 3], [2.0, 1.0, 2.0], [0.05; 3]][prior_ix];
            let counts = [f64::from(d), f64::from(pa), f64::from(p)];
            let (elo, ehi, mean) = run(counts, prior, Credible::EqualTailed, conf);
            let (hlo, hhi, _) = run(counts, prior, Credible::Hpd, conf);
            proptest::prop_assert!(hhi - hlo <= ehi - elo + 1e-12, "{hlo} {hhi} vs {elo} {ehi}");
            for (lo, hi) in [(elo, ehi), (hlo, hhi)] {
                proptest::prop_assert!((-1.0..=1.0).contains(&lo) && (-1.0..=1.0).contains(&hi));
                proptest::prop_assert!(lo < mean && mean < hi, "{lo} {mean} {hi}");
            }
        }
    }
}
