//! Exact binomial tail probabilities in log space.
//!
//! The point probabilities use Loader's saddle-point expansion (C. Loader,
//! "Fast and accurate computation of binomial probabilities", 2000; the
//! method behind R's `dbinom`): `ln P(X = k)` is accurate to about 1e-15
//! relative for any `n` that fits a `u64`, with no factorials, no overflow
//! and no underflow. Tails sum the point probabilities from the tail's end
//! nearest the mean outward (the terms shrink, so the sum stops once they are
//! negligible), or, for the tail containing the mean, as `ln(1 − other
//! tail)` through `ln_1p`. Nothing here returns NaN: impossible events give
//! `−∞`, certain ones `0`.

use std::f64::consts::PI;

/// `ln(2π)`.
const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// Stirling's error `ln(n!) − ((n + ½) ln n − n + ½ ln 2π)` for an integer
/// `n ≥ 1`.
fn stirlerr(n: u64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15 {
        // Direct: ln(n!) as a sum of at most 15 logarithms.
        let lnfact: f64 = (2..=n).map(|k| (k as f64).ln()).sum();
        let x = n as f64;
        return lnfact - ((x + 0.5) * x.ln() - x + 0.5 * LN_2PI);
    }
    let x = n as f64;
    let nn = x * x;
    if n > 500 {
        (S0 - S1 / nn) / x
    } else if n > 80 {
        (S0 - (S1 - S2 / nn) / nn) / x
    } else if n > 35 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / x
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / x
    }
}

/// Loader's deviance term `x ln(x / np) + np − x`, computed without
/// cancellation when `x` is close to `np`.
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        x * (x / np).ln() + np - x
    }
}

/// `ln P(X = k)` for `X ~ Binomial(n, p)`, `0 < p < 1`, `k ≤ n`.
pub(crate) fn ln_pmf(k: u64, n: u64, p: f64) -> f64 {
    let q = 1.0 - p;
    let nf = n as f64;
    if k == 0 {
        return if n == 0 {
            0.0
        } else if p < 0.1 {
            -bd0(nf, nf * q) - nf * p
        } else {
            nf * (-p).ln_1p()
        };
    }
    if k == n {
        return if q < 0.1 {
            -bd0(nf, nf * p) - nf * q
        } else {
            nf * p.ln()
        };
    }
    let kf = k as f64;
    let lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(kf, nf * p) - bd0(nf - kf, nf * q);
    let lf = (2.0 * PI).ln() + kf.ln() + (-kf / nf).ln_1p();
    lc - 0.5 * lf
}

/// Relative size below which the remaining terms of a tail are dropped.
const NEGLIGIBLE: f64 = 1e-18;

/// `ln Σ_{k=x..=n} P(X = k)` for `x > np` (terms decrease from `x` upward).
fn ln_upper_direct(x: u64, n: u64, p: f64) -> f64 {
    let odds = p / (1.0 - p);
    let (mut sum, mut term) = (1.0f64, 1.0f64);
    let mut k = x;
    while k < n {
        term *= (n - k) as f64 / (k + 1) as f64 * odds;
        sum += term;
        if term < NEGLIGIBLE * sum {
            break;
        }
        k += 1;
    }
    ln_pmf(x, n, p) + sum.ln()
}

/// `ln Σ_{k=0..=x} P(X = k)` for `x < np` (terms decrease from `x` downward).
fn ln_lower_direct(x: u64, n: u64, p: f64) -> f64 {
    let odds = (1.0 - p) / p;
    let (mut sum, mut term) = (1.0f64, 1.0f64);
    let mut k = x;
    while k > 0 {
        term *= k as f64 / (n - k + 1) as f64 * odds;
        sum += term;
        if term < NEGLIGIBLE * sum {
            break;
        }
        k -= 1;
    }
    ln_pmf(x, n, p) + sum.ln()
}

/// `ln(1 − e^a)` for `a ≤ 0`, accurate for `a` near 0 and very negative.
fn ln_one_minus_exp(a: f64) -> f64 {
    if a > -std::f64::consts::LN_2 {
        (-a.exp_m1()).ln()
    } else {
        (-a.exp()).ln_1p()
    }
}

/// `ln P(X ≥ x)` for `X ~ Binomial(n, p)`; `p` in `[0, 1]`.
pub(crate) fn ln_upper_tail(x: u64, n: u64, p: f64) -> f64 {
    if x == 0 {
        return 0.0;
    }
    if x > n || p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return 0.0;
    }
    if x as f64 > n as f64 * p {
        ln_upper_direct(x, n, p).min(0.0)
    } else {
        ln_one_minus_exp(ln_lower_direct(x - 1, n, p).min(0.0))
    }
}

/// `ln P(X ≤ x)` for `X ~ Binomial(n, p)`; `p` in `[0, 1]`.
pub(crate) fn ln_lower_tail(x: u64, n: u64, p: f64) -> f64 {
    if x >= n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::NEG_INFINITY;
    }
    if (x as f64) < n as f64 * p {
        ln_lower_direct(x, n, p).min(0.0)
    } else {
        ln_one_minus_exp(ln_upper_direct(x + 1, n, p).min(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_pmf(k: u64, n: u64, p: f64) -> f64 {
        // Product form, fine for small n.
        let mut c = 1.0f64;
        for i in 0..k {
            c = c * (n - i) as f64 / (i + 1) as f64;
        }
        c * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
    }

    #[test]
    fn pmf_matches_product_form() {
        for n in [1u64, 2, 7, 15, 16, 40, 90, 200] {
            for p in [0.013, 0.2, 0.5, 0.77, 0.96] {
                for k in 0..=n {
                    let e = exact_pmf(k, n, p);
                    let got = ln_pmf(k, n, p).exp();
                    assert!(
                        e < 1e-250 || (got - e).abs() <= 1e-10 * e,
                        "{k} {n} {p}: {got} vs {e}"
                    );
                }
            }
        }
    }

    #[test]
    fn tails_are_complementary_and_finite_at_huge_n() {
        let n = 10_000_000u64;
        for p in [1e-7, 0.001, 0.31, 0.5, 0.999] {
            for x in [0u64, 1, 3_100_000, 3_101_000, 5_000_000, 9_990_000, n] {
                let up = ln_upper_tail(x, n, p);
                assert!(!up.is_nan() && up <= 0.0);
                if x > 0 {
                    let lo = ln_lower_tail(x - 1, n, p);
                    assert!(!lo.is_nan() && lo <= 0.0);
                    let s = up.exp() + lo.exp();
                    assert!((s - 1.0).abs() < 1e-9, "{x} {p}: {s}");
                }
            }
            // Absence: P(X <= 0) = (1 - p)^n.
            let a = ln_lower_tail(0, n, p);
            let e = n as f64 * (-p).ln_1p();
            assert!((a - e).abs() <= 1e-9 * e.abs().max(1.0), "{a} vs {e}");
        }
    }
}
