//! The scheduler (tokio-cron-scheduler): registers each domain's jobs. Every job body is
//! idempotent or claims its work in the database, so several servers may run the same jobs.

use crate::config::Settings;
use crate::db::{self, PgPool};
use crate::users::service as users;
use std::sync::Arc;
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

pub async fn start(
    pool: PgPool,
    settings: Arc<Settings>,
    mail_wakeup: Arc<tokio::sync::Notify>,
    clock: crate::clock::Clock,
) -> Result<JobScheduler, JobSchedulerError> {
    let scheduler = JobScheduler::new().await?;
    match crate::notify::mailer::Mailer::from_settings(&settings) {
        Ok(mailer) => {
            let mailer = Arc::new(mailer);
            tokio::spawn(sender_loop(
                pool.clone(),
                mailer.clone(),
                mail_wakeup.clone(),
            ));
            let wake = mail_wakeup.clone();
            scheduler
                .add(Job::new_async("*/5 * * * * *", move |_, _| {
                    let wake = wake.clone();
                    Box::pin(async move { wake.notify_one() })
                })?)
                .await?;
            let digest_pool = pool.clone();
            scheduler
                .add(Job::new_async_tz(
                    format!("0 0 {} * * *", settings.digest_hour).as_str(),
                    chrono_tz::America::Toronto,
                    move |_, _| {
                        let pool = digest_pool.clone();
                        let mailer = mailer.clone();
                        Box::pin(async move {
                            match db::run(&pool, move |c| mailer.make_digests(c)).await {
                                Ok(n) if n > 0 => log::info!("{n} daily digests queued"),
                                Ok(_) => {}
                                Err(e) => log::warn!("daily digests failed: {e}"),
                            }
                        })
                    },
                )?)
                .await?;
        }
        Err(e) => log::error!("outgoing mail is off: {e}"),
    }
    // Inbound mail: the IMAP poller, which also finishes messages a crash left unprocessed.
    tokio::spawn(crate::inbound::imap::run(
        settings.clone(),
        pool.clone(),
        crate::storage::Storage::local(&settings.attachments_dir),
    ));
    let loans_pool = pool.clone();
    let escalation_days = settings.loan_escalation_days;
    let loans_clock = clock.clone();
    scheduler
        .add(Job::new_async("0 5 * * * *", move |_, _| {
            let pool = loans_pool.clone();
            let now = loans_clock.now();
            Box::pin(async move {
                match db::run(&pool, move |c| {
                    crate::loans::jobs::run(c, now, escalation_days)
                })
                .await
                {
                    Ok(s) if s != Default::default() => log::info!("loan notices: {s:?}"),
                    Ok(_) => {}
                    Err(e) => log::warn!("loan notices failed (will retry): {e}"),
                }
            })
        })?)
        .await?;
    // Retention: at 2:30 (Montréal), after the day's work and before the backups of most boards.
    let retention_pool = pool.clone();
    let retention_storage = crate::storage::Storage::local(&settings.attachments_dir);
    let retention_clock = clock.clone();
    scheduler
        .add(Job::new_async_tz(
            "0 30 2 * * *",
            chrono_tz::America::Toronto,
            move |_, _| {
                let pool = retention_pool.clone();
                let storage = retention_storage.clone();
                let now = retention_clock.now();
                Box::pin(async move {
                    match db::run(&pool, move |c| {
                        crate::privacy::retention::run(c, &storage, &Default::default(), now, false)
                    })
                    .await
                    {
                        Ok(r) if r.anonymized + r.purged > 0 => log::info!(
                            "retention: {} requests anonymized, {} attachments deleted",
                            r.anonymized,
                            r.purged
                        ),
                        Ok(_) => {}
                        Err(e) => log::warn!("retention failed (will resume tomorrow): {e}"),
                    }
                })
            },
        )?)
        .await?;
    // Dashboards: the resolution time of requests resolved without one (older data, imports),
    // then the figures of the closed days not counted yet or stale; once at start then hourly
    // (readers count the few days they lack themselves); a no-op once done.
    let backfill_pool = pool.clone();
    let backfill_clock = clock.clone();
    let backfill = move || {
        let pool = backfill_pool.clone();
        let clock = backfill_clock.clone();
        async move {
            match db::run(&pool, |c| crate::dashboard::resolve::backfill(c, 5_000)).await {
                Ok(n) if n > 0 => log::info!("dashboards: resolution time of {n} requests filled"),
                Ok(_) => {}
                Err(e) => {
                    log::warn!("dashboards: filling resolution times failed (will retry): {e}")
                }
            }
            let now = clock.now();
            match db::run(&pool, move |c| {
                crate::dashboard::days::refresh_pending(c, now)
            })
            .await
            {
                Ok(n) if n > 0 => log::info!("dashboards: {n} days counted"),
                Ok(_) => {}
                Err(e) => log::warn!("dashboards: counting days failed (will retry): {e}"),
            }
        }
    };
    tokio::spawn(backfill());
    scheduler
        .add(Job::new_async("0 25 * * * *", move |_, _| {
            Box::pin(backfill())
        })?)
        .await?;
    // Departures: account changes due today (deactivation, roles removed), hourly and idempotent.
    let departures_pool = pool.clone();
    let departures_clock = clock.clone();
    scheduler
        .add(Job::new_async("0 15 * * * *", move |_, _| {
            let pool = departures_pool.clone();
            let today = departures_clock.today();
            Box::pin(async move {
                match db::run(&pool, move |c| crate::departures::apply_due(c, today)).await {
                    Ok(n) if n > 0 => log::info!("departures: {n} account changes applied"),
                    Ok(_) => {}
                    Err(e) => log::warn!("departures failed (will retry): {e}"),
                }
            })
        })?)
        .await?;
    let pool_for_sla = pool.clone();
    let recurring_pool = pool.clone();
    scheduler
        .add(Job::new_async("0 */10 * * * *", move |_, _| {
            let pool = pool.clone();
            let limits = users::SessionLimits::of(&settings);
            let window = settings.sign_in_window_minutes;
            Box::pin(async move {
                let purged = db::run(&pool, move |c| {
                    let (s, a) = users::purge_expired(c, limits, window)?;
                    let k = crate::web::idempotency::purge(c)?;
                    Ok((s, a + k))
                })
                .await;
                match purged {
                    Ok((s, a)) if s + a > 0 => log::info!(
                        "purged {s} idle sessions and {a} old sign-in attempts and idempotency keys"
                    ),
                    Ok(_) => {}
                    Err(e) => log::warn!("session purge failed (will retry): {e}"),
                }
            })
        })?)
        .await?;
    let sla_pool = pool_for_sla;
    let sla_clock = clock.clone();
    scheduler
        .add(Job::new_async("0 * * * * *", move |_, _| {
            let pool = sla_pool.clone();
            let now = sla_clock.now();
            Box::pin(async move {
                match db::run(&pool, move |c| crate::sla::jobs::scan(c, now, 500)).await {
                    Ok(r) if r.warnings + r.breaches > 0 => {
                        log::info!(
                            "SLA: {} warnings and {} breaches emitted",
                            r.warnings,
                            r.breaches
                        )
                    }
                    Ok(_) => {}
                    Err(e) => log::warn!("SLA scan failed (will retry next minute): {e}"),
                }
            })
        })?)
        .await?;
    scheduler
        .add(Job::new_async("30 */5 * * * *", move |_, _| {
            let pool = recurring_pool.clone();
            let today = crate::recurring::service::today(clock.now());
            Box::pin(async move {
                match db::run(&pool, move |c| crate::recurring::service::run_due(c, today)).await {
                    Ok(n) if n > 0 => log::info!("recurring requests: {n} created"),
                    Ok(_) => {}
                    Err(e) => log::warn!("recurring requests failed (will retry): {e}"),
                }
            })
        })?)
        .await?;
    scheduler.start().await?;
    Ok(scheduler)
}

