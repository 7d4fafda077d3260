//! Issue 16: on a jump host in one step. `scripts/package` builds the Debian package (cargo-deb)
//! from this build's binary; it is unpacked into a temporary root (`dpkg -x`) and used from
//! there: its `--version`, its man pages (rendered without a warning) and its completions.
//! Completions are also driven the way the shells drive them: bash through `complete -F`'s
//! function with COMP_WORDS, zsh by loading the script after compinit.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn out(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn ok(cmd: &mut Command) -> String {
    let o = out(cmd);
    assert!(
        o.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether `tools` are all installed. Not every machine has them: CI (`.ci/run`, which sets CI)
/// installs them and requires them here; elsewhere what they check is left out, and said.
fn installed(tools: &[&str], left_out: &str) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            Command::new("sh").args(["-c", &format!("command -v {t}")]).output().map_or(true, |o| !o.status.success())
        })
        .collect();
    assert!(missing.is_empty() || std::env::var_os("CI").is_none(), "missing {missing:?} (.ci/run installs them)");
    if !missing.is_empty() {
        eprintln!("{left_out} left out here: {missing:?} not installed");
    }
    missing.is_empty()
}

/// What `--version` must print: the build's version (the library this test links has the same
/// build script's answer), whose commit is git's HEAD here unless the build was told another.
fn expected_version() -> String {
    let expected = format!("sctui {}", sctui::version::VERSION);
    let head = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(repo()).output();
    if let Ok(o) = head
        && o.status.success()
        && std::env::var_os("SCTUI_BUILD_COMMIT").is_none()
    {
        let head = String::from_utf8_lossy(&o.stdout).trim().to_string();
        assert_eq!(sctui::version::COMMIT, head, "the build names another commit than this checkout's");
        assert!(expected.contains(&head[..12]), "{expected}");
    }
    expected
}

/// AWS CLI files with two good profiles, hostile section names and a good one past the bound.
fn aws_files(dir: &Path) -> (PathBuf, PathBuf) {
    let config = dir.join("config");
    let mut text = String::from(
        "[default]\nregion = eu-west-1\n[profile ops-admin]\n[profile prod-eu]\n[sso-session corp]\n\
         [profile $(touch PWNED1)]\n[profile `touch PWNED2`]\n[profile a;touch PWNED3]\n[services x]\n",
    );
    // Only the first 2,000 lines are read: a profile after them is not offered.
    text.push_str(&"# filler\n".repeat(2500));
    text.push_str("[profile too-late]\n");
    std::fs::write(&config, text).unwrap();
    let credentials = dir.join("credentials");
    // A 3 MB line without an end: read in bounded pieces, never whole.
    let endless = format!("[creds-only]\naws_access_key_id = x\n[ops-admin]\n{}", "x".repeat(3_000_000));
    std::fs::write(&credentials, endless).unwrap();
    (config, credentials)
}

/// What bash completes for these words (the last one being completed), as `complete -p` sets up.
fn bash_complete(script: &Path, aws: &(PathBuf, PathBuf), cwd: &Path, words: &[&str]) -> Vec<String> {
    let driver = r#"
source "$1"; shift
spec=$(complete -p sctui) || exit 9
fn=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<<"$spec")
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
"$fn" sctui "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let text = ok(Command::new("bash")
        .args(["--norc", "--noprofile", "-c", driver, "driver"])
        .arg(script)
        .args(words)
        .current_dir(cwd)
        .env("AWS_CONFIG_FILE", &aws.0)
        .env("AWS_SHARED_CREDENTIALS_FILE", &aws.1));
    let mut words: Vec<String> = text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
    words.sort();
    words
}

