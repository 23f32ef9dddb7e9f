//! The fast path of the Bayesian interval (issue 12): a fixed amount of work
//! whatever the counts, with self-checks that hand every case they cannot
//! vouch for to the adaptive implementation (`tails.rs`, `credible.rs`).
//! Its searches (`Search`) run first on the closed form of `exact.rs`
//! where that applies (integer promoter and detractor parameters up to
//! 1,000), then on the interpolating posterior below.
//!
//! With `s = d + p ~ Beta(αd + αp, αpa)` and `u = p/s ~ Beta(αp, αd)`
//! independent, `X = s (2u − 1)`. One of them is the *outer* variable of a
//! Gauss–Legendre rule of [`K`] nodes over its effective support (where its
//! density is within `e^−CUT` of the peak), the other the *inner* one, whose
//! CDF is needed at one point per node:
//!
//! * outer `s`: `P(X ≤ t) = ∫_{s > |t|} f_s(s) F_u((s + t)/2s) ds` for
//!   `t ≤ 0`, and `P(X ≥ t)` the same with the survival function of `u` for
//!   `t > 0`;
//! * outer `u`: `P(X ≤ t) = ∫_{u < (1+t)/2} f_u(u) S_s(t/(2u − 1)) du` for
//!   `t ≤ 0`, and `P(X ≥ t) = ∫_{u > (1+t)/2} f_u(u) S_s(t/(2u − 1)) du`.
//!
//! The outer variable is the one that moves `X` less (as in the adaptive
//! code), so the inner function varies no faster than the outer density
//! and a rule of fixed size resolves the product. Where the region
//! `s > |t|` (or `u ≶ (1+t)/2`) cuts into the support, the rule runs over
//! the part inside only; the integrand then behaves like a power of the
//! distance to the cut, which is a polynomial only for an integer exponent
//! (or smooth enough for an exponent ≥ 12) — other cases are declined.
//!
//! The inner CDF comes from a Chebyshev interpolant of the inner density on
//! its effective support (built once per call from [`N`] density values,
//! integrated term by term), so one evaluation of the posterior CDF costs
//! `K` Clenshaw sums and no special function, however large the counts.
//! Windows cut by the region get their outer density from a Chebyshev
//! interpolant too (built at the first cut). Quantiles: Newton from the
//! Cornish–Fisher value (mean, sd and the closed-form skewness of the
//! Dirichlet); HPD: Newton on the mass and density-equality conditions
//! from the Cornish–Fisher HPD guess (else from the equal-tailed interval;
//! the density is log-concave as every `α ≥ 1`, so these characterise
//! it). Both stop when the error left after the last step, estimated as
//! curvature × step², is below 1e−13 (issue 12: ≤ 20 µs per interval).
//!
//! Accuracy: the posterior CDF is accurate to about 1e−12 in absolute terms
//! (the mass beyond the effective supports, `e^−CUT` ≈ 7e−13, and the
//! dropped Chebyshev coefficients, each below 1e−14 of the largest;
//! interpolant and rule both resolve functions analytic on the support);
//! a bound `t` therefore moves by about `1e−12 / f(t)`, so the result is
//! declined where the density at a bound is below [`F_MIN`] (extreme
//! confidence levels). Against the adaptive code the bounds agree to
//! ≤ 4e−12 in 8,000 random intervals (4,000 count triples, priors and
//! confidences, each equal-tailed and HPD: `fast_path_random_sweep` with
//! `NPS_BAYES_SWEEP=4000`); the golden vectors allow 1e−7. Every other failed check — coefficients of the
//! interpolant not decaying, the outer rule not integrating the outer
//! density to 1, a cut with a non-integer exponent, a search that does not
//! converge — also declines (`None`), never guesses.

// The node-parallel loops index several arrays of K nodes at once; plain
// index loops keep them readable and vectorisable.
#![allow(clippy::needless_range_loop)]

use std::cell::OnceCell;
use std::sync::OnceLock;

use statrs::distribution::{ContinuousCDF, Normal};

use super::beta::LogDensity;
use super::exact::Exact;
use crate::stats::Credible;

/// Outer Gauss–Legendre nodes: exact to degree 71, which resolves a
/// Gaussian over ±7.5 sd times an inner CDF of comparable scale (32 nodes
/// left 1.3e−10 errors in the bounds of the random sweep; 36 and 40 give
/// the same ≤ 4e−12).
const K: usize = 36;
/// Chebyshev points of the interpolants: a Gaussian over ±7.5 sd needs
/// degree ~65 for 1e−14 of its peak; skewed Betas need more, and the decay
/// check below declines what is not resolved.
const N: usize = 80;
/// Chebyshev points for Beta densities that are polynomials of degree
/// below `N_POLY − 6` (integer parameters, small counts).
const N_POLY: usize = 40;
/// Effective support: where the log density is within `CUT` of its peak
/// (the mass outside is below ~e^−28 ≈ 7e−13, for a Gaussian ~1e−13).
const CUT: f64 = 28.0;
/// A bound is trusted where the density of X is at least this (the CDF's
/// ~1e−12 absolute error then moves it by ≲ 1e−8, within the golden
/// vectors' 1e−7).
const F_MIN: f64 = 1e-4;
/// Iteration caps of the Newton searches.
const MAX_NEWTON: usize = 40;

#[cfg(test)]
thread_local! {
    /// Posterior evaluations made by this thread (tests: cost accounting).
    static EVALS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Outer rules built for a cut or composite window (tests).
    static RULES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn gauss_legendre() -> &'static ([f64; K], [f64; K]) {
    static GL: OnceLock<([f64; K], [f64; K])> = OnceLock::new();
    GL.get_or_init(|| {
        let mut x = [0.0; K];
        let mut w = [0.0; K];
        let n = K as f64;
        // P_n and P_n' at z by the three-term recurrence.
        let legendre = |z: f64| {
            let (mut p0, mut p1) = (1.0, z);
            for k in 2..=K {
                let kf = k as f64;
                let p2 = ((2.0 * kf - 1.0) * z * p1 - (kf - 1.0) * p0) / kf;
                p0 = p1;
                p1 = p2;
            }
            (p1, n * (z * p1 - p0) / (z * z - 1.0))
        };
        for i in 0..K {
            let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (n + 0.5)).cos();
            for _ in 0..100 {
                let (p, dp) = legendre(z);
                let dz = p / dp;
                z -= dz;
                if dz.abs() <= 1e-16 {
                    break;
                }
            }
            let (_, dp) = legendre(z);
            x[i] = z;
            w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
        }
        (x, w)
    })
}

