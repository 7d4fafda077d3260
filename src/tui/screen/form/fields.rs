//! The parameter form: one field per execution parameter. A TARGET field is a checklist of the
//! product's resources (Service Catalog's defaults) that the operator can narrow or extend; a
//! TEXT_VALUE field is a list of values. Nothing here draws or does I/O.

use crate::domain::{
    ActionDefinition, ExecutionParameter, ParameterKind, ParameterMap, ProvisionedProduct, ServiceAction,
};
use crate::validate;
use tui_input::Input;

#[derive(Debug, Clone)]
pub enum Body {
    Target {
        defaults: Vec<String>,
        selected: Vec<bool>,
        /// Resources typed in by the operator, sent in addition to the selected defaults.
        added: Vec<String>,
        /// Row under the cursor: defaults, then added values, then the input row.
        cursor: usize,
    },
    Text {
        values: Vec<String>,
    },
    /// A pick list: the values the SSM document allows (`allowedValues`). One may be chosen, or
    /// several for a StringList; none sends nothing and the document's default applies.
    Choice {
        options: Vec<String>,
        selected: Vec<bool>,
        multi: bool,
        cursor: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    /// The parameter type as Service Catalog sent it (TARGET, TEXT_VALUE, ...).
    pub kind: ParameterKind,
    pub body: Body,
    /// What is being typed: a value to add to the list.
    pub input: Input,
    /// A TARGET's add line is being typed on (Enter or Space there starts it). Until then, and
    /// after Esc, keys on that line are the checklist's: a stray `j` is never a value.
    pub editing: bool,
    /// What the SSM document says of this parameter, when it could be read.
    pub doc: Option<crate::domain::DocumentParameter>,
    /// The document's `allowedPattern`, compiled; Err: why it cannot be checked here.
    pub pattern: Option<Result<regex::Regex, String>>,
}

/// What a TARGET field will send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetChoice {
    /// Nothing is sent; Service Catalog resolves the product's resources itself.
    Default(usize),
    /// These values are sent instead of the defaults.
    Override(Vec<String>),
}

impl Field {
    pub fn new(p: &ExecutionParameter) -> Field {
        let body = if p.is_target() {
            Body::Target {
                selected: vec![true; p.default_values.len()],
                defaults: p.default_values.clone(),
                added: Vec::new(),
                cursor: 0,
            }
        } else {
            Body::Text { values: p.default_values.clone() }
        };
        Field {
            name: p.name.clone(),
            kind: p.kind.clone(),
            body,
            input: Input::default(),
            editing: false,
            doc: None,
            pattern: None,
        }
    }

