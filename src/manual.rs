//! What sctui says about itself: its manual pages (made from the command line's definitions, the
//! exit codes and the TUI's keymap, so that they never disagree with the binary), its shell
//! completions, and where its files are.

use crate::cli::{Cli, Global};
use crate::headless::EXIT_CODES;
use crate::tui::keymap::{self, KeyMode};
use clap::CommandFactory;
use clap_mangen::roff::{Roff, bold, italic, roman};
use std::io::Write;
use std::path::{Path, PathBuf};

/// sctui's command line, as the pages and completions describe it.
fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The environment variables sctui reads, and what for.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("AWS_PROFILE", "The profile, when --profile is not given (and the config names none)."),
    ("AWS_REGION, AWS_DEFAULT_REGION", "The region, when --region is not given."),
    (
        "AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE",
        "Where the AWS CLI's config and credentials are (default ~/.aws/config and ~/.aws/credentials); the completions read profile names there too.",
    ),
    (
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN",
        "Credentials, as for every AWS SDK (the standard credential chain: environment, profile, SSO, process, container, instance metadata).",
    ),
    (
        "AWS_ENDPOINT_URL_SERVICE_CATALOG, AWS_ENDPOINT_URL",
        "Send Service Catalog's requests elsewhere (a VPC endpoint); --endpoint-url wins.",
    ),
    ("AWS_ENDPOINT_URL_STS", "STS's endpoint, for the caller's identity."),
    ("AWS_MAX_ATTEMPTS, AWS_RETRY_MODE", "The SDK's retries."),
    ("XDG_CONFIG_HOME", "The config is $XDG_CONFIG_HOME/sctui/config.toml (else ~/.config/sctui/config.toml)."),
    ("XDG_STATE_HOME", "The journal and the log are in $XDG_STATE_HOME/sctui (else ~/.local/state/sctui)."),
    ("SCTUI_LOG", "The log's level and filters (default info), for example debug or sctui=trace."),
    ("NO_COLOR", "Set to anything: no colours (as --no-color)."),
    ("LANG, LC_ALL, LC_CTYPE", "Not UTF-8: ASCII borders and symbols (as --ascii)."),
    (
        "TERM",
        "The terminal: on a basic one (unset, dumb, linux, vt100, vt220, ansi) the TUI keeps to 16 colours or none, no mouse and no synchronized output; linux and the vt100 family also get ASCII.",
    ),
    ("COLORTERM", "truecolor or 24bit: the themes' exact colours."),
    ("TMUX", "Inside tmux, copying also fills tmux's paste buffer."),
];

/// A page's title line: the date is the commit's, so that building the same commit twice gives
/// the same pages ("undated" when the commit is not known).
fn man(cmd: clap::Command) -> clap_mangen::Man {
    let date = if crate::version::COMMIT_DATE.is_empty() { "undated" } else { crate::version::COMMIT_DATE };
    clap_mangen::Man::new(cmd).date(date).source(crate::version::line()).manual("sctui manual")
}

/// The sections clap_mangen writes, then ours.
fn render(cmd: &clap::Command, extra: &Roff, out: &mut Vec<u8>) -> std::io::Result<()> {
    let page = man(cmd.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        page.render_options_section(out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        page.render_subcommands_section(out)?;
    }
    extra.to_writer(out)?;
    // The build, on every page (clap_mangen's own section is only for the root command).
    let mut version = Roff::new();
    version.control("SH", ["VERSION"]);
    version.text([roman(crate::version::VERSION)]);
    version.to_writer(out)
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_CODES {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(meaning.replace('`', ""))]);
    }
}

fn see_also(roff: &mut Roff, pages: &[String]) {
    roff.control("SH", ["SEE ALSO"]);
    let mut refs: Vec<_> = pages.iter().map(|p| format!("{p}(1)")).collect();
    refs.push("aws(1)".into());
    roff.text([roman(refs.join(", "))]);
}

/// The TUI's keys, screen by screen: the same tables as the `?` help.
fn keys(roff: &mut Roff) {
    roff.control("SH", ["KEYS"]);
    roff.text([roman(
        "With no command, sctui opens the TUI. Each screen has its keys (? shows them there); \
         extra keys can be added in the config's [keys] table.",
    )]);
    let screens = std::iter::once(("every screen", keymap::global()))
        .chain(KeyMode::ALL.iter().map(|m| (m.title(), keymap::bindings(*m))));
    for (title, bindings) in screens {
        roff.control("SS", [title]);
        for b in bindings {
            roff.control("TP", []);
            roff.text([bold(b.label)]);
            roff.text([roman(b.help)]);
        }
    }
}