/// `cos(π k (j + ½) / n)` for `n` = [`N`] or [`N_POLY`]: the table with
/// row `k`, column `j`, and its transpose (row `j`, column `k`).
fn cheb_tables(n: usize) -> (&'static [f64], &'static [f64]) {
    static BIG: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    static SMALL: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    let build = || {
        let mut t = vec![0.0; n * n];
        for k in 0..n {
            for j in 0..n {
                // πk(j+½)/n = π m/2n with m = k(2j+1) reduced mod 4n, so
                // the argument stays small and the entry exact to rounding
                // (the plain product loses ~1e−14 at large k·j, which shows
                // up as noise in the high coefficients).
                let m = (k * (2 * j + 1)) % (4 * n);
                t[k * n + j] = (std::f64::consts::PI * m as f64 / (2 * n) as f64).cos();
            }
        }
        let mut tr = vec![0.0; n * n];
        for k in 0..n {
            for j in 0..n {
                tr[j * n + k] = t[k * n + j];
            }
        }
        (t, tr)
    };
    let (t, tr) = if n == N {
        BIG.get_or_init(build)
    } else {
        debug_assert_eq!(n, N_POLY);
        SMALL.get_or_init(build)
    };
    (t, tr)
}

/// `Σ_k c_k T_k(y_j)` for every node `j` (Clenshaw, node-parallel so the
/// compiler can vectorise across nodes); with AVX2 where the CPU has it
/// (the same operations in the same order: identical results).
fn clenshaw(c: &[f64], y: &[f64; K], out: &mut [f64; K]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { clenshaw_avx2(c, y, out) };
    }
    clenshaw_body(c, y, out);
}

/// [`clenshaw`] compiled for AVX2 (four nodes per instruction).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn clenshaw_avx2(c: &[f64], y: &[f64; K], out: &mut [f64; K]) {
    clenshaw_body(c, y, out);
}

/// [`clenshaw2`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn clenshaw2_avx2(c: &[f64], d: &[f64], y: &[f64; K], oc: &mut [f64; K], od: &mut [f64; K]) {
    clenshaw2_body(c, d, y, oc, od);
}

/// The Chebyshev transform's sum `a_k += f_j T_k(y_j)` over all `j`
/// (`n = f.len() = a.len()` points), with AVX2 where the CPU has it
/// (identical results).
fn cheb_transform(f: &[f64], a: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { cheb_transform_avx2(f, a) };
    }
    cheb_transform_body(f, a);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn cheb_transform_avx2(f: &[f64], a: &mut [f64]) {
    cheb_transform_body(f, a);
}

#[inline(always)]
fn cheb_transform_body(f: &[f64], a: &mut [f64]) {
    // Accumulated over j so that the inner loop (over k) vectorises;
    // T_k(y_j) = cos(πk(j+½)/n) sits at row j, column k of the transpose.
    let n = f.len();
    let t = cheb_tables(n).1;
    for (j, &fj) in f.iter().enumerate() {
        let col = &t[j * n..(j + 1) * n];
        for (ak, &tk) in a.iter_mut().zip(col) {
            *ak += fj * tk;
        }
    }
}

#[inline(always)]
fn clenshaw_body(c: &[f64], y: &[f64; K], out: &mut [f64; K]) {
    let mut b1 = [0.0; K];
    let mut b2 = [0.0; K];
    let mut y2 = [0.0; K];
    for j in 0..K {
        y2[j] = 2.0 * y[j];
    }
    for &ck in c[1..].iter().rev() {
        for j in 0..K {
            let b0 = y2[j] * b1[j] - b2[j] + ck;
            b2[j] = b1[j];
            b1[j] = b0;
        }
    }
    for j in 0..K {
        out[j] = y[j] * b1[j] - b2[j] + c[0];
    }
}

/// [`clenshaw`] for two series at once (`c` of length `d.len() + 1`, as
/// a CDF and its density are): one pass, twice the independent work.
fn clenshaw2(c: &[f64], d: &[f64], y: &[f64; K], oc: &mut [f64; K], od: &mut [f64; K]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { clenshaw2_avx2(c, d, y, oc, od) };
    }
    clenshaw2_body(c, d, y, oc, od);
}

#[inline(always)]
fn clenshaw2_body(c: &[f64], d: &[f64], y: &[f64; K], oc: &mut [f64; K], od: &mut [f64; K]) {
    debug_assert_eq!(c.len(), d.len() + 1);
    let mut b1 = [0.0; K];
    let mut b2 = [0.0; K];
    let mut e1 = [0.0; K];
    let mut e2 = [0.0; K];
    let mut y2 = [0.0; K];
    for j in 0..K {
        y2[j] = 2.0 * y[j];
    }
    let n = d.len();
    // The CDF's top coefficient alone, then both together.
    for j in 0..K {
        b1[j] = c[n];
    }
    for k in (1..n).rev() {
        let (ck, dk) = (c[k], d[k]);
        for j in 0..K {
            let b0 = y2[j] * b1[j] - b2[j] + ck;
            b2[j] = b1[j];
            b1[j] = b0;
            let e0 = y2[j] * e1[j] - e2[j] + dk;
            e2[j] = e1[j];
            e1[j] = e0;
        }
    }
    for j in 0..K {
        oc[j] = y[j] * b1[j] - b2[j] + c[0];
        od[j] = y[j] * e1[j] - e2[j] + d[0];
    }
}

/// `Beta(a, b)`, `a, b ≥ 1`, in the variable `z` of its smaller parameter
/// (`z = x`, or `z = 1 − x` when `a > b`), with its effective support.
struct Beta {
    flip: bool,
    /// Parameters of `z`: `p ≤ q`.
    p: f64,
    q: f64,
    dens: LogDensity,
    sd: f64,
    zlo: f64,
    zhi: f64,
}

impl Beta {
    fn new(a: f64, b: f64) -> Option<Beta> {
        let flip = a > b;
        let (p, q) = if flip { (b, a) } else { (a, b) };
        let pq = p + q;
        let m = p / pq;
        let mut d = Beta {
            flip,
            p,
            q,
            dens: LogDensity::new(p, q),
            sd: (m * (1.0 - m) / (pq + 1.0)).sqrt(),
            zlo: 0.0,
            zhi: 1.0,
        };
        let mode = if pq > 2.0 { (p - 1.0) / (pq - 2.0) } else { m };
        let thr = d.ln_pdf(mode) - CUT;
        if !thr.is_finite() {
            return None;
        }
        if p > 1.0 {
            d.zlo = d.cut_point(thr, 0.0, mode, true)?;
        }
        if q > 1.0 {
            d.zhi = d.cut_point(thr, mode, 1.0, false)?;
        }
        (d.zlo < d.zhi).then_some(d)
    }

