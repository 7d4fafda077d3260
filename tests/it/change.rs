//! Issue 15: proof for the change ticket. The journal is a hash chain that `runs verify` checks
//! line by line, and every export pins its head.

use crate::support::*;

fn journal(home: &std::path::Path) -> std::path::PathBuf {
    home.join("state/sctui/journal.jsonl")
}

async fn sctui_runs(emu: &sctui::emulator::Emulator, home: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = run_against(emu, home, args).await;
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// The chain head `runs verify` reports on success.
fn head_of(stdout: &str) -> String {
    stdout.rsplit("chain head ").next().unwrap_or_default().trim().to_string()
}

#[tokio::test]
async fn verify_finds_an_edited_deleted_or_moved_line_and_exports_pin_the_chain_head() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let (code, _, err) = sctui_runs(&emu, home.path(), &["exec", WEB, RESTART, "--wait"]).await;
        assert_eq!(code, 0, "{err}");
    }
    let path = journal(home.path());
    let original = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    assert!(lines.len() >= 6, "requested, created, finished and statuses of two runs: {original}");
    let (code, out, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("{} lines, every link holds", lines.len())), "{out}");
    let head = head_of(&out);
    assert_eq!(head.len(), 64, "{out}");

    // Every export carries the head; JSON and CSV parse.
    let (code, json, _) = sctui_runs(&emu, home.path(), &["runs", "export", "--format", "json"]).await;
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["Journal"]["ChainHead"], head.as_str());
    assert_eq!(v["Journal"]["Intact"], true);
    let runs = v["Runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    let (code, csv_text, _) = sctui_runs(&emu, home.path(), &["runs", "export", "--format", "csv"]).await;
    assert_eq!(code, 0);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Run");
    let head_col = headers.iter().position(|h| h == "ChainHead").unwrap();
    let outcome_col = headers.iter().position(|h| h == "Outcome").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| &r[head_col] == head.as_str() && &r[outcome_col] == "SUCCEEDED"), "{csv_text}");
    let (_, md, _) = sctui_runs(&emu, home.path(), &["runs", "export"]).await;
    assert!(md.contains(&format!("chain head `{head}`")), "{md}");
    // Which runs: one by its id, since a time, an age.
    let first = runs[0]["run"].as_str().unwrap().to_string();
    let (_, one, _) = sctui_runs(&emu, home.path(), &["runs", "export", "--format", "json", "--run", &first]).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&one).unwrap()["Runs"].as_array().unwrap().len(), 1);
    for (since, n) in [("1h", 2), ("2000-01-01", 2), ("2999-01-01T00:00:00Z", 0)] {
        let (code, out, err) =
            sctui_runs(&emu, home.path(), &["runs", "export", "--format", "json", "--since", since]).await;
        assert_eq!(code, 0, "{err}");
        let got = serde_json::from_str::<serde_json::Value>(&out).unwrap()["Runs"].as_array().unwrap().len();
        assert_eq!(got, n, "--since {since}");
    }
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "export", "--since", "yesterday"]).await;
    assert_eq!(code, 2);
    assert!(err.contains("--since yesterday: not a time"), "{err}");

    // Tampering, each found at its line.
    let write = |lines: &[&str]| std::fs::write(&path, format!("{}\n", lines.join("\n"))).unwrap();
    let broken_at = |err: &str| -> usize {
        err.split("broken at line ").nth(1).and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let edited = lines[2].replacen("\"at\":", "\"at\":1", 1);
    let mut tampered = lines.clone();
    tampered[2] = &edited;
    write(&tampered);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!((code, broken_at(&err)), (1, 3), "an edit: {err}");
    assert!(err.contains("does not match its hash"), "{err}");
    let mut tampered = lines.clone();
    tampered.remove(3);
    write(&tampered);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!((code, broken_at(&err)), (1, 4), "a deletion: {err}");
    let mut tampered = lines.clone();
    tampered.swap(1, 4);
    write(&tampered);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!((code, broken_at(&err)), (1, 2), "a move: {err}");
    // An export of a broken journal says so.
    let (_, md, err) = sctui_runs(&emu, home.path(), &["runs", "export"]).await;
    assert!(md.contains("**Warning: the journal") && err.contains("broken at line 2"), "{md}{err}");
    // The last line deleted leaves a chain that holds, but not the head the export pinned.
    write(&lines[..lines.len() - 1]);
    let (code, _, _) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!(code, 0);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify", "--head", &head]).await;
    assert_eq!(code, 1);
    assert!(err.contains("does not hold the line with hash"), "{err}");
    // Untouched again, the pinned head holds.
    std::fs::write(&path, &original).unwrap();
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify", "--head", &head]).await;
    assert_eq!(code, 0, "{err}");
}