/// Parallel senders of one server.
const SENDERS: usize = 4;

/// Sends what is due whenever woken (every few seconds, and after each change), in batches
/// until nothing is left.
async fn sender_loop(
    pool: PgPool,
    mailer: Arc<crate::notify::mailer::Mailer>,
    wake: Arc<tokio::sync::Notify>,
) {
    loop {
        wake.notified().await;
        // One sender first: the few messages of one change go in one batch (rendered from one
        // read of their request), where senders started together would split them row by row
        // and run empty transactions. A full batch means a backlog: then several senders.
        if send_batch(&pool, &mailer).await < BATCH {
            continue;
        }
        // A few senders at once, each on its own SMTP connection: each message waits on the
        // server's acknowledgement, so parallel connections multiply the throughput.
        let senders =
            (0..SENDERS).map(|_| async { while send_batch(&pool, &mailer).await == BATCH {} });
        futures_util::future::join_all(senders).await;
    }
}

/// Messages claimed by one sender's batch.
const BATCH: usize = 25;

/// Sends one batch; returns how many messages it settled (sent, failed or to retry).
async fn send_batch(pool: &PgPool, mailer: &Arc<crate::notify::mailer::Mailer>) -> usize {
    let m = mailer.clone();
    match db::run(pool, move |c| m.send_due(c, BATCH as i64)).await {
        Ok(r) => {
            if r.sent + r.failed + r.retried > 0 {
                log::info!(
                    "mail: {} sent, {} to retry, {} failed",
                    r.sent,
                    r.retried,
                    r.failed
                );
            }
            r.sent + r.failed + r.retried
        }
        Err(e) => {
            log::warn!("mail sender: {e}");
            0
        }
    }
}
