//! CSV imports from inventory tools (Lansweeper, Intune, Jamf exports, or Guichet's own columns),
//! once `sheet` has read the file:
//! decoding (UTF-8, UTF-16, Windows-1252), delimiter detection, a column mapping chosen at import
//! (pre-filled from the tool's usual headers), a dry run that reports every line's problems
//! without writing, and a real run that writes everything or nothing. Re-importing the same
//! file updates assets by inventory number or serial number, never duplicates them.

use super::model::*;
use super::queries;
use super::sheet::{header_key, Sheet};
use super::values;
use crate::audit::{self, Origin};
use crate::db::{AssetId, AssetModelId, AssetTypeId, RoomId, UnitId, UserId};
use crate::error::{AppError, Msg};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// How to read the sheet: a column per target, and defaults for lines without a unit or type.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub mapping: HashMap<String, usize>,
    pub default_unit: Option<String>,
    pub default_type: Option<String>,
}

/// One problem of one line.
#[derive(Debug, Clone, Serialize)]
pub struct LineError {
    pub line: usize,
    /// The column's header in the file (or the target when the value came from a default).
    pub column: String,
    pub message: Msg,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub lines: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub new_models: usize,
    pub errors: Vec<LineError>,
    /// Whether the assets were written (a real run without errors).
    pub written: bool,
}

enum ModelRef {
    Known(AssetModelId),
    New(usize),
}

struct Planned {
    line: usize,
    existing: Option<Asset>,
    model: ModelRef,
    fields: AssetFields,
}

/// Everything the checks need, loaded once (an import of 50,000 lines must not ask the database
/// 50,000 times).
struct Lookups {
    types: HashMap<String, AssetTypeId>,
    models: HashMap<(String, String), (AssetModelId, AssetTypeId)>,
    units: HashMap<String, UnitId>,
    rooms: HashMap<(UnitId, String, String), RoomId>,
    rooms_by_code: HashMap<(UnitId, String), Vec<RoomId>>,
    people: HashMap<String, UserId>,
    by_tag: HashMap<String, Asset>,
    by_serial: HashMap<String, AssetId>,
}

/// Words inventory tools use for a type, beyond our types' codes and names.
const TYPE_SYNONYMS: &[(&str, &str)] = &[
    ("laptop", "portable"),
    ("notebook", "portable"),
    ("macbook", "portable"),
    ("desktop", "poste"),
    ("workstation", "poste"),
    ("windows", "poste"),
    ("ipad", "tablette"),
    ("tablet", "tablette"),
    ("projector", "projecteur"),
    ("printer", "imprimante"),
    ("phone", "telephone"),
    ("mobile", "telephone"),
    ("iphone", "telephone"),
    ("switch", "reseau"),
    ("router", "reseau"),
    ("access point", "reseau"),
];

const STATUS_SYNONYMS: &[(&str, AssetStatus)] = &[
    ("en stock", AssetStatus::InStock),
    ("stock", AssetStatus::InStock),
    ("in stock", AssetStatus::InStock),
    ("spare", AssetStatus::InStock),
    ("deploye", AssetStatus::Deployed),
    ("en service", AssetStatus::Deployed),
    ("active", AssetStatus::Deployed),
    ("in use", AssetStatus::Deployed),
    ("deployed", AssetStatus::Deployed),
    ("compliant", AssetStatus::Deployed),
    ("noncompliant", AssetStatus::Deployed),
    ("en pret", AssetStatus::OnLoan),
    ("on loan", AssetStatus::OnLoan),
    ("en reparation", AssetStatus::InRepair),
    ("broken", AssetStatus::InRepair),
    ("in repair", AssetStatus::InRepair),
    ("manquant", AssetStatus::Missing),
    ("perdu", AssetStatus::Missing),
    ("lost", AssetStatus::Missing),
    ("stolen", AssetStatus::Missing),
    ("retire", AssetStatus::Retired),
    ("retired", AssetStatus::Retired),
    ("disposed", AssetStatus::Retired),
];

fn parse_status(raw: &str) -> Option<AssetStatus> {
    AssetStatus::parse(raw.trim()).or_else(|| {
        let k = header_key(raw);
        STATUS_SYNONYMS
            .iter()
            .find(|(w, _)| header_key(w) == k)
            .map(|(_, s)| *s)
    })
}

