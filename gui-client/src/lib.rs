//! The Tertulia desktop client.
//!
//! Where things are: [`net`] is the network thread (socket, protocol,
//! reconnection) behind channels; [`state`] the chat state as plain data,
//! changed only by applying events; [`app`] drains events and draws the
//! screens from [`ui`], one module per panel or window; [`settings`] what is
//! remembered between runs.

pub mod app;
pub mod host;
pub mod i18n;
pub mod net;
pub mod policy;
pub mod settings;
pub mod sound;
pub mod state;
pub mod style;
pub mod ui;
