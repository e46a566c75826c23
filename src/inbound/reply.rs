//! The new words of a reply: quoted history and signatures cut off, and the commands a person
//! wrote on lines of their own. Pure.
//!
//! Mail clients mark the history three ways, all recognised here:
//! - a header block (Outlook in every language: `De : … Envoyé : … À : … Objet :`, written by
//!   French Outlook with a non-breaking space before the colon), or a separator line
//!   (`-----Original Message-----`, Zimbra's `----- Mail original -----`, Outlook's underscores):
//!   everything below is history (top posting);
//! - an attribution (`Le … a écrit :`, `On … wrote:`, `Am … schrieb …:`, Gnus' `… writes:`),
//!   possibly wrapped over two or three lines, followed by `>` lines: the attribution and the
//!   quote are cut, and new text after them (bottom posting) is kept;
//! - `>` lines alone: cut when they open or close the message or run over several lines; a
//!   single `>` line in the middle of new text is the person's own.
//!
//! A header block that names one of our own addresses is history whatever its language.

use crate::requests::model::Priority;
use crate::workflow::StateKind;
use once_cell::sync::Lazy;
use regex::Regex;

/// An instruction written on a line of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Resolve,
    Status(String),
    /// `None`: the sender themself.
    Assign(Option<String>),
    Priority(Priority),
    /// The comment is an internal note.
    Internal,
    Approve,
    Refuse(String),
    /// A `#word` that is no command (or a command written wrongly), kept to tell the sender.
    Unknown(String),
}

impl Command {
    /// Changes the request's status (and may carry the words as its note).
    pub fn moves(&self) -> bool {
        matches!(self, Command::Resolve | Command::Status(_))
    }
    /// An approval decision (the words are its comment).
    pub fn decides(&self) -> bool {
        matches!(self, Command::Approve | Command::Refuse(_))
    }
}

/// What a reply says: its new lines, and which of them are commands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    /// The new words, line by line (history and signature cut).
    pub lines: Vec<String>,
    /// The commands, each with the index of its line in `lines`.
    pub commands: Vec<(usize, Command)>,
}

impl Reply {
    /// The words without any command line.
    pub fn body(&self) -> String {
        self.body_keeping(&[])
    }

    /// The words without the command lines, except the lines `kept` (commands that were not
    /// applied stay where the sender wrote them).
    pub fn body_keeping(&self, kept: &[usize]) -> String {
        let commands: Vec<usize> = self.commands.iter().map(|(i, _)| *i).collect();
        let mut out: Vec<&str> = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            if commands.contains(&i) && !kept.contains(&i) {
                continue;
            }
            // No run of blank lines where a command line was taken out.
            if line.trim().is_empty() && out.last().is_none_or(|l| l.trim().is_empty()) {
                continue;
            }
            out.push(line);
        }
        out.join("\n").trim().to_string()
    }

    /// Nothing was written: no words, no command.
    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.trim().is_empty())
    }
}

/// Spaces as typography writes them (no-break, narrow no-break, figure, thin) read as spaces.
fn spaces(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}', '\u{2007}', '\u{2009}'], " ")
}

/// Lower case, accents off, typographic spaces as spaces: for comparing words.
fn fold(s: &str) -> String {
    crate::automation::fold(&spaces(s))
        .chars()
        .map(|c| match c {
            'å' | 'ã' => 'a',
            'ñ' => 'n',
            'ø' | 'õ' => 'o',
            'ì' => 'i',
            'ò' => 'o',
            c => c,
        })
        .collect()
}

#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static SEPARATOR: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?x)^\s*(
            -{2,}\s*(original\s+message|message\s+d'origine|message\s+original|courriel\s+original
              |mail\s+original|ursprungliche\s+nachricht|originalnachricht|mensaje\s+original
              |ursprungligt\s+meddelande|oorspronkelijk\s+bericht|messaggio\s+originale
              |mensagem\s+original|opprinnelig\s+melding|oprindelig\s+meddelelse
              |forwarded\s+message|message\s+transfere|weitergeleitete\s+nachricht
              |mensaje\s+reenviado|vidarebefordrat\s+meddelande|doorgestuurd\s+bericht)\s*-{2,}
          | _{10,}
          | begin\s+forwarded\s+message\s*:
          | debut\s+du\s+message\s+(reexpedie|transfere)\s*:
          | anfang\s+der\s+weitergeleiteten\s+nachricht\s*:
        )\s*$",
    )
    .expect("regex")
});

