//! The SSM Automation execution behind each action's record, read off the record's plan: its
//! steps advance on the same clock, a failing scenario fails at its named step, a rollback step
//! runs after it, and a stopped execution ends Cancelled. Nothing runs in the background.

use super::lifecycle::{self, Plan};
use super::world::{Action, Outcome};
use std::collections::BTreeMap;

pub const PENDING: &str = "Pending";
pub const IN_PROGRESS: &str = "InProgress";
pub const SUCCESS: &str = "Success";
pub const FAILED: &str = "Failed";
pub const CANCELLED: &str = "Cancelled";

/// An execution started by an Execute: which record and action, what it was given, who ran it.
#[derive(Debug, Clone)]
pub struct Automation {
    pub id: String,
    pub record: usize,
    pub action: usize,
    /// The parameters it ran with (the action's, and AutomationAssumeRole).
    pub parameters: BTreeMap<String, Vec<String>>,
    pub executed_by: String,
    /// The record's plan as the run was planned (a stop changes the record's, not this one).
    pub plan: Plan,
    /// StopAutomationExecution: when.
    pub stopped_at: Option<f64>,
}

/// One step as it stands at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct StepNow {
    pub index: usize,
    pub name: String,
    pub action: String,
    pub status: &'static str,
    pub start: f64,
    pub end: Option<f64>,
    pub failure: Option<String>,
}

/// The whole execution as it stands at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionNow {
    pub status: &'static str,
    pub start: f64,
    pub end: Option<f64>,
    pub steps: Vec<StepNow>,
    pub failure: Option<String>,
}

/// A step's planned window and how it ends.
struct Slot<'a> {
    name: &'a str,
    action: &'a str,
    start: f64,
    end: f64,
    outcome: &'static str,
    failure: Option<String>,
}

/// The steps `action`'s document runs for a record planned as `plan`, each with its window.
fn slots<'a>(action: &'a Action, plan: &Plan) -> Vec<Slot<'a>> {
    let t0 = plan.steps[0].0;
    let at = |status: &str| plan.steps.iter().find(|s| s.1 == status).map(|s| s.0);
    let work = at(lifecycle::IN_PROGRESS).unwrap_or(t0);
    let end = plan.steps.last().map_or(t0, |s| s.0);
    let (status_end, _) = plan.at(f64::INFINITY);
    let normal: Vec<_> = action.steps.iter().filter(|s| !s.on_failure).collect();
    let rollback: Vec<_> = action.steps.iter().filter(|s| s.on_failure).collect();
    let failing = status_end == lifecycle::FAILED;
    // A record that failed before its automation did anything (a rejected parameter): no steps.
    if failing && at(lifecycle::IN_PROGRESS).is_none() {
        return Vec::new();
    }
    let fail_at = if failing {
        let named = action.scenario.fail_step.as_ref().and_then(|n| normal.iter().position(|s| &s.name == n));
        Some(named.unwrap_or(normal.len().saturating_sub(1)))
    } else {
        None
    };
    let rolled_back = failing && action.scenario.outcome == Outcome::FailedAfterRollback;
    let fail_time = if rolled_back { at(lifecycle::IN_PROGRESS_IN_ERROR).unwrap_or(end) } else { end };
    let ran = fail_at.map_or(normal.len(), |f| f + 1);
    let span_end = if failing { fail_time } else { end };
    let each = if ran == 0 { 0.0 } else { (span_end - work) / ran as f64 };
    let message = action.scenario.failure_message.clone().unwrap_or_else(|| {
        action.scenario.errors.first().map(|e| e.description.clone()).unwrap_or_else(|| "Step failed.".into())
    });
    let mut out: Vec<Slot> = normal
        .iter()
        .take(ran)
        .enumerate()
        .map(|(i, s)| {
            let fails = fail_at == Some(i);
            Slot {
                name: &s.name,
                action: &s.action,
                start: work + each * i as f64,
                end: if i + 1 == ran { span_end } else { work + each * (i + 1) as f64 },
                outcome: if fails { FAILED } else { SUCCESS },
                failure: fails.then(|| message.clone()),
            }
        })
        .collect();
    if rolled_back && !rollback.is_empty() {
        let each = (end - fail_time) / rollback.len() as f64;
        for (i, s) in rollback.iter().enumerate() {
            out.push(Slot {
                name: &s.name,
                action: &s.action,
                start: fail_time + each * i as f64,
                end: fail_time + each * (i + 1) as f64,
                outcome: SUCCESS,
                failure: None,
            });
        }
    }
    out
}

