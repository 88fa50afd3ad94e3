use tertulia_shared::{ErrorBody, Password, Reply};

use crate::session::Session;

/// `login`: checks the password, then puts the user online in the default room.
pub(super) async fn apply(
    session: &mut Session,
    login: String,
    password: Password,
) -> Result<Reply, ErrorBody> {
    session.require_anonymous()?;
    let login = session.shared.accounts.verify(login, password.0).await?;
    let (room, members) = session
        .shared
        .hub
        .join_server(&login, session.outbox.clone())?;
    tracing::info!(peer = %session.peer, %login, "logged in");
    session.login = Some(login.clone());
    Ok(Reply::LoggedIn {
        login,
        room,
        members,
        server_time_ms: crate::now_ms(),
    })
}
