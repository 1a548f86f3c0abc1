//! What can be wrong with what a person wrote — a programme file, a referral, an office's
//! table, a programme test — as facts: which key, which value, what was expected, which ids
//! exist, what the nearest one is. Each problem is a typed variant; its Dutch, French and
//! English wording lives in the message catalogue (`traject_i18n::catalogue`) and is chosen
//! by the front end that shows it. A `Diagnostic` is a problem with its place in a file.

mod change;
mod check;
mod file;
mod kind;
mod load;
mod referral;
mod rule;
mod schema;
mod test_file;
mod yaml;

pub use change::ChangeProblem;
pub use check::{CheckProblem, Entry};
pub use file::FileProblem;
pub use kind::{KindProblem, ListOf, ValueOf};
pub use load::LoadProblem;
pub use referral::{BatchProblem, MappingProblem, ReferralProblem, TableProblem, Unreadable};
pub use rule::{IdList, Placed, RoutingProblem, RuleProblem, ScriptFailure, UsedBy};
pub use schema::{JsonType, SchemaHint, SchemaProblem};
pub use test_file::{KeyList, ScenarioProblem, TestProblem};
pub use yaml::YamlProblem;

/// `Problem`, one variant per area, and the `From` of each area's problem type: the areas are
/// named once.
macro_rules! areas {
    ($($area:ident($t:ty)),+ $(,)?) => {
        /// A problem with something a person wrote, by area.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Problem {
            $($area($t),)+
        }

        $(impl From<$t> for Problem {
            fn from(p: $t) -> Self {
                Problem::$area(p)
            }
        })+
    };
}

areas!(
    File(FileProblem),
    Yaml(YamlProblem),
    Schema(SchemaProblem),
    Load(LoadProblem),
    Check(CheckProblem),
    Change(ChangeProblem),
    Kind(KindProblem),
    Referral(ReferralProblem),
    Table(TableProblem),
    Mapping(MappingProblem),
    Batch(BatchProblem),
    Rule(RuleProblem),
    Routing(RoutingProblem),
    Test(TestProblem),
    Scenario(ScenarioProblem),
);

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(3) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The ids a reference may name, and the one the given id most likely means.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Known {
    pub ids: Vec<String>,
    /// The known id closest to the one given, if it is close enough to be a typo.
    pub nearest: Option<String>,
}

impl Known {
    /// The ids `candidates`, with the nearest to `given`.
    pub fn of<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Known {
        let ids: Vec<String> = candidates.into_iter().map(str::to_string).collect();
        let nearest = did_you_mean(given, ids.iter().map(String::as_str)).map(str::to_string);
        Known { ids, nearest }
    }
}
