//! The products table and the actions pane: the list model (loaded page by page, filtered,
//! sorted, marked; actions fetched once per product version), the keys of both panes and the
//! filter, and their view.

use super::{Cx, Fetch, Next, Screen};
use crate::catalog::{Error, ProductQuery};
use crate::domain::{ActionDefinition, Page, ProductStatus, ProvisionedProduct, ServiceAction};
use crate::tui::effect::Effect;
use crate::tui::hits::{Hit, List};
use crate::tui::keymap::{Cmd, KeyMode};
use crate::tui::runbook::operator_message;
use crate::tui::session::{Conn, FleetCell};
use crate::tui::view::{ViewCx, account_label, block, fit, safe};
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table, TableState, Wrap};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Products,
    Actions,
}

/// The browse screen's own state: whether the filter is being typed. (Which pane has the keys
/// belongs to the list: it is kept while other screens show.)
#[derive(Debug, Clone, Default)]
pub struct Browse {
    pub filtering: bool,
}

impl Browse {
    pub fn key_mode(&self, list: &ProductList) -> KeyMode {
        match (self.filtering, list.pane) {
            (true, _) => KeyMode::Filter,
            (false, Pane::Products) => KeyMode::Products,
            (false, Pane::Actions) => KeyMode::Actions,
        }
    }

    pub fn copy_text(&self, list: &ProductList) -> Option<String> {
        (self.key_mode(list) == KeyMode::Products).then(|| list.selected_product().map(|p| p.id.clone())).flatten()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Listed,
    Name,
    Status,
    Product,
    Version,
    LastRecord,
    Created,
    /// A fleet's account, then region (offered only over a fleet).
    Account,
}

impl SortKey {
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Listed => "as listed",
            SortKey::Name => "name",
            SortKey::Status => "status",
            SortKey::Product => "product",
            SortKey::Version => "version",
            SortKey::LastRecord => "last record",
            SortKey::Created => "created",
            SortKey::Account => "account",
        }
    }

    fn next(self, fleet: bool) -> SortKey {
        match self {
            SortKey::Created if fleet => SortKey::Account,
            SortKey::Account => SortKey::Listed,
            SortKey::Listed => SortKey::Name,
            SortKey::Name => SortKey::Status,
            SortKey::Status => SortKey::Product,
            SortKey::Product => SortKey::Version,
            SortKey::Version => SortKey::LastRecord,
            SortKey::LastRecord => SortKey::Created,
            SortKey::Created => SortKey::Listed,
        }
    }
}

/// Version names in the order people read them: `v1.10.0` after `v1.9.2` (runs of digits
/// compare as numbers).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let chunks = |s: &str| -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, chunk)) if *d == digit => chunk.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    };
    let (x, y) = (chunks(a), chunks(b));
    for (p, q) in x.iter().zip(&y) {
        let o = match (p, q) {
            ((true, m), (true, n)) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            ((_, m), (_, n)) => m.cmp(n),
        };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    x.len().cmp(&y.len())
}

/// Where loading the list stands.
#[derive(Debug, Clone, Default)]
pub struct Loading {
    pub generation: u64,
    pub pages: usize,
    pub done: bool,
    pub total: Option<i32>,
    pub error: Option<String>,
    /// Over a fleet: each cell's own progress, in the fleet's order.
    pub cells: Vec<CellLoad>,
}

/// One fleet cell's part of the list.
#[derive(Debug, Clone, PartialEq)]
pub enum CellLoad {
    /// Pages are coming: the products so far.
    Loading(usize),
    /// Failing for a passing reason, and being asked again: the products so far, and why.
    Retrying(usize, String),
    /// Every page came: how many products.
    Done(usize),
    Failed(String),
}

impl Default for CellLoad {
    fn default() -> Self {
        CellLoad::Loading(0)
    }
}

impl CellLoad {
    pub fn ended(&self) -> bool {
        matches!(self, CellLoad::Done(_) | CellLoad::Failed(_))
    }

    fn so_far(&self) -> usize {
        match self {
            CellLoad::Loading(n) | CellLoad::Retrying(n, _) | CellLoad::Done(n) => *n,
            CellLoad::Failed(_) => 0,
        }
    }
}

/// The (product, version) key of a product's actions, with the fleet cell it lives in: an
/// account sees the actions associated in it.
pub type ActionsKey = (Option<u16>, String, String);

pub fn actions_key(p: &ProvisionedProduct) -> Option<ActionsKey> {
    p.artifact_key().map(|(product, version)| (p.cell, product, version))
}

/// A product and the lowercase text the filter searches (built once, not per keystroke). The
/// product is boxed so that a row is small and the filter's scan over the keys stays in cache.
#[derive(Debug, Clone)]
pub struct Row {
    pub product: Box<ProvisionedProduct>,
    key: String,
}

impl Row {
    pub fn new(product: ProvisionedProduct) -> Row {
        let key = search_key(&product, None);
        Row { product: Box::new(product), key }
    }

    /// The rows of a page. The keys are built first, one after the other, so that they sit
    /// side by side in memory and the filter's scan stays in cache.
    fn page(items: Vec<ProvisionedProduct>, cell: Option<&FleetCell>) -> Vec<Row> {
        let keys: Vec<String> = items.iter().map(|p| search_key(p, cell)).collect();
        items.into_iter().zip(keys).map(|(p, key)| Row { product: Box::new(p), key }).collect()
    }
}

