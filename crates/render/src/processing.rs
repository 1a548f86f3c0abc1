//! The record of processing (GDPR art. 30) of one programme, generated from the programme and
//! the referral schema: who is responsible, for what purposes, on what legal basis, which
//! personal data (special categories apart), who receives it, how long it is kept and where it
//! lives. What the programme cannot know is declared in its `processing:` block, each entry with
//! its source or marked for the data-protection officer to confirm; a missing declaration is
//! said to be missing, never filled in. One structure, written as Markdown, HTML or JSON (the
//! web page renders the same sections).

use std::collections::BTreeSet;

use serde::Serialize;
use traject_i18n::vocabulary::{field_label, term};
use traject_i18n::{say, LabelIn, Lang};
use traject_model::program::model::{Declaration, Version};
use traject_rules::CompiledProgram;

/// One line of a section: its text, where it comes from, and whether the data-protection
/// officer still has to confirm it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub to_confirm: bool,
}

/// A heading and its lines.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub key: &'static str,
    pub heading: String,
    pub items: Vec<Item>,
}

/// The whole record, in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub program: String,
    pub title: String,
    pub lang: Lang,
    pub sections: Vec<Section>,
}

fn item(text: impl Into<String>) -> Item {
    Item {
        text: text.into(),
        source: None,
        to_confirm: false,
    }
}

fn sourced(text: impl Into<String>, source: &str) -> Item {
    Item {
        text: text.into(),
        source: Some(source.to_string()),
        to_confirm: source.starts_with("assumption") || source.starts_with("todo"),
    }
}

fn declared(d: &Declaration, lang: Lang) -> Item {
    Item {
        to_confirm: d.dpo_to_confirm,
        ..sourced(d.label.get(lang, Lang::En), &d.source)
    }
}

/// The record of `compiled`'s programme in `lang`.
pub fn record(compiled: &CompiledProgram, lang: Lang) -> Record {
    let spec = &compiled.program.spec;
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let last = spec.versions.last();
    let name = spec.name.get(lang, Lang::En);
    let sections = vec![
        controller(compiled, lang),
        Section {
            key: "purposes",
            heading: w("Doeleinden", "Finalités", "Purposes").into(),
            items: purposes(last, lang),
        },
        legal_basis(compiled, lang),
        Section {
            key: "categories",
            heading: w(
                "Categorieën van persoonsgegevens",
                "Catégories de données personnelles",
                "Categories of personal data",
            )
            .into(),
            items: categories(compiled, lang),
        },
        Section {
            key: "special_categories",
            heading: w(
                "Bijzondere categorieën (AVG art. 9) en identificatienummers",
                "Catégories particulières (RGPD art. 9) et numéros d'identification",
                "Special categories (GDPR art. 9) and identification numbers",
            )
            .into(),
            items: special_categories(compiled, lang),
        },
        Section {
            key: "recipients",
            heading: w("Ontvangers", "Destinataires", "Recipients").into(),
            items: recipients(compiled, last, lang),
        },
        Section {
            key: "retention",
            heading: w("Bewaartermijn", "Durée de conservation", "Retention").into(),
            items: retention(compiled, lang),
        },
        Section {
            key: "storage",
            heading: w(
                "Waar de gegevens staan en wie ze ziet",
                "Où se trouvent les données et qui les voit",
                "Where the data lives and who sees it",
            )
            .into(),
            items: storage(lang),
        },
    ];
    Record {
        program: spec.id.clone(),
        title: format!(
            "{} — {name}",
            w(
                "Register van verwerkingen",
                "Registre des traitements",
                "Record of processing"
            )
        ),
        lang,
        sections,
    }
}

/// The controller (the OCMW) and how to reach its data-protection officer.
fn controller(compiled: &CompiledProgram, lang: Lang) -> Section {
    let spec = &compiled.program.spec;
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let colon = traject_i18n::colon(lang);
    let mut items = vec![sourced(
        format!(
            "{}{colon}{}",
            w(
                "Verwerkingsverantwoordelijke",
                "Responsable du traitement",
                "Controller"
            ),
            spec.organisation.get(lang, Lang::En)
        ),
        &spec.source,
    )];
    let dpo = spec
        .processing
        .as_ref()
        .and_then(|p| p.dpo_contact.as_deref());
    let dpo_word = w(
        "Functionaris voor gegevensbescherming",
        "Délégué à la protection des données",
        "Data-protection officer",
    );
    items.push(match dpo {
        Some(contact) => item(format!("{dpo_word}{colon}{contact}")),
        None => Item {
            to_confirm: true,
            ..item(format!(
                "{dpo_word}{colon}{}",
                w(
                    "nog in te vullen (`processing.dpo_contact`)",
                    "à compléter (`processing.dpo_contact`)",
                    "to be filled in (`processing.dpo_contact`)"
                )
            ))
        },
    });
    Section {
        key: "controller",
        heading: w("Verantwoordelijke", "Responsable", "Controller").into(),
        items,
    }
}

