//! The command palette (`:`): commands typed with Tab completion, among them switching the AWS
//! profile and region without leaving sctui. The palette is an overlay: it reads a line and
//! hands the command to the App.

use crate::config::ThemeName;
use crate::domain::AccessLevel;
use tui_input::Input;

/// A command the palette understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Profile(String),
    Region(String),
    Theme(ThemeName),
    Access(AccessLevel),
    Filter(String),
    Runs,
    History,
    Refresh,
    Login,
    /// On a review held by a change freeze: the reason to run anyway (journaled).
    OverrideFreeze(String),
    Help,
    Quit,
}

pub const COMMANDS: [(&str, &str); 12] = [
    ("profile", "profile NAME: connect with another AWS profile"),
    ("access", "access auto|account|role|user: which products and records are listed"),
    ("region", "region NAME: connect to another region"),
    ("theme", "theme dark|light|high-contrast"),
    ("filter", "filter TEXT: filter the products"),
    ("runs", "runs: the runs of this session"),
    ("history", "history: the selected product's records"),
    ("refresh", "refresh: reload the products"),
    ("login", "login: sign in to IAM Identity Center (SSO) with a device code"),
    ("override-freeze", "override-freeze REASON: on a review held by a change freeze, run anyway (journaled)"),
    ("help", "help: every key of this screen"),
    ("quit", "quit"),
];

pub const REGIONS: [&str; 17] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "sa-east-1",
    "me-south-1",
];

/// Reads a typed command; the error says what is expected.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (word, rest) = line.split_once(char::is_whitespace).map(|(w, r)| (w, r.trim())).unwrap_or((line, ""));
    let needs = |what: &str| if rest.is_empty() { Err(format!("{word} needs {what}")) } else { Ok(rest.to_string()) };
    match word {
        "profile" => needs("a profile name").map(Command::Profile),
        "region" => needs("a region such as eu-west-1").map(Command::Region),
        "access" => {
            let l = needs("auto, account, role or user")?;
            <AccessLevel as clap::ValueEnum>::from_str(&l, true)
                .map(Command::Access)
                .map_err(|_| format!("no access level {l}: auto, account, role or user"))
        }
        "theme" => {
            let t = needs("dark, light or high-contrast")?;
            ThemeName::parse(&t)
                .map(Command::Theme)
                .ok_or_else(|| format!("no theme {t}: dark, light or high-contrast"))
        }
        "filter" => Ok(Command::Filter(rest.to_string())),
        "runs" => Ok(Command::Runs),
        "history" => Ok(Command::History),
        "refresh" => Ok(Command::Refresh),
        "login" => Ok(Command::Login),
        "override-freeze" => {
            let reason = needs("the reason to run during the freeze")?;
            crate::runs::freeze::check_reason(&reason)
                .map(Command::OverrideFreeze)
                .map_err(|e| e.replace("--override-freeze", "override-freeze"))
        }
        "help" => Ok(Command::Help),
        "quit" | "q" => Ok(Command::Quit),
        "" => Err("type a command: profile, region, access, theme, filter, runs, history, refresh, help, quit".into()),
        other => Err(format!(
            "no command {other}; Tab completes: profile, region, access, theme, filter, runs, history, refresh, help, quit"
        )),
    }
}

/// Every completion of the line's last word (commands, or the command's argument): what Tab
/// chooses from, listed beside the line.
pub fn candidates(line: &str, profiles: &[String]) -> (String, Vec<String>, bool) {
    let (word, rest) = match line.split_once(' ') {
        Some((w, r)) => (w, Some(r)),
        None => (line, None),
    };
    match rest {
        None => {
            (String::new(), COMMANDS.iter().map(|(c, _)| c.to_string()).filter(|c| c.starts_with(word)).collect(), true)
        }
        Some(arg) => {
            let pool: Vec<String> = match word {
                "profile" => profiles.to_vec(),
                "region" => REGIONS.iter().map(|r| r.to_string()).collect(),
                "theme" => ThemeName::ALL.iter().map(|t| t.as_str().to_string()).collect(),
                "access" => {
                    use clap::ValueEnum;
                    AccessLevel::value_variants().iter().map(|a| a.as_str().to_string()).collect()
                }
                _ => Vec::new(),
            };
            (format!("{word} "), pool.into_iter().filter(|c| c.starts_with(arg)).collect(), false)
        }
    }
}

