//! Replies held back until the message log has stored what they confirm.
//!
//! `sent` and `private_sent` promise that the message is stored, but the
//! session must not stop reading (or the fan-out wait) for the disk: the
//! reply waits here while the connection goes on. Replies keep their
//! order, so a reply behind a held one waits too.

use std::collections::VecDeque;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;

use bytes::Bytes;
use tertulia_shared::codec::encode;
use tertulia_shared::{ErrorBody, ErrorCode, MessageId, RequestId, ServerMessage};

use crate::history::{MessageLog, NotStored};
use crate::outbox::Outbox;

#[derive(Debug)]
struct HeldReply {
    /// The message that must be stored first (0: none, only the order).
    stored: MessageId,
    request: Option<RequestId>,
    line: Bytes,
}

/// A wait for one message to be stored, owned so it can outlive a poll.
type StoredWait = Pin<Box<dyn Future<Output = ()> + Send>>;

#[derive(Default)]
pub(super) struct Held {
    replies: VecDeque<HeldReply>,
    /// The wait for the first reply's message, kept from one turn of the
    /// connection's loop to the next (a fresh one each turn would join and
    /// leave the log's shared waiter list every time).
    waiting: Option<(MessageId, StoredWait)>,
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Held")
            .field("replies", &self.replies)
            .field("waiting_for", &self.waiting.as_ref().map(|(id, _)| id))
            .finish()
    }
}

impl Held {
    /// Sends `line` now, or holds it until message `stored` is in the log
    /// and every reply held before it has gone.
    pub fn send(
        &mut self,
        outbox: &Outbox,
        stored: Option<MessageId>,
        request: Option<RequestId>,
        line: Bytes,
    ) {
        if stored.is_none() && self.replies.is_empty() {
            outbox.push_own(line);
            return;
        }
        self.replies.push_back(HeldReply {
            stored: stored.unwrap_or(0),
            request,
            line,
        });
    }

    /// Waits until the first held reply may go (forever when none is held).
    /// The wait is boxed, and only made while a reply is held: an idle
    /// connection's task stays small.
    pub fn ready<'a>(&'a mut self, log: &'a MessageLog) -> impl Future<Output = ()> + 'a {
        poll_fn(move |cx| {
            let Some(first) = self.replies.front().map(|reply| reply.stored) else {
                self.waiting = None;
                return Poll::Pending;
            };
            // Stored already (the usual case once the connection reads
            // ahead): no wait to make. `release` tells stored from lost.
            if log.settled(first) {
                self.waiting = None;
                return Poll::Ready(());
            }
            let waiting = match &mut self.waiting {
                Some((id, waiting)) if *id == first => waiting,
                slot => &mut slot.insert((first, Box::pin(log.until_stored(first)))).1,
            };
            let ready = waiting.as_mut().poll(cx);
            if ready.is_ready() {
                // `release` finds out whether it was stored or lost.
                self.waiting = None;
            }
            ready
        })
    }

    /// Waits (at most `limit`) until every held reply may go.
    pub fn all_ready<'a>(
        &self,
        log: &'a MessageLog,
        limit: std::time::Duration,
    ) -> impl Future<Output = ()> + 'a {
        let last = self.replies.iter().map(|r| r.stored).max();
        async move {
            if let Some(last) = last {
                let _ = tokio::time::timeout(limit, log.stored(last)).await;
            }
        }
    }

    /// Sends every reply whose message is stored, in order; a message the
    /// log gave up on gets an error instead of its reply.
    pub fn release(&mut self, log: &MessageLog, outbox: &Outbox) {
        while let Some(first) = self.replies.pop_front() {
            let Some(stored) = log.check(first.stored) else {
                // Not stored yet: it stays first in line.
                self.replies.push_front(first);
                return;
            };
            match stored {
                Ok(()) => outbox.push_own(first.line),
                Err(NotStored(id)) => {
                    tracing::error!("message {id} was delivered but could not be stored");
                    outbox.push_own(encode(&ServerMessage::Error {
                        id: first.request,
                        error: ErrorBody::new(
                            ErrorCode::Internal,
                            "Your message was delivered but the server could not save it; \
                             it will be missing from the history.",
                        ),
                    }));
                }
            }
        }
    }
}
