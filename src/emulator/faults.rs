//! Fault injection, off by default. Deterministic for a given seed: the n-th request always meets
//! the same fault, so a failing test can be run again and fail the same way.

use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FaultConfig {
    /// Only requests of these operations meet the faults (every request when empty).
    pub ops: Vec<String>,
    pub latency_ms: u64,
    pub throttle_rate: f64,
    pub error_rate: f64,
    pub drop_rate: f64,
    pub expired_rate: f64,
    pub seed: u64,
}

impl FaultConfig {
    fn applies_to(&self, op: &str) -> bool {
        self.ops.is_empty() || self.ops.iter().any(|o| o == op)
    }

    pub fn is_off(&self) -> bool {
        self.latency_ms == 0
            && self.throttle_rate <= 0.0
            && self.error_rate <= 0.0
            && self.drop_rate <= 0.0
            && self.expired_rate <= 0.0
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Answer ThrottlingException before doing anything.
    Throttle,
    /// Answer HTTP 500 (or 503) before doing anything.
    ServerError(u16),
    /// Answer ExpiredTokenException before doing anything.
    Expired,
    /// Do the work, then close the connection without an answer.
    Drop,
}

pub struct Faults {
    config: Mutex<FaultConfig>,
    state: Mutex<u64>,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Faults {
        let seed = super::world::splitmix(config.seed ^ 0x5c7u64);
        Faults { config: Mutex::new(config), state: Mutex::new(seed) }
    }

    fn config(&self) -> FaultConfig {
        self.config.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Changes the faults of a running emulator (`POST /_emulator/faults`); the sequence goes on.
    pub fn set(&self, config: FaultConfig) {
        *self.config.lock().unwrap_or_else(|p| p.into_inner()) = config;
    }

    /// The delay before answering a request of `op`.
    pub fn latency(&self, op: &str) -> Option<Duration> {
        let config = self.config();
        let ms = if config.applies_to(op) { config.latency_ms } else { 0 };
        (ms > 0).then(|| Duration::from_millis(ms))
    }

    fn draw(&self) -> f64 {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *s = super::world::splitmix(*s);
        (*s >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The fault a request of `op` meets.
    pub fn next(&self, op: &str) -> Fault {
        let config = self.config();
        if config.is_off() || !config.applies_to(op) {
            return Fault::None;
        }
        // One draw per kind, so each rate holds on its own whatever the others are.
        let (t, e, x, d) = (self.draw(), self.draw(), self.draw(), self.draw());
        if t < config.throttle_rate {
            Fault::Throttle
        } else if e < config.error_rate {
            Fault::ServerError(if self.draw() < 0.5 { 500 } else { 503 })
        } else if x < config.expired_rate {
            Fault::Expired
        } else if d < config.drop_rate {
            Fault::Drop
        } else {
            Fault::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_hold_and_repeat_for_a_seed() {
        let config = FaultConfig { throttle_rate: 0.3, drop_rate: 0.1, seed: 7, ..Default::default() };
        let run = || {
            let f = Faults::new(config.clone());
            (0..10_000).map(|_| f.next("DescribeRecord")).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run(), "same seed, same faults");
        let throttled = a.iter().filter(|f| **f == Fault::Throttle).count();
        let dropped = a.iter().filter(|f| **f == Fault::Drop).count();
        assert!((2700..3300).contains(&throttled), "{throttled}");
        // drops only among the 70% not throttled
        assert!((500..900).contains(&dropped), "{dropped}");
    }

    #[test]
    fn off_means_nothing() {
        let f = Faults::new(FaultConfig::default());
        assert!((0..100).all(|_| f.next("DescribeRecord") == Fault::None));
    }

    #[test]
    fn scoped_faults_meet_only_their_operation() {
        let ops = vec!["ExecuteProvisionedProductServiceAction".to_string()];
        let f = Faults::new(FaultConfig { ops, throttle_rate: 1.0, latency_ms: 5, ..Default::default() });
        assert_eq!(f.next("DescribeRecord"), Fault::None);
        assert_eq!(f.latency("DescribeRecord"), None);
        assert_eq!(f.next("ExecuteProvisionedProductServiceAction"), Fault::Throttle);
        assert_eq!(f.latency("ExecuteProvisionedProductServiceAction"), Some(Duration::from_millis(5)));
    }
}
