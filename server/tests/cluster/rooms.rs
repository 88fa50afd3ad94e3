//! Rooms and presence across nodes: one winner for a name, a room gone
//! with its creator, the same counts and user list on every node, and a
//! node that stops taking its people and rooms with it.

use super::common;
use super::{NODE_TIMEOUT, Pair, View, two_nodes, view_of};
use tertulia_shared::Event;

#[tokio::test]
async fn each_node_names_itself_in_its_welcome() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    for (server, name) in [(&pair.one, "one"), (&pair.two, "two")] {
        let mut client = server.client().await;
        let tertulia_shared::Reply::Welcome { node, .. } = client.hello().await else {
            panic!("no welcome");
        };
        assert_eq!(node.as_deref(), Some(name));
    }
    pair.stop().await;
}

#[tokio::test]
async fn room_counts_members_and_the_user_list_agree_on_both_nodes() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut ana = one.user("ana").await;
    let mut eva = one.user("eva").await;
    let mut luis = two.user("luis").await;
    ana.create("redes").await.unwrap();
    // Made on node one, joined on node two.
    eventually!(luis.join("redes").await, |r: &Result<_, _>| r.is_ok()).unwrap();
    // Ana hears luis come in, as she would from someone on her node.
    ana.event_matching(common::joined("redes", "luis")).await;
    let expected = (
        vec![("lobby".to_owned(), 1), ("redes".to_owned(), 2)],
        vec![
            ("ana".to_owned(), Some("redes".to_owned())),
            ("eva".to_owned(), Some("lobby".to_owned())),
            ("luis".to_owned(), Some("redes".to_owned())),
        ],
        vec!["ana".to_owned(), "luis".to_owned()],
    );
    let on_one = eventually!(view_of(&mut eva, "redes").await, |v: &View| *v == expected);
    let on_two = eventually!(view_of(&mut luis, "redes").await, |v: &View| *v == expected);
    assert_eq!(on_one, on_two);
    // Luis, who reads the user list, hears eva leave node one.
    drop(eva);
    luis.event_matching(common::presence("offline", "eva", None))
        .await;
    let (rooms, users, _) = view_of(&mut luis, "redes").await;
    assert_eq!(rooms, [("lobby".to_owned(), 0), ("redes".to_owned(), 2)]);
    assert!(!users.iter().any(|(login, _)| login == "eva"), "{users:?}");
    pair.stop().await;
}

#[tokio::test]
async fn the_same_room_made_on_both_nodes_at_once_has_one_winner_three_times() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut ana = one.user("ana").await;
    let mut luis = two.user("luis").await;
    for round in 0..3 {
        let (by_ana, by_luis) = tokio::join!(ana.create("taller"), luis.create("taller"));
        let won: Vec<_> = [&by_ana, &by_luis].iter().map(|r| r.is_ok()).collect();
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "round {round}: {by_ana:?} / {by_luis:?}"
        );
        let (winner, loser, lost) = if won[0] {
            (&mut ana, &mut luis, by_luis)
        } else {
            (&mut luis, &mut ana, by_ana)
        };
        assert_eq!(common::code(lost), tertulia_shared::ErrorCode::RoomExists);
        // The loser can join the winner's room, on its own node.
        eventually!(loser.join("taller").await, |r: &Result<_, _>| r.is_ok()).unwrap();
        winner
            .request(tertulia_shared::Request::DeleteRoom {
                room: "taller".into(),
            })
            .await
            .unwrap();
        loser
            .event_matching(
                |e| matches!(e, Event::MovedToDefault { from_room, .. } if from_room == "taller"),
            )
            .await;
        let gone = |rooms: &Vec<(String, usize)>| rooms.iter().all(|(name, _)| name != "taller");
        eventually!(ana.rooms().await, gone);
        eventually!(luis.rooms().await, gone);
    }
    pair.stop().await;
}

#[tokio::test]
async fn a_creator_leaving_node_two_deletes_the_room_for_its_member_on_node_one() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut ana = one.user("ana").await;
    let mut luis = two.user("luis").await;
    luis.create("proyecto").await.unwrap();
    eventually!(ana.join("proyecto").await, |r: &Result<_, _>| r.is_ok()).unwrap();
    drop(luis);
    let deleted = ana
        .event_matching(|e| matches!(e, Event::RoomDeleted { .. }))
        .await;
    assert_eq!(
        deleted,
        Event::RoomDeleted {
            room: "proyecto".into(),
            reason: tertulia_shared::MoveReason::CreatorLeft
        }
    );
    ana.event_matching(|e| matches!(e, Event::MovedToDefault { .. }))
        .await;
    assert_eq!(ana.rooms().await, [("lobby".to_owned(), 1)]);
    // The name is free again, on either node.
    ana.create("proyecto").await.unwrap();
    pair.stop().await;
}

#[tokio::test]
async fn a_node_that_stops_takes_its_people_and_rooms_with_it_at_once() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let Pair {
        one,
        two,
        nats,
        _dirs,
    } = pair;
    let mut ana = one.user("ana").await;
    ana.create("taller").await.unwrap();
    let mut luis = two.user("luis").await;
    let seen = eventually!(view_of(&mut luis, "lobby").await, |v: &View| v.1.len() == 2);
    assert!(seen.0.iter().any(|(name, _)| name == "taller"));
    // Node one stops (an update): its clients go, and the other node
    // hears at once. (One that dies without a word: `binary.rs`.)
    let gone = std::time::Instant::now();
    one.stop().await;
    let (mut offline, mut deleted) = (false, false);
    while !(offline && deleted) {
        let event = luis.event_matching(|_| true).await;
        offline |= common::presence("offline", "ana", None)(&event);
        deleted |= matches!(&event, Event::RoomDeleted { room, .. } if room == "taller");
    }
    let took = gone.elapsed();
    assert!(took < NODE_TIMEOUT, "took {took:?}");
    let (rooms, users, _) = view_of(&mut luis, "lobby").await;
    assert_eq!(rooms, [("lobby".to_owned(), 1)]);
    assert_eq!(users, [("luis".to_owned(), Some("lobby".to_owned()))]);
    two.stop().await;
    drop(nats);
}
