//! The signing time: `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`) and its date stamp.

use std::fmt;
use std::time::SystemTime;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::Error;

/// A point in time, in UTC, at one-second precision, as SigV4 writes it.
///
/// ```
/// use awsig::SigningTime;
/// let t = SigningTime::parse("2013-05-24T00:00:00Z")?;
/// assert_eq!(t.amz_date(), "20130524T000000Z");
/// assert_eq!(t.date_stamp(), "20130524");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigningTime {
    datetime: OffsetDateTime,
    amz_date: [u8; 16],
}

impl SigningTime {
    /// The current system time.
    ///
    /// ```
    /// let now = awsig::SigningTime::now()?;
    /// assert_eq!(now.amz_date().len(), 16);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn now() -> Result<Self, Error> {
        Self::from_system_time(SystemTime::now())
    }

    /// Converts a [`SystemTime`], rounded down to the second (the
    /// sub-second part dropped after 1970, the second before taken before
    /// 1970, as [`Self::from_offset_datetime`] does), in exact integer
    /// arithmetic.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let t = awsig::SigningTime::from_system_time(UNIX_EPOCH + Duration::from_secs(1369353600))?;
    /// assert_eq!(t.amz_date(), "20130524T000000Z");
    /// let t = awsig::SigningTime::from_system_time(UNIX_EPOCH - Duration::from_millis(1))?;
    /// assert_eq!(t.amz_date(), "19691231T235959Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn from_system_time(t: SystemTime) -> Result<Self, Error> {
        let secs = match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).ok(),
            // `d` before the epoch: -d, floored, borrows a second when it
            // has a sub-second part.
            Err(e) => {
                let d = e.duration();
                i64::try_from(d.as_secs())
                    .ok()
                    .and_then(|s| (-s).checked_sub(i64::from(d.subsec_nanos() > 0)))
            }
        };
        let secs = secs.ok_or_else(|| Error::InvalidTime("out of range".into()))?;
        Self::from_unix_timestamp(secs)
    }

    /// Seconds since the Unix epoch.
    ///
    /// ```
    /// let t = awsig::SigningTime::from_unix_timestamp(1440938160)?;
    /// assert_eq!(t.amz_date(), "20150830T123600Z");
    /// assert!(awsig::SigningTime::from_unix_timestamp(i64::MAX).is_err());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn from_unix_timestamp(secs: i64) -> Result<Self, Error> {
        let dt = OffsetDateTime::from_unix_timestamp(secs)
            .map_err(|_| Error::InvalidTime("out of range".into()))?;
        Self::from_offset_datetime(dt)
    }

    /// Converts any [`OffsetDateTime`] to UTC (sub-second part dropped).
    /// Years outside 0000–9999 are refused.
    ///
    /// ```
    /// use time::{Date, Month, OffsetDateTime, Time};
    /// let dt = Date::from_calendar_date(2015, Month::August, 30)
    ///     .unwrap()
    ///     .with_time(Time::from_hms(12, 36, 0).unwrap())
    ///     .assume_utc();
    /// assert_eq!(awsig::SigningTime::from_offset_datetime(dt)?.amz_date(), "20150830T123600Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn from_offset_datetime(dt: OffsetDateTime) -> Result<Self, Error> {
        let dt = dt
            .checked_to_offset(UtcOffset::UTC)
            .ok_or_else(|| Error::InvalidTime("out of range".into()))?;
        let dt = dt
            .replace_nanosecond(0)
            .map_err(|_| Error::InvalidTime("out of range".into()))?;
        let year = dt.year();
        if !(0..=9999).contains(&year) {
            return Err(Error::InvalidTime(format!("year {year} outside 0000-9999")));
        }
        let mut amz_date = *b"00000000T000000Z";
        put_digits(&mut amz_date[0..4], year as u32);
        put_digits(&mut amz_date[4..6], u8::from(dt.month()) as u32);
        put_digits(&mut amz_date[6..8], dt.day() as u32);
        put_digits(&mut amz_date[9..11], dt.hour() as u32);
        put_digits(&mut amz_date[11..13], dt.minute() as u32);
        put_digits(&mut amz_date[13..15], dt.second() as u32);
        Ok(SigningTime {
            datetime: dt,
            amz_date,
        })
    }

    /// Parses `20130524T000000Z` (the `X-Amz-Date` form) or the ISO 8601 form
    /// `2013-05-24T00:00:00Z` (optionally with fractional seconds, which are
    /// dropped). Only UTC (`Z`) is accepted.
    ///
    /// ```
    /// use awsig::SigningTime;
    /// assert_eq!(SigningTime::parse("20150830T123600Z")?, SigningTime::parse("2015-08-30T12:36:00Z")?);
    /// assert!(SigningTime::parse("2015-02-30T00:00:00Z").is_err());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Self, Error> {
        let bad = || {
            Error::InvalidTime(format!(
                "{s:?} is not YYYYMMDDTHHMMSSZ or YYYY-MM-DDTHH:MM:SSZ"
            ))
        };
        let b = s.as_bytes();
        let (y, mo, d, h, mi, se) = if b.len() == 16 && b[8] == b'T' && b[15] == b'Z' {
            (
                &b[0..4],
                &b[4..6],
                &b[6..8],
                &b[9..11],
                &b[11..13],
                &b[13..15],
            )
        } else if b.len() >= 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[b.len() - 1] == b'Z'
            && (b.len() == 20
                || (b[19] == b'.'
                    && b.len() > 21
                    && b[20..b.len() - 1].iter().all(u8::is_ascii_digit)))
        {
            (
                &b[0..4],
                &b[5..7],
                &b[8..10],
                &b[11..13],
                &b[14..16],
                &b[17..19],
            )
        } else {
            return Err(bad());
        };
        let num = |d: &[u8]| -> Result<u32, Error> {
            if d.iter().all(u8::is_ascii_digit) {
                Ok(d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
            } else {
                Err(bad())
            }
        };
        let month = Month::try_from(num(mo)? as u8).map_err(|_| bad())?;
        let date =
            Date::from_calendar_date(num(y)? as i32, month, num(d)? as u8).map_err(|_| bad())?;
        let time =
            Time::from_hms(num(h)? as u8, num(mi)? as u8, num(se)? as u8).map_err(|_| bad())?;
        Self::from_offset_datetime(PrimitiveDateTime::new(date, time).assume_utc())
    }

    /// `YYYYMMDDTHHMMSSZ`, the value of `X-Amz-Date`.
    ///
    /// ```
    /// let t = awsig::SigningTime::parse("20130524T000000Z")?;
    /// assert_eq!(t.amz_date(), "20130524T000000Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn amz_date(&self) -> &str {
        // Only ASCII digits, 'T' and 'Z' are ever written.
        std::str::from_utf8(&self.amz_date).unwrap_or_default()
    }

    /// `YYYYMMDD`, the date of the credential scope.
    ///
    /// ```
    /// let t = awsig::SigningTime::parse("20130524T000000Z")?;
    /// assert_eq!(t.date_stamp(), "20130524");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn date_stamp(&self) -> &str {
        &self.amz_date()[..8]
    }

    /// `YYYYMMDDTHHMMSSZ` as bytes, without a UTF-8 check (hot path).
    pub(crate) fn amz_date_bytes(&self) -> &[u8; 16] {
        &self.amz_date
    }

    /// [`Self::date_stamp`] as bytes, without a UTF-8 check (hot path).
    pub(crate) fn date_stamp_bytes(&self) -> &[u8; 8] {
        let [date @ .., _, _, _, _, _, _, _, _] = &self.amz_date;
        date
    }

    /// The same instant as a [`time::OffsetDateTime`] in UTC.
    ///
    /// ```
    /// let t = awsig::SigningTime::parse("20130524T000000Z")?;
    /// assert_eq!(t.to_offset_datetime().unix_timestamp(), 1369353600);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn to_offset_datetime(&self) -> OffsetDateTime {
        self.datetime
    }
}