/// `Name : value` (`**De :**` once HTML bold became text).
#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static HEADER_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^\s*\*{0,2}\s*(\p{L}[\p{L} .'-]{0,24}?)\s*\*{0,2}\s*:").expect("regex")
});

/// Header names of Outlook and of webmails in the languages of the board's correspondents.
const FROM_NAMES: &[&str] = &[
    "de",
    "from",
    "von",
    "van",
    "fran",
    "fra",
    "da",
    "od",
    "expediteur",
];
const HEADER_NAMES: &[&str] = &[
    "de",
    "from",
    "von",
    "van",
    "fran",
    "fra",
    "da",
    "od",
    "expediteur",
    "envoye",
    "envoye le",
    "sent",
    "date",
    "gesendet",
    "datum",
    "enviado",
    "enviada",
    "enviado el",
    "fecha",
    "skickat",
    "verzonden",
    "verstuurd",
    "inviato",
    "data",
    "sendt",
    "a",
    "to",
    "an",
    "para",
    "till",
    "aan",
    "til",
    "destinataire",
    "cc",
    "cci",
    "bcc",
    "kopie",
    "copia",
    "kopia",
    "objet",
    "subject",
    "betreff",
    "asunto",
    "amne",
    "onderwerp",
    "oggetto",
    "assunto",
    "emne",
    "sujet",
    "reply-to",
    "repondre a",
    "importance",
    "priorite",
];

/// The header name of a line, folded, if it looks like one.
fn header_name(line: &str) -> Option<String> {
    let f = fold(line);
    HEADER_LINE
        .captures(&f)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
}

fn known_header(line: &str) -> bool {
    header_name(line).is_some_and(|n| HEADER_NAMES.contains(&n.as_str()))
}

/// The words that end an attribution line, in the clients' languages.
#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static ATTRIBUTION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?x)(
            \b(wrote|writes|a\s+ecrit|ecrit|escribio|ha\s+scritto|escreveu|het\s+volgende\s+geschreven
              |kirjoitti|napisal|napisala)\s*:
          | \b(schrieb|skrev|schreef|escribio|a\s+ecrit)\b.{0,300}:
        )\s*$",
    )
    .expect("regex")
});

/// The words attributions open with (« Le … », « On … », « Am … »).
fn opens_attribution(line: &str) -> bool {
    let f = fold(line);
    let f = f.trim_start_matches(['>', ' ']);
    [
        "le ", "on ", "am ", "el ", "den ", "op ", "il ", "em ", "the ",
    ]
    .iter()
    .any(|w| f.starts_with(w))
}

/// How many lines (1 to 3) an attribution starting at `i` takes, if one does. An attribution
/// names a person's address or a date: « Voici ce que Marc a écrit : » alone is new text.
fn attribution(lines: &[&str], i: usize) -> Option<usize> {
    for n in 1..=3 {
        if i + n > lines.len() {
            break;
        }
        let joined = lines[i..i + n]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ");
        let f = fold(&joined);
        let f = f.trim_start_matches(['>', ' ']);
        if f.len() > 400 {
            break;
        }
        if ATTRIBUTION.is_match(f) && (f.contains('@') || f.chars().any(|c| c.is_ascii_digit())) {
            return Some(n);
        }
        // Only an attribution's opening line wraps onto the next (« Le 27 nov. … a »).
        if !opens_attribution(lines[i]) {
            break;
        }
    }
    None
}

