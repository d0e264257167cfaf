//! Clock-skew correction: when the gateway refuses a signature because of its time and its
//! `Date` header shows our clock is 5 minutes or more off, sign with the gateway's time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::Error;
use crate::retry::parse_http_date;

/// How far the clocks must disagree before we correct ours (AWS allows 5 minutes).
pub(crate) const SKEW_THRESHOLD: Duration = Duration::from_secs(5 * 60);

/// The server's clock minus ours, in milliseconds; shared by every request of one client.
#[derive(Debug, Default)]
pub(crate) struct SkewOffset(AtomicI64);

impl SkewOffset {
    pub(crate) fn millis(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn set_millis(&self, offset: i64) {
        self.0.store(offset, Ordering::Relaxed);
    }

    /// `now` on the server's clock.
    pub(crate) fn apply(&self, now: SystemTime) -> SystemTime {
        shift(now, self.millis())
    }
}

pub(crate) fn shift(t: SystemTime, millis: i64) -> SystemTime {
    let by = Duration::from_millis(millis.unsigned_abs());
    if millis >= 0 {
        t.checked_add(by).unwrap_or(t)
    } else {
        t.checked_sub(by).unwrap_or(t)
    }
}

/// The offset (server minus `local_now`, in milliseconds) to sign with, when `err` is a
/// clock-skew refusal whose `Date` is at least [`SKEW_THRESHOLD`] away from `local_now`.
pub(crate) fn correction(err: &Error, local_now: SystemTime) -> Option<i64> {
    if !err.is_clock_skew() {
        return None;
    }
    let date = err.headers()?.get(http::header::DATE)?.to_str().ok()?;
    let server = parse_http_date(date)?;
    let offset = match server.duration_since(local_now) {
        Ok(ahead) => i64::try_from(ahead.as_millis()).ok()?,
        Err(behind) => -i64::try_from(behind.duration().as_millis()).ok()?,
    };
    (offset.unsigned_abs() >= SKEW_THRESHOLD.as_millis() as u64).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};

    fn refusal(message: &str, date: Option<&str>) -> Error {
        let mut h = HeaderMap::new();
        h.insert(
            "x-amzn-errortype",
            "InvalidSignatureException".parse().expect("value"),
        );
        if let Some(d) = date {
            h.insert("date", d.parse().expect("value"));
        }
        let body = serde_json::json!({ "message": message }).to_string();
        Error::http(StatusCode::FORBIDDEN, h, Bytes::from(body))
    }

    // Wed, 21 Oct 2015 07:28:00 GMT
    const SERVER: u64 = 1_445_412_480;

    #[test]
    fn an_expired_signature_with_a_far_date_is_corrected() {
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(SERVER - 3600);
        let e = refusal(
            "Signature expired: 20151021T062800Z is now earlier than ...",
            Some("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert!(e.is_clock_skew() && e.is_retryable());
        assert_eq!(correction(&e, local), Some(3_600_000));
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(SERVER + 600);
        let e = refusal(
            "Signature not yet current: ...",
            Some("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(correction(&e, local), Some(-600_000));
    }

    #[test]
    fn no_correction_without_cause() {
        let date = Some("Wed, 21 Oct 2015 07:28:00 GMT");
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(SERVER - 3600);
        // Clocks close enough: the refusal has another cause.
        let near = SystemTime::UNIX_EPOCH + Duration::from_secs(SERVER - 299);
        assert_eq!(correction(&refusal("Signature expired: ...", date), near), None);
        // Another signature problem.
        let e = refusal("The request signature we calculated does not match ...", date);
        assert!(!e.is_clock_skew() && !e.is_retryable());
        assert_eq!(correction(&e, local), None);
        // No or unreadable Date.
        assert_eq!(correction(&refusal("Signature expired: ...", None), local), None);
        assert_eq!(
            correction(&refusal("Signature expired: ...", Some("later")), local),
            None
        );
    }

    #[test]
    fn the_offset_shifts_both_ways() {
        let o = SkewOffset::default();
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(o.apply(t), t);
        o.set_millis(-1500);
        assert_eq!(o.apply(t), t - Duration::from_millis(1500));
        o.set_millis(2000);
        assert_eq!(o.millis(), 2000);
        assert_eq!(o.apply(t), t + Duration::from_secs(2));
    }
}
