//! Sorting by integer keys without comparisons: an LSD radix sort shared by
//! the time-KPI histograms and the ordering of group keys.

/// Sorts `v` by `key(x)`, whose values are below `2^bits` (stable): an LSD
/// radix sort in as few passes as digits of at most 13 bits allow (the
/// digit width split evenly: 24 bits are two passes of 12); a digit every
/// key shares costs no pass. Small inputs use the standard stable sort.
pub(crate) fn radix_sort_by<T: Copy>(v: &mut Vec<T>, bits: u32, key: impl Fn(&T) -> u64) {
    radix_sort_with(v, &mut Vec::new(), bits, 13, key);
}

/// As [`radix_sort_by`] with digits of at most `max_digit` bits and `buf`
/// as the scratch space (its contents are discarded; reusing it across
/// many small sorts saves their allocations). Fewer bits per digit suit
/// inputs of a few thousand elements, whose counters would otherwise
/// outnumber them.
pub(crate) fn radix_sort_with<T: Copy>(
    v: &mut Vec<T>,
    buf: &mut Vec<T>,
    bits: u32,
    max_digit: u32,
    key: impl Fn(&T) -> u64,
) {
    let n = v.len();
    if n < 256 || bits == 0 {
        v.sort_by_key(|x| key(x));
        return;
    }
    let bits = bits.min(u64::BITS);
    let passes = bits.div_ceil(max_digit.clamp(1, 16)) as usize;
    let width = bits.div_ceil(passes as u32);
    let buckets = 1usize << width;
    let digit = |k: u64, p: usize| ((k >> (p as u32 * width)) as usize) & (buckets - 1);
    let mut counts = vec![vec![0usize; buckets]; passes];
    for x in v.iter() {
        let k = key(x);
        for (p, c) in counts.iter_mut().enumerate() {
            c[digit(k, p)] += 1;
        }
    }
    buf.clear();
    buf.reserve(n);
    for (p, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let mut next = vec![0usize; buckets];
        let mut sum = 0;
        for (o, &x) in next.iter_mut().zip(c.iter()) {
            *o = sum;
            sum += x;
        }
        let out = buf.spare_capacity_mut();
        for x in v.iter() {
            let b = digit(key(x), p);
            out[next[b]].write(*x);
            next[b] += 1;
        }
        // SAFETY: the bucket offsets partition 0..n, so every one of the n
        // slots was written exactly once just above.
        unsafe { buf.set_len(n) };
        std::mem::swap(v, buf);
        buf.clear();
    }
}

/// Sorts `keys` (values below `2^bits`) in place: [`radix_sort_by`] of the
/// values themselves.
pub(crate) fn radix_sort(keys: &mut Vec<u64>, bits: u32) {
    radix_sort_by(keys, bits, |&k| k)
}

/// The number of bits of `x` (0 for 0).
pub(crate) fn bits_of(x: u64) -> u32 {
    u64::BITS - x.leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn radix_sort_sorts() {
        let mut rng = Rng(9);
        for bits in [1, 11, 12, 24, 26, 33, 40, 64] {
            let mask = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            for n in [0, 1, 255, 256, 10_000] {
                let mut k: Vec<u64> = (0..n).map(|_| rng.next() & mask).collect();
                let mut want = k.clone();
                want.sort_unstable();
                radix_sort(&mut k, bits);
                assert_eq!(k, want, "bits {bits}, n {n}");
            }
        }
    }

    #[test]
    fn radix_sort_by_is_stable() {
        let mut rng = Rng(3);
        let mut v: Vec<(u64, u32)> = (0..5_000).map(|i| (rng.next() % 300, i)).collect();
        let mut want = v.clone();
        want.sort_by_key(|x| x.0);
        radix_sort_by(&mut v, bits_of(299), |x| x.0);
        assert_eq!(v, want);
    }
}