/// What the filter matches a product on, lowercase, fields separated so no match spans two;
/// over a fleet, its account (name and id) and region too.
fn search_key(p: &ProvisionedProduct, cell: Option<&FleetCell>) -> String {
    let mut k = String::with_capacity(96);
    if let Some(c) = cell {
        for part in [c.account_name.as_str(), c.account_id.as_str(), c.region.as_str()] {
            k.push_str(part);
            k.push('\u{1}');
        }
    }
    for part in [
        p.name.as_str(),
        p.id.as_str(),
        p.product_name.as_deref().unwrap_or(""),
        p.status.as_ref().map(|s| s.as_str()).unwrap_or(""),
    ] {
        k.push_str(part);
        k.push('\u{1}');
    }
    for t in &p.tags {
        k.push_str(&t.key);
        k.push('=');
        k.push_str(&t.value);
        k.push('\u{1}');
    }
    k.to_lowercase()
}

/// One term of the filter (lowercase): `field:value` looks in that field (name, id, status, type,
/// product, version, tag, record; over a fleet account and region), anything else anywhere in
/// the search key.
fn term_matches(p: &ProvisionedProduct, cell: Option<&FleetCell>, key: &str, term: &str) -> bool {
    let Some((field, value)) = term.split_once(':').filter(|(_, v)| !v.is_empty()) else {
        return key.contains(term);
    };
    let has = |s: &str| s.to_lowercase().contains(value);
    match field {
        "name" => has(&p.name),
        "id" => has(&p.id),
        "status" => p.status.as_ref().is_some_and(|s| has(s.as_str())),
        "type" => p.kind.as_deref().is_some_and(has),
        "product" | "productname" => p.product_name.as_deref().is_some_and(has),
        "version" | "provisioningartifactname" => p.provisioning_artifact_name.as_deref().is_some_and(has),
        "tag" | "tags" => p.tags.iter().any(|t| has(&format!("{}={}", t.key, t.value))),
        "record" | "lastrecordid" => p.last_record_id.as_deref().is_some_and(has),
        "account" => cell.is_some_and(|c| has(&c.account_name) || has(&c.account_id)),
        "region" => cell.is_some_and(|c| has(&c.region)),
        _ => key.contains(term),
    }
}

/// The self-service actions of one product version, once asked for.
pub type VersionActions = Fetch<Arc<Vec<ServiceAction>>>;

/// The provisioned products of the connection and everything known about them.
#[derive(Debug, Clone, Default)]
pub struct ProductList {
    /// The pane with the keys when the browse screen shows.
    pub pane: Pane,
    pub rows: Vec<Row>,
    /// The filter text `visible` was computed for, to narrow instead of rescanning while typing.
    filtered_for: String,
    /// Indices into `rows` that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// The selected product's id: the selection follows the product, not the row.
    pub selected_id: Option<String>,
    pub loading: Loading,
    pub filter: Input,
    pub sort: SortKey,
    pub descending: bool,
    pub actions: HashMap<ActionsKey, VersionActions>,
    /// Each action's SSM document, by (fleet cell, action id) (fetched once).
    pub definitions: HashMap<(Option<u16>, String), Fetch<ActionDefinition>>,
    /// Over a fleet: its cells (a product's `cell` indexes them), for the ACCOUNT and REGION
    /// columns, the filter and the sort.
    pub cells: Vec<FleetCell>,
    pub action_selected: usize,
    /// Products marked for a batch run, by id.
    pub marks: BTreeSet<String>,
    /// The first row the products pane showed in the last frame (kept by the view, so that a
    /// step inside the page moves only the highlight).
    pub offset: std::cell::Cell<usize>,
}

impl ProductList {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn products(&self) -> impl Iterator<Item = &ProvisionedProduct> {
        self.rows.iter().map(|r| &*r.product)
    }

    pub fn selected_product(&self) -> Option<&ProvisionedProduct> {
        self.visible.get(self.selected).map(|&i| &*self.rows[i].product)
    }

    /// The fleet cell a product was listed from.
    pub fn cell(&self, cell: Option<u16>) -> Option<&FleetCell> {
        self.cells.get(usize::from(cell?))
    }

    pub fn actions_of_selected(&self) -> Option<&VersionActions> {
        let key = actions_key(self.selected_product()?)?;
        self.actions.get(&key)
    }

    pub fn selected_action(&self) -> Option<&ServiceAction> {
        match self.actions_of_selected()? {
            Fetch::Ready(list) => list.get(self.action_selected),
            _ => None,
        }
    }

    /// The marked products, in list order.
    pub fn marked(&self) -> Vec<ProvisionedProduct> {
        self.products().filter(|p| self.marks.contains(&p.id)).cloned().collect()
    }

    /// Loading while the client is ready and the last page has not come (and nothing failed).
    pub fn loading_shown(&self, conn: &Conn) -> bool {
        !self.loading.done && *conn == Conn::Ready && self.loading.error.is_none()
    }

    /// Loads the list again from the first page (of every fleet cell); pages of the earlier
    /// load are ignored.
    pub fn reload(&mut self) -> Effect {
        self.loading = Loading {
            generation: self.loading.generation + 1,
            cells: vec![CellLoad::default(); self.cells.len()],
            ..Default::default()
        };
        Effect::LoadProducts {
            generation: self.loading.generation,
            query: ProductQuery { page_size: 100, ..Default::default() },
        }
    }

