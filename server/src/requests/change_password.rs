use tertulia_shared::{ErrorBody, Field, Password, Reply, validate};

use super::answer::{Answer, Outcome};
use crate::accounts::{AccountError, Revocation};
use crate::session::Session;

/// `change_password`: checks the old password, stores the new one, and
/// revokes every session token of the account (a stolen one included);
/// this session gets a fresh token, so it can still resume.
pub(super) async fn apply(session: &mut Session, old: Password, new: Password) -> Outcome {
    let login = session.logged_in()?;
    if let Err(rule) = validate::password(new.expose()) {
        return Err(rule.into());
    }
    let accounts = &session.shared.accounts;
    match accounts.change_password(login.clone(), old.0, new.0).await {
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
    }
    tracing::info!(peer = %session.peer, %login, revoked, "password changed; session tokens revoked");
    Ok(Answer::reply(Reply::PasswordChanged { token }))
}
