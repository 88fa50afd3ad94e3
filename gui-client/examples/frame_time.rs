//! Frame time of the chat view with a 10,000-message room: a benchmark that
//! prints figures (not a test). `cargo run --release -p tertulia --example frame_time`
//!
//! Runs the real `messages_ui` in a kittest harness (layout and tessellation,
//! no GPU), at the bottom of the log and scrolled up.

// Printing its figures is this program's whole job.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use tertulia::state::Line;
use tertulia::ui::chat::{MessageView, messages_ui};

struct Room {
    lines: Vec<Line>,
    view: MessageView,
    thumbnails: tertulia::ui::thumbnails::Thumbnails,
}

fn room(n: usize) -> Room {
    let texts = [
        "¡Hola a todos! ¿Alguien tiene los apuntes de redes?",
        "Sí, los subo en un momento. Están en la carpeta del curso, junto con las prácticas del \
         laboratorio y el enunciado del proyecto final, que hay que entregar el viernes.",
        "ok",
    ];
    let lines = (0..n)
        .map(|i| match i % 10 {
            9 => Line::Notice(format!("user{} joined lobby.", i % 37)),
            _ => Line::Chat {
                edited: false,
                reactions: Vec::new(),
                reply_to: None,
                id: i as u64 + 1,
                from: format!("user{}", i % 37),
                text: texts[i % texts.len()].to_owned(),
                time_ms: 1_795_330_000_000 + i as i64 * 1000,
                mine: i % 7 == 0,
                mention: i % 50 == 0,
                file: None,
                deleted: false,
            },
        })
        .collect();
    Room {
        lines,
        view: MessageView::default(),
        thumbnails: Default::default(),
    }
}

fn measure(harness: &mut Harness<'_, Room>, frames: usize) -> Vec<Duration> {
    (0..frames)
        .map(|_| {
            let start = Instant::now();
            harness.step();
            start.elapsed()
        })
        .collect()
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    let max = times[times.len() - 1];
    println!(
        "{what:<34} p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms   ({} frames)",
        ms(p50),
        ms(p99),
        ms(max),
        times.len()
    );
}

fn main() {
    for n in [100, 10_000] {
        let mut harness = Harness::builder().with_size([800.0, 600.0]).build_ui_state(
            |ui, room: &mut Room| {
                messages_ui(
                    ui,
                    &mut room.view,
                    &room.lines,
                    ("lobby", 0),
                    &mut room.thumbnails,
                    tertulia::ui::message::Reader {
                        login: "user0",
                        staff: false,
                        conversation: None,
                    },
                );
            },
            room(n),
        );
        // First frames lay out what is visible and settle the scroll position.
        let first = measure(&mut harness, 1);
        harness.run_steps(5);
        report(&format!("{n} messages, first frame"), first);
        report(
            &format!("{n} messages, at the bottom"),
            measure(&mut harness, 300),
        );
        harness
            .state_mut()
            .lines
            .push(Line::Notice("one more".into()));
        report(
            &format!("{n} messages, one arriving"),
            measure(&mut harness, 1),
        );
        // Scroll up with the mouse wheel, the pointer over the list.
        harness.event(egui::Event::PointerMoved(egui::pos2(400.0, 300.0)));
        for _ in 0..40 {
            harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Page,
                delta: egui::vec2(0.0, 3.0),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
            harness.step();
        }
        report(
            &format!("{n} messages, scrolled up"),
            measure(&mut harness, 300),
        );
    }
}
