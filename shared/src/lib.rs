//! What the Tertulia server and its clients must agree on: the wire protocol
//! ([`protocol`], [`codec`]), the `#` command language ([`command`]), the
//! field rules and size limits ([`validate`], [`limits`]) and the clock-sync
//! arithmetic ([`clock`]). Everything here is pure: no sockets, no files.

pub mod clock;
pub mod codec;
pub mod command;
pub mod files;
pub mod fingerprint;
pub mod limits;
pub mod protocol;
pub mod validate;

pub use protocol::*;
