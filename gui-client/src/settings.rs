//! Settings kept between runs in the user's config directory: the last
//! server address, the last login, the window size and the certificate
//! fingerprints the user accepted, and what the View menu sets. Never the
//! password.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub server: String,
    pub login: String,
    pub window_size: Option<[f32; 2]>,
    /// Certificate fingerprints accepted by the user, by server
    /// (`host:port`, see [`crate::net::server_key`]).
    pub pinned: BTreeMap<String, String>,
    /// Connect without encryption (ticked by the user).
    pub plain: bool,
    /// Servers found on the LAN and used before: name → address, shown
    /// before mDNS answers.
    pub known: BTreeMap<String, String>,
    /// What the View menu sets (kept at the top level of the file).
    #[serde(flatten)]
    pub view: ViewPrefs,
    /// The lab policy's keys this user set (`servers`, `host`, `files`; the
    /// language is the View menu's): see [`crate::policy`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<bool>,
    /// The session to resume at the next start, kept only while "Stay
    /// logged in" is ticked; logging out forgets it.
    pub session: Option<SavedSession>,
}

impl Settings {
    /// The lab policy's keys as this user set them.
    pub fn policy_keys(&self) -> crate::policy::PolicyKeys {
        crate::policy::PolicyKeys {
            servers: self.servers.clone(),
            language: self.view.language,
            host: self.host,
            files: self.files,
            locked: Vec::new(),
        }
    }
}

/// A session kept on disk for "stay logged in": its token logs in again
/// without the password (never the password itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSession {
    pub server: String,
    pub login: String,
    pub token: tertulia_shared::SessionToken,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            server: format!("localhost:{}", tertulia_shared::DEFAULT_PORT),
            login: String::new(),
            window_size: None,
            pinned: BTreeMap::new(),
            plain: false,
            known: BTreeMap::new(),
            view: ViewPrefs::default(),
            servers: Vec::new(),
            host: None,
            files: None,
            session: None,
        }
    }
}

/// Where settings live; `None` keeps them in memory only (tests).
#[derive(Debug, Clone, Default)]
pub struct SettingsStore {
    path: Option<PathBuf>,
}

impl SettingsStore {
    /// `settings.json` in the user's config directory (e.g. `~/.config/tertulia/`).
    pub fn user() -> SettingsStore {
        SettingsStore {
            path: directories::ProjectDirs::from("org", "Tertulia", "tertulia")
                .map(|dirs| dirs.config_dir().join("settings.json")),
        }
    }

    pub fn at(path: impl Into<PathBuf>) -> SettingsStore {
        SettingsStore {
            path: Some(path.into()),
        }
    }

    pub fn in_memory() -> SettingsStore {
        SettingsStore { path: None }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The saved settings, or the defaults if there are none or they are unreadable.
    pub fn load(&self) -> Settings {
        let Some(path) = &self.path else {
            return Settings::default();
        };
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                tracing::warn!("ignoring unreadable settings {}: {e}", path.display());
                Settings::default()
            }),
            Err(_) => Settings::default(),
        }
    }

    /// Saves atomically (write a temporary file, then rename). Failures are
    /// logged: losing a remembered address is not worth interrupting anyone.
    pub fn save(&self, settings: &Settings) {
        let Some(path) = &self.path else {
            return;
        };
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let temporary = path.with_extension("json.tmp");
            let text = serde_json::to_string_pretty(settings).map_err(std::io::Error::other)?;
            // Only its owner reads it: it may hold a session token.
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            std::io::Write::write_all(&mut options.open(&temporary)?, text.as_bytes())?;
            std::fs::rename(&temporary, path)
        };
        if let Err(e) = write() {
            tracing::warn!("cannot save settings to {}: {e}", path.display());
        }
    }
}

/// Light or dark, remembered in the settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follows the system's preference.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn apply(self, ctx: &egui::Context) {
        ctx.set_theme(match self {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        });
    }
}

/// What the View menu sets, remembered in the settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewPrefs {
    pub theme: Theme,
    /// Text size (1.0: normal).
    pub zoom: f32,
    /// The interface language; `None`: the system's.
    pub language: Option<Lang>,
    /// A chime when a private message or a mention arrives.
    pub sound: bool,
    /// Keep the session on this computer, to log in again at the next
    /// start without the password. Off by default: lab computers are shared.
    pub stay_logged_in: bool,
}

impl Default for ViewPrefs {
    fn default() -> Self {
        ViewPrefs {
            theme: Theme::System,
            zoom: 1.0,
            language: None,
            sound: true,
            stay_logged_in: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_never_hold_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::at(dir.path().join("nested/settings.json"));
        assert_eq!(store.load(), Settings::default());
        let settings = Settings {
            server: "10.0.0.5:7878".into(),
            login: "ana".into(),
            window_size: Some([900.0, 600.0]),
            pinned: BTreeMap::from([("10.0.0.5:7878".into(), "AB12 CD34".into())]),
            plain: false,
            known: BTreeMap::from([("Aula 3".into(), "10.0.0.5:7878".into())]),
            view: ViewPrefs {
                theme: Theme::Dark,
                zoom: 1.2,
                language: Some(crate::i18n::Lang::Es),
                sound: false,
                stay_logged_in: true,
            },
            servers: vec!["casa:7878".into()],
            host: Some(false),
            files: None,
            session: Some(SavedSession {
                server: "10.0.0.5:7878".into(),
                login: "ana".into(),
                token: tertulia_shared::SessionToken("ab".repeat(32)),
            }),
        };
        store.save(&settings);
        assert_eq!(store.load(), settings);
        let text = std::fs::read_to_string(store.path().unwrap()).unwrap();
        assert!(!text.to_lowercase().contains("password"), "{text}");
        // It holds a token: nobody else on the machine may read it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        std::fs::write(store.path().unwrap(), "{ not json").unwrap();
        assert_eq!(store.load(), Settings::default());
    }
}
