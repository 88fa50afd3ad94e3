use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, Reply, UserInfo};

use crate::session::Session;

/// `list_users` (`#show users`): every registered user, online ones first,
/// each with the room they are in.
pub(super) async fn apply(session: &mut Session) -> Result<Reply, ErrorBody> {
    session.logged_in()?;
    let accounts = session.shared.accounts.list().await?;
    let online = session.shared.hub.online_rooms();
    let mut users: Vec<UserInfo> = accounts
        .into_iter()
        .map(|account| {
            let room = online.get(&fold(&account.login)).cloned();
            UserInfo {
                online: room.is_some(),
                room,
                login: account.login,
                first_names: account.first_names,
                last_names: account.last_names,
            }
        })
        .collect();
    // Accounts arrive sorted by login; a stable sort keeps that within each group.
    users.sort_by_key(|user| !user.online);
    Ok(Reply::UserList { users })
}
