//! Reactions as stored: toggled one at a time, read with the messages they
//! belong to (a page's worth in one range of the key).

use tertulia_shared::{MessageId, REACTIONS, Reaction};

use super::read::id_of;
use crate::sql::{Sql, SqlError, WriteLock, write_transaction};
use crate::sql_params;

/// Fills in the reactions of `rows` (messages of ids `id_of`), read in
/// one range of the reactions' key.
pub(super) fn attach_reactions<T>(
    db: &mut dyn Sql,
    rows: &mut [T],
    id: impl Fn(&T) -> MessageId,
    slot: impl Fn(&mut T) -> &mut Vec<Reaction>,
) -> Result<(), SqlError> {
    let (Some(low), Some(high)) = (rows.iter().map(&id).min(), rows.iter().map(&id).max()) else {
        return Ok(());
    };
    let reactions = db.query(
        "SELECT message, emoji, login FROM reactions
         WHERE message BETWEEN ?1 AND ?2 ORDER BY message, time_ms",
        sql_params![low, high],
    )?;
    let mut found: std::collections::HashMap<MessageId, Vec<Reaction>> = Default::default();
    for row in reactions {
        let message = id_of(row.get(0)?);
        add_reaction(found.entry(message).or_default(), row.get(1)?, row.get(2)?);
    }
    for row in rows.iter_mut() {
        if let Some(mut reactions) = found.remove(&id(row)) {
            sort_reactions(&mut reactions);
            *slot(row) = reactions;
        }
    }
    Ok(())
}

/// Counts `login`'s `emoji` in `reactions`.
fn add_reaction(reactions: &mut Vec<Reaction>, emoji: String, login: String) {
    match reactions.iter_mut().find(|r| r.emoji == emoji) {
        Some(reaction) => reaction.by.push(login),
        None => reactions.push(Reaction {
            emoji,
            by: vec![login],
        }),
    }
}

/// In the order of [`tertulia_shared::REACTIONS`].
fn sort_reactions(reactions: &mut [Reaction]) {
    reactions.sort_by_key(|r| REACTIONS.iter().position(|e| *e == r.emoji));
}

/// Message `id`'s reactions, whole.
pub(super) fn reactions_of(db: &mut dyn Sql, id: MessageId) -> Result<Vec<Reaction>, SqlError> {
    let rows = db.query(
        "SELECT emoji, login FROM reactions WHERE message = ?1 ORDER BY time_ms",
        sql_params![id],
    )?;
    let mut reactions = Vec::new();
    for row in rows {
        add_reaction(&mut reactions, row.get(0)?, row.get(1)?);
    }
    sort_reactions(&mut reactions);
    Ok(reactions)
}

/// Adds `login`'s `emoji` on message `id`, or takes it back if it was
/// there, in one write transaction; the message's reactions after it.
pub(super) fn toggle_reaction(
    db: &mut dyn Sql,
    id: MessageId,
    login: &str,
    emoji: &str,
) -> Result<Vec<Reaction>, SqlError> {
    write_transaction(db, WriteLock::Reactions, |tx| {
        let removed = tx.execute(
            "DELETE FROM reactions WHERE message = ?1 AND login = ?2 AND emoji = ?3",
            sql_params![id, login, emoji],
        )?;
        if removed == 0 {
            // Stamps never tie on a message, so `by` keeps the order of
            // arrival. (Both engines take the larger with a CASE.)
            tx.execute(
                "INSERT INTO reactions (message, login, emoji, time_ms)
                 SELECT ?1, ?2, ?3, CASE WHEN ?4 > next THEN ?4 ELSE next END
                 FROM (SELECT COALESCE(MAX(time_ms), 0) + 1 AS next
                       FROM reactions WHERE message = ?1) AS latest",
                sql_params![id, login, emoji, crate::now_ms()],
            )?;
        }
        reactions_of(tx, id)
    })
}