fn environment_and_files(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in ENVIRONMENT {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*what)]);
    }
    roff.control("SH", ["FILES"]);
    let files = [
        ("$XDG_CONFIG_HOME/sctui/config.toml", "The config (--config). sctui config example prints a commented one."),
        (
            "$XDG_STATE_HOME/sctui/journal.jsonl",
            "The journal of runs (--journal): every run is written before it is sent, hash-chained (sctui runs verify). Private (0600).",
        ),
        ("$XDG_STATE_HOME/sctui/sctui.log", "The log (--log-file); its first line names the build. Private (0600)."),
        ("~/.aws/config, ~/.aws/credentials", "The AWS CLI's profiles."),
        ("~/.aws/sso/cache", "SSO tokens (sctui login writes, the credential chain reads)."),
    ];
    for (path, what) in files {
        roff.control("TP", []);
        roff.text([italic(path)]);
        roff.text([roman(what)]);
    }
    roff.text([roman("sctui config path prints where they are on this machine.")]);
}

/// Roff is read as Latin-1 by groff without preconv: every character past ASCII is written as
/// groff's Unicode escape (`↑` as `\[u2191]`), so the page renders the same everywhere.
fn ascii_roff(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in String::from_utf8_lossy(text).chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// Every page: (file name, roff). sctui's own first, then each command's (`sctui-runs-export.1`).
pub fn pages() -> std::io::Result<Vec<(String, String)>> {
    fn walk(cmd: &clap::Command, out: &mut Vec<clap::Command>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            out.push(sub.clone());
            walk(sub, out);
        }
    }
    let root = command();
    let mut subs = Vec::new();
    walk(&root, &mut subs);
    let name = |c: &clap::Command| c.get_display_name().unwrap_or(c.get_name()).to_string();
    let mut all = Vec::new();
    let mut extra = Roff::new();
    keys(&mut extra);
    exit_status(&mut extra);
    environment_and_files(&mut extra);
    see_also(&mut extra, &subs.iter().map(name).collect::<Vec<_>>());
    let mut text = Vec::new();
    render(&root, &extra, &mut text)?;
    all.push(("sctui.1".to_string(), ascii_roff(&text)));
    for sub in &subs {
        let mut extra = Roff::new();
        exit_status(&mut extra);
        see_also(&mut extra, &["sctui".to_string()]);
        let mut text = Vec::new();
        render(sub, &extra, &mut text)?;
        all.push((format!("{}.1", name(sub)), ascii_roff(&text)));
    }
    Ok(all)
}

/// `sctui man [COMMAND…]`: the page, or an error naming the commands that have one.
pub fn page(words: &[String]) -> Result<String, String> {
    let wanted = if words.is_empty() { "sctui.1".to_string() } else { format!("sctui-{}.1", words.join("-")) };
    let all = pages().map_err(|e| format!("could not make the manual pages: {e}"))?;
    let names: Vec<String> = all.iter().map(|(n, _)| n.trim_end_matches(".1").to_string()).collect();
    all.into_iter().find(|(n, _)| *n == wanted).map(|(_, t)| t).ok_or_else(|| {
        format!(
            "no manual page for `{}`: the pages are {}",
            crate::validate::clean(&words.join(" ")),
            names.iter().map(|n| n.replacen("sctui-", "", 1).replace('-', " ")).collect::<Vec<_>>().join(", ")
        )
    })
}

/// `sctui man --dir DIR`: every page written there; the files written.
pub fn write_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, text) in pages()? {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

/// bash: profile names from the AWS CLI's files, for `--profile`. Only names of letters, digits
/// and `._@+-` are offered, at most 2,000 reads of 1,024 characters of each file are made, and
/// nothing read is evaluated (no compgen -W, whose word list the shell expands).
const BASH_PROFILES: &str = r#"
# sctui: --profile completes with the profiles of the AWS CLI's config and credentials files.
_sctui_aws_profiles() {
    local f line n seen=" "
    for f in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
        [[ -f $f && -r $f ]] || continue
        n=0
        while IFS= read -r -n 1024 line && (( n++ < 2000 )); do
            if [[ $line =~ ^[[:space:]]*\[(profile[[:space:]]+)?([A-Za-z0-9._@+-]{1,128})[[:space:]]*\][[:space:]]*$ ]]; then
                [[ $seen == *" ${BASH_REMATCH[2]} "* ]] && continue
                seen+="${BASH_REMATCH[2]} "
                printf '%s\n' "${BASH_REMATCH[2]}"
            fi
        done < "$f"
    done
}

_sctui_with_profiles() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} p
    # `--profile=x` arrives as `--profile` `=` `x`, and `--profile=` with `=` as the word itself.
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi
    if [[ $prev == --profile ]]; then
        COMPREPLY=()
        while IFS= read -r p; do
            [[ $p == "$cur"* ]] && COMPREPLY+=("$p")
        done < <(_sctui_aws_profiles)
        return 0
    fi
    _sctui "$@"
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _sctui_with_profiles -o nosort -o bashdefault -o default sctui
else
    complete -F _sctui_with_profiles -o bashdefault -o default sctui
