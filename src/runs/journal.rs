//! The journal: append-only JSON Lines, one event per line, each written and synced before sctui
//! acts on it. A torn last line (power loss) is tolerated on read; any other line that cannot be
//! read is reported with its number and skipped, never fatal.
//!
//! Each line is a link of a hash chain (issue 15): it ends with `"prev"`, the hash of the line
//! before it, and `"hash"`, the SHA-256 of the line as far as `prev` (so it covers the previous
//! line's hash too). Editing a line breaks its own hash; deleting or moving one breaks the next
//! line's `prev`; `verify` finds the first broken link. Writers take an exclusive lock on the file
//! around reading the last line's hash and appending, so two processes never fork the chain.

use crate::domain::{ParameterMap, RecordError, RecordOutput, RecordStatus, RunOutcome, Timestamp};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[expect(clippy::large_enum_variant, reason = "a journal's events are read once and folded into runs at once")]
pub enum Event {
    /// Written before the execute is sent: from here on the run is never forgotten.
    Requested {
        run: String,
        at: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        endpoint: Option<String>,
        #[serde(default)]
        demo: bool,
        /// A fleet's cell: its account, and the SSO role used there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
        product_id: String,
        product_name: String,
        action_id: String,
        action_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parameters: Option<ParameterMap>,
        token: String,
        /// Where the run starts in the session's recording (`--record`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recording: Option<Recording>,
        /// Run while a change calendar was closed (or could not be read): why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        freeze: Option<FreezeOverride>,
        /// The sctui that sent it: version, commit, and whether its tree was dirty (absent on
        /// runs journaled before sctui recorded it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sctui: Option<String>,
    },
    /// Service Catalog answered the execute with this record.
    Created {
        run: String,
        at: Timestamp,
        record_id: String,
    },
    Status {
        run: String,
        at: Timestamp,
        status: RecordStatus,
    },
    Finished {
        run: String,
        at: Timestamp,
        status: RecordStatus,
        #[serde(default)]
        errors: Vec<RecordError>,
        #[serde(default)]
        outputs: Vec<RecordOutput>,
    },
    /// The execute was refused for good (not sent again); the action did not run.
    NotStarted {
        run: String,
        at: Timestamp,
        reason: String,
    },
    /// `--read-only` refused the run before anything was sent.
    Refused {
        run: String,
        at: Timestamp,
        reason: String,
    },
    /// The run cannot be followed any more (its demo world ended with its process).
    Abandoned {
        run: String,
        at: Timestamp,
        reason: String,
    },
    /// The operator stopped the run's SSM Automation execution (StopAutomationExecution); its
    /// record then ends FAILED.
    StopRequested {
        run: String,
        at: Timestamp,
        execution_id: String,
    },
}

/// Where a run starts in a session recording (`sctui --record FILE.cast`): the file's name, and
/// the seconds from the recording's start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Recording {
    pub file: String,
    pub at: f64,
}

/// A run started in a freeze: the calendars, what they said (CLOSED or UNKNOWN), and the
/// operator's reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FreezeOverride {
    pub calendars: Vec<String>,
    pub state: String,
    pub reason: String,
}

impl Event {
    pub fn run(&self) -> &str {
        match self {
            Event::Requested { run, .. }
            | Event::Created { run, .. }
            | Event::Status { run, .. }
            | Event::Finished { run, .. }
            | Event::NotStarted { run, .. }
            | Event::Refused { run, .. }
            | Event::Abandoned { run, .. }
            | Event::StopRequested { run, .. } => run,
        }
    }
}

/// A line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
    /// The run the line was about, when that much of it can still be read.
    pub run: Option<String>,
    /// Otherwise how many runs were requested before it (the first ones `runs` lists): the line
    /// was about one of them.
    pub requested_before: usize,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "journal line {}: {}; the line was skipped", self.line, crate::validate::clean(&self.message))
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "the journal {path} could not be {what}: {source}. Runs are not started without a journal; check the folder's permissions or pass --journal PATH"
)]
pub struct JournalError {
    pub path: PathBuf,
    pub what: &'static str,
    #[source]
    pub source: std::io::Error,
}

