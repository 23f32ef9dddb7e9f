//! Tallies: the unit of aggregation.
//!
//! A [`Tally`] holds the 11 counts of the scores 0..=10. Tallies merge by
//! addition — associative, commutative, with [`Tally::EMPTY`] as identity —
//! which is what makes grouped, incremental and distributed computation
//! exact. [`WeightedTally`] is the survey-weighted variant.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::parallel::map_parts;
use crate::score::{category_of, Category, ScoreValue};

/// What a batch function does with an invalid value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidPolicy {
    /// Reject the whole batch with an error naming the first invalid row.
    #[default]
    Raise,
    /// Drop invalid rows (NaN, 11, 6.5, ...) and count them.
    Skip,
}

/// Detractor, passive and promoter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct CategoryCounts {
    /// Number of detractors.
    pub detractors: u64,
    /// Number of passives.
    pub passives: u64,
    /// Number of promoters.
    pub promoters: u64,
}

impl InvalidPolicy {
    /// Parses `"raise"` or `"skip"`.
    pub fn from_name(name: &str) -> Result<InvalidPolicy> {
        match name {
            "raise" => Ok(InvalidPolicy::Raise),
            "skip" => Ok(InvalidPolicy::Skip),
            other => Err(Error::arg(
                "invalid",
                format!("unknown invalid-value policy `{other}` (expected raise or skip)"),
            )),
        }
    }
}

impl CategoryCounts {
    /// Builds counts.
    pub const fn new(detractors: u64, passives: u64, promoters: u64) -> CategoryCounts {
        CategoryCounts {
            detractors,
            passives,
            promoters,
        }
    }

    /// Total responses; saturates at `u64::MAX` (construct through
    /// [`Tally::from_categories`] to have overflow rejected).
    pub fn n(&self) -> u64 {
        self.detractors
            .saturating_add(self.passives)
            .saturating_add(self.promoters)
    }

    fn checked_n(&self) -> Option<u64> {
        self.detractors
            .checked_add(self.passives)?
            .checked_add(self.promoters)
    }

    fn checked_add(&self, o: &CategoryCounts) -> Option<CategoryCounts> {
        Some(CategoryCounts {
            detractors: self.detractors.checked_add(o.detractors)?,
            passives: self.passives.checked_add(o.passives)?,
            promoters: self.promoters.checked_add(o.promoters)?,
        })
    }
}

/// The 11 counts of the scores 0..=10 (or, when built from category counts
/// only, the three category counts).
///
/// ```
/// use nps_core::{NpsSample, Tally};
/// let t = Tally::from_scores(&[10u8, 9, 8, 3, 10, 6]).unwrap();
/// assert_eq!(t.n(), 6);
/// assert_eq!(t.categories().promoters, 3);
/// assert!((t.nps().unwrap() - 100.0 / 6.0).abs() < 1e-12);
/// let u = Tally::from_categories(1, 2, 3).unwrap();
/// let both = t.merge(&u).unwrap();
/// assert_eq!(both.n(), 12);
/// assert!(both.counts().is_none()); // score detail is lost when merging with category-only counts
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TallySpec")]
pub struct Tally {
    counts: Option<[u64; 11]>,
    categories: CategoryCounts,
}

/// Unvalidated serialized form of a [`Tally`].
#[derive(Deserialize)]
struct TallySpec {
    counts: Option<[u64; 11]>,
    categories: CategoryCounts,
}

impl TryFrom<TallySpec> for Tally {
    type Error = Error;
    /// Deserialized tallies are checked like constructed ones: the category
    /// counts must be the sums of the score counts, and totals must fit.
    fn try_from(s: TallySpec) -> Result<Tally> {
        match s.counts {
            Some(counts) => {
                let t = Tally::from_counts(counts)?;
                if t.categories != s.categories {
                    return Err(Error::arg(
                        "categories",
                        "category counts disagree with the score counts",
                    ));
                }
                Ok(t)
            }
            None => Tally::from_categories(
                s.categories.detractors,
                s.categories.passives,
                s.categories.promoters,
            ),
        }
    }
}

impl Default for Tally {
    fn default() -> Tally {
        Tally::EMPTY
    }
}

/// A tally of a column together with the number of invalid rows skipped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ColumnTally<T> {
    /// The tally of the valid rows.
    pub tally: T,
    /// Invalid rows dropped under [`InvalidPolicy::Skip`] (always 0 under `Raise`).
    pub skipped: u64,
}

impl Tally {
    /// The empty tally: identity of [`merge`](Tally::merge).
    pub const EMPTY: Tally = Tally {
        counts: Some([0; 11]),
        categories: CategoryCounts::new(0, 0, 0),
    };

    /// A tally from the counts of the scores 0..=10; errors if the total
    /// overflows `u64`.
    pub fn from_counts(counts: [u64; 11]) -> Result<Tally> {
        let mut c = CategoryCounts::default();
        let mut total: u64 = 0;
        for (s, &k) in counts.iter().enumerate() {
            // Not `ok_or`: that would build (and drop) the error for every
            // count of every group.
            let Some(sum) = total.checked_add(k) else {
                return Err(Error::Overflow {
                    what: "total of the score counts",
                });
            };
            total = sum;
            match category_of(s as u8) {
                Category::Detractor => c.detractors += k,
                Category::Passive => c.passives += k,
                Category::Promoter => c.promoters += k,
            }
        }
        Ok(Tally {
            counts: Some(counts),
            categories: c,
        })
    }