    fn ln_pdf(&self, z: f64) -> f64 {
        self.dens.eval(z, 1.0 - z)
    }

    /// The point of `(lo, hi)` where the log density crosses `thr` (it is
    /// monotone there: increasing when `rising`), to ~1e−3 sd, rounded
    /// outwards; safeguarded Newton (the log density is concave).
    fn cut_point(&self, thr: f64, mut lo: f64, mut hi: f64, rising: bool) -> Option<f64> {
        let (p1, q1) = (self.p - 1.0, self.q - 1.0);
        let mut z = if rising {
            let g = hi - 8.0 * self.sd;
            if g > lo {
                g
            } else {
                0.5 * (lo + hi)
            }
        } else {
            let g = lo + 8.0 * self.sd;
            if g < hi {
                g
            } else {
                0.5 * (lo + hi)
            }
        };
        let tol = 1e-3 * self.sd;
        for _ in 0..200 {
            let g = self.ln_pdf(z) - thr;
            // Inside the support (g ≥ 0) the crossing lies outwards.
            if (g >= 0.0) == rising {
                hi = z;
            } else {
                lo = z;
            }
            if hi - lo <= tol {
                return Some(if rising { lo } else { hi });
            }
            if g.abs() <= 1e-3 {
                // Close enough in log density: widen by the tolerance.
                return Some(if rising {
                    (z - tol).max(0.0)
                } else {
                    (z + tol).min(1.0)
                });
            }
            let slope = p1 / z - q1 / (1.0 - z);
            let next = z - g / slope;
            z = if next > lo && next < hi && next.is_finite() {
                next
            } else {
                0.5 * (lo + hi)
            };
        }
        None
    }
}

/// Chebyshev interpolant of a [`Beta`] density on its effective support
/// (in `z`), with the CDF (its integral) and the derivative.
struct Inner {
    beta: Beta,
    c: f64,
    h: f64,
    /// Density, CDF and derivative (d/dz) coefficients.
    dens: Vec<f64>,
    cdf: Vec<f64>,
    der: Vec<f64>,
}

/// Values of the inner distribution at the nodes, in its variable `x`.
struct InnerAt {
    cdf: [f64; K],
    pdf: [f64; K],
    der: [f64; K],
}

impl Inner {
    fn new(beta: Beta) -> Option<Inner> {
        // A Beta density with integer parameters is a polynomial of degree
        // p + q − 2: below N_POLY − 6 the smaller set of points interpolates
        // it exactly (and the decay check below still applies).
        let (p, q) = (beta.p, beta.q);
        let poly = p.fract() == 0.0 && q.fract() == 0.0 && p + q - 2.0 < (N_POLY - 6) as f64;
        let n = if poly { N_POLY } else { N };
        let t = cheb_tables(n).0;
        let c = 0.5 * (beta.zlo + beta.zhi);
        let h = 0.5 * (beta.zhi - beta.zlo);
        let mut buf = [0.0; N];
        let f = &mut buf[..n];
        for (j, fj) in f.iter_mut().enumerate() {
            let z = c + h * t[n + j];
            *fj = beta.ln_pdf(z).exp();
        }
        // a_k = (2/n) Σ_j f_j T_k(y_j).
        let mut a = vec![0.0; n];
        cheb_transform(f, &mut a);
        for ak in a.iter_mut() {
            *ak *= 2.0 / n as f64;
        }
        a[0] *= 0.5;
        let amax = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if !(amax > 0.0 && amax.is_finite()) {
            return None;
        }
        // The coefficients must have decayed to rounding level.
        // Dropping coefficients of size ε moves the CDF (∫ f dz = h ∫ p dy)
        // by about 2hε and a bound by that over the density of X (≥ F_MIN).
        // The floor is relative: at counts of 10⁶ the rounding of the nodes
        // themselves (harmless: a shift of 1 ulp) already shows as ~1e−14
        // noise in the values.
        if a[n - 6..].iter().any(|v| v.abs() > 1e-13 * amax) {
            return None;
        }
        let deg = a.iter().rposition(|v| v.abs() > 1e-14 * amax)?.max(1);
        a.truncate(deg + 1);
        // Integral: C_1 = a_0 − a_2/2, C_k = (a_{k−1} − a_{k+1})/2k.
        let at = |k: usize| a.get(k).copied().unwrap_or(0.0);
        let mut cdf = vec![0.0; deg + 2];
        for (k, ck) in cdf.iter_mut().enumerate().skip(1) {
            *ck = if k == 1 {
                at(0) - 0.5 * at(2)
            } else {
                (at(k - 1) - at(k + 1)) / (2 * k) as f64
            };
        }
        // Zero at y = −1.
        cdf[0] = -cdf
            .iter()
            .enumerate()
            .skip(1)
            .map(|(k, v)| if k % 2 == 1 { -v } else { *v })
            .sum::<f64>();
        let total = h * cdf.iter().sum::<f64>();
        let err = (total - 1.0).abs();
        if err.is_nan() || err > 1e-11 {
            return None;
        }
        for v in cdf.iter_mut() {
            *v *= h / total;
        }
        for v in a.iter_mut() {
            *v /= total;
        }
        // Derivative in y: b_{k−1} = b_{k+1} + 2k a_k, b_0 halved; d/dz = /h.
        let mut der = vec![0.0; deg + 2];
        for k in (1..=deg).rev() {
            der[k - 1] = der[k + 1] + 2.0 * k as f64 * a[k];
        }
        der[0] *= 0.5;
        der.truncate(deg.max(1));
        for v in der.iter_mut() {
            *v /= h;
        }
        Some(Inner {
            beta,
            c,
            h,
            dens: a,
            cdf,
            der,
        })
    }

