//! Record progression on the emulator's clock. A record's whole life is planned when it is created
//! (a list of status changes with their times), and its status at any moment is read off that plan:
//! no background task, and the same answer for every client that asks at the same time.

use super::world::{Outcome, Scenario};

/// How long a record stays CREATED before work starts, at most (scaled with the run).
const CREATED_PHASE_SECS: f64 = 1.0;
/// Share of a rolled-back run spent IN_PROGRESS before the failure (the rest is IN_PROGRESS_IN_ERROR).
const ROLLBACK_AT: f64 = 0.6;

pub const CREATED: &str = "CREATED";
pub const IN_PROGRESS: &str = "IN_PROGRESS";
pub const IN_PROGRESS_IN_ERROR: &str = "IN_PROGRESS_IN_ERROR";
pub const SUCCEEDED: &str = "SUCCEEDED";
pub const FAILED: &str = "FAILED";

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// (time, status) in order; the first is at the record's creation.
    pub steps: Vec<(f64, &'static str)>,
}

impl Plan {
    /// The plan of a run of `scenario` started at `start`, with durations multiplied by `time_scale`.
    /// `force_failure` turns any scenario into a failure right after CREATED (a rejected parameter).
    pub fn for_run(start: f64, scenario: &Scenario, time_scale: f64, force_failure: bool) -> Plan {
        let total = (scenario.duration_secs * time_scale).max(0.0);
        let created = CREATED_PHASE_SECS.min(total * 0.1);
        let mut steps = vec![(start, CREATED)];
        if force_failure {
            steps.push((start + created, FAILED));
            return Plan { steps };
        }
        let end = start + total;
        match scenario.outcome {
            Outcome::Succeeded => {
                steps.push((start + created, IN_PROGRESS));
                steps.push((end, SUCCEEDED));
            }
            Outcome::Failed => {
                steps.push((start + created, IN_PROGRESS));
                steps.push((end, FAILED));
            }
            Outcome::FailedAfterRollback => {
                steps.push((start + created, IN_PROGRESS));
                steps.push((start + created + (total - created) * ROLLBACK_AT, IN_PROGRESS_IN_ERROR));
                steps.push((end, FAILED));
            }
        }
        Plan { steps }
    }

    /// A record that already ended (the history the world starts with).
    pub fn finished(created: f64, updated: f64, status: &'static str) -> Plan {
        Plan { steps: vec![(created, CREATED), (updated, status)] }
    }

    /// (status, time of the change that led to it) at `now`.
    pub fn at(&self, now: f64) -> (&'static str, f64) {
        let mut current = self.steps[0];
        for step in &self.steps {
            if step.0 <= now {
                current = *step;
            }
        }
        (current.1, current.0)
    }

    pub fn is_terminal_at(&self, now: f64) -> bool {
        matches!(self.at(now).0, SUCCEEDED | FAILED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(outcome: Outcome, secs: f64) -> Scenario {
        Scenario {
            duration_secs: secs,
            outcome,
            errors: vec![],
            outputs: vec![],
            fail_step: None,
            failure_message: None,
            link: Default::default(),
        }
    }

    #[test]
    fn success_path() {
        let p = Plan::for_run(100.0, &scenario(Outcome::Succeeded, 10.0), 1.0, false);
        assert_eq!(p.at(100.0).0, CREATED);
        assert_eq!(p.at(100.5).0, CREATED);
        assert_eq!(p.at(101.0).0, IN_PROGRESS);
        assert_eq!(p.at(109.9).0, IN_PROGRESS);
        assert_eq!(p.at(110.0), (SUCCEEDED, 110.0));
        assert!(p.is_terminal_at(200.0));
    }

    #[test]
    fn rollback_path_passes_through_in_error() {
        let p = Plan::for_run(0.0, &scenario(Outcome::FailedAfterRollback, 20.0), 1.0, false);
        let seen: Vec<_> = p.steps.iter().map(|s| s.1).collect();
        assert_eq!(seen, [CREATED, IN_PROGRESS, IN_PROGRESS_IN_ERROR, FAILED]);
        assert_eq!(p.at(15.0).0, IN_PROGRESS_IN_ERROR);
    }

    #[test]
    fn time_scale_zero_ends_at_once() {
        let p = Plan::for_run(50.0, &scenario(Outcome::Failed, 40.0), 0.0, false);
        assert_eq!(p.at(50.0).0, FAILED);
    }

    #[test]
    fn forced_failure_skips_the_scenario() {
        let p = Plan::for_run(0.0, &scenario(Outcome::Succeeded, 30.0), 1.0, true);
        assert_eq!(p.at(5.0).0, FAILED);
    }
}
