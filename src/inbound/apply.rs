//! Applying a message as its sender: a reply's words and commands on the request it answers,
//! each command in a savepoint of its own, or a new request from a message that answers none.

use super::answer::{
    answer, details, dropped_note, problem_lines, refusal, Dropped, LeftOut, Refusal,
};
use super::intake::{clip, sender, Done, Intake, Unknown};
use super::message::Inbound;
use super::queries::{first_event, last_event_id, stamp_events};
use super::reply::{self, Command, Reply};
use super::thread;
use crate::auth::CurrentUser;
use crate::error::{AppError, Msg};
use crate::i18n;
use crate::requests::files;
use crate::requests::model::{Request, RequestNumber, Source};
use crate::requests::queries as requests;
use crate::requests::reading;
use crate::requests::service::{self as domain, CategoryRef, CommentCmd, NewRequestCmd};
use crate::storage::Storage;
use crate::users::queries as people;
use crate::workflow::StateKind;
use diesel::prelude::*;
use serde_json::json;

/// Stores the attachments that may be kept and attaches them; returns the ones left out (too
/// large, programs, broken encodings), which never sink the message.
fn attach_all(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    number: RequestNumber,
    m: &Inbound,
) -> Result<Vec<Dropped>, AppError> {
    let mut dropped = Vec::new();
    for a in &m.attachments {
        let left_out = |why| Dropped {
            name: files::sanitize_filename(&a.filename),
            size: a.bytes.len(),
            why,
        };
        if a.damaged {
            dropped.push(left_out(LeftOut::Damaged));
            continue;
        }
        if a.bytes.len() > intake.max_attachment_bytes {
            dropped.push(left_out(LeftOut::TooLarge));
            continue;
        }
        let Ok(content_type) = files::vet_file(&a.filename, &a.bytes) else {
            dropped.push(left_out(LeftOut::Program));
            continue;
        };
        let sha256 = storage.put(&a.bytes)?;
        files::attach(
            conn,
            me,
            number,
            files::NewAttachmentCmd {
                filename: a.filename.clone(),
                content_type,
                size_bytes: a.bytes.len() as i64,
                sha256,
            },
        )?;
    }
    Ok(dropped)
}

/// A reply to a request, as the sender: the words become a comment (or the note of the one
/// status change, or the comment of an approval decision), each command applies on its own.
/// A command that is unknown or refused stays in the comment and is told to the sender; only a
/// sender who may not write to the request at all changes nothing.
#[allow(clippy::too_many_arguments)]
pub(super) fn on_request(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    number: RequestNumber,
    m: &Inbound,
    reply: &Reply,
    inbound_id: i64,
) -> Result<Done, AppError> {
    let before = last_event_id(conn)?;
    stamp_events(conn, Some(inbound_id))?;
    let outcome = conn.transaction(|conn| apply(conn, intake, storage, me, number, m, reply));
    stamp_events(conn, None)?;
    match outcome {
        Ok(applied) => {
            let r = requests::by_number(conn, number.0)?;
            let mut done = if !applied.stored {
                // Nothing written, nothing attached: a short answer says so.
                let readable = reading::load(conn, me, number, false).ok().map(|(r, _)| r);
                let empty = [Refusal::plain("inbound-empty")];
                answer(conn, me, readable.as_ref(), m, &empty, false)?;
                Done::new("ignored", "empty")
            } else if applied.refusals.is_empty() {
                Done::new("applied", "")
            } else {
                answer(conn, me, Some(&r), m, &applied.refusals, true)?;
                let mut done = Done::new(
                    "applied",
                    if applied.commands_refused {
                        "command"
                    } else {
                        "attachment"
                    },
                );
                done.detail = details(&applied.refusals);
                done
            };
            done.request = Some(r.id);
            done.number = Some(r.number);
            done.event = first_event(conn, r.id, before)?;
            Ok(done)
        }
        Err(Failed::Error(e)) => Err(e),
        Err(Failed::Refused(refusals)) => {
            // Tell the sender what was refused, about the request only if they may read it.
            let readable = reading::load(conn, me, number, false).ok().map(|(r, _)| r);
            answer(conn, me, readable.as_ref(), m, &refusals, false)?;
            let mut done = Done::new(
                "refused",
                if refusals.iter().any(|r| r.why.key == "inbound-not-allowed") {
                    "forbidden"
                } else {
                    "command"
                },
            );
            done.detail = details(&refusals);
            done.request = readable.as_ref().map(|r| r.id);
            done.number = readable.map(|r| r.number);
            Ok(done)
        }
    }
}

