//! Telling the LAN that this server is here: mDNS/DNS-SD, service type
//! `_tertulia._tcp`, so clients list it without anyone typing an address.
//! The TXT record carries what the list shows: protocol version, name,
//! default room, people online, and whether (and with which certificate) it
//! speaks TLS, and for a node of a cluster, which chat it serves. The count is refreshed while the server runs; stopping sends
//! a goodbye, so clients drop the server from their lists at once.

use std::time::Duration;

use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo};

/// The DNS-SD service type every Tertulia server announces.
pub const SERVICE_TYPE: &str = "_tertulia._tcp.local.";

/// How often the people-online count is refreshed (when it changed).
pub const REFRESH: Duration = Duration::from_secs(3);

/// What to announce.
#[derive(Debug, Clone)]
pub struct AnnounceConfig {
    /// The name people see in the list (default: the host name).
    pub name: String,
    /// Announce on the loopback interface only (tests in a namespace):
    /// multicast then never leaves the machine.
    pub loopback_only: bool,
    /// The certificate's fingerprint; `None` when the server speaks plain text.
    pub fingerprint: Option<String>,
}

/// The fixed part of the TXT record that the server knows once listening.
#[derive(Debug, Clone)]
pub struct Facts {
    pub port: u16,
    pub default_room: String,
    /// A node of a cluster says so: clients list its nodes as one chat.
    pub cluster: Option<ClusterFacts>,
}

/// What a node of a cluster announces besides a single server's facts.
#[derive(Debug, Clone)]
pub struct ClusterFacts {
    /// The same on every node of the chat (kept in its database).
    pub chat: String,
    /// This node's name.
    pub node: String,
}

/// A running announcement; withdrawn (with a goodbye) when dropped.
pub struct Announcement {
    daemon: ServiceDaemon,
    config: AnnounceConfig,
    facts: Facts,
    fullname: String,
    online: usize,
}

/// This machine's name, for the default server name and the mDNS host.
pub fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "tertulia".to_owned())
}

impl std::fmt::Debug for Announcement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Announcement")
            .field("fullname", &self.fullname)
            .field("online", &self.online)
            .finish_non_exhaustive()
    }
}

impl Announcement {
    pub fn start(config: AnnounceConfig, facts: Facts) -> Result<Announcement, mdns_sd::Error> {
        let daemon = ServiceDaemon::new()?;
        if config.loopback_only {
            daemon.disable_interface(IfKind::All)?;
            daemon.enable_interface(IfKind::LoopbackV4)?;
        }
        let mut announcement = Announcement {
            daemon,
            fullname: String::new(),
            config,
            facts,
            online: 0,
        };
        announcement.publish()?;
        tracing::info!(
            "announcing {:?} on the LAN (mDNS {SERVICE_TYPE})",
            announcement.config.name
        );
        Ok(announcement)
    }

    fn publish(&mut self) -> Result<(), mdns_sd::Error> {
        let online = self.online.to_string();
        let mut txt = vec![
            ("v", tertulia_shared::PROTOCOL_VERSION.to_string()),
            ("name", self.config.name.clone()),
            ("room", self.facts.default_room.clone()),
            ("online", online),
            (
                "tls",
                u8::from(self.config.fingerprint.is_some()).to_string(),
            ),
        ];
        if let Some(fingerprint) = &self.config.fingerprint {
            txt.push(("fp", fingerprint.replace(' ', "")));
        }
        // Each node is its own service (instance names are unique on the
        // LAN); `chat` tells clients they are one.
        let instance = match &self.facts.cluster {
            Some(cluster) => {
                txt.push(("chat", cluster.chat.clone()));
                txt.push(("node", cluster.node.clone()));
                format!("{} ({})", self.config.name, cluster.node)
            }
            None => self.config.name.clone(),
        };
        // One mDNS host name per server (machine and port): two servers on
        // one machine must not share address records, or one's goodbye
        // would take the other off every list.
        let label: String = format!("{}-{}", host_name(), self.facts.port)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let host = format!("{label}.local.");
        let address = if self.config.loopback_only {
            "127.0.0.1"
        } else {
            ""
        };
        let info = ServiceInfo::new(
            SERVICE_TYPE,
            &instance,
            &host,
            address,
            self.facts.port,
            &txt[..],
        )?;
        let info = if address.is_empty() {
            info.enable_addr_auto()
        } else {
            info
        };
        self.fullname = info.get_fullname().to_owned();
        self.daemon.register(info)
    }

    /// Republishes when the number of people online changed.
    pub fn set_online(&mut self, online: usize) {
        if online == self.online {
            return;
        }
        self.online = online;
        if let Err(e) = self.publish() {
            tracing::warn!("cannot update the LAN announcement: {e}");
        }
    }
}

impl Drop for Announcement {
    fn drop(&mut self) {
        // The goodbye tells browsers the server is gone; then stop.
        if let Ok(done) = self.daemon.unregister(&self.fullname) {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
        if let Ok(done) = self.daemon.shutdown() {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
    }
}
