//! The posterior of `X = p − d`: tail probabilities and density as
//! one-dimensional integrals (outer `s = d + p` with inner `u = p/s`, or the
//! reverse), and quantiles by safeguarded Newton on `ln P(tail)`.

use super::beta::BetaDist;
use super::quadrature::{integrate, End, Strip};
use super::MAX_ITER;
use crate::error::{Error, Result};

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

/// The posterior of `X = p − d` under `Dirichlet(alpha)`, ready to
/// integrate.
pub(super) struct Model {
    /// `[αd, αpa, αp]`.
    pub(super) alpha: [f64; 3],
    /// Posterior mean and sd of X.
    pub(super) mean: f64,
    pub(super) sd: f64,
    /// Density exponents at ∓1: `f(t) ~ (1 + t)^exp_left` at −1 and
    /// `(1 − t)^exp_right` at +1.
    pub(super) exp_left: f64,
    pub(super) exp_right: f64,
    /// `s = d + p`.
    s: BetaDist,
    /// `u = p/s` for X (orientation 0) and `1 − u` for −X (orientation 1).
    u: [BetaDist; 2],
    /// Integrate over `s` (inner `u`) rather than over `u` (inner `s`).
    outer_s: bool,
    /// `P(X ≤ 0)`, `P(X ≥ 0)`.
    pub(super) p0: [f64; 2],
}

impl Model {
    pub(super) fn new(alpha: [f64; 3], mean: f64, sd: f64) -> Model {
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
    pub(super) fn cdf(&self, t: f64) -> f64 {
        if t <= -1.0 {
            0.0
        } else if t >= 1.0 {
            1.0
        } else {
            self.below(t)[0]
        }
    }

    /// Density of X.
    pub(super) fn density(&self, t: f64) -> f64 {
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
    pub(super) fn below(&self, t: f64) -> [f64; 2] {
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
    pub(super) fn above(&self, t: f64) -> [f64; 2] {
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
        // |ln P(τ) − ln q| of the previous step: a Newton step that does not
        // halve it is crawling (deep in a tail where the computed density
        // and tail disagree in their last digits, the steps shrink to
        // nothing), so the next step splits the bracket instead.
        let mut last_err = f64::INFINITY;
        for _ in 0..MAX_ITER {
            let [p, f] = self.tail(o, tau);
            let err = (p.ln() - ln_q).abs();
            let crawling = err > 0.5 * last_err;
            last_err = err;
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
            let next = if newton > lo && newton < hi && !crawling {
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
    pub(super) fn bound(&self, mass: f64, lower: bool, guess: f64) -> Result<(f64, f64)> {
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
}

#[cfg(test)]
mod tests {
    use crate::stats::bayes::tests::model;

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
}