    /// Another connection: nothing of the old one is kept.
    pub fn forget(&mut self) {
        *self = ProductList {
            pane: Pane::Products,
            loading: Loading { generation: self.loading.generation + 1, ..Default::default() },
            filter: std::mem::take(&mut self.filter),
            sort: if self.sort == SortKey::Account { SortKey::Listed } else { self.sort },
            descending: self.descending,
            ..Default::default()
        };
    }

    /// A fleet was resolved: its cells, and a list to load from each.
    pub fn set_fleet(&mut self, cells: Vec<FleetCell>) -> Effect {
        self.forget();
        self.cells = cells;
        self.reload()
    }

    pub fn on_page(&mut self, generation: u64, cell: Option<u16>, page: Page<ProvisionedProduct>) -> Vec<Effect> {
        if generation != self.loading.generation {
            return vec![];
        }
        if self.loading.pages == 0 {
            self.rows.clear();
        }
        self.loading.pages += 1;
        self.loading.error = None;
        let mut items = page.items;
        match cell.and_then(|c| self.loading.cells.get_mut(usize::from(c))) {
            Some(state) => {
                let so_far = state.so_far() + items.len();
                *state = if page.next_token.is_none() { CellLoad::Done(so_far) } else { CellLoad::Loading(so_far) };
                for p in &mut items {
                    p.cell = cell;
                }
                self.loading.total = None;
                self.loading.done = self.loading.cells.iter().all(CellLoad::ended);
            }
            None => {
                self.loading.total = page.total.or(self.loading.total);
                self.loading.done = page.next_token.is_none();
            }
        }
        let place = self.cell(cell).cloned();
        self.rows.extend(Row::page(items, place.as_ref()));
        self.filtered_for.clear();
        self.recompute();
        self.ensure_actions()
    }

    /// A failed page: the message to show, if it is about the current load.
    /// A fleet cell's failure is that cell's alone: the others' products stay, and the
    /// message names where it failed.
    pub fn on_failed(&mut self, generation: u64, cell: Option<u16>, error: &Error, retrying: bool) -> Option<String> {
        if generation != self.loading.generation {
            return None;
        }
        let mut text = operator_message(error, None);
        let place = self.cell(cell).map(|c| format!("{} {}", c.account_name, c.region));
        if let (Some(place), Some(state)) = (place, cell.and_then(|c| self.loading.cells.get_mut(usize::from(c)))) {
            *state = if retrying {
                CellLoad::Retrying(state.so_far(), text.clone())
            } else {
                CellLoad::Failed(text.clone())
            };
            self.loading.done = self.loading.cells.iter().all(CellLoad::ended);
            return Some(format!(
                "{place}: {text}{}",
                if retrying { " (retrying by itself)" } else { " (r loads again)" }
            ));
        }
        if retrying {
            text.push_str(" (retrying by itself; r retries now)");
        }
        self.loading.error = Some(text.clone());
        Some(text)
    }

    /// Over a fleet: cells that answered, and every cell.
    pub fn cells_answered(&self) -> (usize, usize) {
        let done = self.loading.cells.iter().filter(|c| matches!(c, CellLoad::Done(_))).count();
        (done, self.loading.cells.len())
    }

    pub fn on_product_updated(&mut self, fresh: ProvisionedProduct) {
        self.update_row(&fresh.id.clone(), |p| {
            p.status = fresh.status;
            p.status_message = fresh.status_message;
            p.last_record_id = fresh.last_record_id;
        });
    }

    /// A run started on the product: it is busy, with this record.
    pub fn set_busy(&mut self, pp_id: &str, record_id: &str) {
        self.update_row(pp_id, |p| {
            p.status = Some(ProductStatus::UnderChange);
            p.last_record_id = Some(record_id.to_string());
        });
    }

    fn update_row(&mut self, pp_id: &str, change: impl FnOnce(&mut ProvisionedProduct)) {
        if let Some(row) = self.rows.iter_mut().find(|r| r.product.id == pp_id) {
            change(&mut row.product);
            row.key = search_key(&row.product, row.product.cell.and_then(|c| self.cells.get(usize::from(c))));
            self.filtered_for.clear();
        }
    }

    /// The actions of a version arrived: their SSM documents are fetched once each.
    pub fn on_actions(&mut self, key: ActionsKey, result: Result<Arc<Vec<ServiceAction>>, Error>) -> Vec<Effect> {
        let mut effects = Vec::new();
        let value = match result {
            Ok(list) => {
                for a in list.iter() {
                    if let std::collections::hash_map::Entry::Vacant(e) = self.definitions.entry((key.0, a.id.clone()))
                    {
                        e.insert(Fetch::Loading);
                        effects.push(Effect::at(key.0, Effect::LoadDefinition { action_id: a.id.clone() }));
                    }
                }
                Fetch::Ready(list)
            }
            Err(e) => Fetch::Failed(operator_message(&e, None)),
        };
        self.actions.insert(key, value);
        effects
    }

    pub fn on_definition(&mut self, cell: Option<u16>, action_id: String, result: Result<ActionDefinition, Error>) {
        let value = match result {
            Ok(d) => Fetch::Ready(d),
            Err(e) => Fetch::Failed(operator_message(&e, None)),
        };
        self.definitions.insert((cell, action_id), value);
    }

    /// The actions of a version (in its fleet cell): known, or asked for once (the effect, if any).
    pub fn actions_for(&mut self, key: &ActionsKey) -> (Option<&VersionActions>, Option<Effect>) {
        if self.actions.contains_key(key) {
            return (self.actions.get(key), None);
        }
        self.actions.insert(key.clone(), Fetch::Loading);
        let load = Effect::LoadActions { product_id: key.1.clone(), version_id: key.2.clone() };
        (None, Some(Effect::at(key.0, load)))
    }

