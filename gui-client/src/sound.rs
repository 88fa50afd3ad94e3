//! A short chime when a private message or a mention arrives. It plays on a
//! thread of its own, so the window never waits for the sound card; a
//! computer without one (or without a sound server) says so once in the log
//! and stays quiet.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Chimes closer together than this ring once: a burst of messages is one
/// event to the ear.
const QUIET_AFTER: Duration = Duration::from_millis(1500);

/// Where chimes go.
#[derive(Debug)]
pub struct Chimes {
    speakers: bool,
    rung: usize,
    last: Option<Instant>,
    /// Set after the first failure to open the sound output.
    unavailable: Arc<AtomicBool>,
}

impl Chimes {
    /// Chimes through the system's default sound output.
    pub fn speakers() -> Chimes {
        Chimes::new(true)
    }

    /// Chimes that are only counted (tests, and machines where sound makes
    /// no sense).
    pub fn silent() -> Chimes {
        Chimes::new(false)
    }

    fn new(speakers: bool) -> Chimes {
        Chimes {
            speakers,
            rung: 0,
            last: None,
            unavailable: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Rings once, unless it rang a moment ago.
    pub fn ring(&mut self) {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < QUIET_AFTER)
        {
            return;
        }
        self.last = Some(now);
        self.rung += 1;
        if !self.speakers || self.unavailable.load(Ordering::Relaxed) {
            return;
        }
        let unavailable = Arc::clone(&self.unavailable);
        let spawned = std::thread::Builder::new()
            .name("chime".into())
            .spawn(move || {
                if let Err(error) = play()
                    && !unavailable.swap(true, Ordering::Relaxed)
                {
                    tracing::warn!("no notification sound: {error}");
                }
            });
        if let Err(error) = spawned {
            tracing::warn!("no notification sound: {error}");
        }
    }

    /// How many chimes were asked for (after the burst filter).
    pub fn rung(&self) -> usize {
        self.rung
    }
}

/// The chime: two soft notes, a fifth apart, 0.3 s in all.
const NOTES: [(f32, f32); 2] = [(880.0, 0.12), (1318.5, 0.18)];
const VOLUME: f32 = 0.18;

/// The chime's sample at `t` seconds, silence after its end.
fn sample_at(t: f32) -> f32 {
    let mut start = 0.0;
    for (frequency, length) in NOTES {
        if t < start + length {
            let local = t - start;
            // A quick attack and an exponential fade: no clicks.
            let envelope = (local / 0.005).min(1.0) * (-local * 18.0).exp();
            return VOLUME * envelope * (std::f32::consts::TAU * frequency * local).sin();
        }
        start += length;
    }
    0.0
}

fn length() -> Duration {
    Duration::from_secs_f32(NOTES.iter().map(|(_, length)| length).sum())
}

/// Samples per second of the chime's WAV.
const RATE: u32 = 48_000;

/// The chime as a WAV file (16-bit mono PCM), the format every desktop's
/// player reads.
fn wav() -> Vec<u8> {
    let frames = (length().as_secs_f32() * RATE as f32) as u32;
    let data_bytes = frames * 2;
    let mut wav = Vec::with_capacity(44 + data_bytes as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_bytes).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes()); // the fmt chunk's size
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_bytes.to_le_bytes());
    for frame in 0..frames {
        let value = sample_at(frame as f32 / RATE as f32).clamp(-1.0, 1.0);
        wav.extend_from_slice(&((value * f32::from(i16::MAX)) as i16).to_le_bytes());
    }
    wav
}

/// The programs that play a WAV file through the desktop's sound server
/// (PipeWire, PulseAudio), or ALSA directly, in that order of preference.
/// Playing through them instead of linking a sound library lets the client
/// build with nothing but a Rust toolchain and a C compiler.
fn players(file: &str) -> Vec<Vec<String>> {
    let with = |program: &[&str]| {
        program
            .iter()
            .map(|part| part.to_string())
            .chain([file.to_owned()])
            .collect()
    };
    if cfg!(target_os = "macos") {
        vec![with(&["afplay"])]
    } else if cfg!(windows) {
        vec![vec![
            "powershell".into(),
            "-NoProfile".into(),
            "-Command".into(),
            format!("(New-Object Media.SoundPlayer '{file}').PlaySync()"),
        ]]
    } else {
        vec![
            with(&["pw-play"]),
            with(&["paplay"]),
            with(&["aplay", "-q"]),
        ]
    }
}

/// Plays the chime and returns when it is done (or could not be played).
fn play() -> Result<(), String> {
    let file = chime_file()?;
    let file = file.to_string_lossy();
    let mut tried = Vec::new();
    for player in players(&file) {
        let Some((program, args)) = player.split_first() else {
            continue;
        };
        match std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
        {
            Ok(status) if status.success() => return Ok(()),
            Ok(status) => tried.push(format!("{program} ({status})")),
            // Not installed: the next one.
            Err(_) => tried.push(format!("{program} (not found)")),
        }
    }
    Err(format!("no program could play it: {}", tried.join(", ")))
}

/// The chime's WAV, written once per run into the user's cache directory.
fn chime_file() -> Result<std::path::PathBuf, String> {
    static FILE: std::sync::OnceLock<Result<std::path::PathBuf, String>> =
        std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let dir = directories::ProjectDirs::from("org", "Tertulia", "tertulia")
            .map(|dirs| dirs.cache_dir().to_owned())
            .unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join("chime.wav");
        std::fs::write(&path, wav()).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_rings_once() {
        let mut chimes = Chimes::silent();
        chimes.ring();
        chimes.ring();
        assert_eq!(chimes.rung(), 1);
        chimes.last = Some(Instant::now() - QUIET_AFTER);
        chimes.ring();
        assert_eq!(chimes.rung(), 2);
    }

    #[test]
    fn the_chime_is_soft_and_ends() {
        let loudest = (0..30_000)
            .map(|i| sample_at(i as f32 / 48_000.0).abs())
            .fold(0.0, f32::max);
        assert!(loudest > 0.05 && loudest <= VOLUME, "{loudest}");
        assert_eq!(sample_at(length().as_secs_f32() + 0.01), 0.0);
    }

    #[test]
    fn the_chime_is_a_wav_players_read() {
        let wav = wav();
        let u32_at = |at: usize| u32::from_le_bytes(wav[at..at + 4].try_into().unwrap());
        let u16_at = |at: usize| u16::from_le_bytes(wav[at..at + 2].try_into().unwrap());
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(u32_at(4) as usize, wav.len() - 8);
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!((u16_at(20), u16_at(22), u32_at(24)), (1, 1, RATE));
        assert_eq!(u16_at(34), 16);
        assert_eq!(&wav[36..40], b"data");
        assert_eq!(u32_at(40) as usize, wav.len() - 44);
        // 0.3 s of sound, not silence.
        assert_eq!(wav.len() - 44, (0.3 * RATE as f32) as usize * 2);
        assert!(
            wav[44..]
                .chunks(2)
                .any(|s| i16::from_le_bytes([s[0], s[1]]).abs() > 3000)
        );
    }

    #[test]
    fn every_player_is_given_the_file() {
        let players = players("/tmp/chime.wav");
        assert!(!players.is_empty());
        for player in players {
            assert!(
                player.iter().any(|part| part.contains("/tmp/chime.wav")),
                "{player:?}"
            );
        }
    }
}