    /// CDF, density and its derivative in `x` at `(x_j, xc_j = 1 − x_j)`;
    /// the derivative only when `with_der`.
    fn at(&self, x: &[f64; K], xc: &[f64; K], with_der: bool) -> InnerAt {
        let mut y = [0.0; K];
        let (zlo, zhi) = (self.beta.zlo, self.beta.zhi);
        let z = if self.beta.flip { xc } else { x };
        for j in 0..K {
            y[j] = ((z[j] - self.c) / self.h).clamp(-1.0, 1.0);
        }
        let mut out = InnerAt {
            cdf: [0.0; K],
            pdf: [0.0; K],
            der: [0.0; K],
        };
        clenshaw2(&self.cdf, &self.dens, &y, &mut out.cdf, &mut out.pdf);
        if with_der {
            clenshaw(&self.der, &y, &mut out.der);
        }
        for j in 0..K {
            if z[j] < zlo || z[j] > zhi {
                out.cdf[j] = if z[j] < zlo { 0.0 } else { 1.0 };
                out.pdf[j] = 0.0;
                out.der[j] = 0.0;
            }
            out.cdf[j] = out.cdf[j].clamp(0.0, 1.0);
            out.pdf[j] = out.pdf[j].max(0.0);
            if self.beta.flip {
                out.cdf[j] = 1.0 - out.cdf[j];
                out.der[j] = -out.der[j];
            }
        }
        out
    }

    /// Density (in `x`) at one point given as `x` and `1 − x`.
    fn pdf1(&self, x: f64, xc: f64) -> f64 {
        let z = if self.beta.flip { xc } else { x };
        if z < self.beta.zlo || z > self.beta.zhi {
            return 0.0;
        }
        let y = ((z - self.c) / self.h).clamp(-1.0, 1.0);
        // Scalar Clenshaw.
        let c = &self.dens;
        let (mut b1, mut b2) = (0.0, 0.0);
        for &ck in c[1..].iter().rev() {
            let b0 = 2.0 * y * b1 - b2 + ck;
            b2 = b1;
            b1 = b0;
        }
        (y * b1 - b2 + c[0]).max(0.0)
    }
}

/// The posterior CDF and density at one `t`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Eval {
    /// `P(X ≤ t)`, `P(X ≥ t)`.
    pub(super) lower: f64,
    pub(super) upper: f64,
    /// Density of X and its derivative (the latter only when asked for).
    pub(super) f: f64,
    pub(super) df: f64,
}

/// The outer Gauss–Legendre rule on a window: nodes as `x` and `1 − x`
/// of the outer variable, weights times the outer density.
struct Rule {
    x: [f64; K],
    xc: [f64; K],
    w: [f64; K],
}

impl Rule {
    /// The rule on `[wl, wr]` (in `z` of `o`).
    fn new(o: &Beta, wl: f64, wr: f64) -> Rule {
        #[cfg(test)]
        RULES.with(|c| c.set(c.get() + 1));
        let (gx, gw) = gauss_legendre();
        let (c, h) = (0.5 * (wl + wr), 0.5 * (wr - wl));
        let mut r = Rule {
            x: [0.0; K],
            xc: [0.0; K],
            w: [0.0; K],
        };
        for j in 0..K {
            let z = c + h * gx[j];
            r.w[j] = gw[j] * h * o.ln_pdf(z).exp();
            let zc = 1.0 - z;
            (r.x[j], r.xc[j]) = if o.flip { (zc, z) } else { (z, zc) };
        }
        r
    }

    /// [`Rule::new`] with the outer density from its Chebyshev interpolant
    /// `it` (built on the same support): a Clenshaw sum instead of `K`
    /// logarithms and exponentials, for the windows cut by the region.
    fn interpolated(o: &Beta, it: &Inner, wl: f64, wr: f64) -> Rule {
        #[cfg(test)]
        RULES.with(|c| c.set(c.get() + 1));
        let (gx, gw) = gauss_legendre();
        let (c, h) = (0.5 * (wl + wr), 0.5 * (wr - wl));
        let mut r = Rule {
            x: [0.0; K],
            xc: [0.0; K],
            w: [0.0; K],
        };
        let mut y = [0.0; K];
        for j in 0..K {
            let z = c + h * gx[j];
            y[j] = ((z - it.c) / it.h).clamp(-1.0, 1.0);
            let zc = 1.0 - z;
            (r.x[j], r.xc[j]) = if o.flip { (zc, z) } else { (z, zc) };
        }
        let mut f = [0.0; K];
        clenshaw(&it.dens, &y, &mut f);
        for j in 0..K {
            r.w[j] = gw[j] * h * f[j].max(0.0);
        }
        r
    }
}

/// The posterior of X, ready for fixed-cost evaluation.
struct Posterior {
    /// Outer variable `s` (else `u`).
    outer_s: bool,
    outer: Beta,
    /// Parameters of the outer Beta (in `x`).
    outer_ab: (f64, f64),
    /// Chebyshev interpolant of the outer density, built at the first
    /// window cut by the region (`None` inside: it failed its checks).
    outer_interp: OnceCell<Option<Inner>>,
    /// The outer rule on the whole effective support.
    base: Rule,
    inner: Inner,
    /// Exponent of the inner tail at a cut, for `t ≤ 0` and `t > 0`
    /// (`F_u ~ v^αp`, `S_u ~ (1 − v)^αd`, `S_s ~ (1 − y)^αpa`).
    cut_exp: [f64; 2],
}

/// An exponent for which `dist^e` times an analytic function is
/// integrated by the rule to rounding level.
fn smooth_power(e: f64) -> bool {
    e.fract() == 0.0 || e >= 12.0
}

impl Posterior {
    fn new(alpha: [f64; 3]) -> Option<Posterior> {
        let [ad, apa, ap] = alpha;
        let a0 = ad + apa + ap;
        // Contributions of s and u to the variance of X (as in tails.rs).
        let (sa, sb) = (ad + ap, apa);
        let s_m = sa / a0;
        let s_var = s_m * (1.0 - s_m) / (a0 + 1.0);
        let u_m = ap / (ad + ap);
        let u_var = u_m * (1.0 - u_m) / (ad + ap + 1.0);
        let e2u = 4.0 * u_var + (2.0 * u_m - 1.0).powi(2);
        let v_s = e2u * s_var;
        let v_u = 4.0 * (s_var + s_m * s_m) * u_var;
        let outer_s = v_s <= v_u;
        let s = Beta::new(sa, sb)?;
        let u = Beta::new(ap, ad)?;
        let (outer, inner, cut_exp, outer_ab) = if outer_s {
            (s, Inner::new(u)?, [ap, ad], (sa, sb))
        } else {
            (u, Inner::new(s)?, [apa, apa], (ap, ad))
        };
        // The outer rule must integrate the outer density to 1.
        let base = Rule::new(&outer, outer.zlo, outer.zhi);
        let total: f64 = base.w.iter().sum();
        let err = (total - 1.0).abs();
        if err.is_nan() || err > 1e-12 {
            return None;
        }
        Some(Posterior {
            outer_s,
            outer,
            outer_ab,
            outer_interp: OnceCell::new(),
            base,
            inner,
            cut_exp,
        })
    }