fn purposes(last: Option<&Version>, lang: Lang) -> Vec<Item> {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let (rules, evaluations, funders) = last.map_or((0, 0, String::new()), |v| {
        let funders: Vec<&str> = v
            .funding
            .funders
            .iter()
            .map(|f| f.label.get(lang, Lang::En))
            .collect();
        (
            v.eligibility.rules.len(),
            v.evaluations.len(),
            funders.join(", "),
        )
    });
    vec![
        item(format!(
            "{} ({rules} {})",
            w(
                "Nagaan of een doorverwezen cliënt kan deelnemen, criterium per criterium",
                "Vérifier si un client orienté peut participer, critère par critère",
                "Check whether a referred client may take part, criterion by criterion"
            ),
            w(
                "criteria in de laatste versie",
                "critères dans la dernière version",
                "criteria in the latest version"
            )
        )),
        item(format!(
            "{} ({evaluations} {})",
            w(
                "Het traject van de cliënt opvolgen: intake, start, modules, evaluatiemomenten, pauze, einde",
                "Suivre le parcours du client : accueil, début, modules, moments d'évaluation, pause, fin",
                "Follow the client's trajectory: intake, start, modules, evaluation moments, pause, end"
            ),
            w(
                "evaluatiemomenten in de laatste versie",
                "moments d'évaluation dans la dernière version",
                "evaluation moments in the latest version"
            )
        )),
        item(format!(
            "{}{}{funders}",
            w(
                "Cijfers rapporteren aan de financiers en de caseload voorspellen (alleen aantallen, geen personen)",
                "Rapporter des chiffres aux financeurs et prévoir la charge de dossiers (uniquement des nombres, aucune personne)",
                "Report figures to the funders and forecast the caseload (counts only, no person)"
            ),
            traject_i18n::colon(lang)
        )),
    ]
}

fn legal_basis(compiled: &CompiledProgram, lang: Lang) -> Section {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let items = match &compiled.program.spec.processing {
        Some(p) if !p.legal_basis.is_empty() => {
            p.legal_basis.iter().map(|d| declared(d, lang)).collect()
        }
        _ => vec![missing(lang, "processing.legal_basis")],
    };
    Section {
        key: "legal_basis",
        heading: w("Rechtsgrond", "Base légale", "Legal basis").into(),
        items,
    }
}

/// A declaration the programme lacks: said to be missing, for the officer to fill in.
fn missing(lang: Lang, key: &str) -> Item {
    Item {
        to_confirm: true,
        ..item(format!(
            "{} ({key})",
            say(
                lang,
                "Niet opgegeven in het programma: in te vullen door de functionaris voor gegevensbescherming",
                "Non déclaré dans le programme : à compléter par le délégué à la protection des données",
                "Not declared in the programme: to be filled in by the data-protection officer"
            )
        ))
    }
}

/// Every referral field the store keeps (those the rules read marked), then what the case
/// file adds.
fn categories(compiled: &CompiledProgram, lang: Lang) -> Vec<Item> {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let read: BTreeSet<&str> = compiled.fields_read();
    let mut items: Vec<Item> = traject_model::vocab::FIELDS
        .iter()
        .map(|(field, _)| {
            let note = if matches!(*field, "id" | "referral_date") {
                w(
                    "altijd bewaard (verplicht)",
                    "toujours conservé (obligatoire)",
                    "always kept (required)",
                )
            } else if read.contains(field) {
                w(
                    "gelezen door de toelatingsregels",
                    "lu par les règles d'admissibilité",
                    "read by the eligibility rules",
                )
            } else {
                w(
                    "alleen bewaard als de doorverwijzing het vermeldt",
                    "conservé seulement si l'orientation l'indique",
                    "kept only if the referral gives it",
                )
            };
            item(format!("{} — {note}", field_label(field, lang)))
        })
        .collect();
    items.push(item(w(
        "Het verloop van het dossier: gebeurtenissen met datum, beslissingen, scores en doelen van evaluaties, redenen van pauze en einde (vrije tekst)",
        "Le déroulement du dossier : événements datés, décisions, scores et objectifs des évaluations, raisons de pause et de fin (texte libre)",
        "The course of the case: dated events, decisions, scores and goals of evaluations, reasons for pauses and endings (free text)",
    )));
    items.push(item(w(
        "Wie het dossier las, exporteerde of wijzigde (naam van de medewerker, tijdstip)",
        "Qui a lu, exporté ou modifié le dossier (nom de l'agent, moment)",
        "Who read, exported or changed the file (staff member's name, time)",
    )));
    items
}

