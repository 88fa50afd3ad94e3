//! A message's text as a programming class writes it: `**bold**`,
//! `*italic*`, `` `code` ``, links, and fenced code blocks (```` ```rust ````)
//! in a monospace font, highlighted, with a copy button. The wire keeps the
//! plain text; this is only the client's reading of it, and HTML in a
//! message is shown as the text it is, never run.

use egui::{FontId, RichText, Ui};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// A run of text and how it looks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    /// A link's target (`[text](url)`); bare links are found in `text`.
    pub link: Option<String>,
}

/// A paragraph-like piece of a message, or a code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Text(Vec<Run>),
    Code { language: String, code: String },
}

/// Whether `text` has anything Markdown would change: most chat lines do
/// not, and are drawn in one piece without being parsed.
pub fn needs_markdown(text: &str) -> bool {
    text.contains(['`', '*', '_', '[', '#', '>']) || text.contains("\n- ")
}

/// The blocks of a message.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let (mut bold, mut italic) = (0u32, 0u32);
    let mut link: Option<String> = None;
    let mut code: Option<(String, String)> = None;
    let push =
        |runs: &mut Vec<Run>, text: &str, style: (bool, bool, bool), link: &Option<String>| {
            let (bold, italic, code) = style;
            match runs.last_mut() {
                Some(last)
                    if (last.bold, last.italic, last.code) == (bold, italic, code)
                        && last.link == *link =>
                {
                    last.text.push_str(text)
                }
                _ => runs.push(Run {
                    text: text.to_owned(),
                    bold,
                    italic,
                    code,
                    link: link.clone(),
                }),
            }
        };
    let flush = |runs: &mut Vec<Run>, blocks: &mut Vec<Block>| {
        while runs
            .last()
            .is_some_and(|r| r.text.trim().is_empty() && r.link.is_none())
        {
            runs.pop();
        }
        if let Some(last) = runs.last_mut() {
            last.text = last.text.trim_end().to_owned();
        }
        if !runs.is_empty() {
            blocks.push(Block::Text(std::mem::take(runs)));
        }
    };
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        let style = (bold > 0, italic > 0, false);
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                flush(&mut runs, &mut blocks);
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((language, code)) = code.take() {
                    let code = code.trim_end_matches('\n').to_owned();
                    blocks.push(Block::Code { language, code });
                }
            }
            Event::Text(text) => match &mut code {
                Some((_, code)) => code.push_str(&text),
                None => push(&mut runs, &text, style, &link),
            },
            Event::Code(text) => push(&mut runs, &text, (style.0, style.1, true), &link),
            // Shown as typed: a message never runs HTML.
            Event::Html(text) | Event::InlineHtml(text) => push(&mut runs, &text, style, &link),
            Event::SoftBreak | Event::HardBreak => push(&mut runs, "\n", style, &link),
            Event::Start(Tag::Strong | Tag::Heading { .. }) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::End(TagEnd::Heading(_)) => {
                bold = bold.saturating_sub(1);
                push(&mut runs, "\n", style, &link);
            }
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => link = None,
            Event::Start(Tag::Item) => push(&mut runs, "• ", style, &link),
            Event::End(TagEnd::Item | TagEnd::Paragraph | TagEnd::BlockQuote(_)) => {
                push(&mut runs, "\n", style, &link)
            }
            _ => {}
        }
    }
    flush(&mut runs, &mut blocks);
    blocks
}

/// Draws a message's blocks, `head` (its time and author) first, on the
/// first line of its text when it starts with text; `font` is the log's
/// body font. Returns `head`'s response.
pub fn markdown_ui(
    ui: &mut Ui,
    text: &str,
    font: &FontId,
    head: impl FnOnce(&mut Ui) -> egui::Response,
) -> egui::Response {
    let mut head = Some(head);
    let mut response = None;
    for block in blocks(text) {
        match block {
            Block::Text(runs) => {
                let first = head.take();
                let drawn = text_ui(ui, &runs, font, first);
                response = response.or(drawn);
            }
            Block::Code { language, code } => {
                if let Some(head) = head.take() {
                    response = Some(head(ui));
                }
                code_block_ui(ui, &language, &code);
            }
        }
    }
    match (response, head) {
        (Some(response), _) => response,
        (None, Some(head)) => head(ui),
        (None, None) => ui.label(""),
    }
}

