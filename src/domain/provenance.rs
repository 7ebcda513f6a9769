//! Claim statuses: how much weight a source's support for a fact currently carries.
//!
//! Statuses are re-rated, never deleted (Wikidata's deprecated rank): a retracted claim stays in
//! the graph so that an investigator can see what was once said and by whom.

/// How far a claim — one source's support for one fact — can be relied on.
#[derive(
    async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClaimStatus {
    /// An authority says so in its own name (a court's press service, a ministry, the police).
    /// It is on the record, which is not the same as true: the authority may be a party.
    OfficialStatement,
    /// A source reports it, and nothing further is known either way. The usual status of a
    /// news report's statement.
    Reported,
    /// Checked against independent evidence (documents, other sources, footage) by whoever
    /// entered or reviewed the claim.
    Confirmed,
    /// The source itself, or the outlet relaying it, flags it as not confirmed
    /// ("This number has not been confirmed.").
    Unconfirmed,
    /// Contradicted by other evidence or contested by another source. Kept, not deleted, so the
    /// dispute stays visible.
    Disputed,
    /// Withdrawn by its source, or shown to be wrong. Kept as a record of what was once said.
    Retracted,
}

stored_names!(ClaimStatus {
    OfficialStatement => "OFFICIAL_STATEMENT",
    Reported => "REPORTED",
    Confirmed => "CONFIRMED",
    Unconfirmed => "UNCONFIRMED",
    Disputed => "DISPUTED",
    Retracted => "RETRACTED",
});

impl ClaimStatus {
    /// Whether a claim with this status still counts as support for its fact. Disputed and
    /// retracted claims are kept for the record but must not make a fact look sourced.
    pub const fn is_standing(self) -> bool {
        !matches!(self, ClaimStatus::Disputed | ClaimStatus::Retracted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disputed_and_retracted_claims_are_not_standing_support() {
        assert!(!ClaimStatus::Disputed.is_standing());
        assert!(!ClaimStatus::Retracted.is_standing());
    }

    #[test]
    fn every_other_status_is_standing_support() {
        for status in ClaimStatus::ALL {
            let expected = !matches!(status, ClaimStatus::Disputed | ClaimStatus::Retracted);
            assert_eq!(status.is_standing(), expected, "{status}");
        }
        assert!(ClaimStatus::Unconfirmed.is_standing());
    }

    #[test]
    fn status_names_round_trip() {
        for s in ClaimStatus::ALL {
            assert_eq!(s.as_str().parse::<ClaimStatus>().unwrap(), *s);
        }
        let e = "MAYBE".parse::<ClaimStatus>().unwrap_err();
        assert!(e.message.contains("OFFICIAL_STATEMENT"), "{e}");
    }
}
