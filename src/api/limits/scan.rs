//! A single pass over the raw document text, before any parser sees it.
//!
//! It counts tokens and measures bracket nesting with plain counters (no recursion), so that the
//! parser, the validator and value coercion, which all recurse, only ever receive a document whose
//! nesting is bounded. It follows GraphQL's lexical grammar only as far as needed to know what is
//! code and what is inside a string or a comment; where it is unsure it counts more, never less.

/// What the scan measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scan {
    pub tokens: usize,
    /// Deepest nesting of `[`/`{` inside parentheses: list and object values, and list types of
    /// variable definitions.
    pub value_depth: usize,
    /// Deepest nesting of `{` outside parentheses: selection sets.
    pub selection_depth: usize,
}

/// The scan stops early when a limit is passed, so a huge document costs no more than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    pub tokens: usize,
    pub value_depth: usize,
    pub selection_depth: usize,
}

/// Which limit the scan stopped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    Tokens,
    ValueDepth,
    SelectionDepth,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Paren,
    Value,
    Selection,
}

pub fn scan(text: &str, limits: ScanLimits) -> Result<Scan, Exceeded> {
    let b = text.as_bytes();
    let mut out = Scan::default();
    // The open brackets, innermost last. Its length is bounded by the depth limits plus the
    // parentheses, which GraphQL never nests (and the parser refuses at the second one).
    let mut stack: Vec<Open> = Vec::new();
    let (mut parens, mut values, mut selections) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            // Insignificant: white space, line terminators, commas (and the BOM's bytes below).
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i = skip_string(b, i);
            }
            b'.' if b[i..].starts_with(b"...") => i += 3,
            b'(' | b'[' | b'{' => {
                let kind = match c {
                    b'(' => Open::Paren,
                    b'{' if parens == 0 => Open::Selection,
                    // `[` outside parentheses is not valid GraphQL; counting it as a value is safe.
                    _ => Open::Value,
                };
                match kind {
                    Open::Paren => parens += 1,
                    Open::Value => values += 1,
                    Open::Selection => selections += 1,
                }
                out.value_depth = out.value_depth.max(values);
                out.selection_depth = out.selection_depth.max(selections);
                if values > limits.value_depth {
                    return Err(Exceeded::ValueDepth);
                }
                if selections > limits.selection_depth {
                    return Err(Exceeded::SelectionDepth);
                }
                // Nested parentheses never parse; stop counting them as a separate dimension.
                if parens > limits.value_depth + 1 {
                    return Err(Exceeded::ValueDepth);
                }
                stack.push(kind);
                i += 1;
            }
            b')' | b']' | b'}' => {
                let matches = match stack.last() {
                    Some(Open::Paren) => c == b')',
                    Some(Open::Value) => c == b']' || c == b'}',
                    Some(Open::Selection) => c == b'}',
                    None => false,
                };
                // A closer that does not match is a syntax error for the parser; not popping means
                // we keep counting the deeper level, which errs on the safe side.
                if matches {
                    match stack.pop() {
                        Some(Open::Paren) => parens -= 1,
                        Some(Open::Value) => values -= 1,
                        Some(Open::Selection) => selections -= 1,
                        None => {}
                    }
                }
                i += 1;
            }
            c if c == b'_' || c.is_ascii_alphanumeric() || c == b'-' || c == b'+' => {
                // A name or a number (with sign, fraction and exponent) is one token.
                i += 1;
                while i < b.len()
                    && (b[i] == b'_'
                        || b[i].is_ascii_alphanumeric()
                        || (b[i] == b'.' && !b[i..].starts_with(b"..."))
                        || b[i] == b'-'
                        || b[i] == b'+')
                {
                    i += 1;
                }
            }
            0xEF if b[i..].starts_with(b"\xEF\xBB\xBF") => {
                i += 3;
                continue;
            }
            // Any other punctuator (`!$&:=@|`) or stray byte is one token.
            _ => i += 1,
        }
        out.tokens += 1;
        if out.tokens > limits.tokens {
            return Err(Exceeded::Tokens);
        }
    }
    Ok(out)
}

