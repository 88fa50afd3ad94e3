use tertulia_shared::Reply;
use tertulia_shared::limits::PAGE_BUDGET_BYTES;

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::session::Session;

/// `audit`: staff read the record of every moderation, newest first, a
/// line's worth at a time. Nothing in the protocol deletes from it.
pub(super) async fn apply(session: &mut Session, before_id: Option<u64>) -> Outcome {
    staff(session)?;
    let (entries, more) = session
        .shared
        .accounts
        .audit_page(before_id, PAGE_BUDGET_BYTES)
        .await?;
    Ok(Answer::reply(Reply::Audit { entries, more }))
}
