//! Counting days between timestamps, as the rules need it.

use iamwatch_model::Timestamp;

const NANOS_PER_DAY: i128 = 86_400 * 1_000_000_000;

/// Whole days from `earlier` to `now`, rounded down: Python's `(now - then).days`, which the
/// published unused-role rule uses. 23 h 59 min is 0 days; a time one second in the future
/// is −1 day (floor, not truncation toward zero).
pub(crate) fn whole_days(earlier: Timestamp, now: Timestamp) -> i64 {
    let nanos = now.as_nanosecond() - earlier.as_nanosecond();
    let days = nanos.div_euclid(NANOS_PER_DAY);
    i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn floors() {
        let now = ts("2026-11-01T00:00:00Z");
        assert_eq!(whole_days(ts("2026-10-31T00:00:01Z"), now), 0);
        assert_eq!(whole_days(ts("2026-10-31T00:00:00Z"), now), 1);
        assert_eq!(whole_days(ts("2026-09-02T00:00:00Z"), now), 60);
        assert_eq!(whole_days(ts("2026-09-01T23:59:59Z"), now), 60);
        assert_eq!(whole_days(ts("2026-11-01T00:00:01Z"), now), -1);
        assert_eq!(whole_days(now, now), 0);
    }
}