enum Failed {
    Refused(Vec<Refusal>),
    Error(AppError),
}

impl From<diesel::result::Error> for Failed {
    fn from(e: diesel::result::Error) -> Self {
        Failed::Error(e.into())
    }
}

fn refused(what: &str, e: AppError) -> Failed {
    match refusal(what, e) {
        Ok(r) => Failed::Refused(vec![r]),
        Err(e) => Failed::Error(e),
    }
}

/// What applying a reply did.
#[derive(Debug, Default)]
struct Applied {
    /// Something was added to the request (words, a change, a file).
    stored: bool,
    /// What was not done: commands, files left out.
    refusals: Vec<Refusal>,
    commands_refused: bool,
}

/// Applies a reply in the caller's transaction, each command in a savepoint of its own.
fn apply(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    number: RequestNumber,
    m: &Inbound,
    reply: &Reply,
) -> Result<Applied, Failed> {
    if reply.is_empty() && m.attachments.is_empty() {
        return Ok(Applied::default());
    }
    reading::join_by_reply(conn, me, number).map_err(|e| refused("", e))?;
    let (_, standing) = reading::load(conn, me, number, false).map_err(|e| refused("", e))?;
    let mut applied = Applied {
        stored: true,
        ..Applied::default()
    };
    // Command lines left in the words, because they were not applied.
    let mut kept: Vec<usize> = Vec::new();
    let refuse = |applied: &mut Applied, kept: &mut Vec<usize>, line: usize, why: Msg| {
        kept.push(line);
        applied.commands_refused = true;
        applied.refusals.push(Refusal {
            what: reply.lines[line].trim().to_string(),
            why,
        });
    };
    let mut internal = false;
    for (line, c) in &reply.commands {
        match c {
            Command::Internal if standing.staff => internal = true,
            Command::Internal => refuse(
                &mut applied,
                &mut kept,
                *line,
                Msg::new("inbound-internal-staff-only"),
            ),
            Command::Unknown(_) => refuse(
                &mut applied,
                &mut kept,
                *line,
                Msg::new("inbound-unknown-command"),
            ),
            _ => {}
        }
    }
    // With one status change or an approval decision, the words go with it (the resolution
    // note the requester reads, the approver's comment); not in an internal note.
    let moves = reply.commands.iter().filter(|(_, c)| c.moves()).count();
    let carrier = (!internal)
        .then(|| {
            reply
                .commands
                .iter()
                .position(|(_, c)| c.decides() || (moves == 1 && c.moves()))
        })
        .flatten();
    for (k, (line, c)) in reply.commands.iter().enumerate() {
        if Some(k) == carrier || matches!(c, Command::Internal | Command::Unknown(_)) {
            continue;
        }
        if let Err(why) = savepoint(conn, |conn| act(conn, intake, me, number, c, ""))? {
            refuse(&mut applied, &mut kept, *line, why);
        }
    }
    let dropped = if m.attachments.is_empty() {
        Vec::new()
    } else {
        attach_all(conn, intake, storage, me, number, m).map_err(|e| refused("", e))?
    };
    applied.refusals.extend(
        dropped
            .iter()
            .map(|d| d.refusal(me.locale, intake.max_attachment_bytes)),
    );
    let note = dropped_note(me.locale, &dropped, intake.max_attachment_bytes);
    let with_note = |words: String| match (words.is_empty(), note.is_empty()) {
        (_, true) => words,
        (true, false) => note.clone(),
        (false, false) => format!("{words}\n\n{note}"),
    };
    let mut words_used = false;
    if let Some(k) = carrier {
        let (line, c) = &reply.commands[k];
        let words = with_note(reply.body_keeping(&kept));
        match savepoint(conn, |conn| act(conn, intake, me, number, c, &words))? {
            Ok(()) => words_used = true,
            Err(why) => refuse(&mut applied, &mut kept, *line, why),
        }
    }
    let body = with_note(reply.body_keeping(&kept));
    if !words_used && !body.is_empty() {
        domain::comment(conn, me, number, CommentCmd { body, internal })
            .map_err(|e| refused("", e))?;
    }
    Ok(applied)
}

