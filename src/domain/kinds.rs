//! Kinds, identifiers and small validated values shared by every node type.

use std::fmt;
use std::str::FromStr;

use super::ValidationError;

/// What sort of actor this is. Coarse on purpose: the detail belongs in the description and in
/// `MEMBER_OF` / `ANSWERS_TO` links, which can say which body a unit belongs to.
#[derive(
    async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActorKind {
    /// A state institution in its own right: a ministry, a court system, a police force, an army.
    StateBody,
    /// A part of a state body, or state agents acting as a group: a press service, a
    /// department, "military enlistment officers".
    StateUnit,
    /// A named individual.
    Person,
    /// People described together without an organisation of their own: "migrants detained in
    /// the raids", "the men's families".
    Group,
    /// A non-state organisation: a company, an NGO, a party.
    Organisation,
    /// A news outlet, whether it reports on events or appears in them.
    NewsOutlet,
}

stored_names!(ActorKind {
    StateBody => "STATE_BODY",
    StateUnit => "STATE_UNIT",
    Person => "PERSON",
    Group => "GROUP",
    Organisation => "ORGANISATION",
    NewsOutlet => "NEWS_OUTLET",
});

/// What sort of place this is.
#[derive(
    async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlaceKind {
    /// A sovereign state.
    Country,
    /// A region larger than a city: a province, a federal subject, or a group of countries.
    Region,
    /// A city or town.
    City,
    /// A district or neighbourhood within a city.
    District,
    /// A building or compound with a function: a police station, a detention centre, an office.
    Facility,
    /// A street address.
    Address,
    /// Any other stretch of ground: a cordoned-off zone, a market, a border crossing area.
    Area,
}

stored_names!(PlaceKind {
    Country => "COUNTRY",
    Region => "REGION",
    City => "CITY",
    District => "DISTRICT",
    Facility => "FACILITY",
    Address => "ADDRESS",
    Area => "AREA",
});

/// How precisely a place's position is known — whether or not coordinates are given. A
/// detention centre the source does not name is a FACILITY located only to CITY precision.
#[derive(
    async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LocationPrecision {
    /// The exact spot is known.
    Exact,
    /// Close to the given position, within a few hundred metres.
    Approximate,
    /// Known only to the district.
    District,
    /// Known only to the city.
    City,
    /// Known only to the region.
    Region,
    /// Known only to the country.
    Country,
    /// Not known at all.
    Unknown,
}

stored_names!(LocationPrecision {
    Exact => "EXACT",
    Approximate => "APPROXIMATE",
    District => "DISTRICT",
    City => "CITY",
    Region => "REGION",
    Country => "COUNTRY",
    Unknown => "UNKNOWN",
});

/// What sort of document a source is.
#[derive(
    async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SourceKind {
    /// An article or report by a news outlet.
    NewsReport,
    /// A statement issued by an authority: a press release, a court's or ministry's announcement.
    OfficialStatement,
    /// A document: a court ruling, a contract, a leaked order, a dataset.
    Document,
    /// A post on a social network or messaging channel.
    SocialMediaPost,
    /// Anything else; say what in the title.
    Other,
}

stored_names!(SourceKind {
    NewsReport => "NEWS_REPORT",
    OfficialStatement => "OFFICIAL_STATEMENT",
    Document => "DOCUMENT",
    SocialMediaPost => "SOCIAL_MEDIA_POST",
    Other => "OTHER",
});

/// Which taxonomy a term belongs to. Taxonomies are data, so a new event type or role needs a
/// new term, not new code.
#[derive(
    async_graphql::Enum,
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Vocabulary {
    /// Types of event: raid, detention, deportation …
    EventType,
    /// Roles an actor can play in an event: perpetrator, target, adjudicator …
    ParticipantRole,
}

stored_names!(Vocabulary {
    EventType => "EVENT_TYPE",
    ParticipantRole => "PARTICIPANT_ROLE",
});

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Coordinates {
    latitude: f64,
    longitude: f64,
}