    /// Recomputes the visible rows after the list, filter or sort changed, keeping the selection
    /// on the same product.
    fn recompute(&mut self) {
        let needle = self.filter.value().to_lowercase();
        // Typing more only narrows: search the current matches, not every product.
        // Not once a `field:` is being typed: `account` matches less than `account:dev` does.
        let narrowing = !self.filtered_for.is_empty()
            && needle.starts_with(&self.filtered_for)
            && !needle.contains(':')
            && self.visible.len() <= self.rows.len();
        let (rows, cells) = (&self.rows, &self.cells);
        // One word: anywhere in the search key (the fast path). Several words, or `field:value`
        // as `products --query` takes: every term must match.
        let simple = !needle.contains([':', ' ']);
        let keep = |i: &usize| {
            let row = &rows[*i];
            if simple {
                row.key.contains(&needle)
            } else {
                let cell = row.product.cell.and_then(|c| cells.get(usize::from(c)));
                needle.split_whitespace().all(|term| term_matches(&row.product, cell, &row.key, term))
            }
        };
        let mut visible: Vec<usize> = if needle.is_empty() {
            (0..rows.len()).collect()
        } else if narrowing {
            self.visible.iter().copied().filter(keep).collect()
        } else {
            (0..rows.len()).filter(keep).collect()
        };
        self.filtered_for = needle;
        if !narrowing {
            self.sort_rows(&mut visible);
        }
        self.visible = visible;
        self.follow_selection();
    }

    fn sort_rows(&self, visible: &mut [usize]) {
        let p = |i: usize| &*self.rows[i].product;
        match self.sort {
            // Over a fleet, cells in the fleet's order (each in its own), whatever order they
            // answered in.
            SortKey::Listed if !self.cells.is_empty() => visible.sort_by_key(|i| p(*i).cell),
            SortKey::Listed => {}
            SortKey::Name => visible.sort_by(|a, b| p(*a).name.cmp(&p(*b).name)),
            SortKey::Status => visible.sort_by_key(|i| p(*i).status.clone()),
            SortKey::Product => {
                visible.sort_by(|a, b| p(*a).product_name.cmp(&p(*b).product_name).then(p(*a).name.cmp(&p(*b).name)))
            }
            SortKey::Version => visible.sort_by(|a, b| {
                let (a, b) = (p(*a), p(*b));
                a.product_name.cmp(&b.product_name).then_with(|| {
                    natural_cmp(
                        a.provisioning_artifact_name.as_deref().unwrap_or(""),
                        b.provisioning_artifact_name.as_deref().unwrap_or(""),
                    )
                })
            }),
            // Products without a record last.
            SortKey::LastRecord => visible.sort_by(|a, b| match (&p(*a).last_record_id, &p(*b).last_record_id) {
                (Some(x), Some(y)) => x.cmp(y),
                (x, y) => y.is_some().cmp(&x.is_some()),
            }),
            SortKey::Created => visible.sort_by(|a, b| {
                p(*a).created_time.partial_cmp(&p(*b).created_time).unwrap_or(std::cmp::Ordering::Equal)
            }),
            // By account name, then region (cells are in that order within an account), then name.
            SortKey::Account => visible.sort_by(|a, b| {
                let place = |i: usize| {
                    let c = p(i).cell;
                    (self.cell(c).map(|c| c.account_name.as_str()), c)
                };
                place(*a).cmp(&place(*b)).then_with(|| p(*a).name.cmp(&p(*b).name))
            }),
        }
        if self.descending {
            visible.reverse();
        }
    }

    fn follow_selection(&mut self) {
        let found =
            self.selected_id.as_ref().and_then(|id| self.visible.iter().position(|&i| self.rows[i].product.id == *id));
        match found {
            Some(pos) => self.selected = pos,
            None => {
                self.selected = self.selected.min(self.visible.len().saturating_sub(1));
                // Keep remembering a product that is not (yet) loaded; otherwise follow the row.
                if self.selected_id.is_none() || self.loading.done {
                    self.selected_id = self.selected_product().map(|p| p.id.clone());
                }
            }
        }
    }

    /// After the selection moved: remember it, and fetch its actions once per (product, version).
    pub fn selection_changed(&mut self) -> Vec<Effect> {
        self.selected_id = self.selected_product().map(|p| p.id.clone());
        self.action_selected = 0;
        self.ensure_actions()
    }

    pub fn ensure_actions(&mut self) -> Vec<Effect> {
        let Some(key) = self.selected_product().and_then(actions_key) else { return vec![] };
        self.actions_for(&key).1.into_iter().collect()
    }

    fn move_selection(&mut self, delta: isize) -> Vec<Effect> {
        if self.visible.is_empty() {
            return vec![];
        }
        let last = self.visible.len() as isize - 1;
        let next = (self.selected as isize + delta).clamp(0, last) as usize;
        if next == self.selected {
            return vec![];
        }
        self.selected = next;
        self.selection_changed()
    }

    /// The filter set from outside (the palette's `:filter`).
    pub fn set_filter(&mut self, text: String) -> Vec<Effect> {
        self.filter = Input::new(text);
        self.recompute();
        self.ensure_actions()
    }