#[test]
fn completions_load_in_bash_and_zsh_and_complete_commands_values_and_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let aws = aws_files(dir.path());
    let bash = dir.path().join("sctui.bash");
    std::fs::write(&bash, ok(Command::new(env!("CARGO_BIN_EXE_sctui")).args(["completions", "bash"]))).unwrap();
    ok(Command::new("bash").arg("-n").arg(&bash));
    let cwd = dir.path();
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "ex"]), ["exec"]);
    let values = |words: &[&str]| -> Vec<String> {
        bash_complete(&bash, &aws, cwd, words).into_iter().filter(|w| !w.starts_with('-')).collect()
    };
    assert_eq!(values(&["sctui", "runs", ""]), ["export", "resume", "verify"]);
    assert_eq!(values(&["sctui", "config", ""]), ["example", "path"]);
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "--output", ""]), ["json", "table"]);
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "products", "-o", "j"]), ["json"]);
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "--theme", ""]), ["dark", "high-contrast", "light"]);
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "--access-level", ""]), ["account", "auto", "role", "user"]);
    assert_eq!(values(&["sctui", "completions", ""]), ["bash", "elvish", "fish", "powershell", "zsh"]);
    assert!(bash_complete(&bash, &aws, cwd, &["sctui", "exec", "--"]).contains(&"--override-freeze".to_string()));
    // Profiles from both files, each once; hostile names are not offered and never run.
    assert_eq!(
        bash_complete(&bash, &aws, cwd, &["sctui", "--profile", ""]),
        ["creds-only", "default", "ops-admin", "prod-eu"]
    );
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "batch", "--profile", "pr"]), ["prod-eu"]);
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "--profile", "=", "o"]), ["ops-admin"]);
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "--profile", "="]).len(), 4, "--profile=<Tab>");
    assert_eq!(bash_complete(&bash, &aws, cwd, &["sctui", "--profile", "$("]), Vec::<String>::new());
    for mark in ["PWNED1", "PWNED2", "PWNED3"] {
        assert!(!cwd.join(mark).exists(), "a profile name was run as a command");
    }

    if !installed(&["zsh"], "the zsh completion checks are") {
        return;
    }
    let zsh_script = dir.path().join("_sctui");
    std::fs::write(&zsh_script, ok(Command::new(env!("CARGO_BIN_EXE_sctui")).args(["completions", "zsh"]))).unwrap();
    ok(Command::new("zsh").arg("-n").arg(&zsh_script));
    // Loaded as zsh loads it (compinit, then the function), with compadd standing in for the
    // completion system to print what --profile would offer.
    let driver = r#"
autoload -U compinit && compinit -u -D
source "$1" || exit 9
(( $+functions[_sctui] )) || exit 8
[[ $_comps[sctui] == _sctui ]] || exit 7
compadd() { shift 2; print -l -- "${(@P)1}" }
_sctui_aws_profiles
"#;
    let o = out(Command::new("zsh")
        .args(["-f", "-c", driver, "driver"])
        .arg(&zsh_script)
        .current_dir(cwd)
        .env("AWS_CONFIG_FILE", &aws.0)
        .env("AWS_SHARED_CREDENTIALS_FILE", &aws.1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && stderr.is_empty(), "{:?} {stderr}", o.status);
    let offered: BTreeSet<String> = String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect();
    assert_eq!(offered, ["creds-only", "default", "ops-admin", "prod-eu"].map(String::from).into());
    assert!(["PWNED1", "PWNED2", "PWNED3"].iter().all(|m| !cwd.join(m).exists()));
    // And as a person at a zsh prompt would: an interactive zsh in a pseudo-terminal (zpty),
    // <Tab> after `--profile ` lists the profiles, `sctui ex<Tab>` becomes `sctui exec `. Each
    // step waits for what it expects to be drawn; `timeout` bounds the whole.
    let fpath = dir.path().join("fpath");
    std::fs::create_dir_all(&fpath).unwrap();
    std::fs::copy(&zsh_script, fpath.join("_sctui")).unwrap();
    let interactive = r#"
zmodload zsh/zpty
zpty -b z 'zsh -f -i'
zpty -w z "PS1='> '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "export AWS_CONFIG_FILE=${(q)2} AWS_SHARED_CREDENTIALS_FILE=${(q)3}"
zpty -w z 'show() { zle -M "BUF<$BUFFER>" }; zle -N show; bindkey "^X" show; print RE""ADY'
zpty -r -m z out '*READY*' || exit 3
zpty -w -n z $'sctui --profile \t'
zpty -r -m z out '*prod-eu*' || exit 4
print -r -- "$out" | tr -d '\r' | tail -1
zpty -w -n z $'\C-u'
zpty -w -n z $'sctui ex\t\C-x'
zpty -r -m z out '*BUF<*>*' || exit 5
print -r -- "$out" | tr -d '\r' | grep -o 'BUF<[^>]*>'
zpty -d z
"#;
    let shown = ok(Command::new("timeout")
        .args(["30", "zsh", "-f", "-c", interactive, "driver"])
        .arg(&fpath)
        .args([&aws.0, &aws.1])
        .current_dir(cwd));
    // Without the terminal's control sequences (CSI … letter).
    let shown = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap().replace_all(&shown, "").into_owned();
    let lines: Vec<&str> = shown.lines().collect();
    let listed: BTreeSet<&str> = lines[0].split_whitespace().collect();
    assert_eq!(listed, ["creds-only", "default", "ops-admin", "prod-eu"].into(), "{shown:?}");
    assert_eq!(lines.get(1), Some(&"BUF<sctui exec >"), "{shown:?}");
    let script = std::fs::read_to_string(&zsh_script).unwrap();
    assert!(script.contains("--output=[") && script.contains("(table json)"), "enum values are listed");
    assert_eq!(script.matches(":PROFILE:_sctui_aws_profiles").count(), script.matches("--profile=[").count());
}

