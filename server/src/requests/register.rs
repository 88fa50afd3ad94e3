use tertulia_shared::{Registration, Reply, validate};

use super::answer::{Answer, Outcome};
use crate::session::Session;

/// `register`: creates an account. It does not log in; `login` comes next.
pub(super) async fn apply(session: &mut Session, form: Registration) -> Outcome {
    session.require_anonymous()?;
    if let Some(first) = validate::registration(&form).into_iter().next() {
        return Err(first.into());
    }
    let login = form.login.clone();
    session.shared.accounts.register(form).await?;
    tracing::info!(peer = %session.peer, %login, "account created");
    Ok(Answer::reply(Reply::Registered { login }))
}