    pub fn type_in_filter(&mut self, key: KeyEvent) -> bool {
        let Some(req) = to_input_request(&Event::Key(key)) else { return false };
        if self.filter.handle(req).is_some() {
            self.recompute();
        }
        true
    }

    pub fn paste_in_filter(&mut self, text: &str) -> bool {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.filter.handle(tui_input::InputRequest::InsertChar(c));
        }
        self.recompute();
        true
    }

    fn resort(&mut self) {
        self.filtered_for.clear();
        self.recompute();
    }
}

/// The keys of the products pane, the actions pane and the filter.
pub fn command(mut b: Browse, cmd: Cmd, cx: &mut Cx) -> Next {
    let list = &mut *cx.list;
    let page = (cx.session.size.1 as isize - 14).max(1);
    let effects = match (b.key_mode(list), cmd) {
        (KeyMode::Products | KeyMode::Actions, Cmd::History) => match list.selected_product().cloned() {
            Some(p) => return super::history::open(p),
            None => vec![],
        },
        (KeyMode::Products | KeyMode::Actions, Cmd::Refresh) => vec![list.reload()],
        (KeyMode::Products | KeyMode::Actions, Cmd::Filter) => {
            list.pane = Pane::Products;
            b.filtering = true;
            vec![]
        }
        (KeyMode::Products, c) => products_command(list, c, page),
        (KeyMode::Actions, Cmd::Open) => return open_form(b, cx),
        (KeyMode::Actions, c) => actions_command(list, c),
        (KeyMode::Filter, c) => filter_command(&mut b, list, c),
        _ => vec![],
    };
    (Screen::Browse(b), effects)
}

fn products_command(list: &mut ProductList, cmd: Cmd, page: isize) -> Vec<Effect> {
    match cmd {
        Cmd::Up => list.move_selection(-1),
        Cmd::Down => list.move_selection(1),
        Cmd::PageUp => list.move_selection(-page),
        Cmd::PageDown => list.move_selection(page),
        Cmd::HalfUp => list.move_selection(-(page / 2).max(1)),
        Cmd::HalfDown => list.move_selection((page / 2).max(1)),
        // Esc with a kept filter: the whole list again.
        Cmd::Cancel if !list.filter.value().is_empty() => {
            list.filter.reset();
            list.recompute();
            list.ensure_actions()
        }
        Cmd::Top => list.move_selection(isize::MIN / 2),
        Cmd::Bottom => list.move_selection(isize::MAX / 2),
        Cmd::SwitchPane => {
            if list.selected_product().is_some() {
                list.pane = Pane::Actions;
            }
            list.ensure_actions()
        }
        Cmd::SortNext => {
            list.sort = list.sort.next(!list.cells.is_empty());
            list.resort();
            vec![]
        }
        Cmd::SortReverse => {
            list.descending = !list.descending;
            list.resort();
            vec![]
        }
        Cmd::Mark => {
            if let Some(id) = list.selected_product().map(|p| p.id.clone())
                && !list.marks.remove(&id)
            {
                list.marks.insert(id);
            }
            list.move_selection(1)
        }
        Cmd::MarkAll => {
            let ids: Vec<String> = list.visible.iter().map(|&i| list.rows[i].product.id.clone()).collect();
            list.marks.extend(ids);
            vec![]
        }
        Cmd::ClearMarks => {
            list.marks.clear();
            vec![]
        }
        _ => vec![],
    }
}

fn actions_command(list: &mut ProductList, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::SwitchPane => list.pane = Pane::Products,
        Cmd::Up => list.action_selected = list.action_selected.saturating_sub(1),
        Cmd::Down => {
            if let Some(Fetch::Ready(actions)) = list.actions_of_selected() {
                list.action_selected = (list.action_selected + 1).min(actions.len().saturating_sub(1));
            }
        }
        _ => {}
    }
    vec![]
}

fn filter_command(b: &mut Browse, list: &mut ProductList, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::Open => {
            b.filtering = false;
            if !list.visible.is_empty() {
                list.selected = 0;
            }
            list.selection_changed()
        }
        Cmd::Cancel => {
            b.filtering = false;
            list.filter.reset();
            list.recompute();
            list.ensure_actions()
        }
        Cmd::Up => list.move_selection(-1),
        Cmd::Down => list.move_selection(1),
        _ => vec![],
    }
}

/// Enter on an action: its form; with products marked, the form of a batch over them.
fn open_form(b: Browse, cx: &mut Cx) -> Next {
    let (Some(product), Some(action)) = (cx.list.selected_product().cloned(), cx.list.selected_action().cloned())
    else {
        return (Screen::Browse(b), vec![]);
    };
    let batch = (!cx.list.marks.is_empty()).then(|| cx.list.marked());
    super::form::open(product, action, None, batch)
}

// ---- view ----

/// The two panes; `focused` when the browse screen shows (not under another screen).
pub fn render(list: &ProductList, focused: bool, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let actions_height = match (vcx.presenter, area.height >= 36) {
        (true, true) => 14,
        (_, true) => 12,
        _ => 9,
    };
    let [top, bottom] = Layout::vertical([Constraint::Min(6), Constraint::Length(actions_height)]).areas(area);
    products(list, focused && list.pane == Pane::Products, vcx, f, top);
    actions(list, focused && list.pane == Pane::Actions, vcx, f, bottom);
}

