//! Dashboard pages: `/dashboard` (pickers, tiles, charts with their tables, satisfaction, low
//! ratings), `/dashboard/report` (the same figures laid out for printing: the monthly report to
//! the Direction générale) and `/dashboard/export/{table}.csv` (every table as CSV).

use super::api::{load, DashboardQuery, Loaded};
use super::charts::{self, Bar, Series};
use super::model::{Compliance, Figures};
use super::period::{Kind, Period, Step};
use super::scope::{Choice, Scope};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::web::extract::Ctx;
use crate::web::render::urlencode;
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(page))
        .route("/dashboard/report", web::get().to(report))
        .route("/dashboard/export/{table}", web::get().to(export));
}

/// The tables of a dashboard, as CSV files.
pub const TABLES: [&str; 8] = [
    "tiles",
    "trend",
    "ages",
    "categories",
    "units",
    "technicians",
    "satisfaction",
    "low_ratings",
];

pub fn decimal(loc: Locale, x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").map(str::to_string).unwrap_or(s);
    match loc {
        Locale::Fr => s.replace('.', ","),
        Locale::En => s,
    }
}

fn percent(loc: Locale, c: &Compliance) -> String {
    match c.percent {
        Some(p) => match loc {
            Locale::Fr => format!("{} %", decimal(loc, p)),
            Locale::En => format!("{}%", decimal(loc, p)),
        },
        None => "—".into(),
    }
}

fn hours(loc: Locale, h: Option<f64>) -> String {
    match h {
        Some(h) => format!("{} h", decimal(loc, h)),
        None => "—".into(),
    }
}

fn t(loc: Locale, key: &str) -> String {
    i18n::tr(loc, key, &[])
}

fn ta(loc: Locale, key: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(String, String)> = args
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    i18n::tr(loc, key, &args)
}

/// The query string of the current choice, for links to the report and the CSV files.
fn query_of(choice: &Scope, p: &Period) -> String {
    let mut q = format!(
        "scope={}&period={}",
        urlencode(&choice.code()),
        p.kind.code()
    );
    if p.kind == Kind::Custom {
        q.push_str(&format!("&from={}&to={}", p.first, p.last));
    }
    q
}

fn period_label(loc: Locale, p: &Period) -> String {
    ta(
        loc,
        "dashboard-period-range",
        &[
            ("from", i18n::format_date(loc, p.first)),
            ("to", i18n::format_date(loc, p.last)),
        ],
    )
}

/// Links to the matching list of requests: the queue for the staff, the unit's requests for a
/// director.
struct Links {
    base: String,
    scope: String,
    unit_scope: bool,
}

impl Links {
    fn new(ctx: &Ctx, scope: &Scope) -> Links {
        let staff = ctx.user.is_staff() || ctx.user.is_auditor();
        Links {
            base: if staff {
                "/queue?".into()
            } else {
                "/requests?view=unit&".into()
            },
            scope: scope.queue_params(),
            unit_scope: matches!(scope, Scope::Unit { .. }),
        }
    }
    fn to(&self, params: &str) -> String {
        format!(
            "{}{}{}",
            self.base,
            params.trim_start_matches('&'),
            self.scope
        )
    }
    /// For the per-unit bars: the unit's own parameter replaces the scope's.
    fn unit(&self, code: &str, range: &str) -> String {
        if self.unit_scope {
            self.to(&format!("status=all{range}"))
        } else {
            format!("{}status=all&unit={}{range}", self.base, urlencode(code))
        }
    }
}

fn range(kind: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    format!(
        "&{kind}_since={}&{kind}_before={}",
        urlencode(&from.to_rfc3339()),
        urlencode(&to.to_rfc3339())
    )
}

fn bucket_label(loc: Locale, step: Step, d: NaiveDate) -> String {
    match step {
        Step::Day => i18n::format_date(loc, d),
        Step::Week => ta(
            loc,
            "dashboard-week-of",
            &[("date", i18n::format_date(loc, d))],
        ),
    }
}

fn short_label(d: NaiveDate) -> String {
    d.format("%d/%m").to_string()
}

