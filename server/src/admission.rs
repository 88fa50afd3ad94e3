//! Who may connect: the connection limits, counted per address and for
//! connections that have not logged in yet.
//!
//! Silent connections are cheap to open. Without these caps one machine could
//! take every slot; with them it can take its own share only, and logged-in
//! users never compete with anonymous connections for a place.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tertulia_shared::{ErrorBody, ErrorCode};

/// The caps a new connection is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub total: usize,
    pub per_address: usize,
    pub anonymous: usize,
    pub anonymous_per_address: usize,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    anonymous: usize,
    /// (connections, of which not logged in) per address.
    by_address: HashMap<IpAddr, (usize, usize)>,
}

/// Shared counter of open connections. One pointer: every connection's
/// [`Ticket`] holds a copy.
#[derive(Debug, Clone)]
pub struct Admission(Arc<Limits>);

#[derive(Debug)]
struct Limits {
    caps: Caps,
    counts: Mutex<Counts>,
}

/// An admitted connection's place; dropping it frees the place.
#[derive(Debug)]
pub struct Ticket {
    admission: Admission,
    address: IpAddr,
    anonymous: bool,
}

/// IPv4 clients of a dual-stack listener arrive as `::ffff:a.b.c.d`; they
/// are counted as the IPv4 address they are.
fn canonical(address: IpAddr) -> IpAddr {
    address.to_canonical()
}

impl Admission {
    pub fn new(caps: Caps) -> Admission {
        Admission(Arc::new(Limits {
            caps,
            counts: Mutex::new(Counts::default()),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.0.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a new (anonymous) connection from `address`, or the
    /// error that tells the client why not.
    pub fn admit(&self, address: IpAddr) -> Result<Ticket, ErrorBody> {
        let address = canonical(address);
        let caps = self.0.caps;
        let mut counts = self.lock();
        let (mine, mine_anonymous) = counts.by_address.get(&address).copied().unwrap_or_default();
        if counts.total >= caps.total {
            return Err(ErrorBody::new(
                ErrorCode::ServerFull,
                format!(
                    "The server is full ({} connections); try again later.",
                    caps.total
                ),
            ));
        }
        if mine >= caps.per_address {
            return Err(ErrorBody::new(
                ErrorCode::TooManyConnections,
                format!(
                    "Too many connections from your address ({}); close some and try again.",
                    caps.per_address
                ),
            ));
        }
        if mine_anonymous >= caps.anonymous_per_address {
            return Err(ErrorBody::new(
                ErrorCode::TooManyConnections,
                format!(
                    "Too many connections from your address are waiting to log in ({}); try again in a moment.",
                    caps.anonymous_per_address
                ),
            ));
        }
        if counts.anonymous >= caps.anonymous {
            return Err(ErrorBody::new(
                ErrorCode::ServerFull,
                "The server has too many connections waiting to log in; try again in a moment.",
            ));
        }
        counts.total += 1;
        counts.anonymous += 1;
        let entry = counts.by_address.entry(address).or_default();
        entry.0 += 1;
        entry.1 += 1;
        Ok(Ticket {
            admission: self.clone(),
            address,
            anonymous: true,
        })
    }

    /// Open connections in all.
    #[cfg(test)]
    pub fn open(&self) -> usize {
        self.lock().total
    }
}

impl Ticket {
    /// The connection logged in: it no longer counts as anonymous.
    pub fn logged_in(&mut self) {
        if !self.anonymous {
            return;
        }
        self.anonymous = false;
        let mut counts = self.admission.lock();
        counts.anonymous = counts.anonymous.saturating_sub(1);
        if let Some(entry) = counts.by_address.get_mut(&self.address) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.admission.lock();
        counts.total = counts.total.saturating_sub(1);
        if self.anonymous {
            counts.anonymous = counts.anonymous.saturating_sub(1);
        }
        let anonymous = usize::from(self.anonymous);
        if let Some(entry) = counts.by_address.get_mut(&self.address) {
            entry.0 = entry.0.saturating_sub(1);
            entry.1 = entry.1.saturating_sub(anonymous);
            if entry.0 == 0 {
                counts.by_address.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> Caps {
        Caps {
            total: 10,
            per_address: 4,
            anonymous: 6,
            anonymous_per_address: 2,
        }
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn an_address_gets_its_share_of_anonymous_places_and_no_more() {
        let admission = Admission::new(caps());
        let mut first = admission.admit(ip(1)).unwrap();
        let _second = admission.admit(ip(1)).unwrap();
        let refused = admission.admit(ip(1)).unwrap_err();
        assert_eq!(refused.code, ErrorCode::TooManyConnections);
        // Another machine is not affected.
        let _other = admission.admit(ip(2)).unwrap();
        // Logging in frees an anonymous place for the same address.
        first.logged_in();
        let _third = admission.admit(ip(1)).unwrap();
    }

    #[test]
    fn dropping_a_ticket_gives_the_place_back() {
        let admission = Admission::new(caps());
        let tickets: Vec<Ticket> = (1..=6).map(|n| admission.admit(ip(n)).unwrap()).collect();
        assert_eq!(
            admission.admit(ip(7)).unwrap_err().code,
            ErrorCode::ServerFull
        );
        drop(tickets);
        assert_eq!(admission.open(), 0);
        assert!(admission.lock().by_address.is_empty());
        assert!(admission.admit(ip(7)).is_ok());
    }

    #[test]
    fn the_total_cap_counts_logged_in_connections_too() {
        let admission = Admission::new(caps());
        let mut tickets = Vec::new();
        for n in 1..=10 {
            let mut ticket = admission.admit(ip(n)).unwrap();
            ticket.logged_in();
            tickets.push(ticket);
        }
        assert_eq!(
            admission.admit(ip(11)).unwrap_err().code,
            ErrorCode::ServerFull
        );
    }

    #[test]
    fn mapped_ipv4_counts_as_ipv4() {
        let admission = Admission::new(caps());
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        let _a = admission.admit(mapped).unwrap();
        let _b = admission.admit(ip(1)).unwrap();
        assert!(admission.admit(ip(1)).is_err());
    }
}
