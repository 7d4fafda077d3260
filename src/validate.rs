//! The input constraints of the Service Catalog API (from the service model), checked before any
//! request is sent. The emulator applies the same predicates to answer `ValidationException`.
//!
//! Lengths are counted as the service counts them: in UTF-16 code units (Java string length).

use crate::domain::ParameterMap;

pub const ID_MIN: usize = 1;
pub const ID_MAX: usize = 100;
pub const ID_PATTERN: &str = r"^[a-zA-Z0-9_\-]*";
pub const TOKEN_MAX: usize = 128;
pub const TOKEN_PATTERN: &str = "[a-zA-Z0-9][a-zA-Z0-9_-]*";
pub const PP_NAME_MAX: usize = 128;
pub const PP_NAME_PATTERN: &str = "[a-zA-Z0-9][a-zA-Z0-9._-]*";
pub const PARAM_KEY_MAX: usize = 50;
pub const PARAM_VALUES_MAX: usize = 25;
pub const PARAM_VALUE_MAX: usize = 512;
pub const PARAM_ENTRIES_MAX: usize = 200;
pub const ACCEPT_LANGUAGE_MAX: usize = 100;
pub const ACCEPT_LANGUAGES: [&str; 3] = ["en", "jp", "zh"];
pub const PAGE_TOKEN_MAX: usize = 2024;

/// Length as the service counts it (UTF-16 code units).
pub fn len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// `^[a-zA-Z0-9_\-]*`
pub fn matches_id(s: &str) -> bool {
    s.chars().all(|c| alnum(c) || c == '_' || c == '-')
}

/// `[a-zA-Z0-9][a-zA-Z0-9_-]*`
pub fn matches_token(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(alnum) && cs.all(|c| alnum(c) || c == '_' || c == '-')
}

/// `[a-zA-Z0-9][a-zA-Z0-9._-]*`
pub fn matches_pp_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(alnum) && cs.all(|c| alnum(c) || c == '_' || c == '-' || c == '.')
}

/// `[\u0009\u000a\u000d\u0020-\uD7FF\uE000-\uFFFD]*` (XML-safe text).
pub fn matches_page_token(s: &str) -> bool {
    s.chars().all(|c| matches!(c, '\u{9}' | '\u{a}' | '\u{d}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}'))
}

/// A value that breaks one of the API's rules, named for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule} (got {shown})")]
pub struct Invalid {
    pub field: String,
    pub rule: String,
    pub shown: String,
}

impl Invalid {
    fn new(field: impl Into<String>, rule: impl Into<String>, value: &str) -> Self {
        Invalid { field: field.into(), rule: rule.into(), shown: show(value) }
    }
}

/// Characters that must never leave sctui raw for a terminal or a clipboard: C0 and C1 controls
/// and DEL (they drive terminals), bidirectional overrides and isolates (they reorder what is
/// shown), and zero-width characters (they hide text).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')
}

/// The one sanitiser for text that leaves sctui for a terminal or a clipboard (tables, stderr,
/// progress lines, errors, Markdown, the TUI, OSC 52): every unsafe character is written as its
/// escape (`\u{1b}`, `\u{202e}`), so a value can never drive or deceive the terminal, and what is
/// copied is exactly what is shown. Text without such characters is copied once.
pub fn clean(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON for a terminal: the values stay exact (they parse back to what was sent), but DEL, C1,
/// bidi and zero-width characters are written as `\uXXXX` escapes instead of raw.
pub fn json_for_terminal(json: &str) -> String {
    // serde_json escapes C0 inside strings; outside them a C0 character is layout (\n, spaces).
    let escape = |c: char| is_unsafe(c) && (c as u32) >= 0x20;
    if !json.chars().any(escape) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// How many columns `s` takes on a terminal (East Asian wide characters take two).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// A value quoted for a message: control characters escaped, long values cut.
pub fn show(value: &str) -> String {
    if value.is_empty() {
        return "an empty value".into();
    }
    let mut out = String::from("'");
    for (i, c) in value.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.extend(c.escape_debug());
        }
    }
    out.push('\'');
    out
}

