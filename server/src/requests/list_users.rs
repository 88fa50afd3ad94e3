use tertulia_shared::validate::fold;
use tertulia_shared::{Reply, UserInfo};

use super::answer::{Answer, Outcome};

use crate::page;
use crate::session::Session;

/// Accounts read per page: more than ever fit in one line, so a page is
/// only ever cut by its size, and a full read always leaves a cursor.
const ROWS_PER_PAGE: usize = 300;

/// The shortest a user can be as JSON (3-letter login, 1-letter names,
/// offline), plus its comma.
const MIN_USER_JSON: usize =
    r#"{"login":"abc","first_names":"a","last_names":"b","online":false,"room":null},"#.len();

const _: () = assert!(ROWS_PER_PAGE * MIN_USER_JSON > tertulia_shared::limits::PAGE_BUDGET_BYTES);

/// `list_users` (`#show users`): one page of registered users in login
/// order, each with the room they are in when online. From then on the
/// caller hears `presence`, which keeps the list current.
pub(super) async fn apply(session: &mut Session, after: Option<String>) -> Outcome {
    let login = session.logged_in()?;
    // Before the rooms are read: a change after that reading is told.
    session.shared.hub.watch_presence(&login);
    let after = after.map(|a| fold(&a));
    let accounts = session
        .shared
        .accounts
        .list_page(after, ROWS_PER_PAGE)
        .await?;
    let rooms = session
        .shared
        .hub
        .rooms_of(accounts.iter().map(|a| a.login.as_str()));
    let users = accounts.into_iter().zip(rooms).map(|(account, room)| {
        (
            fold(&account.login),
            UserInfo {
                online: room.is_some(),
                room,
                login: account.login,
                first_names: account.first_names,
                last_names: account.last_names,
                role: account.role,
            },
        )
    });
    let (users, next) = page::fill(users);
    Ok(Answer::reply(Reply::UserList { users, next }))
}
