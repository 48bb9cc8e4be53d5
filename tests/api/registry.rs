//! Test data for the policy registry: valid resident ID numbers and policies written the way
//! the import writes them.

use chrono::NaiveDate;
use green_channel::policies::record::PolicyRecord;
use green_channel::policies::store;

use crate::helpers::TestApp;

/// A GB 11643-valid resident ID number from its first 17 digits.
pub fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
}

pub struct NewPolicy<'a> {
    pub policy_no: &'a str,
    pub product: &'a str,
    pub name: &'a str,
    pub id_number: &'a str,
    pub effective: &'a str,
    pub status: &'a str,
}

pub const PLAN1: &str = "yingshi-ci-green-channel";
pub const PLAN5: &str = "manulife-lexiang-ankang-2020";

pub async fn add_policy(app: &TestApp, policy: NewPolicy<'_>) -> store::Policy {
    let record = PolicyRecord {
        policy_no: policy.policy_no.to_owned(),
        product_code: policy.product.to_owned(),
        insured_name: policy.name.to_owned(),
        id_type: "resident_id".to_owned(),
        id_number: policy.id_number.to_owned(),
        phone: Some("13912345678".to_owned()),
        effective_date: policy.effective.to_owned(),
        status: Some(policy.status.to_owned()),
        ..Default::default()
    };
    let input = record
        .parse(|code| app.state.product_ids.contains_key(code))
        .expect("a valid test policy");
    // As the import does: a change of every policy, so no cached copy outlives it.
    green_channel::policies::changes::changing(
        &*app.cache,
        store::upsert(
            &app.db,
            &[input],
            &app.state.product_ids,
            &app.state.crypto,
            "import",
            chrono::Utc::now(),
        ),
    )
    .await
    .expect("stored");
    store::find_by_no(&app.db, policy.policy_no)
        .await
        .expect("query")
        .expect("the policy")
}

pub fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}
