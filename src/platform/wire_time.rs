//! How an instant reads in every answer: RFC 3339 in Shanghai's time (`+08:00`), to the second
//! (`2026-12-01T09:30:00+08:00`): what the mini-program shows, without a conversion, and one
//! convention for every field (issue 28). The instants stay `DateTime<Utc>` inside; a field
//! names its form with `#[serde(serialize_with = "crate::platform::wire_time::shanghai")]`
//! (`shanghai_opt` for an `Option`). Reading one back accepts any offset.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Asia::Shanghai;
use serde::Serializer;

/// The instant as an answer writes it.
pub fn text(at: &DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

pub fn shanghai<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&text(at))
}

// serde hands `serialize_with` a reference to the field: `&Option<_>`, not `Option<&_>`.
#[allow(clippy::ref_option)]
pub fn shanghai_opt<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&text(at)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn shanghai_time_to_the_second() {
        let at: DateTime<Utc> = "2026-11-30T16:05:09.987654Z"
            .parse()
            .expect("as the test sets it");
        assert_eq!(text(&at), "2026-12-01T00:05:09+08:00");
        let read: DateTime<Utc> = text(&at).parse().expect("as the test sets it");
        assert_eq!(read, at.with_nanosecond(0).expect("as the test sets it"));
    }
}
