//! Presenter mode: identifiers, ARNs and account numbers drawn masked, keeping their width so the
//! layout does not move. Done on the drawn buffer, so no screen can forget it.

use ratatui::buffer::Buffer;

pub fn apply(buf: &mut Buffer, ascii: bool) {
    static PATTERN: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let Some(re) = PATTERN
        .get_or_init(|| {
            regex::Regex::new(
                r"\b(?:pp|act|rec|prod|pa|port|lpv\d)-([a-z0-9]{13})\b|\barn:aws[a-z-]*:([^\s│|]+)|\b(\d{12})\b|\b(?:i|sg|ami|vol|eni)-([0-9a-f]{8,17})\b",
            )
            .ok()
        })
        .as_ref()
    else {
        return;
    };
    let dot = if ascii { "*" } else { "•" };
    let area = buf.area;
    for y in area.top()..area.bottom() {
        // One char per cell: wide characters are not used on these screens.
        let line: String =
            (area.left()..area.right()).map(|x| buf[(x, y)].symbol().chars().next().unwrap_or(' ')).collect();
        for caps in re.captures_iter(&line) {
            for m in (1..=4).filter_map(|g| caps.get(g)) {
                let start = line[..m.start()].chars().count();
                let len = m.as_str().chars().count();
                for i in start..start + len {
                    let x = area.left() + i as u16;
                    if x < area.right() {
                        buf[(x, y)].set_symbol(dot);
                    }
                }
            }
        }
    }
}
