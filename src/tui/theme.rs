//! Colours and symbols. The 16 named colours by default (they follow the operator's palette), no
//! colour at all under NO_COLOR or `--no-color` (meaning is still carried by text and reverse video),
//! ASCII borders and symbols when the locale is not UTF-8 or with `--ascii`.

use crate::config::ThemeName;
use crate::domain::{ProductStatus, RecordStatus};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
    /// COLORTERM says truecolor: a few RGB accents are allowed.
    pub truecolor: bool,
    pub variant: ThemeName,
}

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    /// From the environment and the flags.
    pub fn detect(no_color_flag: bool, ascii_flag: bool) -> Theme {
        Theme::from_env(no_color_flag, ascii_flag, |k| std::env::var(k).unwrap_or_default())
    }

    /// The same, reading variables through `env` (for tests).
    pub fn from_env(no_color_flag: bool, ascii_flag: bool, env: impl Fn(&str) -> String) -> Theme {
        let no_color = no_color_flag || !env("NO_COLOR").is_empty();
        let locale =
            [env("LC_ALL"), env("LC_CTYPE"), env("LANG")].into_iter().find(|v| !v.is_empty()).unwrap_or_default();
        let utf8 = locale.to_ascii_lowercase().replace('-', "").contains("utf8");
        let term = env("TERM");
        let ascii = ascii_flag || !utf8 || matches!(term.as_str(), "linux" | "vt100" | "vt220");
        let colorterm = env("COLORTERM");
        // The vt100 family has no colour at all: meaning stays in text and reverse video.
        let mono = term.starts_with("vt") || term == "dumb";
        Theme {
            color: !no_color && !mono,
            ascii,
            truecolor: matches!(colorterm.as_str(), "truecolor" | "24bit"),
            variant: ThemeName::Dark,
        }
    }

    /// The colour scheme by its name (flag, config file or `:theme`).
    pub fn variant(mut self, name: ThemeName) -> Theme {
        self.variant = name;
        self
    }

    /// The theme of the snapshot tests: colour on, Unicode borders.
    pub fn plain_unicode() -> Theme {
        Theme { color: true, ascii: false, truecolor: false, variant: ThemeName::Dark }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    /// What stands for a value that is not there (AWS omitted it, or it does not apply).
    pub fn none(&self) -> &'static str {
        if self.ascii { "-" } else { "—" }
    }

    pub fn border(&self) -> border::Set<'static> {
        if self.ascii { ASCII_BORDER } else { border::PLAIN }
    }

    pub fn border_style(&self, focused: bool) -> Style {
        if focused { self.fg(Color::Cyan).add_modifier(Modifier::BOLD) } else { self.fg(Color::DarkGray) }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row: reverse video, visible without colour.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        match (self.color, self.variant) {
            // High contrast: secondary text stays full strength.
            (_, ThemeName::HighContrast) => Style::new(),
            // Light grey (colour 7) on white is unreadable on a projector: dark grey instead.
            (true, ThemeName::Light) => Style::new().fg(Color::DarkGray),
            (true, ThemeName::Dark) => Style::new().fg(Color::DarkGray),
            (false, _) => Style::new().add_modifier(Modifier::DIM),
        }
    }

    pub fn key(&self) -> Style {
        let c = if self.variant == ThemeName::Light { Color::Blue } else { Color::Cyan };
        self.fg(c).add_modifier(Modifier::BOLD)
    }

    pub fn badge(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(c).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn accent(&self) -> Style {
        if self.truecolor && self.color { Style::new().fg(Color::Rgb(0x4f, 0xb3, 0xff)) } else { self.fg(Color::Blue) }
    }

    pub fn product_status(&self, s: Option<&ProductStatus>) -> Style {
        match s {
            Some(ProductStatus::Available) => self.ok(),
            Some(ProductStatus::UnderChange | ProductStatus::PlanInProgress) => {
                self.warn().add_modifier(Modifier::BOLD)
            }
            Some(ProductStatus::Tainted) => self.warn(),
            Some(ProductStatus::Error) => self.error(),
            _ => Style::new(),
        }
    }

    pub fn record_status(&self, s: Option<&RecordStatus>) -> Style {
        match s {
            Some(RecordStatus::Succeeded) => self.ok().add_modifier(Modifier::BOLD),
            Some(RecordStatus::Failed) => self.error(),
            Some(RecordStatus::InProgressInError) => self.warn().add_modifier(Modifier::BOLD),
            Some(RecordStatus::Created | RecordStatus::InProgress) => self.accent().add_modifier(Modifier::BOLD),
            _ => Style::new(),
        }
    }

    /// A symbol that says the status without colour.
    pub fn record_mark(&self, s: Option<&RecordStatus>) -> &'static str {
        match (s, self.ascii) {
            (Some(RecordStatus::Succeeded), false) => "✓",
            (Some(RecordStatus::Succeeded), true) => "OK",
            (Some(RecordStatus::Failed), false) => "✗",
            (Some(RecordStatus::Failed), true) => "X",
            (Some(RecordStatus::InProgressInError), _) => "!",
            _ => "",
        }
    }

    pub fn spinner(&self, frame: usize) -> &'static str {
        const FRAMES: [&str; 4] = ["-", "\\", "|", "/"];
        FRAMES[frame % FRAMES.len()]
    }

    pub fn checkbox(&self, on: bool) -> &'static str {
        if on { "[x]" } else { "[ ]" }
    }

    /// A pick list's row: chosen or not (one of several).
    pub fn radio(&self, on: bool) -> &'static str {
        match (on, self.ascii) {
            (true, true) => "(*)",
            (true, false) => "(•)",
            (false, _) => "( )",
        }
    }

    pub fn pointer(&self) -> &'static str {
        "> "
    }

    pub fn arrow(&self) -> &'static str {
        if self.ascii { "->" } else { "→" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> String {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()).unwrap_or_default()
    }

    #[test]
    fn detection_follows_the_environment() {
        let utf8 = Theme::from_env(false, false, env(&[("LANG", "en_US.UTF-8"), ("TERM", "xterm-256color")]));
        assert_eq!(utf8, Theme { color: true, ascii: false, truecolor: false, variant: ThemeName::Dark });
        let no_color = Theme::from_env(false, false, env(&[("LANG", "C.UTF-8"), ("NO_COLOR", "1")]));
        assert!(!no_color.color);
        let c_locale = Theme::from_env(false, false, env(&[("LANG", "C")]));
        assert!(c_locale.ascii, "no UTF-8 in the locale");
        let lc_all_wins = Theme::from_env(false, false, env(&[("LC_ALL", "POSIX"), ("LANG", "en_US.UTF-8")]));
        assert!(lc_all_wins.ascii);
        let console = Theme::from_env(false, false, env(&[("LANG", "C.UTF-8"), ("TERM", "linux")]));
        assert!(console.ascii && console.color, "the Linux console has 16 colours");
        let vt100 = Theme::from_env(false, false, env(&[("LANG", "C.UTF-8"), ("TERM", "vt100")]));
        assert!(vt100.ascii && !vt100.color, "a vt100 has none");
        let truecolor = Theme::from_env(false, false, env(&[("LANG", "C.UTF-8"), ("COLORTERM", "truecolor")]));
        assert!(truecolor.truecolor);
        let flags = Theme::from_env(true, true, env(&[("LANG", "C.UTF-8")]));
        assert!(!flags.color && flags.ascii);
    }
}
