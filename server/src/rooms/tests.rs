use super::*;
use crate::outbox::{Outgoing, channel};
use tertulia_shared::ServerMessage;
use tertulia_shared::codec::decode;

fn drain(rx: &mut Outgoing) -> Vec<Event> {
    let mut events = Vec::new();
    let mut lines = Vec::new();
    rx.try_recv_many(&mut lines, usize::MAX);
    for line in lines {
        let text = String::from_utf8_lossy(&line);
        match decode::<ServerMessage>(text.trim_end()) {
            Ok(ServerMessage::Event { event }) => events.push(event),
            other => panic!("not an event: {other:?}"),
        }
    }
    events
}

/// A hub whose log is in a temporary database.
fn hub() -> (Hub, tempfile::TempDir) {
    hub_with(None)
}

/// The same, as a node of a cluster (`Some`) or alone.
fn hub_with(cluster_cursor: Option<MessageId>) -> (Hub, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (log, resume) = MessageLog::open(&dir.path().join("t.db"), || {}).unwrap();
    let start = Start {
        log,
        resume,
        history_len: 3,
        recent: (Vec::new(), false),
        rules: Default::default(),
        cluster_cursor,
    };
    (Hub::new("lobby", start), dir)
}

/// Logs `n` people in (named by `name`); their queues are returned so
/// they stay open.
fn log_in(hub: &Hub, n: usize, name: impl Fn(usize) -> String) -> Vec<Outgoing> {
    (0..n)
        .map(|i| {
            let (outbox, outgoing) = channel(10_000);
            hub.join_server(&name(i), outbox, Rank::default()).unwrap();
            outgoing
        })
        .collect()
}

#[test]
fn a_full_queue_kicks_the_client_instead_of_blocking() {
    let (hub, _dir) = hub();
    let (slow, _slow_rx) = channel(2);
    let (fast, mut fast_rx) = channel(100);
    hub.join_server("slow", slow.clone(), Rank::default())
        .unwrap();
    hub.join_server("fast", fast, Rank::default()).unwrap();
    for i in 0..5 {
        hub.say("fast", format!("m{i}"), None).unwrap();
    }
    assert!(slow.is_kicked());
    assert_eq!(drain(&mut fast_rx).len(), 5);
}

#[test]
fn one_buffer_is_shared_by_every_recipient() {
    let (hub, _dir) = hub();
    let (a, mut a_rx) = channel(10);
    let (b, mut b_rx) = channel(10);
    hub.join_server("a", a, Rank::default()).unwrap();
    hub.join_server("b", b, Rank::default()).unwrap();
    let _ = (drain(&mut a_rx), drain(&mut b_rx));
    hub.say("a", "hola".into(), None).unwrap();
    let (mut x, mut y) = (Vec::new(), Vec::new());
    a_rx.try_recv_many(&mut x, 1);
    b_rx.try_recv_many(&mut y, 1);
    let (Some(x), Some(y)) = (x.first(), y.first()) else {
        panic!("both should have the message");
    };
    assert_eq!(x.as_ptr(), y.as_ptr(), "same allocation, not a copy");
}

#[test]
fn creator_leaving_moves_members_back_with_a_notice() {
    let (hub, _dir) = hub();
    let (owner, _owner_rx) = channel(100);
    let owner_outbox = owner.clone();
    let (guest, mut guest_rx) = channel(100);
    hub.join_server("owner", owner, Rank::default()).unwrap();
    hub.join_server("guest", guest, Rank::default()).unwrap();
    hub.create_room("owner", "Física", 10, None).unwrap();
    hub.join_room("guest", "FÍSICA").unwrap();
    drain(&mut guest_rx);
    hub.leave_server("owner", &owner_outbox);
    let events = drain(&mut guest_rx);
    assert!(events.contains(&Event::MovedToDefault {
        room: "lobby".into(),
        from_room: "Física".into(),
        reason: MoveReason::CreatorLeft
    }));
    let (rooms, _) = hub.list_rooms(None);
    assert_eq!(rooms.len(), 1);
    assert_eq!((rooms[0].name.as_str(), rooms[0].members), ("lobby", 1));
}

