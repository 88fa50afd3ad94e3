//! A short chime when a private message or a mention arrives. It plays on a
//! thread of its own, so the window never waits for the sound card; a
//! computer without one (or without a sound server) says so once in the log
//! and stays quiet.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SizedSample};

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

/// Plays the chime on the default output and returns when it is done.
fn play() -> Result<(), String> {
    let device = cpal::default_host()
        .default_output_device()
        .ok_or("this computer has no sound output")?;
    let config = device
        .default_output_config()
        .map_err(|error| error.to_string())?;
    let format = config.sample_format();
    let config: cpal::StreamConfig = config.into();
    let stream = match format {
        cpal::SampleFormat::F32 => stream::<f32>(&device, &config),
        cpal::SampleFormat::I16 => stream::<i16>(&device, &config),
        cpal::SampleFormat::U16 => stream::<u16>(&device, &config),
        cpal::SampleFormat::I32 => stream::<i32>(&device, &config),
        other => return Err(format!("unsupported sample format {other}")),
    }?;
    stream.play().map_err(|error| error.to_string())?;
    std::thread::sleep(length() + Duration::from_millis(100));
    Ok(())
}

fn stream<T: SizedSample + FromSample<f32>>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
) -> Result<cpal::Stream, String> {
    let rate = config.sample_rate.0 as f32;
    let channels = usize::from(config.channels.max(1));
    let mut frame = 0u64;
    device
        .build_output_stream(
            config,
            move |data: &mut [T], _| {
                for out in data.chunks_mut(channels) {
                    let value = T::from_sample(sample_at(frame as f32 / rate));
                    out.fill(value);
                    frame += 1;
                }
            },
            |error| tracing::debug!("chime: {error}"),
            None,
        )
        .map_err(|error| error.to_string())
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
}