/// A header block starts at `i`: a « from » header followed by two more headers, or any
/// header naming one of our addresses followed by two more header-like lines.
fn header_block(lines: &[&str], i: usize, own: &[String]) -> bool {
    let Some(name) = header_name(lines[i]) else {
        return false;
    };
    let next: Vec<&str> = lines
        .iter()
        .skip(i + 1)
        .filter(|l| !l.trim().is_empty())
        .take(6)
        .copied()
        .collect();
    if FROM_NAMES.contains(&name.as_str()) && next.iter().filter(|l| known_header(l)).count() >= 2 {
        return true;
    }
    let lower = lines[i].to_lowercase();
    own.iter()
        .any(|a| !a.is_empty() && lower.contains(a.as_str()))
        && next
            .iter()
            .take(4)
            .filter(|l| header_name(l).is_some())
            .count()
            >= 2
}

#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static SIGNATURE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?x)^\s*(
            --\s?
          | envoye\s+(de|depuis|a\s+partir\s+de|avec)\s+(mon|ma|mon\s+appareil|outlook|l'application|yahoo).*
          | sent\s+(from|with)\s+(my|outlook|mail\s+for|yahoo|proton).*
          | get\s+outlook\s+for.*
          | obtenir\s+outlook\s+pour.*
          | telecharger\s+outlook\s+pour.*
          | von\s+meinem\s+.*\s+gesendet
          | enviado\s+desde\s+mi.*
          | skickat\s+fran\s+min.*
          | verzonden\s+(vanaf|met)\s+mijn.*
        )$",
    )
    .expect("regex")
});

fn is_quote(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Cuts quoted history and signatures, keeping the new words (top, bottom or in between).
/// `own`: our addresses, lower case.
pub fn new_words_lines(text: &str, own: &[String]) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let folded = fold(line);
        if SEPARATOR.is_match(&folded) || header_block(&lines, i, own) {
            break;
        }
        if SIGNATURE.is_match(&folded) {
            break;
        }
        if let Some(n) = attribution(&lines, i) {
            let mut j = i + n;
            while j < lines.len() && blank(lines[j]) {
                j += 1;
            }
            if j < lines.len() && is_quote(lines[j]) {
                // Attribution and quote go; what follows is new (bottom posting).
                while j < lines.len() && (is_quote(lines[j]) || blank(lines[j])) {
                    j += 1;
                }
                i = j;
                continue;
            }
            // An attribution over unmarked text (an HTML quote read as text): history.
            break;
        }
        if is_quote(line) {
            let mut j = i;
            while j < lines.len() && is_quote(lines[j]) {
                j += 1;
            }
            let leading = kept.iter().all(|l| blank(l));
            let rest_is_empty = lines[j..]
                .iter()
                .take_while(|l| !SIGNATURE.is_match(&fold(l)))
                .all(|l| blank(l) || is_quote(l));
            if leading || rest_is_empty || j - i >= 2 {
                i = j;
                continue;
            }
        }
        kept.push(line.trim_end());
        i += 1;
    }
    while kept.first().is_some_and(|l| blank(l)) {
        kept.remove(0);
    }
    while kept.last().is_some_and(|l| blank(l)) {
        kept.pop();
    }
    kept.into_iter().map(str::to_string).collect()
}

/// The new words as one text.
pub fn new_words(text: &str, own: &[String]) -> String {
    new_words_lines(text, own).join("\n").trim().to_string()
}

fn priority(word: &str) -> Option<Priority> {
    match fold(word).trim() {
        "basse" | "bas" | "low" | "faible" => Some(Priority::Low),
        "normale" | "normal" | "moyenne" => Some(Priority::Normal),
        "haute" | "haut" | "high" | "elevee" => Some(Priority::High),
        "urgente" | "urgent" | "critique" => Some(Priority::Urgent),
        _ => None,
    }
}