/// Exits that reveal a special category, and the statement on national numbers.
fn special_categories(compiled: &CompiledProgram, lang: Lang) -> Vec<Item> {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for v in &compiled.program.spec.versions {
        for e in &v.exits {
            let Some(category) = e.special_category else {
                continue;
            };
            if !seen.insert(e.id.clone()) {
                continue;
            }
            let kind = term("exit_kind", e.kind.as_str(), lang).unwrap_or(e.kind.as_str());
            let category =
                term("special_category", category.as_str(), lang).unwrap_or(category.as_str());
            items.push(sourced(
                format!(
                    "{} ({kind}){}{} — {category}",
                    e.label.get(lang, Lang::En),
                    traject_i18n::colon(lang),
                    w(
                        "bijzondere categorie",
                        "catégorie particulière",
                        "special category"
                    )
                ),
                &e.source,
            ));
        }
    }
    if items.is_empty() {
        items.push(item(w(
            "Geen uitstroom of reden van dit programma onthult een bijzondere categorie",
            "Aucune sortie ni raison de ce programme ne révèle une catégorie particulière",
            "No exit or reason of this programme reveals a special category",
        )));
    } else {
        items.push(item(w(
            "Deze redenen ziet alleen wie het dossier volgt (de coördinator en de maatschappelijk werkers van het team); auditors zien enkel aantallen. Na het wissen blijft de code voor de cijfers, zonder persoonsgegevens.",
            "Seuls ceux qui suivent le dossier (le coordinateur et les assistants sociaux de l'équipe) voient ces raisons ; les auditeurs ne voient que des nombres. Après l'effacement, le code reste pour les chiffres, sans données personnelles.",
            "Only those who follow the case (the coordinator and the team's social workers) see these reasons; auditors see counts only. After erasure the code stays for the figures, without personal data.",
        )));
    }
    items.push(item(w(
        "traject bewaart geen rijksregisternummer: het dossiernummer is het eigen nummer van het OCMW",
        "traject ne conserve aucun numéro de registre national : le numéro de dossier est celui du CPAS",
        "traject keeps no national register number: the dossier number is the OCMW's own",
    )));
    items
}

/// Declared recipients, then the funders (figures) and partners of the latest version.
fn recipients(compiled: &CompiledProgram, last: Option<&Version>, lang: Lang) -> Vec<Item> {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let mut items: Vec<Item> = match &compiled.program.spec.processing {
        Some(p) => p.recipients.iter().map(|d| declared(d, lang)).collect(),
        None => vec![missing(lang, "processing.recipients")],
    };
    let Some(v) = last else { return items };
    for f in &v.funding.funders {
        items.push(sourced(
            format!(
                "{} — {}",
                f.label.get(lang, Lang::En),
                w(
                    "financier: ontvangt cijfers, geen persoonsgegevens",
                    "financeur : reçoit des chiffres, pas de données personnelles",
                    "funder: receives figures, no personal data"
                )
            ),
            &f.source,
        ));
    }
    for p in &v.partners {
        let role = p.role.as_ref().map_or("", |r| r.get(lang, Lang::En));
        items.push(Item {
            to_confirm: true,
            ..sourced(
                format!(
                    "{} ({role}) — {}",
                    p.name,
                    w(
                        "partner naar wie een medewerker kan doorverwijzen; welke gegevens meegaan, beslist de medewerker per cliënt",
                        "partenaire vers lequel un agent peut orienter ; l'agent décide par client quelles données suivent",
                        "partner a worker may refer to; which data goes along is decided per client"
                    )
                ),
                &p.source,
            )
        });
    }
    items
}

