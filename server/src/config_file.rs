//! `tertulia-server --config FILE`: every command-line option, in TOML.
//!
//! ```toml
//! port = 7878
//! max-per-address = 512     # or max_per_address
//! name = "Aula 3"
//! no-announce = true        # a flag: true or false
//! admin = ["ana", "luis"]   # an option given more than once
//! ```
//!
//! The file's options go under the command line's, so what is typed wins.
//! An unknown option or a bad value stops the server at start with the
//! file, the line and what is allowed: a typo in a technician's file must
//! not be silently ignored.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::error::ErrorKind;
use clap::{ArgAction, CommandFactory};

/// Why the options could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not valid TOML: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("{}, line {line}: there is no option `{key}`; the options are: {}", path.display(), allowed.join(", "))]
    Unknown {
        path: PathBuf,
        line: usize,
        key: String,
        allowed: Vec<String>,
    },
    #[error("{}, line {line}: `{key}`: {message}", path.display())]
    Value {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    /// The command line itself (clap prints these as usual).
    #[error("{0}")]
    CommandLine(clap::Error),
}

/// The options of the TOML file at `path` as command-line arguments of `P`
/// (`--port 7878`…), each checked on its own first.
pub fn options_in<P: CommandFactory>(path: &Path) -> Result<Vec<OsString>, ConfigFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let table: toml::Table =
        text.parse()
            .map_err(|e: toml::de::Error| ConfigFileError::Syntax {
                path: path.to_owned(),
                message: e.to_string().trim_end().to_owned(),
            })?;
    let command = P::command();
    let options: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|arg| {
            arg.get_long()
                .is_some_and(|long| !matches!(long, "config" | "help" | "version"))
        })
        .collect();
    let mut args = Vec::new();
    for (key, value) in &table {
        let name = key.replace('_', "-");
        let line = line_of(&text, key);
        let Some(option) = options
            .iter()
            .find(|arg| arg.get_long() == Some(name.as_str()))
        else {
            return Err(ConfigFileError::Unknown {
                path: path.to_owned(),
                line,
                key: key.clone(),
                allowed: options
                    .iter()
                    .filter_map(|arg| arg.get_long().map(str::to_owned))
                    .collect(),
            });
        };
        let bad = |message: String| ConfigFileError::Value {
            path: path.to_owned(),
            line,
            key: key.clone(),
            message,
        };
        let flag = matches!(option.get_action(), ArgAction::SetTrue);
        let repeatable = matches!(option.get_action(), ArgAction::Append);
        let these: Vec<String> = match value {
            // `admin = ["ana", "luis"]`: the option once per value.
            toml::Value::Array(items) if repeatable => {
                let mut args = Vec::new();
                for item in items {
                    let Some(text) = item.as_str() else {
                        return Err(bad("expects a list of \"strings\"".into()));
                    };
                    args.extend([format!("--{name}"), text.to_owned()]);
                }
                args
            }
            toml::Value::Boolean(true) if flag => vec![format!("--{name}")],
            toml::Value::Boolean(false) if flag => Vec::new(),
            _ if flag => return Err(bad("is true or false".into())),
            toml::Value::String(text) => vec![format!("--{name}"), text.clone()],
            toml::Value::Integer(number) => vec![format!("--{name}"), number.to_string()],
            toml::Value::Float(number) => vec![format!("--{name}"), number.to_string()],
            other => {
                return Err(bad(format!(
                    "expects one value (a number or a \"string\"), not {}",
                    other.type_str()
                )));
            }
        };
        // Checked alone, so that a bad value is told with its line.
        let alone = std::iter::once("tertulia-server".to_owned()).chain(these.iter().cloned());
        if let Err(e) = P::command().try_get_matches_from(alone)
            && matches!(
                e.kind(),
                ErrorKind::InvalidValue | ErrorKind::ValueValidation
            )
        {
            return Err(bad(clap_sentence(&e)));
        }
        args.extend(these.into_iter().map(OsString::from));
    }
    Ok(args)
}

/// The first line of clap's message, without its "error: ".
fn clap_sentence(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_owned()
}

/// The line (from 1) where `key` is set, or 0 if it cannot be found.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")));
            rest.is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |index| index + 1)
}

#[cfg(test)]
mod tests;
