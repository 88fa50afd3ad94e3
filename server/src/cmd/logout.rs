use tertulia_shared::Reply;

use crate::session::Session;

/// `logout` (`#exit`): answers `bye`; the connection closes right after.
pub(super) fn apply(session: &mut Session) -> Reply {
    session.closing = true;
    Reply::Bye
}