/// Everything the page and the report show.
fn view(ctx: &Ctx, l: &Loaded) -> Value {
    let loc = ctx.locale;
    let f = &l.figures;
    let p = &l.period;
    let links = Links::new(ctx, &l.choice.scope);
    let (start, end) = p.instants();
    let created_range = range("created", start, end);
    let resolved_range = range("resolved", start, end);
    let now = f.generated_at;
    let tiles = vec![
        json!({"label": t(loc, "dashboard-backlog"), "value": f.tiles.backlog, "note": t(loc, "dashboard-now"),
               "href": links.to("status=open")}),
        json!({"label": t(loc, "dashboard-new"), "value": f.tiles.new, "note": period_label(loc, p),
               "href": links.to(&format!("status=all{created_range}"))}),
        json!({"label": t(loc, "dashboard-resolved"), "value": f.tiles.resolved, "note": period_label(loc, p),
               "href": links.to(&format!("status=all{resolved_range}"))}),
        json!({"label": t(loc, "dashboard-first-response"), "value": percent(loc, &f.tiles.first_response),
               "note": ta(loc, "dashboard-met-of", &[("met", f.tiles.first_response.met.to_string()), ("due", f.tiles.first_response.due.to_string())]),
               "href": null}),
        json!({"label": t(loc, "dashboard-resolution"), "value": percent(loc, &f.tiles.resolution),
               "note": ta(loc, "dashboard-met-of", &[("met", f.tiles.resolution.met.to_string()), ("due", f.tiles.resolution.due.to_string())]),
               "href": null}),
        json!({"label": t(loc, "dashboard-breaches"), "value": f.tiles.breaches_in_progress, "note": t(loc, "dashboard-now"),
               "href": links.to("sla=breached"), "alert": f.tiles.breaches_in_progress > 0}),
        json!({"label": t(loc, "dashboard-median"), "value": hours(loc, f.tiles.resolve_hours_median),
               "note": ta(loc, "dashboard-p90", &[("hours", hours(loc, f.tiles.resolve_hours_p90))]),
               "href": links.to(&format!("status=all{resolved_range}"))}),
        json!({"label": t(loc, "dashboard-approvals"), "value": f.tiles.approvals_waiting, "note": t(loc, "dashboard-now"),
               "href": links.to("kind=approval")}),
    ];
    // Trends.
    let buckets = p.bucket_instants(crate::transport::model::local(now).date());
    let bucket_end = |i: usize| buckets.get(i + 1).copied().unwrap_or(end);
    let trend_rows: Vec<Value> = f
        .trend
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({"label": bucket_label(loc, p.step(), r.from), "created": r.created, "resolved": r.resolved,
                   "first": percent(loc, &r.first_response), "resolution": percent(loc, &r.resolution),
                   "href": links.to(&format!("status=all{}", range("created", buckets[i], bucket_end(i))))})
        })
        .collect();
    let short: Vec<String> = f.trend.iter().map(|r| short_label(r.from)).collect();
    let volume_svg = charts::columns(
        &[
            Series {
                name: t(loc, "dashboard-new"),
                class: "s1",
                values: f.trend.iter().map(|r| Some(r.created as f64)).collect(),
            },
            Series {
                name: t(loc, "dashboard-resolved"),
                class: "s2",
                values: f.trend.iter().map(|r| Some(r.resolved as f64)).collect(),
            },
        ],
        &short,
        &trend_rows
            .iter()
            .map(|r| r["href"].as_str().map(str::to_string))
            .collect::<Vec<_>>(),
    );
    let sla_svg = charts::lines(
        &[
            Series {
                name: t(loc, "dashboard-first-response"),
                class: "s1",
                values: f.trend.iter().map(|r| r.first_response.percent).collect(),
            },
            Series {
                name: t(loc, "dashboard-resolution"),
                class: "s2",
                values: f.trend.iter().map(|r| r.resolution.percent).collect(),
            },
        ],
        &short,
    );
    let busiest = f.trend.iter().max_by_key(|r| r.created);
    let volume_summary = match busiest {
        Some(b) if f.tiles.new > 0 => ta(
            loc,
            "dashboard-volume-summary",
            &[
                ("new", f.tiles.new.to_string()),
                ("resolved", f.tiles.resolved.to_string()),
                ("peak", bucket_label(loc, p.step(), b.from)),
                ("count", b.created.to_string()),
            ],
        ),
        _ => t(loc, "dashboard-nothing"),
    };
    let sla_summary = ta(
        loc,
        "dashboard-sla-summary",
        &[
            ("first", percent(loc, &f.tiles.first_response)),
            ("resolution", percent(loc, &f.tiles.resolution)),
        ],
    );
    // Backlog by age.
    let age_ranges: [(i64, Option<i64>); 5] = [
        (0, Some(1)),
        (1, Some(3)),
        (3, Some(7)),
        (7, Some(30)),
        (30, None),
    ];
    let age_href = |i: usize| {
        let (young, old) = age_ranges[i];
        let mut s = format!(
            "status=open&created_before={}",
            urlencode(&(now - Duration::days(young)).to_rfc3339())
        );
        if let Some(o) = old {
            s.push_str(&format!(
                "&created_since={}",
                urlencode(&(now - Duration::days(o)).to_rfc3339())
            ));
        }
        links.to(&s)
    };
    let ages: Vec<Value> = f
        .backlog_ages
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"label": r.label, "count": r.count, "href": age_href(i)}))
        .collect();
    let ages_svg = charts::bars(
        &f.backlog_ages
            .iter()
            .enumerate()
            .map(|(i, r)| Bar {
                label: r.label.clone(),
                value: r.count,
                href: Some(age_href(i)),
            })
            .collect::<Vec<_>>(),
    );
    let oldest = f.backlog_ages.last().map(|r| r.count).unwrap_or(0);
    let ages_summary = ta(
        loc,
        "dashboard-ages-summary",
        &[
            ("backlog", f.tiles.backlog.to_string()),
            ("old", oldest.to_string()),
        ],
    );
    // Categories and units (the chart shows the twelve largest; the table, all).
    let cat_href = |code: &str| {
        links.to(&format!(
            "status=all&category={}{created_range}",
            urlencode(code)
        ))
    };
    let categories: Vec<Value> = f
        .categories
        .iter()
        .map(|r| json!({"label": r.label, "count": r.count, "href": cat_href(&r.code)}))
        .collect();
    let categories_svg = charts::bars(
        &f.categories
            .iter()
            .take(12)
            .map(|r| Bar {
                label: r.label.clone(),
                value: r.count,
                href: Some(cat_href(&r.code)),
            })
            .collect::<Vec<_>>(),
    );
    let units: Vec<Value> = f
        .units
        .iter()
        .map(|r| json!({"label": r.label, "count": r.count, "href": links.unit(&r.code, &created_range)}))
        .collect();
    let units_svg = charts::bars(
        &f.units
            .iter()
            .take(12)
            .map(|r| Bar {
                label: r.label.clone(),
                value: r.count,
                href: Some(links.unit(&r.code, &created_range)),
            })
            .collect::<Vec<_>>(),
    );
    let top = |rows: &[super::model::CountRow]| match rows.first() {
        Some(r) => ta(
            loc,
            "dashboard-top-summary",
            &[
                ("label", r.label.clone()),
                ("count", r.count.to_string()),
                ("n", rows.len().to_string()),
            ],
        ),
        None => t(loc, "dashboard-nothing"),
    };
    // Technicians.
    let technicians: Vec<Value> = f
        .technicians
        .iter()
        .map(|r| json!({"name": r.name, "open": r.open, "resolved": r.resolved}))
        .collect();
    let tech_svg = charts::bars(
        &f.technicians
            .iter()
            .take(15)
            .map(|r| Bar {
                label: r.name.clone(),
                value: r.open,
                href: None,
            })
            .collect::<Vec<_>>(),
    );
    let tech_summary = match f.technicians.iter().max_by_key(|r| r.open) {
        Some(r) if r.open > 0 => ta(
            loc,
            "dashboard-tech-summary",
            &[("name", r.name.clone()), ("open", r.open.to_string())],
        ),
        _ => t(loc, "dashboard-nothing"),
    };
    // Satisfaction.
    let s = &f.satisfaction;
    let distribution: Vec<Value> = s
        .distribution
        .iter()
        .enumerate()
        .map(|(i, n)| json!({"label": ta(loc, "rating-value", &[("n", (i + 1).to_string())]), "count": n}))
        .collect();
    let sat_svg = charts::bars(
        &s.distribution
            .iter()
            .enumerate()
            .map(|(i, n)| Bar {
                label: ta(loc, "rating-value", &[("n", (i + 1).to_string())]),
                value: *n,
                href: None,
            })
            .collect::<Vec<_>>(),
    );
    let rating_rows = |rows: &[super::model::RatingRow]| -> Vec<Value> {
        rows.iter()
            .map(|r| {
                json!({"label": r.label, "count": r.count, "average": decimal(loc, r.average),
                       "distribution": r.distribution})
            })
            .collect()
    };
    let sat_summary = match s.average {
        Some(a) => ta(
            loc,
            "dashboard-sat-summary",
            &[("average", decimal(loc, a)), ("count", s.count.to_string())],
        ),
        None => t(loc, "dashboard-no-ratings"),
    };
    let low: Vec<Value> = f
        .low_ratings
        .iter()
        .map(|r| {
            json!({"number": r.number, "title": r.title, "rating": r.rating, "comment": r.comment,
                        "when": i18n::format_datetime(loc, r.rated_at)})
        })
        .collect();
    let query = query_of(&l.choice.scope, p);
    json!({
        "scope_label": f.scope_label,
        "period_label": period_label(loc, p),
        "generated": i18n::format_datetime(loc, f.generated_at),
        "tiles": tiles,
        "trend": {"rows": trend_rows, "volume_svg": volume_svg, "sla_svg": sla_svg,
                  "volume_summary": volume_summary, "sla_summary": sla_summary,
                  "step": t(loc, if p.step() == Step::Day { "dashboard-day" } else { "dashboard-week" })},
        "ages": {"rows": ages, "svg": ages_svg, "summary": ages_summary},
        "categories": {"rows": categories, "svg": categories_svg, "summary": top(&f.categories)},
        "units": {"rows": units, "svg": units_svg, "summary": top(&f.units)},
        "technicians": {"rows": technicians, "svg": tech_svg, "summary": tech_summary},
        "satisfaction": {"distribution": distribution, "svg": sat_svg, "summary": sat_summary,
                         "by_team": rating_rows(&s.by_team), "by_category": rating_rows(&s.by_category),
                         "by_unit": rating_rows(&s.by_unit), "any": s.count > 0},
        "low_ratings": low,
        "report": false,
        "query": query,
        "csv": TABLES.iter().map(|k| (k.to_string(), json!(format!("/dashboard/export/{k}.csv?{query}")))).collect::<serde_json::Map<_, _>>(),
    })
}