/// An endpoint URL: `http://` or `https://`, a host, and a port from 1 to 65535 if one is given.
pub fn endpoint_url(field: &str, value: &str) -> Result<(), Invalid> {
    let rule = "must be an http or https URL such as https://host:port";
    if value.trim().is_empty() {
        return Err(Invalid::new(field, rule, value));
    }
    let uri: http::Uri = value.parse().map_err(|e| Invalid::new(field, format!("{rule}: {e}"), value))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(Invalid::new(field, rule, value));
    }
    let Some(authority) = uri.authority() else { return Err(Invalid::new(field, rule, value)) };
    if authority.host().is_empty() {
        return Err(Invalid::new(field, format!("{rule}: it has no host"), value));
    }
    // The port as written (http::Uri takes any digits): 1 to 65535.
    let host_port = authority.as_str().rsplit('@').next().unwrap_or("");
    if let Some((_, port)) = host_port.rsplit_once(':').filter(|(_, p)| !p.contains(']'))
        && !port.parse::<u16>().is_ok_and(|p| p > 0)
    {
        return Err(Invalid::new(field, format!("{rule}: the port must be 1 to 65535"), value));
    }
    Ok(())
}

/// A region name as AWS spells them: `eu-west-1`, `us-gov-west-1`, `cn-north-1`.
pub fn region(value: &str) -> Result<(), Invalid> {
    let parts: Vec<&str> = value.split('-').collect();
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let ok = value.len() <= 25
        && (3..=4).contains(&parts.len())
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| letters(p))
        && parts[parts.len() - 1].parse::<u8>().is_ok_and(|n| n > 0);
    if ok {
        return Ok(());
    }
    Err(Invalid::new("region", "must be a region name such as eu-west-1", value))
}

/// An identifier such as a provisioned product id (`pp-…`), action id (`act-…`) or record id (`rec-…`).
pub fn id(field: &str, value: &str) -> Result<(), Invalid> {
    let n = len(value);
    if !(ID_MIN..=ID_MAX).contains(&n) {
        return Err(Invalid::new(field, format!("must be {ID_MIN} to {ID_MAX} characters long, not {n}"), value));
    }
    if !matches_id(value) {
        return Err(Invalid::new(field, "may only contain letters, digits, '_' and '-'", value));
    }
    Ok(())
}

/// A provisioned product name.
pub fn pp_name(field: &str, value: &str) -> Result<(), Invalid> {
    let n = len(value);
    if n == 0 || n > PP_NAME_MAX {
        return Err(Invalid::new(field, format!("must be 1 to {PP_NAME_MAX} characters long, not {n}"), value));
    }
    if !matches_pp_name(value) {
        return Err(Invalid::new(
            field,
            "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'",
            value,
        ));
    }
    Ok(())
}

/// Either a provisioned product id or name: whichever rule the value can satisfy.
pub fn product_ref(field: &str, value: &str) -> Result<(), Invalid> {
    if id(field, value).is_ok() {
        return Ok(());
    }
    pp_name(field, value)
}

pub fn execute_token(value: &str) -> Result<(), Invalid> {
    let n = len(value);
    if n == 0 || n > TOKEN_MAX {
        return Err(Invalid::new("ExecuteToken", format!("must be 1 to {TOKEN_MAX} characters long, not {n}"), value));
    }
    if !matches_token(value) {
        return Err(Invalid::new(
            "ExecuteToken",
            "must start with a letter or digit and contain only letters, digits, '_' and '-'",
            value,
        ));
    }
    Ok(())
}

pub fn parameter_name(name: &str) -> Result<(), Invalid> {
    let n = len(name);
    if n == 0 || n > PARAM_KEY_MAX {
        return Err(Invalid::new(
            "parameter name",
            format!("must be 1 to {PARAM_KEY_MAX} characters long, not {n}"),
            name,
        ));
    }
    Ok(())
}

