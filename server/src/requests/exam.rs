use crate::rooms::Change;
use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::accounts::EXAM_SETTING;
use crate::session::Session;

/// `exam`: staff open or end exam mode. Kept in the database first (it
/// survives a restart), then applied and told to everyone online; recorded
/// in the audit log.
pub(super) async fn apply(session: &mut Session, on: bool) -> Outcome {
    let (actor, _) = staff(session)?;
    let accounts = &session.shared.accounts;
    let value = if on { "on" } else { "off" };
    accounts.set_setting(EXAM_SETTING, value.to_owned()).await?;
    accounts
        .record_action(actor.clone(), "exam", None, Some(value.to_owned()))
        .await?;
    session.shared.hub.set_exam(on, &actor);
    let by = actor.clone();
    session.shared.tell_others(|| Change::Exam { on, by }).await;
    tracing::info!(peer = %session.peer, %actor, on, "exam mode");
    Ok(Answer::reply(Reply::ExamSet { on }))
}
