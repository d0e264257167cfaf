//! Retries: which failures are tried again, how long to wait, and `Retry-After`.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method};

/// How a client retries: at most `max_attempts` sends, exponential backoff with jitter between
/// them, `Retry-After` honoured.
///
/// A failure is retried when [`crate::Error::is_retryable`] says so (connection errors,
/// timeouts, 429, 500, 502, 503, 504, AWS throttling and clock-skew errors) **and** the method
/// is idempotent (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`). `POST` and `PATCH` are
/// retried only when the request never reached the server (the connection could not be made),
/// unless [`RetryPolicy::retry_non_idempotent`] or [`crate::RequestBuilder::idempotent`] opts in.
///
/// Every attempt runs the whole pipeline again (auth, headers, interceptors, a fresh SigV4
/// signature) with the same body bytes.
///
/// The wait before attempt `n + 1` is `min(max_delay, base_delay * 2^(n-1))`, times a random
/// factor in `[0, 1)` when jitter is on ("full jitter", as the AWS SDKs do). An answer's
/// `Retry-After` (seconds or an HTTP date) replaces that wait, capped at `max_delay`.
///
/// ```
/// use std::time::Duration;
/// use amplify_rest::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(50))
///     .max_delay(Duration::from_secs(2));
/// assert_eq!(policy.get_max_attempts(), 5);
/// assert_eq!(RetryPolicy::disabled().get_max_attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: bool,
    retry_non_idempotent: bool,
}

/// Attempts made by default (the first send and two retries).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

impl Default for RetryPolicy {
    /// 3 attempts, 100 ms base delay, 20 s maximum delay, jitter on, no retries of `POST` and
    /// `PATCH` that reached the server.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(20),
            jitter: true,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: one attempt. (A clock-skew correction still re-sends once; see
    /// [`crate::ApiBuilder::clock`].)
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// At most `n` sends in all (`1` turns retries off; `0` is taken as `1`).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The wait before the first retry, doubled for each further one.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between attempts, also the cap on a `Retry-After`.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether waits are randomised (on by default, so many clients do not retry in step).
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Retries `POST` and `PATCH` like the other methods, even when they may have reached the
    /// server (use when the API deduplicates, e.g. by an idempotency key).
    pub fn retry_non_idempotent(mut self, on: bool) -> Self {
        self.retry_non_idempotent = on;
        self
    }

    /// The most sends this policy makes.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether `POST` and `PATCH` are retried after reaching the server.
    pub fn get_retry_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The wait after failed attempt `attempt` (1 for the first send). `retry_after` is what
    /// the answer asked for; `random` is a number in `[0, 1)` (used when jitter is on).
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>, random: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let exp = attempt.saturating_sub(1).min(31);
        let backoff = self
            .base_delay
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        if self.jitter {
            backoff.mul_f64(random.clamp(0.0, 1.0))
        } else {
            backoff
        }
    }
}

/// Methods that may be repeated without changing the result more than once.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    !matches!(*method, Method::POST | Method::PATCH) && method != "CONNECT"
}

/// A random number in `[0, 1)` for jitter.
pub(crate) fn random_unit() -> f64 {
    // 53 random bits make every representable step of [0, 1) equally likely.
    let bits = getrandom::u64().unwrap_or(0x9e37_79b9_7f4a_7c15);
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// The wait an answer asks for in `Retry-After`: whole seconds, or an HTTP date (then the
/// time until it, measured from `now`; a date in the past means no wait).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP senders must use.
pub(crate) fn parse_http_date(text: &str) -> Option<SystemTime> {
    let rest = text.trim();
    // The weekday is redundant; skip it if present.
    let rest = rest.split_once(',').map_or(rest, |(_, r)| r).trim();
    let mut parts = rest.split_ascii_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let hour: u64 = hms.next()?.parse().ok()?;
    let minute: u64 = hms.next()?.parse().ok()?;
    let second: u64 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || hms.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = u64::try_from(days).ok()? * 86_400 + hour * 3600 + minute * 60 + second;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::default()
            .base_delay(100 * MS)
            .max_delay(1000 * MS)
            .jitter(false);
        let waits: Vec<_> = (1..=6).map(|n| p.delay(n, None, 0.5)).collect();
        assert_eq!(
            waits,
            [100 * MS, 200 * MS, 400 * MS, 800 * MS, 1000 * MS, 1000 * MS]
        );
        // Huge attempt numbers neither overflow nor exceed the cap.
        assert_eq!(p.delay(u32::MAX, None, 0.5), 1000 * MS);
    }

    #[test]
    fn jitter_scales_the_backoff() {
        let p = RetryPolicy::default().base_delay(100 * MS).max_delay(1000 * MS);
        assert_eq!(p.delay(2, None, 0.0), Duration::ZERO);
        assert_eq!(p.delay(2, None, 0.5), 100 * MS);
        assert!(p.delay(2, None, 0.999) < 200 * MS);
        for _ in 0..1000 {
            let r = random_unit();
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }

    #[test]
    fn retry_after_replaces_the_backoff_within_the_cap() {
        let p = RetryPolicy::default().base_delay(MS).max_delay(300 * MS);
        assert_eq!(p.delay(1, Some(100 * MS), 0.0), 100 * MS);
        assert_eq!(p.delay(1, Some(Duration::from_secs(30)), 0.0), 300 * MS);
    }

    #[test]
    fn policy_settings() {
        assert_eq!(RetryPolicy::default().get_max_attempts(), 3);
        assert_eq!(RetryPolicy::default().max_attempts(0).get_max_attempts(), 1);
        assert!(!RetryPolicy::default().get_retry_non_idempotent());
        assert!(is_idempotent(&Method::GET) && is_idempotent(&Method::PUT) && is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
    }

    #[test]
    fn http_dates() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").expect("date");
        assert_eq!(t, SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777));
        let t = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").expect("date");
        assert_eq!(t, SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480));
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_164_800))
        );
        for bad in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_header() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert("retry-after", "2".parse().expect("value"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(2)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("value"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(10)));
        let later = now + Duration::from_secs(60);
        assert_eq!(retry_after(&h, later), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().expect("value"));
        assert_eq!(retry_after(&h, now), None);
    }
}
