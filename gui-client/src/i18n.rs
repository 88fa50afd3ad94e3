//! Every sentence the client shows, in Spanish and English: one catalogue
//! per language (`gui-client/i18n/*.ftl`, simple Fluent messages:
//! `key = text`, `{ $name }` for what is filled in, indented lines continue
//! a message). The language comes from the system (`LC_ALL`, `LC_MESSAGES`,
//! `LANG`) unless the user picks one in the View menu; it can change at any
//! time (every frame reads the catalogue anew).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

const ENGLISH: &str = include_str!("../i18n/en.ftl");
const SPANISH: &str = include_str!("../i18n/es.ftl");

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// The system's language: Spanish if the locale says so, else English.
    pub fn system() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        if locale.to_lowercase().starts_with("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    /// The language's own name, for the menu.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }
}

/// The language one window speaks, shared by the threads that word its
/// sentences (the UI's and its network thread), so that a change in the
/// View menu reaches both at once.
#[derive(Debug, Clone, Default)]
pub struct Speaking(Arc<AtomicU8>);

thread_local! {
    /// The language of the window this thread works for (tests draw
    /// several windows at once, each on its own thread).
    static CURRENT: RefCell<Speaking> = RefCell::default();
}

/// Sets the interface language (of the calling thread's window).
pub fn set(lang: Lang) {
    CURRENT.with(|current| current.borrow().0.store(lang as u8, Ordering::Relaxed));
}

pub fn current() -> Lang {
    match CURRENT.with(|current| current.borrow().0.load(Ordering::Relaxed)) {
        1 => Lang::Es,
        _ => Lang::En,
    }
}

/// The calling thread's language, to hand to a thread that works for the
/// same window ([`speak`]).
pub fn speaking() -> Speaking {
    CURRENT.with(|current| current.borrow().clone())
}

/// Makes the calling thread speak what `language` says, now and after
/// every change.
pub fn speak(language: Speaking) {
    CURRENT.with(|current| *current.borrow_mut() = language);
}

/// An error from the server, in the interface's language: the server's own
/// sentence in English (it may name the room or the user), a translation
/// by its code otherwise (the server's sentence when there is none).
pub fn error_message(error: &tertulia_shared::ErrorBody) -> String {
    // A mute's end in this computer's time, in our words (both languages).
    if error.code == tertulia_shared::ErrorCode::Muted
        && let Some(wait_ms) = error.retry_after_ms
    {
        let wait_ms = i64::try_from(wait_ms).unwrap_or(i64::MAX);
        return crate::state::muted_until(&tertulia_shared::Mute {
            until_ms: crate::net::local_now_ms().saturating_add(wait_ms),
            reason: error.reason.clone().unwrap_or_default(),
        });
    }
    if current() == Lang::En {
        return error.message.clone();
    }
    let code = serde_json::to_value(error.code)
        .ok()
        .and_then(|v| v.as_str().map(|s| format!("error-{}", s.replace('_', "-"))));
    let said = match code {
        Some(key) if catalogue(Lang::Es).contains_key(&key) => tr(&key),
        _ => return error.message.clone(),
    };
    // A moderator's reason, in their words, after ours.
    match &error.reason {
        Some(reason) => tr_args("error-reason", &[("said", &said), ("reason", reason)]),
        None => said,
    }
}

/// What a person reads when a teacher or an admin (`by`) closed their
/// session, or banned them.
pub fn kicked(by: &str, reason: &str, banned: bool) -> String {
    let key = match (banned, reason.trim().is_empty()) {
        (true, true) => "notice-kicked-banned",
        (true, false) => "notice-kicked-banned-reason",
        (false, true) => "notice-kicked",
        (false, false) => "notice-kicked-reason",
    };
    tr_args(key, &[("by", &by), ("reason", &reason)])
}

