//! Latency samples and their summaries; medians over rounds.

use std::time::Duration;

/// CPU time used so far by this whole process (every thread: clients and the local server).
pub fn process_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock id is a constant libc knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// One batch of requests: its wall time, CPU time and every request's latency.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Requests completed.
    pub requests: usize,
    /// From the first request's start to the last one's end.
    pub wall: Duration,
    /// CPU time the process used meanwhile (client and local server threads).
    pub cpu: Duration,
    /// Each request's latency in nanoseconds, sorted.
    pub latencies_ns: Vec<u64>,
}

impl Sample {
    /// A sample from its wall time, CPU time and (unsorted) latencies.
    pub fn new(wall: Duration, cpu: Duration, mut latencies_ns: Vec<u64>) -> Self {
        latencies_ns.sort_unstable();
        Sample {
            requests: latencies_ns.len(),
            wall,
            cpu,
            latencies_ns,
        }
    }

    /// CPU time per request in microseconds (client and local server together).
    pub fn cpu_us_per_request(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.requests.max(1) as f64
    }

    /// Requests per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile (0..=1) of the latencies, in microseconds.
    pub fn quantile_us(&self, q: f64) -> f64 {
        if self.latencies_ns.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies_ns.len() - 1) as f64 * q).round() as usize;
        self.latencies_ns[i] as f64 / 1000.0
    }
}

/// The summary of one batch, also what the Python peer prints.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Requests per second.
    pub throughput: f64,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th percentile latency, µs.
    pub p99_us: f64,
    /// CPU time per request in this process (client and local server), µs; NaN when not known.
    pub cpu_us: f64,
}

impl From<&Sample> for Summary {
    fn from(s: &Sample) -> Self {
        Summary {
            throughput: s.throughput(),
            p50_us: s.quantile_us(0.50),
            p99_us: s.quantile_us(0.99),
            cpu_us: s.cpu_us_per_request(),
        }
    }
}

/// The median of `values` (NaN when empty); NaNs are ignored.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The smallest and largest of `values`, NaNs ignored.
pub fn range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|x| !x.is_nan())
        .fold((f64::NAN, f64::NAN), |(lo, hi), x| (lo.min(x), hi.max(x)))
}

/// The median of `values` with a distribution-free 95% confidence interval for it: the order
/// statistics `x(k)` and `x(n+1-k)`, with `k` the largest rank such that a Binomial(n, ½)
/// variable is below `k` with probability at most 2.5%. NaNs are ignored; with fewer than 6
/// values no such interval exists and the bounds are the smallest and largest value.
pub fn median_ci(values: impl IntoIterator<Item = f64>) -> (f64, f64, f64) {
    let mut v: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    // P(X <= j) for X ~ Binomial(n, 1/2), summed in log space so large n cannot underflow.
    let mut ln_pmf = n as f64 * 0.5f64.ln(); // ln P(X = 0)
    let mut cdf = ln_pmf.exp(); // P(X <= j), starting at j = 0
    // The interval's lower rank k: the largest with P(X <= k - 1) <= 2.5%, at least 1.
    let mut k = 1;
    for j in 0..n / 2 {
        if cdf > 0.025 {
            break;
        }
        k = j + 1;
        ln_pmf += ((n - j) as f64).ln() - ((j + 1) as f64).ln();
        cdf += ln_pmf.exp();
    }
    (median(v.iter().copied()), v[k - 1], v[n - k])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_quantiles() {
        assert_eq!(median([3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median([4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median([]).is_nan());
        assert_eq!(range([2.0, f64::NAN, 5.0, 1.0]), (1.0, 5.0));
        let s = Sample::new(
            Duration::from_secs(2),
            Duration::from_millis(1),
            (1..=100).rev().map(|i| i * 1000).collect(),
        );
        assert_eq!(s.throughput(), 50.0);
        assert_eq!(s.quantile_us(0.5), 51.0);
        assert_eq!(s.quantile_us(0.99), 99.0);
        assert_eq!(s.cpu_us_per_request(), 10.0);
        assert!(process_cpu_time() > Duration::ZERO);
    }

    #[test]
    fn median_confidence_intervals() {
        // Tables of the sign-test interval: n = 10 -> ranks 2 and 9 (97.9%);
        // n = 20 -> 6 and 15 (95.9%); n = 100 -> 40 and 61 (96.5%).
        let ranks = |n: usize| {
            let (_, lo, hi) = median_ci((1..=n).map(|i| i as f64));
            (lo as usize, hi as usize)
        };
        assert_eq!(ranks(10), (2, 9));
        assert_eq!(ranks(20), (6, 15));
        assert_eq!(ranks(100), (40, 61));
        assert_eq!(ranks(5), (1, 5));
        assert_eq!(median_ci([2.0, f64::NAN, 1.0]).0, 1.5);
        assert!(median_ci([]).0.is_nan());
    }
}
