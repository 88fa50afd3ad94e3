//! A computer that vanishes (power cut, cable pulled, lid closed) is noticed:
//! a logged-in connection that stays silent past the idle timeout is taken
//! for gone, exactly as if it had left.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{TestServer, test_config};
use tertulia_server::Config;
use tertulia_shared::{ErrorCode, Event, Reply, Request, ServerMessage};

fn quick_idle() -> Config {
    Config {
        idle_timeout: Duration::from_millis(400),
        ..test_config()
    }
}

#[tokio::test]
async fn a_silent_client_is_taken_for_gone_and_its_rooms_deleted() {
    let (server, _dir) = TestServer::start_with(quick_idle()).await;
    let mut luis = server.user("luis").await;
    let mut ana = server.user("ana").await;
    ana.create("física").await.unwrap();
    let start = Instant::now();
    // ana says nothing more; luis keeps talking.
    let gone = loop {
        let events = luis.settle().await;
        if let Some(e) = events
            .into_iter()
            .find(|e| matches!(e, Event::RoomDeleted { room, .. } if room == "física"))
        {
            break e;
        }
        assert!(start.elapsed() < common::PATIENCE, "ana was never dropped");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(matches!(gone, Event::RoomDeleted { .. }));
    let last = ana.until_closed().await;
    let codes: Vec<ErrorCode> = last
        .iter()
        .filter_map(|m| match m {
            ServerMessage::Error { error, .. } => Some(error.code),
            _ => None,
        })
        .collect();
    assert_eq!(codes, [ErrorCode::IdleTimeout]);
    assert!(start.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn a_client_with_a_heartbeat_stays() {
    let (server, _dir) = TestServer::start_with(quick_idle()).await;
    let mut ana = server.user("ana").await;
    // Three idle timeouts long, a `time` every 100 ms.
    for _ in 0..12 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        ana.request(Request::Time).await.unwrap();
    }
    assert!(matches!(ana.say("sigo aquí").await, Reply::Sent { .. }));
}