/// A broken field rule (checked before anything is sent), in the
/// interface's language.
pub fn field_error(error: &tertulia_shared::validate::FieldError) -> String {
    use tertulia_shared::limits::*;
    use tertulia_shared::validate::Rule;
    let names = tr(if error.field == tertulia_shared::Field::LastNames {
        "rule-last-names"
    } else {
        "rule-first-names"
    });
    let (min, max): (i64, i64) = match error.rule {
        Rule::LoginLength => (LOGIN_MIN_CHARS as i64, LOGIN_MAX_CHARS as i64),
        Rule::RoomLength => (1, ROOM_MAX_CHARS as i64),
        Rule::NameLength => (1, PERSON_NAME_MAX_CHARS as i64),
        Rule::PasswordShort => (PASSWORD_MIN_CHARS as i64, 0),
        Rule::PasswordLong => (0, PASSWORD_MAX_BYTES as i64),
        Rule::AgeRange => (AGE_MIN, AGE_MAX),
        Rule::MessageLength => (1, MESSAGE_MAX_CHARS as i64),
        Rule::ClientName => (1, CLIENT_NAME_MAX_CHARS as i64),
        _ => (0, 0),
    };
    tr_args(
        &format!("rule-{}", error.rule.key()),
        &[("names", &names), ("min", &min), ("max", &max)],
    )
}

/// Why a typed `#` line is not a command, in the interface's language.
pub fn parse_error(error: &tertulia_shared::command::ParseError) -> String {
    use tertulia_shared::command::ParseError;
    match error {
        ParseError::Empty => tr("chat-parse-empty"),
        ParseError::MissingCommand => tr("chat-parse-missing"),
        ParseError::Unknown(word) => tr_args("chat-parse-unknown", &[("word", word)]),
        ParseError::Usage { command, problem } => tr_args(
            "chat-parse-usage",
            &[
                ("problem", &tr(&format!("chat-parse-{}", problem.key()))),
                ("usage", &usage(command)),
            ],
        ),
    }
}

/// A command's usage line with its placeholders in the interface's
/// language (`#gR <sala>`).
pub fn usage(command: &tertulia_shared::command::CommandSpec) -> String {
    command.usage_with(|placeholder| tr(&format!("chat-arg-{}", placeholder.key())))
}

/// Parses a catalogue: `key = text`, indented continuation lines, `#` comments.
pub fn parse(source: &str) -> HashMap<String, String> {
    let mut messages: HashMap<String, String> = HashMap::new();
    let mut last: Option<String> = None;
    for line in source.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if line.starts_with(' ')
            && let Some(key) = &last
            && let Some(text) = messages.get_mut(key)
        {
            text.push('\n');
            text.push_str(line.trim());
            continue;
        }
        if let Some((key, text)) = line.split_once('=') {
            let key = key.trim().to_owned();
            messages.insert(key.clone(), text.trim().to_owned());
            last = Some(key);
        }
    }
    messages
}

fn catalogue(lang: Lang) -> &'static HashMap<String, String> {
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    static ES: OnceLock<HashMap<String, String>> = OnceLock::new();
    match lang {
        Lang::En => EN.get_or_init(|| parse(ENGLISH)),
        Lang::Es => ES.get_or_init(|| parse(SPANISH)),
    }
}