pub struct Journal {
    path: PathBuf,
    /// The file, and whether its last line may be unfinished (a write failed part way).
    file: Mutex<(std::fs::File, bool)>,
    notices: Vec<String>,
}

/// The `prev` of a journal's first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `event` as a link of the chain after `prev`: its JSON with `prev` and `hash` last. Returns
/// the line (without its newline) and its hash.
pub fn chained_line(event: &Event, prev: &str) -> Result<(String, String), serde_json::Error> {
    let body = serde_json::to_string(event)?;
    // An event is a JSON object: `{…}`.
    let open = body.strip_suffix('}').unwrap_or(&body);
    let linked = format!("{open},\"prev\":\"{prev}\"}}");
    let hash = sha256_hex(linked.as_bytes());
    Ok((format!("{open},\"prev\":\"{prev}\",\"hash\":\"{hash}\"}}"), hash))
}

/// What a line says about the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Written before the chain (or by something else): no `hash`.
    Unchained,
    /// It has a `hash`, but its content does not give it: the line was changed.
    Altered,
    Chained {
        prev: String,
        hash: String,
    },
}

fn hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The link a line (without its newline) is.
pub fn link(line: &[u8]) -> Link {
    let Ok(text) = std::str::from_utf8(line) else { return Link::Unchained };
    let text = text.trim_end_matches('\r');
    let Some(at) = text.rfind(",\"hash\":\"") else { return Link::Unchained };
    let hash = &text[at + 9..];
    let Some(hash) = hash.strip_suffix("\"}").filter(|h| hex64(h)) else { return Link::Altered };
    let linked = format!("{}}}", &text[..at]);
    let Some(prev) = linked.rfind(",\"prev\":\"").map(|p| &linked[p + 9..]).and_then(|p| p.strip_suffix("\"}")) else {
        return Link::Altered;
    };
    if !hex64(prev) || sha256_hex(linked.as_bytes()) != hash {
        return Link::Altered;
    }
    Link::Chained { prev: prev.to_string(), hash: hash.to_string() }
}

/// The hash the next line's `prev` names after `line`: its own, or for a line outside the chain
/// (an older sctui's, a torn one) the SHA-256 of its bytes.
pub fn hash_after(line: &[u8]) -> String {
    match link(line) {
        Link::Chained { hash, .. } => hash,
        _ => sha256_hex(line),
    }
}

/// The first broken link of a journal, or how it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every line from `from` on is chained and each follows the one before it. `head` is the
    /// last line's hash (pin it in a ticket); lines before `from` predate the chain.
    Intact { lines: usize, from: usize, head: String },
    /// The first line (1-based) that breaks the chain, and why.
    Broken { line: usize, why: String },
}

/// Checks the chain of a journal's bytes.
pub fn verify(bytes: &[u8]) -> Verdict {
    let mut prev: Option<(usize, String)> = None;
    let mut first_chained = None;
    let mut count = 0;
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        count += 1;
        let number = i + 1;
        let expected = prev.as_ref().map(|(_, h)| h.as_str()).unwrap_or(GENESIS);
        match link(line) {
            Link::Chained { prev: named, hash } => {
                if named != expected {
                    let why = match &prev {
                        Some((n, _)) => format!(
                            "it does not follow line {n}: a line between them was deleted, or lines were moved, or line {n} was changed with its hash made again"
                        ),
                        None => "it names a line before it, but it is the first: lines before it were deleted".into(),
                    };
                    return Verdict::Broken { line: number, why };
                }
                first_chained.get_or_insert(number);
                prev = Some((number, hash));
            }
            Link::Altered => {
                return Verdict::Broken {
                    line: number,
                    why: "its content does not match its hash: the line was changed".into(),
                };
            }
            Link::Unchained if first_chained.is_some() => {
                let why = "it has no hash, after chained lines: it was changed, or written by something other than sctui, or cut short by a crash";
                return Verdict::Broken { line: number, why: why.into() };
            }
            Link::Unchained => prev = Some((number, sha256_hex(line))),
        }
    }
    match (first_chained, prev) {
        (Some(from), Some((_, head))) => Verdict::Intact { lines: count, from, head },
        (None, Some((_, head))) => Verdict::Intact { lines: count, from: count + 1, head },
        (_, None) => Verdict::Intact { lines: 0, from: 1, head: GENESIS.into() },
    }
}