/// The scope and period pickers: the scopes this person may pick, the one shown (if any), and
/// the period shown — or as asked, when it was refused.
fn pickers(
    ctx: &Ctx,
    choices: &[Choice],
    shown: Option<(&Scope, &Period)>,
    q: &DashboardQuery,
) -> Value {
    let loc = ctx.locale;
    let current_scope = shown
        .map(|(s, _)| s.code())
        .or(q.scope.clone())
        .unwrap_or_default();
    let current_period = shown
        .map(|(_, p)| p.kind.code().to_string())
        .or(q.period.clone())
        .unwrap_or_else(|| "school_year".into());
    let periods: Vec<Value> = ["week", "month", "school_year", "custom"]
        .iter()
        .map(|k| json!({"value": k, "label": ta(loc, "dashboard-period", &[("code", (*k).into())]), "selected": current_period == *k}))
        .collect();
    let scopes: Vec<Value> = choices
        .iter()
        .map(|c| json!({"value": c.scope.code(), "label": c.label, "selected": c.scope.code() == current_scope}))
        .collect();
    let (from, to) = match shown {
        Some((_, p)) => (p.first.to_string(), p.last.to_string()),
        None => (
            q.from.clone().unwrap_or_default(),
            q.to.clone().unwrap_or_default(),
        ),
    };
    json!({"scopes": scopes, "periods": periods, "from": from, "to": to})
}

