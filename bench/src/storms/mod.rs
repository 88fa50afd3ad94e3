//! The storms of issue 25: a class logging in at once while others chat
//! (`class-start`), every client coming back after the server restarts
//! (`restart-storm`), and after a network blip. They run against a Tertulia
//! server at its default bcrypt cost and limits, over TLS when `--tls` is
//! given (`bench/storms.sh`).

mod class;
mod client;
mod restart;

use anyhow::bail;

use crate::proto::Proto;
use crate::scenario::Target;

pub use class::class_start;
pub use restart::restart_storm;

/// `Proto` is only Tertulia here.
pub fn check(target: &Target) -> anyhow::Result<()> {
    if target.proto != Proto::Tertulia {
        bail!("the storms are Tertulia's (session tokens)");
    }
    Ok(())
}
