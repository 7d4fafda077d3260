#!/usr/bin/env bash
# The reliability drills at full size (the test suite runs them smaller to keep CI fast):
#   - 50 runs under 30% ThrottlingException, 10% HTTP 500/503 and 5% connections dropped after
#     the request was applied: exactly 50 executions, all 50 ended, one record each;
#   - 10 sctui processes killed with SIGKILL mid-run, then `sctui runs resume --wait`: all 10 end,
#     exactly 10 executions.
# Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
SCTUI_FAULT_RUNS="${SCTUI_FAULT_RUNS:-50}" cargo test --locked --release --test it -- \
  --nocapture --test-threads 1 \
  reliability::throttling_503s_and_dropped_connections_never_run_anything_twice \
  reliability::sigkill_with_runs_in_flight_then_resume_ends_each_exactly_once 2>&1 \
  | grep -E "drill|test result|panicked"