    /// What the SSM document says of this parameter: its pattern is compiled (bounded), and a
    /// text value with allowed values becomes a pick list (values already there stay chosen;
    /// one the document does not allow stays too, and is named as a problem).
    pub fn describe(&mut self, doc: Option<crate::domain::DocumentParameter>) {
        self.pattern = doc.as_ref().and_then(|d| d.allowed_pattern.as_deref()).map(|p| {
            regex::RegexBuilder::new(p).size_limit(1 << 20).dfa_size_limit(1 << 20).build().map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => "too large to check".to_string(),
                _ => "uses syntax sctui cannot check".to_string(),
            })
        });
        if let (Some(d), Body::Text { values }) = (&doc, &self.body)
            && !d.allowed_values.is_empty()
        {
            let mut options = d.allowed_values.clone();
            options.extend(values.iter().filter(|v| !d.allowed_values.contains(v)).cloned());
            let selected = options.iter().map(|o| values.contains(o)).collect();
            self.body = Body::Choice { options, selected, multi: d.kind == "StringList", cursor: 0 };
        }
        self.doc = doc;
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.body, Body::Choice { .. })
    }

    pub fn is_target(&self) -> bool {
        matches!(self.body, Body::Target { .. })
    }

    /// The text input has the focus (letters are typed), rather than a checklist row.
    pub fn on_input(&self) -> bool {
        match &self.body {
            Body::Target { defaults, added, cursor, .. } => self.editing && *cursor == defaults.len() + added.len(),
            Body::Text { .. } => true,
            Body::Choice { .. } => false,
        }
    }

    /// The cursor is on a TARGET's add line (typing on it or not).
    pub fn on_add_line(&self) -> bool {
        matches!(&self.body, Body::Target { defaults, added, cursor, .. } if *cursor == defaults.len() + added.len())
    }

    /// Stops typing on a TARGET's add line; what was typed and not added is dropped.
    pub fn stop_editing(&mut self) -> bool {
        let was = self.editing;
        if self.is_target() {
            self.editing = false;
            self.input.reset();
        }
        was
    }

    fn pending(&self) -> Option<String> {
        let v = self.input.value();
        (!v.is_empty()).then(|| v.to_string())
    }

    pub fn target_choice(&self) -> Option<TargetChoice> {
        let Body::Target { defaults, selected, added, .. } = &self.body else {
            return None;
        };
        // Only what is checked or was added with Enter counts: text still being typed is not sent.
        let all_defaults = selected.iter().all(|s| *s);
        if all_defaults && added.is_empty() {
            return Some(TargetChoice::Default(defaults.len()));
        }
        let mut values: Vec<String> =
            defaults.iter().zip(selected).filter(|(_, s)| **s).map(|(d, _)| d.clone()).collect();
        values.extend(added.iter().cloned());
        Some(TargetChoice::Override(values))
    }

    /// The values this field sends, or None when it sends nothing.
    pub fn values(&self) -> Option<Vec<String>> {
        match &self.body {
            Body::Target { .. } => match self.target_choice() {
                Some(TargetChoice::Override(v)) => Some(v),
                _ => None,
            },
            Body::Text { values } => {
                let mut v = values.clone();
                v.extend(self.pending());
                (!v.is_empty()).then_some(v)
            }
            Body::Choice { options, selected, .. } => {
                let v: Vec<String> =
                    options.iter().zip(selected).filter(|(_, s)| **s).map(|(o, _)| o.clone()).collect();
                (!v.is_empty()).then_some(v)
            }
        }
    }

    /// What the document says of each value: allowed values, pattern, type. Each problem once.
    fn document_problems(&self, values: &[String], out: &mut Vec<String>) {
        let Some(doc) = &self.doc else { return };
        let shown = |v: &str| crate::tui::view::safe(&v.chars().take(40).collect::<String>());
        if !doc.allowed_values.is_empty()
            && let Some(v) = values.iter().find(|v| !doc.allowed_values.contains(v))
        {
            out.push(format!("\"{}\" is not one of the SSM document's allowed values", shown(v)));
        }
        if let Some(Ok(re)) = &self.pattern
            && let Some(v) = values.iter().find(|v| !re.is_match(v))
        {
            out.push(format!(
                "\"{}\" does not match the SSM document's pattern {}",
                shown(v),
                crate::tui::view::safe(re.as_str())
            ));
        }
        let typed = |ok: &dyn Fn(&str) -> bool, what: &str| {
            values.iter().find(|v| !ok(v)).map(|v| (v.clone(), what.to_string()))
        };
        let wrong = match doc.kind.as_str() {
            "Integer" => typed(&|v| v.trim().parse::<i64>().is_ok(), "a whole number"),
            "Boolean" => typed(&|v| v == "true" || v == "false", "true or false"),
            _ => None,
        };
        if let Some((v, what)) = wrong {
            out.push(format!("\"{}\" is not {what} ({} in the SSM document)", shown(&v), doc.kind));
        }
        // Service Catalog hands a TARGET's resources over as a list, whatever the type.
        if !self.is_target() && matches!(doc.kind.as_str(), "String" | "Integer" | "Boolean") && values.len() > 1 {
            out.push(format!("{} values: the SSM document takes one ({})", values.len(), doc.kind));
        }
    }

    /// Problems with this field against the API's limits, in the operator's words.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = validate::parameter_name(&self.name) {
            out.push(format!("name {}", e.rule));
        }
        let values = self.values().unwrap_or_default();
        if values.len() > validate::PARAM_VALUES_MAX {
            out.push(format!("{} values: at most {} may be sent", values.len(), validate::PARAM_VALUES_MAX));
        }
        for v in &values {
            let n = validate::len(v);
            if n > validate::PARAM_VALUE_MAX {
                out.push(format!("a value is {n} characters long: at most {} allowed", validate::PARAM_VALUE_MAX));
                break;
            }
        }
        if let Some(TargetChoice::Override(v)) = self.target_choice()
            && v.is_empty()
        {
            out.push("no resource selected: select at least one, or press d for the defaults".into());
        }
        // A text value the SSM document requires (it has no default): the run would fail.
        if !self.is_target() && self.required() && values.is_empty() {
            let what = if self.is_choice() { "choose a value" } else { "type a value" };
            out.push(format!("required by the SSM document (it has no default): {what}"));
        }
        self.document_problems(&values, &mut out);
        out
    }

    /// The SSM document has no default for it (AutomationAssumeRole is Service Catalog's).
    pub fn required(&self) -> bool {
        self.doc.as_ref().is_some_and(|d| d.default.is_none()) && self.name != "AutomationAssumeRole"
    }

    pub fn rows(&self) -> usize {
        match &self.body {
            Body::Target { defaults, added, .. } => defaults.len() + added.len() + 1,
            Body::Text { .. } => 1,
            Body::Choice { options, .. } => options.len(),
        }
    }

    pub fn cursor_up(&mut self) -> bool {
        self.stop_editing();
        if let Body::Target { cursor, .. } | Body::Choice { cursor, .. } = &mut self.body
            && *cursor > 0
        {
            *cursor -= 1;
            return true;
        }
        false
    }

    pub fn cursor_down(&mut self) -> bool {
        let rows = self.rows();
        if let Body::Target { cursor, .. } | Body::Choice { cursor, .. } = &mut self.body
            && *cursor + 1 < rows
        {
            *cursor += 1;
            return true;
        }
        false
    }

    /// Space on a checklist row; on the add line, Enter or Space starts typing, and Enter then
    /// adds what was typed.
    pub fn toggle_or_add(&mut self) {
        let pending = self.pending();
        let editing = self.editing;
        match &mut self.body {
            Body::Target { defaults, selected, added, cursor } => {
                if *cursor < defaults.len() {
                    selected[*cursor] = !selected[*cursor];
                } else if *cursor < defaults.len() + added.len() {
                    added.remove(*cursor - defaults.len());
                } else if !editing {
                    self.editing = true;
                } else if let Some(v) = pending {
                    if !added.contains(&v) && !defaults.contains(&v) {
                        added.push(v);
                    } else if let Some(i) = defaults.iter().position(|d| *d == v) {
                        selected[i] = true;
                    }
                    self.input.reset();
                    self.editing = false;
                    *cursor = defaults.len() + added.len();
                } else {
                    self.editing = false;
                }
            }
            Body::Text { values } => {
                if let Some(v) = pending {
                    values.push(v);
                    self.input.reset();
                }
            }
            Body::Choice { selected, multi, cursor, .. } => {
                let on = !selected[*cursor];
                if !*multi {
                    selected.iter_mut().for_each(|s| *s = false);
                }
                selected[*cursor] = on;
            }
        }
    }

    /// Backspace in an empty input takes back the last value added.
    pub fn pop_value(&mut self) -> bool {
        if self.pending().is_some() {
            return false;
        }
        match &mut self.body {
            Body::Text { values } => values.pop().is_some(),
            Body::Choice { .. } => false,
            Body::Target { defaults, added, cursor, .. } => {
                let popped = added.pop().is_some();
                *cursor = defaults.len() + added.len();
                popped
            }
        }
    }

    /// Back to the defaults: a TARGET's all checked (Service Catalog resolves them), a pick
    /// list's nothing chosen (the document's default applies).
    pub fn reset_target(&mut self) {
        match &mut self.body {
            Body::Target { selected, added, cursor, .. } => {
                selected.iter_mut().for_each(|s| *s = true);
                added.clear();
                *cursor = 0;
                self.input.reset();
                self.editing = false;
            }
            Body::Choice { selected, .. } => selected.iter_mut().for_each(|s| *s = false),
            Body::Text { .. } => {}
        }
    }

    /// Pasted text: each line is one value (terminals send pasted newlines as CR); the characters
    /// of a line are kept exactly.
    pub fn paste(&mut self, text: &str) {
        // On a pick list, a pasted line chooses the value it names; others are not values.
        if let Body::Choice { options, selected, multi, .. } = &mut self.body {
            for line in text.lines().map(str::trim) {
                if let Some(i) = options.iter().position(|o| o == line) {
                    if !*multi {
                        selected.iter_mut().for_each(|s| *s = false);
                    }
                    selected[i] = true;
                }
            }
            return;
        }
        if self.is_target() {
            self.editing = true;
        }
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let lines: Vec<&str> = text.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            for c in line.chars() {
                self.input.handle(tui_input::InputRequest::InsertChar(c));
            }
            if i + 1 < lines.len() && !self.input.value().is_empty() {
                self.toggle_or_add();
                self.editing = self.is_target();
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub product: ProvisionedProduct,
    pub action: ServiceAction,
    pub definition: ActionDefinition,
    /// Why the SSM document is not known (DescribeServiceAction denied), when it is not.
    pub definition_missing: Option<String>,
    pub fields: Vec<Field>,
    /// A field index, or `fields.len()` for the Review button.
    pub focus: usize,
    /// A batch: the products the action runs on (empty for a single run).
    pub batch: Vec<ProvisionedProduct>,
    /// In a batch, the TARGET parameters, left to Service Catalog for each product.
    pub batch_targets: Vec<String>,
    /// What the form would send as it was opened (defaults, or a re-run's values): Esc asks
    /// before dropping anything else.
    pub baseline: Option<ParameterMap>,
    /// Esc was pressed on a changed form: "drop the changes?" is on screen.
    pub asking_discard: bool,
}

impl Form {
    pub fn new(
        product: ProvisionedProduct,
        action: ServiceAction,
        definition: ActionDefinition,
        params: &[ExecutionParameter],
    ) -> Form {
        Form {
            product,
            action,
            definition,
            definition_missing: None,
            fields: params.iter().map(Field::new).collect(),
            focus: 0,
            batch: Vec::new(),
            batch_targets: Vec::new(),
            baseline: None,
            asking_discard: false,
        }
    }

    /// The same action on several products: each product's TARGET is its own, so TARGET
    /// fields leave the form and Service Catalog resolves them per product.
    pub fn for_batch(mut self, products: Vec<ProvisionedProduct>) -> Form {
        self.batch_targets = self.fields.iter().filter(|f| f.is_target()).map(|f| f.name.clone()).collect();
        self.fields.retain(|f| !f.is_target());
        self.focus = 0;
        self.batch = products;
        self
    }

    /// The operator changed something since the form opened (a value, a selection, a line
    /// being typed).
    pub fn edited(&self) -> bool {
        self.parameters() != self.baseline || self.fields.iter().any(|f| !f.input.value().is_empty())
    }

    pub fn on_button(&self) -> bool {
        self.focus >= self.fields.len()
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    pub fn next(&mut self) {
        if let Some(f) = self.focused_mut() {
            f.stop_editing();
        }
        self.focus = (self.focus + 1) % (self.fields.len() + 1);
    }

    pub fn prev(&mut self) {
        if let Some(f) = self.focused_mut() {
            f.stop_editing();
        }
        let n = self.fields.len() + 1;
        self.focus = (self.focus + n - 1) % n;
    }

    /// Fills the fields with the values of an earlier run: a TARGET's defaults stay checked only
    /// if they were sent, other values are added; a text field gets its values back.
    pub fn prefill(&mut self, values: &ParameterMap) {
        for field in &mut self.fields {
            let Some(sent) = values.get(&field.name) else { continue };
            match &mut field.body {
                Body::Target { defaults, selected, added, .. } => {
                    for (d, s) in defaults.iter().zip(selected.iter_mut()) {
                        *s = sent.contains(d);
                    }
                    *added = sent.iter().filter(|v| !defaults.contains(v)).cloned().collect();
                }
                Body::Text { values } => *values = sent.clone(),
                Body::Choice { options, selected, .. } => {
                    let new: Vec<String> = sent.iter().filter(|v| !options.contains(v)).cloned().collect();
                    options.extend(new);
                    *selected = options.iter().map(|o| sent.contains(o)).collect();
                }
            }
        }
    }

    /// Every problem, with the field it belongs to.
    pub fn problems(&self) -> Vec<(String, String)> {
        self.fields.iter().flat_map(|f| f.problems().into_iter().map(|p| (f.name.clone(), p))).collect()
    }

    /// The Parameters of the execute request; None sends no Parameters at all.
    pub fn parameters(&self) -> Option<ParameterMap> {
        let map: ParameterMap = self.fields.iter().filter_map(|f| Some((f.name.clone(), f.values()?))).collect();
        (!map.is_empty()).then_some(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Field {
        Field::new(&ExecutionParameter {
            name: "InstanceId".into(),
            kind: "TARGET".into(),
            default_values: vec!["i-1".into(), "i-2".into(), "i-3".into()],
        })
    }

    fn text() -> Field {
        Field::new(&ExecutionParameter { name: "Reason".into(), kind: "TEXT_VALUE".into(), default_values: vec![] })
    }

    #[test]
    fn untouched_target_sends_nothing() {
        let f = target();
        assert_eq!(f.target_choice(), Some(TargetChoice::Default(3)));
        assert_eq!(f.values(), None);
        assert!(f.problems().is_empty());
    }

    #[test]
    fn narrowing_and_adding_make_an_override() {
        let mut f = target();
        f.toggle_or_add(); // unselect i-1
        assert_eq!(f.values(), Some(vec!["i-2".to_string(), "i-3".to_string()]));
        for _ in 0..3 {
            f.cursor_down();
        }
        assert!(f.on_add_line() && !f.on_input(), "the add line takes no text until asked");
        f.toggle_or_add(); // Enter: start typing
        assert!(f.on_input());
        f.paste("i-9");
        assert_eq!(f.values(), Some(vec!["i-2".to_string(), "i-3".to_string()]), "typed is not added");
        f.toggle_or_add(); // Enter: add it
        assert_eq!(f.values(), Some(vec!["i-2".to_string(), "i-3".to_string(), "i-9".to_string()]));
        assert!(!f.on_input(), "adding stops typing");
        f.reset_target();
        assert_eq!(f.values(), None);
    }

    /// Issue 12: text on the add line that was never confirmed is never sent, and leaving the
    /// line (↑, Tab, Esc) drops it.
    #[test]
    fn only_a_confirmed_line_adds_a_target_value() {
        let mut f = target();
        for _ in 0..3 {
            f.cursor_down();
        }
        f.toggle_or_add();
        f.paste("kk");
        assert_eq!(f.values(), None, "the defaults, untouched: nothing typed counts");
        assert!(f.cursor_up() && !f.on_input() && f.input.value().is_empty(), "leaving drops it");
        f.cursor_down();
        f.toggle_or_add();
        f.paste("i-7");
        assert!(f.stop_editing());
        assert_eq!((f.values(), f.on_input()), (None, false));
    }

    #[test]
    fn unselecting_everything_is_a_problem() {
        let mut f = target();
        for _ in 0..3 {
            f.toggle_or_add();
            f.cursor_down();
        }
        assert_eq!(f.values(), Some(vec![]));
        assert!(f.problems()[0].contains("no resource selected"));
    }

    #[test]
    fn text_values_keep_every_character() {
        let mut f = text();
        f.paste("  spaced  \u{1b}[31m ");
        assert_eq!(f.values(), Some(vec!["  spaced  \u{1b}[31m ".to_string()]));
        f.toggle_or_add();
        f.paste("second");
        assert_eq!(f.values().unwrap().len(), 2);
        assert!(!f.pop_value(), "the input is not empty");
    }

    #[test]
    fn limits_are_checked_as_typed() {
        let mut f = text();
        f.paste(&"x".repeat(513));
        assert!(f.problems()[0].contains("513"));
        let mut many = text();
        many.paste(&(0..26).map(|i| format!("v{i}")).collect::<Vec<_>>().join("\n"));
        assert_eq!(many.values().unwrap().len(), 26);
        assert!(many.problems()[0].contains("26 values"));
    }

    #[test]
    fn the_form_sends_only_what_was_set() {
        let form = Form::new(
            Default::default(),
            Default::default(),
            Default::default(),
            &[
                ExecutionParameter {
                    name: "InstanceId".into(),
                    kind: "TARGET".into(),
                    default_values: vec!["i-1".into()],
                },
                ExecutionParameter { name: "Reason".into(), kind: "TEXT_VALUE".into(), default_values: vec![] },
            ],
        );
        assert_eq!(form.parameters(), None);
        let mut form = form;
        form.fields[1].paste("CHG-1234");
        let p = form.parameters().unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p["Reason"], ["CHG-1234"]);
        form.next();
        form.next();
        assert!(form.on_button());
        form.next();
        assert_eq!(form.focus, 0);
    }

    fn doc(kind: &str, allowed: &[&str], pattern: Option<&str>) -> crate::domain::DocumentParameter {
        crate::domain::DocumentParameter {
            name: "Reason".into(),
            kind: kind.into(),
            description: String::new(),
            default: Some("false".into()),
            allowed_values: allowed.iter().map(|s| s.to_string()).collect(),
            allowed_pattern: pattern.map(str::to_string),
        }
    }

    /// Issue 13: allowed values make a pick list: one chosen at a time (several for a
    /// StringList), none sends nothing, d goes back to the document's default.
    #[test]
    fn allowed_values_make_a_pick_list() {
        let mut f = text();
        f.describe(Some(doc("Boolean", &["true", "false"], None)));
        assert!(f.is_choice() && !f.on_input(), "the keys are the list's, not typed");
        assert_eq!((f.values(), f.rows()), (None, 2));
        f.toggle_or_add();
        assert_eq!(f.values(), Some(vec!["true".to_string()]));
        f.cursor_down();
        f.toggle_or_add();
        assert_eq!(f.values(), Some(vec!["false".to_string()]), "one at a time");
        f.paste("true\n");
        assert_eq!(f.values(), Some(vec!["true".to_string()]), "a pasted line chooses what it names");
        f.paste("nonsense");
        assert_eq!(f.values(), Some(vec!["true".to_string()]), "anything else is not a value");
        f.reset_target();
        assert_eq!(f.values(), None);
        let mut list = text();
        list.describe(Some(doc("StringList", &["a", "b", "c"], None)));
        list.toggle_or_add();
        list.cursor_down();
        list.toggle_or_add();
        assert_eq!(list.values(), Some(vec!["a".to_string(), "b".to_string()]), "a StringList takes several");
    }

    /// A value the document does not allow (an earlier run's, say) stays, and is named.
    #[test]
    fn a_value_outside_the_allowed_ones_is_a_problem() {
        let mut f = Field::new(&ExecutionParameter {
            name: "SSEAlgorithm".into(),
            kind: "TEXT_VALUE".into(),
            default_values: vec!["DES".into()],
        });
        f.describe(Some(doc("String", &["AES256", "aws:kms"], None)));
        assert_eq!(f.values(), Some(vec!["DES".to_string()]));
        assert!(f.problems().iter().any(|p| p.contains("\"DES\" is not one of the SSM document's allowed values")));
    }

    /// The pattern is checked as the value is typed; a pattern sctui's engine cannot read is
    /// said so and never blocks; the type is checked too.
    #[test]
    fn patterns_and_types_are_checked_as_typed() {
        let mut f = text();
        f.describe(Some(doc("String", &[], Some("^CHG[0-9]{7}$"))));
        f.paste("CHG12");
        assert!(f.problems().iter().any(|p| p.contains("does not match the SSM document's pattern ^CHG[0-9]{7}$")));
        f.paste("34567");
        assert!(f.problems().is_empty(), "{:?}", f.problems());
        let mut look = text();
        look.describe(Some(doc("String", &[], Some("^(?!root).*$"))));
        assert!(matches!(&look.pattern, Some(Err(why)) if why.contains("cannot check")));
        look.paste("anything");
        assert!(look.problems().is_empty());
        let mut n = text();
        n.describe(Some(doc("Integer", &[], None)));
        n.paste("three");
        assert!(n.problems().iter().any(|p| p.contains("is not a whole number")));
        n.input.reset();
        n.paste("3\n4\n");
        assert!(n.problems().iter().any(|p| p.contains("2 values: the SSM document takes one")));
    }
}
