//! Naming the part of a date that does not exist: the EDTF parser only says that something is out of
//! range, and "check the month and the day" sends a user looking in the wrong place when the hour is 25.

use chrono::NaiveDate;

/// Which part of a well-formed EDTF string is out of range, in words: the parser only says that
/// something is, and "check the month and the day" sends a user looking in the wrong place when
/// the hour is 25. `None` when no part can be blamed (the caller then says so in general terms).
pub(super) fn out_of_range_part(text: &str) -> Option<String> {
    text.split('/').find_map(|end| {
        let end = end.trim_end_matches(['~', '?', '%']);
        let (date, time) = match end.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (end, None),
        };
        date_part_out_of_range(date).or_else(|| time.and_then(time_part_out_of_range))
    })
}

fn date_part_out_of_range(date: &str) -> Option<String> {
    let (negative, digits) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let mut parts = digits.split('-');
    let year: Option<i32> =
        parts
            .next()
            .and_then(|y| y.parse().ok())
            .map(|y: i32| if negative { -y } else { y });
    let month: u32 = parts
        .next()?
        .trim_end_matches(['~', '?', '%'])
        .parse()
        .ok()?;
    // 21–24 are EDTF's seasons; they are refused later with their own advice.
    if month == 0 || (month > 12 && !(21..=24).contains(&month)) {
        return Some(format!("month {month:02} does not exist (01–12)"));
    }
    let day: u32 = parts
        .next()?
        .trim_end_matches(['~', '?', '%'])
        .parse()
        .ok()?;
    // Without a known year, February may have 29 days.
    let last = match month {
        2 => match year {
            Some(y) if NaiveDate::from_ymd_opt(y, 2, 29).is_none() => 28,
            _ => 29,
        },
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if day == 0 || day > last {
        let month_name = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][month as usize - 1];
        return Some(format!(
            "day {day:02} does not exist: {month_name}{} has {last} days",
            year.map(|y| format!(" {y}")).unwrap_or_default()
        ));
    }
    None
}

fn time_part_out_of_range(time: &str) -> Option<String> {
    // The clock time ends where a zone (`Z`, `+hh:mm`, `-hh:mm`) begins.
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => (&time[..i], Some(&time[i..])),
        None => (time, None),
    };
    let mut fields = clock.split(':').map(|f| f.parse::<u32>().ok());
    for (name, max) in [("hour", 23), ("minute", 59), ("second", 59)] {
        match fields.next().flatten() {
            Some(v) if v > max => return Some(format!("{name} {v:02} does not exist (00–{max})")),
            _ => {}
        }
    }
    let zone = zone?.trim_start_matches(['+', '-']);
    let mut zone_fields = zone.split(':').map(|f| f.parse::<u32>().ok());
    for (name, max) in [("time zone hour", 23), ("time zone minute", 59)] {
        match zone_fields.next().flatten() {
            Some(v) if v > max => return Some(format!("{name} {v:02} does not exist (00–{max})")),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::domain::FuzzyDate;

    #[test]
    fn an_out_of_range_part_is_named_in_the_error() {
        for (edtf, part) in [
            ("2025-01-01T25:00:00", "hour 25"),
            ("2025-01-01T23:60:00", "minute 60"),
            ("2025-01-01T23:59:61", "second 61"),
            ("2025-01-01T10:00:00+25:00", "time zone hour 25"),
            ("2025-13-01", "month 13"),
            ("2025-00", "month 00"),
            (
                "2025-02-29",
                "day 29 does not exist: February 2025 has 28 days",
            ),
            (
                "2025-04-31",
                "day 31 does not exist: April 2025 has 30 days",
            ),
            ("2024-12-31/2025-01-32", "day 32"),
        ] {
            let e = FuzzyDate::parse(edtf, false, None).expect_err(edtf);
            assert_eq!(e.field, "edtf", "{edtf}");
            assert!(e.message.contains(part), "{edtf}: {e}");
            if !part.starts_with("day") {
                assert!(!e.message.contains("day"), "{edtf}: {e}");
            }
        }
        assert!(
            FuzzyDate::parse("2024-02-29", false, None).is_ok(),
            "2024 is a leap year"
        );
    }
}