impl Coordinates {
    /// Errors name `latitude` or `longitude`.
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, ValidationError> {
        // `contains` is false for NaN, so NaN is rejected along with out-of-range values.
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(ValidationError::new(
                "latitude",
                format!("{latitude} is outside -90..90"),
            ));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(ValidationError::new(
                "longitude",
                format!("{longitude} is outside -180..180"),
            ));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }
    pub fn latitude(&self) -> f64 {
        self.latitude
    }
    pub fn longitude(&self) -> f64 {
        self.longitude
    }
}

/// The key of a taxonomy term: lowercase snake_case, starting with a letter, at most 63
/// characters (`recruitment_offer`). Keys are what events and participations store, so they
/// are kept plain enough to type and to compare byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct TermKey(String);

impl TermKey {
    pub const MAX_CHARS: usize = 63;

    /// Errors have an empty field: the caller knows where the key sat.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let mut chars = s.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !starts_with_letter || !rest_ok || s.len() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                "",
                format!(
                    "`{s}` is not a term key: use lowercase snake_case starting with a letter, \
                     at most {} characters (e.g. recruitment_offer)",
                    Self::MAX_CHARS
                ),
            ));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TermKey {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for TermKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A node's global id: 1–200 characters of `A–Z a–z 0–9 . _ : / -`. Importers choose their own
/// readable ids (`meduza-2025-01-spb-raids:event:raids`) so that a re-import is an upsert; the
/// narrow alphabet keeps ids safe in URLs, file names and log lines without escaping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct NodeId(String);

impl NodeId {
    pub const MAX_CHARS: usize = 200;

    /// Errors have an empty field: the caller knows where the id sat.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        if s.is_empty() {
            return Err(ValidationError::new("", "is empty; every node needs an id"));
        }
        if s.len() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                "",
                format!(
                    "is {} characters long; ids have at most {}",
                    s.len(),
                    Self::MAX_CHARS
                ),
            ));
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '/' | '-')))
        {
            return Err(ValidationError::new(
                "",
                format!("`{s}` contains {bad:?}; ids may use only letters, digits and . _ : / -"),
            ));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for NodeId {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A web address a reader can open: `http` or `https`, no whitespace. Only the shape is checked;
/// whether the page still exists is the archive's business, not the validator's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct WebUrl(String);

impl WebUrl {
    pub const MAX_CHARS: usize = 2_048;

    /// Trims `s`; errors have an empty field.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| ValidationError::new("", format!("`{s}` is not an http(s) URL")))?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(ValidationError::new("", format!("`{s}` has no host")));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ValidationError::new(
                "",
                "URLs may not contain spaces; percent-encode them",
            ));
        }
        if s.len() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                "",
                format!("is longer than {} characters", Self::MAX_CHARS),
            ));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The language of a source as a BCP 47 tag (`en`, `ru`, `uz-Cyrl`). Only the shape is checked,