/// Returns the index just past the string starting at `start` (a `"`).
fn skip_string(b: &[u8], start: usize) -> usize {
    if b[start..].starts_with(b"\"\"\"") {
        // Block string: ends at the first `"""` not escaped as `\"""`; other backslashes are text.
        let mut i = start + 3;
        while i < b.len() {
            if b[i..].starts_with(b"\\\"\"\"") {
                i += 4;
            } else if b[i..].starts_with(b"\"\"\"") {
                return i + 3;
            } else {
                i += 1;
            }
        }
        return i;
    }
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'"' => return i + 1,
            // A line terminator ends a (then invalid) string: the parser will refuse it, and what
            // follows is scanned as code, so nothing can hide from the count.
            b'\n' | b'\r' => return i,
            b'\\' if i + 1 < b.len() && b[i + 1] != b'\n' && b[i + 1] != b'\r' => i += 2,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDE: ScanLimits = ScanLimits {
        tokens: 1_000_000,
        value_depth: 1_000_000,
        selection_depth: 1_000_000,
    };

    fn s(text: &str) -> Scan {
        scan(text, WIDE).unwrap()
    }

    #[test]
    fn counts_the_tokens_of_a_query() {
        // { events ( first : 5 ) { nodes { id } } }
        assert_eq!(s("{ events(first: 5) { nodes { id } } }").tokens, 14);
        assert_eq!(s("query Q($a: Int = -1.5e3) { ...F }").tokens, 14);
    }

    #[test]
    fn brackets_in_arguments_are_values_and_braces_outside_are_selections() {
        let r = s("{ nodes(ids: [[\"a\"]], x: {a: {b: [1]}}) { id a { b } } }");
        assert_eq!(r.value_depth, 3);
        assert_eq!(r.selection_depth, 3);
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let r = s("{ a(x: \"[[[{{\\\"[[\", y: \"\"\"[[[ \\\"\"\" {{{ \"\"\") # [[[[{{{{\n }");
        assert_eq!(r.value_depth, 0);
        assert_eq!(r.selection_depth, 1);
        assert_eq!(r.tokens, 11);
    }

    #[test]
    fn a_string_cut_by_a_line_break_does_not_hide_what_follows() {
        let r = s("{ a(x: \"abc\n [[[[ ]]]]) }");
        assert_eq!(r.value_depth, 4);
    }

    #[test]
    fn deep_lists_stop_at_the_limit_without_reading_the_rest() {
        let doc = format!("{{ nodes(ids: {}) {{ id }} }}", "[".repeat(100_000));
        let limits = ScanLimits {
            value_depth: 16,
            ..WIDE
        };
        assert_eq!(scan(&doc, limits), Err(Exceeded::ValueDepth));
        let object = format!("{{ a(x: {}1) }}", "{a: ".repeat(17));
        assert_eq!(scan(&object, limits), Err(Exceeded::ValueDepth));
        let ok = format!("{{ a(x: {}1{}) }}", "{a: ".repeat(16), "}".repeat(16));
        assert_eq!(scan(&ok, limits).unwrap().value_depth, 16);
    }

    #[test]
    fn deep_selections_and_many_tokens_are_caught() {
        let limits = ScanLimits {
            tokens: 100,
            selection_depth: 15,
            ..WIDE
        };
        let deep = format!("{}{}", "{ a ".repeat(16), "}".repeat(16));
        assert_eq!(scan(&deep, limits), Err(Exceeded::SelectionDepth));
        let many = format!("{{ {} }}", "a: __typename ".repeat(40));
        assert_eq!(scan(&many, limits), Err(Exceeded::Tokens));
    }

    #[test]
    fn mismatched_closers_never_lower_the_count() {
        let r = s("{ a(x: [ ) [ ) [ ) [ ) }");
        assert!(r.value_depth >= 4, "{r:?}");
    }
}