/// The execution of `automation` at `now`. Steps that have not started are not listed, as SSM
/// lists only steps it has begun.
pub fn at(automation: &Automation, action: &Action, now: f64) -> ExecutionNow {
    let plan = &automation.plan;
    let t0 = plan.steps[0].0;
    let natural_end = plan.steps.last().map_or(t0, |s| s.0);
    let stopped = automation.stopped_at.filter(|s| *s < natural_end);
    let (final_status, _) = plan.at(f64::INFINITY);
    let mut steps = Vec::new();
    for (index, slot) in slots(action, plan).into_iter().enumerate() {
        if slot.start > now || stopped.is_some_and(|s| slot.start >= s) {
            break;
        }
        let cut = stopped.filter(|s| *s < slot.end);
        let (status, end, failure) = match cut {
            Some(s) if s <= now => (CANCELLED, Some(s), None),
            _ if slot.end <= now => (slot.outcome, Some(slot.end), slot.failure),
            _ => (IN_PROGRESS, None, None),
        };
        steps.push(StepNow {
            index,
            name: slot.name.to_string(),
            action: slot.action.to_string(),
            status,
            start: slot.start,
            end,
            failure,
        });
    }
    let (status, end) = match stopped {
        Some(s) if s <= now => (CANCELLED, Some(s)),
        _ if now >= natural_end && plan.is_terminal_at(now) => {
            (if final_status == lifecycle::SUCCEEDED { SUCCESS } else { FAILED }, Some(natural_end))
        }
        _ if steps.is_empty() => (PENDING, None),
        _ => (IN_PROGRESS, None),
    };
    let failure = (status == FAILED).then(|| steps.iter().rev().find_map(|s| s.failure.clone())).flatten();
    ExecutionNow { status, start: t0, end, steps, failure }
}

pub fn is_terminal(status: &str) -> bool {
    matches!(status, SUCCESS | FAILED | CANCELLED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::world::World;

    fn demo_action(name: &str) -> Action {
        let w = World::demo().unwrap();
        w.actions.iter().find(|a| a.name == name).unwrap().clone()
    }

    fn run(action: &Action) -> Automation {
        Automation {
            id: "x".into(),
            record: 0,
            action: 0,
            parameters: BTreeMap::new(),
            executed_by: String::new(),
            plan: Plan::for_run(100.0, &action.scenario, 1.0, false),
            stopped_at: None,
        }
    }

    #[test]
    fn steps_advance_on_the_records_clock_and_succeed() {
        let action = demo_action("AWS-RestartEC2Instance");
        let a = run(&action);
        assert_eq!(at(&a, &action, 100.0).status, PENDING);
        let mid = at(&a, &action, 102.0);
        assert_eq!(mid.status, IN_PROGRESS);
        assert_eq!(mid.steps.len(), 1, "the second step has not started");
        assert_eq!(mid.steps[0].name, "stopInstances");
        let done = at(&a, &action, 1e9);
        assert_eq!(done.status, SUCCESS);
        assert!(done.steps.iter().all(|s| s.status == SUCCESS) && done.steps.len() == 2);
        assert_eq!(done.end, Some(106.0));
    }

    #[test]
    fn a_failing_scenario_fails_at_its_named_step_and_a_rollback_runs_after() {
        let action = demo_action("AWS-StopRdsInstance");
        let a = run(&action);
        let done = at(&a, &action, 1e9);
        assert_eq!(done.status, FAILED);
        let names: Vec<_> = done.steps.iter().map(|s| (s.name.as_str(), s.status)).collect();
        assert_eq!(names, [("AssertNotStopped", SUCCESS), ("StopInstance", FAILED)]);
        assert!(done.failure.as_deref().unwrap().starts_with("Step fails when it is Calling StopDBInstance"));
        let action = demo_action("Platform-ForceNewDeployment");
        let a = run(&action);
        let done = at(&a, &action, 1e9);
        let names: Vec<_> = done.steps.iter().map(|s| (s.name.as_str(), s.status)).collect();
        assert_eq!(
            names,
            [
                ("validateChangeTicket", SUCCESS),
                ("forceNewDeployment", SUCCESS),
                ("waitForServicesStable", FAILED),
                ("rollbackDeployment", SUCCESS)
            ]
        );
        assert_eq!(done.status, FAILED);
    }

    #[test]
    fn a_stopped_execution_ends_cancelled_at_the_running_step() {
        let action = demo_action("AWS-RestartEC2Instance");
        let mut a = run(&action);
        a.stopped_at = Some(102.0);
        let done = at(&a, &action, 1e9);
        assert_eq!(done.status, CANCELLED);
        assert_eq!(done.end, Some(102.0));
        assert_eq!(done.steps.len(), 1);
        assert_eq!(done.steps[0].status, CANCELLED);
    }
}