    /// A tally from category counts only (no per-score detail, so no mean
    /// score). All zeros give [`Tally::EMPTY`], which keeps score detail when
    /// merged.
    pub fn from_categories(detractors: u64, passives: u64, promoters: u64) -> Result<Tally> {
        if (detractors, passives, promoters) == (0, 0, 0) {
            return Ok(Tally::EMPTY);
        }
        let categories = CategoryCounts::new(detractors, passives, promoters);
        categories.checked_n().ok_or(Error::Overflow {
            what: "total of the category counts",
        })?;
        Ok(Tally {
            counts: None,
            categories,
        })
    }

    /// Tallies a column of scores of any numeric type, rejecting the batch at
    /// the first invalid value ([`Error::InvalidScore`] with its row).
    pub fn from_scores<T: ScoreValue>(values: &[T]) -> Result<Tally> {
        Ok(Tally::from_column(values, InvalidPolicy::Raise)?.tally)
    }

    /// Tallies a column under an [`InvalidPolicy`]. Large columns are split
    /// across threads; `u8` columns use a SIMD kernel.
    pub fn from_column<T: ScoreValue>(
        values: &[T],
        invalid: InvalidPolicy,
    ) -> Result<ColumnTally<Tally>> {
        let parts = map_parts(values, 1 << 20, |_, part| T::count_scores(part));
        let mut counts = [0u64; 11];
        for p in &parts {
            for (c, k) in counts.iter_mut().zip(p) {
                *c += k;
            }
        }
        let valid: u64 = counts.iter().sum();
        let skipped = values.len() as u64 - valid;
        if skipped > 0 && invalid == InvalidPolicy::Raise {
            // Error path only: find the first invalid row.
            if let Some(index) = values.iter().position(|v| v.to_score().is_none()) {
                return Err(Error::InvalidScore {
                    index,
                    value: values[index].to_report(),
                    min: 0,
                    max: 10,
                });
            }
        }
        Ok(ColumnTally {
            tally: Tally::from_counts(counts)?,
            skipped,
        })
    }

    /// Counts of the scores 0..=10, or `None` for a tally built from category
    /// counts (or merged with one).
    pub fn counts(&self) -> Option<&[u64; 11]> {
        self.counts.as_ref()
    }

    /// Detractor, passive and promoter counts.
    pub fn categories(&self) -> CategoryCounts {
        self.categories
    }

    /// Number of responses.
    pub fn n(&self) -> u64 {
        self.categories.n()
    }

    /// True when the tally holds no responses.
    pub fn is_empty(&self) -> bool {
        self.n() == 0
    }

    /// Adds one valid score.
    pub fn add_score(&mut self, score: crate::Score) -> Result<()> {
        let mut one = [0u64; 11];
        one[score.get() as usize] = 1;
        *self = self.merge(&Tally::from_counts(one)?)?;
        Ok(())
    }

    /// Merges two tallies (addition). Errors only if a count overflows `u64`.
    pub fn merge(&self, other: &Tally) -> Result<Tally> {
        let overflow = Error::Overflow {
            what: "merged tally",
        };
        let categories = self
            .categories
            .checked_add(&other.categories)
            .ok_or(overflow.clone())?;
        categories.checked_n().ok_or(overflow.clone())?;
        let counts = match (self.counts, other.counts) {
            (Some(a), Some(b)) => {
                let mut c = [0u64; 11];
                for i in 0..11 {
                    c[i] = a[i].checked_add(b[i]).ok_or(overflow.clone())?;
                }
                Some(c)
            }
            _ => None,
        };
        Ok(Tally { counts, categories })
    }

    /// Mean score 0..=10. [`Error::NoData`] for an empty tally; also an error
    /// for a tally without per-score counts.
    pub fn mean_score(&self) -> Result<f64> {
        let counts = self.counts.ok_or(Error::NoData {
            what: "mean score (the tally holds category counts only)",
        })?;
        let n = self.n();
        if n == 0 {
            return Err(Error::NoData { what: "mean score" });
        }
        let sum: f64 = counts
            .iter()
            .enumerate()
            .map(|(s, &k)| s as f64 * k as f64)
            .sum();
        Ok(sum / n as f64)
    }
}

/// Per-type score counting; `u8` gets a SIMD kernel.
pub(crate) trait CountScores: Sized {
    fn count_scores(part: &[Self]) -> [u64; 11];
}

impl<T: ScoreValue> CountScores for T {
    #[inline]
    fn count_scores(part: &[T]) -> [u64; 11] {
        // Route u8 columns to the SIMD kernel (no specialization on stable).
        if std::any::TypeId::of::<T>() == std::any::TypeId::of::<u8>() {
            // SAFETY: T is u8 (checked just above), so the slice has the same layout.
            let bytes =
                unsafe { std::slice::from_raw_parts(part.as_ptr() as *const u8, part.len()) };
            return kernel::count_u8(bytes);
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { count_any_avx2(part) };
        }
        count_any(part)
    }
}