/// The state kind a status word means, with the natural synonyms in French and English.
pub fn status_kind(name: &str) -> Option<StateKind> {
    let f = fold(name).replace(['_', '-'], " ");
    let f = f.trim().trim_end_matches(['.', '!']);
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match f.as_str() {
        "nouveau" | "nouvelle" | "new" => StateKind::New,
        "en cours" | "en traitement" | "traitement" | "in progress" | "ouvert" | "ouverte"
        | "open" | "pris en charge" | "prise en charge" | "en travail" | "working" | "reouvert"
        | "reouverte" | "reopened" | "reouvrir" | "reopen" => StateKind::Open,
        "en attente" | "attente" | "waiting" | "pending" | "on hold" | "suspendu" | "suspendue" => {
            StateKind::Pending
        }
        "resolu" | "resolue" | "resolved" | "regle" | "reglee" | "fixed" | "done" | "termine"
        | "terminee" | "complete" | "completed" | "resoudre" | "resolve" => StateKind::Resolved,
        "ferme" | "fermee" | "fermer" | "closed" | "clos" | "close" => StateKind::Closed,
        "annule" | "annulee" | "annuler" | "cancelled" | "canceled" | "cancel" => {
            StateKind::Cancelled
        }
        _ => return None,
    })
}

/// An email address, alone.
fn is_address(s: &str) -> bool {
    !s.contains(char::is_whitespace)
        && s.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
}

/// A command, when the line is one: `#word` first, then what that word takes. A known word
/// with an argument it cannot take is an unknown command (kept and told), not a sentence.
fn command(line: &str) -> Option<Command> {
    let line = spaces(line);
    let line = line.trim();
    let rest = line.strip_prefix('#')?;
    let (word, arg) = match rest.split_once(char::is_whitespace) {
        Some((w, a)) => (w, a.trim()),
        None => (rest, ""),
    };
    let word = word.trim_end_matches(':');
    let arg = arg.trim_start_matches(':').trim();
    if word.is_empty() || !word.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let unknown = || Command::Unknown(line.to_string());
    let folded = fold(word);
    Some(match folded.as_str() {
        "statut" | "status" | "etat" if !arg.is_empty() => {
            if arg.split_whitespace().count() <= 5 {
                Command::Status(arg.to_string())
            } else {
                unknown()
            }
        }
        "assigner" | "assign" | "attribuer" | "assigne" => match fold(arg).as_str() {
            "" | "moi" | "a moi" | "me" | "to me" | "myself" => Command::Assign(None),
            _ if is_address(arg) => Command::Assign(Some(arg.to_lowercase())),
            _ => unknown(),
        },
        "priorite" | "priority" => match priority(arg) {
            Some(p) => Command::Priority(p),
            None => unknown(),
        },
        "interne" | "internal" | "note" if arg.is_empty() => Command::Internal,
        "approuver" | "approuve" | "approve" | "approved" if arg.is_empty() => Command::Approve,
        "refuser" | "refuse" | "refused" => Command::Refuse(arg.to_string()),
        _ if arg.is_empty() => match status_kind(&word.replace('_', " ")) {
            Some(StateKind::Resolved) => Command::Resolve,
            Some(_) => Command::Status(word.replace('_', " ")),
            None => unknown(),
        },
        _ => unknown(),
    })
}