/// Renders a page as man does, and as groff does with every warning on: (stdout, warnings).
fn render(page: &Path) -> (String, String) {
    // No hyphenation or justification, and wide: the text can be searched for phrases.
    let man = out(Command::new("man")
        .args(["--warnings", "--nh", "--nj", "-l"])
        .arg(page)
        .env("MANWIDTH", "200")
        .env("LANG", "C.UTF-8"));
    assert!(man.status.success(), "man -l {}", page.display());
    let roff = ok(Command::new("zcat").arg(page));
    let mut groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut groff.stdin.take().unwrap(), roff.as_bytes()).unwrap();
    let groff = groff.wait_with_output().unwrap();
    let warnings = format!("{}{}", String::from_utf8_lossy(&man.stderr), String::from_utf8_lossy(&groff.stderr));
    (String::from_utf8_lossy(&man.stdout).into_owned(), warnings)
}

/// Text with every run of white space made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_debian_package_installs_a_binary_that_names_its_build_with_its_man_pages_and_completions() {
    if !installed(&["dpkg-deb", "dpkg-shlibdeps", "man", "groff", "zcat"], "the package test is") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let debs = dir.path().join("debian");
    let built = out(Command::new("bash")
        .arg(repo().join("scripts/package"))
        .args(["--binary", env!("CARGO_BIN_EXE_sctui"), "--fast", "--out"])
        .arg(&debs));
    let log = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "scripts/package failed: {log}");
    let deb: Vec<PathBuf> = std::fs::read_dir(&debs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .collect();
    assert_eq!(deb.len(), 1, "{deb:?}");
    let deb = &deb[0];
    let name = deb.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with(&format!("sctui_{}-1_", env!("CARGO_PKG_VERSION"))), "{name}");
    assert!(String::from_utf8_lossy(&built.stdout).trim_end().ends_with(&name), "the script prints the .deb last");

    // The control file: nothing needed beyond the C library.
    let field = |f: &str| ok(Command::new("dpkg-deb").arg("-f").arg(deb).arg(f)).trim().to_string();
    assert_eq!(field("Package"), "sctui");
    let depends = field("Depends");
    assert!(depends.starts_with("libc6 (>= 2.") && !depends.contains(','), "{depends}");
    assert_eq!(field("Section"), "admin");

    // The file list: the binary, a page per command, three shells, the docs.
    let listing = ok(Command::new("dpkg-deb").arg("-c").arg(deb));
    let files: BTreeSet<String> = listing
        .lines()
        .filter(|l| !l.starts_with('d'))
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches("./").to_string())
        .collect();
    let pages_dir = dir.path().join("pages");
    ok(Command::new(env!("CARGO_BIN_EXE_sctui")).args(["man", "--dir"]).arg(&pages_dir));
    let mut expected: BTreeSet<String> = std::fs::read_dir(&pages_dir)
        .unwrap()
        .map(|e| format!("usr/share/man/man1/{}.gz", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert!(expected.len() > 15, "a page for sctui and each command: {expected:?}");
    for f in [
        "usr/bin/sctui",
        "usr/share/bash-completion/completions/sctui",
        "usr/share/zsh/vendor-completions/_sctui",
        "usr/share/fish/vendor_completions.d/sctui.fish",
        "usr/share/doc/sctui/README.md.gz",
        "usr/share/doc/sctui/LICENSE-MIT",
        "usr/share/doc/sctui/LICENSE-APACHE",
        "usr/share/doc/sctui/copyright",
        "usr/share/doc/sctui/examples/config.toml",
    ] {
        expected.insert(f.to_string());
    }
    assert_eq!(files, expected, "{listing}");

    // Installed into a root of its own, it runs from there.
    let root = dir.path().join("root");
    ok(Command::new("dpkg").arg("-x").arg(deb).arg(&root));
    let bin = root.join("usr/bin/sctui");
    let version = ok(Command::new(&bin).arg("--version"));
    assert_eq!(version.trim_end(), expected_version());
    let page = ok(Command::new(&bin).arg("man"));
    let date = Some(sctui::version::COMMIT_DATE).filter(|d| !d.is_empty()).unwrap_or("undated");
    assert!(page.contains(&format!("\n.TH sctui 1 {date} ")), "{}", &page[..200.min(page.len())]);
    let bash = ok(Command::new(&bin).args(["completions", "bash"]));
    let installed_bash = root.join("usr/share/bash-completion/completions/sctui");
    assert_eq!(std::fs::read_to_string(&installed_bash).unwrap(), bash);
    let aws = aws_files(dir.path());
    assert_eq!(bash_complete(&installed_bash, &aws, dir.path(), &["sctui", "run"]), ["runs"]);
    assert_eq!(
        std::fs::read_to_string(root.join("usr/share/doc/sctui/examples/config.toml")).unwrap(),
        ok(Command::new(&bin).args(["config", "example"]))
    );
    let readme = ok(Command::new("zcat").arg(root.join("usr/share/doc/sctui/README.md.gz")));
    assert_eq!(readme, std::fs::read_to_string(repo().join("README.md")).unwrap());

    // Every page renders without a warning; sctui(1) has the keys, exit codes, environment, files.
    let man1 = root.join("usr/share/man/man1");
    for page in std::fs::read_dir(&man1).unwrap() {
        let page = page.unwrap().path();
        let (text, warnings) = render(&page);
        assert!(warnings.is_empty(), "{}: {warnings}", page.display());
        assert!(text.contains("EXIT STATUS") && text.contains("VERSION"), "{}", page.display());
    }
    let (main, _) = render(&man1.join("sctui.1.gz"));
    for section in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS", "KEYS", "ENVIRONMENT", "FILES", "SEE ALSO"] {
        assert!(main.lines().any(|l| l == section), "sctui(1) has no {section} section");
    }
    let flat = words(&main);
    for mode in sctui::tui::keymap::KeyMode::ALL {
        assert!(flat.contains(mode.title()), "sctui(1) has no keys for {}", mode.title());
        for b in sctui::tui::keymap::bindings(mode) {
            assert!(
                flat.contains(&words(&format!("{} {}", b.label, b.help))),
                "sctui(1) lacks `{}`: {}",
                b.label,
                b.help
            );
        }
    }
    for (code, meaning) in sctui::headless::EXIT_CODES {
        assert!(flat.contains(&words(&format!("{code} {}", meaning.replace('`', "")))), "exit code {code}");
    }
    assert!(main.contains("journal.jsonl") && main.contains("XDG_STATE_HOME") && main.contains("AWS_PROFILE"));
}

