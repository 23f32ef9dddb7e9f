//! The hash map of the grouping engine.
//!
//! [`foldhash`] (fast, with a proper final mix, so sequential ids, common
//! prefixes and keys that differ only in their high bytes spread over all
//! buckets) with a fixed seed, so results never depend on a random state.

use std::collections::HashMap;

/// A hash map keyed by group keys, row ids or packed slots.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// An empty [`FastMap`] with room for `n` entries.
pub(crate) fn map_with_capacity<K, V>(n: usize) -> FastMap<K, V> {
    HashMap::with_capacity_and_hasher(n, state())
}

/// The hash of `x` that a [`FastMap`] uses.
pub(crate) fn hash_of<T: std::hash::Hash + ?Sized>(x: &T) -> u64 {
    use std::hash::BuildHasher;
    state().hash_one(x)
}

fn state() -> foldhash::fast::FixedState {
    foldhash::fast::FixedState::with_seed(0x6e70_735f_6b65_7973)
}
