use std::time::Instant;

use tertulia_shared::codec::encode;
use tertulia_shared::validate::fold;
use tertulia_shared::{
    ErrorBody, ErrorCode, Event, MessageId, Password, Reply, ServerMessage, SessionToken,
};

use super::answer::{Answer, Outcome};
use crate::accounts::{AccountError, TokenHash};
use crate::history::Entry;
use crate::rooms::Rank;
use crate::session::{Session, User};

/// Refused because of earlier failures: try again after `wait`.
pub(super) fn too_many(wait: std::time::Duration) -> ErrorBody {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ErrorBody::new(
        ErrorCode::TooManyAttempts,
        format!("Too many failed logins; try again in {seconds} seconds."),
    )
    .retry_after(wait)
}

/// `login`: checks the password, then puts the user online in the default
/// room and delivers the private messages that arrived while they were away. Repeated failures for an account from one address, or from one
/// address for any accounts, make the next attempts wait (`too_many_attempts`).
pub(super) async fn apply(session: &mut Session, login: String, password: Password) -> Outcome {
    session.require_anonymous()?;
    let address = session.peer.ip().to_canonical();
    let account = fold(&login);
    let allowed = session
        .shared
        .logins()
        .check(&account, address, Instant::now());
    if let Err(wait) = allowed {
        tracing::info!(peer = %session.peer, login = ?login, "login refused: too many failed attempts");
        return Err(too_many(wait));
    }
    let login = match session
        .shared
        .accounts
        .verify(login.clone(), password.0)
        .await
    {
        Ok(login) => login,
        Err(AccountError::BadCredentials) => {
            let wait = session
                .shared
                .logins()
                .fail(&account, address, Instant::now());
            tracing::info!(peer = %session.peer, login = ?login, "failed login");
            return Err(if wait.is_zero() {
                AccountError::BadCredentials.into()
            } else {
                too_many(wait)
            });
        }
        Err(other) => return Err(other.into()),
    };
    session.shared.logins().succeed(&account, address);
    enter(session, login, None).await
}

/// Puts `login` (as registered, just authenticated by password or token)
/// online in the default room with a new session token (`token`, when the
/// caller already made it), and delivers the private messages that arrived
/// while they were away: `logged_in`.
pub(super) async fn enter(
    session: &mut Session,
    login: String,
    token: Option<(SessionToken, TokenHash)>,
) -> Outcome {
    // Before any token is given: a banned account gets none.
    let standing = session.shared.accounts.standing(login.clone()).await?;
    if let Some(reason) = standing.banned {
        tracing::info!(peer = %session.peer, %login, "login refused: banned");
        return Err(ErrorBody::new(
            ErrorCode::Banned,
            format!("This account is banned: {reason}"),
        )
        .with_reason(&reason));
    }
    let (token, hash) = match token {
        Some(made) => made,
        None => {
            let lifetime = session.shared.config.session_lifetime;
            session
                .shared
                .accounts
                .issue_token(login.clone(), lifetime)
                .await?
        }
    };
    let rank = Rank {
        role: standing.role,
        muted: standing.muted.clone(),
    };
    let (view, last_id) = session
        .shared
        .hub
        .join_server(&login, session.outbox.clone(), rank)?;
    if let Some(cluster) = session.shared.cluster.clone() {
        cluster.logged_in(&session.shared.hub, &login).await;
    }
    tracing::info!(peer = %session.peer, %login, "logged in");
    session.user = Some(Box::new(User {
        login: login.clone(),
        token: hash,
        must_change_password: standing.must_change_password,
    }));
    if let Some(ticket) = &mut session.ticket {
        ticket.logged_in();
    }
    let queued_privates = deliver_queued(session, &login, last_id).await;
    Ok(Answer::reply(Reply::LoggedIn {
        login,
        room: view.room,
        members: view.members,
        member_count: view.member_count,
        members_next: view.members_next,
        history: view.history,
        history_more: view.history_more,
        queued_privates,
        server_time_ms: crate::now_ms(),
        token,
        role: standing.role,
        announce: view.announce,
        exam: session.shared.hub.exam(),
        muted: standing.muted.map(Box::new),
        must_change_password: standing.must_change_password,
    }))
}

/// Pushes the private messages queued for `login` up to `up_to` (the user
/// is online now: later ones arrive live) and marks them delivered.
async fn deliver_queued(session: &Session, login: &str, up_to: MessageId) -> usize {
    let log = &session.shared.log;
    // Everything queued up to `up_to` must be readable first.
    let _ = log.stored(up_to).await;
    // In a cluster, other nodes queue privates too, numbered beyond what
    // this node has seen: all of them. And a private this node delivered
    // live from another node is marked delivered through this node's
    // writer: that mark must be stored before the queue is read, or a
    // quick logout and login would deliver it twice.
    let up_to = match session.shared.cluster {
        Some(_) => {
            log.flush().await;
            MessageId::MAX
        }
        None => up_to,
    };
    let queued = match log.queued_privates(fold(login), up_to).await {
        Ok(queued) => queued,
        Err(e) => {
            tracing::error!(%login, "could not read the queued private messages: {e}");
            return 0;
        }
    };
    for message in &queued {
        session.outbox.push(&encode(&ServerMessage::Event {
            event: Event::Private(message.clone()),
        }));
    }
    if let Some(last) = queued.last() {
        tracing::info!(%login, count = queued.len(), "delivered private messages queued while away");
        let _ = log.append(Entry::Delivered {
            login: login.to_owned(),
            up_to: last.id,
        });
    }
    queued.len()
}
