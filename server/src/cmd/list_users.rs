use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, Reply, UserInfo};

use crate::page;
use crate::session::Session;

/// Accounts read per page: more than ever fit in one line, so a page is
/// only ever cut by its size.
const ROWS_PER_PAGE: usize = 300;

/// `list_users` (`#show users`): one page of registered users in login
/// order, each with the room they are in when online.
pub(super) async fn apply(
    session: &mut Session,
    after: Option<String>,
) -> Result<Reply, ErrorBody> {
    session.logged_in()?;
    let after = after.map(|a| fold(&a));
    let accounts = session
        .shared
        .accounts
        .list_page(after, ROWS_PER_PAGE)
        .await?;
    let read_all = accounts.len() < ROWS_PER_PAGE;
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
            },
        )
    });
    let (users, cut_at) = page::fill(users);
    let next = match cut_at {
        Some(key) => Some(key),
        // Everything read fitted: more pages only if there were more rows.
        None if read_all => None,
        None => users.last().map(|u| fold(&u.login)),
    };
    Ok(Reply::UserList { users, next })
}
