use tertulia_shared::{ErrorBody, Field, Password, Reply, validate};

use super::answer::{Answer, Outcome};
use crate::accounts::{AccountError, Revocation};
use crate::session::Session;

/// `change_password`: checks the old password, stores the new one, and
/// revokes every session token of the account (a stolen one included);
/// this session gets a fresh token, so it can still resume. Right after a
/// login with a one-time password `old` may be left out: the login just
/// proved it.
pub(super) async fn apply(session: &mut Session, old: Option<Password>, new: Password) -> Outcome {
    let login = session.logged_in()?;
    if let Err(rule) = validate::password(new.expose()) {
        return Err(rule.into());
    }
    let one_time = session
        .user
        .as_ref()
        .is_some_and(|u| u.must_change_password);
    let old = match (old, one_time) {
        (Some(old), _) => Some(old.0),
        (None, true) => None,
        (None, false) => {
            return Err(ErrorBody::invalid_field(
                Field::Password,
                "Type your current password too.",
            ));
        }
    };
    let accounts = &session.shared.accounts;
    match accounts.change_password(login.clone(), old, new.0).await {
        Ok(()) => {}
        Err(AccountError::BadCredentials) => {
            return Err(ErrorBody::from(AccountError::BadCredentials).with_field(Field::Password));
        }
        Err(other) => return Err(other.into()),
    }
    let revoked = accounts
        .revoke_all_tokens(login.clone(), Revocation::PasswordChanged)
        .await?;
    let lifetime = session.shared.config.session_lifetime;
    let (token, hash) = accounts.issue_token(login.clone(), lifetime).await?;
    if let Some(user) = &mut session.user {
        user.token = hash;
        user.must_change_password = false;
    }
    tracing::info!(peer = %session.peer, %login, revoked, "password changed; session tokens revoked");
    Ok(Answer::reply(Reply::PasswordChanged { token }))
}
