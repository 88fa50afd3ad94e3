//! Finding servers on the LAN: mDNS/DNS-SD browsing for `_tertulia._tcp`
//! on a thread of its own (the `mdns-sd` daemon's), so nothing ever waits
//! for the network. The list is read by the UI each frame.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent, ServiceInfo};

/// The DNS-SD service type Tertulia servers announce.
pub const SERVICE_TYPE: &str = "_tertulia._tcp.local.";

/// A server heard on the LAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundServer {
    /// The name it announces (e.g. the host name, or `--name`).
    pub name: String,
    /// `address:port`, ready for the address box.
    pub address: String,
    pub online: Option<usize>,
    pub encrypted: bool,
    /// The certificate fingerprint it announced (not proof of anything:
    /// anyone can announce; the connection checks the certificate).
    pub fingerprint: Option<String>,
    /// The chat a node of a cluster serves: its nodes are listed as one
    /// server, whose `address` lists them all.
    pub chat: Option<String>,
}

#[derive(Debug, Default)]
struct Found {
    /// By mDNS full name.
    servers: BTreeMap<String, FoundServer>,
}

/// A running search; stops when dropped.
pub struct Discovery {
    daemon: Option<ServiceDaemon>,
    found: Arc<Mutex<Found>>,
    started: Instant,
    /// Why browsing could not start, for the screen.
    pub failure: Option<String>,
}

impl std::fmt::Debug for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discovery")
            .field("started", &self.started)
            .field("failure", &self.failure)
            .finish_non_exhaustive()
    }
}

fn found_server(info: &ServiceInfo) -> Option<FoundServer> {
    // IPv4 first: what people read and type in a lab.
    let mut addresses: Vec<IpAddr> = info.get_addresses().iter().copied().collect();
    addresses.sort_by_key(|a| (a.is_ipv6(), *a));
    let ip = addresses.first()?;
    let address = match ip {
        IpAddr::V4(v4) => format!("{v4}:{}", info.get_port()),
        IpAddr::V6(v6) => format!("[{v6}]:{}", info.get_port()),
    };
    let name = info
        .get_property_val_str("name")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            info.get_fullname()
                .trim_end_matches(SERVICE_TYPE)
                .trim_end_matches('.')
                .to_owned()
        });
    let fingerprint = info.get_property_val_str("fp").map(|hex| {
        hex.as_bytes()
            .chunks(4)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    });
    Some(FoundServer {
        name,
        address,
        online: info
            .get_property_val_str("online")
            .and_then(|n| n.parse().ok()),
        encrypted: info.get_property_val_str("tls") != Some("0"),
        fingerprint,
        chat: info.get_property_val_str("chat").map(str::to_owned),
    })
}

/// The nodes of one chat (the same `chat`) as one server: their addresses
/// listed (the client tries them in turn), their people added up.
fn one_per_chat(found: impl IntoIterator<Item = FoundServer>) -> Vec<FoundServer> {
    let mut servers: Vec<FoundServer> = Vec::new();
    let mut chats: BTreeMap<String, usize> = BTreeMap::new();
    for server in found {
        let Some(chat) = server.chat.clone() else {
            servers.push(server);
            continue;
        };
        match chats.get(&chat) {
            Some(&at) => {
                let node = &mut servers[at];
                node.address = format!("{}, {}", node.address, server.address);
                node.online = node.online.zip(server.online).map(|(a, b)| a + b);
                node.encrypted &= server.encrypted;
                if node.fingerprint != server.fingerprint {
                    node.fingerprint = None;
                }
            }
            None => {
                chats.insert(chat, servers.len());
                servers.push(server);
            }
        }
    }
    servers
}

impl Discovery {
    /// Starts browsing. `loopback_only` keeps the search on this machine
    /// (tests in a network namespace). `wake` is called when the list changes.
    pub fn start(loopback_only: bool, wake: impl Fn() + Send + 'static) -> Discovery {
        let found = Arc::new(Mutex::new(Found::default()));
        let started = Instant::now();
        let browse =
            || -> Result<(ServiceDaemon, mdns_sd::Receiver<ServiceEvent>), mdns_sd::Error> {
                let daemon = ServiceDaemon::new()?;
                if loopback_only {
                    daemon.disable_interface(IfKind::All)?;
                    daemon.enable_interface(IfKind::LoopbackV4)?;
                }
                let events = daemon.browse(SERVICE_TYPE)?;
                Ok((daemon, events))
            };
        match browse() {
            Err(e) => Discovery {
                daemon: None,
                found,
                started,
                failure: Some(format!("Cannot look for servers on this network: {e}")),
            },
            Ok((daemon, events)) => {
                let list = found.clone();
                let spawned = std::thread::Builder::new()
                    .name("tertulia-discovery".into())
                    .spawn(move || {
                        // Ends when the daemon shuts down (the channel closes).
                        while let Ok(event) = events.recv() {
                            let mut found = list.lock().unwrap_or_else(|p| p.into_inner());
                            match event {
                                ServiceEvent::ServiceResolved(info) => {
                                    if let Some(server) = found_server(&info) {
                                        found
                                            .servers
                                            .insert(info.get_fullname().to_owned(), server);
                                    }
                                }
                                ServiceEvent::ServiceRemoved(_, fullname) => {
                                    found.servers.remove(&fullname);
                                }
                                _ => continue,
                            }
                            drop(found);
                            wake();
                        }
                    });
                let failure = spawned
                    .err()
                    .map(|e| format!("Cannot look for servers on this network: {e}"));
                Discovery {
                    daemon: Some(daemon),
                    found,
                    started,
                    failure,
                }
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Found> {
        self.found.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The servers heard so far, by name.
    pub fn servers(&self) -> Vec<FoundServer> {
        let mut found: Vec<FoundServer> = self.lock().servers.values().cloned().collect();
        // Addresses in a stable order, whatever order the nodes came in.
        found.sort_by(|a, b| a.address.cmp(&b.address));
        let mut servers = one_per_chat(found);
        servers.sort_by_key(|s| s.name.to_lowercase());
        servers
    }

    /// How long the search has been running.
    pub fn searching_for(&self) -> std::time::Duration {
        self.started.elapsed()
    }
}

impl Drop for Discovery {
    fn drop(&mut self) {
        if let Some(daemon) = &self.daemon {
            let _ = daemon.shutdown();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str, address: &str, online: usize, chat: Option<&str>) -> FoundServer {
        FoundServer {
            name: name.into(),
            address: address.into(),
            online: Some(online),
            encrypted: true,
            fingerprint: Some("ab12".into()),
            chat: chat.map(str::to_owned),
        }
    }

    #[test]
    fn the_nodes_of_one_chat_are_listed_once_with_every_address() {
        let listed = one_per_chat([
            found("Facultad", "10.0.0.1:7878", 40, Some("c1")),
            found("aula-3", "10.0.0.9:7878", 12, None),
            found("Facultad", "10.0.0.2:7878", 35, Some("c1")),
            found("Otra", "10.0.1.1:7878", 3, Some("c2")),
        ]);
        let shown: Vec<_> = listed
            .iter()
            .map(|s| (s.name.as_str(), s.address.as_str(), s.online))
            .collect();
        assert_eq!(
            shown,
            [
                ("Facultad", "10.0.0.1:7878, 10.0.0.2:7878", Some(75)),
                ("aula-3", "10.0.0.9:7878", Some(12)),
                ("Otra", "10.0.1.1:7878", Some(3)),
            ]
        );
        assert_eq!(
            crate::net::address::alternatives(&listed[0].address),
            ["10.0.0.1:7878", "10.0.0.2:7878"]
        );
    }
}
