//! The doorbell: a room message stored on one node is published on NATS,
//! and every other node delivers it in its room's order. Pub/sub may lose
//! a message (a NATS restart, a slow consumer): a node that sees a message
//! whose predecessor it has not delivered, that reconnects to NATS, or
//! that finds PostgreSQL ahead of it (checked every second) reads the room
//! from PostgreSQL after the last id it delivered. Nobody sees a hole or a
//! duplicate; without NATS at all, messages still arrive within a second.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tertulia_shared::{ChatMessage, MessageId, PrivateMessage};

use super::changes::apply_change;
use super::presence::Listener;
use super::rooms::apply_room_change;
use super::{
    ALL_SUBJECTS, ASK_SUBJECT, CHANGES_SUBJECT, Cluster, PRESENCE_SUBJECT, PRIVATE_SUBJECT,
    ROOM_SUBJECT, ROOMS_SUBJECT, SESSION_SUBJECT, sequence,
};
use crate::history::{Entry, MessageLog, Page};
use crate::rooms::{Hub, Ordered};

/// How often a node compares each room's last stored id with what it
/// delivered.
const CATCH_UP_EVERY: Duration = Duration::from_secs(1);

/// A login, numbered by the cluster's sequence: a later number wins.
#[derive(Debug, Serialize, Deserialize)]
struct Login {
    node: String,
    login: String,
    number: MessageId,
}

/// A private message queued for someone not on the sending node.
#[derive(Debug, Serialize, Deserialize)]
struct Queued {
    node: String,
    message: PrivateMessage,
}

/// A stored room message, as NATS carries it (borrowed to be sent, owned
/// once received).
#[derive(Debug, Serialize, Deserialize)]
struct Published<'a> {
    node: Cow<'a, str>,
    room_key: Cow<'a, str>,
    prev_id: MessageId,
    message: Cow<'a, ChatMessage>,
}

impl Cluster {
    /// Delivers a message stored here to this node's members, in its
    /// room's order, then rings the other nodes.
    pub(crate) async fn deliver_and_publish(
        &self,
        hub: &Hub,
        log: &MessageLog,
        (room_key, prev_id): (&str, MessageId),
        message: Arc<ChatMessage>,
    ) {
        deliver(hub, log, room_key, prev_id, message.clone()).await;
        let published = Published {
            node: Cow::Borrowed(&self.node),
            room_key: Cow::Borrowed(room_key),
            prev_id,
            message: Cow::Borrowed(&message),
        };
        let payload = match serde_json::to_vec(&published) {
            Ok(payload) => payload,
            Err(e) => {
                tracing::error!("encoding message {} for NATS: {e}", message.id);
                return;
            }
        };
        // Lost or late, the other nodes read it from PostgreSQL.
        if let Err(e) = self.nats.publish(ROOM_SUBJECT, payload.into()).await {
            tracing::warn!("publishing message {} on NATS: {e}", message.id);
        }
    }
}

impl Cluster {
    /// Tells the other nodes that `login` logged in here: a session of the
    /// account there, older than this one, is replaced, and the rooms they
    /// made are this node's now.
    pub(crate) async fn logged_in(&self, hub: &Hub, login: &str) {
        if hub.has_rooms_of(login) {
            self.rooms_follow(login).await;
        }
        let Ok(number) = self.next_id().await else {
            // PostgreSQL is away: the session stands alone until it is back.
            return;
        };
        let key = tertulia_shared::validate::fold(login);
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, number);
        let told = Login {
            node: self.node.to_string(),
            login: login.to_owned(),
            number,
        };
        if let Ok(payload) = serde_json::to_vec(&told)
            && let Err(e) = self.nats.publish(SESSION_SUBJECT, payload.into()).await
        {
            tracing::warn!(%login, "telling the other nodes of a login: {e}");
        }
    }

    /// Rings the other nodes for a private message stored as queued: the
    /// one its recipient is on delivers it. If the bell is lost, it waits
    /// for their next login as any queued message.
    pub(crate) async fn publish_private(&self, message: &PrivateMessage) {
        let queued = Queued {
            node: self.node.to_string(),
            message: message.clone(),
        };
        match serde_json::to_vec(&queued) {
            Ok(payload) => {
                if let Err(e) = self.nats.publish(PRIVATE_SUBJECT, payload.into()).await {
                    tracing::warn!("publishing private message {} on NATS: {e}", message.id);
                }
            }
            Err(e) => tracing::error!("encoding private message {} for NATS: {e}", message.id),
        }
    }
}

