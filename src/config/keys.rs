//! What the config file may say about keys and looks: `[keys]` entries (`history = "H"`) and the
//! theme's name. Plain data, read and checked here; the TUI turns them into bindings.

use crossterm::event::{KeyCode, KeyModifiers};
use serde::Deserialize;

/// The TUI's colour schemes, by the name used on the command line, in the config and in `:theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }

    pub fn parse(name: &str) -> Option<ThemeName> {
        ThemeName::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The commands that `[keys]` may give extra keys to, by their config names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCommand {
    Quit,
    Help,
    Filter,
    Refresh,
    Runs,
    History,
    Palette,
    Copy,
    Rerun,
    Mark,
    MarkAll,
    ClearMarks,
    Sort,
    LastRun,
}

impl KeyCommand {
    pub const ALL: [(&'static str, KeyCommand); 14] = [
        ("quit", KeyCommand::Quit),
        ("help", KeyCommand::Help),
        ("filter", KeyCommand::Filter),
        ("refresh", KeyCommand::Refresh),
        ("runs", KeyCommand::Runs),
        ("history", KeyCommand::History),
        ("palette", KeyCommand::Palette),
        ("copy", KeyCommand::Copy),
        ("rerun", KeyCommand::Rerun),
        ("mark", KeyCommand::Mark),
        ("mark_all", KeyCommand::MarkAll),
        ("clear_marks", KeyCommand::ClearMarks),
        ("sort", KeyCommand::Sort),
        ("last_run", KeyCommand::LastRun),
    ];
}

/// An extra key from the config, read and checked: (key, command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub command: KeyCommand,
    /// As written in the config, for the help screen.
    pub label: String,
}

/// Reads `command = "key"`: a character (`Q`), `ctrl-x`, `alt-x`, `f2`, or a name such as
/// `enter`, `esc`, `tab`, `space`, `up`, `down`, `pageup`, `pagedown`, `home`, `end`.
pub fn parse(command: &str, key: &str) -> Result<KeySpec, String> {
    let names = || KeyCommand::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let cmd = KeyCommand::ALL
        .iter()
        .find(|(n, _)| *n == command)
        .map(|(_, c)| *c)
        .ok_or_else(|| format!("no command {command}; these take keys: {}", names()))?;
    let lower = key.to_ascii_lowercase();
    let (modifiers, rest) = if let Some(r) = lower.strip_prefix("ctrl-") {
        (KeyModifiers::CONTROL, r.to_string())
    } else if let Some(r) = lower.strip_prefix("alt-") {
        (KeyModifiers::ALT, r.to_string())
    } else {
        (KeyModifiers::NONE, String::new())
    };
    let single = |s: &str| {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(KeyCode::Char(c)),
            _ => None,
        }
    };
    let code = if modifiers == KeyModifiers::NONE {
        single(key).or_else(|| named(&lower)).ok_or_else(|| format!("{key:?} is not a key"))?
    } else {
        single(&rest).ok_or_else(|| format!("{key:?} is not a key"))?
    };
    if matches!((code, modifiers), (KeyCode::Char('c' | 'z'), KeyModifiers::CONTROL)) {
        return Err("Ctrl-C and Ctrl-Z keep their meaning".into());
    }
    Ok(KeySpec { code, modifiers, command: cmd, label: key.to_string() })
}

fn named(name: &str) -> Option<KeyCode> {
    use KeyCode::*;
    Some(match name {
        "enter" => Enter,
        "esc" => Esc,
        "tab" => Tab,
        "space" => Char(' '),
        "up" => Up,
        "down" => Down,
        "pageup" => PageUp,
        "pagedown" => PageDown,
        "home" => Home,
        "end" => End,
        f if f.starts_with('f') => F(f[1..].parse().ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_their_mistakes() {
        assert_eq!(parse("quit", "ctrl-q").unwrap().modifiers, KeyModifiers::CONTROL);
        assert_eq!(parse("history", "H").unwrap().code, KeyCode::Char('H'));
        assert_eq!(parse("help", "f2").unwrap().code, KeyCode::F(2));
        assert!(parse("launch", "x").unwrap_err().contains("no command launch"));
        assert!(parse("quit", "ctrl-c").is_err());
        assert!(parse("quit", "banana").is_err());
    }

    #[test]
    fn theme_names_round_trip() {
        for t in ThemeName::ALL {
            assert_eq!(ThemeName::parse(t.as_str()), Some(t));
        }
        assert_eq!(ThemeName::parse("neon"), None);
    }
}