fn load(conn: &mut PgConnection) -> QueryResult<Lookups> {
    let refs = queries::import_refs(conn)?;
    let mut types = HashMap::new();
    for (id, code, fr, en) in refs.types {
        for k in [&code, &fr, &en] {
            types.insert(header_key(k), id);
        }
    }
    let by_code: HashMap<String, AssetTypeId> = types.clone();
    for (word, code) in TYPE_SYNONYMS {
        if let Some(id) = by_code.get(*code) {
            types.entry(header_key(word)).or_insert(*id);
        }
    }
    let models = refs
        .models
        .into_iter()
        .map(|(id, t, maker, name)| ((maker.to_lowercase(), name.to_lowercase()), (id, t)))
        .collect();
    let mut unit_map = HashMap::new();
    for (id, code, fr, en) in refs.units {
        for k in [&fr, &en, &code] {
            unit_map.insert(header_key(k), id);
        }
        unit_map.insert(code.to_lowercase(), id);
    }
    let mut room_map = HashMap::new();
    let mut rooms_by_code: HashMap<(UnitId, String), Vec<RoomId>> = HashMap::new();
    for (id, unit, bcode, bname, code) in refs.rooms {
        let rk = code.to_lowercase();
        room_map.insert((unit, bcode.to_lowercase(), rk.clone()), id);
        room_map.insert((unit, header_key(&bname), rk.clone()), id);
        rooms_by_code.entry((unit, rk)).or_default().push(id);
    }
    let people = refs.people.into_iter().collect();
    let mut by_tag = HashMap::new();
    let mut by_serial = HashMap::new();
    for a in refs.assets {
        if let Some(s) = &a.serial {
            by_serial.insert(s.to_uppercase(), a.id);
        }
        by_tag.insert(a.tag.to_uppercase(), a);
    }
    Ok(Lookups {
        types,
        models,
        units: unit_map,
        rooms: room_map,
        rooms_by_code,
        people,
        by_tag,
        by_serial,
    })
}

/// Checks every line; with `write`, and only if no line has a problem, writes them all in one
/// transaction. Nothing is written otherwise.
pub fn run(
    conn: &mut PgConnection,
    origin: &Origin,
    sheet: &Sheet,
    opts: &Options,
    write: bool,
) -> Result<Report, AppError> {
    conn.transaction(|conn| {
        let look = load(conn)?;
        let (planned, new_models, mut report) = plan(&look, sheet, opts);
        report.new_models = new_models.len();
        if !write || !report.errors.is_empty() {
            return Ok(report);
        }
        let mut model_ids = Vec::with_capacity(new_models.len());
        for (maker, name, type_id) in &new_models {
            model_ids.push(
                queries::insert_model(
                    conn,
                    &NewModel {
                        type_id: *type_id,
                        maker,
                        name,
                    },
                )?
                .id,
            );
        }
        let mut creates = Vec::new();
        let mut events = Vec::new();
        for mut p in planned {
            p.fields.model_id = match p.model {
                ModelRef::Known(id) => id,
                ModelRef::New(i) => model_ids[i],
            };
            match &p.existing {
                None => creates.push((p.line, p.fields)),
                Some(before) => {
                    if AssetFields::of(before) == p.fields {
                        continue;
                    }
                    queries::update(conn, before.id, &p.fields)?;
                    events.push(NewAssetEvent {
                        asset_id: before.id,
                        kind: AssetEventKind::Imported,
                        actor_id: origin.actor,
                        request_id: None,
                        data: json!({"line": p.line, "from": before.status, "to": p.fields.status}),
                    });
                }
            }
        }
        for chunk in creates.chunks(1000) {
            let rows: Vec<AssetFields> = chunk.iter().map(|(_, f)| f.clone()).collect();
            let ids = queries::insert_many(conn, &rows)?;
            for ((line, f), id) in chunk.iter().zip(ids) {
                events.push(NewAssetEvent {
                    asset_id: id,
                    kind: AssetEventKind::Imported,
                    actor_id: origin.actor,
                    request_id: None,
                    data: json!({"line": line, "created": true, "to": f.status}),
                });
            }
        }
        for chunk in events.chunks(5000) {
            queries::insert_events(conn, chunk)?;
        }
        audit::record(
            conn,
            origin,
            "assets.imported",
            "asset",
            "import",
            json!({"lines": report.lines, "created": report.created, "updated": report.updated,
                   "unchanged": report.unchanged, "new_models": report.new_models}),
        )?;
        report.written = true;
        Ok(report)
    })
}

type NewModels = Vec<(String, String, AssetTypeId)>;

