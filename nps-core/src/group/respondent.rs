//! Latest answer per respondent.

use std::hash::Hash;

use super::hash::{map_with_capacity, FastMap};
use super::Respondents;

/// Rows to keep: each respondent's latest response among the rows where
/// `present` is true (all rows when `None`); the others are not kept.
pub(super) fn latest_rows(
    resp: &Respondents<'_>,
    ts: Option<&[i64]>,
    present: Option<&[bool]>,
) -> Vec<bool> {
    fn pick<K: Copy + Eq + Hash>(
        ids: &[K],
        ts: Option<&[i64]>,
        present: Option<&[bool]>,
    ) -> Vec<bool> {
        let mut best: FastMap<K, usize> = map_with_capacity(1024);
        for (row, &id) in ids.iter().enumerate() {
            if present.is_some_and(|p| !p[row]) {
                continue;
            }
            best.entry(id)
                .and_modify(|b| {
                    // Rows come in order, so ">=" prefers the later row on a tie.
                    if ts.is_none_or(|t| t[row] >= t[*b]) {
                        *b = row;
                    }
                })
                .or_insert(row);
        }
        let mut keep = vec![false; ids.len()];
        for &row in best.values() {
            keep[row] = true;
        }
        keep
    }
    match *resp {
        Respondents::U64(r) => pick(r, ts, present),
        Respondents::I64(r) => pick(r, ts, present),
        Respondents::Str(r) => pick(r, ts, present),
    }
}
