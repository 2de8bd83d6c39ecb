//! A small deterministic random number generator (SplitMix64), so that a seed gives the same
//! organization on every platform and with every dependency version.

#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

/// Mixes a value into well-spread bits (the SplitMix64 finalizer).
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator for one entity: the organization seed and the entity's coordinates.
    pub(crate) fn new(seed: u64, parts: &[u64]) -> Self {
        let state = parts.iter().fold(mix(seed), |state, part| {
            mix(state ^ mix(part.wrapping_add(0x9E37_79B9_7F4A_7C15)))
        });
        Self(state)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..bound` (`0` when `bound` is `0`).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        self.next_u64() % bound
    }

    /// `true` with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// An element of a non-empty slice (`None` for an empty one).
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let index = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(index)
    }

    /// `len` characters from `alphabet`.
    pub(crate) fn text(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .filter_map(|_| self.pick(alphabet).map(|b| char::from(*b)))
            .collect()
    }

    /// An IAM unique ID with its prefix (`AROA` + 17 characters).
    pub(crate) fn unique_id(&mut self, prefix: &str) -> String {
        format!(
            "{prefix}{}",
            self.text(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7, &[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut r = Rng::new(7, &[1, 2]);
        let mut s = Rng::new(7, &[1, 3]);
        assert_ne!(r.next_u64(), s.next_u64());
        assert!(r.below(10) < 10);
    }
}
