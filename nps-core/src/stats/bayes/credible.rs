//! Credible intervals from the posterior of `X`: equal-tailed, and HPD
//! (Newton on `f(low) = f(high)` with the mass condition, regula falsi in
//! the lower-tail mass as the fallback, intervals anchored at ∓1 when some
//! `α < 1`).

use statrs::distribution::{ContinuousCDF, Normal};

use super::tails::Model;
use super::MAX_ITER;
use crate::error::{Error, Result};

impl Model {
    /// `sd · z` for the normal quantile with upper-tail mass `mass`.
    fn normal_guess(&self, mass: f64) -> f64 {
        self.sd * Normal::standard().inverse_cdf(1.0 - mass)
    }

    pub(super) fn equal_tailed(&self, tails: f64) -> Result<(f64, f64)> {
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

    pub(super) fn hpd(&self, tails: f64) -> Result<(f64, f64)> {
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
    use crate::stats::bayes::tests::{close, model};

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
}
