//! Reading an inventory tool's export: decoding (UTF-8, UTF-16, Windows-1252), delimiter
//! detection, headers and records with their line numbers, and the column mapping each tool's
//! usual headers suggest. Pure: nothing here reads the database.

use crate::automation::fold;
use crate::error::Msg;
use std::collections::HashMap;

/// What a column can be mapped to.
pub const TARGETS: &[&str] = &[
    "tag",
    "serial",
    "type",
    "maker",
    "model",
    "status",
    "unit",
    "building",
    "room",
    "assigned_to",
    "purchase_date",
    "purchase_cost",
    "warranty_end",
    "notes",
];

/// A tool's usual headers, per target (compared without case, accents or punctuation).
pub type Preset = (
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
);

pub const PRESETS: &[Preset] = &[
    (
        "guichet",
        &[
            (
                "tag",
                &[
                    "numero d'inventaire",
                    "numero_inventaire",
                    "inventaire",
                    "tag",
                ],
            ),
            ("serial", &["numero de serie", "numero_serie", "serie"]),
            ("type", &["type"]),
            ("maker", &["fabricant"]),
            ("model", &["modele"]),
            ("status", &["statut", "etat"]),
            ("unit", &["unite"]),
            ("building", &["batiment", "immeuble"]),
            ("room", &["local"]),
            ("assigned_to", &["attribue a", "courriel"]),
            ("purchase_date", &["date d'achat", "date_achat"]),
            ("purchase_cost", &["cout", "cout d'achat", "prix"]),
            (
                "warranty_end",
                &["fin de garantie", "fin_garantie", "garantie"],
            ),
            ("notes", &["notes", "remarques"]),
        ],
    ),
    (
        "lansweeper",
        &[
            ("tag", &["assetname", "asset name", "barcode"]),
            ("serial", &["serialnumber", "serial number"]),
            ("type", &["assettype", "asset type", "type"]),
            ("maker", &["manufacturer"]),
            ("model", &["model"]),
            ("status", &["state", "status"]),
            ("unit", &["location", "site"]),
            ("building", &["building"]),
            ("room", &["room"]),
            ("assigned_to", &["email", "user email", "username email"]),
            ("purchase_date", &["purchasedate", "purchase date"]),
            (
                "purchase_cost",
                &["purchaseprice", "purchase price", "price"],
            ),
            (
                "warranty_end",
                &["warrantydate", "warranty date", "warranty end date"],
            ),
            ("notes", &["comment", "comments", "description"]),
        ],
    ),
    (
        "intune",
        &[
            ("tag", &["device name", "devicename"]),
            ("serial", &["serial number", "serialnumber"]),
            ("type", &["device type", "ownership type"]),
            ("maker", &["manufacturer"]),
            ("model", &["model"]),
            ("status", &["compliance"]),
            ("unit", &["category", "device category"]),
            (
                "assigned_to",
                &[
                    "primary user upn",
                    "primary user email address",
                    "user principal name",
                ],
            ),
            ("purchase_date", &["enrollment date", "enrolled date"]),
            ("notes", &["notes"]),
        ],
    ),
    (
        "jamf",
        &[
            ("tag", &["asset tag"]),
            ("serial", &["serial number"]),
            ("type", &["device type"]),
            ("maker", &["make", "manufacturer"]),
            ("model", &["model"]),
            ("status", &["status"]),
            ("unit", &["site", "department"]),
            ("building", &["building"]),
            ("room", &["room"]),
            ("assigned_to", &["email address", "email"]),
            ("purchase_date", &["po date", "purchase date"]),
            ("purchase_cost", &["purchase price"]),
            (
                "warranty_end",
                &["warranty expiration", "applecare warranty expiration"],
            ),
            ("notes", &["notes"]),
        ],
    ),
];

