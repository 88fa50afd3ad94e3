use tertulia_shared::{ErrorBody, ErrorCode, Field, Reply, validate};

use crate::rooms::PrivateOutcome;
use crate::session::{Limited, Session};

/// `private` (`#\private`): to any registered user, whatever room either is
/// in. Delivered at once if they are online, at their next login if not;
/// the reply waits until the message is stored.
pub(super) async fn apply(
    session: &mut Session,
    to: &str,
    text: String,
) -> Result<Reply, ErrorBody> {
    let from = session.logged_in()?;
    validate::message(&text)?;
    session.within(Limited::Privates)?;
    let not_found = || {
        ErrorBody::new(
            ErrorCode::UserNotFound,
            format!("There is no user called {to}."),
        )
        .with_field(Field::To)
    };
    let hub = &session.shared.hub;
    let mut outcome = hub.private(&from, to, text, None, None)?;
    if let PrivateOutcome::Offline(text) = outcome {
        if validate::login(to).is_err() {
            return Err(not_found());
        }
        let Some(login) = session.shared.accounts.find(to.to_owned()).await? else {
            return Err(not_found());
        };
        outcome = session
            .shared
            .hub
            .private(&from, to, text, Some(&login), None)?;
    }
    let (message, queued) = match outcome {
        PrivateOutcome::Delivered(message) => (message, false),
        PrivateOutcome::Queued(message) => (message, true),
        PrivateOutcome::Offline(_) => return Err(not_found()),
    };
    session.reply_when_stored(message.id);
    Ok(Reply::PrivateSent { message, queued })
}
