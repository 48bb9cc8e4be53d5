//! Case numbers people can say on the phone: `GC` + the month the case was created (Asia/Shanghai,
//! `YYMM`) + `-` + its row id, five digits at least (`GC2611-00042`). Unique because the id is;
//! assigned in the creating transaction; shown to the insured and in the console; searchable in
//! the queue. A number is never an authorisation: it finds a case only where the caller could
//! already see it.

use chrono::{DateTime, Utc};

use crate::calendar::local_date;

/// The number of the case `id` created at `created_at`.
pub fn format(id: i64, created_at: DateTime<Utc>) -> String {
    format!("GC{}-{id:05}", local_date(created_at).format("%y%m"))
}

/// A number as typed or heard (`gc2611 00042`, `GC2611-42`): the canonical form, or None when it
/// is not one.
pub fn parse(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let rest = compact.strip_prefix("GC")?;
    if rest.len() < 5 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (month, id) = rest.split_at(4);
    let month_no: u32 = month[2..].parse().ok()?;
    if !(1..=12).contains(&month_no) {
        return None;
    }
    let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
    Some(format!("GC{month}-{id:05}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_is_the_one_in_shanghai() {
        let late = "2026-10-31T16:30:00Z".parse().expect("instant");
        assert_eq!(format(42, late), "GC2611-00042");
        let earlier = "2026-10-31T15:59:59Z".parse().expect("instant");
        assert_eq!(format(1_234_567, earlier), "GC2610-1234567");
    }

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(parse("GC2611-00042").as_deref(), Some("GC2611-00042"));
        assert_eq!(parse(" gc2611 42 ").as_deref(), Some("GC2611-00042"));
        assert_eq!(parse("GC261100042").as_deref(), Some("GC2611-00042"));
        assert_eq!(parse("GC2613-00042"), None);
        assert_eq!(parse("GC2611-"), None);
        assert_eq!(parse("XX2611-00042"), None);
        assert_eq!(parse("GC2611-00000"), None);
    }
}