/// Column header → comparable key: lower case, no accents, letters and digits and single spaces.
pub fn header_key(h: &str) -> String {
    let folded = fold(h.trim_start_matches('\u{feff}'));
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '\u{2019}' {
            out.push(if c == '\u{2019}' { '\'' } else { c });
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// The mapping a preset suggests for these headers: target → column index. With `auto`, every
/// preset's headers are tried (Guichet's first).
pub fn suggest(preset: &str, headers: &[String]) -> HashMap<String, usize> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let mut out = HashMap::new();
    for (code, table) in PRESETS {
        if preset != "auto" && preset != *code {
            continue;
        }
        for (target, names) in table.iter() {
            if out.contains_key(*target) {
                continue;
            }
            let wanted: Vec<String> = names.iter().map(|n| header_key(n)).collect();
            if let Some(i) = keys.iter().position(|k| wanted.contains(k)) {
                if !out.values().any(|v| *v == i) {
                    out.insert(target.to_string(), i);
                }
            }
        }
    }
    out
}

/// The text of an uploaded file and the encoding it was read in.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), Msg> {
    let (text, name) = if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        (
            String::from_utf8(rest.to_vec()).map_err(|_| Msg::new("import-not-csv"))?,
            "UTF-8",
        )
    } else if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        let enc = if bytes[0] == 0xff {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (t, _, bad) = enc.decode(&bytes[2..]);
        if bad {
            return Err(Msg::new("import-not-csv"));
        }
        (t.into_owned(), "UTF-16")
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => (t.to_string(), "UTF-8"),
            // Excel in French saves « CSV » in Windows-1252.
            Err(_) => (
                encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
                "Windows-1252",
            ),
        }
    };
    if text.contains('\0') || text.trim().is_empty() {
        return Err(Msg::new("import-not-csv"));
    }
    Ok((text, name))
}

/// The delimiter of the header line: the most frequent of `;` `,` tab and `|` outside quotes.
pub fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut counts = [(b';', 0), (b',', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for c in first.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == c {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map(|(d, _)| *d)
        .unwrap_or(b',')
}

/// A file read into headers and records (each with its line number).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub encoding: &'static str,
    pub delimiter: u8,
    pub headers: Vec<String>,
    pub records: Vec<(usize, Vec<String>)>,
}

pub fn read(bytes: &[u8]) -> Result<Sheet, Msg> {
    let (text, encoding) = decode(bytes)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| Msg::new("import-not-csv"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Msg::new("import-not-csv"));
    }
    let mut records = Vec::new();
    for r in reader.records() {
        let r = r.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Msg::new("import-unreadable-line").arg("n", line)
        })?;
        let line = r.position().map(|p| p.line() as usize).unwrap_or(0);
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        records.push((line, r.iter().map(|c| c.trim().to_string()).collect()));
    }
    Ok(Sheet {
        encoding,
        delimiter,
        headers,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_compare_without_case_accents_or_punctuation() {
        assert_eq!(header_key("Numéro d'inventaire"), "numero d'inventaire");
        assert_eq!(header_key("\u{feff}Serial_Number "), "serial number");
        assert_eq!(header_key("Primary user UPN"), "primary user upn");
        assert_eq!(header_key("Date d’achat"), "date d'achat");
    }

    #[test]
    fn each_tool_s_headers_are_recognized() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let jamf = suggest(
            "jamf",
            &h(&["Serial Number", "Asset Tag", "Model", "Building", "Room"]),
        );
        assert_eq!(jamf["tag"], 1);
        assert_eq!(jamf["serial"], 0);
        let intune = suggest(
            "auto",
            &h(&[
                "Device name",
                "Manufacturer",
                "Model",
                "Serial number",
                "Primary user UPN",
            ]),
        );
        assert_eq!(intune["tag"], 0);
        assert_eq!(intune["assigned_to"], 4);
        let ours = suggest(
            "auto",
            &h(&[
                "Numéro d'inventaire",
                "Fabricant",
                "Modèle",
                "Unité",
                "Statut",
            ]),
        );
        assert_eq!(ours["model"], 2);
        assert_eq!(ours["unit"], 3);
        assert_eq!(ours["status"], 4);
    }

    #[test]
    fn delimiters_are_detected_outside_quotes() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("seul"), b',');
    }

    #[test]
    fn encodings_of_spreadsheet_exports_are_read() {
        let (t, e) = decode(b"Mod\xe8le;Unit\xe9\n").unwrap();
        assert_eq!((t.as_str(), e), ("Modèle;Unité\n", "Windows-1252"));
        let (t, e) = decode("\u{feff}Modèle".as_bytes()).unwrap();
        assert_eq!((t.as_str(), e), ("Modèle", "UTF-8"));
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("Modèle,x".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16).unwrap().0, "Modèle,x");
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().key,
            "import-not-csv"
        );
        assert_eq!(decode(b"  \n").unwrap_err().key, "import-not-csv");
    }

    #[test]
    fn a_sheet_keeps_line_numbers_and_skips_blank_lines() {
        let s = read(b"tag;model\nA-1;X\n\n;\nA-2;\"Y;Z\"\n").unwrap();
        assert_eq!(s.headers, vec!["tag", "model"]);
        assert_eq!(s.records.len(), 2);
        assert_eq!(s.records[1].0, 5);
        assert_eq!(s.records[1].1[1], "Y;Z");
    }
}
