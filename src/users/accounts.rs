//! The account an openid names, remembered in this process: a user's row id and public id never
//! change once the row exists (no account is deleted or re-keyed), so a login that has seen the
//! openid before can open its session in the same cache round trip as its rate limit, before
//! anything is read of the account. What the login answer says of the account (phone, policies)
//! is not kept here: it comes from the guarded login copy or the database.

use std::collections::HashMap;
use std::sync::Mutex;

use uuid::Uuid;

/// Openids remembered at most; past it the map starts again (each costs one database read).
const CAPACITY: usize = 100_000;

#[derive(Debug, Default)]
pub struct KnownAccounts {
    ids: Mutex<HashMap<String, (i64, Uuid)>>,
}

impl KnownAccounts {
    /// The row id and public id of the account `openid` names, if this process has seen it.
    pub fn get(&self, openid: &str) -> Option<(i64, Uuid)> {
        self.ids().get(openid).copied()
    }

    pub fn remember(&self, openid: &str, id: i64, public_id: Uuid) {
        let mut ids = self.ids();
        if ids.len() >= CAPACITY && !ids.contains_key(openid) {
            ids.clear();
        }
        ids.insert(openid.to_owned(), (id, public_id));
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, Uuid)>> {
        // Each operation is one insert or read: a panic elsewhere cannot leave it half-written.
        self.ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_accounts_and_stays_bounded() {
        let known = KnownAccounts::default();
        let id = Uuid::new_v4();
        assert_eq!(known.get("o-1"), None);
        known.remember("o-1", 1, id);
        assert_eq!(known.get("o-1"), Some((1, id)));
        for n in 0..CAPACITY + 10 {
            known.remember(&format!("o-x{n}"), 2, id);
        }
        assert!(known.ids().len() <= CAPACITY);
        assert_eq!(known.get(&format!("o-x{}", CAPACITY + 9)), Some((2, id)));
    }
}