/// [`count_any`] compiled for AVX2 (which implies SSE4.1): `f64::fract` in
/// the float validation becomes one rounding instruction instead of a call
/// into libm, and the integer range checks vectorise.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count_any_avx2<T: ScoreValue>(part: &[T]) -> [u64; 11] {
    count_any(part)
}

/// Counts the valid scores of any type. Four sets of counters, one per row
/// modulo 4: runs of equal scores (common in survey data) then do not wait
/// on each other's increments.
#[inline(always)]
fn count_any<T: ScoreValue>(part: &[T]) -> [u64; 11] {
    let mut c = [[0u64; 11]; 4];
    let quads = part.chunks_exact(4);
    let rem = quads.remainder();
    for q in quads {
        for (cj, &v) in c.iter_mut().zip(q) {
            if let Some(s) = v.to_score() {
                cj[s as usize] += 1;
            }
        }
    }
    for &v in rem {
        if let Some(s) = v.to_score() {
            c[0][s as usize] += 1;
        }
    }
    let mut counts = [0u64; 11];
    for cj in &c {
        for (t, x) in counts.iter_mut().zip(cj) {
            *t += x;
        }
    }
    counts
}

mod kernel {
    //! Counting bytes equal to 0..=10; bytes > 10 are simply not counted
    //! (callers detect them from the total).
    //!
    //! With AVX2, by table lookups: `vpshufb` maps each byte to a one in
    //! the low or the high nibble of a byte, so one lookup and one add
    //! count two scores in 32 rows at once (the compare-and-add of each
    //! score, 22 operations per 32 rows, became 12: 1.4x on one core,
    //! where counting was compute-bound; see `benches/README.md`). Nibble
    //! counters take 15 vectors, then go into byte counters, which take
    //! 255 vectors (a block), then into the totals. Scores 0..=9 are
    //! looked up (five tables) and a block's 10s are the rest of its rows,
    //! which holds when no byte of the block is above 10 (its largest byte
    //! is kept on the way); a block with such a byte is counted again
    //! exactly (bytes clamped to 15, a sixth table for 10 and the invalid
    //! bytes), and so is the rest of the column, which is likely to hold
    //! more of them. Without AVX2: per block of `255 * L` bytes, each score
    //! keeps `L` byte-wide lane counters (compare, then add), which the
    //! compiler turns into vector compares and adds.

