//! Messages a class works with, over real sockets: replies, edits, one's
//! own deletions, reactions and search.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestClient, TestServer, code};
use tertulia_shared::{ChatMessage, ErrorCode, Event, MessageId, Reaction, Reply, Request};

fn say(text: &str, reply_to: Option<MessageId>) -> Request {
    Request::Say {
        text: text.into(),
        reply_to,
    }
}

async fn said(client: &mut TestClient, text: &str) -> ChatMessage {
    match client.request(say(text, None)).await {
        Ok(Reply::Sent { message }) => (*message).clone(),
        other => panic!("{other:?}"),
    }
}

fn private(to: &str, text: &str, reply_to: Option<MessageId>) -> Request {
    Request::Private {
        to: to.into(),
        text: text.into(),
        reply_to,
    }
}

async fn private_id(client: &mut TestClient, to: &str, text: &str) -> MessageId {
    match client.request(private(to, text, None)).await {
        Ok(Reply::PrivateSent { message, .. }) => message.id,
        other => panic!("{other:?}"),
    }
}

/// The stored version of message `id` in `room`.
async fn stored(client: &mut TestClient, room: &str, id: MessageId) -> ChatMessage {
    let history = client.whole_history(room).await;
    history.into_iter().find(|m| m.id == id).expect("stored")
}

#[tokio::test]
async fn a_reply_quotes_its_question_and_stays_in_its_room() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let question = said(&mut luis, "¿Cómo se compila esto con optimizaciones?").await;
    let answer = match ana
        .request(say("cargo build --release", Some(question.id)))
        .await
    {
        Ok(Reply::Sent { message }) => message,
        other => panic!("{other:?}"),
    };
    let quote = answer.reply_to.as_deref().expect("a quote");
    assert_eq!(
        (quote.id, quote.from.as_str(), quote.text.as_str()),
        (
            question.id,
            "luis",
            "¿Cómo se compila esto con optimizaciones?"
        )
    );
    // Luis hears it with the quote, and history keeps it.
    let heard = luis
        .event_matching(|e| matches!(e, Event::Message(m) if m.id == answer.id))
        .await;
    assert!(matches!(heard, Event::Message(m) if m.reply_to.is_some()));
    assert_eq!(
        stored(&mut luis, "lobby", answer.id).await.reply_to,
        answer.reply_to
    );

    // From another room, or to a private message, or to nothing: refused.
    ana.create("dudas").await.unwrap();
    let elsewhere = ana.request(say("¿eh?", Some(question.id))).await;
    assert_eq!(code(elsewhere), ErrorCode::MessageNotFound);
    let _eva = server.user("eva").await;
    let secret = private_id(&mut luis, "eva", "psst").await;
    let not_ours = ana.request(private("luis", "¿y esto?", Some(secret))).await;
    assert_eq!(code(not_ours), ErrorCode::MessageNotFound);
    let nothing = ana.request(say("¿?", Some(9_999))).await;
    assert_eq!(code(nothing), ErrorCode::MessageNotFound);
    // A private reply within its conversation is fine.
    let to_ana = private_id(&mut luis, "ana", "¿vienes?").await;
    match ana.request(private("luis", "sí", Some(to_ana))).await {
        Ok(Reply::PrivateSent { message, .. }) => {
            assert_eq!(message.reply_to.map(|q| q.id), Some(to_ana))
        }
        other => panic!("{other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn only_the_author_edits_or_deletes_and_everyone_sees_it() {
    let (server, _dir) = TestServer::start().await;
    // The first account is an admin: the two students come after.
    let _admin = server.user("profe").await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let typo = said(&mut ana, "la entrega es el juebes").await;
    let edit = |text: &str| Request::EditMessage {
        message: typo.id,
        text: text.into(),
    };
    assert_eq!(code(luis.request(edit("ja")).await), ErrorCode::Forbidden);
    assert_eq!(
        ana.request(edit("la entrega es el jueves")).await,
        Ok(Reply::MessageEdited { message: typo.id })
    );
    let told = luis
        .event_matching(|e| matches!(e, Event::MessageEdited { .. }))
        .await;
    assert_eq!(
        told,
        Event::MessageEdited {
            message: typo.id,
            room: Some("lobby".into()),
            text: "la entrega es el jueves".into()
        }
    );
    let kept = stored(&mut luis, "lobby", typo.id).await;
    assert!(kept.edited && kept.text == "la entrega es el jueves");
    // A late arrival sees the new text among the room's latest.
    let mut eva = server.greeted().await;
    eva.register("eva").await.unwrap();
    match eva.login("eva").await.unwrap() {
        Reply::LoggedIn { history, .. } => {
            let shown = history.iter().find(|m| m.id == typo.id).unwrap();
            assert!(shown.edited && shown.text.ends_with("jueves"));
        }
        other => panic!("{other:?}"),
    }

    // Deleting: not someone else's (a student), one's own yes.
    let delete = Request::DeleteMessage { message: typo.id };
    assert_eq!(
        code(luis.request(delete.clone()).await),
        ErrorCode::Forbidden
    );
    assert!(ana.request(delete).await.is_ok());
    luis.event_matching(|e| matches!(e, Event::MessageDeleted { by, .. } if by == "ana"))
        .await;
    let gone = stored(&mut luis, "lobby", typo.id).await;
    assert!(gone.deleted && gone.text.is_empty());
    // Nothing left to edit.
    assert_eq!(
        code(ana.request(edit("otra vez")).await),
        ErrorCode::MessageNotFound
    );
    server.stop().await;
}

#[tokio::test]
async fn a_reaction_toggles_and_counts_each_person_once() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let mut eva = server.user("eva").await;
    let message = said(&mut ana, "¡Aprobados todos!").await;
    let react = |emoji: &str| Request::React {
        message: message.id,
        emoji: emoji.into(),
    };
    let thumbs = |by: &[&str]| Reaction {
        emoji: "👍".into(),
        by: by.iter().map(|l| l.to_string()).collect(),
    };
    luis.request(react("🎉")).await.unwrap();
    luis.request(react("👍")).await.unwrap();
    eva.request(react("👍")).await.unwrap();
    // Twice is taken back.
    luis.request(react("🎉")).await.unwrap();
    let last = luis.request(react("🎉")).await.unwrap();
    let party = Reaction {
        emoji: "🎉".into(),
        by: vec!["luis".into()],
    };
    assert_eq!(
        last,
        Reply::Reacted {
            message: message.id,
            reactions: vec![thumbs(&["luis", "eva"]), party.clone()]
        }
    );
    let heard = ana
        .event_matching(|e| matches!(e, Event::Reactions { reactions, .. } if reactions.len() == 2 && reactions[1].by.len() == 1 && reactions[0].by.len() == 2))
        .await;
    assert!(matches!(heard, Event::Reactions { room: Some(r), .. } if r == "lobby"));
    assert_eq!(
        stored(&mut eva, "lobby", message.id).await.reactions,
        [thumbs(&["luis", "eva"]), party]
    );
    // Only the six; not on someone else's private message.
    assert_eq!(
        code(eva.request(react("💩")).await),
        ErrorCode::InvalidField
    );
    let secret = private_id(&mut ana, "luis", "psst").await;
    let theirs = eva
        .request(Request::React {
            message: secret,
            emoji: "👀".into(),
        })
        .await;
    assert_eq!(code(theirs), ErrorCode::MessageNotFound);
    server.stop().await;
}