    /// The outer rule on the window `[wl, wr]` (in `z` of the outer
    /// variable), its density from the interpolant where that exists.
    fn rule(&self, wl: f64, wr: f64) -> Rule {
        let it = self.outer_interp.get_or_init(|| {
            let (a, b) = self.outer_ab;
            Beta::new(a, b).and_then(Inner::new)
        });
        match it {
            Some(it) => Rule::interpolated(&self.outer, it, wl, wr),
            None => Rule::new(&self.outer, wl, wr),
        }
    }

    /// The outer rule's sums at `t`: the tail (`P(X ≤ t)` for `t ≤ 0`,
    /// `P(X ≥ t)` above), the density and (with `with_der`) its derivative
    /// without the moving cut's term.
    fn sums(&self, rule: &Rule, t: f64, neg: bool, with_der: bool) -> (f64, f64, f64) {
        let (x, xc, w) = (&rule.x, &rule.xc, &rule.w);
        // Inner arguments and the factors of the density integrand.
        let mut a = [0.0; K];
        let mut ac = [0.0; K];
        let mut jac = [0.0; K];
        for j in 0..K {
            if self.outer_s {
                let s = x[j];
                a[j] = (s + t) / (2.0 * s);
                ac[j] = (s - t) / (2.0 * s);
                jac[j] = 1.0 / (2.0 * s);
            } else {
                // c = 2u − 1, exact from u and 1 − u.
                let cc = x[j] - xc[j];
                a[j] = t / cc;
                ac[j] = (cc - t) / cc;
                jac[j] = 1.0 / cc.abs();
            }
        }
        let inn = self.inner.at(&a, &ac, with_der);
        let (mut tail, mut f, mut df) = (0.0, 0.0, 0.0);
        for j in 0..K {
            let ti = if self.outer_s && neg {
                inn.cdf[j]
            } else {
                1.0 - inn.cdf[j]
            };
            tail += w[j] * ti;
            f += w[j] * inn.pdf[j] * jac[j];
            if with_der {
                // d/dt of the inner density: da/dt = 1/2s (outer s) or 1/c.
                let da = if self.outer_s {
                    jac[j]
                } else {
                    1.0 / (x[j] - xc[j])
                };
                df += w[j] * inn.der[j] * da * jac[j];
            }
        }
        (tail, f, df)
    }

    /// True when one rule may not resolve the inner distribution at `t`:
    /// its effective support maps onto less than half of the outer window
    /// `[wl, wr]` (in `z` of the outer variable), or onto part of it very
    /// unevenly — the inner argument `1/2 + t/2s` (outer `s`) or
    /// `t / (2u − 1)` (outer `u`) is hyperbolic in the outer variable, so a
    /// support spanning a large ratio (or the singular point) is squeezed
    /// against one end. Seen at counts (0, 445, 7), 99 %: one rule put the
    /// lower bound 4.8e−9 off.
    fn narrow_feature(&self, t: f64, wl: f64, wr: f64) -> bool {
        if t == 0.0 {
            return false;
        }
        let ib = &self.inner.beta;
        let (ilo, ihi) = if ib.flip {
            (1.0 - ib.zhi, 1.0 - ib.zlo)
        } else {
            (ib.zlo, ib.zhi)
        };
        // Where the inner argument is in [ilo, ihi], in x of the outer
        // variable (an unbounded end is the end of [0, 1]).
        let (flo, fhi) = if self.outer_s {
            // a = 1/2 + t/(2s): s = t / (2a − 1), of one sign as t.
            let (p, q) = if t > 0.0 {
                (2.0 * ihi - 1.0, 2.0 * ilo - 1.0)
            } else {
                (2.0 * ilo - 1.0, 2.0 * ihi - 1.0)
            };
            let end = |d: f64| if d * t > 0.0 { t / d } else { 1.0 };
            (end(p).min(1.0), end(q).min(1.0))
        } else {
            // y = t / c with c = 2u − 1: c = t / y.
            let (c1, c2) = (t / ihi, if ilo > 0.0 { t / ilo } else { t.signum() * 2.0 });
            let (c1, c2) = (c1.clamp(-1.0, 1.0), c2.clamp(-1.0, 1.0));
            let (u1, u2) = (0.5 * (1.0 + c1), 0.5 * (1.0 + c2));
            (u1.min(u2), u1.max(u2))
        };
        let o = &self.outer;
        let (zl, zh) = if o.flip {
            (1.0 - fhi, 1.0 - flo)
        } else {
            (flo, fhi)
        };
        let (pl, ph) = (zl.max(wl), zh.min(wr));
        let width = ph - pl;
        if width <= 0.0 {
            return false;
        }
        // How unevenly the map spreads the inner support over the part of
        // the window it covers: the ratio of the ends of that part in `s`
        // (the inner argument is `1/2 + t/2s`) or in `c = 2u − 1` (it is
        // `t / c`); a part across the singular point `c = 0` is uneven.
        // Only the covered part matters: a window narrower than the mapped
        // inner support sees a nearly linear piece of the hyperbola.
        let (xl, xh) = if o.flip {
            (1.0 - ph, 1.0 - pl)
        } else {
            (pl, ph)
        };
        let (e1, e2) = if self.outer_s {
            (xl, xh)
        } else {
            (2.0 * xl - 1.0, 2.0 * xh - 1.0)
        };
        let uneven = e1 * e2 <= 0.0 || (e2 / e1).abs().max((e1 / e2).abs()) > 2.0;
        uneven || width < 0.5 * (wr - wl)
    }

