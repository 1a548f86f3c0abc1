//! A file as a whole: size, encoding, reading and writing.

use traject_model::problem::FileProblem as P;

use super::{m, Wording};
use crate::{number, Lang};

pub(super) fn words(p: &P, l: Lang) -> Wording {
    match p {
        P::TooBig {
            megabytes,
            limit_megabytes: limit,
        } => Wording::new(
            m(
                l,
                format!("bestand is {} MB; programma- en aanmeldingsbestanden mogen hoogstens {limit} MB zijn", number(*megabytes, l)),
                format!("le fichier fait {} Mo ; les fichiers de programme et d'orientation sont limités à {limit} Mo", number(*megabytes, l)),
                format!("file is {megabytes:.1} MB; programme and referral files are limited to {limit} MB"),
            ),
            m(
                l,
                "splits het bestand of verwijder de gegenereerde inhoud; een programma telt enkele honderden regels",
                "scindez le fichier ou retirez le contenu généré ; un programme compte quelques centaines de lignes",
                "split the file or remove the generated content; a programme is a few hundred lines",
            ),
        ),
        P::NotUtf8 => Wording::new(
            m(
                l,
                "bestand is geen UTF-8-tekst (binaire gegevens of een andere codering)",
                "le fichier n'est pas du texte UTF-8 (données binaires ou autre encodage)",
                "file is not UTF-8 text (binary data or another encoding)",
            ),
            m(
                l,
                "bewaar het bestand als UTF-8-tekst; is dit het juiste bestand?",
                "enregistrez le fichier en texte UTF-8 ; est-ce le bon fichier ?",
                "save the file as UTF-8 text; is this the right file?",
            ),
        ),
        P::NulByte => Wording::new(
            m(
                l,
                "bestand bevat een NUL-byte (binaire gegevens)",
                "le fichier contient un octet NUL (données binaires)",
                "file contains a NUL byte (binary data)",
            ),
            m(
                l,
                "bewaar het bestand als gewone UTF-8-tekst",
                "enregistrez le fichier en texte UTF-8 simple",
                "save the file as plain UTF-8 text",
            ),
        ),
        P::Empty => Wording::new(
            m(l, "bestand is leeg", "le fichier est vide", "file is empty"),
            m(
                l,
                "een programmabestand begint met `id:`; kopieer er een uit programs/ om te beginnen",
                "un fichier de programme commence par `id:` ; copiez-en un depuis programs/ pour commencer",
                "a programme file starts with `id:`; copy one from programs/ to begin",
            ),
        ),
        P::CannotRead { reason } => Wording::new(
            m(
                l,
                format!("kan het bestand niet lezen: {reason}"),
                format!("impossible de lire le fichier : {reason}"),
                format!("cannot read file: {reason}"),
            ),
            m(
                l,
                "kijk het pad na en of je het bestand mag lezen",
                "vérifiez le chemin et votre droit de lire le fichier",
                "check the path and that you may read the file",
            ),
        ),
        P::CannotReadProgramme { reason } => Wording::new(
            m(
                l,
                format!("kan het bestand niet lezen: {reason}"),
                format!("impossible de lire le fichier : {reason}"),
                format!("cannot read file: {reason}"),
            ),
            m(
                l,
                "kijk het pad na; een meegeleverd programma kan ook bij zijn id genoemd worden (bv. `traject show <id>`)",
                "vérifiez le chemin ; un programme fourni peut aussi être désigné par son id (p. ex. `traject show <id>`)",
                "check the path; a bundled programme can also be named by its id (e.g. `traject show <id>`)",
            ),
        ),
        P::CannotWrite { reason } => Wording::new(
            m(
                l,
                format!("kan niet schrijven: {reason}"),
                format!("écriture impossible : {reason}"),
                format!("cannot write: {reason}"),
            ),
            m(
                l,
                "kijk na of de map bestaat en beschrijfbaar is",
                "vérifiez que le dossier existe et est accessible en écriture",
                "check the folder exists and is writable",
            ),
        ),
        P::NoProgrammesInFolder => Wording::new(
            m(
                l,
                "map bevat geen .yaml-programmabestanden",
                "le dossier ne contient aucun fichier de programme .yaml",
                "folder holds no .yaml programme files",
            ),
            m(
                l,
                "wijs een map zoals programs/ aan, of een bestand",
                "désignez un dossier comme programs/, ou un fichier",
                "point at a folder like programs/ or at a file",
            ),
        ),
        P::NoSuchPath => Wording::new(
            m(
                l,
                "geen bestand of map met die naam",
                "aucun fichier ni dossier de ce nom",
                "no such file or folder",
            ),
            m(
                l,
                "kijk het pad na; start vanuit de map die programs/ bevat",
                "vérifiez le chemin ; lancez depuis le dossier qui contient programs/",
                "check the path; run from the folder that holds programs/",
            ),
        ),
    }
}