#[test]
fn a_room_that_looks_like_another_is_refused() {
    let (hub, _dir) = hub();
    let (ana, _rx) = channel(100);
    hub.join_server("ana", ana, Rank::default()).unwrap();
    for lookalike in ["LOBBY", "1obby"] {
        let refused = hub.create_room("ana", lookalike, 10, None).unwrap_err();
        assert_eq!(refused.code, ErrorCode::RoomExists, "{lookalike}");
    }
    // An accent is visible: these two are different rooms.
    hub.create_room("ana", "física", 10, None).unwrap();
    hub.create_room("ana", "fisica", 10, None).unwrap();
}

#[test]
fn a_user_owns_a_bounded_number_of_rooms() {
    let (hub, _dir) = hub();
    let (ana, _rx) = channel(1000);
    hub.join_server("ana", ana, Rank::default()).unwrap();
    for n in 0..3 {
        hub.create_room("ana", &format!("r{n}"), 3, None).unwrap();
    }
    let refused = hub.create_room("ana", "r9", 3, None).unwrap_err();
    assert_eq!(refused.code, ErrorCode::TooManyRooms);
    hub.delete_room("ana", "r0").unwrap();
    hub.create_room("ana", "r9", 3, None).unwrap();
}

#[test]
fn rooms_and_members_come_in_pages_that_join_up() {
    let (hub, _dir) = hub();
    let _inboxes = log_in(&hub, 600, |n| format!("user{n:04}"));
    for n in 0..300 {
        hub.create_room(&format!("user{n:04}"), &format!("sala-{n:04}"), 10, None)
            .unwrap();
    }
    let mut rooms = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let (page, next) = hub.list_rooms(after.as_deref());
        let json = serde_json::to_vec(&page).unwrap();
        assert!(json.len() < tertulia_shared::limits::MAX_LINE_BYTES);
        rooms.extend(page.into_iter().map(|r| r.name));
        pages += 1;
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert!(pages > 1);
    assert_eq!(rooms.len(), 301);
    assert_eq!(rooms[0], "lobby");
    assert!(rooms[1..].windows(2).all(|w| w[0] < w[1]), "in name order");

    let mut members = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (_, page, _, next) = hub.list_members("lobby", after.as_deref()).unwrap();
        members.extend(page);
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(members.len(), 300, "the other 300 moved into their rooms");
}

#[test]
fn a_second_login_replaces_the_first_session_and_keeps_the_rooms() {
    let (hub, _dir) = hub();
    let (first, mut first_rx) = channel(100);
    let (second, _second_rx) = channel(100);
    hub.join_server("ana", first.clone(), Rank::default())
        .unwrap();
    hub.create_room("ana", "física", 10, None).unwrap();
    drain(&mut first_rx);
    hub.join_server("ana", second.clone(), Rank::default())
        .unwrap();
    assert!(matches!(
        drain(&mut first_rx).last(),
        Some(Event::SessionReplaced { .. })
    ));
    assert!(first_rx.is_replaced());
    // The old connection ending does not take the new one offline…
    hub.leave_server("ana", &first);
    assert_eq!(hub.online_count(), 1);
    let (rooms, _) = hub.list_rooms(None);
    assert_eq!(rooms.len(), 2, "her room is still there");
    // …the new one ending does.
    hub.leave_server("ana", &second);
    assert_eq!(hub.online_count(), 0);
    assert_eq!(hub.list_rooms(None).0.len(), 1);
}

#[test]
fn an_arrival_is_given_a_classroom_of_members_and_a_cursor_for_the_rest() {
    let (hub, _dir) = hub();
    let _inboxes = log_in(&hub, 300, |n| format!("alumno{n:03}"));
    let (outbox, _inbox) = channel(10);
    let (view, _) = hub.join_server("zoe", outbox, Rank::default()).unwrap();
    assert_eq!(view.member_count, 301);
    assert!(view.members.len() >= 60, "{}", view.members.len());
    assert!(crate::page::json_len(&view.members).unwrap() <= state::JOINED_MEMBERS_BUDGET);
    assert_eq!(
        view.members_next.as_deref(),
        view.members.last().map(String::as_str)
    );
}

/// A hub as a node of a cluster.
fn clustered_hub() -> (Hub, tempfile::TempDir) {
    hub_with(Some(0))
}

fn place(login: &str, room: Option<&str>) -> Place {
    Place {
        login: login.into(),
        room: room.map(str::to_owned),
        role: Role::Student,
    }
}

