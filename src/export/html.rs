//! The report as one self-contained HTML page (`report.html`): the report's blocks
//! ([`crate::export::report::Block`]) with the maps inline as SVG, and a small style sheet in
//! the page. Nothing is loaded from anywhere else: no script, web font, style sheet or image
//! link, so the page reads the same offline, attached to an e-mail or zipped with the run.
//! Text uses a list of font families with Chinese glyphs first.

use crate::export::maps::{Figure, font_family};
use crate::export::report::Block;
use crate::model::Lang;

/// Escape text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report's inline markup: `**bold**` and `` `code` `` (everything else escaped).
pub fn inline(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        let bold = rest.find("**");
        let code = rest.find('`');
        match (bold, code) {
            (Some(b), c) if c.is_none_or(|c| b < c) => {
                let Some(end) = rest[b + 2..].find("**") else {
                    out.push_str(&esc(rest));
                    break;
                };
                out.push_str(&esc(&rest[..b]));
                out.push_str(&format!(
                    "<strong>{}</strong>",
                    esc(&rest[b + 2..b + 2 + end])
                ));
                rest = &rest[b + 2 + end + 2..];
            }
            (_, Some(c)) => {
                let Some(end) = rest[c + 1..].find('`') else {
                    out.push_str(&esc(rest));
                    break;
                };
                out.push_str(&esc(&rest[..c]));
                out.push_str(&format!("<code>{}</code>", esc(&rest[c + 1..c + 1 + end])));
                rest = &rest[c + 1 + end + 1..];
            }
            _ => {
                out.push_str(&esc(rest));
                break;
            }
        }
    }
    out
}

/// The page: `blocks` in order, each [`Block::Figure`] as its SVG from `figures` inline.
pub fn page(blocks: &[Block], figures: &[Figure], lang: Lang) -> String {
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(t) => Some(t.as_str()),
            _ => None,
        })
        .unwrap_or("regionlink");
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\nbody {{ font-family: {}; max-width: 900px; margin: 2em auto; padding: 0 1em; color: #1e1e1e; line-height: 1.45; }}\nh1 {{ font-size: 1.6em; }} h2 {{ font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }}\ntable {{ border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }}\nth, td {{ border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; }}\nth {{ background: #f2f2f2; }}\ncode {{ background: #f4f4f4; padding: 0 0.2em; }}\nfigure {{ margin: 1.2em 0; }} figure svg {{ max-width: 100%; height: auto; }}\nfigcaption {{ font-size: 0.9em; color: #555; }}\n</style>\n</head>\n<body>\n",
        match lang {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        },
        esc(title),
        font_family()
    );
    for b in blocks {
        match b {
            Block::Title(t) => h.push_str(&format!("<h1>{}</h1>\n", inline(t))),
            Block::Heading(t) => h.push_str(&format!("<h2>{}</h2>\n", inline(t))),
            Block::Para(t) => h.push_str(&format!("<p>{}</p>\n", inline(t))),
            Block::List(items) => {
                h.push_str("<ul>\n");
                for it in items {
                    h.push_str(&format!("<li>{}</li>\n", inline(it)));
                }
                h.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                h.push_str("<table>\n<thead><tr>");
                for c in head {
                    h.push_str(&format!("<th>{}</th>", inline(c)));
                }
                h.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    h.push_str("<tr>");
                    for c in r {
                        h.push_str(&format!("<td>{}</td>", inline(c)));
                    }
                    h.push_str("</tr>\n");
                }
                h.push_str("</tbody>\n</table>\n");
            }
            Block::Figure(file, caption) => {
                if let Some(f) = figures.iter().find(|f| &f.file == file) {
                    h.push_str("<figure>\n");
                    h.push_str(&f.svg);
                    h.push_str(&format!(
                        "<figcaption>{}</figcaption>\n</figure>\n",
                        esc(caption)
                    ));
                }
            }
        }
    }
    h.push_str("</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_and_escaping() {
        assert_eq!(
            inline("a **62.0 min** from `x<y` & b"),
            "a <strong>62.0 min</strong> from <code>x&lt;y</code> &amp; b"
        );
        assert_eq!(inline("T(C→i) ≤ (1 + 0.25)·85"), "T(C→i) ≤ (1 + 0.25)·85");
        assert_eq!(inline("odd ** star"), "odd ** star");
    }
}
