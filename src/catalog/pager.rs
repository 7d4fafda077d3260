//! The one way sctui walks the pages of a list call: a token that repeats, or pages without end,
//! end the walk with an error instead of a loop.

use super::{Error, ErrorKind};
use std::collections::HashSet;

/// At most this many pages of one list (at 100 a page: 200,000 provisioned products).
pub const MAX_PAGES: usize = 2_000;

#[derive(Debug)]
pub struct Pager {
    operation: &'static str,
    token: Option<String>,
    seen: HashSet<String>,
    pages: usize,
}

impl Pager {
    pub fn new(operation: &'static str) -> Pager {
        Pager { operation, token: None, seen: HashSet::new(), pages: 0 }
    }

    /// The token for the next request (None for the first page).
    pub fn token(&self) -> Option<String> {
        self.token.clone()
    }

    /// Takes the answer's next-page token: Ok(true) when there is another page to ask for.
    pub fn advance(&mut self, next: Option<&str>) -> Result<bool, Error> {
        self.pages += 1;
        let Some(next) = next.filter(|t| !t.is_empty()) else {
            self.token = None;
            return Ok(false);
        };
        if !self.seen.insert(next.to_string()) {
            return Err(self.broken("the service sent a page token it had sent before"));
        }
        if self.pages >= MAX_PAGES {
            return Err(self.broken(&format!("the list did not end after {MAX_PAGES} pages")));
        }
        self.token = Some(next.to_string());
        Ok(true)
    }

    fn broken(&self, what: &str) -> Error {
        Error::new(ErrorKind::Other, self.operation, format!("{what}; stopped reading the list"))
            .with_hint(super::error::NOT_SERVICE_CATALOG)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_on_no_token_and_refuses_a_repeated_one() {
        let mut p = Pager::new("ListX");
        assert_eq!(p.token(), None);
        assert!(p.advance(Some("a")).unwrap());
        assert_eq!(p.token().as_deref(), Some("a"));
        assert!(p.advance(Some("b")).unwrap());
        let e = p.advance(Some("a")).unwrap_err();
        assert!(e.to_string().contains("page token it had sent before"), "{e}");
        let mut q = Pager::new("ListX");
        assert!(!q.advance(Some("")).unwrap(), "an empty token ends the list");
    }

    #[test]
    fn a_list_without_end_is_cut() {
        let mut p = Pager::new("ListX");
        let mut n = 0;
        let err = loop {
            n += 1;
            match p.advance(Some(&n.to_string())) {
                Ok(true) => {}
                Ok(false) => panic!("ended"),
                Err(e) => break e,
            }
        };
        assert_eq!(n, MAX_PAGES);
        assert!(err.to_string().contains("did not end"));
    }
}
