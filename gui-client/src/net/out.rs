//! Where the network thread's news goes: the UI's channel, its wake-up
//! call and the traffic counters `#net` reads.

use std::sync::{Arc, Mutex};

use super::{NetEvent, NetStats};

/// Where events go: the channel, plus the UI's wake-up call.
#[derive(Clone)]
pub(super) struct Out {
    pub events: crossbeam_channel::Sender<NetEvent>,
    pub wake: Arc<dyn Fn() + Send + Sync>,
    pub stats: Arc<Mutex<NetStats>>,
}

impl Out {
    pub(super) fn emit(&self, event: NetEvent) {
        // The UI may be gone (window closed); nothing to do then.
        let _ = self.events.send(event);
        (self.wake)();
    }

    pub(super) fn stats(&self, change: impl FnOnce(&mut NetStats)) {
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut stats);
    }
}