    /// `P(X ≤ t)`, `P(X ≥ t)`, `f(t)` and (with `with_der`) `f'(t)`; `None`
    /// where the rule cannot vouch for the result (a cut with a rough
    /// exponent).
    fn eval(&self, t: f64, with_der: bool) -> Option<Eval> {
        #[cfg(test)]
        EVALS.with(|c| c.set(c.get() + 1));
        let o = &self.outer;
        let neg = t <= 0.0;
        // The outer region, in x of the outer variable: (cut, 1) or (0, cut).
        let (lo_x, hi_x) = if self.outer_s {
            (t.abs(), 1.0)
        } else if neg {
            (0.0, 0.5 * (1.0 + t))
        } else {
            (0.5 * (1.0 + t), 1.0)
        };
        // The same in z.
        let (lo_z, hi_z) = if o.flip {
            (1.0 - hi_x, 1.0 - lo_x)
        } else {
            (lo_x, hi_x)
        };
        let (wl, wr) = (o.zlo.max(lo_z), o.zhi.min(hi_z));
        let cut = (wl == lo_z && lo_z > 0.0) || (wr == hi_z && hi_z < 1.0);
        let side = usize::from(!neg);
        if cut && !smooth_power(self.cut_exp[side]) {
            return None;
        }
        if wl >= wr {
            // No mass in the region: the tail is 0 to rounding.
            let (lower, upper) = if neg { (0.0, 1.0) } else { (1.0, 0.0) };
            return Some(Eval {
                lower,
                upper,
                f: 0.0,
                df: 0.0,
            });
        }
        let (mut tail, mut f, mut df) = if wl == o.zlo && wr == o.zhi {
            self.sums(&self.base, t, neg, with_der)
        } else {
            self.sums(&self.rule(wl, wr), t, neg, with_der)
        };
        if self.narrow_feature(t, wl, wr) {
            // The inner distribution changes over a small part of the
            // window (a bound near 0 maps the inner support through
            // t / (2u − 1) or t / 2s onto a sliver next to the cut): one
            // rule does not resolve it. Composite rules of 2, 4, … 32
            // panels until two successive ones agree; else decline.
            let mut done = false;
            for panels in [2usize, 4, 8, 16, 32] {
                let h = (wr - wl) / panels as f64;
                let (mut t2, mut f2, mut d2) = (0.0, 0.0, 0.0);
                for k in 0..panels {
                    let a = wl + h * k as f64;
                    let b = if k + 1 == panels { wr } else { a + h };
                    let (x, y, z) = self.sums(&self.rule(a, b), t, neg, with_der);
                    t2 += x;
                    f2 += y;
                    d2 += z;
                }
                // A tail off by e moves a bound by e / f: agree to 1e−12 of
                // the density (a bound to ~1e−12), the density to 1e−10.
                let agree = (t2 - tail).abs() <= 1e-15 + 1e-12 * f2.abs()
                    && (f2 - f).abs() <= 1e-10 * f2.abs().max(1e-300)
                    && (!with_der || (d2 - df).abs() <= 1e-8 * d2.abs().max(f2.abs()));
                (tail, f, df) = (t2, f2, d2);
                if agree {
                    done = true;
                    break;
                }
            }
            if !done {
                return None;
            }
        }
        if with_der && cut && t != 0.0 {
            // The moving cut: ± f_outer(cut) · f_inner(end) · |d cut/dt| · jac.
            let (cx, cxc) = if self.outer_s {
                (t.abs(), 1.0 - t.abs())
            } else {
                (0.5 * (1.0 + t), 0.5 * (1.0 - t))
            };
            let cz = if o.flip { cxc } else { cx };
            let f_out = o.ln_pdf(cz).exp();
            let (ex, exc) = if self.outer_s {
                if neg {
                    (0.0, 1.0)
                } else {
                    (1.0, 0.0)
                }
            } else {
                (1.0, 0.0)
            };
            let f_in = self.inner.pdf1(ex, exc);
            let term = if self.outer_s {
                f_out * f_in / (2.0 * t.abs())
            } else {
                0.5 * f_out * f_in / t.abs()
            };
            df += if neg { term } else { -term };
        }
        let tail = tail.clamp(0.0, 1.0);
        let (lower, upper) = if neg {
            (tail, 1.0 - tail)
        } else {
            (1.0 - tail, tail)
        };
        Some(Eval {
            lower,
            upper,
            f: f.max(0.0),
            df,
        })
    }
}

impl Cdf for Posterior {
    fn eval(&self, t: f64, with_der: bool) -> Option<Eval> {
        Posterior::eval(self, t, with_der)
    }
}

/// What the searches need of a posterior: `P(X ≤ t)`, `P(X ≥ t)`, the
/// density and (with `with_der`) its derivative, or `None` where the
/// evaluation cannot vouch for its result.
pub(super) trait Cdf {
    fn eval(&self, t: f64, with_der: bool) -> Option<Eval>;
}

/// Skewness of X in closed form: for a Dirichlet and `X = Σ c_i x_i`,
/// `μ3 = 2 [Σc³π − 3 (Σc²π)(Σcπ) + 2 (Σcπ)³] / ((α0+1)(α0+2))`.
fn skewness(alpha: [f64; 3], mean: f64, sd: f64) -> f64 {
    let [ad, apa, ap] = alpha;
    let a0 = ad + apa + ap;
    let e2 = (ad + ap) / a0;
    let mu3 = 2.0 * mean * (1.0 - 3.0 * e2 + 2.0 * mean * mean) / ((a0 + 1.0) * (a0 + 2.0));
    let skew = if sd > 0.0 { mu3 / sd.powi(3) } else { 0.0 };
    if skew.is_finite() {
        skew
    } else {
        0.0
    }
}

/// The quantile and HPD searches over a posterior `E` (mean, sd and
/// skewness for the starting values and tolerances).
struct Search<'a, E: Cdf> {
    ev: &'a E,
    mean: f64,
    sd: f64,
    skew: f64,
}

