//! Due dates: a date means the end of that day in China Standard Time (Asia/Shanghai, UTC+8,
//! no daylight saving), DOMAIN.md "Organisation and calendar".

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeZone, Utc};

/// China Standard Time.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The first instant after the due date: midnight starting the next day in China.
pub fn deadline_instant(due: NaiveDate) -> DateTime<Utc> {
    let next = due.checked_add_days(Days::new(1)).unwrap_or(due);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    china()
        .from_local_datetime(&midnight)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Whether something done at `at` is late for `due`.
pub fn is_late(due: NaiveDate, at: DateTime<Utc>) -> bool {
    at >= deadline_instant(due)
}

/// The plan's default calendar for a year: self-inspection due 20 September, special
/// inspection ends 30 September, team reports due 15 October (plan §2, §5(五), §6(三)).
pub fn default_dates(year: i32) -> Option<(NaiveDate, NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 9, 20)?,
        NaiveDate::from_ymd_opt(year, 9, 30)?,
        NaiveDate::from_ymd_opt(year, 10, 15)?,
    ))
}

/// The year of a date.
pub fn year_of(date: NaiveDate) -> i32 {
    date.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_date_ends_at_midnight_china_time() {
        let due = NaiveDate::from_ymd_opt(2014, 9, 20).expect("date");
        // 23:59:59 on 20 September in Beijing is 15:59:59 UTC: on time.
        let on_time = Utc
            .with_ymd_and_hms(2014, 9, 20, 15, 59, 59)
            .single()
            .expect("time");
        let late = Utc
            .with_ymd_and_hms(2014, 9, 20, 16, 0, 0)
            .single()
            .expect("time");
        assert!(!is_late(due, on_time));
        assert!(is_late(due, late));
    }
}