/// What Tab makes of the line: the longest completion shared by every candidate.
pub fn complete(line: &str, profiles: &[String]) -> Option<String> {
    let rest = line.split_once(' ').map(|(_, r)| r);
    let (prefix, candidates, _) = candidates(line, profiles);
    let first = candidates.first()?;
    let mut common = first.clone();
    for c in &candidates[1..] {
        while !c.starts_with(&common) {
            common.pop();
        }
    }
    let done = candidates.len() == 1;
    let completed = format!("{prefix}{common}{}", if done && rest.is_none() { " " } else { "" });
    (completed != line).then_some(completed)
}

/// What a key does in the palette: Enter gives the command to the App, Tab completes, Esc closes.
pub enum Outcome {
    Stay,
    Close,
    Run(Result<Command, String>),
}

pub fn on_cmd(input: &mut Input, cmd: super::super::keymap::Cmd, profiles: &[String]) -> Outcome {
    use super::super::keymap::Cmd;
    match cmd {
        Cmd::Cancel => Outcome::Close,
        Cmd::Complete => {
            if let Some(done) = complete(input.value(), profiles) {
                *input = Input::new(done);
            }
            Outcome::Stay
        }
        Cmd::Open => Outcome::Run(parse(input.value())),
        _ => Outcome::Stay,
    }
}

/// The palette's line, drawn in place of the footer, with the cursor in it; beside it, the
/// choices Tab has for what is typed (every command on an empty line).
pub fn render_line(
    input: &Input,
    profiles: &[String],
    theme: &crate::tui::theme::Theme,
    f: &mut ratatui::Frame,
    area: ratatui::layout::Rect,
) {
    let (_, choices, _) = candidates(input.value(), profiles);
    let exact = choices.len() == 1 && input.value().trim_end().ends_with(choices[0].as_str());
    let hint = if choices.is_empty() || exact {
        "   Tab completes · Enter runs · Esc closes".to_string()
    } else {
        let list: Vec<String> = choices.iter().map(|c| crate::tui::view::safe(c)).collect();
        format!("   {}", list.join(" "))
    };
    crate::tui::view::footer::input_line(" :", input, &hint, theme, f, area);
}

/// Profile names from the AWS shared config and credentials files.
pub fn aws_profiles() -> Vec<String> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(std::path::PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws/config")));
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(std::path::PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws/credentials")));
    let mut names = std::collections::BTreeSet::new();
    for (path, prefixed) in [(config, true), (credentials, false)] {
        let Some(text) = path.and_then(|p| std::fs::read_to_string(p).ok()) else { continue };
        for line in text.lines() {
            let Some(section) = line.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']')) else { continue };
            let name = if prefixed { section.strip_prefix("profile ").unwrap_or(section) } else { section };
            if !name.starts_with("sso-session") && !name.starts_with("services ") {
                names.insert(name.trim().to_string());
            }
        }
    }
    names.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(parse("profile prod-ops"), Ok(Command::Profile("prod-ops".into())));
        assert_eq!(parse("  region   eu-central-1 "), Ok(Command::Region("eu-central-1".into())));
        assert!(parse("profile").unwrap_err().contains("needs a profile name"));
        assert!(parse("theme neon").is_err());
        assert!(parse("launch").unwrap_err().contains("no command launch"));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("access user"), Ok(Command::Access(AccessLevel::User)));
        assert!(parse("access everyone").unwrap_err().contains("no access level everyone"));
    }

    #[test]
    fn tab_completes_commands_and_arguments() {
        let profiles = vec!["ops".to_string(), "prod-admin".to_string(), "prod-eu".to_string()];
        assert_eq!(complete("pro", &profiles).as_deref(), Some("profile "));
        assert_eq!(complete("r", &profiles), None, "runs, refresh and region share only r");
        assert_eq!(complete("re", &profiles).as_deref(), None, "refresh and region share only re");
        assert_eq!(complete("profile p", &profiles).as_deref(), Some("profile prod-"));
        assert_eq!(complete("profile prod-a", &profiles).as_deref(), Some("profile prod-admin"));
        assert_eq!(complete("region eu-c", &profiles).as_deref(), Some("region eu-central-1"));
        assert_eq!(complete("theme h", &profiles).as_deref(), Some("theme high-contrast"));
        // What Tab chooses from is listed: every command on an empty line.
        assert_eq!(candidates("", &profiles).1.len(), COMMANDS.len());
        assert_eq!(candidates("re", &profiles).1, ["region", "refresh"]);
        assert_eq!(candidates("profile prod", &profiles).1, ["prod-admin", "prod-eu"]);
    }
}