impl<E: Cdf> Search<'_, E> {
    /// Cornish–Fisher start for the bound with mass `q` below (`lower`) or
    /// above it.
    fn guess(&self, q: f64, lower: bool) -> f64 {
        let z = Normal::standard().inverse_cdf(1.0 - q);
        let z = if lower { -z } else { z };
        let t = self.mean + self.sd * (z + (z * z - 1.0) * self.skew / 6.0);
        // Off the support (a wide posterior): halfway from the mean to the end.
        if t <= -1.0 {
            0.5 * (self.mean - 1.0)
        } else if t >= 1.0 {
            0.5 * (self.mean + 1.0)
        } else {
            t
        }
    }

    /// The `t` with `P(X ≤ t) = q` (`lower`) or `P(X ≥ t) = q`, with the
    /// evaluation there; safeguarded Newton.
    fn quantile(&self, q: f64, lower: bool, start: f64) -> Option<(f64, Eval)> {
        let (mut lo, mut hi) = (-1.0f64, 1.0f64);
        let mut t = start;
        let mut prev: Option<(f64, f64)> = None;
        for _ in 0..MAX_NEWTON {
            let e = self.ev.eval(t, false)?;
            // Steps below the CDF's rounding (~1e−15 absolute, divided by
            // the density) or 1e−13 sd are noise.
            let tol = 1e-11 * self.sd + 4.0 * f64::EPSILON * t.abs();
            let noise = (1e-14 / e.f).min(1e-6 * self.sd);
            // g increases with t.
            let g = if lower { e.lower - q } else { q - e.upper };
            if g < 0.0 {
                lo = lo.max(t);
            } else {
                hi = hi.min(t);
            }
            let step = if e.f > 0.0 { -g / e.f } else { f64::NAN };
            let next = t + step;
            if step.is_finite() && step.abs() <= tol + noise {
                return Some((next, e));
            }
            // After a Newton step δ the error is about |f'/2f| δ². The
            // curvature |f'/f| is estimated from the last two points (a
            // secant of f), never below the normal approximation's
            // max(2/sd, |t − mean|/sd²), and then doubled. Accept
            // when that bounds the error by 1e−13 (the tests' tolerance
            // is 1e−9), which saves the confirming evaluation.
            // At the first point (no secant yet) the normal estimate is
            // taken 8 times.
            let normal = (2.0 / self.sd).max((t - self.mean).abs() / (self.sd * self.sd));
            let curv = match prev {
                Some((tp, fp)) => 2.0 * (((e.f - fp) / (t - tp)).abs() / e.f).max(normal),
                None => 8.0 * normal,
            };
            if next > lo && next < hi && step.is_finite() && curv * step * step <= 1e-13 {
                return Some((next, e));
            }
            prev = Some((t, e.f));
            t = if next > lo && next < hi {
                next
            } else {
                0.5 * (lo + hi)
            };
            if hi - lo <= tol {
                return Some((t, e));
            }
        }
        None
    }

    fn equal_tailed(&self, tails: f64) -> Option<((f64, Eval), (f64, Eval))> {
        let half = 0.5 * tails;
        let lo = self.quantile(half, true, self.guess(half, true))?;
        let hi = self.quantile(half, false, self.guess(half, false))?;
        Some((lo, hi))
    }

    /// The HPD interval: Newton on `P(X ≤ l) + P(X ≥ h) = tails`,
    /// `f(l) = f(h)` from the Cornish–Fisher HPD guess, else from the
    /// equal-tailed interval. Returns the bounds and the density at each.
    fn hpd(&self, tails: f64) -> Option<(f64, f64, f64, f64)> {
        if let Some(lh) = self
            .hpd_guess(tails)
            .and_then(|(l, h)| self.hpd_from(tails, l, h))
        {
            return Some(lh);
        }
        let ((l, _), (h, _)) = self.equal_tailed(tails)?;
        self.hpd_from(tails, l, h)
    }

    /// Cornish–Fisher start for the HPD interval: with the Edgeworth
    /// density `φ(z)(1 + γ He₃(z)/6)`, `f(l) = f(h)` and the mass give
    /// `mean + sd (±z + γ (z² − 3)/6)` to first order in the skewness `γ`
    /// (the equal-tailed bounds shifted by `−γ sd/3`). `None` when that
    /// leaves (−1, 1).
    fn hpd_guess(&self, tails: f64) -> Option<(f64, f64)> {
        let z = Normal::standard().inverse_cdf(1.0 - 0.5 * tails);
        let shift = self.skew * (z * z - 3.0) / 6.0;
        let (l, h) = (
            self.mean + self.sd * (shift - z),
            self.mean + self.sd * (shift + z),
        );
        (l > -1.0 && h < 1.0 && l < h).then_some((l, h))
    }

    /// Newton on the HPD conditions from `(l, h)`.
    fn hpd_from(&self, tails: f64, mut l: f64, mut h: f64) -> Option<(f64, f64, f64, f64)> {
        for _ in 0..MAX_NEWTON {
            let el = self.ev.eval(l, true)?;
            let eh = self.ev.eval(h, true)?;
            let tol = 1e-10 * self.sd
                + 4.0 * f64::EPSILON * l.abs().max(h.abs())
                + (1e-14 / el.f.min(eh.f)).min(1e-6 * self.sd);
            let g1 = el.lower + eh.upper - tails;
            let g2 = el.f - eh.f;
            let det = eh.f * el.df - el.f * eh.df;
            if !(det.is_finite() && det != 0.0) {
                return None;
            }
            let mut dl = (g1 * eh.df - eh.f * g2) / det;
            let mut dh = (el.df * g1 - el.f * g2) / det;
            if !(dl.is_finite() && dh.is_finite()) {
                return None;
            }
            if dl.abs() <= tol && dh.abs() <= tol {
                return Some((l + dl, h + dh, el.f, eh.f));
            }
            // The error after this step is about curvature × step² (as in
            // `quantile`; here f'/f is known at both ends): accept below
            // 1e−13 without a confirming iteration.
            let curv = 2.0
                * (el.df / el.f)
                    .abs()
                    .max((eh.df / eh.f).abs())
                    .max(2.0 / self.sd);
            let (nl, nh) = (l + dl, h + dh);
            if curv * dl.max(dh).powi(2).max(dl.powi(2)) <= 1e-13
                && nl > -1.0
                && nl < nh
                && nh < 1.0
            {
                return Some((nl, nh, el.f, eh.f));
            }
            let mut halvings = 0;
            while !(l + dl > -1.0 && l + dl < h + dh && h + dh < 1.0) {
                dl *= 0.5;
                dh *= 0.5;
                halvings += 1;
                if halvings > 60 {
                    return None;
                }
            }
            l += dl;
            h += dh;
        }
        None
    }
}

/// The bounds and the density at each, by the search of `credible` over
/// the posterior `ev`.
fn search<E: Cdf>(
    ev: &E,
    mean: f64,
    sd: f64,
    skew: f64,
    tails: f64,
    credible: Credible,
) -> Option<(f64, f64, f64, f64)> {
    let s = Search { ev, mean, sd, skew };
    match credible {
        Credible::EqualTailed => {
            let ((lo, el), (hi, eh)) = s.equal_tailed(tails)?;
            Some((lo, hi, el.f, eh.f))
        }
        Credible::Hpd => s.hpd(tails),
    }
}

