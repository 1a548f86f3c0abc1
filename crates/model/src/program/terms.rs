//! The fixed vocabularies of a programme file — evaluation anchors and decisions, exit kinds,
//! pathway kinds — as enums. The schema admits only these words, so the loader never meets
//! another; the engine matches on the enums instead of comparing text. Each writes and reads
//! as the same snake_case word the YAML uses.

macro_rules! terms {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The words of `terms`, comma-separated, for messages.
            pub fn list(terms: &[$name]) -> String {
                terms.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
            }

            /// The term written `text`, if it is one.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|t| t.as_str() == text)
            }
        }

        /// Compare with the YAML word, as tests and messages write it.
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

terms! {
    /// The event an evaluation moment's timing counts from.
    Anchor {
        Referral = "referral",
        Intake = "intake",
        Start = "start",
        ModuleStart = "module_start",
        ModuleEnd = "module_end",
        TrajectoryEnd = "trajectory_end",
        Closure = "closure",
    }
}

terms! {
    /// What an evaluation moment may decide. `Extend` lengthens the track and `Close` ends the
    /// case; the others are recorded and may open a gated step.
    Decision {
        Continue = "continue",
        Extend = "extend",
        Close = "close",
        Redirect = "redirect",
        Enrol = "enrol",
        NotEnrol = "not_enrol",
        Reorient = "reorient",
        FollowUpAdvice = "follow_up_advice",
    }
}

terms! {
    /// Why a case ends: where the client went, dropping out, or never starting.
    ExitKind {
        Destination = "destination",
        DropOut = "drop_out",
        NotStarted = "not_started",
    }
}

terms! {
    /// A special category of personal data (GDPR art. 9) that an exit or its reason reveals:
    /// the record of processing lists such exits as special-category data.
    SpecialCategory {
        Health = "health",
        RacialOrEthnicOrigin = "racial_or_ethnic_origin",
        PoliticalOpinions = "political_opinions",
        ReligiousOrPhilosophicalBeliefs = "religious_or_philosophical_beliefs",
        TradeUnionMembership = "trade_union_membership",
        Genetic = "genetic",
        Biometric = "biometric",
        SexLifeOrOrientation = "sex_life_or_orientation",
    }
}

terms! {
    /// How the steps of a pathway follow each other.
    PathwayKind {
        Sequential = "sequential",
        Parallel = "parallel",
        Bundle = "bundle",
        Gated = "gated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_read_and_write_as_the_yaml_words() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(*d));
            assert_eq!(serde_json::to_value(d).unwrap(), d.as_str());
        }
        assert_eq!(Anchor::parse("module_end"), Some(Anchor::ModuleEnd));
        assert_eq!(Anchor::parse("module-end"), None);
        assert_eq!(format!("{:<12}|", ExitKind::DropOut), "drop_out    |");
    }
}
