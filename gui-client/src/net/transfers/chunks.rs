//! Moving the bytes: the chunk requests each transfer wants sent, and what
//! their answers change.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Instant;

use tertulia_shared::files::{CHUNK_BYTES, decode_chunk, encode_chunk};
use tertulia_shared::{ErrorBody, ErrorCode, Reply, Request, RequestId};

use super::disk::hash_file;
use super::{Transfer, TransferId, TransferState, TransferUpdate, Transfers, WINDOW};
use crate::net::NetEvent;
use crate::net::out::Out;

impl Transfers {
    /// The requests the transfers want sent now, with the ids given by `next_id`.
    pub(in crate::net) fn wanted(
        &mut self,
        mut next_id: impl FnMut() -> RequestId,
    ) -> Vec<(RequestId, Request)> {
        let mut wanted = Vec::new();
        for (&id, transfer) in &mut self.transfers {
            match transfer {
                Transfer::Upload(upload) => {
                    let Some(sha256) = &upload.sha256 else {
                        continue;
                    };
                    let Some(upload_id) = upload.upload else {
                        if upload.in_flight == 0 {
                            upload.in_flight = 1;
                            let request = Request::OfferFile {
                                name: upload.name.clone(),
                                size: upload.size,
                                sha256: sha256.clone(),
                                to: upload.to.clone(),
                            };
                            let rid = next_id();
                            self.requests.insert(rid, id);
                            wanted.push((rid, request));
                        }
                        continue;
                    };
                    while upload.in_flight < WINDOW && upload.next < upload.size {
                        let Some(file) = &mut upload.file else { break };
                        let len = (upload.size - upload.next).min(CHUNK_BYTES as u64) as usize;
                        let mut bytes = vec![0; len];
                        let read = file
                            .seek(SeekFrom::Start(upload.next))
                            .and_then(|_| file.read_exact(&mut bytes));
                        if read.is_err() {
                            break;
                        }
                        let rid = next_id();
                        self.requests.insert(rid, id);
                        wanted.push((
                            rid,
                            Request::UploadChunk {
                                upload: upload_id,
                                offset: upload.next,
                                data: encode_chunk(&bytes),
                            },
                        ));
                        upload.next += len as u64;
                        upload.in_flight += 1;
                    }
                }
                Transfer::Download(download) => {
                    while download.in_flight < WINDOW && download.next < download.info.size {
                        let rid = next_id();
                        self.requests.insert(rid, id);
                        wanted.push((
                            rid,
                            Request::DownloadChunk {
                                file: download.info.id,
                                offset: download.next,
                            },
                        ));
                        download.next += CHUNK_BYTES as u64;
                        download.in_flight += 1;
                    }
                }
            }
        }
        wanted
    }

    /// Whether `id` is one of the transfers' requests.
    pub(in crate::net) fn owns(&self, id: RequestId) -> bool {
        self.requests.contains_key(&id)
    }