#[test]
fn people_on_other_nodes_count_and_page_with_those_here_and_a_snapshot_is_the_whole_truth() {
    let (hub, _dir) = clustered_hub();
    let _here = log_in(&hub, 2, |i| ["beto", "dana"][i].to_owned());
    hub.apply_places(
        "dos",
        vec![place("ana", Some("lobby")), place("carla", Some("lobby"))],
        false,
    );
    hub.apply_places("tres", vec![place("eva", Some("lobby"))], false);
    let (_, members, _, _) = hub.list_members("lobby", None).unwrap();
    assert_eq!(members, ["ana", "beto", "carla", "dana", "eva"]);
    let (rooms, _) = hub.list_rooms(None);
    assert_eq!(rooms[0].members, 5);
    assert_eq!(
        hub.rooms_of(["carla", "zoe"]),
        [Some("lobby".to_owned()), None]
    );
    // Node dos's snapshot no longer lists carla: she is offline; an
    // offline word from another node than hers changes nothing.
    hub.apply_places("dos", vec![place("ana", Some("lobby"))], true);
    hub.apply_places("tres", vec![place("ana", None)], false);
    assert_eq!(
        hub.rooms_of(["ana", "carla"]),
        [Some("lobby".to_owned()), None]
    );
    // Node tres stops answering: eva is gone with it.
    assert_eq!(hub.node_gone("tres"), 1);
    let (_, members, _, _) = hub.list_members("lobby", None).unwrap();
    assert_eq!(members, ["ana", "beto", "dana"]);
}

#[test]
fn this_nodes_changes_are_kept_for_the_others_and_a_single_node_keeps_none() {
    let (hub, _dir) = clustered_hub();
    let _here = log_in(&hub, 1, |_| "ana".to_owned());
    hub.create_room("ana", "redes", 10, Some(0)).unwrap();
    assert_eq!(hub.take_places(false), [place("ana", Some("redes"))]);
    assert!(hub.take_places(false).is_empty(), "taken once");
    // A snapshot: everyone here, whatever changed.
    assert_eq!(hub.take_places(true), [place("ana", Some("redes"))]);

    let (single, _dir) = self::hub();
    let _here = log_in(&single, 1, |_| "ana".to_owned());
    assert!(single.take_places(false).is_empty());
}

#[test]
fn rooms_of_the_cluster_are_mirrored_and_brought_in_line_with_the_database() {
    let (hub, _dir) = clustered_hub();
    let (outbox, mut told) = channel(100);
    hub.join_server("ana", outbox, Rank::default()).unwrap();
    let shared = |name: &str| SharedRoom {
        name: name.into(),
        creator_key: "luis".into(),
        creator: "Luis".into(),
        last_id: 7,
    };
    assert!(hub.mirror_room(shared("redes")));
    assert!(!hub.mirror_room(shared("redes")), "known already");
    assert!(drain(&mut told).contains(&Event::RoomCreated {
        room: "redes".into(),
        creator: "Luis".into()
    }));
    hub.join_room("ana", "redes").unwrap();
    // The database no longer has redes (deleted where this node did not
    // hear it) but has física: ana is moved out, física comes in.
    let generation = hub.generation();
    let (added, removed) = hub.reconcile_rooms(vec![shared("física")], generation);
    assert_eq!((added, removed), (1, 1));
    let names: Vec<String> = hub.list_rooms(None).0.into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["lobby", "física"]);
    assert!(
        drain(&mut told)
            .iter()
            .any(|e| matches!(e, Event::MovedToDefault { .. }))
    );
    // A room newer than the list read is kept.
    let generation = hub.generation();
    hub.create_room("ana", "taller", 10, Some(0)).unwrap();
    let (_, removed) = hub.reconcile_rooms(vec![shared("física")], generation);
    assert_eq!(removed, 0);
}

#[test]
fn two_sorted_lists_merge_in_order_each_key_once() {
    let here = [("ana", 1), ("dana", 1)].map(|(k, v)| (k.to_owned(), v));
    let elsewhere = [("beto", 2), ("dana", 2), ("eva", 2)].map(|(k, v)| (k.to_owned(), v));
    let merged: Vec<(String, i32)> =
        remote::merge_by_key(here.into_iter(), elsewhere.into_iter()).collect();
    assert_eq!(
        merged,
        [("ana", 1), ("beto", 2), ("dana", 1), ("eva", 2)].map(|(k, v)| (k.to_owned(), v))
    );
}