/// The report's default: the last full month.
fn last_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_this = today - Duration::days(chrono::Datelike::day0(&today) as i64);
    let last = first_this - Duration::days(1);
    let first = last - Duration::days(chrono::Datelike::day0(&last) as i64);
    (first, last)
}

/// The link to last month's report of this scope, and its label.
fn last_month_report(loc: Locale, scope: &Scope) -> (String, String) {
    let (first, last) = last_month(crate::transport::service::today());
    let href = format!(
        "/dashboard/report?scope={}&period=custom&from={first}&to={last}",
        urlencode(&scope.code())
    );
    let label = ta(
        loc,
        "dashboard-report-of",
        &[("month", i18n::format_month(loc, first))],
    );
    (href, label)
}

async fn page(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let loc = ctx.locale;
    match load(&state, &ctx.user, &q, loc).await {
        Ok(l) => {
            let mut data = view(&ctx, &l);
            let (href, label) = last_month_report(loc, &l.choice.scope);
            let more = json!({
                "title": t(loc, "dashboard-title"),
                "pickers": pickers(&ctx, &l.choices, Some((&l.choice.scope, &l.period)), &q),
                "report_href": href,
                "report_label": label,
                "figures": true,
            });
            crate::web::render::merge(&mut data, more);
            ctx.render(&state, "pages/dashboard/index", data)
        }
        Err(AppError::Invalid(errors)) => {
            // The pickers again, with what is wrong, and no figures.
            let choices = super::api::choices(&state, &ctx.user, loc).await?;
            let data = json!({
                "title": t(loc, "dashboard-title"),
                "pickers": pickers(&ctx, &choices, None, &q),
                "errors": crate::web::render::field_messages(loc, &errors),
                "figures": false,
            });
            ctx.render_status(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "pages/dashboard/index",
                data,
            )
        }
        Err(e) => Err(e),
    }
}

