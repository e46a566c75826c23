//! The privacy impact assessment material (`guichet privacy-report`): what Guichet collects, why,
//! who sees it, where it is kept, for how long and how it is destroyed — the parts that depend
//! on the installation read from its configuration and database, so the document a board files
//! describes its own Guichet.

use super::queries;
use super::retention;
use crate::catalog::queries as catalog;
use crate::config::Settings;
use crate::error::AppError;
use diesel::prelude::*;
use std::fmt::Write;

fn delay(days: Option<i32>) -> String {
    match days {
        None => "jamais".into(),
        Some(d) if d >= 365 => format!(
            "{d} jours après la fermeture (environ {} ans)",
            (f64::from(d) / 365.25).round()
        ),
        Some(d) => format!("{d} jours après la fermeture"),
    }
}

/// Hides the password of a connection URL.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("••••"));
            }
            u.to_string()
        }
        Err(_) => "(adresse non lisible)".into(),
    }
}

/// The installation-specific sections of `docs/privacy.md`, in French (the document a board files).
pub fn markdown(conn: &mut PgConnection, settings: &Settings) -> Result<String, AppError> {
    let mut out = String::new();
    let now = chrono::Utc::now().date_naive();
    let _ = writeln!(out, "## Cette installation (générée le {now})\n");
    let _ = writeln!(out, "### Où les renseignements sont conservés\n");
    let _ = writeln!(
        out,
        "- Base de données PostgreSQL : `{}`",
        without_password(&settings.database_url)
    );
    let _ = writeln!(
        out,
        "- Pièces jointes et courriels reçus (fichiers, un par contenu) : `{}`",
        settings.attachments_dir.display()
    );
    match &settings.smtp_host {
        Some(h) => {
            let _ = writeln!(out, "- Courriels envoyés par le serveur SMTP `{h}`");
        }
        None => {
            let _ = writeln!(
                out,
                "- Courriels envoyés écrits dans le dossier `{}` (aucun serveur SMTP configuré)",
                settings.mail_dir.display()
            );
        }
    }
    if let Some(h) = &settings.imap_host {
        let _ = writeln!(out, "- Courriels reçus relevés dans la boîte IMAP de `{h}`");
    }
    let _ = writeln!(
        out,
        "- Sessions : fermées après {} minutes d'inactivité; tentatives de connexion gardées {} minutes\n",
        settings.session_idle_minutes, settings.sign_in_window_minutes
    );

    let _ = writeln!(out, "### Durées de conservation\n");
    let _ = writeln!(
        out,
        "| S'applique à | Anonymisation des demandes | Suppression des pièces jointes |\n|---|---|---|"
    );
    let domains = catalog::domains(conn)?;
    let categories = catalog::all_categories(conn)?;
    for p in retention::policies(conn)? {
        let scope = if let Some(id) = p.category_id {
            categories
                .iter()
                .find(|c| c.id == id)
                .map(|c| format!("Catégorie « {} »", c.name_fr))
                .unwrap_or_default()
        } else if let Some(d) = &p.domain {
            domains
                .iter()
                .find(|x| x.code.to_string() == *d)
                .map(|x| format!("Domaine « {} »", x.name_fr))
                .unwrap_or_else(|| d.clone())
        } else {
            "Toutes les demandes (par défaut)".into()
        };
        let _ = writeln!(
            out,
            "| {scope} | {} | {} |",
            delay(p.anonymize_after_days),
            delay(p.attachments_after_days)
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### Catégories confidentielles\n");
    let confidential: Vec<_> = categories.iter().filter(|c| c.confidential).collect();
    if confidential.is_empty() {
        let _ = writeln!(out, "Aucune.\n");
    } else {
        let _ = writeln!(
            out,
            "Leurs demandes ne sont lues que par la personne qui les fait, le groupe nommé de la \
             catégorie, l'équipe à qui elles sont assignées et les vérificateurs :\n"
        );
        for c in confidential {
            let group = match c.approval_group_id {
                Some(g) => crate::users::group_queries::find(conn, g)
                    .map(|g| format!("groupe « {} »", g.name_fr))
                    .unwrap_or_default(),
                None => "aucun groupe".into(),
            };
            let _ = writeln!(out, "- « {} » (`{}`) — {group}", c.name_fr, c.code);
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "### Qui a accès\n");
    let roles = queries::active_people_by_role(conn)?;
    let _ = writeln!(out, "| Rôle | Personnes actives |\n|---|---|");
    for (role, n) in roles {
        let _ = writeln!(out, "| {role} | {n} |");
    }
    let volumes = queries::volumes(conn)?;
    let _ = writeln!(
        out,
        "\n### Volumes\n\n- {} personnes actives; {} demandes, dont {} anonymisées; {} pièces jointes gardées; {} entrées au journal d'audit",
        volumes.people, volumes.requests, volumes.anonymized, volumes.files, volumes.trail
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_passwords_never_reach_the_document() {
        let shown = without_password("postgres://guichet:secret@db.example:5432/guichet");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("db.example"), "{shown}");
    }

    #[test]
    fn delays_read_in_days_and_years() {
        assert_eq!(delay(None), "jamais");
        assert_eq!(
            delay(Some(2557)),
            "2557 jours après la fermeture (environ 7 ans)"
        );
        assert_eq!(delay(Some(90)), "90 jours après la fermeture");
    }
}
