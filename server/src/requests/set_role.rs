use crate::rooms::Change;
use tertulia_shared::{ErrorBody, ErrorCode, Reply, Role};

use super::answer::{Answer, Outcome};
use crate::session::Session;

/// `set_role`: admins give and take the `teacher` and `admin` roles; the
/// server never stays without an admin. Recorded in the audit log; an online
/// person's new role applies at once and reaches every user list. The
/// actor's role is read from the database, so a role taken a moment ago
/// no longer counts.
pub(super) async fn apply(session: &mut Session, login: String, role: Role) -> Outcome {
    let actor = session.logged_in()?;
    let accounts = &session.shared.accounts;
    if accounts.role(actor.clone()).await? != Role::Admin {
        return Err(ErrorBody::new(
            ErrorCode::Forbidden,
            "Only an admin can give or take roles.",
        ));
    }
    let login = accounts.set_role(actor.clone(), login, role).await?;
    session.shared.hub.set_role(&login, role);
    let target = login.clone();
    let change = || Change::Role {
        login: target,
        role,
    };
    session.shared.tell_others(change).await;
    tracing::info!(peer = %session.peer, %actor, %login, role = role.as_str(), "role set");
    Ok(Answer::reply(Reply::RoleSet { login, role }))
}