/// Whether a chained line of the journal has `hash` (a head an export pinned).
pub fn holds(bytes: &[u8], hash: &str) -> bool {
    bytes.split(|b| *b == b'\n').any(|line| matches!(link(line), Link::Chained { hash: h, .. } if h == hash))
}

/// The hash of the last line of the file (GENESIS for an empty one), read backwards in bounded
/// steps.
fn last_hash(file: &mut std::fs::File) -> std::io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    let mut end = len;
    // Skip the final newline(s).
    let mut tail: Vec<u8> = Vec::new();
    const STEP: u64 = 4096;
    while end > 0 {
        let start = end.saturating_sub(STEP);
        let mut chunk = vec![0u8; (end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        end = start;
        let trimmed = tail.iter().rposition(|b| *b != b'\n').map(|p| &tail[..=p]).unwrap_or(&[]);
        if let Some(nl) = trimmed.iter().rposition(|b| *b == b'\n') {
            return Ok(hash_after(&trimmed[nl + 1..]));
        }
        // Lines are bounded by what sctui writes; a journal's last line is read whole however long.
    }
    let trimmed = tail.iter().rposition(|b| *b != b'\n').map(|p| &tail[..=p]).unwrap_or(&[]);
    Ok(if trimmed.is_empty() { GENESIS.to_string() } else { hash_after(trimmed) })
}

/// Holds an exclusive advisory lock on a file until dropped.
struct Locked<'a>(&'a std::fs::File);

impl<'a> Locked<'a> {
    fn new(file: &'a std::fs::File) -> std::io::Result<Locked<'a>> {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a file descriptor this process owns; no memory is shared.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Locked(file))
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as above.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// `$XDG_STATE_HOME/sctui/journal.jsonl`, else `~/.local/state/sctui/journal.jsonl`.
pub fn default_path() -> Option<PathBuf> {
    crate::paths::state_dir().map(|d| d.join("journal.jsonl"))
}

impl Journal {
    /// Opens (creating with mode 0600, its folder 0700, tightening looser ones) for appending. A
    /// last line cut short by a crash or a full disk is closed first, so that the next event
    /// starts on a line of its own; `notices` says so.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let error = |source| JournalError { path: path.to_path_buf(), what: "opened", source };
        let opened = crate::paths::open_private(path).map_err(error)?;
        let mut notices = opened.notices;
        let torn = ends_unfinished(path).map_err(error)?;
        if torn {
            notices.push(format!(
                "the journal {}'s last line was cut short (a crash or a full disk); it was closed, and \
                 `sctui runs` lists the run it was about as damaged",
                path.display()
            ));
        }
        Ok(Journal { path: path.to_path_buf(), file: Mutex::new((opened.file, torn)), notices })
    }

    /// What was repaired or tightened when the journal was opened.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one event as one line, linked to the line before it, and syncs it to disk before
    /// returning.
    pub fn append(&self, event: &Event) -> Result<(), JournalError> {
        let error = |source| JournalError { path: self.path.clone(), what: "written", source };
        let mut guard = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let (file, torn) = &mut *guard;
        // The lock spans reading the last hash and appending: another process's line cannot
        // come between them.
        let lock = Locked::new(file).map_err(error)?;
        // The journal is opened for appending only: its last line is read through a second handle.
        let mut reader = {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(&self.path).map_err(error)?
        };
        let prev = last_hash(&mut reader).map_err(error)?;
        let (mut line, _) = chained_line(event, &prev).map_err(|e| error(e.into()))?;
        line.push('\n');
        if *torn {
            // Close the unfinished line first: an event never continues another's line.
            line.insert(0, '\n');
        }
        // One write of the whole line (O_APPEND), then to disk.
        let mut out: &std::fs::File = file;
        let result = out.write_all(line.as_bytes()).and_then(|_| out.sync_data());
        drop(lock);
        *torn = result.is_err();
        result.map_err(error)
    }

    /// Every event that can be read, and the lines that could not. A missing file is empty.
    pub fn read(path: &Path) -> Result<(Vec<Event>, Vec<Problem>), JournalError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()));
            }
            Err(source) => {
                return Err(JournalError { path: path.to_path_buf(), what: "read", source });
            }
        };
        Ok(parse(&bytes))
    }
}

