//! Edits, reactions, deletions and moderation asked on one node reach the
//! people of the other.

use super::common;
use super::{View, two_nodes, view_of};
use tertulia_shared::Event;

#[tokio::test]
async fn edits_reactions_deletions_and_moderation_reach_the_other_node() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    // The first account of the chat is its admin.
    let mut ana = one.user("ana").await;
    let mut luis = two.user("luis").await;
    let mut eva = two.user("eva").await;
    let tertulia_shared::Reply::Sent { message } = ana.say("la práctica es el lunes").await else {
        panic!("not sent")
    };
    let id = message.id;
    luis.event_matching(|e| matches!(e, Event::Message(m) if m.id == id))
        .await;
    // Luis reacts on node two; ana hears it on node one.
    luis.request(tertulia_shared::Request::React {
        message: id,
        emoji: "👍".into(),
    })
    .await
    .unwrap();
    ana.event_matching(|e| matches!(e, Event::Reactions { message, .. } if *message == id))
        .await;
    // Ana edits and deletes on node one; luis hears both on node two.
    ana.request(tertulia_shared::Request::EditMessage {
        message: id,
        text: "la práctica es el martes".into(),
    })
    .await
    .unwrap();
    let edited = luis
        .event_matching(|e| matches!(e, Event::MessageEdited { .. }))
        .await;
    assert!(
        matches!(&edited, Event::MessageEdited { message, text, .. } if *message == id && text == "la práctica es el martes"),
        "{edited:?}"
    );
    ana.request(tertulia_shared::Request::DeleteMessage { message: id })
        .await
        .unwrap();
    luis.event_matching(|e| matches!(e, Event::MessageDeleted { message, .. } if *message == id))
        .await;
    // Exam mode, from node one, closes the chat on node two.
    ana.request(tertulia_shared::Request::Exam { on: true })
        .await
        .unwrap();
    eva.event_matching(|e| matches!(e, Event::Exam { on: true, .. }))
        .await;
    let refused = eva
        .request(tertulia_shared::Request::Say {
            text: "¿puedo preguntar?".into(),
            reply_to: None,
        })
        .await;
    assert_eq!(
        common::code(refused),
        tertulia_shared::ErrorCode::ChatClosed
    );
    ana.request(tertulia_shared::Request::Exam { on: false })
        .await
        .unwrap();
    eva.event_matching(|e| matches!(e, Event::Exam { on: false, .. }))
        .await;
    // A mute from node one holds on node two at once.
    ana.request(tertulia_shared::Request::Mute {
        login: "eva".into(),
        minutes: 5,
        reason: "spam".into(),
    })
    .await
    .unwrap();
    eva.event_matching(|e| matches!(e, Event::Muted { .. }))
        .await;
    let refused = eva
        .request(tertulia_shared::Request::Say {
            text: "hola".into(),
            reply_to: None,
        })
        .await;
    assert_eq!(common::code(refused), tertulia_shared::ErrorCode::Muted);
    // A kick from node one closes luis's session on node two.
    // (Once node one knows luis is online: within a batch of his login.)
    eventually!(view_of(&mut ana, "lobby").await, |v: &View| v.1.len() == 3);
    let kicked = ana
        .request(tertulia_shared::Request::Kick {
            login: "luis".into(),
            reason: "fuera de tema".into(),
        })
        .await;
    assert!(kicked.is_ok(), "{kicked:?}");
    let closing = luis.until_closed().await;
    assert!(
        closing.iter().any(|m| matches!(
            m,
            tertulia_shared::ServerMessage::Event {
                event: Event::Kicked { .. }
            }
        )),
        "{closing:?}"
    );
    pair.stop().await;
}