fn plan(look: &Lookups, sheet: &Sheet, opts: &Options) -> (Vec<Planned>, NewModels, Report) {
    let mut report = Report {
        lines: sheet.records.len(),
        ..Default::default()
    };
    let mut planned = Vec::with_capacity(sheet.records.len());
    let mut new_models: NewModels = Vec::new();
    let mut new_model_index: HashMap<(String, String), usize> = HashMap::new();
    let mut seen_tags: HashMap<String, usize> = HashMap::new();
    let mut seen_serials: HashMap<String, usize> = HashMap::new();
    let mapped: Vec<usize> = opts.mapping.values().copied().collect();
    let default_unit = opts
        .default_unit
        .as_deref()
        .and_then(|u| look.units.get(&u.to_lowercase()).copied());
    let default_type = opts
        .default_type
        .as_deref()
        .and_then(|t| look.types.get(&header_key(t)).copied());

    for (line, cells) in &sheet.records {
        let line = *line;
        let cell = |target: &str| -> Option<&str> {
            opts.mapping
                .get(target)
                .and_then(|i| cells.get(*i))
                .map(|s| s.as_str())
                .filter(|s| !s.is_empty())
        };
        let column = |target: &str| -> String {
            opts.mapping
                .get(target)
                .and_then(|i| sheet.headers.get(*i))
                .cloned()
                .unwrap_or_else(|| target.to_string())
        };
        let mut errs: Vec<LineError> = Vec::new();
        let mut err = |target: &str, m: Msg| {
            errs.push(LineError {
                line,
                column: column(target),
                message: m,
            })
        };
        if cells.len() != sheet.headers.len() {
            err(
                "tag",
                Msg::new("import-column-count")
                    .arg("n", cells.len())
                    .arg("max", sheet.headers.len()),
            );
            report.errors.append(&mut errs);
            continue;
        }

        // Which asset: by inventory number, else by serial number.
        let tag = cell("tag").map(|t| (t, values::tag(t)));
        let serial = cell("serial");
        let by_serial = serial.and_then(|s| look.by_serial.get(&s.to_uppercase()));
        let existing = match &tag {
            Some((_, Some(t))) => look.by_tag.get(&t.to_uppercase()),
            _ => by_serial.and_then(|id| look.by_tag.values().find(|a| a.id == *id)),
        };
        let tag = match tag {
            Some((raw, None)) => {
                err("tag", Msg::new("asset-tag-invalid").arg("label", raw));
                String::new()
            }
            Some((_, Some(t))) => t,
            None => match existing {
                Some(a) => a.tag.clone(),
                None => {
                    err("tag", Msg::new("field-required"));
                    String::new()
                }
            },
        };
        if let (Some(a), Some(other)) = (existing, by_serial) {
            if a.id != *other {
                err("serial", Msg::new("asset-number-taken"));
            }
        }
        if !tag.is_empty() {
            if let Some(first) = seen_tags.insert(tag.to_uppercase(), line) {
                err("tag", Msg::new("import-duplicate").arg("n", first));
            }
        }
        if let Some(s) = serial {
            if s.chars().count() > 100 {
                err("serial", Msg::new("field-too-long").arg("max", 100));
            }
            if let Some(first) = seen_serials.insert(s.to_uppercase(), line) {
                err("serial", Msg::new("import-duplicate").arg("n", first));
            }
        }

        // Type and model.
        let type_id = match cell("type") {
            Some(t) => match look.types.get(&header_key(t)) {
                Some(id) => Some(*id),
                None => {
                    err("type", Msg::new("import-unknown").arg("label", t));
                    None
                }
            },
            None => default_type,
        };
        let model = match (cell("maker"), cell("model")) {
            (Some(maker), Some(name)) => {
                let key = (maker.to_lowercase(), name.to_lowercase());
                match look.models.get(&key) {
                    Some((id, _)) => Some(ModelRef::Known(*id)),
                    None => match (new_model_index.get(&key), type_id) {
                        (Some(i), _) => Some(ModelRef::New(*i)),
                        (None, Some(t))
                            if maker.chars().count() <= 100 && name.chars().count() <= 200 =>
                        {
                            new_models.push((maker.to_string(), name.to_string(), t));
                            new_model_index.insert(key, new_models.len() - 1);
                            Some(ModelRef::New(new_models.len() - 1))
                        }
                        (None, Some(_)) => {
                            err("model", Msg::new("field-too-long").arg("max", 200));
                            None
                        }
                        (None, None) => {
                            err("type", Msg::new("field-required"));
                            None
                        }
                    },
                }
            }
            _ => match existing {
                Some(a) => Some(ModelRef::Known(a.model_id)),
                None => {
                    for t in ["maker", "model"] {
                        if cell(t).is_none() {
                            err(t, Msg::new("field-required"));
                        }
                    }
                    None
                }
            },
        };

        // Status, per the lifecycle for an asset we know.
        let status = match cell("status") {
            Some(s) => match parse_status(s) {
                Some(to) => match existing {
                    Some(a) if a.status != to && !a.status.can_become(to) => {
                        err(
                            "status",
                            Msg::new("asset-status-refused")
                                .arg_label("from", "asset-status", a.status)
                                .arg_label("to", "asset-status", to),
                        );
                        a.status
                    }
                    _ => to,
                },
                None => {
                    err("status", Msg::new("import-unknown").arg("label", s));
                    AssetStatus::InStock
                }
            },
            None => existing.map(|a| a.status).unwrap_or(AssetStatus::InStock),
        };

        // Where it is.
        let unit_id = match cell("unit") {
            Some(u) => match look
                .units
                .get(&u.to_lowercase())
                .or_else(|| look.units.get(&header_key(u)))
            {
                Some(id) => *id,
                None => {
                    err("unit", Msg::new("import-unknown").arg("label", u));
                    UnitId(0)
                }
            },
            None => match existing.map(|a| a.unit_id).or(default_unit) {
                Some(u) => u,
                None => {
                    err("unit", Msg::new("field-required"));
                    UnitId(0)
                }
            },
        };
        let room_id = match cell("room") {
            Some(r) => {
                let rk = r.to_lowercase();
                let found = match cell("building") {
                    Some(b) => look
                        .rooms
                        .get(&(unit_id, b.to_lowercase(), rk.clone()))
                        .or_else(|| look.rooms.get(&(unit_id, header_key(b), rk.clone())))
                        .copied(),
                    None => match look.rooms_by_code.get(&(unit_id, rk)) {
                        Some(v) if v.len() == 1 => Some(v[0]),
                        _ => None,
                    },
                };
                if found.is_none() && unit_id != UnitId(0) {
                    err("room", Msg::new("import-unknown").arg("label", r));
                }
                found
            }
            None => existing
                .filter(|a| a.unit_id == unit_id)
                .and_then(|a| a.room_id),
        };
        let assigned_to = match cell("assigned_to") {
            Some(e) => match look.people.get(&e.to_lowercase()) {
                Some(id) => Some(*id),
                None => {
                    err("assigned_to", Msg::new("asset-person-unknown"));
                    None
                }
            },
            None => existing.and_then(|a| a.assigned_to),
        };
        let mut date = |target: &str, old: Option<chrono::NaiveDate>| match cell(target) {
            Some(s) => values::date(s).or_else(|| {
                err(target, Msg::new("field-date"));
                None
            }),
            None => old,
        };
        let purchase_date = date("purchase_date", existing.and_then(|a| a.purchase_date));
        let warranty_end = date("warranty_end", existing.and_then(|a| a.warranty_end));
        let purchase_cost_cents = match cell("purchase_cost") {
            Some(s) => values::cents(s).or_else(|| {
                err("purchase_cost", Msg::new("field-number"));
                None
            }),
            None => existing.and_then(|a| a.purchase_cost_cents),
        };
        let notes = cell("notes")
            .map(str::to_string)
            .or_else(|| existing.map(|a| a.notes.clone()))
            .unwrap_or_default();
        if notes.chars().count() > 5000 {
            err("notes", Msg::new("field-too-long").arg("max", 5000));
        }
        // The columns nobody mapped are kept with the asset, so nothing of the export is lost.
        let mut extra: Map<String, Value> = existing
            .and_then(|a| a.extra.as_object().cloned())
            .unwrap_or_default();
        for (i, h) in sheet.headers.iter().enumerate() {
            if !mapped.contains(&i) && !h.is_empty() {
                if let Some(v) = cells.get(i).filter(|v| !v.is_empty()) {
                    extra.insert(h.clone(), Value::String(v.clone()));
                }
            }
        }

        if !errs.is_empty() {
            report.errors.append(&mut errs);
            continue;
        }
        let Some(model) = model else { continue };
        let fields = AssetFields {
            tag,
            serial: serial
                .map(str::to_string)
                .or_else(|| existing.and_then(|a| a.serial.clone())),
            model_id: match model {
                ModelRef::Known(id) => id,
                ModelRef::New(_) => AssetModelId(0),
            },
            status,
            unit_id,
            room_id,
            assigned_to,
            purchase_date,
            purchase_cost_cents,
            warranty_end,
            notes,
            extra: Value::Object(extra),
            loanable: existing.is_some_and(|a| a.loanable),
        };
        match existing {
            None => report.created += 1,
            Some(a) if matches!(model, ModelRef::Known(_)) && AssetFields::of(a) == fields => {
                report.unchanged += 1
            }
            Some(_) => report.updated += 1,
        }
        planned.push(Planned {
            line,
            existing: existing.cloned(),
            model,
            fields,
        });
    }
    (planned, new_models, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_from_tools_are_understood() {
        assert_eq!(parse_status("in_stock"), Some(AssetStatus::InStock));
        assert_eq!(parse_status("En réparation"), Some(AssetStatus::InRepair));
        assert_eq!(parse_status("Active"), Some(AssetStatus::Deployed));
        assert_eq!(parse_status("Stolen"), Some(AssetStatus::Missing));
        assert_eq!(parse_status("???"), None);
    }
}
