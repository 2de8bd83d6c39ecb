//! Typed condition values: decimal numbers, dates, binary (base64) and IP ranges, parsed from
//! the text of a policy or of a request.
//!
//! Source: IAM User Guide, `reference_policies_elements_condition_operators.html`
//! (§"Numeric condition operators": integers and decimals; §"Date condition operators": "W3C
//! implementations of the ISO 8601 date formats" or epoch (UNIX) time; §"Binary condition
//! operators": base-64; §"IP address condition operators": CIDR, IPv4 and IPv6).

use std::cmp::Ordering;
use std::net::IpAddr;

use ipnet::IpNet;

/// An exact decimal number `mantissa × 10^exponent`, normalised so that equal numbers compare
/// equal (`1.50` = `1.5` = `15e-1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    magnitude: u128,
    exponent: i32,
}

impl Decimal {
    /// Parses `-12`, `3.25`, `+7`, `1e3`, `.5`. `None` for anything else or more than 38 digits.
    pub(crate) fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, text.get(1..)?),
            Some(b'+') => (false, text.get(1..)?),
            _ => (false, text),
        };
        let (number, exponent_text) = match rest.find(['e', 'E']) {
            Some(index) => (rest.get(..index)?, Some(rest.get(index + 1..)?)),
            None => (rest, None),
        };
        let (integer, fraction) = number.split_once('.').unwrap_or((number, ""));
        if integer.is_empty() && fraction.is_empty() {
            return None;
        }
        let mut magnitude: u128 = 0;
        for c in integer.bytes().chain(fraction.bytes()) {
            if !c.is_ascii_digit() {
                return None;
            }
            magnitude = magnitude
                .checked_mul(10)?
                .checked_add(u128::from(c - b'0'))?;
        }
        let mut exponent = -i32::try_from(fraction.len()).ok()?;
        if let Some(exponent_text) = exponent_text {
            let extra: i32 = exponent_text.parse().ok()?;
            exponent = exponent.checked_add(extra)?;
        }
        while magnitude != 0 && magnitude % 10 == 0 {
            magnitude /= 10;
            exponent = exponent.checked_add(1)?;
        }
        if magnitude == 0 {
            return Some(Decimal {
                negative: false,
                magnitude: 0,
                exponent: 0,
            });
        }
        Some(Decimal {
            negative,
            magnitude,
            exponent,
        })
    }

    fn compare_magnitude(self, other: Decimal) -> Ordering {
        if self.magnitude == 0 || other.magnitude == 0 {
            return self.magnitude.cmp(&other.magnitude);
        }
        // Bring both to the smaller exponent; if scaling overflows, the scaled side is larger
        // (a normalised non-zero mantissa times a huge power of ten exceeds any u128).
        let (a, b) = (self, other);
        if a.exponent >= b.exponent {
            match scale(a.magnitude, a.exponent.abs_diff(b.exponent)) {
                Some(scaled) => scaled.cmp(&b.magnitude),
                None => Ordering::Greater,
            }
        } else {
            match scale(b.magnitude, b.exponent.abs_diff(a.exponent)) {
                Some(scaled) => a.magnitude.cmp(&scaled),
                None => Ordering::Less,
            }
        }
    }
}

fn scale(value: u128, power: u32) -> Option<u128> {
    10u128
        .checked_pow(power)
        .and_then(|factor| value.checked_mul(factor))
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.compare_magnitude(*other),
            (true, true) => other.compare_magnitude(*self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A point in time as nanoseconds since 1970-01-01T00:00:00Z.
///
/// Both forms IAM accepts normalise to this one unit: epoch *seconds* (`1700000000`, possibly
/// with a fraction) and W3C ISO 8601 profiles (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// `YYYY-MM-DDThh:mmTZD`, `YYYY-MM-DDThh:mm:ssTZD`, `YYYY-MM-DDThh:mm:ss.sTZD`; a missing time zone
/// is read as UTC). See `docs/known-differences.md` (§2.8 item 5: never mix seconds and
/// milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant(i128);

const NANOS: i128 = 1_000_000_000;

impl Instant {
    pub(crate) fn parse(text: &str) -> Option<Instant> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let looks_epoch = text
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b'-' || c == b'+')
            && !text.get(1..).is_some_and(|rest| rest.contains('-'))
            // A bare 4-digit year is a W3C date, not an epoch second in 1970.
            && !(text.len() == 4 && text.bytes().all(|c| c.is_ascii_digit()));
        if looks_epoch {
            return parse_epoch(text);
        }
        parse_iso(text)
    }
}

fn parse_epoch(text: &str) -> Option<Instant> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (seconds, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if seconds.is_empty() || !seconds.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i128 = seconds.parse().ok()?;
    let nanos = fraction_nanos(fraction)?;
    let value = whole.checked_mul(NANOS)?.checked_add(nanos)?;
    Some(Instant(if negative { -value } else { value }))
}

/// Nanoseconds of a fraction of a second written as digits (extra digits are truncated).
fn fraction_nanos(fraction: &str) -> Option<i128> {
    let mut nanos: i128 = 0;
    let mut digits = 0;
    for c in fraction.bytes() {
        if !c.is_ascii_digit() {
            return None;
        }
        if digits < 9 {
            nanos = nanos * 10 + i128::from(c - b'0');
            digits += 1;
        }
    }
    while digits < 9 {
        nanos *= 10;
        digits += 1;
    }
    Some(nanos)
}

