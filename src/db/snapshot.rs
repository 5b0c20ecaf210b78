//! A value the HTTP workers and the jobs read on every request and that changes rarely (the
//! calendar, the rule book): readers take an `Arc` to one consistent version; a change swaps in
//! a whole new one after it commits.

use std::sync::{Arc, RwLock};

#[derive(Debug)]
pub struct Snapshot<T>(RwLock<Arc<T>>);

impl<T> Snapshot<T> {
    pub fn new(value: T) -> Self {
        Self(RwLock::new(Arc::new(value)))
    }

    pub fn current(&self) -> Arc<T> {
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn replace(&self, value: T) {
        let fresh = Arc::new(value);
        match self.0.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }
}
