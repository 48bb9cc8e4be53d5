//! A bounded, process-local memo for facts that never change once they exist (an openid's
//! account ids: no account is deleted or re-keyed). A hit saves a read of the source; a miss
//! costs one. Past its capacity it starts again rather than growing.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

#[derive(Debug)]
pub struct Memo<K, V> {
    entries: Mutex<HashMap<K, V>>,
    capacity: usize,
}

impl<K: Eq + Hash, V: Copy> Memo<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.entries().get(key).copied()
    }

    pub fn remember(&self, key: K, value: V) {
        let mut entries = self.entries();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, value);
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<K, V>> {
        // Each operation is one insert or read: a panic elsewhere cannot leave it half-written.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_stays_bounded() {
        let memo = Memo::new(100);
        assert_eq!(memo.get("o-1"), None);
        memo.remember("o-1".to_owned(), 1);
        assert_eq!(memo.get("o-1"), Some(1));
        for n in 0..110 {
            memo.remember(format!("o-x{n}"), 2);
        }
        assert!(memo.entries().len() <= 100);
        assert_eq!(memo.get("o-x109"), Some(2));
    }
}
