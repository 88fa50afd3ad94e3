use tertulia_shared::{ErrorBody, ErrorCode, Field, Reply, validate};

use crate::session::Session;

/// `private` (`#\private`): to any online user, whatever room either is in.
pub(super) async fn apply(
    session: &mut Session,
    to: &str,
    text: String,
) -> Result<Reply, ErrorBody> {
    let from = session.logged_in()?;
    validate::message(&text)?;
    Session::within(&mut session.buckets.private, "private messages")?;
    if let Some(message) = session.shared.hub.private(&from, to, text, crate::now_ms()) {
        return Ok(Reply::PrivateSent { message });
    }
    let not_found = || {
        ErrorBody::new(
            ErrorCode::UserNotFound,
            format!("There is no user called {to}."),
        )
        .with_field(Field::To)
    };
    if validate::login(to).is_err() {
        return Err(not_found());
    }
    match session.shared.accounts.find(to.to_owned()).await? {
        Some(login) => Err(ErrorBody::new(
            ErrorCode::UserOffline,
            format!("{login} is not connected right now."),
        )
        .with_field(Field::To)),
        None => Err(not_found()),
    }
}