    /// Software prefetch distance of the AVX2 kernel: the data are read once,
    /// sequentially, and the kernel's compute leaves too little slack for the
    /// hardware prefetcher alone to keep a single core's reads at memory
    /// bandwidth (about +20 % per core from main memory on the reference
    /// machine; see `benches/README.md`).
    #[cfg(target_arch = "x86_64")]
    const PREFETCH: usize = 4096;

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn prefetch(p: *const u8) {
        // SAFETY: a prefetch is only a hint: it never faults and reads
        // nothing, whatever the address (which may lie past the slice).
        unsafe { std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0) };
    }

    /// Compare-and-add counting in `L` byte lanes (the kernel without AVX2).
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn count_lanes<const L: usize>(data: &[u8], counts: &mut [u64; 11]) {
        let block_len = 255 * L;
        for block in data.chunks(block_len) {
            let mut acc = [[0u8; L]; 11];
            let chunks = block.chunks_exact(L);
            let rem = chunks.remainder();
            for c in chunks {
                for (k, a) in acc.iter_mut().enumerate() {
                    for j in 0..L {
                        a[j] = a[j].wrapping_add((c[j] == k as u8) as u8);
                    }
                }
            }
            for (k, a) in acc.iter().enumerate() {
                counts[k] += a.iter().map(|&x| u64::from(x)).sum::<u64>();
            }
            count_plain(rem, counts);
        }
    }

    /// The bytes 0..=10 of `data`, one by one.
    fn count_plain(data: &[u8], counts: &mut [u64; 11]) {
        for &b in data {
            if b <= 10 {
                counts[b as usize] += 1;
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    mod lookup {
        use std::arch::x86_64::*;

        /// Bytes per block: 255 vectors, as many as a byte counter takes.
        pub(super) const BLOCK: usize = 32 * 255;

        /// Lookup table `j` (both 128-bit halves alike): byte `2j` → 1 (the
        /// low nibble), `2j + 1` → 16 (the high nibble); in the exact
        /// kernel's sixth table (`j` = 5) the clamped invalid bytes 11..=15
        /// go to the high nibble too.
        ///
        /// # Safety
        /// The CPU supports AVX2 (every function here is inlined into
        /// [`count`], which enables it: a function with AVX2 enabled of
        /// its own may stay out of line, and then each intrinsic is a
        /// call).
        #[inline(always)]
        unsafe fn table(j: usize) -> __m256i {
            let mut t = [0u8; 32];
            for v in 0..16 {
                t[v] = if v == 2 * j {
                    1
                } else if v == 2 * j + 1 || (j == 5 && v > 10) {
                    16
                } else {
                    0
                };
                t[v + 16] = t[v];
            }
            // SAFETY: `t` is 32 bytes; an unaligned load.
            unsafe { _mm256_loadu_si256(t.as_ptr() as *const __m256i) }
        }

        /// The sum of the 32 byte counters of `v`.
        ///
        /// # Safety
        /// As [`table`].
        #[inline(always)]
        unsafe fn byte_sum(v: __m256i) -> u64 {
            let mut l = [0u64; 4];
            // SAFETY: AVX2 (the caller's promise); `l` is 32 bytes, an
            // unaligned store.
            unsafe {
                let s = _mm256_sad_epu8(v, _mm256_setzero_si256());
                _mm256_storeu_si256(l.as_mut_ptr() as *mut __m256i, s);
            }
            l[0] + l[1] + l[2] + l[3]
        }

        /// Counts of one block (whole vectors, at most [`BLOCK`] bytes)
        /// through `T` tables: slot `2j` / `2j + 1` holds the bytes table
        /// `j` sends to the low / high nibble; and the block's largest
        /// byte (when not `EXACT`). `EXACT` clamps bytes to 15 first.
        ///
        /// # Safety
        /// As [`table`].
        #[inline(always)]
        unsafe fn block<const T: usize, const EXACT: bool>(
            data: &[u8],
            tables: &[__m256i; T],
        ) -> ([u64; 12], u8) {
            // SAFETY: AVX2 (the caller's promise); loads and stores of
            // 32-byte slices and arrays, unaligned.
            unsafe {
                // Index loops only: in a build without LTO, iterator
                // adaptors called here may stay out of line (a call per
                // vector, 4 GB/s instead of 29).
                let low = _mm256_set1_epi8(0x0f);
                let fifteen = _mm256_set1_epi8(15);
                let mut bytes = [_mm256_setzero_si256(); 12];
                let mut top = _mm256_setzero_si256();
                let vectors = data.len() / 32;
                let at = data.as_ptr();
                let mut i = 0;
                while i < vectors {
                    let run = (vectors - i).min(15);
                    let mut nibbles = [_mm256_setzero_si256(); T];
                    for k in i..i + run {
                        let c = at.add(32 * k);
                        super::prefetch(c.wrapping_add(super::PREFETCH));
                        let mut v = _mm256_loadu_si256(c as *const __m256i);
                        if EXACT {
                            v = _mm256_min_epu8(v, fifteen);
                        } else {
                            top = _mm256_max_epu8(top, v);
                        }
                        for j in 0..T {
                            nibbles[j] =
                                _mm256_add_epi8(nibbles[j], _mm256_shuffle_epi8(tables[j], v));
                        }
                    }
                    for j in 0..T {
                        let n = nibbles[j];
                        let lo = _mm256_and_si256(n, low);
                        let hi = _mm256_and_si256(_mm256_srli_epi16::<4>(n), low);
                        bytes[2 * j] = _mm256_add_epi8(bytes[2 * j], lo);
                        bytes[2 * j + 1] = _mm256_add_epi8(bytes[2 * j + 1], hi);
                    }
                    i += run;
                }
                let mut out = [0u64; 12];
                for j in 0..2 * T {
                    out[j] = byte_sum(bytes[j]);
                }
                let mut t = [0u8; 32];
                _mm256_storeu_si256(t.as_mut_ptr() as *mut __m256i, top);
                let mut largest = 0;
                for b in t {
                    largest = largest.max(b);
                }
                (out, largest)
            }
        }

        /// The counts of `data` (whole vectors) added to `counts`.
        #[target_feature(enable = "avx2")]
        pub(super) fn count(data: &[u8], counts: &mut [u64; 11]) {
            // SAFETY (each call below): AVX2 is enabled in this function.
            let tables = unsafe { [table(0), table(1), table(2), table(3), table(4), table(5)] };
            let fast = [tables[0], tables[1], tables[2], tables[3], tables[4]];
            let mut exact = false;
            let mut at = 0;
            while at < data.len() {
                let b = &data[at..data.len().min(at + BLOCK)];
                at += b.len();
                if !exact {
                    let (c, top) = unsafe { block::<5, false>(b, &fast) };
                    if top <= 10 {
                        let mut rest = b.len() as u64;
                        for s in 0..10 {
                            counts[s] += c[s];
                            rest -= c[s];
                        }
                        counts[10] += rest;
                        continue;
                    }
                    exact = true;
                }
                let (c, _) = unsafe { block::<6, true>(b, &tables) };
                for s in 0..11 {
                    counts[s] += c[s];
                }
            }
        }
    }

    pub(super) fn count_u8(data: &[u8]) -> [u64; 11] {
        let mut counts = [0u64; 11];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                let (whole, tail) = data.split_at(data.len() / 32 * 32);
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { lookup::count(whole, &mut counts) };
                count_plain(tail, &mut counts);
                return counts;
            }
        }
        count_lanes::<16>(data, &mut counts);
        counts
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use proptest::prelude::*;

        fn plain(data: &[u8]) -> [u64; 11] {
            let mut c = [0u64; 11];
            count_plain(data, &mut c);
            c
        }

        /// Lengths around the vector, run and block sizes; columns of valid
        /// scores, of 10s only (the rest of a block), with invalid bytes in
        /// some blocks (bytes whose low nibble is a score: 16 + s, 128 + s),
        /// and of invalid bytes only.
        #[test]
        fn counts_equal_a_plain_count() {
            let mut x = 5u64;
            let mut next = || {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (x >> 33) as u8
            };
            #[cfg(target_arch = "x86_64")]
            let lens = [
                0,
                1,
                31,
                32,
                33,
                480,
                481,
                lookup::BLOCK - 1,
                lookup::BLOCK,
                lookup::BLOCK + 33,
                3 * lookup::BLOCK + 17,
            ];
            #[cfg(not(target_arch = "x86_64"))]
            let lens = [0, 1, 31, 32, 33, 480, 481, 8159, 8160, 8193, 24497];
            for n in lens {
                let valid: Vec<u8> = (0..n).map(|_| next() % 11).collect();
                let tens = vec![10u8; n];
                let mut dirty = valid.clone();
                if n > 0 {
                    for i in [n / 3, n - 1] {
                        dirty[i] = [11, 15, 16, 16 + 3, 128 + 10, 255][i % 6];
                    }
                }
                let junk: Vec<u8> = (0..n).map(|_| 11 + next() % 245).collect();
                for data in [&valid, &tens, &dirty, &junk] {
                    assert_eq!(count_u8(data), plain(data), "{n} bytes");
                    let mut c = [0u64; 11];
                    count_lanes::<16>(data, &mut c);
                    assert_eq!(c, plain(data), "{n} bytes, lanes");
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(100))]
            /// Any bytes, mostly scores.
            #[test]
            fn any_bytes_count_as_one_by_one(
                data in proptest::collection::vec(
                    prop_oneof![20 => 0u8..=10, 1 => any::<u8>()], 0..20_000),
                skip in 0usize..64,
            ) {
                let data = &data[skip.min(data.len())..];
                prop_assert_eq!(count_u8(data), plain(data));
            }
        }
    }
}

