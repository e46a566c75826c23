//! Server-rendered SVG charts: horizontal bars, columns over time and lines of percentages.
//!
//! Written here rather than with `plotters`: these are three simple shapes, the bars must be
//! links to the matching queue, and plotters' text layout needs font files on the server. Each
//! chart is a picture of the table printed beside it (same numbers, with its title and summary
//! in the page): the SVG is hidden from assistive technology and its links are out of the tab
//! order, the table's links are the accessible way in.

use std::fmt::Write;

pub struct Bar {
    pub label: String,
    pub value: i64,
    pub href: Option<String>,
}

pub struct Series {
    pub name: String,
    /// CSS class giving the colour (`s1`, `s2`).
    pub class: &'static str,
    /// One value per bucket; `None` draws nothing there.
    pub values: Vec<Option<f64>>,
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn open(width: u32, height: u32) -> String {
    format!(
        r#"<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet">"#
    )
}

/// A "nice" maximum for an axis: 1, 2 or 5 times a power of ten, at least `max`.
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

/// Horizontal bars, one per item, the label on the left and the value at the end.
pub fn bars(items: &[Bar]) -> String {
    let row = 24;
    let label_w = 230;
    let bar_w = 340.0;
    let height = (items.len() as u32).max(1) * row + 8;
    let max = items.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut s = open(640, height);
    for (i, b) in items.iter().enumerate() {
        let y = 4 + i as u32 * row;
        let w = (b.value as f64 / max * bar_w).max(if b.value > 0 { 2.0 } else { 0.0 });
        let label = escape(&shorten(&b.label, 34));
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="lbl" text-anchor="end">{label}</text>"#,
            label_w - 8,
            y + 16
        );
        let rect = format!(
            r#"<rect x="{label_w}" y="{}" width="{w:.1}" height="{}" class="s1"/><text x="{:.1}" y="{}" class="val">{}</text>"#,
            y + 3,
            row - 8,
            label_w as f64 + w + 6.0,
            y + 16,
            b.value
        );
        match &b.href {
            Some(h) => {
                let _ = write!(s, r#"<a href="{}" tabindex="-1">{rect}</a>"#, escape(h));
            }
            None => s.push_str(&rect),
        }
    }
    s.push_str("</svg>");
    s
}

/// Labels under the x axis: at most about twelve, evenly spaced.
fn x_labels(s: &mut String, labels: &[String], x_of: impl Fn(usize) -> f64, y: f64) {
    let every = labels.len().div_ceil(12).max(1);
    for (i, l) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{y}" class="lbl" text-anchor="middle">{}</text>"#,
            x_of(i),
            escape(l)
        );
    }
}

/// Five horizontal lines across the plot (0, ¼, ½, ¾, all), each labelled on the left.
fn grid(
    s: &mut String,
    (left, right): (f64, f64),
    (top, height): (f64, f64),
    label: impl Fn(u32) -> String,
) {
    for k in 0..=4u32 {
        let y = top + height - height * k as f64 / 4.0;
        let _ = write!(
            s,
            r#"<line x1="{left}" x2="{right}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" class="lbl" text-anchor="end">{}</text>"#,
            left - 4.0,
            y + 4.0,
            escape(&label(k))
        );
    }
}

fn legend(s: &mut String, series: &[Series], y: f64) {
    let mut x = 60.0;
    for se in series {
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{}" width="12" height="12" class="{}"/><text x="{}" y="{y}" class="lbl">{}</text>"#,
            y - 10.0,
            se.class,
            x + 16.0,
            escape(&se.name)
        );
        x += 24.0 + se.name.chars().count() as f64 * 7.0;
    }
}

