//! Sharing a file through the window, against a real server: dropped on
//! the window, its progress shown, the other person downloads it and gets
//! the same bytes; `#file` and a private conversation too.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use egui_kittest::kittest::{Queryable, by};

/// A file dropped on a window, as the desktop hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn content(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 13 + i / 97) as u8).collect()
}

#[test]
fn a_dropped_file_is_shared_and_the_other_person_downloads_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut ana = app(server.addr);
    sign_up_through_the_form(&mut ana, "ana");
    let mut luis = app(server.addr);
    sign_up_through_the_form(&mut luis, "luis");
    wait_for_text(&mut luis, "Welcome, luis!");

    let path = dir.path().join("apuntes de física.pdf");
    let bytes = content(700_000);
    std::fs::write(&path, &bytes).unwrap();
    ana.input_mut().dropped_files.push(Arc::new(Dropped(path)));
    ana.step();
    // Progress, then done. On loopback the upload may end within a frame,
    // before its progress was ever drawn; the notice that it is done stays
    // a few seconds.
    wait_for(&mut ana, "the upload to show", |h| {
        has_text(h, "Sending") || has_text(h, "✔ Shared: apuntes de física.pdf")
    });
    wait_for_text(&mut ana, "✔ Shared: apuntes de física.pdf");

    // Luis sees it in the room and downloads it.
    wait_for_text(&mut luis, "📎 apuntes de física.pdf");
    assert!(has_text(&luis, "700.0 kB"));
    let button = luis.get_by_label("⬇ Download").rect();
    luis.get_by_label("⬇ Download").click();
    luis.step();
    wait_for(&mut luis, "the download to finish", |h| {
        has_text(h, "✔ Saved: apuntes de física.pdf")
    });
    // The strip floats over the log: the button did not move under the pointer.
    assert_eq!(luis.get_by_label("⬇ Download").rect(), button);
    let saved = luis.state().downloads_dir().join("apuntes de física.pdf");
    assert_eq!(std::fs::read(&saved).unwrap(), bytes, "the same bytes");

    // A second download never overwrites the first.
    luis.get_by_label("⬇ Download").click();
    luis.step();
    let second = luis
        .state()
        .downloads_dir()
        .join("apuntes de física (1).pdf");
    wait_for(&mut luis, "the second copy", |_| second.exists());
    assert_eq!(std::fs::read(&saved).unwrap(), bytes);
    server.stop();
}

#[test]
fn file_command_and_private_conversations_share_files_too() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut ana = app(server.addr);
    sign_up_through_the_form(&mut ana, "ana");
    let luis = Headless::sign_up(server.addr, "luis");

    // `#file` with a path that does not exist says so.
    say(&mut ana, "#file /no/such/file.txt");
    wait_for_text(&mut ana, "There is no file at /no/such/file.txt.");
    let path = dir.path().join("notas.txt");
    std::fs::write(&path, "hola\n").unwrap();
    say(&mut ana, &format!("#file {}", path.display()));
    wait_for_text(&mut ana, "📎 notas.txt");

    // A private conversation: a file dropped on its window is for luis only.
    luis.request(tertulia_shared::Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿me pasas la tabla?".into(),
    });
    wait_for_text(&mut ana, "¿me pasas la tabla?");
    let table = dir.path().join("tabla.csv");
    std::fs::write(&table, "a,b\n1,2\n").unwrap();
    // Embedded conversation windows take the files dropped while the
    // pointer is over them.
    // (Frames by steps: messages keep arriving, so the UI never settles.)
    ana.get(by().label_contains("luis: ¿me pasas la tabla?"))
        .hover();
    ana.step();
    ana.step();
    ana.input_mut().dropped_files.push(Arc::new(Dropped(table)));
    ana.step();
    let event = luis.wait(|e| {
        matches!(e, tertulia::net::NetEvent::Event(tertulia_shared::Event::Private(m)) if m.file.is_some())
    });
    let tertulia::net::NetEvent::Event(tertulia_shared::Event::Private(message)) = event else {
        unreachable!()
    };
    assert_eq!(message.file.unwrap().name, "tabla.csv");
    server.stop();
}

#[test]
fn an_upload_cut_by_a_lost_connection_continues_after_the_reconnection() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let proxy = server.proxy();
    let luis = Headless::sign_up(server.addr, "luis");
    let mut ana = app(proxy.addr);
    sign_up_through_the_form(&mut ana, "ana");
    wait_for_text(&mut ana, "Welcome, ana!");

    let path = dir.path().join("máquina virtual.ova");
    let bytes = content(12 * 1024 * 1024);
    std::fs::write(&path, &bytes).unwrap();
    ana.input_mut().dropped_files.push(Arc::new(Dropped(path)));
    wait_for(&mut ana, "part of the upload", |h| {
        has_text(h, "Sending") && has_text(h, " MB of 12.6 MB") && !has_text(h, "0 B of")
    });
    proxy.cut();
    wait_for_text(&mut ana, "Waiting for the connection…");
    // The client logs back in by itself; the upload goes on from where the
    // server says it stopped, and the file arrives whole.
    wait_for_text(&mut ana, "Shared");
    let event = luis.wait(|e| {
        matches!(e, tertulia::net::NetEvent::Event(tertulia_shared::Event::Message(m)) if m.file.is_some())
    });
    let tertulia::net::NetEvent::Event(tertulia_shared::Event::Message(message)) = event else {
        unreachable!()
    };
    let file = message.file.unwrap();
    assert_eq!(file.sha256, tertulia_shared::files::sha256_hex(&bytes));
    assert_eq!(file.size, bytes.len() as u64);
    server.stop();
}

#[test]
fn logging_out_cancels_transfers_so_the_next_account_inherits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut ana = app(server.addr);
    sign_up_through_the_form(&mut ana, "ana");
    wait_for_text(&mut ana, "Welcome, ana!");
    // Large enough to be under way when the user leaves.
    let path = dir.path().join("grande.bin");
    std::fs::write(&path, content(40 * 1024 * 1024)).unwrap();
    ana.input_mut().dropped_files.push(Arc::new(Dropped(path)));
    ana.step();
    wait_for(&mut ana, "the upload under way", |h| has_text(h, "Sending"));
    say(&mut ana, "#exit");
    wait_for(&mut ana, "the login screen", |h| has_text(h, "Log in"));
    let cancelled = ana
        .state()
        .transfers()
        .iter()
        .all(|t| t.state == tertulia::net::transfers::TransferState::Cancelled);
    assert!(
        cancelled && !ana.state().transfers().is_empty(),
        "{:?}",
        ana.state().transfers()
    );
    // Back in: the ended transfers of the last session are not shown.
    fill(&mut ana, "Password", PASSWORD);
    click_button(&mut ana, "Log in");
    wait_for_text(&mut ana, "Connected to");
    assert!(
        ana.state().transfers().is_empty(),
        "{:?}",
        ana.state().transfers()
    );
    server.stop();
}