/// The range of one positive survey weight: **[1e−100, 1e100]** (a weight
/// of exactly 0 is also valid: the row counts but weighs nothing).
///
/// Inside it every sum the weighted statistics need stays finite and exact
/// enough, even for 2^64 rows: Σw ≤ 1.8e119, Σw² ≤ 1.8e219, (Σw)² ≤ 3.4e238,
/// and a positive w² ≥ 1e−200 never underflows to 0. Outside it a weight
/// of 1e155 made Σw² infinite (NPS "no data", effective n NaN) and a
/// weight of 3.1e−214 squared to 0 (a false "no data" for a valid
/// response), so any other weight (negative, NaN, infinite, or positive
/// outside the range) is [`Error::InvalidWeight`] naming the row. Rescale
/// survey weights that are meant relatively (NPS, shares, effective n and
/// the mean do not depend on the scale).
pub const WEIGHT_RANGE: std::ops::RangeInclusive<f64> = 1e-100..=1e100;

/// Whether `w` is a valid weight: 0 or in [`WEIGHT_RANGE`].
fn valid_weight(w: f64) -> bool {
    w == 0.0 || WEIGHT_RANGE.contains(&w)
}

/// A survey-weighted tally: per score, the raw count, the sum of weights and
/// the sum of squared weights (for Kish's effective sample size).
/// Deserialization, [`merge`](WeightedTally::merge) and every statistic
/// check the tally with [`validate`](WeightedTally::validate), so a
/// hand-built tally with a weight but no responses, or sums no rows in
/// [`WEIGHT_RANGE`] can give, is an error, never a number.
///
/// ```
/// use nps_core::{InvalidPolicy, NpsSample, WeightedTally};
/// let w = WeightedTally::from_columns(&[10u8, 0, 9], &[2.0, 1.0, 1.0], InvalidPolicy::Raise)
///     .unwrap()
///     .tally;
/// assert!((w.nps().unwrap() - 50.0).abs() < 1e-12); // (3 - 1) / 4
/// assert!((w.effective_n() - 16.0 / 6.0).abs() < 1e-12); // (sum w)^2 / sum w^2
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "WeightedSpec")]
pub struct WeightedTally {
    /// Raw number of responses per score.
    pub counts: [u64; 11],
    /// Sum of weights per score.
    pub weights: [f64; 11],
    /// Sum of squared weights per score.
    pub weights_sq: [f64; 11],
}

#[derive(Deserialize)]
struct WeightedSpec {
    counts: [u64; 11],
    weights: [f64; 11],
    weights_sq: [f64; 11],
}

impl TryFrom<WeightedSpec> for WeightedTally {
    type Error = Error;
    fn try_from(s: WeightedSpec) -> Result<WeightedTally> {
        let t = WeightedTally {
            counts: s.counts,
            weights: s.weights,
            weights_sq: s.weights_sq,
        };
        t.validate()?;
        Ok(t)
    }
}

impl From<Tally> for WeightedTally {
    /// Every response weighs 1. A category-only tally puts its counts on the
    /// scores 0, 7 and 9 (only category statistics are meaningful then).
    fn from(t: Tally) -> WeightedTally {
        let counts = t.counts.unwrap_or_else(|| {
            let mut c = [0u64; 11];
            c[0] = t.categories.detractors;
            c[7] = t.categories.passives;
            c[9] = t.categories.promoters;
            c
        });
        let w = counts.map(|k| k as f64);
        WeightedTally {
            counts,
            weights: w,
            weights_sq: w,
        }
    }
}

