//! Presenter mode: identifiers, ARNs and account numbers drawn masked, keeping their width so the
//! layout does not move, and the last 4 characters of an id or an account so that the audience
//! can follow which one is meant (`i-•••••••••••••0470`). Text is masked where it is made
//! (`view::safe`), before any column or screen edge cuts it, and the drawn buffer is masked once
//! more, so no screen can forget it.

use ratatui::buffer::Buffer;

/// The characters kept at the end of a masked id or account number.
const KEEP: usize = 4;

fn pattern() -> Option<&'static regex::Regex> {
    static PATTERN: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    PATTERN
        .get_or_init(|| {
            regex::Regex::new(
                r"\b(?:pp|act|rec|prod|pa|port|lpv\d)-([a-z0-9]{13})\b|\barn:aws[a-z-]*:([^\s│|]+)|\b(\d{12})\b|\b(?:i|sg|ami|vol|eni)-([0-9a-f]{8,17})\b",
            )
            .ok()
        })
        .as_ref()
}

/// The (start, end) character ranges of `text` to mask.
fn ranges(text: &str) -> Vec<(usize, usize)> {
    let Some(re) = pattern() else { return Vec::new() };
    let mut out = Vec::new();
    for caps in re.captures_iter(text) {
        for g in 1..=4 {
            let Some(m) = caps.get(g) else { continue };
            let start = text[..m.start()].chars().count();
            let len = m.as_str().chars().count();
            // An ARN is masked whole (it holds the account); an id keeps its last characters.
            let keep = if g == 2 { 0 } else { KEEP.min(len / 3) };
            out.push((start, start + len - keep));
        }
    }
    out
}

/// `text` with its ids, ARNs and account numbers masked (same width).
pub fn mask_text(text: &str, ascii: bool) -> String {
    let spans = ranges(text);
    if spans.is_empty() {
        return text.to_string();
    }
    let dot = if ascii { '*' } else { '•' };
    text.chars()
        .enumerate()
        .map(|(i, c)| if spans.iter().any(|(a, b)| (*a..*b).contains(&i)) { dot } else { c })
        .collect()
}

pub fn apply(buf: &mut Buffer, ascii: bool) {
    let dot = if ascii { "*" } else { "•" };
    let area = buf.area;
    for y in area.top()..area.bottom() {
        // One char per cell: wide characters are not used on these screens.
        let line: String =
            (area.left()..area.right()).map(|x| buf[(x, y)].symbol().chars().next().unwrap_or(' ')).collect();
        for (start, end) in ranges(&line) {
            for i in start..end {
                let x = area.left() + i as u16;
                if x < area.right() {
                    buf[(x, y)].set_symbol(dot);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_keep_their_last_four_and_arns_are_masked_whole() {
        let m = |s: &str| super::mask_text(s, true);
        assert_eq!(m("account 123456789012 ok"), "account ********9012 ok");
        assert_eq!(m("pp-6y61928a94txg"), "pp-*********4txg");
        assert_eq!(m("i-0abc1234def560470"), "i-*************0470");
        let arn = "arn:aws:iam::123456789012:role/x";
        assert_eq!(m(arn), format!("arn:aws:{}", "*".repeat(arn.len() - 8)));
        assert_eq!(m("web-prod-01 v1.4.0"), "web-prod-01 v1.4.0", "names are not ids");
    }
}
