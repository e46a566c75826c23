//! The `guichet` command: serve, migrate, seed-demo, create-admin, token create, and the mail
//! commands (send-mail, receive-mail, poll-mail, mailgate).

use clap::{Parser, Subcommand};
use guichet::config::Settings;
use guichet::{db, seed, users, AppState};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "guichet",
    version,
    about = "Guichet — demandes de service / service requests"
)]
struct Cli {
    /// Configuration file (default: GUICHET_CONFIG, ./guichet.toml, then ./data/guichet.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and the API.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Load the demonstration data (units, people, catalog, requests).
    SeedDemo {
        /// Do nothing when the database already holds units.
        #[arg(long)]
        if_empty: bool,
    },
    /// Create an administrator (password from GUICHET_ADMIN_PASSWORD, else asked).
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrateur")]
        name: String,
    },
    /// Run the SLA scan once now (warnings and breaches due); prints what it emitted.
    SlaScan,
    /// Send the due outgoing mail now, with several senders, until none is left; prints the rate.
    SendMail {
        /// Senders working at once (each claims its own messages).
        #[arg(long, default_value_t = 4)]
        workers: usize,
    },
    /// Process raw messages (.eml files, or standard input with `-`) through the inbound
    /// pipeline, as if they had arrived by mail; prints what became of each.
    ReceiveMail {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Poll the support mailbox (IMAP) once now; prints what it fetched.
    PollMail,
    /// Import equipment from an inventory tool's CSV export. Checks every line first; writes
    /// nothing unless every line is valid (or with --dry-run). Prints the report; exit code 1 on
    /// errors.
    ImportAssets {
        file: PathBuf,
        /// Column names of `guichet`, `lansweeper`, `intune` or `jamf` (default: recognize any).
        #[arg(long, default_value = "auto")]
        preset: String,
        /// Unit code for lines without a unit.
        #[arg(long)]
        unit: Option<String>,
        /// Asset type code for lines without a type.
        #[arg(long = "type")]
        asset_type: Option<String>,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// For the mail server (e.g. Postfix's pipe): read one message on standard input and post
    /// it to Guichet. Exit codes follow sysexits: 75 (temporary failure: the server retries),
    /// 65 (message refused), 77 (token refused), 74 (input unreadable). Needs no configuration.
    Mailgate {
        /// Guichet's address, e.g. https://guichet.example.org
        #[arg(long)]
        url: String,
        /// The inbound token (prefer --token-file: command lines are visible to other users).
        #[arg(long)]
        token: Option<String>,
        /// A file holding the inbound token.
        #[arg(long)]
        token_file: Option<PathBuf>,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Applies the retention policies now (or reports what they would do with --dry-run),
    /// optionally as of another day (--at 2033-06-30) to see ahead.
    Retention {
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        at: Option<chrono::NaiveDate>,
    },
    /// Fills the business time to resolve of resolved requests that have none (data imported or
    /// generated), then counts the dashboards' closed days not counted yet or stale; prints
    /// how many. The server also does both at start and hourly.
    BackfillDashboards,
    /// Prints this installation's part of the privacy impact assessment (Markdown): where
    /// information is kept, for how long, the confidential categories, who has access.
    PrivacyReport,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for a person; prints only the token, once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

/// glibc gives each thread that allocates a heap of its own (up to eight per core) and keeps
/// there what it freed: with actix's workers and the blocking pool, a few megabytes in use under
/// load (a dashboard reads its counted days at once) held 290 MB. Two heaps are enough for a
/// server that mostly waits on its database.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only tunes the allocator; it is called once, before any other thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> ExitCode {
    limit_malloc_arenas();
    env_logger::Builder::from_env(
        env_logger::Env::default().filter_or("GUICHET_LOG", "info,tokio_cron_scheduler=warn"),
    )
    .init();
    let cli = Cli::parse();
    guichet::wire();
    if let Command::Mailgate {
        url,
        token,
        token_file,
    } = &cli.command
    {
        return mailgate(url, token.as_deref(), token_file.as_deref());
    }
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("guichet: configuration error: {e}");
            return ExitCode::from(78); // EX_CONFIG
        }
    };
    match run(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("guichet: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, settings: Settings) -> Result<(), Box<dyn std::error::Error>> {
    let pool = db::pool(&settings.database_url, settings.pool_size)?;
    match command {
        Command::Serve => {
            let mut conn = pool.get()?;
            db::migrate(&mut conn)?;
            drop(conn);
            serve(settings, pool)?;
        }
        Command::BackfillDashboards => {
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let n = guichet::dashboard::resolve::backfill(&mut conn, 20_000)?;
            let filled = started.elapsed().as_secs_f64();
            let days = guichet::dashboard::days::refresh_pending(&mut conn, chrono::Utc::now())?;
            println!(
                "{n} requests filled in {filled:.1} s, {days} days counted in {:.1} s",
                started.elapsed().as_secs_f64() - filled
            );
        }
        Command::Migrate => {
            let mut conn = pool.get()?;
            let applied = db::migrate(&mut conn)?;
            if applied.is_empty() {
                println!("Database is up to date.");
            }
            for m in applied {
                println!("Applied {m}");
            }
        }
        Command::SeedDemo { if_empty } => {
            let mut conn = pool.get()?;
            if if_empty && !seed::is_empty(&mut conn)? {
                println!("Demo data already present.");
            } else {
                seed::demo(&mut conn)?;
                println!("Demo data loaded.");
            }
            seed::print_sign_ins();
        }
        Command::SlaScan => {
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let report = guichet::sla::jobs::scan(&mut conn, chrono::Utc::now(), 500)?;
            println!(
                "{} warnings, {} breaches emitted in {} ms",
                report.warnings,
                report.breaches,
                started.elapsed().as_millis()
            );
        }
        Command::SendMail { workers } => {
            let mailer =
                std::sync::Arc::new(guichet::notify::mailer::Mailer::from_settings(&settings)?);
            let started = std::time::Instant::now();
            let handles: Vec<_> = (0..workers.max(1))
                .map(|_| {
                    let (pool, mailer) = (pool.clone(), mailer.clone());
                    std::thread::spawn(move || -> Result<(usize, usize), String> {
                        let mut conn = pool.get().map_err(|e| e.to_string())?;
                        let (mut sent, mut failed) = (0, 0);
                        loop {
                            let r = mailer.send_due(&mut conn, 50).map_err(|e| e.to_string())?;
                            sent += r.sent;
                            failed += r.failed;
                            if r.sent + r.failed + r.retried == 0 {
                                return Ok((sent, failed));
                            }
                        }
                    })
                })
                .collect();
            let (mut sent, mut failed) = (0, 0);
            for h in handles {
                let (s, f) = h.join().map_err(|_| "a sender panicked")??;
                sent += s;
                failed += f;
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{sent} sent, {failed} failed in {:.0} ms ({:.0} messages/s)",
                secs * 1000.0,
                sent as f64 / secs.max(0.001)
            );
        }
        Command::ReceiveMail { files } => {
            let storage = guichet::storage::Storage::local(&settings.attachments_dir);
            let mut conn = pool.get()?;
            let intake = guichet::inbound::intake::Intake::new(&mut conn, &settings)?;
            for f in files {
                let raw = if f.as_os_str() == "-" {
                    let mut v = Vec::new();
                    std::io::Read::read_to_end(&mut std::io::stdin(), &mut v)?;
                    v
                } else {
                    std::fs::read(&f)?
                };
                let r = guichet::inbound::service::receive(
                    &mut conn,
                    &intake,
                    &storage,
                    &raw,
                    guichet::inbound::service::Channel::Pipe,
                )?;
                println!(
                    "{}: {}{}{}{}",
                    f.display(),
                    r.outcome,
                    if r.reason.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", r.reason)
                    },
                    r.request.map(|n| format!(" {n}")).unwrap_or_default(),
                    if r.duplicate {
                        " [already received]"
                    } else {
                        ""
                    }
                );
            }
        }
        Command::ImportAssets {
            file,
            preset,
            unit,
            asset_type,
            dry_run,
        } => {
            use guichet::inventory::{import, sheet};
            let bytes = std::fs::read(&file)?;
            let sheet = sheet::read(&bytes)
                .map_err(|m| guichet::i18n::msg(guichet::i18n::Locale::Fr, &m))?;
            let opts = import::Options {
                mapping: sheet::suggest(&preset, &sheet.headers),
                default_unit: unit,
                default_type: asset_type,
            };
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let report = import::run(&mut conn, &Default::default(), &sheet, &opts, !dry_run)?;
            for e in &report.errors {
                println!(
                    "line {}, column {}: {}",
                    e.line,
                    e.column,
                    guichet::i18n::msg(guichet::i18n::Locale::En, &e.message)
                );
            }
            println!(
                "{} lines in {:.1} s: {} created, {} updated, {} unchanged, {} new models, {} errors{}",
                report.lines,
                started.elapsed().as_secs_f64(),
                report.created,
                report.updated,
                report.unchanged,
                report.new_models,
                report.errors.len(),
                if report.written { "" } else { " — nothing written" }
            );
            if !report.errors.is_empty() {
                return Err("the import has errors".into());
            }
        }
        Command::PollMail => {
            let storage = guichet::storage::Storage::local(&settings.attachments_dir);
            let round = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(guichet::inbound::imap::poll(&settings, &pool, &storage))?;
            println!(
                "{} fetched, {} processed, {} left for later",
                round.fetched, round.processed, round.left
            );
        }
        Command::Mailgate { .. } => unreachable!("handled before the configuration is read"),
        Command::CreateAdmin { email, name } => {
            let password = match std::env::var("GUICHET_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => rpassword::prompt_password("Password: ")?,
            };
            if password.chars().count() < 12 {
                return Err("the password must have at least 12 characters".into());
            }
            let mut conn = pool.get()?;
            let id = seed::create_admin(
                &mut conn,
                &email,
                &name,
                &users::service::hash_password(&password)?,
            )?;
            println!("Administrator {email} ready (id {id}).");
        }
        Command::PrivacyReport => {
            let mut conn = pool.get()?;
            print!(
                "{}",
                guichet::privacy::report::markdown(&mut conn, &settings)?
            );
        }
        Command::Retention { dry_run, at } => {
            let mut conn = pool.get()?;
            let clock = match at {
                Some(d) => d
                    .and_hms_opt(12, 0, 0)
                    .map(|t| t.and_utc())
                    .ok_or("not a valid day")?,
                None => chrono::Utc::now(),
            };
            let storage = guichet::storage::Storage::local(&settings.attachments_dir);
            let r = guichet::privacy::retention::run(
                &mut conn,
                &storage,
                &Default::default(),
                clock,
                dry_run,
            )?;
            let verb = if dry_run { "would be" } else { "were" };
            println!(
                "As of {}: {} requests {verb} anonymized, {} attachments ({} bytes) {verb} deleted.",
                clock.date_naive(),
                r.anonymized,
                r.purged,
                r.purged_bytes
            );
            for n in &r.requests {
                println!("  DS-{n:06}");
            }
        }
        Command::Token {
            action: TokenCommand::Create { email, name },
        } => {
            let mut conn = pool.get()?;
            let token =
                users::service::create_token(&mut conn, &email, &name).map_err(|e| match e {
                    guichet::error::AppError::NotFound => {
                        format!("no person with the address {email}")
                    }
                    other => other.to_string(),
                })?;
            println!("{token}");
        }
    }
    Ok(())
}

/// `guichet mailgate`: posts standard input to the HTTP intake, answering the mail server in
/// sysexits codes.
fn mailgate(url: &str, token: Option<&str>, token_file: Option<&std::path::Path>) -> ExitCode {
    const EX_USAGE: u8 = 64;
    const EX_DATAERR: u8 = 65;
    const EX_IOERR: u8 = 74;
    const EX_TEMPFAIL: u8 = 75;
    const EX_NOPERM: u8 = 77;
    let token = match (token, token_file) {
        (Some(t), _) => t.trim().to_string(),
        (None, Some(f)) => match std::fs::read_to_string(f) {
            Ok(t) => t.trim().to_string(),
            Err(e) => {
                eprintln!("guichet mailgate: {}: {e}", f.display());
                return ExitCode::from(EX_USAGE);
            }
        },
        (None, None) => {
            eprintln!("guichet mailgate: --token or --token-file is required");
            return ExitCode::from(EX_USAGE);
        }
    };
    let mut raw = Vec::new();
    if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut raw) {
        eprintln!("guichet mailgate: cannot read the message: {e}");
        return ExitCode::from(EX_IOERR);
    }
    let endpoint = format!("{}/api/v1/inbound-mail", url.trim_end_matches('/'));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .build()
        .into();
    let response = agent
        .post(&endpoint)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "message/rfc822")
        .header("X-Guichet-Channel", "pipe")
        .send(&raw[..]);
    match response {
        Err(e) => {
            eprintln!("guichet mailgate: {endpoint}: {e}");
            ExitCode::from(EX_TEMPFAIL)
        }
        Ok(mut r) => {
            let status = r.status().as_u16();
            let body = r.body_mut().read_to_string().unwrap_or_default();
            match status {
                200..=299 => {
                    println!("{body}");
                    ExitCode::SUCCESS
                }
                401 | 403 => {
                    eprintln!("guichet mailgate: the token was refused ({status})");
                    ExitCode::from(EX_NOPERM)
                }
                400 | 413 | 415 | 422 => {
                    eprintln!("guichet mailgate: message refused ({status}): {body}");
                    ExitCode::from(EX_DATAERR)
                }
                _ => {
                    eprintln!("guichet mailgate: temporary failure ({status}): {body}");
                    ExitCode::from(EX_TEMPFAIL)
                }
            }
        }
    }
}

#[actix_web::main]
async fn serve(settings: Settings, pool: db::PgPool) -> std::io::Result<()> {
    let bind = settings.bind.clone();
    let workers = settings.workers;
    let state =
        actix_web::web::Data::new(AppState::new(settings, pool).map_err(std::io::Error::other)?);
    let _jobs = guichet::jobs::start(
        state.pool.clone(),
        state.settings.clone(),
        state.mail_wakeup.clone(),
        state.clock.clone(),
    )
    .await
    .map_err(|e| std::io::Error::other(format!("cannot start the jobs: {e}")))?;
    log::info!("Guichet listening on http://{bind}");
    let mut server =
        actix_web::HttpServer::new(move || guichet::build_app(state.clone())).bind(&bind)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    server.run().await
}
