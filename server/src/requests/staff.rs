//! The check every moderation request makes first.

use tertulia_shared::{ErrorBody, Role};

use crate::accounts::forbidden;
use crate::session::Session;

/// The logged-in user and their role, if they are a teacher or an admin;
/// `forbidden` otherwise. The role is the hub's: `set_role` changes it
/// there at once, so a role taken a moment ago no longer counts.
pub(super) fn staff(session: &Session) -> Result<(String, Role), ErrorBody> {
    let login = session.logged_in()?;
    match session.shared.hub.role_of(&login) {
        Some(role) if role.is_staff() => Ok((login, role)),
        _ => Err(forbidden()),
    }
}
