//! Latest answer per respondent.

use std::hash::Hash;

use super::hash::{map_with_capacity, FastMap};
use super::Respondents;

/// Rows to keep: each respondent's latest response among the rows where
/// `present` is true (all rows when `None`), overall, or per group when
/// `groups` (a group id per row) is given; the others are not kept. On a
/// timestamp tie the later row wins.
pub(super) fn latest_rows(
    resp: &Respondents<'_>,
    ts: Option<&[i64]>,
    present: Option<&[bool]>,
    groups: Option<&[u32]>,
) -> Vec<bool> {
    fn pick<K: Copy + Eq + Hash>(
        rows: usize,
        id: impl Fn(usize) -> K,
        ts: Option<&[i64]>,
        present: Option<&[bool]>,
    ) -> Vec<bool> {
        let mut best: FastMap<K, usize> = map_with_capacity(1024);
        for row in 0..rows {
            if present.is_some_and(|p| !p[row]) {
                continue;
            }
            best.entry(id(row))
                .and_modify(|b| {
                    // Rows come in order, so ">=" prefers the later row on a tie.
                    if ts.is_none_or(|t| t[row] >= t[*b]) {
                        *b = row;
                    }
                })
                .or_insert(row);
        }
        let mut keep = vec![false; rows];
        for &row in best.values() {
            keep[row] = true;
        }
        keep
    }
    fn by<K: Copy + Eq + Hash>(
        ids: &[K],
        ts: Option<&[i64]>,
        present: Option<&[bool]>,
        groups: Option<&[u32]>,
    ) -> Vec<bool> {
        match groups {
            Some(g) => pick(ids.len(), |r| (ids[r], g[r]), ts, present),
            None => pick(ids.len(), |r| ids[r], ts, present),
        }
    }
    match *resp {
        Respondents::U64(r) => by(r, ts, present, groups),
        Respondents::I64(r) => by(r, ts, present, groups),
        Respondents::Str(r) => by(r, ts, present, groups),
    }
}