/// Whether the file's last line has no newline at its end.
fn ends_unfinished(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(path)?;
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// The run id a damaged line still names, if it does.
fn run_named(line: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(line);
    let start = text.find("\"run\":\"")? + 7;
    // A line cut inside the id keeps what is there (it matches no run if it was cut short).
    let end = text[start..].find('"').unwrap_or(text.len() - start);
    Some(text[start..start + end].trim_end().to_string()).filter(|r| !r.is_empty())
}

pub fn parse(bytes: &[u8]) -> (Vec<Event>, Vec<Problem>) {
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let complete = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let last_content = lines.iter().rposition(|l| !l.is_empty());
    // The runs requested so far, each counted once, as `runs` lists them.
    let mut requested = std::collections::HashSet::new();
    let problem = |line: usize, message: String, bytes: &[u8], requested: usize| {
        let run = run_named(bytes);
        let requested_before = if run.is_none() { requested } else { 0 };
        Problem { line, message, run, requested_before }
    };
    for (i, line) in lines.iter().enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Event>(line) {
            Ok(e) => {
                if let Event::Requested { run, .. } = &e
                    && !requested.contains(run)
                {
                    requested.insert(run.clone());
                }
                events.push(e)
            }
            // The last line, cut short by a crash before its newline: not a corruption, but its
            // run's later events may be missing.
            Err(_) if !complete && Some(i) == last_content => {
                problems.push(problem(i + 1, "cut short".into(), line, requested.len()));
            }
            Err(e) => problems.push(problem(i + 1, format!("not a journal event ({e})"), line, requested.len())),
        }
    }
    (events, problems)
}

/// One run as the journal tells it.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct JournalRun {
    pub run: String,
    pub requested_at: Timestamp,
    pub caller: Option<String>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub demo: bool,
    /// A fleet's cell: its account, and the SSO role used there.
    pub account: Option<String>,
    pub role: Option<String>,
    pub product_id: String,
    pub product_name: String,
    pub action_id: String,
    pub action_name: String,
    pub parameters: Option<ParameterMap>,
    pub token: String,
    pub record_id: Option<String>,
    pub statuses: Vec<(Timestamp, RecordStatus)>,
    /// How the run ended, once it has.
    pub outcome: Option<RunOutcome>,
    pub ended_at: Option<Timestamp>,
    pub errors: Vec<RecordError>,
    pub outputs: Vec<RecordOutput>,
    pub reason: Option<String>,
    /// A line about this run could not be read: its end may be missing (check its history).
    pub damaged: bool,
    /// Where it starts in the session's recording, if one was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
    /// Run in a freeze, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freeze: Option<FreezeOverride>,
    /// The sctui that requested it (`sctui --version`), when the journal says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sctui: Option<String>,
}

impl JournalRun {
    /// Not ended: to be taken up again.
    pub fn is_open(&self) -> bool {
        self.outcome.is_none()
    }

    pub fn last_status(&self) -> Option<&RecordStatus> {
        self.statuses.last().map(|s| &s.1)
    }
}

