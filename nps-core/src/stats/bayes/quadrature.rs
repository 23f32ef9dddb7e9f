//! Quadrature of 2-vectors (tail probability, density) over `[l, r]`:
//! panels of adaptive Gauss–Kronrod 7/15, adaptive tanh–sinh on panels at a
//! singular end, and the power substitution `y = dist^γ` at ends where the
//! outer density behaves like `dist^(γ−1)`.

/// Gauss–Kronrod 15-point abscissae (descending; odd indices are the
/// 7-point Gauss abscissae) and weights, from QUADPACK's `qk15`.
pub(super) const GK_X: [f64; 8] = [
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
pub(super) const G7_W: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// An integrand: `f(x, x − l, r − x, strip)` for the global interval
/// `[l, r]`; the distances are exact near an end, where singularities sit.
/// With `strip` set, the value is returned divided by the outer density's
/// power-law factor `dist^(γ−1)` at that end (see [`End::Power`]).
pub(super) trait Integrand {
    fn eval(&mut self, x: f64, dl: f64, dr: f64, strip: Strip) -> [f64; 2];
}

impl<F: FnMut(f64, f64, f64, Strip) -> [f64; 2]> Integrand for F {
    fn eval(&mut self, x: f64, dl: f64, dr: f64, strip: Strip) -> [f64; 2] {
        self(x, dl, dr, strip)
    }
}

/// Which end's power-law factor an integrand leaves out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Strip {
    None,
    Left,
    Right,
}

/// What sits at an end of the integration interval.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum End {
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
pub(super) fn integrate(
    f: &mut impl Integrand,
    l: f64,
    r: f64,
    ends: [End; 2],
    scale: f64,
) -> [f64; 2] {
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
