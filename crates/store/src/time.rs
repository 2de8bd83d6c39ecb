//! Timestamps as the store writes them: UTC text that sorts as it compares.

use iamwatch_model::Timestamp;

pub(crate) fn now() -> Timestamp {
    Timestamp::now()
}

/// `2024-05-01T12:00:00Z`: data columns (creation dates, last use), second precision.
pub(crate) fn timestamp_seconds(ts: &Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `2024-05-01T12:00:00.000Z`: snapshot bookkeeping, fixed width so that text order is time
/// order.
pub(crate) fn timestamp_millis(ts: &Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_forms() {
        let ts: Timestamp = "2024-05-01T12:00:00.5Z".parse().unwrap();
        assert_eq!(timestamp_seconds(&ts), "2024-05-01T12:00:00Z");
        assert_eq!(timestamp_millis(&ts), "2024-05-01T12:00:00.500Z");
        let whole: Timestamp = "2024-05-01T12:00:00Z".parse().unwrap();
        assert_eq!(timestamp_millis(&whole), "2024-05-01T12:00:00.000Z");
    }
}
