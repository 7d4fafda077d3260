//! When to ask DescribeRecord again: fast at first, backing off with jitter for long runs, slower
//! still while Service Catalog throttles, and never giving up on a record that has not ended.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct PollSchedule {
    /// Delays before each poll, before jitter.
    next: Duration,
    max: Duration,
    throttled_max: Duration,
    rng: u64,
}

impl PollSchedule {
    pub const FIRST: Duration = Duration::from_millis(1000);
    pub const MAX: Duration = Duration::from_secs(10);
    pub const THROTTLED_MAX: Duration = Duration::from_secs(30);

    /// `seed` makes the jitter reproducible in tests; use the run id's hash in practice.
    pub fn new(seed: u64) -> Self {
        PollSchedule { next: Self::FIRST, max: Self::MAX, throttled_max: Self::THROTTLED_MAX, rng: seed | 1 }
    }

    /// A schedule whose jitter is seeded by a key (a token, a record id): runs started together
    /// spread their polls apart, and the same key always gives the same waits.
    pub fn for_key(key: &str) -> Self {
        use std::hash::{Hash, Hasher};
        // SipHash with fixed keys: stable from one process to the next.
        let mut h = std::hash::DefaultHasher::new();
        key.hash(&mut h);
        PollSchedule::new(h.finish())
    }

    fn jitter(&mut self, d: Duration) -> Duration {
        // xorshift: ±20 %
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let f = 0.8 + (self.rng % 1000) as f64 / 1000.0 * 0.4;
        d.mul_f64(f)
    }

    /// The wait before the next poll after an ordinary answer.
    pub fn after_answer(&mut self) -> Duration {
        let d = self.jitter(self.next);
        self.next = (self.next.mul_f64(1.6)).min(self.max);
        d
    }

    /// The wait after a throttled or failed poll: doubles, up to a higher cap.
    pub fn after_throttle(&mut self) -> Duration {
        self.next = (self.next * 2).min(self.throttled_max);
        self.jitter(self.next)
    }

    /// A status change means things are moving: poll sooner again.
    pub fn on_change(&mut self) {
        self.next = (self.next / 2).max(Self::FIRST.min(self.next));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_to_the_cap_with_jitter() {
        let mut s = PollSchedule::new(42);
        let first = s.after_answer();
        assert!(first >= Duration::from_millis(800) && first <= Duration::from_millis(1200), "{first:?}");
        let waits: Vec<_> = (0..20).map(|_| s.after_answer()).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_secs(12)), "{waits:?}");
        assert!(waits[19] >= Duration::from_secs(8), "{waits:?}");
    }

    #[test]
    fn a_sixty_second_run_costs_at_most_twenty_polls() {
        let mut s = PollSchedule::new(7);
        let mut t = Duration::ZERO;
        let mut polls = 1; // the first answer comes with Execute
        while t < Duration::from_secs(60) {
            t += s.after_answer();
            polls += 1;
        }
        assert!(polls <= 20, "{polls}");
    }

    #[test]
    fn throttling_slows_down_further() {
        let mut s = PollSchedule::new(1);
        for _ in 0..10 {
            s.after_answer();
        }
        let t = (0..5).map(|_| s.after_throttle()).last().unwrap_or_default();
        assert!(t > Duration::from_secs(20), "{t:?}");
    }
}
