//! A teacher's moderation in the real app (kittest), against a real
//! server on loopback: the right-click menu on a message, the reason box,
//! and what another student's window then shows.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{Queryable, by};
use tertulia::net::NetEvent;
use tertulia_shared::{Event, Request};

#[test]
fn a_teacher_deletes_a_message_from_its_menu_and_the_other_window_shows_it_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    // The teacher signs up first: the first account is the server's admin.
    let mut teacher = app(server.addr);
    sign_up_through_the_form(&mut teacher, "profe");
    let luis = Headless::sign_up(server.addr, "luis");
    let mut student = app(server.addr);
    sign_up_through_the_form(&mut student, "eva");

    luis.request(Request::Say {
        reply_to: None,
        text: "un insulto".into(),
    });
    wait_for_text(&mut student, "luis: un insulto");
    wait_for_text(&mut teacher, "luis: un insulto");
    // A student's window offers no moderation.
    student
        .get(by().label_contains("luis: un insulto"))
        .click_secondary();
    student.step();
    assert!(!has_text(&student, "Delete message"));

    // Right click → Delete message.
    teacher
        .get(by().label_contains("luis: un insulto"))
        .click_secondary();
    wait_for_text(&mut teacher, "Delete message");
    click_button(&mut teacher, "Delete message");
    wait_for_text(&mut student, "luis: deleted by a moderator");
    wait_for_text(&mut teacher, "luis: deleted by a moderator");
    assert!(!has_text(&student, "un insulto"));
    let told = luis.wait(|e| matches!(e, NetEvent::Event(Event::MessageDeleted { .. })));
    assert!(matches!(
        told,
        NetEvent::Event(Event::MessageDeleted { by, .. }) if by == "profe"
    ));
    server.stop();
}

#[test]
fn a_mute_from_the_people_list_asks_for_a_reason_and_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut teacher = app(server.addr);
    sign_up_through_the_form(&mut teacher, "profe");
    let luis = Headless::sign_up(server.addr, "luis");
    wait_for(&mut teacher, "luis in the people list", |h| {
        h.query_all(by().role(Role::Button).label("luis"))
            .next()
            .is_some()
    });
    teacher
        .get_by_role_and_label(Role::Button, "luis")
        .click_secondary();
    wait_for_text(&mut teacher, "Mute luis…");
    click_button(&mut teacher, "Mute luis…");
    wait_for_text(&mut teacher, "Reason (they will read it):");
    text_field(&teacher, "Reason (they will read it):").type_text("spam");
    teacher.step();
    click_button(&mut teacher, "30");
    click_button(&mut teacher, "Confirm");
    let told = luis.wait(|e| matches!(e, NetEvent::Event(Event::Muted { .. })));
    let NetEvent::Event(Event::Muted {
        by,
        until_ms,
        reason,
    }) = told
    else {
        unreachable!()
    };
    assert_eq!((by.as_str(), reason.as_str()), ("profe", "spam"));
    let minutes = (until_ms - tertulia::net::local_now_ms()) / 60_000;
    assert!((28..=30).contains(&minutes), "{minutes}");
    wait_for_text(&mut teacher, "luis is muted until");
    server.stop();
}
