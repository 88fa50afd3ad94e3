//! Waiting for what crosses nodes a moment later.

/// Waits (up to a few seconds) until `check` holds, then returns; panics
/// with the last thing seen otherwise.
macro_rules! eventually {
    ($what:expr, $check:expr) => {{
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
        loop {
            let seen = $what;
            if $check(&seen) {
                break seen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "never true; last seen: {seen:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }};
}