fn retention(compiled: &CompiledProgram, lang: Lang) -> Vec<Item> {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let Some(r) = &compiled.program.spec.retention else {
        return vec![missing(lang, "retention")];
    };
    let mut items = vec![sourced(
        format!(
            "{} {}",
            crate::words::duration(r.erase_after, lang),
            w(
                "na het einde van het dossier (afgesloten, afgehaakt, nooit gestart) wist `traject retention apply` de persoonsgegevens",
                "après la fin du dossier (clôturé, abandonné, jamais commencé), `traject retention apply` efface les données personnelles",
                "after the case ends (closed, dropped, never started), `traject retention apply` erases the personal data"
            )
        ),
        &r.source,
    )];
    items.push(match &r.unended {
        Some(u) => sourced(
            format!(
                "{} {}",
                crate::words::duration(u.erase_after, lang),
                w(
                    "na de laatste gebeurtenis voor een dossier dat nooit afloopt",
                    "après le dernier événement pour un dossier qui ne se termine jamais",
                    "after the last event for a case that never ends"
                )
            ),
            &u.source,
        ),
        None => missing(lang, "retention.unended"),
    });
    items
}

fn storage(lang: Lang) -> Vec<Item> {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    vec![
        item(w(
            "In de traject-databank van het OCMW (een SQLite-bestand of een PostgreSQL-databank, zoals de instellingen zeggen) en in de back-ups die `traject db backup` maakt",
            "Dans la base traject du CPAS (un fichier SQLite ou une base PostgreSQL, selon les réglages) et dans les sauvegardes faites par `traject db backup`",
            "In the OCMW's traject store (a SQLite file or a PostgreSQL database, as the settings say) and in the backups `traject db backup` makes",
        )),
        item(w(
            "Toegang: coördinatoren en de maatschappelijk werkers van het team van het dossier; auditors en financiers zien alleen cijfers; elke inzage staat in het auditspoor",
            "Accès : les coordinateurs et les assistants sociaux de l'équipe du dossier ; auditeurs et financeurs ne voient que des chiffres ; chaque consultation figure dans la piste d'audit",
            "Access: coordinators and the social workers of the case's team; auditors and funders see figures only; every read is in the audit trail",
        )),
        item(w(
            "Een gewist dossier laat een sleutel-hash van dossiernummer en organisatie achter (geen persoonsgegevens), zodat het niet ongemerkt opnieuw wordt ingevoerd",
            "Un dossier effacé laisse un hachage à clé du numéro de dossier et de l'organisation (aucune donnée personnelle), pour qu'il ne soit pas réintroduit à l'insu de tous",
            "An erased case leaves a keyed hash of dossier number and organisation (no personal data), so that it is not taken in again unnoticed",
        )),
    ]
}

/// The record as Markdown.
pub fn markdown(r: &Record) -> String {
    use std::fmt::Write as _;
    let mut out = format!("# {}\n", r.title);
    for s in &r.sections {
        let _ = write!(out, "\n## {}\n\n", s.heading);
        for i in &s.items {
            let _ = writeln!(out, "- {}{}", i.text, tail(i, r.lang));
        }
    }
    out
}

/// " · bron 002:99 · te bevestigen door de functionaris" as the item warrants.
fn tail(i: &Item, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(s) = &i.source {
        out.push_str(&format!(" · {} {s}", say(lang, "bron", "source", "source")));
    }
    if i.to_confirm {
        out.push_str(&format!(" · {}", to_confirm_words(lang)));
    }
    out
}

/// The mark on an entry the data-protection officer still has to confirm.
pub fn to_confirm_words(lang: Lang) -> &'static str {
    say(
        lang,
        "te bevestigen door de functionaris voor gegevensbescherming",
        "à confirmer par le délégué à la protection des données",
        "to be confirmed by the data-protection officer",
    )
}

/// The record as a stand-alone HTML page.
pub fn html(r: &Record) -> String {
    use std::fmt::Write as _;
    let e = crate::escape_html;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><main>\n<h1>{}</h1>\n",
        r.lang.code(),
        e(&r.title),
        e(&r.title)
    );
    for s in &r.sections {
        let _ = write!(out, "<h2>{}</h2>\n<ul>\n", e(&s.heading));
        for i in &s.items {
            let _ = writeln!(out, "<li>{}{}</li>", e(&i.text), e(&tail(i, r.lang)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</main></body></html>\n");
    out
}