/// Reads a reply: its new words, and the commands on lines of their own among them.
pub fn read(text: &str, own: &[String]) -> Reply {
    let lines = new_words_lines(text, own);
    let commands = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| command(l).map(|c| (i, c)))
        .collect();
    Reply { lines, commands }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> Vec<String> {
        vec!["soutien@csdm.example".into()]
    }

    fn words(t: &str) -> String {
        new_words(t, &own())
    }

    fn cmds(t: &str) -> Vec<Command> {
        read(t, &own())
            .commands
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }

    #[test]
    fn gmail_french_history_wrapped_over_two_lines_is_cut() {
        let t = "Merci, c'est réglé.\n\nLe lun. 3 nov. 2026 à 10 h 15, Guichet <soutien@csdm.example> a\nécrit :\n> Bonjour Julie,\n> Votre demande";
        assert_eq!(words(t), "Merci, c'est réglé.");
    }

    #[test]
    fn outlook_french_header_block_is_cut_with_any_space_before_the_colon() {
        let t = "Oui, le local 204.\r\n\r\n________________________________\r\nDe : Guichet <soutien@csdm.example>\r\nEnvoyé : 3 novembre 2026 10:15\r\nÀ : Julie\r\nObjet : [DS-000042] Projecteur\r\n\r\nBonjour";
        assert_eq!(words(t), "Oui, le local 204.");
        for space in ["\u{a0}", "\u{202f}", " ", ""] {
            let t = format!(
                "Oui.\nDe{space}: Guichet\nEnvoyé{space}: lundi\nÀ{space}: Julie\nObjet{space}: x"
            );
            assert_eq!(words(&t), "Oui.", "{space:?}");
        }
    }

    #[test]
    fn outlook_headers_in_other_languages_are_cut() {
        for block in [
            "Von: Guichet\nGesendet: Freitag\nAn: Julie\nBetreff: x",
            "De: Guichet\nEnviado el: viernes\nPara: Julie\nAsunto: x",
            "Från: Guichet\nSkickat: fredag\nTill: Julie\nÄmne: x",
            "Van: Guichet\nVerzonden: vrijdag\nAan: Julie\nOnderwerp: x",
            "*From:* Guichet\n*Sent:* Friday\n*To:* Julie\n*Subject:* x",
            "Od: Guichet <soutien@csdm.example>\nWysłano: piątek\nDo: Julie",
        ] {
            assert_eq!(
                words(&format!("Réglé.\n\n{block}\n\nBonjour")),
                "Réglé.",
                "{block}"
            );
        }
    }

    #[test]
    fn a_line_starting_with_de_is_not_history_without_headers() {
        let t = "De : mon point de vue, c'est urgent.\nMerci";
        assert_eq!(words(t), t);
        let t = "Voici ce que le fournisseur a écrit :\nLivraison lundi.";
        assert_eq!(words(t), t);
    }

    #[test]
    fn separators_of_every_client_are_cut() {
        for sep in [
            "-----Original Message-----",
            "-----Message d'origine-----",
            "-----Ursprüngliche Nachricht-----",
            "-----Mensaje original-----",
            "----- Mail original -----",
            "----- Original Message -----",
            "---------- Forwarded message ---------",
            "________________________________",
        ] {
            assert_eq!(
                words(&format!("Merci\n{sep}\nFrom: x\nhello")),
                "Merci",
                "{sep}"
            );
        }
    }

    #[test]
    fn attributions_of_every_client_are_cut() {
        for a in [
            "On Mon, Nov 3, 2026 at 10:15 AM Guichet <s@x> wrote:",
            "Le 27/11/2026 à 09:00, Guichet a écrit :",
            "Le 27 nov. 2026 à 09:00, Guichet <soutien@csdm.example> a écrit\u{a0}:",
            "Am Fr., 27. Nov. 2026 um 09:00 Uhr schrieb Guichet <soutien@csdm.example>:",
            "El vie, 27 nov 2026 a las 9:00, Guichet (<soutien@csdm.example>) escribió:",
            "Den fre 27 nov. 2026 kl 09:00 skrev Guichet <soutien@csdm.example>:",
            "Op vr 27 nov 2026 om 09:00 schreef Guichet <soutien@csdm.example>:",
            "Guichet <soutien@csdm.example> writes:",
            "On Nov 27, 2026, at 9:00 AM, Guichet\n<soutien@csdm.example> wrote:",
        ] {
            assert_eq!(
                words(&format!("Merci!\n\n{a}\n\n> Bonjour\n> x")),
                "Merci!",
                "{a}"
            );
        }
    }

    #[test]
    fn bottom_posted_replies_keep_the_text_below_the_quote() {
        let t = "Le 27 nov. 2026 à 09:00, Guichet <soutien@csdm.example> a écrit :\n> Bonjour Julie,\n> Quel local?\n\nLe local 204.\n\n-- \nJulie";
        assert_eq!(words(t), "Le local 204.");
        let t = "> Quel local?\nLe 204.\n> Et l'appareil?\nLe projecteur.";
        assert_eq!(words(t), "Le 204.\n> Et l'appareil?\nLe projecteur.");
    }

    #[test]
    fn a_single_quote_sign_in_new_text_is_kept() {
        let t = "Les postes à remplacer :\n> 5 ordinateurs au local 204\nMerci";
        assert_eq!(words(t), t);
    }

    #[test]
    fn our_own_address_in_an_unknown_language_header_is_history() {
        let t = "Kiitos.\n\nLähettäjä: Guichet <soutien@csdm.example>\nLähetetty: perjantai\nVastaanottaja: Julie\n\nBonjour";
        assert_eq!(words(t), "Kiitos.");
    }

    #[test]
    fn signatures_and_phone_footers_are_cut() {
        assert_eq!(
            words("C'est fait\n\nEnvoyé de mon iPhone\n\n> x"),
            "C'est fait"
        );
        assert_eq!(words("Done\n-- \nJulie\nÉcole"), "Done");
        assert_eq!(
            words("Done\n\nGet Outlook for iOS<https://aka.ms/o0ukef>"),
            "Done"
        );
        assert_eq!(words("Erledigt\n\nVon meinem iPhone gesendet"), "Erledigt");
    }

    #[test]
    fn commands_on_any_line_of_their_own_are_read() {
        let r = read(
            "#résolu\n#priorité haute\n\n#interne\nRemplacé la lampe.\n#pas une commande",
            &own(),
        );
        assert_eq!(
            r.commands
                .iter()
                .map(|(_, c)| c.clone())
                .collect::<Vec<_>>(),
            vec![
                Command::Resolve,
                Command::Priority(Priority::High),
                Command::Internal,
                Command::Unknown("#pas une commande".into()),
            ]
        );
        assert_eq!(r.body(), "Remplacé la lampe.");
        assert_eq!(
            r.body_keeping(&[5]),
            "Remplacé la lampe.\n#pas une commande"
        );
        let r = read(
            "Bonjour,\nJ'ai changé la lampe.\n\n#statut en cours\n\nMerci",
            &own(),
        );
        assert_eq!(r.commands, vec![(3, Command::Status("en cours".into()))]);
        assert_eq!(r.body(), "Bonjour,\nJ'ai changé la lampe.\n\nMerci");
        assert_eq!(cmds("#assigner moi"), vec![Command::Assign(None)]);
        assert_eq!(
            cmds("#ASSIGN Marc@Csdm.example"),
            vec![Command::Assign(Some("marc@csdm.example".into()))]
        );
        assert_eq!(
            cmds("#refuser Budget épuisé"),
            vec![Command::Refuse("Budget épuisé".into())]
        );
        assert_eq!(
            cmds("#statut attente"),
            vec![Command::Status("attente".into())]
        );
        assert_eq!(
            cmds("#en_attente"),
            vec![Command::Status("en attente".into())]
        );
        assert_eq!(cmds("#fermé"), vec![Command::Status("fermé".into())]);
        assert_eq!(cmds("#vite"), vec![Command::Unknown("#vite".into())]);
        assert_eq!(
            cmds("#assigner moi et je regarde demain"),
            vec![Command::Unknown(
                "#assigner moi et je regarde demain".into()
            )]
        );
        // A number is no command; nor is a command inside a sentence.
        assert_eq!(cmds("#3 au 2e étage"), vec![]);
        assert_eq!(cmds("Je vais faire #résolu demain"), vec![]);
    }

    #[test]
    fn commands_in_the_quote_or_the_signature_are_not_read() {
        assert_eq!(cmds("Merci\n-- \n#résolu"), vec![]);
        assert_eq!(
            cmds("Merci\n\nLe 3 nov. 2026, Karim <k@x.test> a écrit :\n> #résolu"),
            vec![]
        );
        assert_eq!(
            cmds("Merci\nDe : Guichet\nEnvoyé : x\nÀ : y\n#résolu"),
            vec![]
        );
    }

    #[test]
    fn status_words_map_to_kinds() {
        for (w, k) in [
            ("en cours", StateKind::Open),
            ("En traitement", StateKind::Open),
            ("in progress", StateKind::Open),
            ("résolu", StateKind::Resolved),
            ("fermé", StateKind::Closed),
            ("en_attente", StateKind::Pending),
            ("annulée", StateKind::Cancelled),
        ] {
            assert_eq!(status_kind(w), Some(k), "{w}");
        }
        assert_eq!(status_kind("bidon"), None);
    }
}