fn put_digits(out: &mut [u8], mut n: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

impl fmt::Debug for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningTime({})", self.amz_date())
    }
}

impl fmt::Display for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.amz_date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let t = SigningTime::parse("2015-08-30T12:36:00Z").unwrap();
        assert_eq!(t.amz_date(), "20150830T123600Z");
        assert_eq!(t.date_stamp(), "20150830");
        assert_eq!(t.to_offset_datetime().unix_timestamp(), 1440938160);
        assert_eq!(SigningTime::parse("2015-08-30T12:36:00.123Z").unwrap(), t);
        assert_eq!(SigningTime::parse("20150830T123600Z").unwrap(), t);
    }

    #[test]
    fn rejects_bad_input() {
        for s in [
            "",
            "2015-08-30",
            "2015-08-30T12:36:00",
            "2015-08-30T12:36:00+01:00",
            "20150830T123600",
            "20151330T123600Z",
            "20150830T246000Z",
            "2015-08-30T12:36:00.Z",
            "２015-08-30T12:36:00Z",
            "2015-08-30T12:36:6xZ",
        ] {
            assert!(SigningTime::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn converts_offsets_to_utc_and_checks_range() {
        let dt = OffsetDateTime::from_unix_timestamp(1440938160)
            .unwrap()
            .to_offset(UtcOffset::from_hms(5, 30, 0).unwrap());
        assert_eq!(
            SigningTime::from_offset_datetime(dt).unwrap().amz_date(),
            "20150830T123600Z"
        );
        assert!(SigningTime::from_unix_timestamp(-62_200_000_000).is_err());
        assert!(SigningTime::from_unix_timestamp(253_402_300_800).is_err());
        assert_eq!(
            SigningTime::from_unix_timestamp(253_402_300_799)
                .unwrap()
                .amz_date(),
            "99991231T235959Z"
        );
        let before_epoch = SystemTime::UNIX_EPOCH - std::time::Duration::from_millis(1500);
        assert_eq!(
            SigningTime::from_system_time(before_epoch)
                .unwrap()
                .amz_date(),
            "19691231T235958Z"
        );
    }

    /// `SystemTime` conversion agrees with `time`'s own, floored to the
    /// second, on both sides of the epoch: exactly, where a detour through
    /// `f64` (53 bits) loses the nanoseconds of times far from 1970.
    #[test]
    fn system_time_is_floored_exactly() {
        use std::time::{Duration, UNIX_EPOCH};
        let reference = |t: SystemTime| {
            let dt = OffsetDateTime::from(t);
            dt.replace_nanosecond(0).unwrap()
        };
        let from = |t: SystemTime| {
            SigningTime::from_system_time(t)
                .map(|s| s.to_offset_datetime())
                .unwrap()
        };
        let year_0 = Date::from_calendar_date(0, Month::January, 1)
            .unwrap()
            .midnight()
            .assume_utc();
        let to_year_0 = year_0.unix_timestamp().unsigned_abs();
        let to_9999 = 253_402_300_799;
        for secs in [0, 1, 2, 59, 86_399, 1_000_000_000, to_year_0 - 1, to_year_0] {
            for nanos in [0, 1, 500_000_000, 999_999_999] {
                let d = Duration::new(secs, nanos);
                if secs < to_year_0 || nanos == 0 {
                    let t = UNIX_EPOCH - d;
                    assert_eq!(from(t), reference(t), "-{d:?}");
                }
                if secs < to_9999 {
                    let t = UNIX_EPOCH + d;
                    assert_eq!(from(t), reference(t), "+{d:?}");
                }
            }
        }

        // 10⁹ s and 1 ns before the epoch: the second before.
        let t = UNIX_EPOCH - Duration::new(1_000_000_000, 1);
        assert_eq!(from(t).unix_timestamp(), -1_000_000_001);
        assert_eq!(
            from(t),
            (OffsetDateTime::UNIX_EPOCH - time::Duration::new(1_000_000_001, 0))
        );
        // Sub-second parts dropped after the epoch too.
        let t = UNIX_EPOCH + Duration::new(1_000_000_000, 999_999_999);
        assert_eq!(from(t).unix_timestamp(), 1_000_000_000);

        // The first instant of year 0 is in range; a nanosecond before it
        // is in year -1, which is refused (the range is 0000–9999).
        let start = UNIX_EPOCH - Duration::from_secs(to_year_0);
        assert_eq!(from(start), year_0);
        assert_eq!(
            SigningTime::from_system_time(start).unwrap().amz_date(),
            "00000101T000000Z"
        );
        let before = start - Duration::from_nanos(1);
        assert_eq!(OffsetDateTime::from(before).year(), -1);
        assert!(matches!(
            SigningTime::from_system_time(before),
            Err(Error::InvalidTime(_))
        ));
        // And the last instant of 9999, and a second later.
        let end = UNIX_EPOCH + Duration::new(to_9999, 999_999_999);
        assert_eq!(from(end).unix_timestamp(), to_9999 as i64);
        assert!(SigningTime::from_system_time(end + Duration::from_nanos(1)).is_err());

        // The far end of what a `SystemTime` holds (the system permitting):
        // no overflow, an error.
        if let Some(t) = UNIX_EPOCH.checked_sub(Duration::new(i64::MAX as u64, 1)) {
            assert!(SigningTime::from_system_time(t).is_err());
        }
    }
}
