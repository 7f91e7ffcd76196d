//! The time an export document's endpoints were discovered, as its header writes it: RFC 3339 in
//! UTC to the second (`2026-12-02T07:40:05Z`). Pure: a `SystemTime` to text and back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `time` as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds; before 1970 is written as 1970).
pub(crate) fn format(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC; a fraction is dropped), years 1970 to 9999;
/// `None` for anything else.
pub(crate) fn parse(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = bytes.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, b| n * 10 + u64::from(b - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !separators.iter().all(|(at, c)| bytes.get(*at) == Some(c)) {
        return None;
    }
    let rest = text.get(19..)?;
    let fraction = rest.strip_suffix('Z')?;
    let digits_after_point = |f: &str| {
        f.strip_prefix('.')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    };
    if !(fraction.is_empty() || digits_after_point(fraction)) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    if year < 1970 || day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year as i64, month as i64, day as i64);
    let seconds = days as u64 * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants_are_written_and_read_back() {
        for (seconds, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (1_796_196_005, "2026-12-02T07:20:05Z"),
            (4_107_542_399, "2100-02-28T23:59:59Z"),
        ] {
            let time = UNIX_EPOCH + Duration::from_secs(seconds);
            assert_eq!(format(time), text);
            assert_eq!(parse(text), Some(time), "{text}");
        }
        // Every day of four years round-trips.
        for day in 0..(4 * 366) {
            let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000 + day * 86_400 + 4321);
            assert_eq!(parse(&format(time)), Some(time));
        }
        assert_eq!(
            parse("2026-12-02T07:20:05.123Z"),
            Some(UNIX_EPOCH + Duration::from_secs(1_796_196_005))
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "2026-12-02",
            "2026-12-02T07:20:05",
            "2026-12-02T07:20:05+00:00",
            "2026-12-02 07:20:05Z",
            "2026-13-02T07:20:05Z",
            "2026-02-29T07:20:05Z",
            "2026-12-32T07:20:05Z",
            "2026-12-02T24:00:00Z",
            "2026-12-02T07:60:05Z",
            "1969-12-31T23:59:59Z",
            "2026-12-02T07:20:05.Z",
            "2026-12-02T07:20:05.1x2Z",
            "+026-12-02T07:20:05Z",
            "２026-12-02T07:20:05Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
