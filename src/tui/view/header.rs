//! The top line: where sctui is connected, the guardrails, runs in flight and who the caller is.

use super::{ViewCx, safe};
use crate::tui::session::{Conn, Session};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `fleet ops · 5 of 6 cells answered (3 accounts)`.
fn fleet_spans(
    s: &Session,
    fleet: &crate::tui::session::FleetView,
    cells: (usize, usize),
    vcx: &ViewCx,
    spans: &mut Vec<Span<'static>>,
) {
    let t = vcx.theme;
    if s.target.demo {
        spans.push(Span::styled(" DEMO ", t.badge(Color::Magenta)));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(format!("fleet {}", safe(&fleet.name)), t.title()));
    spans.push(Span::styled(" · ", t.dim()));
    spans.push(match &s.conn {
        Conn::Resolving => Span::styled("resolving accounts…", t.warn()),
        Conn::Failed(_) => Span::styled("not connected", t.error()),
        Conn::Ready if cells.0 < cells.1 => {
            Span::styled(format!("{} of {} cells answered", cells.0, cells.1), t.warn())
        }
        Conn::Ready => Span::raw(format!("{} cells answered", cells.1)),
    });
    let mut ids: Vec<&str> = fleet.cells.iter().map(|c| c.account_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        spans.push(Span::styled(format!(" ({} accounts)", ids.len()), t.dim()));
    }
}

/// `runs`: how many are in flight and how many wait in a batch's queue; `cells`: over a fleet,
/// how many of its cells answered the list, of how many.
pub fn render(s: &Session, runs: (usize, usize), cells: (usize, usize), vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let (in_flight, queued) = runs;
    let t = vcx.theme;
    let sep = || Span::styled(" · ", t.dim());
    let mut spans = vec![Span::styled(" sctui ", t.title()), Span::raw(" ")];
    if let Some(fleet) = &s.fleet {
        fleet_spans(s, fleet, cells, vcx, &mut spans);
    } else if s.target.demo {
        spans.push(Span::styled(" DEMO ", t.badge(Color::Magenta)));
        if area.width >= 110 {
            spans.push(Span::styled(" embedded emulator", t.dim()));
        }
    } else {
        if let Some(p) = &s.target.profile {
            spans.push(Span::raw(format!("profile {}", safe(p))));
            spans.push(sep());
        }
        match &s.conn {
            Conn::Resolving => spans.push(Span::styled("resolving credentials…", t.warn())),
            Conn::Failed(_) => spans.push(Span::styled("not connected", t.error())),
            Conn::Ready => {}
        }
    }
    if let Some(r) = s.target.region.as_ref().filter(|_| s.fleet.is_none()) {
        spans.push(sep());
        spans.push(Span::raw(format!("region {}", safe(r))));
    }
    if !s.target.demo
        && s.fleet.is_none()
        && let Some(e) = &s.target.endpoint
    {
        spans.push(sep());
        spans.push(Span::raw(format!("endpoint {}", safe(e))));
    }
    // The level only when it is not the whole account: then the list is not everything.
    if let Some(level) = &s.access_level {
        spans.push(sep());
        spans.push(Span::styled(format!("level {}", safe(level)), t.warn()));
    }
    if s.production {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" PRODUCTION ", t.badge(Color::Red)));
    }
    if s.read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" READ-ONLY ", t.badge(Color::Yellow)));
    }
    // Last, as the one part that may be cut off on a narrow screen.
    match &s.identity {
        Some(Ok((account, arn))) => {
            spans.push(sep());
            // The account is shown; of the ARN, the principal says the rest (user/…, assumed-role/…).
            let principal = arn.splitn(6, ':').nth(5).unwrap_or(arn);
            spans.push(Span::raw(format!("account {} · {}", safe(account), safe(principal))));
        }
        Some(Err(_)) => spans.push(Span::styled(" · identity unknown", t.dim())),
        None => {}
    }
    // Runs in flight on the right, where they do not push the identity around as they come
    // and go; the presenter's title only where it leaves the identity in view.
    let right = (in_flight + queued > 0).then(|| {
        let label = match (in_flight, queued) {
            (1, 0) => "1 run in flight".to_string(),
            (n, 0) => format!("{n} runs in flight"),
            (0, q) => format!("{q} queued"),
            (n, q) => format!("{n} in flight · {q} queued"),
        };
        Span::styled(format!(" {} {label} ", t.spinner(vcx.frame)), t.accent().add_modifier(Modifier::BOLD))
    });
    let right_w = right.as_ref().map_or(0, |r| r.width() as u16);
    let left_w = area.width.saturating_sub(right_w);
    if vcx.presenter {
        let title = Span::styled("Service Catalog self-service actions ", t.title());
        if Line::from(spans.clone()).width() + title.width() <= usize::from(left_w) {
            spans.insert(2, title);
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), Rect { width: left_w, ..area });
    if let Some(r) = right {
        f.render_widget(Paragraph::new(Line::from(r)), Rect { x: area.x + left_w, width: right_w, ..area });
    }
}