    /// An answer to one of the transfers' requests.
    pub(in crate::net) fn on_reply(&mut self, out: &Out, rid: RequestId, reply: Reply) {
        let Some(id) = self.requests.remove(&rid) else {
            return;
        };
        let Some(transfer) = self.transfers.get_mut(&id) else {
            return;
        };
        match (transfer, reply) {
            (
                Transfer::Upload(upload),
                Reply::Upload {
                    upload: upload_id,
                    received,
                    ..
                },
            ) => {
                upload.in_flight = upload.in_flight.saturating_sub(1);
                if upload.upload.is_none() {
                    // The answer to the offer: start (or resume) there.
                    upload.upload = Some(upload_id);
                    upload.next = received;
                    match File::open(&upload.path) {
                        Ok(file) => upload.file = Some(file),
                        Err(e) => return self.fail(out, id, e.to_string()),
                    }
                }
                upload.acked = upload.acked.max(received);
                self.report(out, id, TransferState::Running, false);
            }
            (Transfer::Upload(upload), Reply::Sent { .. }) => {
                upload.acked = upload.size;
                self.finish(out, id, TransferState::Done(None));
            }
            (Transfer::Upload(upload), Reply::PrivateSent { message, .. }) => {
                upload.acked = upload.size;
                out.emit(NetEvent::Event(tertulia_shared::Event::Private(*message)));
                self.finish(out, id, TransferState::Done(None));
            }
            (
                Transfer::Download(download),
                Reply::FileChunk {
                    offset, data, eof, ..
                },
            ) => {
                download.in_flight = download.in_flight.saturating_sub(1);
                let Some(bytes) = decode_chunk(&data) else {
                    return self.fail(out, id, "unreadable chunk".into());
                };
                let written = download
                    .file
                    .seek(SeekFrom::Start(offset))
                    .and_then(|_| download.file.write_all(&bytes));
                if let Err(e) = written {
                    return self.fail(out, id, e.to_string());
                }
                download.written = download.written.max(offset + bytes.len() as u64);
                if eof || download.written >= download.info.size {
                    self.check_download(out, id);
                } else {
                    self.report(out, id, TransferState::Running, false);
                }
            }
            _ => {}
        }
    }

    /// A request of a transfer failed.
    pub(in crate::net) fn on_error(&mut self, out: &Out, rid: RequestId, error: ErrorBody) {
        let Some(id) = self.requests.remove(&rid) else {
            return;
        };
        if error.code == ErrorCode::WrongOffset
            && let Some(Transfer::Upload(upload)) = self.transfers.get_mut(&id)
        {
            // Out of step (a chunk lost with a connection): offer again.
            upload.upload = None;
            upload.in_flight = 0;
            self.requests.retain(|_, t| *t != id);
            return;
        }
        self.fail(out, id, crate::i18n::error_message(&error));
    }

    pub(super) fn check_download(&mut self, out: &Out, id: TransferId) {
        let Some(Transfer::Download(download)) = self.transfers.get_mut(&id) else {
            return;
        };
        if let Err(e) = download.file.flush() {
            return self.fail(out, id, e.to_string());
        }
        let part = download.part.clone();
        let done = self.hashed_tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = done.send((id, hash_file(&part)));
        });
    }

    pub(super) fn fail(&mut self, out: &Out, id: TransferId, message: String) {
        if let Some(Transfer::Download(download)) = self.transfers.get(&id) {
            let _ = std::fs::remove_file(&download.part);
        }
        self.finish(out, id, TransferState::Failed(message));
    }

    pub(super) fn finish(&mut self, out: &Out, id: TransferId, state: TransferState) {
        self.report(out, id, state, true);
        self.transfers.remove(&id);
        self.requests.retain(|_, t| *t != id);
        self.last_update.remove(&id);
    }

    /// Tells the UI; progress at most ten times a second per transfer.
    pub(super) fn report(&mut self, out: &Out, id: TransferId, state: TransferState, always: bool) {
        let now = Instant::now();
        if !always
            && self
                .last_update
                .get(&id)
                .is_some_and(|last| now.duration_since(*last).as_millis() < 100)
        {
            return;
        }
        self.last_update.insert(id, now);
        let Some(transfer) = self.transfers.get(&id) else {
            return;
        };
        let update = match transfer {
            Transfer::Upload(upload) => TransferUpdate {
                id,
                name: upload.name.clone(),
                upload: true,
                done: upload.acked,
                total: upload.size,
                state,
                sha256: upload.sha256.clone(),
                path: Some(upload.path.clone()),
            },
            Transfer::Download(download) => TransferUpdate {
                id,
                name: download.info.name.clone(),
                upload: false,
                done: download.written,
                total: download.info.size,
                sha256: Some(download.info.sha256.clone()),
                path: matches!(state, TransferState::Done(_)).then(|| download.dest.clone()),
                state,
            },
        };
        out.emit(NetEvent::Transfer(update));
    }
}