fn search(query: &str, room: Option<&str>, before_id: Option<MessageId>) -> Request {
    Request::Search {
        query: query.into(),
        room: room.map(Into::into),
        before_id,
    }
}

/// The ids of a page of hits, and whether more follow.
async fn hits(client: &mut TestClient, request: Request) -> (Vec<MessageId>, bool) {
    match client.request(request).await {
        Ok(Reply::SearchResults { hits, more }) => (hits.iter().map(|h| h.id).collect(), more),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn search_folds_accents_pages_back_and_keeps_privates_to_their_two_people() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let mut eva = server.user("eva").await;
    let fisica = said(&mut ana, "El examen de Física es el martes").await;
    let cancion = said(&mut ana, "la cancion del recreo").await;
    luis.create("redes").await.unwrap();
    let redes = said(&mut luis, "la práctica de física va en redes").await;
    let secret = private_id(&mut ana, "luis", "física en privado").await;

    // Accents and case do not count, either way.
    let (found, _) = hits(&mut eva, search("fisica", None, None)).await;
    assert_eq!(
        found,
        [redes.id, fisica.id],
        "newest first; not the private"
    );
    let (found, _) = hits(&mut eva, search("CANCIÓN", None, None)).await;
    assert_eq!(found, [cancion.id]);
    // Prefixes and every word.
    let (found, _) = hits(&mut eva, search("exam fís", None, None)).await;
    assert_eq!(found, [fisica.id]);
    // A room Eva is not in can be searched (rooms are open to all).
    let (found, _) = hits(&mut eva, search("física", Some("redes"), None)).await;
    assert_eq!(found, [redes.id]);
    // The private message: only its two people find it.
    let (found, _) = hits(&mut luis, search("física", None, None)).await;
    assert_eq!(found, [secret, redes.id, fisica.id]);
    let (found, _) = hits(&mut ana, search("privado", None, None)).await;
    assert_eq!(found, [secret]);
    let (found, _) = hits(&mut eva, search("privado", None, None)).await;
    assert!(found.is_empty());
    // Punctuation alone is not a search.
    assert_eq!(
        code(eva.request(search("¿?", None, None)).await),
        ErrorCode::InvalidField
    );

    // Paging: more than a page, newest first, each hit once.
    for n in 0..120 {
        ana.request(say(&format!("ejercicio {n} de la hoja"), None))
            .await
            .unwrap();
    }
    let (mut all, mut more) = hits(&mut eva, search("ejercicio", Some("lobby"), None)).await;
    let mut pages = 1;
    while more {
        let before = all.last().copied();
        let (page, next) = hits(&mut eva, search("ejercicio", Some("lobby"), before)).await;
        all.extend(page);
        more = next;
        pages += 1;
    }
    assert!(pages > 1, "{pages} pages");
    assert_eq!(all.len(), 120);
    assert!(
        all.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    // A deleted message is not found any more; an edited one by its new text.
    ana.request(Request::DeleteMessage { message: fisica.id })
        .await
        .unwrap();
    luis.request(Request::EditMessage {
        message: redes.id,
        text: "la práctica de química va en redes".into(),
    })
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (found, _) = hits(&mut eva, search("fisica", None, None)).await;
    assert!(found.is_empty(), "{found:?}");
    let (found, _) = hits(&mut eva, search("quimica", None, None)).await;
    assert_eq!(found, [redes.id]);
    server.stop().await;
}
