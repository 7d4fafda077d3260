//! One client-side rate limit per operation, shared by every run of the process: a batch of 200
//! spaces its Executes and DescribeRecords out instead of throttling itself into failures.
//!
//! Each caller reserves the next free slot of its operation and sleeps until it (first come,
//! first served, no busy loop). A throttled answer widens the spacing; answers that go through
//! narrow it back to the configured rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// How far throttling may slow an operation down: ten times the configured spacing.
const MAX_SLOWDOWN: f64 = 10.0;

#[derive(Debug)]
pub struct Pacer {
    /// The spacing at the configured rate.
    base: Duration,
    slots: Mutex<HashMap<&'static str, Slot>>,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The earliest time the next call may go.
    next: Instant,
    /// The spacing now: `base`, or wider after throttling.
    spacing: Duration,
}

impl Pacer {
    /// A pacer allowing `per_second` calls per second per operation; None for no limit (0, or
    /// not a finite positive number).
    pub fn new(per_second: f64) -> Option<Pacer> {
        (per_second.is_finite() && per_second > 0.0)
            .then(|| Pacer { base: Duration::from_secs_f64(1.0 / per_second), slots: Mutex::default() })
    }

    /// The calls per second allowed per operation.
    pub fn rate(&self) -> f64 {
        1.0 / self.base.as_secs_f64()
    }

    /// Reserves the next slot of `op` and returns when it comes.
    pub async fn wait(&self, op: &'static str) {
        let at = self.reserve(op, Instant::now());
        tokio::time::sleep_until(at).await;
    }

    fn reserve(&self, op: &'static str, now: Instant) -> Instant {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let slot = slots.entry(op).or_insert(Slot { next: now, spacing: self.base });
        let at = slot.next.max(now);
        slot.next = at + slot.spacing;
        at
    }

    /// Service Catalog throttled `op` although it was paced: space its calls twice as far apart
    /// (at most ten times the configured spacing).
    pub fn throttled(&self, op: &'static str) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = slots.get_mut(op) {
            slot.spacing = (slot.spacing * 2).min(self.base.mul_f64(MAX_SLOWDOWN));
            tracing::info!(op, spacing_ms = slot.spacing.as_millis() as u64, "throttled: slowing down");
        }
    }

    /// A call of `op` went through: back towards the configured rate (5 % at a time).
    pub fn answered(&self, op: &'static str) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = slots.get_mut(op)
            && slot.spacing > self.base
        {
            slot.spacing = slot.spacing.mul_f64(0.95).max(self.base);
        }
    }

    #[cfg(test)]
    fn spacing(&self, op: &'static str) -> Option<Duration> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).get(op).map(|s| s.spacing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_is_no_pacer() {
        assert!(Pacer::new(0.0).is_none());
        assert!(Pacer::new(-1.0).is_none());
        assert!(Pacer::new(f64::NAN).is_none());
        assert_eq!(Pacer::new(4.0).map(|p| p.rate()), Some(4.0));
    }

    #[test]
    fn calls_of_one_operation_are_spaced_out_and_others_are_not_held_up() {
        let p = Pacer::new(5.0).unwrap();
        let now = Instant::now();
        let slots: Vec<_> = (0..10).map(|_| p.reserve("DescribeRecord", now) - now).collect();
        assert_eq!(slots[0], Duration::ZERO);
        assert_eq!(slots[9], Duration::from_millis(1800), "{slots:?}");
        assert_eq!(p.reserve("ExecuteProvisionedProductServiceAction", now), now, "its own slots");
        // A quiet spell does not bank a burst: the next call goes at once, then the spacing.
        let later = now + Duration::from_secs(60);
        assert_eq!(p.reserve("DescribeRecord", later), later);
        assert_eq!(p.reserve("DescribeRecord", later) - later, Duration::from_millis(200));
    }

    #[test]
    fn throttling_widens_the_spacing_up_to_ten_times_and_answers_narrow_it_back() {
        let p = Pacer::new(5.0).unwrap();
        let _ = p.reserve("DescribeRecord", Instant::now());
        for _ in 0..10 {
            p.throttled("DescribeRecord");
        }
        assert_eq!(p.spacing("DescribeRecord"), Some(Duration::from_secs(2)));
        for _ in 0..100 {
            p.answered("DescribeRecord");
        }
        assert_eq!(p.spacing("DescribeRecord"), Some(Duration::from_millis(200)));
    }
}
