//! The new words of a reply: quoted history and signatures cut off (French and English mail
//! clients), and the commands a person wrote on lines of their own at the top. Pure.

use crate::requests::model::Priority;
use once_cell::sync::Lazy;
use regex::Regex;

/// An instruction written at the top of a reply.
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
    /// A `#word` that is no command, kept to tell the sender.
    Unknown(String),
}

/// What a reply says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub commands: Vec<Command>,
    pub body: String,
}

static QUOTE_HEADER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?ix)^\s*(
            -{2,}\s*(original\s+message|message\s+d'origine|message\s+original|forwarded\s+message|message\s+transféré)\s*-{2,}
          | (le|on)\s.{4,300}\s(a\s+écrit|wrote|schrieb)\s*:\s*
          | _{10,}
          | begin\s+forwarded\s+message:
          | début\s+du\s+message\s+réexpédié\s*:
        )\s*$",
    )
    .expect("regex")
});

static HEADER_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*\*?(de|from|envoyé|sent|date|à|to|objet|subject|cc)\s*\*?\s*:")
        .expect("regex")
});

static SIGNATURE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?ix)^\s*(
            --\s?
          | envoyé\s+(de|depuis|à\s+partir\s+de)\s+(mon|mon\s+appareil|outlook|l'application).*
          | sent\s+from\s+(my|outlook|mail\s+for).*
          | get\s+outlook\s+for.*
          | obtenir\s+outlook\s+pour.*
          | télécharger\s+outlook\s+pour.*
        )$",
    )
    .expect("regex")
});

/// A quoted-history header: Outlook's « De : … Envoyé : … À : … Objet : » block counts when
/// the next lines carry at least two more header names.
fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i];
    if QUOTE_HEADER.is_match(line) {
        return true;
    }
    // "Le lun. 3 nov. 2026 à 10:15, Guichet <…> a" / "écrit :" wrapped over two lines.
    if let Some(next) = lines.get(i + 1) {
        let l = line.trim_start().to_lowercase();
        if (l.starts_with("le ") || l.starts_with("on "))
            && QUOTE_HEADER.is_match(&format!("{} {}", line.trim_end(), next.trim()))
        {
            return true;
        }
    }
    let l = line.trim_start().to_lowercase();
    let starts_from = [
        "de :", "de:", "from:", "*de :", "*from:", "de :", "**de :**",
    ]
    .iter()
    .any(|p| l.starts_with(p));
    if starts_from {
        let more = lines
            .iter()
            .skip(i + 1)
            .take(5)
            .filter(|l| HEADER_LINE.is_match(l))
            .count();
        return more >= 2;
    }
    false
}