fn title(list: &ProductList, vcx: &ViewCx) -> Line<'static> {
    let t = vcx.theme;
    let mut spans = vec![Span::styled(" Products ", t.title())];
    let shown = list.visible.len();
    let loaded = list.len();
    let count = if list.filter.value().is_empty() { format!("{loaded}") } else { format!("{shown} of {loaded}") };
    spans.push(Span::raw(format!("{count} ")));
    if list.loading_shown(vcx.conn) && !list.cells.is_empty() {
        let (answered, all) = list.cells_answered();
        let ended = list.loading.cells.iter().filter(|c| c.ended()).count();
        let text = format!("{} loading: {ended} of {all} cells ended, {answered} answered ", t.spinner(vcx.frame));
        spans.push(Span::styled(text, t.warn()));
    } else if list.loading_shown(vcx.conn) {
        let total = list.loading.total.map(|n| format!(" of {n}")).unwrap_or_default();
        spans.push(Span::styled(format!("{} loading {loaded}{total} ", t.spinner(vcx.frame)), t.warn()));
    }
    if !list.filter.value().is_empty() {
        spans.push(Span::styled(format!("/{} ", safe(list.filter.value())), t.key()));
    }
    if !list.marks.is_empty() {
        spans.push(Span::styled(format!("· {} marked for a batch ", list.marks.len()), t.key()));
    }
    if list.sort != SortKey::Listed || list.descending {
        let dir = if list.descending { "desc" } else { "asc" };
        spans.push(Span::styled(format!("sort: {} {dir} ", list.sort.label()), t.dim()));
    }
    Line::from(spans)
}

fn empty_text(list: &ProductList, conn: &Conn) -> String {
    match (conn, &list.loading.error) {
        (Conn::Resolving, _) => "Resolving credentials…".to_string(),
        (Conn::Failed(e), _) => format!("Could not connect: {}", safe(e)),
        (_, Some(e)) => format!("Could not load the provisioned products: {}", safe(e)),
        _ if !list.loading.done => "Loading provisioned products…".to_string(),
        _ if !list.filter.value().is_empty() => {
            format!("No product matches \"{}\" (Esc in the filter clears it).", safe(list.filter.value()))
        }
        _ if !list.cells.is_empty() => "No provisioned products in the fleet's accounts and regions.".to_string(),
        _ => "No provisioned products in this account and region.".to_string(),
    }
}

/// Over a fleet, the line under the table: how many cells answered, and each one that did not
/// (or is retrying) with why, so that one denied account never hides the others' products.
fn cells_line(list: &ProductList, vcx: &ViewCx) -> Option<Line<'static>> {
    let t = vcx.theme;
    if list.cells.is_empty() {
        return None;
    }
    let (answered, all) = list.cells_answered();
    let mut spans = vec![Span::styled(format!(" cells: {answered} of {all} answered"), t.dim())];
    for (c, state) in list.cells.iter().zip(&list.loading.cells) {
        let (mark, why, style) = match state {
            CellLoad::Failed(why) => (t.record_mark(Some(&crate::domain::RecordStatus::Failed)), why, t.error()),
            CellLoad::Retrying(_, why) => ("…", why, t.warn()),
            _ => continue,
        };
        spans.push(Span::styled(
            format!(" · {mark} {} {}: {}", account_label(c, vcx, false), safe(&c.region), safe(why)),
            style,
        ));
    }
    Some(Line::from(spans))
}

/// The first row shown: the last frame's while the selection is inside its page; past an edge,
/// the page moves so that the selection is in its middle (vim's `scrolljump`). A step inside the
/// page redraws two rows instead of every row, which over a slow link is what makes a held key
/// feel immediate.
pub fn page_offset(last: usize, selected: usize, height: usize, len: usize) -> usize {
    let max = len.saturating_sub(height);
    if height == 0 {
        return 0;
    }
    if selected >= last && selected < last + height {
        return last.min(max);
    }
    selected.saturating_sub(height / 2).min(max)
}

/// Over a fleet: the widths of ACCOUNT and REGION, as wide as their longest value (within
/// bounds); (0, 0) otherwise.
fn place_widths(list: &ProductList, width: u16, vcx: &ViewCx) -> (u16, u16) {
    if list.cells.is_empty() {
        return (0, 0);
    }
    let longest = |f: &dyn Fn(&FleetCell) -> usize| list.cells.iter().map(f).max().unwrap_or(0) as u16;
    let account = if vcx.presenter { 12 } else { longest(&|c| c.account_name.chars().count()).clamp(7, 16) };
    let cap = if width >= 96 { 14 } else { 9 };
    (account.min(if width >= 96 { 16 } else { 8 }), longest(&|c| c.region.len()).clamp(6, cap))
}

