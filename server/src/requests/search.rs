use tertulia_shared::limits::PAGE_BUDGET_BYTES;
use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, Field, MessageId, Reply};

use super::answer::{Answer, Outcome};
use crate::history::{Scope, match_query, unreadable};
use crate::session::{Limited, Session};

/// Hits read per page, at most (a page is then cut to the line).
const HITS_PER_PAGE: usize = 50;

/// `search`: the stored log's messages matching every word of `query`
/// (SQLite FTS5; accents and case do not count), newest first: in one
/// room, or in every room and the asker's own privates. Paged like
/// `history`.
pub(super) async fn apply(
    session: &mut Session,
    query: String,
    room: Option<String>,
    before_id: Option<MessageId>,
) -> Outcome {
    let login = session.logged_in()?;
    if !session.shared.config.search_index {
        return Err(ErrorBody::new(
            tertulia_shared::ErrorCode::Forbidden,
            "Search is turned off on this server (--search-index off).",
        ));
    }
    // A search costs the server more than a message: counted as one.
    session.within(Limited::Messages)?;
    let Some(fts_query) = match_query(&query) else {
        return Err(ErrorBody::invalid_field(
            Field::Text,
            "Type a word to search for.",
        ));
    };
    let shared = &session.shared;
    let scope = match &room {
        Some(room) => {
            let (room_key, _, first_id) = shared.hub.history_of(room)?;
            Scope::Room { room_key, first_id }
        }
        None => Scope::Everywhere {
            login_key: fold(&login),
        },
    };
    // What was said before the search is found by it (unless the log is
    // flooded: then what the index reached within a second).
    shared.log.indexed(shared.hub.last_id()).await;
    let (found, mut more) = shared
        .log
        .search(fts_query, scope, before_id, HITS_PER_PAGE)
        .await
        .map_err(unreadable)?;
    let mut hits = Vec::with_capacity(found.len());
    let mut used = 0;
    for (room_key, mut hit) in found {
        if let Some(key) = room_key {
            hit.room = Some(shared.hub.room_name(&key));
        }
        used += crate::page::json_len(&hit).unwrap_or(PAGE_BUDGET_BYTES) + 1;
        if used > PAGE_BUDGET_BYTES {
            more = true;
            break;
        }
        hits.push(hit);
    }
    Ok(Answer::reply(Reply::SearchResults { hits, more }))
}