/// The sentence `key` in the current language (English if it is missing
/// there, the key itself if it is missing everywhere).
pub fn tr(key: &str) -> String {
    catalogue(current())
        .get(key)
        .or_else(|| catalogue(Lang::En).get(key))
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// The same with `{ $name }` filled in from `args`.
pub fn tr_args(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut text = tr(key);
    for (name, value) in args {
        text = text.replace(&format!("{{ ${name} }}"), &value.to_string());
    }
    text
}

/// Declares a text module's sentences as functions reading the catalogue.
#[macro_export]
macro_rules! texts {
    ($($name:ident = $key:literal;)*) => {
        $(
            #[allow(non_snake_case)]
            pub fn $name() -> String {
                $crate::i18n::tr($key)
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let (en, es) = (parse(ENGLISH), parse(SPANISH));
        let mut missing: Vec<String> = en
            .keys()
            .filter(|k| !es.contains_key(*k))
            .map(|k| format!("es lacks {k}"))
            .chain(
                es.keys()
                    .filter(|k| !en.contains_key(*k))
                    .map(|k| format!("en lacks {k}")),
            )
            .collect();
        let placeholders = |text: &str| -> Vec<String> {
            let mut found: Vec<String> = text
                .split("{ $")
                .skip(1)
                .filter_map(|rest| rest.split_once(" }").map(|(name, _)| name.to_owned()))
                .collect();
            found.sort();
            found
        };
        for (key, text) in &en {
            if let Some(other) = es.get(key)
                && placeholders(text) != placeholders(other)
            {
                missing.push(format!("{key}: placeholders differ"));
            }
        }
        missing.sort();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn every_key_the_code_uses_is_in_the_catalogue() {
        let en = parse(ENGLISH);
        let mut unknown = Vec::new();
        for entry in walk(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))) {
            let source = std::fs::read_to_string(&entry).unwrap_or_default();
            // Keys appear as `tr("key"`, `tr_args("key"` or, in `texts!`,
            // as `NAME = "key";`.
            let keys = source
                .split("tr(\"")
                .skip(1)
                .chain(source.split("tr_args(\"").skip(1))
                .filter_map(|rest| rest.split('"').next())
                .chain(source.lines().filter_map(|line| {
                    let (name, rest) = line.trim().split_once(" = \"")?;
                    let key = rest.strip_suffix("\";")?;
                    name.chars()
                        .all(|c| c.is_ascii_uppercase() || c == '_')
                        .then_some(key)
                }));
            for key in keys {
                if KEY_PREFIXES.iter().any(|p| key.starts_with(p)) && !en.contains_key(key) {
                    unknown.push(format!("{}: {key}", entry.display()));
                }
            }
        }
        assert!(unknown.is_empty(), "{unknown:#?}");
    }

    /// The first word of every key in the catalogues.
    const KEY_PREFIXES: &[&str] = &[
        "login-", "signup-", "chat-", "private-", "rooms-", "servers-", "status-", "trust-",
        "users-", "view-", "app-", "session-", "host-", "notice-", "error-", "net-", "gender-",
        "files-", "rule-",
    ];

    #[test]
    fn every_rule_and_command_problem_has_a_sentence() {
        use tertulia_shared::command::{COMMANDS, Placeholder, Problem};
        use tertulia_shared::validate::Rule;
        let en = parse(ENGLISH);
        let keys = Rule::ALL
            .iter()
            .map(|rule| format!("rule-{}", rule.key()))
            .chain(
                Problem::ALL
                    .iter()
                    .map(|p| format!("chat-parse-{}", p.key())),
            )
            .chain(
                Placeholder::ALL
                    .iter()
                    .map(|p| format!("chat-arg-{}", p.key())),
            )
            .chain(COMMANDS.iter().map(|c| format!("chat-help-{}", c.help)));
        let missing: Vec<String> = keys.filter(|key| !en.contains_key(key)).collect();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn rules_and_command_problems_read_in_spanish() {
        use tertulia_shared::command::parse;
        use tertulia_shared::validate;
        set(Lang::Es);
        let error = validate::person_name(tertulia_shared::Field::LastNames, " ").unwrap_err();
        assert_eq!(field_error(&error), "Los apellidos no pueden estar vacíos.");
        let error = validate::login("ab").unwrap_err();
        assert_eq!(
            field_error(&error),
            "Un usuario tiene de 3 a 32 caracteres."
        );
        let error = parse("#gR").unwrap_err();
        assert_eq!(parse_error(&error), "¿A qué sala? Uso: #gR <sala>");
        let error = parse("#hola").unwrap_err();
        assert_eq!(
            parse_error(&error),
            "No existe el comando #hola. Escribe #help para verlos todos."
        );
        set(Lang::En);
        let error = validate::login("ab").unwrap_err();
        assert_eq!(
            field_error(&error),
            error.message,
            "English is the rule's own"
        );
        assert_eq!(
            parse_error(&parse("#gR").unwrap_err()),
            parse("#gR").unwrap_err().to_string()
        );
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }

    #[test]
    fn a_thread_that_speaks_for_a_window_follows_its_language_at_once() {
        set(Lang::En);
        let language = speaking();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (back_tx, back_rx) = std::sync::mpsc::channel();
        let network = std::thread::spawn(move || {
            speak(language);
            for () in rx {
                let _ = back_tx.send(current());
            }
        });
        let ask = || {
            let _ = tx.send(());
            back_rx.recv().ok()
        };
        assert_eq!(ask(), Some(Lang::En));
        set(Lang::Es);
        assert_eq!(ask(), Some(Lang::Es), "the change reached the other thread");
        set(Lang::En);
        drop(tx);
        let _ = network.join();
    }

    #[test]
    fn the_locale_picks_the_language_and_arguments_fill_in() {
        let catalogue = parse("a = Hola { $name }\n  y adiós\n# nada\nb=x");
        assert_eq!(catalogue["a"], "Hola { $name }\ny adiós");
        assert_eq!(catalogue["b"], "x");
    }
}
