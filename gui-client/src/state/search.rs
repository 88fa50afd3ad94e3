//! The search panel's state: what was asked, where, and the hits so far
//! (newest first), filled by `search_results` replies.

use tertulia_shared::SearchHit;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// The query the hits answer.
    pub query: String,
    /// Only this room, or everywhere.
    pub room: Option<String>,
    pub hits: Vec<SearchHit>,
    /// Older hits exist: the next page starts before the last hit.
    pub more: bool,
    /// A page was asked for and has not come.
    pub waiting: bool,
}

impl Search {
    /// A new search: the hits so far are forgotten.
    pub fn start(&mut self, query: &str, room: Option<String>) {
        *self = Search {
            query: query.to_owned(),
            room,
            waiting: true,
            ..Search::default()
        };
    }

    /// Where the next page starts.
    pub fn next_before(&self) -> Option<u64> {
        self.hits.last().map(|h| h.id)
    }

    pub fn add(&mut self, hits: Vec<SearchHit>, more: bool) {
        self.hits.extend(hits);
        self.more = more;
        self.waiting = false;
    }
}
