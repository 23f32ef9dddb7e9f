//! Beta distributions, the special functions under the integrals: the
//! remainder of Stirling's formula for `ln Γ`, a log density accurate for
//! parameters of 10⁸ and more, the effective support, and CDF and survival
//! function (statrs's `beta_reg` where it is accurate, else an integrated-
//! density table). See the module docs of `bayes` for the accuracy story.

use statrs::function::beta::beta_reg;
use statrs::function::gamma::ln_gamma;

use super::quadrature::{End, G7_W, GK_X};
use super::MAX_ITER;

/// Both Beta parameters at least this large: the CDF comes from the
/// integrated density rather than from statrs.
const TABLE_MIN: f64 = 40.0;

/// From this `a + b` on, statrs's `beta_reg` prefactor is recomputed (and,
/// with one parameter below `TABLE_MIN`, its upper branch is replaced).
const PREFACTOR_FIX_MIN: f64 = 1000.0;

/// The effective support of a density ends where it falls `e^CUT` below
/// its peak.
const CUT: f64 = 50.0;

/// `ln √(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

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
pub(super) struct BetaDist {
    pub(super) a: f64,
    pub(super) b: f64,
    /// Mean of `x`, `1 −` mean, and standard deviation.
    pub(super) m: f64,
    pub(super) mc: f64,
    pub(super) sd: f64,
    /// Effective support of `x`.
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) flip: bool,
    z: ZBeta,
}

impl BetaDist {
    pub(super) fn new(a: f64, b: f64) -> BetaDist {
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
    pub(super) fn pdf(&self, x: f64, xc: f64) -> f64 {
        if self.flip {
            self.z.pdf(xc, x)
        } else {
            self.z.pdf(x, xc)
        }
    }

    /// Density without its power-law factor at `x = 0` (`x^(a−1)`, when
    /// `at_zero`) or at `x = 1` (`(1−x)^(b−1)`); finite at that end.
    pub(super) fn pdf_stripped(&self, x: f64, xc: f64, at_zero: bool) -> f64 {
        if self.flip {
            self.z.dens.eval_stripped(xc, x, !at_zero).exp()
        } else {
            self.z.dens.eval_stripped(x, xc, at_zero).exp()
        }
    }

    /// The end behaviour of this density as the outer one at `x = 0`
    /// (`at_zero`) or `x = 1`.
    pub(super) fn end(&self, at_zero: bool) -> End {
        let gamma = if at_zero { self.a } else { self.b };
        if gamma < 1.0 {
            End::Power(gamma)
        } else {
            End::Singular
        }
    }

    /// `P(B ≤ x)`.
    pub(super) fn cdf(&self, x: f64, xc: f64) -> f64 {
        if self.flip {
            self.z.sf(xc, x)
        } else {
            self.z.cdf(x, xc)
        }
    }

    /// `P(B > x)`.
    pub(super) fn sf(&self, x: f64, xc: f64) -> f64 {
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
pub(super) struct LogDensity {
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
    pub(super) fn new(p: f64, q: f64) -> LogDensity {
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
    pub(super) fn eval(&self, z: f64, zc: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