fn number(text: &str, digits: usize) -> Option<i64> {
    if text.len() != digits || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_iso(text: &str) -> Option<Instant> {
    let (date, time) = match text.find(['T', 't']) {
        Some(index) => (text.get(..index)?, Some(text.get(index + 1..)?)),
        None => (text, None),
    };
    let mut date_parts = date.split('-');
    let year = number(date_parts.next()?, 4)?;
    let month = match date_parts.next() {
        Some(month) => number(month, 2)?,
        None => 1,
    };
    let day = match date_parts.next() {
        Some(day) => number(day, 2)?,
        None => 1,
    };
    if date_parts.next().is_some() || !(1..=12).contains(&month) {
        return None;
    }
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut nanos = i128::from(days) * 86_400 * NANOS;
    if let Some(time) = time {
        let (clock, offset_seconds) = split_zone(time)?;
        let mut clock_parts = clock.split(':');
        let hour = number(clock_parts.next()?, 2)?;
        let minute = number(clock_parts.next()?, 2)?;
        let (second, fraction) = match clock_parts.next() {
            Some(second) => {
                let (whole, fraction) = second.split_once('.').unwrap_or((second, ""));
                (number(whole, 2)?, fraction_nanos(fraction)?)
            }
            None => (0, 0),
        };
        if clock_parts.next().is_some() || hour > 24 || minute > 59 || second > 60 {
            return None;
        }
        let seconds = hour * 3600 + minute * 60 + second - offset_seconds;
        nanos += i128::from(seconds) * NANOS + fraction;
    }
    Some(Instant(nanos))
}

/// Splits `hh:mm:ss.sTZD` into the clock and the zone offset in seconds (east positive).
fn split_zone(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(index) => {
            let clock = time.get(..index)?;
            let sign = if time.get(index..index + 1)? == "-" {
                -1
            } else {
                1
            };
            let zone = time.get(index + 1..)?;
            let (hours, minutes) = match zone.split_once(':') {
                Some((hours, minutes)) => (number(hours, 2)?, number(minutes, 2)?),
                None if zone.len() == 4 => (number(zone.get(..2)?, 2)?, number(zone.get(2..)?, 2)?),
                None => (number(zone, 2)?, 0),
            };
            Some((clock, sign * (hours * 3600 + minutes * 60)))
        }
        None => Some((time, 0)),
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Decodes standard base64 (padding optional, ASCII whitespace ignored).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut output = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    let mut padding = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        if padding > 0 {
            return None;
        }
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            output.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(output)
}

/// Parses a CIDR block; an address without a prefix is a single host (`/32`, `/128`), as the
/// operators page says.
pub(crate) fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    if let Ok(network) = text.parse::<IpNet>() {
        return Some(network);
    }
    text.parse::<IpAddr>().ok().map(IpNet::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn decimals() {
        assert_eq!(d("1.50"), d("1.5"));
        assert_eq!(d("15e-1"), d("1.5"));
        assert_eq!(d("-0"), d("0"));
        assert!(d("2") > d("1.999999"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("1e30") > d("999999999999999999999"));
        assert!(d("1e100") > d("5"));
        assert!(d("-1e100") < d("5"));
        assert!(d("1e-100") < d("1"));
        assert_eq!(d(".5"), d("0.5"));
        for bad in ["", "-", "1.2.3", "abc", "1e", "0x10", "1,5"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_normalise_to_one_unit() {
        let iso = Instant::parse("2020-01-01T00:00:00Z").unwrap();
        let epoch = Instant::parse("1577836800").unwrap();
        assert_eq!(iso, epoch);
        assert_eq!(Instant::parse("2020-01-01").unwrap(), epoch);
        assert_eq!(Instant::parse("2020").unwrap(), epoch);
        assert_eq!(Instant::parse("2020-01").unwrap(), epoch);
        assert_eq!(Instant::parse("2020-01-01T01:00+01:00").unwrap(), epoch);
        assert_eq!(Instant::parse("2019-12-31T19:00:00-05:00").unwrap(), epoch);
        assert!(Instant::parse("2020-01-01T00:00:00.5Z").unwrap() > epoch);
        assert_eq!(
            Instant::parse("1577836800.5").unwrap(),
            Instant::parse("2020-01-01T00:00:00.500Z").unwrap()
        );
        for bad in [
            "",
            "2020-13-01",
            "2021-02-29",
            "yesterday",
            "2020-01-01T25:00Z",
        ] {
            assert!(Instant::parse(bad).is_none(), "{bad}");
        }
        assert!(Instant::parse("2020-02-29").is_some());
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("QmluYXJ5VmFsdWU=").unwrap(), b"BinaryValue");
        assert_eq!(decode_base64("QmluYXJ5VmFsdWU").unwrap(), b"BinaryValue");
        assert!(decode_base64("Q$").is_none());
    }

    #[test]
    fn networks() {
        assert_eq!(
            parse_network("10.0.0.1").unwrap().to_string(),
            "10.0.0.1/32"
        );
        assert_eq!(
            parse_network("2001:db8::/32").unwrap().to_string(),
            "2001:db8::/32"
        );
        assert!(parse_network("10.0.0.0/33").is_none());
    }
}
