//! Slices of pools shared by many values, so that decoding allocates one pool per service
//! instead of a string and a few lists per action.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A sub-slice of a shared pool.
pub(crate) struct SharedSlice<T> {
    pool: Arc<[T]>,
    // INVARIANT: `range` lies within `pool` (checked by `new`).
    range: Range<usize>,
}

impl<T> SharedSlice<T> {
    /// `None` unless `range` lies within `pool`.
    pub(crate) fn new(pool: &Arc<[T]>, range: Range<usize>) -> Option<Self> {
        pool.get(range.clone())?;
        Some(SharedSlice {
            pool: Arc::clone(pool),
            range,
        })
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        self.pool.get(self.range.clone()).unwrap_or_default()
    }
}

impl<T: fmt::Debug> fmt::Debug for SharedSlice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

/// A sub-string of a shared string.
pub(crate) struct SharedStr {
    pool: Arc<str>,
    // INVARIANT: `range` lies within `pool` on character boundaries (checked by `new`).
    range: Range<usize>,
}

impl SharedStr {
    /// `None` unless `range` lies within `pool` on character boundaries.
    pub(crate) fn new(pool: &Arc<str>, range: Range<usize>) -> Option<Self> {
        pool.get(range.clone())?;
        Some(SharedStr {
            pool: Arc::clone(pool),
            range,
        })
    }

    pub(crate) fn as_str(&self) -> &str {
        self.pool.get(self.range.clone()).unwrap_or_default()
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