/// The products table's columns at `width`: headers (the sorted one marked), widths, what the
/// rows need to know to fit their cells, and the spacing.
fn product_columns(list: &ProductList, width: u16, vcx: &ViewCx) -> (Vec<String>, Vec<u16>, Columns, u16) {
    let t = vcx.theme;
    // Over a fleet, ACCOUNT and REGION take the room of the columns cut first.
    let more = if list.cells.is_empty() { 0 } else { 20 };
    let wide = width >= 110 + more;
    let with_type = width >= 140 + more;
    let with_record = width >= 96 + more;
    let spacing: u16 = if vcx.presenter { 2 } else { 1 };
    // The sorted column says so in its header.
    let arrow = match (list.descending, t.ascii) {
        (false, false) => " ▲",
        (true, false) => " ▼",
        (false, true) => " ^",
        (true, true) => " v",
    };
    let head = |name: &str, key: SortKey| {
        if list.sort == key { format!("{name}{arrow}") } else { name.to_string() }
    };
    let mut header = vec![head("STATUS", SortKey::Status)];
    let mut widths = vec![13u16];
    if with_type {
        header.push("TYPE".into());
        widths.push(13);
    }
    header.extend([head("PRODUCT", SortKey::Product), head("VERSION", SortKey::Version)]);
    let fleet = !list.cells.is_empty();
    let product_w = match (width >= 96, fleet) {
        (true, _) => 24,
        (false, false) => 17,
        (false, true) => 13,
    };
    widths.extend([product_w, 9]);
    if with_record {
        header.push(head("LAST RECORD", SortKey::LastRecord));
        widths.push(17);
    }
    if wide {
        header.push(head("CREATED", SortKey::Created));
        widths.push(16);
    }
    // NAME takes what is left, up to 40 columns (a name is rarely longer; the rest stays
    // with the other columns instead of a wide gap after the name).
    let (account_w, region_w) = place_widths(list, width, vcx);
    let extra = if fleet { account_w + region_w + 2 * spacing } else { 0 };
    let used: u16 = widths.iter().sum::<u16>() + spacing * widths.len() as u16 + t.pointer().len() as u16 + extra;
    let name_w = width.saturating_sub(used).clamp(8, 40);
    // Room left on a wide screen goes to the columns that get cut first.
    let mut spare = width.saturating_sub(used + name_w);
    let mut grow = |w: &mut u16, most: u16| {
        let add = spare.min(most.saturating_sub(*w));
        *w += add;
        spare -= add;
    };
    let (mut type_w, mut product_w2, mut version_w) = (13u16, product_w, 9u16);
    grow(&mut product_w2, 32);
    if with_type {
        grow(&mut type_w, 21);
    }
    grow(&mut version_w, 14);
    let mut k = 1;
    if with_type {
        widths[k] = type_w;
        k += 1;
    }
    widths[k] = product_w2;
    widths[k + 1] = version_w;
    header.insert(0, head("NAME", SortKey::Name));
    widths.insert(0, name_w);
    if fleet {
        // Where each product lives, after its name: the account (its id in presenter mode,
        // masked) and the region.
        header.insert(1, head("ACCOUNT", SortKey::Account));
        widths.insert(1, account_w);
        header.insert(2, "REGION".into());
        widths.insert(2, region_w);
    }
    let columns = Columns {
        account: fleet.then_some((account_w as usize, region_w as usize)),
        name: name_w as usize,
        kind: type_w as usize,
        product: product_w2 as usize,
        version: version_w as usize,
        with_type,
        with_record,
        wide,
    };
    (header, widths, columns, spacing)
}

fn products(list: &ProductList, focused: bool, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    vcx.hits.push(area, Hit::Pane(List::Products));
    let b = block(t, title(list, vcx), focused);
    let mut inner = b.inner(area);
    f.render_widget(b, area);
    if let Some(line) = cells_line(list, vcx).filter(|_| inner.height > 2) {
        inner.height -= 1;
        f.render_widget(Paragraph::new(line), Rect { y: inner.bottom(), height: 1, ..inner });
    }
    if list.visible.is_empty() {
        f.render_widget(Paragraph::new(empty_text(list, vcx.conn)).wrap(Wrap { trim: true }), inner);
        return;
    }
    let (header, widths, columns, spacing) = product_columns(list, inner.width, vcx);
    let height = inner.height.saturating_sub(1) as usize;
    let offset = page_offset(list.offset.get(), list.selected, height, list.visible.len());
    list.offset.set(offset);
    let end = (offset + height).min(list.visible.len());
    let rows_area = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    vcx.hits.rows(List::Products, rows_area, offset, list.visible.len());
    let rows: Vec<TableRow> = list.visible[offset..end]
        .iter()
        .map(|&i| {
            let marked = (!list.marks.is_empty()).then(|| list.marks.contains(&list.rows[i].product.id));
            let p = &list.rows[i].product;
            product_row(p, list.cell(p.cell), marked, &columns, vcx)
        })
        .collect();
    let table = Table::new(rows, widths.into_iter().map(Constraint::Length))
        .header(TableRow::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
        .column_spacing(spacing)
        .row_highlight_style(if focused { t.selected() } else { t.title() })
        .highlight_symbol(t.pointer());
    let mut state = TableState::default().with_selected(Some(list.selected - offset));
    f.render_stateful_widget(table, inner, &mut state);
}

/// Which columns the products table shows at this width, and how wide the cut ones are.
struct Columns {
    /// Over a fleet: the widths of ACCOUNT and REGION.
    account: Option<(usize, usize)>,
    name: usize,
    kind: usize,
    product: usize,
    version: usize,
    with_type: bool,
    with_record: bool,
    wide: bool,
}

/// One product's row. `marked` is None while nothing is marked; once something is, every
/// name keeps a mark column so that marking a row does not shift its name.
fn product_row(
    p: &ProvisionedProduct,
    place: Option<&FleetCell>,
    marked: Option<bool>,
    c: &Columns,
    vcx: &ViewCx,
) -> TableRow<'static> {
    let t = vcx.theme;
    let none = || t.none().to_string();
    let status = p.status.as_ref().map(|s| safe(s.as_str())).unwrap_or_else(none);
    let mark = match (marked, t.ascii) {
        (Some(true), false) => "● ",
        (Some(true), true) => "* ",
        (Some(false), _) => "  ",
        (None, _) => "",
    };
    let name_style = if marked == Some(true) { t.key() } else { ratatui::style::Style::new() };
    let name = fit(&format!("{mark}{}", safe(&p.name)), c.name);
    let mut cells = vec![Cell::from(Span::styled(name, name_style))];
    if let Some((account_w, region_w)) = c.account {
        // The account's name is masked in presenter mode as its id is: shown as the id.
        let account = place.map(|x| account_label(x, vcx, false));
        let region = place.map(|x| safe(&x.region));
        cells.push(Cell::from(Span::styled(fit(&account.unwrap_or_else(none), account_w), t.accent())));
        cells.push(Cell::from(fit(&region.unwrap_or_else(none), region_w)));
    }
    cells.push(Cell::from(Span::styled(status, t.product_status(p.status.as_ref()))));
    let opt = |v: &Option<String>| v.as_deref().map(safe).unwrap_or_else(none);
    if c.with_type {
        cells.push(Cell::from(fit(&opt(&p.kind), c.kind)));
    }
    cells.push(Cell::from(fit(&opt(&p.product_name), c.product)));
    cells.push(Cell::from(fit(&opt(&p.provisioning_artifact_name), c.version)));
    if c.with_record {
        cells.push(Cell::from(opt(&p.last_record_id)));
    }
    if c.wide {
        cells.push(Cell::from(p.created_time.map(|c| c.short()).unwrap_or_else(none)));
    }
    TableRow::new(cells)
}