/// so that a regional or script subtag nobody listed in advance is still accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Errors have an empty field.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let mut parts = s.split('-');
        let primary_ok = parts.next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        });
        let rest_ok = parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !primary_ok || !rest_ok || s.len() > 35 {
            return Err(ValidationError::new(
                "",
                format!("`{s}` is not a BCP 47 language tag (e.g. en, ru, uz-Cyrl)"),
            ));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::resolver_utils::EnumType;

    /// The name stored in Neo4j, the serde name and the GraphQL name must be one and the same,
    /// or a value written through one door could not be read through another.
    fn assert_names_agree<T>(all: &[T], as_str: fn(T) -> &'static str)
    where
        T: EnumType + serde::Serialize + FromStr + PartialEq + fmt::Debug + Copy,
        <T as FromStr>::Err: fmt::Debug,
    {
        let graphql: Vec<&str> = T::items().iter().map(|i| i.name).collect();
        let stored: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
        assert_eq!(graphql, stored);
        for v in all {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", as_str(*v)));
            assert_eq!(as_str(*v).parse::<T>().unwrap(), *v);
        }
    }

    #[test]
    fn every_enum_uses_one_name_for_store_serde_and_graphql() {
        use crate::domain::{ClaimStatus, CountQualifier, DatePrecision};
        assert_names_agree(ActorKind::ALL, ActorKind::as_str);
        assert_names_agree(PlaceKind::ALL, PlaceKind::as_str);
        assert_names_agree(LocationPrecision::ALL, LocationPrecision::as_str);
        assert_names_agree(SourceKind::ALL, SourceKind::as_str);
        assert_names_agree(Vocabulary::ALL, Vocabulary::as_str);
        assert_names_agree(ClaimStatus::ALL, ClaimStatus::as_str);
        assert_names_agree(CountQualifier::ALL, CountQualifier::as_str);
        assert_names_agree(DatePrecision::ALL, DatePrecision::as_str);
    }

    #[test]
    fn an_unknown_kind_name_lists_the_valid_ones() {
        let e = "POLICE"
            .parse::<ActorKind>()
            .unwrap_err()
            .under("actors[0].kind");
        assert_eq!(e.field, "actors[0].kind");
        assert!(e.message.contains("STATE_BODY"), "{e}");
    }

    #[test]
    fn coordinates_inside_wgs84_are_accepted() {
        let c = Coordinates::new(59.94, 30.31).unwrap();
        assert_eq!((c.latitude(), c.longitude()), (59.94, 30.31));
        assert!(Coordinates::new(-90.0, 180.0).is_ok());
    }

    #[test]
    fn coordinates_outside_wgs84_are_rejected_naming_the_axis() {
        assert_eq!(Coordinates::new(90.1, 0.0).unwrap_err().field, "latitude");
        assert_eq!(
            Coordinates::new(0.0, -180.5).unwrap_err().field,
            "longitude"
        );
        assert_eq!(
            Coordinates::new(f64::NAN, 0.0).unwrap_err().field,
            "latitude"
        );
    }

    #[test]
    fn term_keys_are_lowercase_snake_case() {
        for ok in ["raid", "recruitment_offer", "a", "x1_2"] {
            assert!(TermKey::parse(ok).is_ok(), "{ok}");
        }
        let too_long = format!("a{}", "b".repeat(TermKey::MAX_CHARS));
        for bad in [
            "",
            "Raid",
            "1raid",
            "_raid",
            "recruitment-offer",
            "raid ",
            too_long.as_str(),
        ] {
            assert!(TermKey::parse(bad).is_err(), "{bad}");
        }
        assert!(TermKey::parse(&"a".repeat(TermKey::MAX_CHARS)).is_ok());
    }

    #[test]
    fn node_ids_allow_a_readable_alphabet_only() {
        for ok in [
            "a",
            "meduza-2025-01-spb-raids:event:raids",
            "x/y.z_1",
            "0194d1c2-7b7e-7000-8000-000000000000",
        ] {
            assert!(NodeId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "has space",
            "tab\there",
            "ümlaut",
            "semi;colon",
            "quote'",
        ] {
            assert!(NodeId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(NodeId::parse(&"a".repeat(200)).is_ok());
        assert!(NodeId::parse(&"a".repeat(201)).is_err());
    }

    #[test]
    fn urls_must_be_http_and_have_a_host() {
        assert!(WebUrl::parse("https://meduza.io/en/news/x").is_ok());
        assert!(WebUrl::parse(" http://example.org ").is_ok());
        for bad in [
            "",
            "meduza.io",
            "ftp://x.org",
            "https://",
            "https:///path",
            "https://a b.org",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn language_tags_have_the_bcp47_shape() {
        for ok in ["en", "ru", "uz-Cyrl", "en-GB", "kaa"] {
            assert!(LanguageTag::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "e", "english", "en_GB", "en-", "ru-toolongsubtag"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
    }
}
