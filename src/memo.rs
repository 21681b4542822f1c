//! A small cache for what an engine computes per entry (decoded documents,
//! analysed titles). An engine never changes, so nothing goes stale; when
//! the cache is full it simply starts over, which bounds memory on big
//! corpora while small ones stay entirely cached.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

pub struct Memo<K, V> {
    map: Mutex<HashMap<K, Arc<V>>>,
    capacity: usize,
}

impl<K: Eq + Hash + Copy, V> Memo<K, V> {
    pub fn new(capacity: usize) -> Self {
        Memo { map: Mutex::new(HashMap::new()), capacity }
    }

    /// The value for `key`, computed by `make` the first time.
    pub fn get(&self, key: K, make: impl FnOnce() -> Option<V>) -> Option<Arc<V>> {
        if let Some(value) = self.map.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Some(value.clone());
        }
        let value = Arc::new(make()?);
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(key, value.clone());
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_and_starts_over_when_full() {
        let memo = Memo::new(2);
        let mut calls = 0;
        for key in [1, 1, 2, 1] {
            memo.get(key, || {
                calls += 1;
                Some(key * 10)
            });
        }
        assert_eq!(calls, 2);
        memo.get(3, || Some(30));
        assert_eq!(*memo.get(1, || Some(11)).unwrap(), 11, "a full cache started over");
    }
}
