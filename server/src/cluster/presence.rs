//! Who is online where, across the nodes (docs/SCALING.md). Each node
//! publishes the changes of its own people once per batch (the same 100 ms
//! moment its clients hear them in, never one message per person), numbered
//! so that a receiver sees a gap. A receiver that sees a gap, or a node it
//! does not know, asks for a snapshot: every node then publishes where all
//! of its people are, and the receiver takes that as the whole truth about
//! that node. A node that dies is noticed by its silence in PostgreSQL
//! (`rooms::beat`), not by NATS.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{ASK_SUBJECT, Cluster, PRESENCE_SUBJECT};
use crate::rooms::{Hub, Place};

/// Places per NATS message: a snapshot of a node of 10,000 is sent in
/// parts well under NATS's 1 MB payload.
const PLACES_PER_MESSAGE: usize = 2000;

/// A node with nothing to tell still says so this often, so that a lost
/// last change shows as a gap soon.
const QUIET_NEWS_EVERY: Duration = Duration::from_secs(5);

/// A receiver asks for snapshots at most this often.
const ASK_AT_MOST_EVERY: Duration = Duration::from_secs(1);

/// One message of a node's presence news.
#[derive(Debug, Serialize, Deserialize)]
struct News<'a> {
    node: Cow<'a, str>,
    /// Random per start: a node that restarted is a new one.
    boot: u64,
    /// Counts this node's messages since its start.
    seq: u64,
    /// Part of a snapshot (all of the node's people) rather than changes.
    snapshot: Option<Part>,
    places: Vec<Place>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Part {
    index: u32,
    of: u32,
}

/// This node's side of the news: what it numbers and whether it was asked
/// for a snapshot.
#[derive(Debug)]
pub(super) struct Herald {
    boot: u64,
    seq: AtomicU64,
    asked: AtomicBool,
    last_told: Mutex<Instant>,
    /// When this node last asked the others for snapshots.
    last_ask: Mutex<Option<Instant>>,
}

impl Herald {
    pub fn new() -> Herald {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Herald {
            boot: nanos ^ (u64::from(std::process::id()) << 32),
            seq: AtomicU64::new(0),
            // A node's first news is a snapshot: whoever knew an older
            // start of it forgets that one's people.
            asked: AtomicBool::new(true),
            last_told: Mutex::new(Instant::now()),
            last_ask: Mutex::new(None),
        }
    }
}

/// What one other node has told this one.
#[derive(Debug)]
struct Heard {
    boot: u64,
    seq: u64,
    /// A whole snapshot has been applied since its start.
    synced: bool,
    /// The parts of a snapshot gathered so far.
    gathering: Vec<Place>,
}

/// The receiver's memory of the other nodes.
#[derive(Debug, Default)]
pub(super) struct Listener {
    heard: HashMap<String, Heard>,
}

impl Cluster {
    /// Publishes this node's changes of the moment (or a snapshot, if
    /// asked); called after each batch.
    pub(crate) async fn tell_places(&self, hub: &Hub) {
        let everyone = self.herald.asked.swap(false, Ordering::Relaxed);
        let places = hub.take_places(everyone);
        {
            let mut last = self
                .herald
                .last_told
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if !everyone && places.is_empty() && last.elapsed() < QUIET_NEWS_EVERY {
                return;
            }
            *last = Instant::now();
        }
        let parts: Vec<&[Place]> = if places.is_empty() {
            vec![&[]]
        } else {
            places.chunks(PLACES_PER_MESSAGE).collect()
        };
        let of = u32::try_from(parts.len()).unwrap_or(u32::MAX);
        for (index, part) in parts.into_iter().enumerate() {
            let news = News {
                node: Cow::Borrowed(&self.node),
                boot: self.herald.boot,
                seq: self.herald.seq.fetch_add(1, Ordering::Relaxed) + 1,
                snapshot: everyone.then(|| Part {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    of,
                }),
                places: part.to_vec(),
            };
            let payload = match serde_json::to_vec(&news) {
                Ok(payload) => payload,
                Err(e) => {
                    tracing::error!("encoding presence for NATS: {e}");
                    return;
                }
            };
            if let Err(e) = self.nats.publish(PRESENCE_SUBJECT, payload.into()).await {
                // The next news shows the gap; the others ask again.
                tracing::warn!("telling the other nodes who is here: {e}");
                return;
            }
        }
    }

