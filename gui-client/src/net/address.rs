//! Server addresses as people type them: `host`, `host:port`, `[v6]:port`,
//! or a `tertulia://` link.

use tertulia_shared::DEFAULT_PORT;

/// `host`, `host:port` or `[v6]:port` → (`host`, `port`), with the default
/// port when none is given.
pub fn split_server(server: &str) -> Result<(String, u16), String> {
    use crate::i18n::{tr, tr_args};
    let server = without_link(server);
    if server.is_empty() {
        return Err(tr("net-address-empty"));
    }
    let bad_port = || tr_args("net-address-bad-port", &[("server", &server)]);
    if let Some(rest) = server.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| tr_args("net-address-bracket", &[("server", &server)]))?;
        return match after.strip_prefix(':') {
            Some(port) => Ok((host.to_owned(), port.parse().map_err(|_| bad_port())?)),
            None if after.is_empty() => Ok((host.to_owned(), DEFAULT_PORT)),
            None => Err(bad_port()),
        };
    }
    match server.rsplit_once(':') {
        // More than one ':' without brackets: a bare IPv6 address.
        Some((host, _)) if host.contains(':') => Ok((server.to_owned(), DEFAULT_PORT)),
        Some((host, port)) => match port.parse::<u16>() {
            Ok(port) if port > 0 && !host.is_empty() => Ok((host.to_owned(), port)),
            _ => Err(bad_port()),
        },
        None => Ok((server.to_owned(), DEFAULT_PORT)),
    }
}

/// The scheme of links to a chat: `tertulia://aula3.example.org:7878`,
/// handed over by a web page, a mail or the desktop (`tertulia %u`).
pub const LINK_SCHEME: &str = "tertulia://";

/// `server` as the address field keeps it: a pasted `tertulia://` link
/// becomes `host:port` (without the scheme, a trailing `/`, or anything
/// after it); anything else is only trimmed.
pub fn without_link(server: &str) -> &str {
    let server = server.trim();
    match server.get(..LINK_SCHEME.len()) {
        Some(scheme) if scheme.eq_ignore_ascii_case(LINK_SCHEME) => {
            let rest = &server[LINK_SCHEME.len()..];
            rest.split(['/', '?', '#']).next().unwrap_or_default()
        }
        _ => server,
    }
}

/// The nodes of one chat: `server` may list several addresses, separated by
/// commas (`aula1:7878, aula2:7878`: the nodes of a cluster, as the LAN
/// announces them or a technician writes them), tried in turn.
pub fn alternatives(server: &str) -> Vec<String> {
    let listed: Vec<String> = without_link(server)
        .split(',')
        .map(str::trim)
        .filter(|address| !address.is_empty())
        .map(str::to_owned)
        .collect();
    if listed.is_empty() {
        // Said as an empty address when it is tried.
        vec![String::new()]
    } else {
        listed
    }
}

/// The key a server's pinned certificate is remembered under: `host:port`,
/// the host in lower case, the default port filled in.
pub fn server_key(server: &str) -> String {
    match split_server(server) {
        Ok((host, port)) => display_server(&host.to_lowercase(), port),
        Err(_) => server.trim().to_lowercase(),
    }
}

/// For messages: `host:port`, bracketing IPv6 hosts.
pub fn display_server(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses() {
        let ok = |s: &str| split_server(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(ok("labserver"), ("labserver".into(), DEFAULT_PORT));
        assert_eq!(ok(" 192.168.1.20:9000 "), ("192.168.1.20".into(), 9000));
        assert_eq!(ok("[::1]:7000"), ("::1".into(), 7000));
        assert_eq!(ok("[fe80::1]"), ("fe80::1".into(), DEFAULT_PORT));
        assert_eq!(ok("fe80::1"), ("fe80::1".into(), DEFAULT_PORT));
        for bad in [
            "",
            "host:",
            "host:port",
            "host:70000",
            ":7878",
            "[::1",
            "[::1]x",
            "h:0",
        ] {
            assert!(split_server(bad).is_err(), "{bad}");
        }
        assert_eq!(display_server("::1", 7), "[::1]:7");
    }

    #[test]
    fn a_chat_of_several_nodes_is_a_list_of_addresses() {
        assert_eq!(alternatives("aula1:7878"), ["aula1:7878"]);
        assert_eq!(
            alternatives(" aula1:7878, [::1]:7000 ,,aula2"),
            ["aula1:7878", "[::1]:7000", "aula2"]
        );
        assert_eq!(
            alternatives("tertulia://10.0.0.5:7878,10.0.0.6:7878/"),
            ["10.0.0.5:7878", "10.0.0.6:7878"]
        );
        assert_eq!(alternatives(" "), [""]);
    }

    #[test]
    fn tertulia_links_are_addresses() {
        for (link, address) in [
            (
                "tertulia://aula3.example.org:7878",
                "aula3.example.org:7878",
            ),
            ("  TERTULIA://10.0.0.5/ ", "10.0.0.5"),
            (
                "tertulia://[fe80::1]:9000/chat?room=física",
                "[fe80::1]:9000",
            ),
            ("10.0.0.5:7878", "10.0.0.5:7878"),
        ] {
            assert_eq!(without_link(link), address, "{link}");
        }
        assert_eq!(
            split_server("tertulia://aula3:7000/").unwrap(),
            ("aula3".to_owned(), 7000)
        );
        assert_eq!(split_server("tertulia://aula3").unwrap().1, DEFAULT_PORT);
        assert!(split_server("tertulia://").is_err(), "a link to nowhere");
        assert_eq!(
            server_key("tertulia://Aula3:7000"),
            server_key("aula3:7000")
        );
    }
}