impl WeightedTally {
    /// Tallies scores with one weight per row. Each weight must be 0 or in
    /// [`WEIGHT_RANGE`] ([`Error::InvalidWeight`] naming the row otherwise,
    /// in both policies); invalid scores follow `invalid`.
    ///
    /// ```
    /// use nps_core::{ErrorKind, InvalidPolicy, WeightedTally};
    /// let huge = WeightedTally::from_columns(&[9u8, 3], &[1e155, 1.0], InvalidPolicy::Raise);
    /// assert_eq!(huge.unwrap_err().index(), Some(0));
    /// let tiny = WeightedTally::from_columns(&[9u8], &[3.1e-214], InvalidPolicy::Raise);
    /// assert_eq!(tiny.unwrap_err().kind(), ErrorKind::InvalidWeight);
    /// ```
    pub fn from_columns<T: ScoreValue>(
        values: &[T],
        weights: &[f64],
        invalid: InvalidPolicy,
    ) -> Result<ColumnTally<WeightedTally>> {
        Error::check_len("weights", weights.len(), "scores", values.len())?;
        let mut t = WeightedTally::default();
        let mut skipped = 0u64;
        for (index, (&v, &w)) in values.iter().zip(weights).enumerate() {
            if !valid_weight(w) {
                return Err(Error::InvalidWeight { index, value: w });
            }
            match v.to_score() {
                Some(s) => {
                    let s = s as usize;
                    t.counts[s] += 1;
                    t.weights[s] += w;
                    t.weights_sq[s] += w * w;
                }
                None if invalid == InvalidPolicy::Skip => skipped += 1,
                None => {
                    return Err(Error::InvalidScore {
                        index,
                        value: v.to_report(),
                        min: 0,
                        max: 10,
                    })
                }
            }
        }
        Ok(ColumnTally { tally: t, skipped })
    }