#[test]
fn the_readme_shows_the_exit_codes_and_the_example_config_the_binary_has() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for (code, meaning) in sctui::headless::EXIT_CODES {
        let row = format!("| {code} | {meaning} |");
        assert!(readme.contains(&row), "README.md lacks the exit code row {row}");
    }
    let block = format!("```toml\n{}```", sctui::config::EXAMPLE);
    assert!(readme.contains(&block), "README.md's config block is not `sctui config example`");
}

#[test]
fn config_path_says_where_each_file_is_and_the_example_config_is_taken_without_a_word() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run = |args: &[&str]| out(crate::support::sctui(h).env("XDG_CONFIG_HOME", h.join("cfg")).args(args));
    // Nothing there yet: the XDG places, said to be missing, and nothing is created by asking.
    let o = run(&["config", "path", "-o", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let place = |what: &str| v.as_array().unwrap().iter().find(|p| p["what"] == what).unwrap().clone();
    assert_eq!(place("config")["path"], h.join("cfg/sctui/config.toml").to_str().unwrap());
    assert_eq!(place("journal")["path"], h.join("state/sctui/journal.jsonl").to_str().unwrap());
    assert_eq!(place("log")["path"], h.join("state/sctui/sctui.log").to_str().unwrap());
    assert!(v.as_array().unwrap().iter().all(|p| p["exists"] == false && p["from"] == "default"), "{v}");
    assert!(!h.join("state").exists() && !h.join("cfg").exists(), "config path created a folder");

    // The example, written where config path says, is read without a warning by a command.
    let example = run(&["config", "example"]);
    std::fs::create_dir_all(h.join("cfg/sctui")).unwrap();
    std::fs::write(h.join("cfg/sctui/config.toml"), &example.stdout).unwrap();
    let listed = run(&["--demo", "products", "-o", "json"]);
    assert!(listed.status.success() && listed.stderr.is_empty(), "{}", String::from_utf8_lossy(&listed.stderr));
    let table = String::from_utf8_lossy(&run(&["--journal", "/tmp/j.jsonl", "config", "path"]).stdout).into_owned();
    assert!(
        table.contains(&format!("config   {}  (default; exists)", h.join("cfg/sctui/config.toml").display())),
        "{table}"
    );
    assert!(table.contains("journal  /tmp/j.jsonl  (--journal; "), "{table}");
    assert!(
        table.contains("log      ") && table.contains("sctui.log  (default; exists)"),
        "the demo wrote its log: {table}"
    );

    // A page that does not exist: exit 2, the pages named, the word shown escaped.
    let o = run(&["man", "no\u{1b}[2Jpe"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no manual page for `no\\u{1b}[2Jpe`") && err.contains("runs export"), "{err}");
    assert!(o.stdout.is_empty());
}