fi
"#;

/// zsh: the same, for `--profile`'s value.
const ZSH_PROFILES: &str = r#"
# sctui: --profile completes with the profiles of the AWS CLI's config and credentials files.
(( $+functions[_sctui_aws_profiles] )) ||
_sctui_aws_profiles() {
    emulate -L zsh
    local f line
    local -aU names
    for f in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
        [[ -f $f && -r $f ]] || continue
        for line in "${(@f)$(head -c 1048576 -- "$f" | head -n 2000)}"; do
            if [[ $line =~ '^[[:space:]]*\[(profile[[:space:]]+)?([A-Za-z0-9._@+-]{1,128})[[:space:]]*\][[:space:]]*$' ]]; then
                names+=("${match[2]}")
            fi
        done
    done
    compadd -a -- names
}
"#;

/// The marker clap_complete writes for `--profile`'s value in zsh; replaced by the function above.
const ZSH_PROFILE_ACTION: &str = ":PROFILE:_default";

/// `sctui completions SHELL`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let mut cmd = command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "sctui", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        clap_complete::Shell::Bash => script.push_str(BASH_PROFILES),
        clap_complete::Shell::Zsh => {
            // Where clap_complete's script is not as expected, say so rather than write a
            // script that zsh would not load (above `#compdef`, say).
            let at = script.find("\n_sctui() {").filter(|_| script.contains(ZSH_PROFILE_ACTION)).ok_or_else(|| {
                std::io::Error::other("the zsh script from clap_complete has no `_sctui() {` or --profile to extend")
            })?;
            script.insert_str(at + 1, ZSH_PROFILES.trim_start());
            script = script.replace(ZSH_PROFILE_ACTION, ":PROFILE:_sctui_aws_profiles");
        }
        _ => {}
    }
    out.write_all(script.as_bytes())
}

/// One of sctui's files: what, where, and whether it is there.
#[derive(Debug, serde::Serialize)]
pub struct FilePlace {
    pub what: &'static str,
    pub path: Option<PathBuf>,
    pub exists: bool,
    /// Where the path comes from: a flag, or the default.
    pub from: &'static str,
}

/// `sctui config path`: where the config, the journal and the log are for these flags.
pub fn places(g: &Global) -> Vec<FilePlace> {
    let place = |what, flag: Option<&PathBuf>, flag_name, default: Option<PathBuf>| {
        let (path, from) = match flag {
            Some(p) => (Some(p.clone()), flag_name),
            None => (default, "default"),
        };
        let exists = path.as_ref().is_some_and(|p| p.exists());
        FilePlace { what, path, exists, from }
    };
    vec![
        place("config", g.config.as_ref(), "--config", crate::config::default_path()),
        place("journal", g.journal.as_ref(), "--journal", crate::runs::journal::default_path()),
        place("log", g.log_file.as_ref(), "--log-file", crate::logging::default_path()),
    ]
}

/// The places for people: `config  /home/op/.config/sctui/config.toml  (default; not there yet)`.
pub fn print_places(places: &[FilePlace], json: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if json {
        let v = serde_json::to_string_pretty(places).map_err(std::io::Error::other)?;
        return writeln!(out, "{v}");
    }
    for p in places {
        let path = match &p.path {
            Some(p) => crate::validate::clean(&p.display().to_string()),
            None => "unknown: set HOME or XDG_CONFIG_HOME / XDG_STATE_HOME".to_string(),
        };
        let there = if p.exists { "exists" } else { "not there yet" };
        writeln!(out, "{:<8} {path}  ({}; {there})", p.what, p.from)?;
    }
    Ok(())
}
