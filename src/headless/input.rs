//! Every argument of a headless command checked against the API's rules before anything is sent.

use crate::cli::Command;
use crate::domain::ParameterMap;
use crate::validate::{self, Invalid};

/// Checks every argument; each mistake names the field and the rule.
pub fn check(command: &Command) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    let mut push = |r: Result<(), Invalid>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    let params = match command {
        Command::Emulator(_)
        | Command::Products { .. }
        | Command::Runs { .. }
        | Command::Login
        | Command::Accounts
        | Command::Config { .. }
        | Command::Completions { .. }
        | Command::Man { .. } => None,
        Command::Actions { product } | Command::History { product } => {
            push(validate::product_ref("product", product));
            None
        }
        Command::Params { product, action } => {
            push(validate::product_ref("product", product));
            push(action_ref(action));
            None
        }
        Command::Record { record_id } | Command::Steps { record_id } | Command::Stop { record_id, .. } => {
            push(validate::id("record id", record_id));
            None
        }
        Command::Batch(b) => {
            push(action_ref(&b.action));
            if let Some(q) = b.query.as_deref().filter(|q| q.trim().is_empty()) {
                push(Err(Invalid {
                    field: "--query".into(),
                    rule: "must not be blank (an unset shell variable?): it would select every provisioned product"
                        .into(),
                    shown: validate::show(q),
                }));
            }
            for p in &b.products {
                push(validate::product_ref("product", p));
            }
            Some(&b.params)
        }
        Command::Exec(e) => {
            push(validate::product_ref("product", &e.product));
            push(action_ref(&e.action));
            if let Some(t) = &e.token {
                push(validate::execute_token(t));
            }
            Some(&e.params)
        }
    };
    if let Some(params) = params {
        match parse_params(params) {
            Ok(Some(map)) => {
                if let Err(mut es) = validate::parameters(&map) {
                    errors.append(&mut es);
                }
            }
            Ok(None) => {}
            Err(mut es) => errors.append(&mut es),
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// An action is named by id or by name; names may hold characters ids may not (`.`), up to 256.
fn action_ref(value: &str) -> Result<(), Invalid> {
    if validate::id("action", value).is_ok() {
        return Ok(());
    }
    let ok = (1..=256).contains(&validate::len(value))
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Invalid {
            field: "action".into(),
            rule: "must be an action id (act-…) or a name of letters, digits, '.', '_' and '-'".into(),
            shown: validate::show(value),
        })
    }
}

/// `NAME=VALUE` pairs; a repeated name appends a value. Values are kept exactly as given.
pub fn parse_params(params: &[String]) -> Result<Option<ParameterMap>, Vec<Invalid>> {
    if params.is_empty() {
        return Ok(None);
    }
    let mut map = ParameterMap::new();
    let mut errors = Vec::new();
    for p in params {
        match p.split_once('=') {
            Some((name, value)) => map.entry(name.to_string()).or_default().push(value.to_string()),
            None => errors.push(Invalid {
                field: "--param".into(),
                rule: "must be NAME=VALUE".into(),
                shown: validate::show(p),
            }),
        }
    }
    if errors.is_empty() { Ok(Some(map)) } else { Err(errors) }
}

/// Every mistake on one line.
pub fn join(errors: &[Invalid]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
}