fn text_ui(
    ui: &mut Ui,
    runs: &[Run],
    font: &FontId,
    head: Option<impl FnOnce(&mut Ui) -> egui::Response>,
) -> Option<egui::Response> {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        let head = head.map(|head| head(ui));
        let code_bg = ui.visuals().code_bg_color;
        for run in runs {
            let styled = |piece: &str| {
                let mut rich = RichText::new(piece);
                rich = if run.code {
                    rich.monospace().background_color(code_bg)
                } else {
                    rich.font(font.clone())
                };
                if run.bold {
                    rich = rich.strong();
                }
                if run.italic {
                    rich = rich.italics();
                }
                rich
            };
            if let Some(link) = &run.link {
                ui.hyperlink_to(styled(&run.text), link);
                continue;
            }
            let links = super::links_in(&run.text);
            for (is_link, piece) in pieces(&run.text, &links) {
                if is_link {
                    ui.hyperlink_to(styled(piece), piece);
                } else {
                    ui.label(styled(piece));
                }
            }
        }
        head
    })
    .inner
}

/// The text cut at its links: `(true, link)` for each link, in order,
/// `(false, text)` for what stands between them.
fn pieces<'a>(text: &'a str, links: &[&'a str]) -> Vec<(bool, &'a str)> {
    let mut out = Vec::new();
    let mut rest = text;
    for link in links {
        let Some(at) = rest.find(link) else { continue };
        if at > 0 {
            out.push((false, &rest[..at]));
        }
        out.push((true, *link));
        rest = &rest[at + link.len()..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// A code block: highlighted when its language is known, selectable, and
/// copied whole with one click.
fn code_block_ui(ui: &mut Ui, language: &str, code: &str) {
    let theme = egui_extras::syntax_highlighting::CodeTheme::from_style(ui.style());
    let language = if language.is_empty() { "rs" } else { language };
    let job =
        egui_extras::syntax_highlighting::highlight(ui.ctx(), ui.style(), &theme, code, language);
    egui::Frame::NONE
        .fill(ui.visuals().code_bg_color)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::same(6))
        .show(ui, |ui| {
            ui.horizontal_top(|ui| {
                ui.add(egui::Label::new(job).selectable(true).wrap());
                if ui
                    .small_button("📋")
                    .on_hover_text(crate::i18n::tr("code-copy"))
                    .clicked()
                {
                    ui.ctx().copy_text(code.to_owned());
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Run {
        Run {
            text: text.into(),
            ..Run::default()
        }
    }

    #[test]
    fn plain_lines_are_not_parsed_and_code_is_its_own_block() {
        assert!(!needs_markdown("hola, ¿qué tal?"));
        assert!(needs_markdown("usa `cargo run`"));
        let text = "mira esto:\n```rust\nfn main() {\n    println!(\"hola\");\n}\n```\n¿**por qué** falla?";
        assert_eq!(
            blocks(text),
            [
                Block::Text(vec![run("mira esto:")]),
                Block::Code {
                    language: "rust".into(),
                    code: "fn main() {\n    println!(\"hola\");\n}".into()
                },
                Block::Text(vec![
                    run("¿"),
                    Run {
                        text: "por qué".into(),
                        bold: true,
                        ..Run::default()
                    },
                    run(" falla?"),
                ]),
            ]
        );
    }

    #[test]
    fn html_is_text_and_links_keep_their_target() {
        let blocks = blocks("mira <script>alert(1)</script> y [el enunciado](https://x.org/p3)");
        let Block::Text(runs) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let all: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert!(all.contains("<script>alert(1)</script>"), "{all}");
        assert!(
            runs.iter()
                .any(|r| r.link.as_deref() == Some("https://x.org/p3") && r.text == "el enunciado")
        );
    }

    #[test]
    fn a_message_is_cut_at_its_links_and_each_link_stands_once() {
        let text = "el enunciado: https://campus.ejemplo.es/p3. y https://x.org";
        let links = crate::ui::links_in(text);
        assert_eq!(
            pieces(text, &links),
            [
                (false, "el enunciado: "),
                (true, "https://campus.ejemplo.es/p3"),
                (false, ". y "),
                (true, "https://x.org"),
            ]
        );
        let joined: String = pieces(text, &links).iter().map(|(_, p)| *p).collect();
        assert_eq!(joined, text, "nothing lost, nothing said twice");
    }
}
