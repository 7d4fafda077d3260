//! The module map's import rules, read off the source: each room imports only what its line in
//! ARCHITECTURE.md allows. A new `use crate::…` that breaks a rule fails here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module and the crate modules it may name (besides itself).
const RULES: &[(&str, &[&str])] = &[
    ("paths", &[]),
    ("version", &[]),
    ("domain", &[]),
    ("validate", &["domain"]),
    ("logging", &["paths", "version"]),
    ("notify", &["domain", "validate"]),
    ("config", &["domain", "notify", "paths", "validate"]),
    ("cli", &["config", "domain", "validate", "version"]),
    ("catalog", &["domain", "validate"]),
    ("runs", &["catalog", "domain", "notify", "paths", "validate", "version"]),
    ("sso", &["catalog", "validate"]),
    ("fleet", &["catalog", "config", "domain", "sso", "validate"]),
    ("headless", &["catalog", "cli", "domain", "fleet", "notify", "runs", "sso", "validate", "version"]),
    ("emulator", &["domain", "validate"]),
    ("tui", &["catalog", "config", "domain", "fleet", "headless", "notify", "paths", "runs", "sso", "validate"]),
    ("manual", &["cli", "config", "headless", "logging", "runs", "tui", "validate", "version"]),
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (a rule mentioned in a doc comment is not an import).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `crate::NAME` paths named in the code.
fn named(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + 7..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

#[test]
fn every_module_imports_only_what_its_rule_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let rules: BTreeMap<&str, &[&str]> = RULES.iter().copied().collect();
    let mut broken = Vec::new();
    for path in &all {
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_str().unwrap().trim_end_matches(".rs");
        let Some(allowed) = rules.get(top) else {
            assert!(
                ["main", "lib"].contains(&top),
                "{} has no rule: add it to RULES and ARCHITECTURE.md",
                rel.display()
            );
            continue;
        };
        for name in named(&code(path)) {
            if name != top && !allowed.contains(&name.as_str()) {
                broken.push(format!("{} names crate::{name}", rel.display()));
            }
        }
    }
    assert!(broken.is_empty(), "import rules broken:\n{}", broken.join("\n"));
    assert!(all.len() > 40, "the source was read");
}

#[test]
fn app_never_imports_a_view_and_nothing_but_main_imports_the_emulator() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let app = code(&src.join("tui/app.rs"));
    assert!(!app.contains("super::view") && !app.contains("tui::view"), "tui/app.rs imports a view");
    let mut all = Vec::new();
    files(&src, &mut all);
    for path in all {
        let rel = path.strip_prefix(&src).unwrap().to_str().unwrap().to_string();
        if rel.starts_with("emulator") || rel == "main.rs" || rel == "lib.rs" {
            continue;
        }
        assert!(!code(&path).contains("emulator::"), "{rel} imports the emulator");
    }
}

#[test]
fn the_architecture_page_lists_every_rule() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ARCHITECTURE.md")).unwrap();
    for (module, allowed) in RULES {
        let line = format!("| `{module}` |");
        let row = page.lines().find(|l| l.starts_with(&line)).unwrap_or_else(|| panic!("ARCHITECTURE.md lacks {line}"));
        let may: Vec<String> = allowed.iter().map(|m| format!("`{m}`")).collect();
        let expected = if may.is_empty() { "nothing".to_string() } else { may.join(", ") };
        assert!(
            row.ends_with(&format!("| {expected} |")),
            "ARCHITECTURE.md's row for {module} should end with `| {expected} |`: {row}"
        );
    }
}