/// Columns side by side per bucket (counts over time); `hrefs` per bucket make them links.
pub fn columns(series: &[Series], labels: &[String], hrefs: &[Option<String>]) -> String {
    let (w, h) = (640.0, 240.0);
    let (left, right, top, bottom) = (48.0, 8.0, 24.0, 40.0);
    let n = labels.len().max(1);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |a, b| a.max(*b));
    let max = nice_max(max);
    let plot_h = h - top - bottom;
    let slot = (w - left - right) / n as f64;
    let col = (slot * 0.8 / series.len().max(1) as f64).max(1.0);
    let mut s = open(w as u32, h as u32);
    grid(&mut s, (left, w - right), (top, plot_h), |k| {
        (max * k as f64 / 4.0).round().to_string()
    });
    for i in 0..labels.len() {
        let mut group = String::new();
        for (j, se) in series.iter().enumerate() {
            if let Some(v) = se.values.get(i).copied().flatten() {
                let bh = v / max * plot_h;
                let x = left + slot * i as f64 + slot * 0.1 + col * j as f64;
                let _ = write!(
                    group,
                    r#"<rect x="{x:.1}" y="{:.1}" width="{col:.1}" height="{bh:.1}" class="{}"/>"#,
                    top + plot_h - bh,
                    se.class
                );
            }
        }
        match hrefs.get(i).cloned().flatten() {
            Some(href) => {
                let _ = write!(
                    s,
                    r#"<a href="{}" tabindex="-1">{group}</a>"#,
                    escape(&href)
                );
            }
            None => s.push_str(&group),
        }
    }
    x_labels(
        &mut s,
        labels,
        |i| left + slot * (i as f64 + 0.5),
        h - bottom + 16.0,
    );
    legend(&mut s, series, h - 6.0);
    s.push_str("</svg>");
    s
}

/// Lines of percentages (0 to 100) over time; gaps where a bucket has no value.
pub fn lines(series: &[Series], labels: &[String]) -> String {
    let (w, h) = (640.0, 240.0);
    let (left, right, top, bottom) = (48.0, 8.0, 24.0, 40.0);
    let n = labels.len().max(1);
    let plot_h = h - top - bottom;
    let slot = (w - left - right) / n as f64;
    let mut s = open(w as u32, h as u32);
    grid(&mut s, (left, w - right), (top, plot_h), |k| {
        format!("{} %", k * 25)
    });
    for se in series {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in se.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let x = left + slot * (i as f64 + 0.5);
                    let y = top + plot_h - v.clamp(0.0, 100.0) / 100.0 * plot_h;
                    let _ = write!(path, "{}{x:.1},{y:.1} ", if pen_down { "L" } else { "M" });
                    let _ = write!(
                        s,
                        r#"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" class="{}"/>"#,
                        se.class
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(
                s,
                r#"<path d="{}" class="line {}"/>"#,
                path.trim_end(),
                se.class
            );
        }
    }
    x_labels(
        &mut s,
        labels,
        |i| left + slot * (i as f64 + 0.5),
        h - bottom + 16.0,
    );
    legend(&mut s, series, h - 6.0);
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_link_out_of_the_tab_order() {
        let svg = bars(&[Bar {
            label: "<script>alert(1)</script> & co".into(),
            value: 3,
            href: Some("/requests?unit=a&status=all".into()),
        }]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains(r#"href="/requests?unit=a&amp;status=all" tabindex="-1""#));
        assert!(svg.contains(r#"aria-hidden="true""#));
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(12.0), 20.0);
        assert_eq!(nice_max(480.0), 500.0);
        assert_eq!(nice_max(500.0), 500.0);
    }

    #[test]
    fn lines_leave_gaps_where_nothing_was_due() {
        let svg = lines(
            &[Series {
                name: "Résolution".into(),
                class: "s1",
                values: vec![Some(100.0), None, Some(50.0)],
            }],
            &["1".into(), "2".into(), "3".into()],
        );
        let d = svg
            .split(r#"<path d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert!(!d.contains('L'), "{d}");
        assert_eq!(svg.matches("<circle").count(), 2);
    }
}
