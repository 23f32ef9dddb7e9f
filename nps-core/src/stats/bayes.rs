//! Bayesian credible intervals (placeholder being replaced).
use super::{Bayes, Effective};
use crate::error::{Error, Result};

pub(super) fn interval(_e: &Effective, _b: &Bayes, _confidence: f64) -> Result<(f64, f64, f64)> {
    Err(Error::Numerical {
        what: "bayes interval not yet implemented",
    })
}