/// Another node's login: an older session of the account here is replaced.
fn replace_older_session(cluster: &Cluster, hub: &Hub, payload: &[u8]) {
    let Ok(told) = serde_json::from_slice::<Login>(payload) else {
        tracing::warn!("a login on NATS that is not ours");
        return;
    };
    if *told.node == *cluster.node {
        return;
    }
    let key = tertulia_shared::validate::fold(&told.login);
    let mine = cluster
        .sessions
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .copied();
    if mine.is_some_and(|mine| mine > told.number) {
        return;
    }
    let event = tertulia_shared::Event::SessionReplaced {
        message: format!(
            "{} logged in from another window or computer; this one is disconnected.",
            told.login
        ),
    };
    if hub.replaced_elsewhere(&told.login, event) {
        tracing::info!(login = %told.login, node = %told.node, "session replaced from another node");
    }
}

/// A private message queued on another node, delivered here if its
/// recipient is here (and then no longer queued).
fn deliver_private(cluster: &Cluster, hub: &Hub, log: &MessageLog, payload: &[u8]) {
    let queued: Queued = match serde_json::from_slice(payload) {
        Ok(queued) => queued,
        Err(e) => {
            tracing::warn!("a private message on NATS that is not ours: {e}");
            return;
        }
    };
    if *queued.node == *cluster.node || !hub.deliver_private_here(&queued.message) {
        return;
    }
    let _ = log.append(Entry::DeliveredOne {
        id: queued.message.id,
    });
}

async fn deliver(
    hub: &Hub,
    log: &MessageLog,
    room_key: &str,
    prev_id: MessageId,
    message: Arc<ChatMessage>,
) {
    if let Ordered::Gap { after } = hub.deliver_ordered(room_key, prev_id, message) {
        fill(hub, log, room_key, after).await;
    }
}

/// Reads room `room_key` from the log after `after` and delivers it.
async fn fill(hub: &Hub, log: &MessageLog, room_key: &str, mut after: MessageId) {
    loop {
        let Some((name, first_id, _)) = hub.delivery_cursor(room_key) else {
            return;
        };
        let page = log
            .room_page(room_key.to_owned(), name, Page::After(after), first_id)
            .await;
        let (messages, more) = match page {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!("reading room {room_key} after {after}: {e}");
                return;
            }
        };
        let Some(last) = messages.last().map(|m| m.id) else {
            return;
        };
        let mut prev = after;
        for message in messages {
            let id = message.id;
            hub.deliver_ordered(room_key, prev, Arc::new(message));
            prev = id;
        }
        if !more {
            return;
        }
        after = last;
    }
}

/// Reads every room that PostgreSQL holds more of than was delivered here.
async fn catch_up(cluster: &Cluster, hub: &Hub, log: &MessageLog) {
    let Ok(last_ids) = cluster.sequenced(sequence::last_ids).await else {
        return;
    };
    for (room_key, last_id) in last_ids {
        if let Some((_, _, Some(delivered))) = hub.delivery_cursor(&room_key)
            && delivered < last_id
        {
            fill(hub, log, &room_key, delivered).await;
        }
    }
}

/// The tasks that keep this node in step with the others; stopped
/// together (see [`Receiving::abort`]).
#[derive(Debug)]
pub struct Receiving(Vec<tokio::task::JoinHandle<()>>);

