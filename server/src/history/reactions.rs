//! Reactions as stored: toggled one at a time, read with the messages they
//! belong to (a page's worth in one range of the key).

use rusqlite::{Connection, params};
use tertulia_shared::{MessageId, REACTIONS, Reaction};

use super::read::id_of;
use super::writer::sql_id;

/// Fills in the reactions of `rows` (messages of ids `id_of`), read in
/// one range of the reactions' key.
pub(super) fn attach_reactions<T>(
    db: &Connection,
    rows: &mut [T],
    id: impl Fn(&T) -> MessageId,
    slot: impl Fn(&mut T) -> &mut Vec<Reaction>,
) -> Result<(), rusqlite::Error> {
    let (Some(low), Some(high)) = (rows.iter().map(&id).min(), rows.iter().map(&id).max()) else {
        return Ok(());
    };
    let mut statement = db.prepare_cached(
        "SELECT message, emoji, login FROM reactions
         WHERE message BETWEEN ?1 AND ?2 ORDER BY message, time_ms",
    )?;
    let mut found: std::collections::HashMap<MessageId, Vec<Reaction>> = Default::default();
    let reactions = statement.query_map(params![sql_id(low), sql_id(high)], |row| {
        Ok((
            id_of(row.get(0)?),
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    for reaction in reactions {
        let (message, emoji, login) = reaction?;
        add_reaction(found.entry(message).or_default(), emoji, login);
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
pub(super) fn reactions_of(
    db: &Connection,
    id: MessageId,
) -> Result<Vec<Reaction>, rusqlite::Error> {
    let mut statement = db
        .prepare_cached("SELECT emoji, login FROM reactions WHERE message = ?1 ORDER BY time_ms")?;
    let mut reactions = Vec::new();
    for row in statement.query_map([sql_id(id)], |row| Ok((row.get(0)?, row.get(1)?)))? {
        let (emoji, login) = row?;
        add_reaction(&mut reactions, emoji, login);
    }
    sort_reactions(&mut reactions);
    Ok(reactions)
}

/// Adds `login`'s `emoji` on message `id`, or takes it back if it was
/// there, in one write transaction; the message's reactions after it.
pub(super) fn toggle_reaction(
    db: &mut Connection,
    id: MessageId,
    login: &str,
    emoji: &str,
) -> Result<Vec<Reaction>, rusqlite::Error> {
    let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let id_sql = sql_id(id);
    let removed = tx.execute(
        "DELETE FROM reactions WHERE message = ?1 AND login = ?2 AND emoji = ?3",
        params![id_sql, login, emoji],
    )?;
    if removed == 0 {
        // Stamps never tie on a message, so `by` keeps the order of arrival.
        tx.execute(
            "INSERT INTO reactions (message, login, emoji, time_ms)
             VALUES (?1, ?2, ?3, MAX(?4, (SELECT COALESCE(MAX(time_ms), 0) + 1
                                           FROM reactions WHERE message = ?1)))",
            params![id_sql, login, emoji, crate::now_ms()],
        )?;
    }
    let reactions = reactions_of(&tx, id)?;
    tx.commit()?;
    Ok(reactions)
}