/// The interval `(low, high)` for `1 − tails` of the posterior
/// `Dirichlet(alpha)` of `X` (mean and sd given), or `None` where the fast
/// path declines (see the module docs).
pub(super) fn interval(
    alpha: [f64; 3],
    mean: f64,
    sd: f64,
    tails: f64,
    credible: Credible,
) -> Option<(f64, f64)> {
    if !alpha.iter().all(|&a| a >= 1.0) || sd.is_nan() || sd <= 0.0 {
        return None;
    }
    let skew = skewness(alpha, mean, sd);
    let exact = Exact::new(alpha);
    let found = exact
        .as_ref()
        .and_then(|ex| search(ex, mean, sd, skew, tails, credible));
    let (lo, hi, f_lo, f_hi) = match found {
        Some(r) => r,
        None => {
            let post = Posterior::new(alpha)?;
            search(&post, mean, sd, skew, tails, credible)?
        }
    };
    // Trust the bounds only where the density is large enough for the
    // CDF's absolute accuracy (this also rejects bounds pushed onto ±1).
    let inside = |t: f64| t > -1.0 && t < 1.0;
    (inside(lo) && inside(hi) && f_lo >= F_MIN && f_hi >= F_MIN).then_some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials() {
        let (x, w) = gauss_legendre();
        assert!((w.iter().sum::<f64>() - 2.0).abs() < 1e-14);
        // ∫_{-1}^{1} y^(2K−2) dy = 2/(2K−1): exact for the rule.
        let e = 2 * K - 2;
        let s: f64 = x.iter().zip(w).map(|(x, w)| w * x.powi(e as i32)).sum();
        assert!((s - 2.0 / (e + 1) as f64).abs() < 1e-14, "{s}");
    }

    #[test]
    fn inner_interpolant_matches_closed_forms() {
        // CDF against the adaptive code's Beta CDF, density and its
        // derivative against the closed forms.
        for (a, b) in [(2.0, 5.0), (13.0, 4.0), (143.0, 691.0), (1.0, 300.0)] {
            let inner = Inner::new(Beta::new(a, b).unwrap()).unwrap();
            let xs: Vec<f64> = (1..K + 1).map(|j| j as f64 / (K + 1) as f64).collect();
            let mut x = [0.0; K];
            let mut xc = [0.0; K];
            for j in 0..K {
                x[j] = xs[j];
                xc[j] = 1.0 - xs[j];
            }
            let r = inner.at(&x, &xc, true);
            for j in 0..K {
                // The adaptive code's Beta CDF (statrs's `beta_reg` alone is
                // off by ~1e−13 at these sizes). The interpolant leaves out
                // the mass beyond the effective support, e^−CUT ≈ 7e−13 for
                // the exponential-like Beta(1, 300).
                let want = super::super::beta::BetaDist::new(a, b).cdf(x[j], xc[j]);
                assert!(
                    (r.cdf[j] - want).abs() < 2e-12,
                    "{a} {b} {} {} vs {want}",
                    x[j],
                    r.cdf[j]
                );
                let ln_b = statrs::function::beta::ln_beta(a, b);
                let pdf = ((a - 1.0) * x[j].ln() + (b - 1.0) * xc[j].ln() - ln_b).exp();
                assert!((r.pdf[j] - pdf).abs() < 1e-12 * pdf.max(1.0), "{a} {b}");
                let dpdf = pdf * ((a - 1.0) / x[j] - (b - 1.0) / xc[j]);
                // Relative to the steepest slope (b·(b−1) here bounds it).
                let scale = (a + b) * (a + b);
                assert!(
                    (r.der[j] - dpdf).abs() < 1e-12 * scale,
                    "{a} {b} {} {} vs {dpdf}",
                    x[j],
                    r.der[j]
                );
            }
        }
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use std::time::Instant;

    fn alpha_of(c: [f64; 3]) -> ([f64; 3], f64, f64) {
        let a = [c[0] + 1.0, c[1] + 1.0, c[2] + 1.0];
        let a0 = a[0] + a[1] + a[2];
        let (pd, ppa, pp) = (a[0] / a0, a[1] / a0, a[2] / a0);
        let mean = (a[2] - a[0]) / a0;
        let var = (pp * (pd + ppa) + pd * (ppa + pp) + 2.0 * pp * pd) / (a0 + 1.0);
        (a, mean, var.sqrt())
    }

    /// Profile target: `NPS_BAYES_PROFILE="3 5 12 hpd"` loops one case.
    #[test]
    #[ignore]
    fn profile_one() {
        let Ok(spec) = std::env::var("NPS_BAYES_PROFILE") else {
            return;
        };
        let w: Vec<&str> = spec.split_whitespace().collect();
        let c = [w[0], w[1], w[2]].map(|v| v.parse::<f64>().unwrap());
        let cr = if w.get(3) == Some(&"hpd") {
            Credible::Hpd
        } else {
            Credible::EqualTailed
        };
        let (a, mean, sd) = alpha_of(c);
        for _ in 0..200_000 {
            std::hint::black_box(interval(std::hint::black_box(a), mean, sd, 0.05, cr));
        }
    }

    /// `cargo test --release -p nps-core --lib fast::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn timing() {
        for c in [[3.0, 5.0, 12.0], [142.0, 530.0, 690.0], [1.5e5, 2.5e5, 6e5]] {
            let (a, mean, sd) = alpha_of(c);
            let reps = 3000;
            let mut best = [f64::MAX; 4];
            for _ in 0..5 {
                let t0 = Instant::now();
                for _ in 0..reps {
                    std::hint::black_box(Posterior::new(std::hint::black_box(a)));
                }
                best[0] = best[0].min(t0.elapsed().as_secs_f64() / reps as f64 * 1e6);
                let post = Posterior::new(a).unwrap();
                let t0 = Instant::now();
                for i in 0..reps {
                    let t = mean + sd * (i % 7) as f64 * 0.3;
                    std::hint::black_box(post.eval(std::hint::black_box(t), false));
                }
                best[1] = best[1].min(t0.elapsed().as_secs_f64() / reps as f64 * 1e6);
                for (k, cr) in [(2, Credible::EqualTailed), (3, Credible::Hpd)] {
                    let t0 = Instant::now();
                    for _ in 0..reps {
                        std::hint::black_box(interval(std::hint::black_box(a), mean, sd, 0.05, cr));
                    }
                    best[k] = best[k].min(t0.elapsed().as_secs_f64() / reps as f64 * 1e6);
                }
            }
            let mut ne = [0; 2];
            for (k, cr) in [(0, Credible::EqualTailed), (1, Credible::Hpd)] {
                EVALS.with(|c| c.set(0));
                RULES.with(|c| c.set(0));
                interval(a, mean, sd, 0.05, cr).unwrap();
                ne[k] = EVALS.with(|c| c.get()) * 1000 + RULES.with(|c| c.get());
            }
            let post = Posterior::new(a).unwrap();
            println!(
                "{c:?}: evals ET {} HPD {}, inner degree {}, outer_s {}",
                ne[0],
                ne[1],
                post.inner.dens.len(),
                post.outer_s
            );
            println!(
                "{c:?}: setup {:.2} us, eval {:.2} us, ET {:.2} us, HPD {:.2} us",
                best[0], best[1], best[2], best[3]
            );
        }
    }
}