fn actions(list: &ProductList, focused: bool, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    vcx.hits.push(area, Hit::Pane(List::Actions));
    let Some(p) = list.selected_product() else {
        f.render_widget(block(t, " Actions ", focused), area);
        return;
    };
    let version = match (&p.product_name, &p.provisioning_artifact_name) {
        (Some(n), Some(v)) => format!(" · {} {}", safe(n), safe(v)),
        _ => String::new(),
    };
    let place = list
        .cell(p.cell)
        .map(|c| format!(" · {} {}", account_label(c, vcx, false), safe(&c.region)))
        .unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(" Actions ", t.title()),
        Span::raw(format!("· {}{version}{place} ", safe(&p.name))),
    ]);
    let b = block(t, title, focused);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(msg) = &p.status_message {
        let status = p.status.as_ref().map(|s| safe(s.as_str())).unwrap_or_default();
        lines.push(Line::from(Span::styled(format!("{status}: {}", safe(msg)), t.product_status(p.status.as_ref()))));
    }
    if let Some(why) = p.actions_unsupported() {
        lines.push(Line::from(Span::styled(safe(&why), t.dim())));
        f.render_widget(Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }), inner);
        return;
    }
    match list.actions_of_selected() {
        None | Some(Fetch::Loading) => {
            lines.push(Line::from(Span::styled(format!("{} loading actions…", t.spinner(vcx.frame)), t.dim())))
        }
        Some(Fetch::Failed(e)) => {
            lines.push(Line::from(Span::styled(format!("Could not load the actions: {}", safe(e)), t.error())));
        }
        Some(Fetch::Ready(actions)) if actions.is_empty() => lines.push(Line::from(Span::styled(
            "No self-service actions are associated with this product version.",
            t.dim(),
        ))),
        Some(Fetch::Ready(actions)) => {
            let above = lines.len().min(inner.height as usize);
            let room = inner.height as usize - above;
            let offset = action_lines(list, actions, focused, room, inner.width as usize, vcx, &mut lines);
            let rows = Rect { y: inner.y + above as u16, height: room as u16, ..inner };
            vcx.hits.rows(List::Actions, rows, offset, actions.len());
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn action_lines(
    list: &ProductList,
    actions: &[ServiceAction],
    focused: bool,
    room: usize,
    width: usize,
    vcx: &ViewCx,
    lines: &mut Vec<Line<'static>>,
) -> usize {
    let t = vcx.theme;
    let offset = if list.action_selected >= room { list.action_selected + 1 - room } else { 0 };
    let name_w = actions.iter().map(|a| a.name.chars().count()).max().unwrap_or(0).min(34);
    let cell = list.selected_product().and_then(|p| p.cell);
    let doc = |id: &str| match list.definitions.get(&(cell, id.to_string())) {
        Some(Fetch::Ready(d)) => {
            format!("{} v{}", safe(d.name.as_deref().unwrap_or("?")), safe(d.version.as_deref().unwrap_or("?")))
        }
        Some(Fetch::Failed(_)) => "(document unknown)".to_string(),
        _ => "…".to_string(),
    };
    let docs: Vec<String> = actions.iter().map(|a| doc(&a.id)).collect();
    let doc_w = docs.iter().map(|d| d.chars().count()).max().unwrap_or(0).min(40);
    let description_w = width.saturating_sub(2 + name_w + 2 + doc_w + 2);
    for (i, a) in actions.iter().enumerate().skip(offset).take(room) {
        let selected = i == list.action_selected;
        let pointer = if selected && focused { t.pointer() } else { "  " };
        let style = match (selected, focused) {
            (true, true) => t.selected(),
            (true, false) => t.title(),
            _ => ratatui::style::Style::new(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{pointer}{:<name_w$}", safe(&a.name)), style),
            Span::raw("  "),
            Span::styled(format!("{:<doc_w$}", docs[i]), t.accent()),
            Span::raw("  "),
            Span::styled(fit(&safe(a.description.as_deref().unwrap_or("")), description_w), t.dim()),
        ]));
    }
    offset
}
