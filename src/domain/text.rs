//! What counts as text a person wrote: blank when nothing visible is left, and storable only
//! without the characters PostgreSQL cannot keep in a `text` column.

/// Format characters (Unicode general category Cf) that render as nothing. They are removed
/// with whitespace before deciding whether text is blank, so that a name made only of
/// zero-width spaces or direction marks counts as empty.
const FORMAT_CHARS: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // soft hyphen
    ('\u{0600}', '\u{0605}'),   // Arabic number signs
    ('\u{061C}', '\u{061C}'),   // Arabic letter mark
    ('\u{06DD}', '\u{06DD}'),   // Arabic end of ayah
    ('\u{070F}', '\u{070F}'),   // Syriac abbreviation mark
    ('\u{180E}', '\u{180E}'),   // Mongolian vowel separator
    ('\u{200B}', '\u{200F}'),   // zero-width space, joiners, direction marks
    ('\u{202A}', '\u{202E}'),   // bidirectional embeddings and overrides
    ('\u{2060}', '\u{2064}'),   // word joiner, invisible operators
    ('\u{2066}', '\u{206F}'),   // bidirectional isolates, deprecated format controls
    ('\u{FEFF}', '\u{FEFF}'),   // byte order mark, zero-width no-break space
    ('\u{FFF9}', '\u{FFFB}'),   // interlinear annotation
    ('\u{1D173}', '\u{1D17A}'), // musical symbol format controls
    ('\u{E0001}', '\u{E0001}'), // language tag
    ('\u{E0020}', '\u{E007F}'), // tag characters
];

/// Whether `c` is an invisible format character (category Cf).
pub fn is_format_char(c: char) -> bool {
    FORMAT_CHARS
        .iter()
        .any(|(from, to)| (*from..=*to).contains(&c))
}

/// Whether `value` is blank: nothing left after removing Unicode whitespace and format
/// characters. The one test of blankness the service uses.
pub fn is_blank(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_whitespace() || is_format_char(c))
}

/// Characters `char::is_whitespace` counts (Unicode White_Space), by range.
const WHITESPACE: &[(char, char)] = &[
    ('\u{0009}', '\u{000D}'),
    ('\u{0020}', '\u{0020}'),
    ('\u{0085}', '\u{0085}'),
    ('\u{00A0}', '\u{00A0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200A}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202F}', '\u{202F}'),
    ('\u{205F}', '\u{205F}'),
    ('\u{3000}', '\u{3000}'),
];

/// The JSON Schema `pattern` (ECMA-262) of text that is not blank: it holds one character that
/// is neither whitespace nor an invisible format character of the Basic Multilingual Plane. The
/// ranges are spelled out, since `\s` differs between regex dialects. (Text made only of the
/// rare format characters beyond the BMP matches it and is still refused as blank.)
pub fn not_blank_pattern() -> String {
    let mut class = String::from("[^");
    for (from, to) in WHITESPACE.iter().chain(FORMAT_CHARS) {
        if u32::from(*from) > 0xFFFF {
            continue;
        }
        class.push_str(&format!("\\u{:04X}", u32::from(*from)));
        if from != to {
            class.push_str(&format!("-\\u{:04X}", u32::from(*to)));
        }
    }
    class.push(']');
    class
}

/// Whether PostgreSQL can store `value` in a `text` column: it refuses the NUL character.
pub fn is_storable(value: &str) -> bool {
    !value.contains('\0')
}

/// The stable field code for text PostgreSQL cannot store.
pub const INVALID_CHARACTER: &str = "invalid_character";

#[cfg(test)]
mod tests {
    #[test]
    fn the_not_blank_pattern_names_exactly_the_characters_is_blank_ignores() {
        for code in 0..=0xFFFFu32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let listed = WHITESPACE
                .iter()
                .chain(FORMAT_CHARS)
                .any(|(from, to)| (*from..=*to).contains(&c));
            assert_eq!(listed, is_blank(&c.to_string()), "U+{code:04X}");
        }
        let pattern = not_blank_pattern();
        assert!(pattern.starts_with("[^\\u0009-\\u000D\\u0020"), "{pattern}");
        assert!(pattern.contains("\\u200B-\\u200F") && pattern.ends_with(']'));
    }

    use super::*;

    #[test]
    fn whitespace_and_invisible_characters_are_blank() {
        assert!(is_blank(""));
        assert!(is_blank("   \t\n"));
        assert!(is_blank("\u{3000}"), "the ideographic space");
        assert!(is_blank("\u{202e}\u{200b}"));
        assert!(is_blank("\u{feff}\u{00ad}\u{2060}\u{2066}"));
        assert!(is_blank("\u{E0041}"), "a tag character");
    }

    #[test]
    fn visible_text_is_not_blank() {
        assert!(!is_blank("阳城镇"));
        assert!(!is_blank("\u{200b}a"));
        assert!(!is_blank(" 0 "));
        assert!(!is_blank("\u{2063}x"));
    }

    #[test]
    fn only_nul_cannot_be_stored() {
        assert!(is_storable("自查报告\u{202e}"));
        assert!(!is_storable("阳城\u{0}镇"));
    }
}