/// Runs one command in a savepoint: a refusal (its reason) rolls back that command alone.
fn savepoint(
    conn: &mut PgConnection,
    f: impl FnOnce(&mut PgConnection) -> Result<(), AppError>,
) -> Result<Result<(), Msg>, Failed> {
    match conn.transaction(f) {
        Ok(()) => Ok(Ok(())),
        Err(e) => refusal("", e).map(|r| Err(r.why)).map_err(Failed::Error),
    }
}

/// Carries out one command as the sender; `words` are the note of a status change or the
/// comment of an approval decision.
fn act(
    conn: &mut PgConnection,
    intake: &Intake,
    me: &CurrentUser,
    number: RequestNumber,
    c: &Command,
    words: &str,
) -> Result<(), AppError> {
    use crate::approvals::service::{self as approvals, Decision};
    match c {
        Command::Resolve | Command::Status(_) => {
            let r = requests::by_number(conn, number.0)?;
            let to = match c {
                Command::Status(name) => state_named(conn, &r, name)?,
                _ => state_of_kind(conn, &r, StateKind::Resolved)?
                    .ok_or_else(|| AppError::Rule(Msg::new("inbound-no-resolved-state")))?,
            };
            domain::transition(
                conn,
                me,
                number,
                domain::TransitionCmd {
                    to,
                    note: words.to_string(),
                },
                intake.reopen_days,
            )
        }
        Command::Assign(who) => assign(conn, me, number, who.as_deref()),
        Command::Priority(p) => domain::set_priority(conn, me, number, *p),
        Command::Approve => approvals::decide(conn, me, number, Decision::Approve, words),
        Command::Refuse(reason) => {
            let comment = if reason.is_empty() { words } else { reason };
            approvals::decide(conn, me, number, Decision::Refuse, comment)
        }
        Command::Internal | Command::Unknown(_) => Ok(()),
    }
}

/// The state of a kind the request can go to from where it is (else the workflow's first of
/// that kind, for the workflow to refuse with its own words).
fn state_of_kind(
    conn: &mut PgConnection,
    r: &Request,
    kind: StateKind,
) -> Result<Option<String>, AppError> {
    let wf = crate::workflow::queries::load(conn, r.workflow_id)?;
    let reachable = wf
        .transitions
        .iter()
        .filter(|t| t.from == r.status && !t.on_approval)
        .filter_map(|t| wf.state(&t.to))
        .find(|s| s.kind == kind);
    let any = wf.states.iter().find(|s| s.kind == kind);
    Ok(reachable.or(any).map(|s| s.code.clone()))
}

/// A state by its code or its French or English name (accents, case, `_` aside), else by what
/// the word means (`en cours`, `in progress`, `fermé`, `en attente`…: see `reply::status_kind`).
fn state_named(conn: &mut PgConnection, r: &Request, name: &str) -> Result<String, AppError> {
    let wf = crate::workflow::queries::load(conn, r.workflow_id)?;
    let norm = |s: &str| crate::automation::fold(s.trim()).replace(['_', '-'], " ");
    let wanted = norm(name);
    let named = wf.states.iter().find(|s| {
        norm(&s.code) == wanted || norm(&s.label_fr) == wanted || norm(&s.label_en) == wanted
    });
    if let Some(s) = named {
        return Ok(s.code.clone());
    }
    let by_kind = match reply::status_kind(name) {
        Some(kind) => state_of_kind(conn, r, kind)?,
        None => None,
    };
    by_kind.ok_or_else(|| AppError::Rule(Msg::new("inbound-unknown-status").arg("name", name)))
}

fn assign(
    conn: &mut PgConnection,
    me: &CurrentUser,
    number: RequestNumber,
    who: Option<&str>,
) -> Result<(), AppError> {
    let person = match who {
        None => me.id,
        Some(email) => sender(conn, email)?.map(|u| u.id).ok_or_else(|| {
            AppError::Rule(Msg::new("inbound-unknown-person").arg("email", email))
        })?,
    };
    let r = requests::by_number(conn, number.0)?;
    // Keep the team when the person is in it; else their team of the request's domain.
    let category = crate::catalog::queries::find(conn, r.category_id)?;
    let team = match r.team_id {
        Some(t) if people::is_team_member(conn, t, person)? => Some(t),
        _ => people::teams_of(conn, person)?
            .into_iter()
            .find(|(_, d)| *d == category.domain)
            .map(|(t, _)| t),
    };
    domain::assign(
        conn,
        me,
        number,
        domain::AssignCmd {
            team: Some(team.or(r.team_id)),
            assignee: Some(Some(person)),
        },
    )
}