/// The run of the journal at `path` that made `record_id`, if it has one (a blocking read).
pub fn run_of_record(path: &Path, record_id: &str) -> Option<JournalRun> {
    let (events, _) = Journal::read(path).ok()?;
    runs(&events).into_iter().find(|r| r.record_id.as_deref() == Some(record_id))
}

/// Folds events into runs, in the order they were requested.
pub fn runs(events: &[Event]) -> Vec<JournalRun> {
    let mut out: Vec<JournalRun> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for e in events {
        if let Event::Requested {
            run,
            at,
            caller,
            profile,
            region,
            endpoint,
            demo,
            account,
            role,
            product_id,
            product_name,
            action_id,
            action_name,
            parameters,
            token,
            recording,
            freeze,
            sctui,
        } = e
        {
            if index.contains_key(run) {
                continue;
            }
            index.insert(run.clone(), out.len());
            out.push(JournalRun {
                run: run.clone(),
                requested_at: *at,
                caller: caller.clone(),
                profile: profile.clone(),
                region: region.clone(),
                endpoint: endpoint.clone(),
                demo: *demo,
                account: account.clone(),
                role: role.clone(),
                recording: recording.clone(),
                freeze: freeze.clone(),
                sctui: sctui.clone(),
                product_id: product_id.clone(),
                product_name: product_name.clone(),
                action_id: action_id.clone(),
                action_name: action_name.clone(),
                parameters: parameters.clone(),
                token: token.clone(),
                ..Default::default()
            });
            continue;
        }
        let Some(&i) = index.get(e.run()) else {
            continue;
        };
        let r = &mut out[i];
        match e {
            Event::Requested { .. } => {}
            Event::Created { record_id, .. } => r.record_id = Some(record_id.clone()),
            Event::Status { at, status, .. } => {
                if r.last_status() != Some(status) {
                    r.statuses.push((*at, status.clone()));
                }
            }
            Event::Finished { at, status, errors, outputs, .. } => {
                if r.last_status() != Some(status) {
                    r.statuses.push((*at, status.clone()));
                }
                r.outcome = Some(RunOutcome::of(status));
                r.ended_at = Some(*at);
                r.errors = errors.clone();
                r.outputs = outputs.clone();
            }
            Event::NotStarted { at, reason, .. } => end(r, RunOutcome::NotStarted, *at, reason),
            Event::Refused { at, reason, .. } => end(r, RunOutcome::Refused, *at, reason),
            Event::Abandoned { at, reason, .. } => end(r, RunOutcome::Abandoned, *at, reason),
            // Evidence of who stopped it and when; the record's own end follows.
            Event::StopRequested { .. } => {}
        }
    }
    out
}

/// Marks the runs a damaged line may have been about: the one it names, or else every run
/// requested before it that the journal shows as not ended (its end may be what was lost).
/// `runs` is `runs(events)` of the same journal, in its order.
pub fn mark_damaged(runs: &mut [JournalRun], problems: &[Problem]) {
    let named: std::collections::HashSet<&str> = problems.iter().filter_map(|p| p.run.as_deref()).collect();
    let reach = problems.iter().filter(|p| p.run.is_none()).map(|p| p.requested_before).max().unwrap_or(0);
    for (i, r) in runs.iter_mut().enumerate() {
        r.damaged = named.contains(r.run.as_str()) || (r.is_open() && i < reach);
    }
}