    /// Checks that the sums are ones that rows with weights in
    /// [`WEIGHT_RANGE`] can produce: per score (the `index` of the error),
    /// the sums are finite and ≥ 0 ([`Error::InvalidWeight`]); a score
    /// without responses has no weight; a positive weight sum lies in
    /// [1e−100, count·1e100] and a positive squared sum in
    /// [1e−200, count·1e200]; a sum is 0 exactly when its squared sum is;
    /// and the two agree with Kish's bounds (1 ≤ effective n ≤ count, to
    /// a relative 1e−6) — else [`Error::InvalidValue`] naming `weights`
    /// or `weights_sq` and the score.
    ///
    /// ```
    /// use nps_core::{NpsSample, WeightedTally};
    /// // A hand-built tally with a weight on score 10 but no responses.
    /// let mut w = WeightedTally::default();
    /// w.weights[10] = 1.0;
    /// w.weights_sq[10] = 1.0;
    /// assert_eq!(w.validate().unwrap_err().index(), Some(10));
    /// assert!(w.nps().is_err()); // not 100
    /// ```
    pub fn validate(&self) -> Result<()> {
        const SLACK: f64 = 1.0 + 1e-6;
        let (lo, hi) = (*WEIGHT_RANGE.start(), *WEIGHT_RANGE.end());
        for (i, &w) in self.weights.iter().chain(&self.weights_sq).enumerate() {
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidWeight {
                    index: i % 11,
                    value: w,
                });
            }
        }
        self.counts
            .iter()
            .try_fold(0u64, |a, &k| a.checked_add(k))
            .ok_or(Error::Overflow {
                what: "total of the weighted tally's counts",
            })?;
        for s in 0..11 {
            let (k, w, w2) = (self.counts[s] as f64, self.weights[s], self.weights_sq[s]);
            let bad = |name: &str, why: String| Err(Error::value(name, s, why));
            if self.counts[s] == 0 && (w != 0.0 || w2 != 0.0) {
                return bad(
                    "weights",
                    format!("score {s} has weight {w} (squared {w2}) but no responses"),
                );
            }
            if (w == 0.0) != (w2 == 0.0) {
                return bad(
                    "weights_sq",
                    format!("score {s}: a weight sum of {w} with a squared sum of {w2}"),
                );
            }
            if w == 0.0 {
                continue;
            }
            if !(lo..=k * hi * SLACK).contains(&w) {
                return bad(
                    "weights",
                    format!("score {s}: a weight sum of {w} for {k} responses is outside what weights in [1e-100, 1e100] give"),
                );
            }
            if !(lo * lo..=k * hi * hi * SLACK).contains(&w2) {
                return bad(
                    "weights_sq",
                    format!("score {s}: a squared weight sum of {w2} for {k} responses is outside what weights in [1e-100, 1e100] give"),
                );
            }
            // Σw² ≤ (Σw)² ≤ k·Σw² for weights ≥ 0.
            if w2 > w * w * SLACK || w * w > k * w2 * SLACK {
                return bad(
                    "weights_sq",
                    format!("score {s}: a squared weight sum of {w2} is inconsistent with a weight sum of {w} over {k} responses"),
                );
            }
        }
        Ok(())
    }

    /// Merges two weighted tallies (addition). Both are
    /// [validated](WeightedTally::validate) first.
    pub fn merge(&self, other: &WeightedTally) -> Result<WeightedTally> {
        self.validate()?;
        other.validate()?;
        let mut out = *self;
        for i in 0..11 {
            out.counts[i] = out.counts[i]
                .checked_add(other.counts[i])
                .ok_or(Error::Overflow {
                    what: "merged weighted tally",
                })?;
            out.weights[i] += other.weights[i];
            out.weights_sq[i] += other.weights_sq[i];
        }
        Ok(out)
    }

    /// Merges a plain tally into a weighted one, every plain response
    /// weighing 1: the rule for adding a weighted and an unweighted sample.
    /// A tally of category counts only cannot be merged (its scores are
    /// unknown): [`Error::InvalidArgument`] naming `tally`.
    ///
    /// ```
    /// use nps_core::{InvalidPolicy, Tally, WeightedTally};
    /// let w = WeightedTally::from_columns(&[10u8, 0], &[2.0, 1.0], InvalidPolicy::Raise)?.tally;
    /// let t = Tally::from_scores(&[9u8, 7])?;
    /// let m = w.merge_tally(&t)?;
    /// assert_eq!((m.n(), m.total_weight()), (4, 5.0));
    /// let categories_only = Tally::from_categories(1, 0, 0)?;
    /// assert_eq!(w.merge_tally(&categories_only).unwrap_err().argument(), Some("tally"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge_tally(&self, tally: &Tally) -> Result<WeightedTally> {
        if tally.counts().is_none() {
            return Err(Error::arg(
                "tally",
                "cannot merge a weighted tally with a tally of category counts only",
            ));
        }
        self.merge(&WeightedTally::from(*tally))
    }

    /// Raw number of responses.
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Raw (unweighted) detractor, passive and promoter counts: the scores
    /// 0–6, 7–8 and 9–10 of the standard scale.
    ///
    /// ```
    /// use nps_core::{CategoryCounts, InvalidPolicy, WeightedTally};
    /// let w = WeightedTally::from_columns(&[10u8, 0, 7, 6], &[2.0, 1.0, 1.0, 0.5], InvalidPolicy::Raise)?.tally;
    /// assert_eq!(w.category_counts(), CategoryCounts::new(2, 1, 1));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn category_counts(&self) -> CategoryCounts {
        let mut c = CategoryCounts::default();
        for (s, &k) in self.counts.iter().enumerate() {
            match category_of(s as u8) {
                Category::Detractor => c.detractors += k,
                Category::Passive => c.passives += k,
                Category::Promoter => c.promoters += k,
            }
        }
        c
    }

    /// Sum of all weights.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// Kish's effective sample size (Σw)² / Σw²; 0 when all weights are 0.
    /// Finite for every tally whose sums are finite (computed as
    /// (Σw / √Σw²)² when (Σw)² would overflow).
    pub fn effective_n(&self) -> f64 {
        let sw = self.total_weight();
        let sw2: f64 = self.weights_sq.iter().sum();
        if sw2 > 0.0 {
            let n = sw * sw / sw2;
            if n.is_finite() {
                n
            } else {
                (sw / sw2.sqrt()).powi(2)
            }
        } else {
            0.0
        }
    }

    /// Weighted detractor, passive and promoter totals.
    pub fn category_weights(&self) -> [f64; 3] {
        let mut c = [0.0; 3];
        for (s, &w) in self.weights.iter().enumerate() {
            c[category_of(s as u8) as usize] += w;
        }
        c
    }

    /// Weighted mean score.
    pub fn mean_score(&self) -> Result<f64> {
        self.validate()?;
        let sw = self.total_weight();
        if sw <= 0.0 {
            return Err(Error::NoData {
                what: "weighted mean score",
            });
        }
        Ok(self
            .weights
            .iter()
            .enumerate()
            .map(|(s, &w)| s as f64 * w)
            .sum::<f64>()
            / sw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialization_validates() {
        let ok = r#"{"counts":[1,0,0,0,0,0,0,2,0,3,0],"categories":{"detractors":1,"passives":2,"promoters":3}}"#;
        let t: Tally = serde_json::from_str(ok).unwrap();
        assert_eq!(t.n(), 6);
        let bad = r#"{"counts":[1,0,0,0,0,0,0,2,0,3,0],"categories":{"detractors":9,"passives":2,"promoters":3}}"#;
        assert!(serde_json::from_str::<Tally>(bad).is_err());
        let neg = r#"{"counts":[1,0,0,0,0,0,0,0,0,0,0],"weights":[-1,0,0,0,0,0,0,0,0,0,0],"weights_sq":[1,0,0,0,0,0,0,0,0,0,0]}"#;
        assert!(serde_json::from_str::<WeightedTally>(neg).is_err());
        // Issue 10 (5): a weight without responses is refused on the way in.
        let ghost = r#"{"counts":[0,0,0,0,0,0,0,0,0,0,0],"weights":[0,0,0,0,0,0,0,0,0,0,1],"weights_sq":[0,0,0,0,0,0,0,0,0,0,1]}"#;
        assert!(serde_json::from_str::<WeightedTally>(ghost).is_err());
    }

    /// Issue 10 (5): weights that overflow or underflow are rejected naming
    /// the row; a hand-built tally with weight and no responses is not NPS
    /// 100; every accepted weight gives finite statistics, never a false
    /// "no data".
    #[test]
    fn extreme_weights_are_rejected_or_finite() {
        use crate::{ErrorKind, NpsSample};
        let huge = WeightedTally::from_columns(&[9u8, 3], &[1e155, 1.0], InvalidPolicy::Raise)
            .unwrap_err();
        assert_eq!(
            (huge.kind(), huge.index()),
            (ErrorKind::InvalidWeight, Some(0))
        );
        let tiny =
            WeightedTally::from_columns(&[9u8], &[3.1e-214], InvalidPolicy::Raise).unwrap_err();
        assert_eq!(
            (tiny.kind(), tiny.index()),
            (ErrorKind::InvalidWeight, Some(0))
        );
        for w in [
            f64::NAN,
            f64::INFINITY,
            -1.0,
            1e101,
            9e-101,
            f64::MIN_POSITIVE,
        ] {
            let e = WeightedTally::from_columns(&[9u8, 9], &[1.0, w], InvalidPolicy::Skip);
            assert_eq!(e.unwrap_err().index(), Some(1), "{w}");
        }
        // The extremes of WEIGHT_RANGE, side by side: finite everything.
        let (lo, hi) = (*WEIGHT_RANGE.start(), *WEIGHT_RANGE.end());
        for ws in [[hi, 1.0], [lo, lo], [hi, hi], [lo, hi], [0.0, lo]] {
            let t = WeightedTally::from_columns(&[9u8, 3], &ws, InvalidPolicy::Raise)
                .unwrap()
                .tally;
            t.validate().unwrap();
            let n_eff = t.effective_n();
            assert!(
                (1.0 - 1e-12..=2.0 + 1e-12).contains(&n_eff),
                "{ws:?}: {n_eff}"
            );
            let nps = t.nps().unwrap();
            assert!((-100.0..=100.0).contains(&nps), "{ws:?}: {nps}");
            assert!(t.se().unwrap().is_finite());
            assert!(t.mean_score().unwrap().is_finite());
            let m = t.merge(&t).unwrap();
            assert_eq!(m.nps().unwrap(), nps);
        }
        // Fractional effective counts do not round NPS past -100.
        let three = WeightedTally::from_columns(&[0u8, 0, 0], &[hi; 3], InvalidPolicy::Raise)
            .unwrap()
            .tally;
        assert_eq!(three.nps().unwrap(), -100.0);
        // One valid response with the smallest weight is that response.
        let one = WeightedTally::from_columns(&[9u8], &[lo], InvalidPolicy::Raise)
            .unwrap()
            .tally;
        assert_eq!(one.nps().unwrap(), 100.0);
        assert_eq!(one.effective_n(), 1.0);
        // Hand-built: weight without responses, sums out of range, Kish violated.
        let mut ghost = WeightedTally::default();
        ghost.weights[10] = 1.0;
        ghost.weights_sq[10] = 1.0;
        assert_eq!(ghost.nps().unwrap_err().index(), Some(10));
        assert!(ghost
            .interval_with(&crate::IntervalOptions::default())
            .is_err());
        assert!(ghost.merge(&WeightedTally::default()).is_err());
        let mut big = WeightedTally::default();
        big.counts[9] = 1;
        big.weights[9] = 1e200;
        big.weights_sq[9] = 1e300;
        assert_eq!(big.nps().unwrap_err().kind(), ErrorKind::InvalidValue);
        let mut kish = WeightedTally::default();
        kish.counts[9] = 2;
        kish.weights[9] = 2.0;
        kish.weights_sq[9] = 1e-10;
        assert_eq!(kish.validate().unwrap_err().index(), Some(9));
        assert!(
            WeightedTally::from(Tally::from_categories(3, 4, 5).unwrap())
                .validate()
                .is_ok()
        );
    }

    /// Issue 10 (11): JSON floats round-trip exactly (serde_json's
    /// `float_roundtrip`): 7e-300 came back as 6.999999999999999e-300.
    #[test]
    fn json_floats_round_trip_exactly() {
        for x in [
            7e-300,
            7e-100,
            0.1 + 0.2,
            1e100 / 3.0,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            let back: f64 = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{x:e}");
        }
        let t = WeightedTally::from_columns(
            &[9u8, 3, 3, 10],
            &[7e-100, 1e100 / 3.0, 0.1 + 0.2, 1e-100],
            InvalidPolicy::Raise,
        )
        .unwrap()
        .tally;
        let back: WeightedTally =
            serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn zero_categories_is_the_empty_tally() {
        let z = Tally::from_categories(0, 0, 0).unwrap();
        assert_eq!(z, Tally::EMPTY);
        let t = Tally::from_scores(&[9u8]).unwrap();
        assert!(t.merge(&z).unwrap().counts().is_some());
    }
}