/// A new request from a message that answers none.
pub(super) fn open(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    m: &Inbound,
    inbound_id: i64,
) -> Result<Done, AppError> {
    let tagged = m
        .recipients
        .iter()
        .filter_map(|a| thread::address_tag(a))
        .find_map(|code| {
            crate::catalog::queries::by_code(conn, &code)
                .ok()
                .flatten()
                .filter(|c| c.active)
                .map(|c| c.code)
        });
    let Some(category) = tagged.or_else(|| intake.category.clone()) else {
        answer(
            conn,
            me,
            None,
            m,
            &[Refusal::plain("inbound-no-category")],
            false,
        )?;
        return Ok(Done::new("rejected", "no_category"));
    };
    let words = reply::new_words(&m.reply_text, &intake.own.addresses);
    let subject_title = thread::title_of(&m.subject);
    if subject_title.trim().is_empty() && words.trim().is_empty() && m.attachments.is_empty() {
        // Nothing to ask: no request, a short answer.
        answer(conn, me, None, m, &[Refusal::plain("inbound-empty")], false)?;
        return Ok(Done::new("ignored", "empty"));
    }
    let mut title = subject_title;
    if title.trim().is_empty() {
        title = words
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string();
    }
    if title.trim().is_empty() {
        title = i18n::tr(me.locale, "inbound-untitled", &[]);
    }
    let title = clip(title.trim(), domain::TITLE_MAX);
    let before = last_event_id(conn)?;
    let guest_unit = match &intake.unknown {
        Unknown::Triage(code) if me.roles.is_empty() => crate::units::queries::by_code(conn, code)
            .optional()?
            .map(|u| u.id),
        _ => None,
    };
    let cmd = NewRequestCmd {
        category: CategoryRef::Code(category),
        title,
        description: clip(&words, domain::TEXT_MAX),
        priority: None,
        unit: guest_unit,
        room: None,
        fields: serde_json::Map::new(),
        source: Source::Email,
    };
    stamp_events(conn, Some(inbound_id))?;
    let created = conn.transaction(|conn| {
        let r = match guest_unit {
            Some(_) => domain::create_scheduled(conn, me, cmd)?,
            None => domain::create(conn, me, cmd)?,
        };
        let dropped = attach_all(conn, intake, storage, me, r.number(), m)?;
        if !dropped.is_empty() {
            domain::comment(
                conn,
                me,
                r.number(),
                CommentCmd {
                    body: dropped_note(me.locale, &dropped, intake.max_attachment_bytes),
                    internal: false,
                },
            )?;
        }
        Ok::<_, AppError>((r, dropped))
    });
    stamp_events(conn, None)?;
    match created {
        Ok((r, dropped)) => {
            let problems: Vec<Refusal> = dropped
                .iter()
                .map(|d| d.refusal(me.locale, intake.max_attachment_bytes))
                .collect();
            // The acknowledgement answers the message and names the files left out; without
            // one (the requester is not told of new requests), a short answer does.
            let told = crate::notify::annotate_acknowledgement(
                conn,
                r.id,
                me.id,
                json!({
                    "answers": m.message_id.clone().unwrap_or_default(),
                    "problems": problem_lines(me.locale, &problems),
                }),
            )?;
            if !told && !problems.is_empty() {
                answer(conn, me, Some(&r), m, &problems, true)?;
            }
            let mut done = Done::new(
                "created",
                if dropped.is_empty() { "" } else { "attachment" },
            );
            done.detail = details(&problems);
            done.request = Some(r.id);
            done.number = Some(r.number);
            done.event = first_event(conn, r.id, before)?;
            Ok(done)
        }
        Err(e) => {
            let refusal = refusal("", e)?;
            let refusal = if matches!(&refusal.why.key[..], "field-required" | "field-choice") {
                Refusal::plain("inbound-use-form")
            } else {
                refusal
            };
            answer(conn, me, None, m, &[refusal], false)?;
            Ok(Done::new("refused", "invalid"))
        }
    }
}
