//! Free text: trimmed, visible, without control characters, bounded — as a line or as a paragraph.

use std::fmt;

use super::ValidationError;

/// Free text that must say something: trimmed, with at least one visible character, without
/// control characters, bounded in length so that a single field cannot balloon a node.
///
/// Two shapes: a *line* (a name, a title, a label) holds no control character at all, not even a
/// line break; a *paragraph* (a description, an excerpt, a note) may break lines and hold tabs.
/// Neither may hold NUL or other control characters: they are invisible in every client, break
/// terminals and logs, and nobody types them on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct NonEmptyText(String);

impl NonEmptyText {
    /// Generous for a description, and still far below what would strain a node or a response.
    pub const DEFAULT_MAX_CHARS: usize = 10_000;
    /// Names, titles, labels, aliases: a line, not a paragraph.
    pub const MAX_LINE_CHARS: usize = 500;

    /// A line of at most [`Self::MAX_LINE_CHARS`] (a name, a title): trims `value`; errors name `field`.
    pub fn line(value: &str, field: &str) -> Result<Self, ValidationError> {
        Self::parse_line(value, field, Self::MAX_LINE_CHARS)
    }

    /// A paragraph of at most [`Self::DEFAULT_MAX_CHARS`]: trims `value`; errors name `field`.
    pub fn parse(value: &str, field: &str) -> Result<Self, ValidationError> {
        Self::parse_max(value, field, Self::DEFAULT_MAX_CHARS)
    }

    /// As [`NonEmptyText::parse`], with a tighter (or looser) limit in characters.
    pub fn parse_max(value: &str, field: &str, max_chars: usize) -> Result<Self, ValidationError> {
        Self::checked(value, field, max_chars, false)
    }

    /// A single line of at most `max_chars`: no line breaks, tabs or other control characters.
    pub fn parse_line(value: &str, field: &str, max_chars: usize) -> Result<Self, ValidationError> {
        Self::checked(value, field, max_chars, true)
    }

    fn checked(
        value: &str,
        field: &str,
        max_chars: usize,
        single_line: bool,
    ) -> Result<Self, ValidationError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::new(field, "must not be empty"));
        }
        let allowed_control = |c: char| !single_line && matches!(c, '\n' | '\r' | '\t');
        if let Some(bad) = trimmed
            .chars()
            .find(|c| c.is_control() && !allowed_control(*c))
        {
            let what = if single_line {
                "a single line of text"
            } else {
                "text"
            };
            return Err(ValidationError::new(
                field,
                format!(
                    "contains the control character U+{:04X}; {what} may not hold control characters",
                    bad as u32
                ),
            ));
        }
        if !trimmed.chars().any(is_visible) {
            return Err(ValidationError::new(
                field,
                "has no visible character (only spaces, zero-width or other invisible characters)",
            ));
        }
        let length = trimmed.chars().count();
        if length > max_chars {
            return Err(ValidationError::new(
                field,
                format!("is {length} characters long; at most {max_chars} allowed"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Whether `c` leaves a mark on the page: not whitespace, not a control character, and not one of
/// Unicode's default-ignorable code points (zero-width space and joiners, bidi controls, variation
/// selectors, fillers, tags), which renderers draw as nothing. The ranges are
/// `Default_Ignorable_Code_Point` from Unicode's DerivedCoreProperties.txt, plus the braille blank,
/// which is drawn as an empty cell.
fn is_visible(c: char) -> bool {
    const INVISIBLE: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x034F, 0x034F),
        (0x061C, 0x061C),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0x2800, 0x2800),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0),
        (0xFFF0, 0xFFF8),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0000, 0xE0FFF),
    ];
    let n = c as u32;
    !c.is_whitespace()
        && !c.is_control()
        && !INVISIBLE.iter().any(|(lo, hi)| (*lo..=*hi).contains(&n))
}

impl fmt::Display for NonEmptyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_empty_text_is_trimmed_and_bounded() {
        assert_eq!(NonEmptyText::parse("  hi ", "name").unwrap().as_str(), "hi");
        let e = NonEmptyText::parse(" \n ", "name").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("name", "must not be empty")
        );
        let e = NonEmptyText::parse(&"x".repeat(10_001), "description").unwrap_err();
        assert_eq!(e.field, "description");
        assert!(
            NonEmptyText::parse(&"é".repeat(10_000), "description").is_ok(),
            "counts characters, not bytes"
        );
        assert!(NonEmptyText::parse_max("abcd", "unit", 3).is_err());
    }

    #[test]
    fn text_with_no_visible_character_is_rejected() {
        for invisible in [
            "\u{0}\u{0}\u{0}",
            "\u{200B}\u{200B}",
            "\u{200D}",
            "\u{FEFF}",
            "\u{2060}\u{3164}",
            "\u{E0041}",
            " \u{200B} \u{00A0} ",
        ] {
            let e = NonEmptyText::parse(invisible, "name").unwrap_err();
            assert_eq!(e.field, "name", "{invisible:?}");
            let e = NonEmptyText::parse_line(invisible, "name", 500).unwrap_err();
            assert_eq!(e.field, "name", "{invisible:?}");
        }
        // Zero-width characters between visible ones are legitimate (joiners in scripts, emoji).
        assert!(NonEmptyText::parse_line("a\u{200D}b", "name", 500).is_ok());
        assert!(NonEmptyText::parse_line("Фонтанка", "name", 500).is_ok());
    }

    #[test]
    fn control_characters_are_rejected_and_lines_may_not_break() {
        let e = NonEmptyText::parse("Police\u{0}", "name").unwrap_err();
        assert!(e.message.contains("U+0000"), "{e}");
        assert!(NonEmptyText::parse("a\u{7}b", "description").is_err());
        assert!(NonEmptyText::parse("a\u{9B}b", "description").is_err());
        assert!(NonEmptyText::parse("line one\nline two\tand a tab", "description").is_ok());
        let e = NonEmptyText::parse_line("line one\nline two", "name", 500).unwrap_err();
        assert!(e.message.contains("single line"), "{e}");
        assert!(NonEmptyText::parse_line("a\tb", "name", 500).is_err());
    }
}