pub fn parameter_values(name: &str, values: &[String]) -> Result<(), Invalid> {
    if values.len() > PARAM_VALUES_MAX {
        return Err(Invalid {
            field: format!("parameter {name}"),
            rule: format!("takes at most {PARAM_VALUES_MAX} values, not {}", values.len()),
            shown: format!("{} values", values.len()),
        });
    }
    for v in values {
        let n = len(v);
        if n > PARAM_VALUE_MAX {
            return Err(Invalid::new(
                format!("parameter {name}"),
                format!("each value may be at most {PARAM_VALUE_MAX} characters long, not {n}"),
                v,
            ));
        }
    }
    Ok(())
}

/// Every rule on the Parameters map of ExecuteProvisionedProductServiceAction.
pub fn parameters(map: &ParameterMap) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    if map.is_empty() || map.len() > PARAM_ENTRIES_MAX {
        errors.push(Invalid {
            field: "Parameters".into(),
            rule: format!("must name 1 to {PARAM_ENTRIES_MAX} parameters when given, not {}", map.len()),
            shown: format!("{} parameters", map.len()),
        });
    }
    for (name, values) in map {
        if let Err(e) = parameter_name(name) {
            errors.push(e);
        }
        if let Err(e) = parameter_values(name, values) {
            errors.push(e);
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// sctui's own `--accept-language` flag: one of the documented codes.
pub fn accept_language(value: &str) -> Result<(), Invalid> {
    if len(value) > ACCEPT_LANGUAGE_MAX || !ACCEPT_LANGUAGES.contains(&value) {
        return Err(Invalid::new("accept-language", "must be one of en, jp, zh", value));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let long = "a".repeat(100);
        let too_long = "a".repeat(101);
        let table: &[(&str, bool)] = &[
            ("pp-abcd27bm4mldq", true),
            ("act-fs7abcd89wxyz", true),
            ("a", true),
            ("_", true),
            ("-leading-dash-ok", true),
            (&long, true),
            ("", false),
            (&too_long, false),
            ("pp abc", false),
            ("pp.abc", false),
            ("pp/abc", false),
            ("ü", false),
        ];
        for (value, ok) in table {
            assert_eq!(id("ProvisionedProductId", value).is_ok(), *ok, "{value:?}");
        }
    }

    #[test]
    fn tokens() {
        let max = "a".repeat(128);
        let over = "a".repeat(129);
        let table: &[(&str, bool)] = &[
            ("0b6f3c1e-8d2a-4e4f-9a55-2f1d6c7e9b10", true),
            ("a", true),
            ("a_b-c", true),
            (&max, true),
            ("", false),
            (&over, false),
            ("-abc", false),
            ("_abc", false),
            ("ab.c", false),
            ("ab c", false),
        ];
        for (value, ok) in table {
            assert_eq!(execute_token(value).is_ok(), *ok, "{value:?}");
        }
    }

    #[test]
    fn parameter_rules() {
        let ok: ParameterMap = [("InstanceId".to_string(), vec!["i-1".to_string()])].into();
        assert!(parameters(&ok).is_ok());
        let empty_values: ParameterMap = [("Reason".to_string(), vec![])].into();
        assert!(parameters(&empty_values).is_ok(), "0 values is allowed");
        let empty_value: ParameterMap = [("Reason".to_string(), vec![String::new()])].into();
        assert!(parameters(&empty_value).is_ok(), "an empty value is allowed");
        assert!(parameters(&ParameterMap::new()).is_err(), "an empty map is not");
        let key51: ParameterMap = [("k".repeat(51), vec![])].into();
        assert!(parameters(&key51).is_err());
        let key50: ParameterMap = [("k".repeat(50), vec![])].into();
        assert!(parameters(&key50).is_ok());
        let v25: ParameterMap = [("k".into(), vec!["v".to_string(); 25])].into();
        assert!(parameters(&v25).is_ok());
        let v26: ParameterMap = [("k".into(), vec!["v".to_string(); 26])].into();
        assert!(parameters(&v26).is_err());
        let long512: ParameterMap = [("k".into(), vec!["x".repeat(512)])].into();
        assert!(parameters(&long512).is_ok());
        let long513: ParameterMap = [("k".into(), vec!["x".repeat(513)])].into();
        let errs = parameters(&long513).unwrap_err();
        assert_eq!(errs[0].field, "parameter k");
        assert!(errs[0].rule.contains("512"));
        // UTF-16 length: a character outside the BMP counts twice.
        let astral: ParameterMap = [("k".into(), vec!["😀".repeat(256)])].into();
        assert!(parameters(&astral).is_ok());
        let astral_over: ParameterMap = [("k".into(), vec![format!("{}x", "😀".repeat(256))])].into();
        assert!(parameters(&astral_over).is_err());
    }

    #[test]
    fn accept_languages() {
        for ok in ["en", "jp", "zh"] {
            assert!(accept_language(ok).is_ok());
        }
        for bad in ["", "fr", "EN", &"e".repeat(101)] {
            assert!(accept_language(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn messages_escape_control_characters() {
        let e = id("Id", "a\u{1b}[31m").unwrap_err();
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
        assert!(e.to_string().contains("\\u{1b}"), "{e}");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_and_matches_the_rules(s in ".{0,140}") {
            let n = len(&s);
            prop_assert_eq!(id("Id", &s).is_ok(), (1..=100).contains(&n) && matches_id(&s));
            prop_assert_eq!(execute_token(&s).is_ok(), (1..=128).contains(&n) && matches_token(&s));
            let _ = pp_name("name", &s);
            let _ = product_ref("product", &s);
            let _ = accept_language(&s);
            let shown = show(&s);
            prop_assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        }
    }
}

#[cfg(test)]
mod clean_tests {
    #[test]
    fn clean_escapes_control_characters_only() {
        assert_eq!(super::clean("web-prod-01 · ok"), "web-prod-01 · ok");
        assert_eq!(super::clean("a\u{1b}[31mb\tc"), "a\\u{1b}[31mb\\u{9}c");
        assert_eq!(super::clean("evil\u{202e}gpj.exe\u{200b}"), "evil\\u{202e}gpj.exe\\u{200b}");
        assert_eq!(super::clean("\u{9b}31m\u{7f}"), "\\u{9b}31m\\u{7f}");
        assert_eq!(super::width("日本語"), 6);
    }

    #[test]
    fn endpoint_urls() {
        assert!(super::endpoint_url("e", "http://127.0.0.1:4566").is_ok());
        assert!(super::endpoint_url("e", "https://servicecatalog.eu-west-1.amazonaws.com").is_ok());
        assert!(super::endpoint_url("e", "https://user:pw@host").is_ok());
        assert!(super::endpoint_url("e", "http://[::1]:4566").is_ok());
        for bad in ["", " ", "ftp://x", "127.0.0.1:4566", "http://x:99999", "http://:80", "http://x:0"] {
            assert!(super::endpoint_url("--endpoint-url", bad).is_err(), "{bad}");
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Whatever a server sends, the printed form holds no unsafe character, and the JSON
        /// form parses back to exactly what was sent.
        #[test]
        fn nothing_unsafe_reaches_a_terminal(s in "\\PC*|[\\x00-\\x{3000}]{0,40}|.*[\\u{80}-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{200b}\\u{7f}\\x1b].*") {
            prop_assert!(!super::clean(&s).chars().any(super::is_unsafe));
            let json = super::json_for_terminal(&serde_json::to_string(&s).unwrap());
            prop_assert!(!json.chars().any(super::is_unsafe), "{json}");
            prop_assert_eq!(serde_json::from_str::<String>(&json).unwrap(), s);
        }
    }
}
