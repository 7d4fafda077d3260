//! Where the mouse can act: the last frame drawn says which rectangles are rows, panes,
//! scrolled text and buttons. The view writes it while drawing (it is a record of the drawing,
//! not state of the App); `update` reads it to turn a click or a wheel notch into what the same
//! spot means by keyboard. A click always acts on what the operator saw.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use std::cell::RefCell;

/// The lists a click can select a row of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Products,
    Actions,
    Runs,
    History,
    /// The parameter form's fields.
    Fields,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hit {
    /// A row of a list: a click selects it (a second click on the selected row opens it), the
    /// wheel moves through the list.
    Row(List, usize),
    /// A pane: a click gives it the keys, the wheel moves through it.
    Pane(List),
    /// Text that scrolls (review, run, help): the wheel scrolls it.
    Text,
    /// A button: a click is its key.
    Key(KeyEvent),
    /// A dialog's shadow over the screen: nothing under it can be clicked.
    Modal,
}

#[derive(Debug, Default)]
pub struct Hits(RefCell<Vec<(Rect, Hit)>>);

impl Hits {
    /// A new frame: nothing of the last one counts.
    pub fn clear(&self) {
        self.0.borrow_mut().clear();
    }

    /// `area` means `hit`, above whatever was pushed before.
    pub fn push(&self, area: Rect, hit: Hit) {
        if area.width > 0 && area.height > 0 {
            self.0.borrow_mut().push((area, hit));
        }
    }

    /// One hit per row of a list drawn in `area` from list index `offset` on.
    pub fn rows(&self, list: List, area: Rect, offset: usize, count: usize) {
        for (k, y) in (area.top()..area.bottom()).enumerate().take(count.saturating_sub(offset)) {
            self.push(Rect { y, height: 1, ..area }, Hit::Row(list, offset + k));
        }
    }

    /// What is at (`x`, `y`): the last drawn hit there.
    pub fn at(&self, x: u16, y: u16) -> Option<Hit> {
        let hits = self.0.borrow();
        hits.iter().rev().find(|(r, _)| r.contains(Position { x, y })).map(|(_, h)| h.clone())
    }

    /// Every button drawn as `[ Label (key) ]` becomes a hit for its key, wherever a screen or
    /// dialog drew it (after wrapping and cutting, so only what is fully visible counts).
    pub fn buttons(&self, buf: &Buffer) {
        let area = buf.area;
        for y in area.top()..area.bottom() {
            // Read in place: a frame is scanned every time it is drawn, so nothing is copied.
            let at = |x: u16| buf[(x, y)].symbol();
            let mut x = area.left();
            while x + 1 < area.right() {
                if at(x) == "[" && at(x + 1) == " " {
                    let end = (x + 2..area.right().saturating_sub(1)).find(|&e| at(e) == " " && at(e + 1) == "]");
                    if let Some(end) = end {
                        let label: String = (x + 2..end).map(at).collect();
                        if let Some(key) = button_key(&label) {
                            self.push(Rect::new(x, y, end + 2 - x, 1), Hit::Key(key));
                        }
                        x = end + 2;
                        continue;
                    }
                }
                x += 1;
            }
        }
    }
}

/// The key of a button label such as `Execute (y)`, `Cancel (Esc)`, `Review (Ctrl-S)`.
fn button_key(label: &str) -> Option<KeyEvent> {
    let inside = label.strip_suffix(')')?.rsplit_once('(')?.1;
    let (modifiers, name) = match inside.strip_prefix("Ctrl-") {
        Some(rest) => (KeyModifiers::CONTROL, rest),
        None => (KeyModifiers::NONE, inside),
    };
    let code = match name {
        "Esc" => KeyCode::Esc,
        "Enter" => KeyCode::Enter,
        one if one.chars().count() == 1 => {
            let c = one.chars().next()?;
            KeyCode::Char(if modifiers == KeyModifiers::CONTROL { c.to_ascii_lowercase() } else { c })
        }
        _ => return None,
    };
    Some(KeyEvent::new(code, modifiers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Line;
    use ratatui::widgets::{Paragraph, Widget};

    #[test]
    fn buttons_are_found_in_what_was_drawn() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 60, 2));
        Paragraph::new(vec![
            Line::from("  [ Cancel (n) ]   [ Execute (y) ]"),
            Line::from("[ Review (Ctrl-S) ] [x] [ ]"),
        ])
        .render(buf.area, &mut buf);
        let hits = Hits::default();
        hits.buttons(&buf);
        assert_eq!(hits.at(2, 0), Some(Hit::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE))));
        assert_eq!(hits.at(15, 0), Some(Hit::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE))));
        assert_eq!(hits.at(16, 0), None, "just after the button");
        assert_eq!(hits.at(25, 0), Some(Hit::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE))));
        assert_eq!(hits.at(3, 1), Some(Hit::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL))));
        assert_eq!(hits.at(21, 1), None, "a checkbox is not a button");
        // The last pushed wins: a dialog's button above a row.
        hits.push(Rect::new(0, 0, 60, 1), Hit::Modal);
        assert_eq!(hits.at(2, 0), Some(Hit::Modal));
        hits.rows(List::Runs, Rect::new(0, 1, 60, 5), 3, 5);
        assert_eq!(hits.at(0, 1), Some(Hit::Row(List::Runs, 3)));
        assert_eq!(hits.at(0, 2), Some(Hit::Row(List::Runs, 4)));
        assert_eq!(hits.at(0, 3), None, "5 rows from 3: two shown");
    }
}
