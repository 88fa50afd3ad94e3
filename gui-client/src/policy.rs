//! A lab's policy for the client: what the technician sets once for every
//! user of a computer, in `/etc/tertulia/client.toml`:
//!
//! ```toml
//! servers = ["10.0.3.5:7878"]   # offered beside what discovery finds
//! language = "es"               # the interface's language
//! host = false                  # no "Host a chat"
//! files = false                 # no sharing files
//! locked = ["servers", "host"]  # what users cannot change
//! ```
//!
//! Users may set the same keys in their own `settings.json`; the system
//! file wins where it says `locked`, and otherwise gives the defaults.

use std::path::Path;

use serde::Deserialize;

use crate::i18n::Lang;

/// Where the system's policy is read from (`TERTULIA_POLICY` overrides it).
pub const SYSTEM_FILE: &str = "/etc/tertulia/client.toml";

/// A key the system file can lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Key {
    Servers,
    Language,
    Host,
    Files,
}

/// The keys of the policy, as a file (the system's) or the user's
/// settings say them; a key not given leaves the choice to the next one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyKeys {
    /// Server addresses to offer beside the ones discovery finds (for
    /// subnets that mDNS does not reach).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Lang>,
    /// Whether "Host a chat" is offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<bool>,
    /// Whether files may be shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<bool>,
    /// What the user's settings cannot change (system file only).
    #[serde(skip_serializing)]
    pub locked: Vec<Key>,
}

impl PolicyKeys {
    /// The system's policy file, if there is one. A file that cannot be
    /// read is said in the log and ignored: the client still starts.
    pub fn system() -> PolicyKeys {
        let path = std::env::var_os("TERTULIA_POLICY")
            .map_or_else(|| Path::new(SYSTEM_FILE).to_owned(), Into::into);
        if !path.exists() {
            return PolicyKeys::default();
        }
        PolicyKeys::load(&path).unwrap_or_else(|why| {
            tracing::warn!("ignoring the lab policy: {why}");
            PolicyKeys::default()
        })
    }

    /// The policy in the TOML file at `path`.
    pub fn load(path: &Path) -> Result<PolicyKeys, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn locks(&self, key: Key) -> bool {
        self.locked.contains(&key)
    }
}

/// What this computer's user gets: the system's policy over the user's
/// own choices where it is locked, under them where it is not.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Offered in the servers list, in this order.
    pub servers: Vec<String>,
    /// The language to speak, when the policy or the user chose one.
    pub language: Option<Lang>,
    /// The user cannot choose another language.
    pub language_locked: bool,
    pub host: bool,
    pub files: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::resolve(&PolicyKeys::default(), &PolicyKeys::default())
    }
}

impl Policy {
    /// `system` over `user` where locked, `user` over `system` elsewhere.
    pub fn resolve(system: &PolicyKeys, user: &PolicyKeys) -> Policy {
        let pick = |key: Key, wanted: Option<bool>, chosen: Option<bool>| match system.locks(key) {
            true => wanted.or(chosen),
            false => chosen.or(wanted),
        };
        let mut servers = system.servers.clone();
        if !system.locks(Key::Servers) {
            for server in &user.servers {
                if !servers.contains(server) {
                    servers.push(server.clone());
                }
            }
        }
        let language_locked = system.locks(Key::Language) && system.language.is_some();
        Policy {
            servers,
            language: match language_locked {
                true => system.language,
                false => user.language.or(system.language),
            },
            language_locked,
            host: pick(Key::Host, system.host, user.host).unwrap_or(true),
            files: pick(Key::Files, system.files, user.files).unwrap_or(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(toml: &str) -> PolicyKeys {
        toml::from_str(toml).unwrap()
    }

    #[test]
    fn the_system_wins_where_it_locks_and_the_user_elsewhere() {
        let system = keys(
            "servers = [\"10.0.3.5:7878\"]\nlanguage = \"es\"\nhost = false\nfiles = false\nlocked = [\"host\", \"servers\"]",
        );
        let user = keys("servers = [\"casa:7878\"]\nlanguage = \"en\"\nhost = true\nfiles = true");
        let policy = Policy::resolve(&system, &user);
        assert!(!policy.host, "locked: the system's");
        assert!(policy.files, "not locked: the user's");
        assert_eq!(policy.language, Some(Lang::En));
        assert!(!policy.language_locked);
        assert_eq!(policy.servers, ["10.0.3.5:7878"], "locked: only the lab's");

        let open =
            keys("servers = [\"10.0.3.5:7878\"]\nlanguage = \"es\"\nlocked = [\"language\"]");
        let policy = Policy::resolve(&open, &user);
        assert_eq!(policy.servers, ["10.0.3.5:7878", "casa:7878"]);
        assert_eq!(
            (policy.language, policy.language_locked),
            (Some(Lang::Es), true)
        );
        assert!(policy.host && policy.files, "user's choices");
    }

    #[test]
    fn without_any_policy_everything_is_allowed() {
        let policy = Policy::default();
        assert!(policy.host && policy.files && policy.servers.is_empty());
        assert_eq!(policy.language, None);
    }

    #[test]
    fn a_typo_in_the_file_is_refused_with_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("client.toml");
        std::fs::write(&path, "servers = [\"a\"]\nhots = false\n").unwrap();
        let why = PolicyKeys::load(&path).unwrap_err();
        assert!(why.contains("hots") && why.contains("line 2"), "{why}");
    }
}
