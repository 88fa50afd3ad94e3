use tertulia_shared::{ErrorBody, ErrorCode, Field, Reply, Role};

use super::answer::{Answer, Outcome};
use crate::accounts::RoleError;
use crate::session::Session;

/// `set_role`: admins give and take the `teacher` and `admin` roles; the
/// server never stays without an admin. Recorded in the audit log. The
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
    let login = match accounts.set_role(actor.clone(), login, role).await {
        Ok(login) => login,
        Err(RoleError::NoAccount) => {
            return Err(ErrorBody::new(
                ErrorCode::UserNotFound,
                "There is no account with that login.",
            )
            .with_field(Field::Login));
        }
        Err(RoleError::LastAdmin) => {
            return Err(ErrorBody::new(
                ErrorCode::LastAdmin,
                "That is the only admin: make someone else admin first.",
            ));
        }
        Err(RoleError::Outranked) => {
            return Err(ErrorBody::new(
                ErrorCode::Forbidden,
                "Only an admin can give or take roles.",
            ));
        }
        Err(RoleError::Accounts(e)) => return Err(e.into()),
    };
    tracing::info!(peer = %session.peer, %actor, %login, role = role.as_str(), "role set");
    Ok(Answer::reply(Reply::RoleSet { login, role }))
}