fn end(r: &mut JournalRun, outcome: RunOutcome, at: Timestamp, reason: &str) {
    r.outcome = Some(outcome);
    r.ended_at = Some(at);
    r.reason = Some(reason.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requested(run: &str) -> Event {
        Event::Requested {
            run: run.into(),
            at: Timestamp(1.0),
            caller: None,
            profile: Some("ops".into()),
            region: Some("eu-west-1".into()),
            endpoint: None,
            demo: false,
            account: None,
            role: None,
            product_id: "pp-1".into(),
            product_name: "web-prod-01".into(),
            action_id: "act-1".into(),
            action_name: "AWS-RestartEC2Instance".into(),
            parameters: Some([("InstanceId".to_string(), vec!["i-1".to_string()])].into()),
            token: "tok-1".into(),
            recording: None,
            freeze: None,
            sctui: Some(crate::version::line()),
        }
    }

    #[test]
    fn events_round_trip_and_fold_into_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j/journal.jsonl");
        let j = Journal::open(&path).unwrap();
        j.append(&requested("r1")).unwrap();
        j.append(&Event::Created { run: "r1".into(), at: Timestamp(2.0), record_id: "rec-1".into() }).unwrap();
        j.append(&Event::Status { run: "r1".into(), at: Timestamp(3.0), status: RecordStatus::InProgress }).unwrap();
        j.append(&requested("r2")).unwrap();
        j.append(&Event::Finished {
            run: "r1".into(),
            at: Timestamp(4.0),
            status: RecordStatus::Succeeded,
            errors: vec![],
            outputs: vec![],
        })
        .unwrap();
        let (events, problems) = Journal::read(&path).unwrap();
        assert!(problems.is_empty());
        let runs = runs(&events);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].outcome, Some(RunOutcome::Succeeded));
        assert_eq!(runs[0].record_id.as_deref(), Some("rec-1"));
        assert_eq!(runs[0].statuses.len(), 2);
        assert!(runs[1].is_open() && runs[1].record_id.is_none());
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
    }

    #[test]
    fn a_torn_last_line_is_tolerated_and_a_corrupt_one_is_reported() {
        let good = serde_json::to_string(&requested("r1")).unwrap();
        let torn = format!("{good}\n{}", &good[..good.len() / 2]);
        let (events, problems) = parse(torn.as_bytes());
        assert_eq!(events.len(), 1);
        assert_eq!(problems[0].run.as_deref(), Some("r1"), "the torn line still names its run");
        // A line torn before its run id: the open runs before it are marked.
        let mut runs = runs(&events);
        let (_, problems) = parse(format!("{good}\n{{\"event\":\"crea").as_bytes());
        mark_damaged(&mut runs, &problems);
        assert!(runs[0].damaged);
        let corrupt = format!("{good}\nnot json at all\n{good}\n");
        let (events, problems) = parse(corrupt.as_bytes());
        assert_eq!(events.len(), 2);
        let message = problems[0].message.clone();
        assert_eq!(problems, vec![Problem { line: 2, message, run: None, requested_before: 1 }]);
        assert!(problems[0].to_string().contains("journal line 2"));
    }
}

#[cfg(test)]
mod torn {
    use super::*;

    /// Found by an attacker's drill: a torn last line used to swallow the next run's event.
    #[test]
    fn the_next_event_after_a_torn_line_starts_on_a_line_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        std::fs::write(&path, "{\"event\":\"created\",\"run\":\"torn").unwrap();
        let j = Journal::open(&path).unwrap();
        assert!(j.notices().iter().any(|n| n.contains("cut short")), "{:?}", j.notices());
        let event = Event::Refused { run: "next".into(), at: Timestamp(1.0), reason: "x".into() };
        j.append(&event).unwrap();
        let (events, problems) = Journal::read(&path).unwrap();
        assert_eq!(events, vec![event], "the new event was read whole");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].run.as_deref(), Some("torn"));
    }
}

#[cfg(test)]
mod chain {
    use super::*;

    fn event(i: usize) -> Event {
        Event::Status { run: format!("r{i}"), at: Timestamp(i as f64), status: RecordStatus::InProgress }
    }

