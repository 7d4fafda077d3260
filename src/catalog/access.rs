//! Access levels (AccessLevelFilter): which provisioned products and records a list call covers.
//! `auto` asks for the account, and when the caller's policy denies it (AWS's managed end-user
//! policy allows only the user level), falls back to the role, then the user, and says so once.

use crate::domain::{AccessLevel, Level};
use aws_sdk_servicecatalog::types::{AccessLevelFilter, AccessLevelFilterKey};
use std::sync::Mutex;

/// The filter a request at `level` carries.
pub fn filter(level: Level) -> AccessLevelFilter {
    let key = match level {
        Level::Account => AccessLevelFilterKey::Account,
        Level::Role => AccessLevelFilterKey::Role,
        Level::User => AccessLevelFilterKey::User,
    };
    AccessLevelFilter::builder().key(key).value("self").build()
}

/// The level asked for, the one that worked, and the note about a fallback not yet told.
#[derive(Debug)]
pub struct Levels {
    asked: AccessLevel,
    state: Mutex<(Option<Level>, Option<String>)>,
}

impl Levels {
    pub fn new(asked: AccessLevel) -> Levels {
        Levels { asked, state: Mutex::new((None, None)) }
    }

    /// The levels to try, in order: the one asked for; with `auto`, the one that worked, else
    /// account, role, user.
    pub fn candidates(&self) -> Vec<Level> {
        match self.asked {
            AccessLevel::Account => vec![Level::Account],
            AccessLevel::Role => vec![Level::Role],
            AccessLevel::User => vec![Level::User],
            AccessLevel::Auto => match self.state.lock().unwrap_or_else(|p| p.into_inner()).0 {
                Some(l) => vec![l],
                None => vec![Level::Account, Level::Role, Level::User],
            },
        }
    }

    /// `level` answered `op`; a fallback from the account level is noted, to be told once.
    pub fn worked(&self, level: Level, op: &str) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.0.is_none() && self.asked == AccessLevel::Auto && level != Level::Account {
            state.1 = Some(format!(
                "the account level is denied (servicecatalog:{op}); showing the {} level: what {} provisioned \
                 (--access-level chooses)",
                level.as_str(),
                if level == Level::Role { "sessions of your role" } else { "you" }
            ));
        }
        state.0 = Some(level);
    }

    /// The fallback note, once.
    pub fn take_note(&self) -> Option<String> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1.take()
    }

    /// Whether the list calls cover the whole account (asked for, or `auto` found it allowed).
    pub fn whole_account(&self) -> bool {
        self.asked == AccessLevel::Account
            || self.state.lock().unwrap_or_else(|p| p.into_inner()).0 == Some(Level::Account)
    }

    /// As the header says it: `account`, or `auto: role` once known.
    pub fn shown(&self) -> String {
        let effective = self.state.lock().unwrap_or_else(|p| p.into_inner()).0;
        match (self.asked, effective) {
            (AccessLevel::Auto, Some(l)) => format!("auto: {}", l.as_str()),
            (AccessLevel::Auto, None) => "auto".into(),
            (_, _) => self.asked.as_str().into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_falls_back_and_says_so_once() {
        let l = Levels::new(AccessLevel::Auto);
        assert_eq!(l.candidates(), [Level::Account, Level::Role, Level::User]);
        l.worked(Level::User, "SearchProvisionedProducts");
        assert_eq!(l.candidates(), [Level::User]);
        assert!(l.take_note().unwrap().contains("showing the user level"));
        assert_eq!(l.take_note(), None);
        assert_eq!(l.shown(), "auto: user");
        assert!(!l.whole_account());
        let fixed = Levels::new(AccessLevel::Role);
        assert_eq!(fixed.candidates(), [Level::Role]);
        fixed.worked(Level::Role, "SearchProvisionedProducts");
        assert_eq!(fixed.take_note(), None, "an explicit level is no fallback");
    }
}
