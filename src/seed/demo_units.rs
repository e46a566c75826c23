//! The units of the fictional school service centre.

use crate::units::model::UnitKind;

pub(super) const UNITS: &[(&str, &str, &str, UnitKind)] = &[
    (
        "dg",
        "Direction générale",
        "Office of the Director General",
        UnitKind::GeneralDirection,
    ),
    (
        "sti",
        "Service des technologies de l'information",
        "Information Technology Department",
        UnitKind::Service,
    ),
    (
        "srm",
        "Service des ressources matérielles",
        "Material Resources Department",
        UnitKind::Service,
    ),
    (
        "stransport",
        "Service du transport scolaire",
        "School Transportation Department",
        UnitKind::Service,
    ),
    (
        "srh",
        "Service des ressources humaines",
        "Human Resources Department",
        UnitKind::Service,
    ),
    (
        "ecole-bouleaux",
        "École primaire des Bouleaux",
        "Des Bouleaux Elementary School",
        UnitKind::School,
    ),
    (
        "ecole-saint-laurent",
        "École primaire Saint-Laurent",
        "Saint-Laurent Elementary School",
        UnitKind::School,
    ),
    (
        "ecole-riviere",
        "École primaire de la Rivière",
        "De la Rivière Elementary School",
        UnitKind::School,
    ),
    (
        "es-plateau",
        "École secondaire du Plateau",
        "Du Plateau High School",
        UnitKind::School,
    ),
    (
        "es-patriotes",
        "École secondaire des Patriotes",
        "Des Patriotes High School",
        UnitKind::School,
    ),
    (
        "cfp-metiers",
        "Centre de formation professionnelle des Métiers",
        "Des Métiers Vocational Training Centre",
        UnitKind::VocationalCentre,
    ),
    (
        "cea-horizon",
        "Centre d'éducation des adultes L'Horizon",
        "L'Horizon Adult Education Centre",
        UnitKind::AdultCentre,
    ),
];
