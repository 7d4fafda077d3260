//! Freeze windows (issue 15): a production run first asks SSM Change Calendar whether changes
//! are allowed (`GetCalendarState` on the calendars the config names). While one is CLOSED the
//! run is refused, unless the operator gives a reason to run anyway, which the journal keeps
//! with the run. A calendar that cannot be read (denied, unreachable, unknown) fails closed: it
//! blocks as a freeze would, and says why.

use crate::catalog::CatalogClient;

/// What the calendars say now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freeze {
    Open,
    /// Closed: when it opens next, if SSM says.
    Closed {
        until: Option<String>,
    },
    /// It could not be known: why (runs are held as in a freeze).
    Unknown(String),
}

impl Freeze {
    pub fn blocks(&self) -> bool {
        !matches!(self, Freeze::Open)
    }

    /// CLOSED or UNKNOWN, as the journal keeps it.
    pub fn label(&self) -> &'static str {
        match self {
            Freeze::Open => "OPEN",
            Freeze::Closed { .. } => "CLOSED",
            Freeze::Unknown(_) => "UNKNOWN",
        }
    }

    /// What the journal keeps of a run started in this freeze for `reason` (none while open).
    pub fn overridden(&self, calendars: &[String], reason: String) -> Option<super::journal::FreezeOverride> {
        self.blocks().then(|| super::journal::FreezeOverride {
            calendars: calendars.to_vec(),
            state: self.label().to_string(),
            reason,
        })
    }

    /// `change calendar prod-change-freeze is CLOSED (it opens at …)` for people.
    pub fn describe(&self, calendars: &[String]) -> String {
        let names = calendars.iter().map(|c| crate::validate::clean(c)).collect::<Vec<_>>().join(", ");
        let which = if calendars.len() == 1 { "change calendar" } else { "change calendars" };
        match self {
            Freeze::Open => format!("{which} {names}: OPEN"),
            Freeze::Closed { until: Some(t) } => format!("{which} {names}: CLOSED until {t}"),
            Freeze::Closed { until: None } => format!("{which} {names}: CLOSED"),
            Freeze::Unknown(why) => format!("{which} {names} could not be read, so changes are held: {why}"),
        }
    }
}

/// GetCalendarState on `calendars` (none: open).
pub async fn check(client: &CatalogClient, calendars: &[String]) -> Freeze {
    if calendars.is_empty() {
        return Freeze::Open;
    }
    match client.calendar_state(calendars).await {
        Ok(s) if s.closed => Freeze::Closed { until: s.next_transition },
        Ok(_) => Freeze::Open,
        Err(e) => Freeze::Unknown(crate::validate::clean(&e.to_string())),
    }
}

/// A reason to run in a freeze: 1 to 1,024 characters once cleaned, not blank.
pub fn check_reason(reason: &str) -> Result<String, String> {
    let r = crate::validate::clean(reason.trim());
    if r.is_empty() || r.chars().count() > 1024 {
        return Err("--override-freeze: give the reason in 1 to 1024 characters".into());
    }
    Ok(r)
}
