//! Runs of self-service actions: tokens, polling, and (later) the journal.

pub mod schedule;