    /// Tells the other nodes this one is stopping: an empty snapshot, so
    /// its people are offline there at once.
    pub(super) async fn say_goodbye(&self) {
        let news = News {
            node: Cow::Borrowed(&self.node),
            boot: self.herald.boot,
            seq: self.herald.seq.fetch_add(1, Ordering::Relaxed) + 1,
            snapshot: Some(Part { index: 0, of: 1 }),
            places: Vec::new(),
        };
        if let Ok(payload) = serde_json::to_vec(&news)
            && let Err(e) = self.nats.publish(PRESENCE_SUBJECT, payload.into()).await
        {
            tracing::warn!("telling the other nodes this one stops: {e}");
        }
    }

    /// Asks every node for a snapshot of its people (at most once per
    /// [`ASK_AT_MOST_EVERY`]).
    pub(super) async fn ask_for_snapshots(&self) {
        {
            let mut last = self
                .herald
                .last_ask
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|last| last.elapsed() < ASK_AT_MOST_EVERY) {
                return;
            }
            *last = Some(Instant::now());
        }
        if let Err(e) = self
            .nats
            .publish(ASK_SUBJECT, self.node.as_bytes().to_vec().into())
            .await
        {
            tracing::warn!("asking the other nodes who is there: {e}");
        }
    }

    /// Another node asked: the next news is a snapshot.
    pub(super) fn asked_for_snapshot(&self, payload: &[u8]) {
        if payload != self.node.as_bytes() {
            self.herald.asked.store(true, Ordering::Relaxed);
        }
    }

    /// Applies a node's news to the hub. Returns whether a snapshot should
    /// be asked for (a gap, a new start, or a node not yet known).
    pub(super) fn heard_places(&self, hub: &Hub, listener: &mut Listener, payload: &[u8]) -> bool {
        let news: News = match serde_json::from_slice(payload) {
            Ok(news) => news,
            Err(e) => {
                tracing::warn!("presence on NATS that is not ours: {e}");
                return false;
            }
        };
        if *news.node == *self.node {
            return false;
        }
        let heard = listener
            .heard
            .entry(news.node.to_string())
            .or_insert_with(|| Heard {
                boot: news.boot,
                seq: 0,
                synced: false,
                gathering: Vec::new(),
            });
        if heard.boot != news.boot {
            *heard = Heard {
                boot: news.boot,
                seq: 0,
                synced: false,
                gathering: Vec::new(),
            };
        }
        let in_order = news.seq == heard.seq + 1;
        heard.seq = news.seq;
        match news.snapshot {
            Some(part) => {
                if part.index == 0 {
                    heard.gathering = news.places;
                } else if in_order {
                    heard.gathering.extend(news.places);
                } else {
                    heard.gathering.clear();
                    return true;
                }
                if part.index + 1 >= part.of {
                    let everyone = std::mem::take(&mut heard.gathering);
                    hub.apply_places(&news.node, everyone, true);
                    heard.synced = true;
                }
                false
            }
            None => {
                // Applied even after a gap: each place is the latest.
                hub.apply_places(&news.node, news.places, false);
                !(in_order && heard.synced)
            }
        }
    }

    /// The nodes alive are `alive`: the people of any other node heard
    /// from go offline here.
    pub(super) fn forget_dead_nodes(&self, hub: &Hub, listener: &mut Listener, alive: &[String]) {
        let alive: HashSet<&str> = alive.iter().map(String::as_str).collect();
        listener.heard.retain(|node, _| {
            if alive.contains(node.as_str()) {
                return true;
            }
            let gone = hub.node_gone(node);
            tracing::warn!(%node, people = gone, "a node stopped answering: its people are offline");
            false
        });
    }
}
