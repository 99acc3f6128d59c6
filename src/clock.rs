//! The one clock of the service (issue 17 §6): due dates and overdue flags are decided against
//! [`Clock::now`], never SQL `now()`, so that tests can move time. Production runs on the
//! system clock; a settable clock exists only in test builds (`cfg(test)` or the `test-clock`
//! feature, which only the tests' dev-dependency turns on).

#[cfg(any(test, feature = "test-clock"))]
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::calendar::china;

/// The application's clock, kept in its state (`web::Data<Clock>`).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    #[cfg(any(test, feature = "test-clock"))]
    manual: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        #[cfg(any(test, feature = "test-clock"))]
        if let Some(manual) = &self.manual {
            return *manual.lock().unwrap_or_else(|e| e.into_inner());
        }
        Utc::now()
    }

    /// Today's date in China (Asia/Shanghai), the calendar every due date is read in.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&china()).date_naive()
    }
}

#[cfg(any(test, feature = "test-clock"))]
impl Clock {
    /// A clock standing at `at` until [`Clock::set`] moves it (tests only).
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self {
            manual: Some(Arc::new(Mutex::new(at))),
        }
    }

    /// Moves a manual clock to `at`; the system clock ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(manual) = &self.manual {
            *manual.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_set_and_reads_the_day_in_china() {
        let at = Utc
            .with_ymd_and_hms(2014, 9, 20, 15, 59, 59)
            .single()
            .expect("time");
        let clock = Clock::manual(at);
        assert_eq!(clock.now(), at);
        assert_eq!(
            clock.today(),
            NaiveDate::from_ymd_opt(2014, 9, 20).expect("date")
        );
        clock.set(at + chrono::Duration::seconds(1));
        assert_eq!(
            clock.today(),
            NaiveDate::from_ymd_opt(2014, 9, 21).expect("date")
        );
    }
}