    /// A journal of `n` events written through two handles in turn (as a TUI and a script
    /// writing to the same file): its lines.
    fn journal(n: usize) -> (tempfile::TempDir, PathBuf, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let (a, b) = (Journal::open(&path).unwrap(), Journal::open(&path).unwrap());
        for i in 0..n {
            if i % 2 == 0 { a.append(&event(i)).unwrap() } else { b.append(&event(i)).unwrap() }
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines = text.lines().map(str::to_string).collect();
        (dir, path, lines)
    }

    fn verdict(lines: &[String]) -> Verdict {
        verify(format!("{}\n", lines.join("\n")).as_bytes())
    }

    fn broken_at(lines: &[String]) -> usize {
        match verdict(lines) {
            Verdict::Broken { line, .. } => line,
            v => panic!("not broken: {v:?}"),
        }
    }

    #[test]
    fn an_untouched_journal_verifies_and_its_head_is_its_last_line() {
        let (_d, path, lines) = journal(6);
        let Verdict::Intact { lines: n, from, head } = verify(&std::fs::read(&path).unwrap()) else { panic!() };
        assert_eq!((n, from), (6, 1));
        assert_eq!(
            link(lines[5].as_bytes()),
            Link::Chained { prev: hash_after(lines[4].as_bytes()), hash: head.clone() }
        );
        assert!(lines[0].contains(&format!("\"prev\":\"{GENESIS}\"")));
        assert!(holds(&std::fs::read(&path).unwrap(), &head));
        // The events read as before: the chain's fields are extra.
        assert_eq!(Journal::read(&path).unwrap().0, (0..6).map(event).collect::<Vec<_>>());
    }

    #[test]
    fn an_edited_line_is_found_at_that_line() {
        let (_d, _p, mut lines) = journal(6);
        lines[2] = lines[2].replace("IN_PROGRESS", "SUCCEEDED");
        assert_eq!(broken_at(&lines), 3);
        assert!(matches!(verdict(&lines), Verdict::Broken { why, .. } if why.contains("changed")));
    }

    #[test]
    fn a_deleted_line_is_found_where_it_was() {
        for gone in 0..5 {
            let (_d, _p, mut lines) = journal(6);
            lines.remove(gone);
            assert_eq!(broken_at(&lines), gone + 1, "line {} deleted", gone + 1);
        }
    }

    #[test]
    fn reordered_lines_are_found_at_the_first_moved() {
        let (_d, _p, mut lines) = journal(6);
        lines.swap(1, 3);
        assert_eq!(broken_at(&lines), 2);
    }

    /// An attacker who recomputes the edited line's hash still breaks the next line's link.
    #[test]
    fn an_edit_with_its_hash_made_again_breaks_the_next_link() {
        let (_d, _p, mut lines) = journal(6);
        let Link::Chained { prev, .. } = link(lines[2].as_bytes()) else { panic!() };
        let forged = Event::Status { run: "r2".into(), at: Timestamp(2.0), status: RecordStatus::Succeeded };
        lines[2] = chained_line(&forged, &prev).unwrap().0;
        assert_eq!(broken_at(&lines), 4);
        // The last line so edited is found only by the head an export pinned.
        let (_d, _p, mut lines) = journal(3);
        let Link::Chained { prev, hash: pinned } = link(lines[2].as_bytes()) else { panic!() };
        lines[2] = chained_line(&forged, &prev).unwrap().0;
        let bytes = format!("{}\n", lines.join("\n"));
        assert!(matches!(verify(bytes.as_bytes()), Verdict::Intact { .. }));
        assert!(!holds(bytes.as_bytes(), &pinned));
    }

    /// A journal an older sctui wrote goes on as a chain: its lines are reported as predating it.
    #[test]
    fn older_unchained_lines_come_first_and_are_said_to_predate_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let old: String = (0..2).map(|i| format!("{}\n", serde_json::to_string(&event(i)).unwrap())).collect();
        std::fs::write(&path, old).unwrap();
        Journal::open(&path).unwrap().append(&event(2)).unwrap();
        assert!(matches!(verify(&std::fs::read(&path).unwrap()), Verdict::Intact { lines: 3, from: 3, .. }));
        // A line without a hash after the chain began is a break.
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!("{}\n", serde_json::to_string(&event(3)).unwrap()));
        assert!(matches!(verify(text.as_bytes()), Verdict::Broken { line: 4, .. }));
    }
}