async fn report(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    let loc = ctx.locale;
    let l = load(&state, &ctx.user, &q, loc).await?;
    let mut data = view(&ctx, &l);
    data["title"] = json!(ta(
        loc,
        "dashboard-report-title",
        &[
            ("scope", l.figures.scope_label.clone()),
            ("period", period_label(loc, &l.period))
        ]
    ));
    data["report"] = json!(true);
    data["back"] = json!(format!(
        "/dashboard?{}",
        query_of(&l.choice.scope, &l.period)
    ));
    ctx.render(&state, "pages/dashboard/report", data)
}

fn csv_of(loc: Locale, f: &Figures, table: &str) -> Result<Vec<u8>, AppError> {
    let io = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let head = |keys: &[&str]| keys.iter().map(|k| t(loc, k)).collect::<Vec<_>>();
        let pct = |c: &Compliance| c.percent.map(|p| decimal(loc, p)).unwrap_or_default();
        let opt = |h: Option<f64>| h.map(|h| decimal(loc, h)).unwrap_or_default();
        match table {
            "tiles" => {
                w.write_record(head(&["csv-figure", "csv-value"]))
                    .map_err(io)?;
                let rows = [
                    ("dashboard-backlog", f.tiles.backlog.to_string()),
                    ("dashboard-new", f.tiles.new.to_string()),
                    ("dashboard-resolved", f.tiles.resolved.to_string()),
                    ("dashboard-first-response", pct(&f.tiles.first_response)),
                    ("dashboard-resolution", pct(&f.tiles.resolution)),
                    (
                        "dashboard-breaches",
                        f.tiles.breaches_in_progress.to_string(),
                    ),
                    ("dashboard-median", opt(f.tiles.resolve_hours_median)),
                    ("csv-p90", opt(f.tiles.resolve_hours_p90)),
                    ("dashboard-approvals", f.tiles.approvals_waiting.to_string()),
                ];
                for (k, v) in rows {
                    w.write_record([t(loc, k), v]).map_err(io)?;
                }
            }
            "trend" => {
                w.write_record(head(&[
                    "csv-from",
                    "dashboard-new",
                    "dashboard-resolved",
                    "csv-first-due",
                    "csv-first-met",
                    "csv-resolution-due",
                    "csv-resolution-met",
                ]))
                .map_err(io)?;
                for r in &f.trend {
                    w.write_record([
                        r.from.to_string(),
                        r.created.to_string(),
                        r.resolved.to_string(),
                        r.first_response.due.to_string(),
                        r.first_response.met.to_string(),
                        r.resolution.due.to_string(),
                        r.resolution.met.to_string(),
                    ])
                    .map_err(io)?;
                }
            }
            "ages" | "categories" | "units" => {
                w.write_record(head(&["csv-label", "csv-count"]))
                    .map_err(io)?;
                let rows = match table {
                    "ages" => &f.backlog_ages,
                    "categories" => &f.categories,
                    _ => &f.units,
                };
                for r in rows {
                    w.write_record([r.label.clone(), r.count.to_string()])
                        .map_err(io)?;
                }
            }
            "technicians" => {
                w.write_record(head(&["csv-technician", "csv-open", "dashboard-resolved"]))
                    .map_err(io)?;
                for r in &f.technicians {
                    w.write_record([r.name.clone(), r.open.to_string(), r.resolved.to_string()])
                        .map_err(io)?;
                }
            }
            "satisfaction" => {
                let mut columns = head(&["csv-group", "csv-label", "csv-count", "csv-average"]);
                columns.extend((1..=5).map(|n| format!("{} {n}", t(loc, "csv-rating"))));
                w.write_record(&columns).map_err(io)?;
                let s = &f.satisfaction;
                let mut rows = vec![(
                    "csv-all",
                    t(loc, "dashboard-satisfaction-title"),
                    s.count,
                    s.average,
                    &s.distribution,
                )];
                for (group, list) in [
                    ("csv-team", &s.by_team),
                    ("csv-category", &s.by_category),
                    ("csv-unit", &s.by_unit),
                ] {
                    rows.extend(list.iter().map(|r| {
                        (
                            group,
                            r.label.clone(),
                            r.count,
                            Some(r.average),
                            &r.distribution,
                        )
                    }));
                }
                for (group, label, count, average, d) in rows {
                    let mut record = vec![
                        t(loc, group),
                        label,
                        count.to_string(),
                        average.map(|a| decimal(loc, a)).unwrap_or_default(),
                    ];
                    record.extend(d.iter().map(i64::to_string));
                    w.write_record(&record).map_err(io)?;
                }
            }
            "low_ratings" => {
                w.write_record(head(&[
                    "csv-number",
                    "csv-title",
                    "csv-rating",
                    "csv-comment",
                    "csv-date",
                ]))
                .map_err(io)?;
                for r in &f.low_ratings {
                    w.write_record([
                        r.number.clone(),
                        r.title.clone(),
                        r.rating.to_string(),
                        r.comment.clone(),
                        r.rated_at.to_rfc3339(),
                    ])
                    .map_err(io)?;
                }
            }
            _ => return Err(AppError::NotFound),
        }
        w.flush().map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(out)
}

async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    let file = path.into_inner();
    let table = file.strip_suffix(".csv").ok_or(AppError::NotFound)?;
    if !TABLES.contains(&table) {
        return Err(AppError::NotFound);
    }
    let loc = ctx.locale;
    let l = load(&state, &ctx.user, &q, loc).await?;
    let bytes = csv_of(loc, &l.figures, table)?;
    let name = format!(
        "{}-{}-{}-{}.csv",
        t(loc, "dashboard-file"),
        table.replace('_', "-"),
        l.period.first,
        l.period.last
    );
    Ok(crate::web::render::csv_download(&name, bytes))
}
