use super::answer::{Answer, Outcome};
use crate::files::work::{off_thread, progress_reply};
use crate::files::{Offer, Target};
use crate::session::Session;

/// `offer_file` (`#file`): a file for the sender's room, or for one person
/// (`to`). Content the server already has is shared at once (`sent` /
/// `private_sent`, as for a message); otherwise the answer is `upload`,
/// saying from which byte to send (an interrupted upload of the same
/// content to the same place resumes).
pub(super) async fn apply(
    session: &mut Session,
    name: String,
    size: u64,
    sha256: String,
    to: Option<String>,
) -> Outcome {
    let owner = session.logged_in()?;
    let hub = &session.shared.hub;
    let target = match to {
        Some(to) => {
            let (to, role) = session.shared.recipient(&to).await?;
            hub.check_share(&owner, Some(role))?;
            Target::Private { to }
        }
        None => {
            hub.check_share(&owner, None)?;
            let (key, name) = hub.room_of(&owner)?;
            Target::Room { key, name }
        }
    };
    let offer = Offer {
        name,
        size,
        sha256,
        target,
    };
    let files = session.shared.files.clone();
    let limits = session.shared.config.files;
    let from = owner.clone();
    let progress = off_thread(move || files.offer(&owner, offer, limits)).await?;
    let (reply, stored) = progress_reply(&session.shared, &from, progress).await?;
    Ok(Answer::reply(reply).when_stored(stored))
}
