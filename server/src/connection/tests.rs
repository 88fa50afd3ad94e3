//! Line framing over a real loopback socket.

use std::time::Duration;

use tertulia_shared::limits::MAX_LINE_BYTES;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use super::{Connection, ReadError};

/// A server-side connection and the client socket that feeds it.
async fn pair() -> (Connection, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    (Connection::plain(server, peer, 0), client)
}

#[tokio::test]
async fn a_line_split_across_writes_arrives_whole_and_then_no_buffer_is_held() {
    let (mut conn, mut client) = pair().await;
    client.write_all(b"{\"type\":").await.unwrap();
    client.flush().await.unwrap();
    let reading = tokio::spawn(async move {
        let line = conn.read_line().await.unwrap();
        (line, conn)
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    client.write_all(b"\"time\"}\r\n").await.unwrap();
    let (line, conn) = reading.await.unwrap();
    assert_eq!(line.as_deref(), Some("{\"type\":\"time\"}"));
    assert_eq!(
        conn.buffer.capacity(),
        0,
        "an idle connection keeps no buffer"
    );
}

#[tokio::test]
async fn lines_that_arrive_together_are_read_one_by_one() {
    let (mut conn, mut client) = pair().await;
    client.write_all(b"uno\ndos\ntres").await.unwrap();
    client.shutdown().await.unwrap();
    assert_eq!(conn.read_line().await.unwrap().as_deref(), Some("uno"));
    assert!(
        conn.buffer.capacity() > 0,
        "kept while lines are waiting in it"
    );
    assert_eq!(conn.read_line().await.unwrap().as_deref(), Some("dos"));
    // The last line may end without a newline when the client closes.
    assert_eq!(conn.read_line().await.unwrap().as_deref(), Some("tres"));
    assert_eq!(conn.read_line().await.unwrap(), None);
}

#[tokio::test]
async fn a_read_given_up_part_way_loses_nothing() {
    let (mut conn, mut client) = pair().await;
    client.write_all(b"{\"a\":").await.unwrap();
    // The select loop drops a pending read whenever something else wakes it.
    let gave_up = tokio::time::timeout(Duration::from_millis(50), conn.read_line()).await;
    assert!(gave_up.is_err());
    client.write_all(b"1}\n").await.unwrap();
    assert_eq!(
        conn.read_line().await.unwrap().as_deref(),
        Some("{\"a\":1}")
    );
}

#[tokio::test]
async fn an_overlong_line_and_bytes_that_are_not_utf8_are_refused() {
    let (mut conn, mut client) = pair().await;
    let long = vec![b'x'; MAX_LINE_BYTES + 1];
    let writing = tokio::spawn(async move {
        let _ = client.write_all(&long).await;
        let _ = client.write_all(b"\n").await;
        client
    });
    assert!(matches!(conn.read_line().await, Err(ReadError::TooLong)));
    drop(writing.await.unwrap());

    let (mut conn, mut client) = pair().await;
    client.write_all(b"caf\xe9\n").await.unwrap();
    assert!(matches!(conn.read_line().await, Err(ReadError::NotUtf8)));
}

#[tokio::test]
async fn a_line_of_exactly_the_limit_is_accepted() {
    let (mut conn, mut client) = pair().await;
    let line = "x".repeat(MAX_LINE_BYTES);
    let sent = line.clone();
    tokio::spawn(async move {
        client.write_all(sent.as_bytes()).await.unwrap();
        client.write_all(b"\r\n").await.unwrap();
        client
    });
    assert_eq!(conn.read_line().await.unwrap(), Some(line));
}
