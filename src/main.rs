//! The `guichet` command: serve, migrate, seed-demo, create-admin, token create.

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
    /// API tokens.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
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

fn main() -> ExitCode {
    env_logger::Builder::from_env(
        env_logger::Env::default().filter_or("GUICHET_LOG", "info,tokio_cron_scheduler=warn"),
    )
    .init();
    let cli = Cli::parse();
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