/// Cuts quoted history, `>` quotes and signatures, keeping the new words.
pub fn new_words(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut kept = Vec::new();
    for i in 0..lines.len() {
        let line = lines[i];
        if starts_history(&lines, i) || SIGNATURE.is_match(line) {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        kept.push(line.trim_end());
    }
    // Outlook sometimes leaves a lone "De :" header just after a separator line that was kept.
    let joined = kept.join("\n");
    joined.trim_matches('\n').trim().to_string()
}

fn priority(word: &str) -> Option<Priority> {
    match crate::automation::fold(word).as_str() {
        "basse" | "low" | "faible" => Some(Priority::Low),
        "normale" | "normal" | "moyenne" => Some(Priority::Normal),
        "haute" | "high" | "elevee" => Some(Priority::High),
        "urgente" | "urgent" | "critique" => Some(Priority::Urgent),
        _ => None,
    }
}

fn command(line: &str) -> Option<Command> {
    let line = line.trim();
    let rest = line.strip_prefix('#')?;
    let (word, arg) = match rest.split_once(char::is_whitespace) {
        Some((w, a)) => (w, a.trim()),
        None => (rest, ""),
    };
    if word.is_empty() || !word.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let folded = crate::automation::fold(word);
    Some(match folded.as_str() {
        "resolu" | "resolue" | "resolved" | "resolve" | "resoudre" => Command::Resolve,
        "statut" | "status" | "etat" if !arg.is_empty() => Command::Status(arg.to_string()),
        "assigner" | "assign" | "attribuer" => match crate::automation::fold(arg).as_str() {
            "" | "moi" | "me" | "myself" => Command::Assign(None),
            _ => Command::Assign(Some(arg.to_lowercase())),
        },
        "priorite" | "priority" => match priority(arg) {
            Some(p) => Command::Priority(p),
            None => Command::Unknown(line.to_string()),
        },
        "interne" | "internal" | "note" => Command::Internal,
        "approuver" | "approuve" | "approve" | "approved" => Command::Approve,
        "refuser" | "refuse" | "refused" => Command::Refuse(arg.to_string()),
        _ => Command::Unknown(line.to_string()),
    })
}

/// Reads a reply: commands first (lines of their own starting with `#`, blank lines between
/// allowed), then the new words.
pub fn read(text: &str) -> Reply {
    let words = new_words(text);
    let mut commands = Vec::new();
    let mut rest = Vec::new();
    let mut in_commands = true;
    for line in words.lines() {
        if in_commands {
            if line.trim().is_empty() {
                continue;
            }
            if let Some(c) = command(line) {
                commands.push(c);
                continue;
            }
            in_commands = false;
        }
        rest.push(line);
    }
    Reply {
        commands,
        body: rest.join("\n").trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_french_history_wrapped_over_two_lines_is_cut() {
        let t = "Merci, c'est réglé.\n\nLe lun. 3 nov. 2026 à 10 h 15, Guichet <soutien@csdm.example> a\nécrit :\n> Bonjour Julie,\n> Votre demande";
        assert_eq!(new_words(t), "Merci, c'est réglé.");
    }

    #[test]
    fn outlook_french_header_block_is_cut() {
        let t = "Oui, le local 204.\r\n\r\n________________________________\r\nDe : Guichet <soutien@csdm.example>\r\nEnvoyé : 3 novembre 2026 10:15\r\nÀ : Julie\r\nObjet : [DS-000042] Projecteur\r\n\r\nBonjour";
        assert_eq!(new_words(t), "Oui, le local 204.");
        let t = "Oui.\nDe : Guichet\nEnvoyé : lundi\nÀ : Julie\nObjet : x";
        assert_eq!(new_words(t), "Oui.");
    }

    #[test]
    fn a_line_starting_with_de_is_not_history_without_headers() {
        let t = "De : mon point de vue, c'est urgent.\nMerci";
        assert_eq!(new_words(t), t);
    }

    #[test]
    fn signatures_and_phone_footers_are_cut() {
        assert_eq!(
            new_words("C'est fait\n\nEnvoyé de mon iPhone\n\n> x"),
            "C'est fait"
        );
        assert_eq!(new_words("Done\n-- \nJulie\nÉcole"), "Done");
        assert_eq!(
            new_words("Done\n\nGet Outlook for iOS<https://aka.ms/o0ukef>"),
            "Done"
        );
        assert_eq!(
            new_words("Merci\n-----Original Message-----\nFrom: x"),
            "Merci"
        );
        assert_eq!(
            new_words("Thanks!\n\nOn Mon, Nov 3, 2026 at 10:15 AM Guichet <s@x> wrote:\n> hi"),
            "Thanks!"
        );
    }

    #[test]
    fn commands_on_top_lines_are_read() {
        let r = read("#résolu\n#priorité haute\n\n#interne\nRemplacé la lampe.\n#pas une commande");
        assert_eq!(
            r.commands,
            vec![
                Command::Resolve,
                Command::Priority(Priority::High),
                Command::Internal
            ]
        );
        assert_eq!(r.body, "Remplacé la lampe.\n#pas une commande");
        assert_eq!(read("#assigner moi").commands, vec![Command::Assign(None)]);
        assert_eq!(
            read("#ASSIGN Marc@Csdm.example").commands,
            vec![Command::Assign(Some("marc@csdm.example".into()))]
        );
        assert_eq!(
            read("#refuser Budget épuisé").commands,
            vec![Command::Refuse("Budget épuisé".into())]
        );
        assert_eq!(
            read("#statut attente").commands,
            vec![Command::Status("attente".into())]
        );
        assert_eq!(
            read("#vite").commands,
            vec![Command::Unknown("#vite".into())]
        );
        // A number is no command.
        assert_eq!(read("#3 au 2e étage").commands, vec![]);
    }
}
