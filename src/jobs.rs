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
) -> Result<JobScheduler, JobSchedulerError> {
    let scheduler = JobScheduler::new().await?;
    let pool_for_sla = pool.clone();
    let recurring_pool = pool.clone();
    scheduler
        .add(Job::new_async("0 */10 * * * *", move |_, _| {
            let pool = pool.clone();
            let idle = settings.session_idle_minutes;
            let window = settings.sign_in_window_minutes;
            Box::pin(async move {
                match db::run(&pool, move |c| users::purge_expired(c, idle, window)).await {
                    Ok((s, a)) if s + a > 0 => {
                        log::info!("purged {s} idle sessions and {a} old sign-in attempts")
                    }
                    Ok(_) => {}
                    Err(e) => log::warn!("session purge failed (will retry): {e}"),
                }
            })
        })?)
        .await?;
    let sla_pool = pool_for_sla;
    scheduler
        .add(Job::new_async("0 * * * * *", move |_, _| {
            let pool = sla_pool.clone();
            Box::pin(async move {
                match db::run(&pool, |c| {
                    crate::sla::jobs::scan(c, chrono::Utc::now(), 500)
                })
                .await
                {
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
            Box::pin(async move {
                let today = crate::recurring::service::today(chrono::Utc::now());
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
