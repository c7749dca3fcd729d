//! [`Text`], the strings of a decoded pack: owned when the pack is decoded from its files,
//! borrowed when it comes compiled into a program (see [`crate::pack::compiled`]).
//!
//! A compiled pack keeps its strings in one table, a `&'static str` the program embeds (and
//! the compiler has checked as UTF-8), and serializes each [`Text`] as a range of it: loading
//! the pack copies, allocates and validates none of its strings. `writing` and `reading`
//! switch a thread to that form while a compiled pack is written or read; everywhere else
//! (JSON, for one) a [`Text`] serializes as the plain string it is.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string of a pack: a `&str` to read, cheap to clone when borrowed.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Cow<'static, str>);

impl Text {
    /// The string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the string is borrowed (from a compiled pack's table) rather than owned.
    #[must_use]
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Cow::Borrowed(_))
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    /// As a `str`: widths and alignment (`{:<20}`) apply.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Cow::Owned(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Cow::Owned(s.to_owned()))
    }
}

impl From<compact_str::CompactString> for Text {
    fn from(s: compact_str::CompactString) -> Self {
        Text(Cow::Owned(s.into()))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.0.into_owned()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<compact_str::CompactString> for Text {
    fn eq(&self, other: &compact_str::CompactString) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

/// The string table of a thread that writes or reads a compiled pack.
enum Table {
    /// Writing: the table so far, and where each string already in it starts.
    Writing { text: String, at: HashMap<String, u32> },
    /// Reading: the program's table.
    Reading(&'static str),
}

thread_local! {
    static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
}

/// Ends a thread's writing or reading, even when the work in between unwinds.
struct Done;

impl Drop for Done {
    fn drop(&mut self) {
        TABLE.with(|t| *t.borrow_mut() = None);
    }
}

/// Runs `f` with every [`Text`] serialized as a range of a new string table, and returns
/// `f`'s result with the table.
pub(crate) fn writing<T>(f: impl FnOnce() -> T) -> (T, String) {
    TABLE.with(|t| *t.borrow_mut() = Some(Table::Writing { text: String::new(), at: HashMap::new() }));
    let _done = Done;
    let out = f();
    let text = match TABLE.with(|t| t.borrow_mut().take()) {
        Some(Table::Writing { text, .. }) => text,
        _ => String::new(),
    };
    (out, text)
}

/// Runs `f` with every [`Text`] deserialized as a range of `table`, borrowed.
pub(crate) fn reading<T>(table: &'static str, f: impl FnOnce() -> T) -> T {
    TABLE.with(|t| *t.borrow_mut() = Some(Table::Reading(table)));
    let _done = Done;
    f()
}

/// The table a thread is reading from, if any.
fn reading_table() -> Option<&'static str> {
    TABLE.with(|t| match &*t.borrow() {
        Some(Table::Reading(table)) => Some(*table),
        _ => None,
    })
}

/// Where a string goes when it is serialized.
enum Place {
    /// The thread writes no table: the string itself.
    Whole,
    /// Its range in the table the thread writes (added to it when it was not there yet).
    Range(u32, u32),
    /// The table has passed 4 GiB: the compiled pack cannot be written.
    Overflow,
}

fn place(s: &str) -> Place {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let Some(Table::Writing { text, at }) = &mut *t else { return Place::Whole };
        let (Ok(len), Ok(end)) = (u32::try_from(s.len()), u32::try_from(text.len())) else {
            return Place::Overflow;
        };
        let start = *at.entry(s.to_owned()).or_insert_with(|| {
            text.push_str(s);
            end
        });
        Place::Range(start, len)
    })
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match place(&self.0) {
            Place::Whole => serializer.serialize_str(&self.0),
            Place::Range(start, len) => (start, len).serialize(serializer),
            Place::Overflow => Err(S::Error::custom("the string table of a compiled pack passed 4 GiB")),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match reading_table() {
            Some(table) => {
                let (start, len) = <(u32, u32)>::deserialize(deserializer)?;
                let (start, len) = (start as usize, len as usize);
                table
                    .get(start..start.saturating_add(len))
                    .map(|s| Text(Cow::Borrowed(s)))
                    .ok_or_else(|| D::Error::custom("a string outside the compiled pack's table"))
            }
            None => String::deserialize(deserializer).map(Text::from),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Two {
        a: Text,
        b: Vec<Text>,
    }

    /// `s`, for the rest of the test process (a table is `'static`).
    pub(crate) fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    #[test]
    fn a_table_holds_each_string_once_and_reads_back_borrowed() {
        let two = Two { a: "voice".into(), b: vec!["trunk".into(), "voice".into(), String::new().into()] };
        let (bytes, table) = writing(|| postcard::to_stdvec(&two).expect("serializes"));
        assert_eq!(table, "voicetrunk", "each distinct string once, in first-seen order");
        let table = leak(table);
        let back: Two = reading(table, || postcard::from_bytes(&bytes).expect("deserializes"));
        assert_eq!(back, two);
        assert!(matches!(back.a.0, Cow::Borrowed(_)), "read from the table, not copied");
        assert!(back.b.iter().all(|t| matches!(t.0, Cow::Borrowed(_))));
    }

    #[test]
    fn a_text_compares_with_strings_as_its_string() {
        let t = Text::from("voice");
        assert!(t == *"voice" && t != *"voic");
        assert!(t == "voice" && t != "voices");
        let (voice, other) = (String::from("voice"), String::from("Voice"));
        assert!(t == voice && t != other);
        assert!(voice == t && other != t);
        assert!("voice" == t && "chat" != t);
        let (voice, chat) = (compact_str::CompactString::from("voice"), compact_str::CompactString::from("chat"));
        assert!(t == voice && t != chat);
        assert_eq!(String::from(t.clone()), "voice");
        assert_eq!(AsRef::<str>::as_ref(&t), "voice");
        assert_eq!(t.as_str(), "voice");
        assert_eq!(Text::from(compact_str::CompactString::from("x")), Text::from("x".to_owned()));
        assert!(!t.is_borrowed());
    }

    #[test]
    fn a_text_formats_as_its_string_with_width_and_alignment() {
        let t = Text::from("call-park");
        assert_eq!(format!("[{t:<12}] [{t:>11}] {t:?}"), r#"[call-park   ] [  call-park] "call-park""#);
    }

    #[test]
    fn outside_a_table_a_text_is_a_plain_string() {
        let two = Two { a: "é".into(), b: vec!["x".into()] };
        assert_eq!(serde_json::to_string(&two).expect("json"), r#"{"a":"é","b":["x"]}"#);
        let bytes = postcard::to_stdvec(&two).expect("serializes");
        let back: Two = postcard::from_bytes(&bytes).expect("deserializes");
        assert_eq!(back, two);
        assert!(matches!(back.a.0, Cow::Owned(_)));
    }

    #[test]
    fn a_thread_writes_plain_strings_again_after_a_table_whose_writing_unwound() {
        let unwound = std::panic::catch_unwind(|| writing(|| panic!("while writing")));
        assert!(unwound.is_err());
        let two = Two { a: "a".into(), b: vec![] };
        assert_eq!(serde_json::to_string(&two).expect("json"), r#"{"a":"a","b":[]}"#);
    }

    #[test]
    fn a_range_outside_the_table_or_inside_a_character_is_an_error_not_a_panic() {
        let two = Two { a: "abc".into(), b: vec![] };
        let (bytes, _) = writing(|| postcard::to_stdvec(&two).expect("serializes"));
        let short: Result<Two, _> = reading("ab", || postcard::from_bytes(&bytes));
        assert!(short.is_err());
        let split: Result<Two, _> = reading("é€", || postcard::from_bytes(&bytes));
        assert!(split.is_err(), "bytes 0..3 of \"é€\" end inside `€`");
        assert_eq!(reading_table(), None, "the table is gone after reading");
    }
}