impl Receiving {
    pub fn abort(&self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Delivers what the other nodes store and tell, for as long as the
/// server runs. Three tasks, so that no PostgreSQL round trip ever holds
/// up what NATS brings: the receiver (NATS, in memory only but for the
/// reading of a gap), the catch-up (every second and after each NATS
/// reconnection) and the beat.
pub fn spawn_receiver(cluster: Arc<Cluster>, hub: Hub, log: MessageLog) -> Receiving {
    let (alive_tx, alive) = tokio::sync::mpsc::channel(4);
    Receiving(vec![
        tokio::spawn(receive(cluster.clone(), hub.clone(), log.clone(), alive)),
        tokio::spawn(keep_caught_up(cluster.clone(), hub.clone(), log)),
        tokio::spawn(keep_beating(cluster, hub, alive_tx)),
    ])
}

/// What NATS brings, applied as it comes; and the nodes alive, from the beat.
async fn receive(
    cluster: Arc<Cluster>,
    hub: Hub,
    log: MessageLog,
    mut alive: tokio::sync::mpsc::Receiver<Vec<String>>,
) {
    let mut subscription = match cluster.nats.subscribe(ALL_SUBJECTS).await {
        Ok(subscription) => Some(subscription),
        Err(e) => {
            tracing::error!(
                "cannot subscribe on NATS: {e}; other nodes' messages come from PostgreSQL"
            );
            None
        }
    };
    let mut listener = Listener::default();
    cluster.ask_for_snapshots().await;
    loop {
        let next = async {
            match subscription.as_mut() {
                Some(subscription) => subscription.next().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(told) = next => {
                let payload = &told.payload;
                match told.subject.as_str() {
                    ROOM_SUBJECT => delivered_elsewhere(&cluster, &hub, &log, payload).await,
                    PRIVATE_SUBJECT => deliver_private(&cluster, &hub, &log, payload),
                    SESSION_SUBJECT => replace_older_session(&cluster, &hub, payload),
                    ROOMS_SUBJECT => apply_room_change(&cluster, &hub, payload),
                    CHANGES_SUBJECT => apply_change(&cluster, &hub, payload),
                    PRESENCE_SUBJECT => {
                        let gap = cluster.heard_places(&hub, &mut listener, payload);
                        if gap {
                            cluster.ask_for_snapshots().await;
                        }
                    }
                    ASK_SUBJECT => cluster.asked_for_snapshot(payload),
                    _ => {}
                }
            }
            Some(nodes) = alive.recv() => cluster.forget_dead_nodes(&hub, &mut listener, &nodes),
        }
    }
}

/// Reads from PostgreSQL what NATS did not bring: every second, and after
/// each NATS reconnection (when the other nodes' people are asked for
/// again too).
async fn keep_caught_up(cluster: Arc<Cluster>, hub: Hub, log: MessageLog) {
    let mut connections = cluster.connections.clone();
    let mut tick = tokio::time::interval(CATCH_UP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            Ok(()) = connections.changed() => {
                catch_up(&cluster, &hub, &log).await;
                cluster.ask_for_snapshots().await;
            }
            _ = tick.tick() => catch_up(&cluster, &hub, &log).await,
        }
    }
}

/// Says this node is alive a few times per timeout; hands the receiver the
/// nodes alive and makes this node's rooms PostgreSQL's.
async fn keep_beating(
    cluster: Arc<Cluster>,
    hub: Hub,
    alive: tokio::sync::mpsc::Sender<Vec<String>>,
) {
    let mut beat = tokio::time::interval(beat_every(cluster.node_timeout));
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        beat.tick().await;
        let generation = hub.generation();
        let Ok((nodes, rooms)) = cluster.beat().await else {
            // Said by `sequenced`; nobody is declared dead meanwhile.
            continue;
        };
        if alive.send(nodes).await.is_err() {
            return;
        }
        let (added, removed) = hub.reconcile_rooms(rooms, generation);
        if added + removed > 0 {
            tracing::info!(added, removed, "rooms brought in line with the database");
        }
    }
}

/// A room message stored on another node, delivered here in its order.
async fn delivered_elsewhere(cluster: &Cluster, hub: &Hub, log: &MessageLog, payload: &[u8]) {
    let published: Published = match serde_json::from_slice(payload) {
        Ok(published) => published,
        Err(e) => {
            tracing::warn!("a message on NATS that is not ours: {e}");
            return;
        }
    };
    if *published.node == *cluster.node {
        return;
    }
    deliver(
        hub,
        log,
        &published.room_key,
        published.prev_id,
        Arc::new(published.message.into_owned()),
    )
    .await;
}

/// How often a node says it is alive: a few times per timeout.
fn beat_every(node_timeout: Duration) -> Duration {
    (node_timeout / 4).clamp(Duration::from_millis(250), Duration::from_secs(5))
}
