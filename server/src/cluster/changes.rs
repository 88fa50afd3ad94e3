//! Edits, deletions, reactions and moderation across the nodes
//! (`rooms::Change`): the node where one was asked applies it and tells
//! the others on `tertulia.changes`; each applies it to its own people.
//! Like every publish, at most once: a node that misses one (NATS away)
//! shows an edit, deletion or reaction at the next reading of the history,
//! where it is stored, and a mute or role from the person's next login;
//! a missed kick leaves its session open (a ban still refuses the next
//! login).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{CHANGES_SUBJECT, Cluster};
use crate::rooms::{Change, Hub};

/// A change of `rooms::Change`, as NATS carries it.
#[derive(Debug, Serialize, Deserialize)]
struct Told<'a> {
    node: Cow<'a, str>,
    change: Cow<'a, Change>,
}

impl Cluster {
    /// Tells the other nodes a change applied here.
    pub(crate) async fn publish_change(&self, change: &Change) {
        let told = Told {
            node: Cow::Borrowed(&self.node),
            change: Cow::Borrowed(change),
        };
        match serde_json::to_vec(&told) {
            Ok(payload) => {
                if let Err(e) = self.nats.publish(CHANGES_SUBJECT, payload.into()).await {
                    tracing::warn!("telling the other nodes of a change: {e}");
                }
            }
            Err(e) => tracing::error!("encoding a change for NATS: {e}"),
        }
    }
}

/// A change told by another node, applied to this node's people.
pub(super) fn apply_change(cluster: &Cluster, hub: &Hub, payload: &[u8]) {
    match serde_json::from_slice::<Told>(payload) {
        Ok(told) if *told.node != *cluster.node => hub.apply(told.change.into_owned()),
        Ok(_) => {}
        Err(e) => tracing::warn!("a change on NATS that is not ours: {e}"),
    }
}
