//! The sort keys of the events an offline export has written so far, so that a participation's row
//! carries its copies of its event (`records::PARTICIPATION_KEYS`: `eventSortDate`, `eventId`, and
//! `actorId` with them) instead of leaving them to the migrations' backfill, which at 10^6 events
//! took most of the load (docs/decisions.md, "Offline first load").
//!
//! Compact, as it grows with the file: an id is a 64-bit hash (fixed and seeded, injectable for
//! tests) and its sort key a day number, 12 bytes a slot of an open-addressed table kept at most 4/5
//! full (15–23 bytes an event, more while it grows). Never a wrong copy: an id whose hash is already
//! taken — by another id (a collision) or by the same event again (which `neo4j-admin` refuses
//! anyway) — makes the hash ambiguous, and a participation whose event is ambiguous or not seen yet
//! (a reference may point forward in the file) gets no copies. What is left is an event the
//! participation names, not yet seen, whose hash another event already has: about n / 2^64 per such
//! reference.

use chrono::{Datelike, NaiveDate};

/// Hashes an event id.
pub type EventHasher = fn(&str) -> u64;

/// The export's [`EventHasher`]: xxh3 with a fixed seed, the same in every run.
pub fn event_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(id.as_bytes(), 0x6361_7365_6772_6170)
}

/// An unused slot's key (an id hashing to it is stored as 1: one more way to collide, as safe).
const EMPTY: u64 = 0;
/// The day of an event without an earliest day (sort key `''`), and of an ambiguous hash.
const NO_DAY: i32 = i32::MIN;
const AMBIGUOUS: i32 = i32::MIN + 1;

pub struct EventDates {
    hash: EventHasher,
    keys: Vec<u64>,
    days: Vec<i32>,
    len: usize,
}

impl EventDates {
    pub fn new(hash: EventHasher) -> Self {
        EventDates {
            hash,
            keys: vec![EMPTY; 1024],
            days: vec![0; 1024],
            len: 0,
        }
    }

    /// Notes an event written with this earliest day (the day of its sort key).
    pub fn insert(&mut self, id: &str, earliest: Option<NaiveDate>) {
        let key = self.key(id);
        let i = self.slot(key);
        if self.keys[i] == key {
            self.days[i] = AMBIGUOUS;
            return;
        }
        self.keys[i] = key;
        // A NaiveDate is within ±262,143 years: its day number is far from the two markers.
        self.days[i] = earliest.map_or(NO_DAY, |d| d.num_days_from_ce());
        self.len += 1;
        if self.len * 5 > self.keys.len() * 4 {
            self.grow();
        }
    }

    /// The earliest day of the event `id` (`Some(None)`: it has none, its sort key is `''`); `None`
    /// when the event was not seen, or its hash is ambiguous.
    pub fn get(&self, id: &str) -> Option<Option<NaiveDate>> {
        let key = self.key(id);
        let i = self.slot(key);
        if self.keys[i] != key {
            return None;
        }
        match self.days[i] {
            AMBIGUOUS => None,
            NO_DAY => Some(None),
            day => NaiveDate::from_num_days_from_ce_opt(day).map(Some),
        }
    }

    fn key(&self, id: &str) -> u64 {
        match (self.hash)(id) {
            EMPTY => 1,
            h => h,
        }
    }

    /// The slot holding `key`, or the empty one where it would go (linear probing; the table is
    /// never full). The hash's high bits pick the start, for a table of any size.
    fn slot(&self, key: u64) -> usize {
        let n = self.keys.len();
        let mut i = ((u128::from(key) * n as u128) >> 64) as usize;
        while self.keys[i] != key && self.keys[i] != EMPTY {
            i = if i + 1 == n { 0 } else { i + 1 };
        }
        i
    }

    /// Half as large again (not doubled: the table is most of the export's memory at 10^6 events).
    fn grow(&mut self) {
        let n = self.keys.len() * 3 / 2;
        let keys = std::mem::replace(&mut self.keys, vec![EMPTY; n]);
        let days = std::mem::replace(&mut self.days, vec![0; n]);
        for (key, day) in keys.into_iter().zip(days) {
            if key != EMPTY {
                let i = self.slot(key);
                self.keys[i] = key;
                self.days[i] = day;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn an_event_seen_once_gives_its_day_and_an_unseen_one_none() {
        let mut dates = EventDates::new(event_hash);
        dates.insert("c:event:1", day("2025-01-31"));
        dates.insert("c:event:2", None);
        assert_eq!(dates.get("c:event:1"), Some(day("2025-01-31")));
        assert_eq!(dates.get("c:event:2"), Some(None));
        assert_eq!(dates.get("c:event:3"), None);
    }

    #[test]
    fn a_collision_or_an_event_seen_twice_gives_no_day() {
        // Two ids with one hash: neither is known, whatever their days.
        let mut dates = EventDates::new(|id| if id.ends_with("x") { 7 } else { 8 });
        dates.insert("a-x", day("2025-01-01"));
        dates.insert("b-x", day("2025-01-01"));
        assert_eq!(dates.get("a-x"), None);
        assert_eq!(dates.get("b-x"), None);
        assert_eq!(dates.get("c-x"), None);
        dates.insert("a-y", day("2024-02-29"));
        assert_eq!(dates.get("a-y"), day("2024-02-29").map(Some));
        // The same event again, with another day or the same one.
        dates.insert("a-y", day("2024-03-01"));
        assert_eq!(dates.get("a-y"), None);
        // A hash of 0 (the empty slot's key) is taken as 1.
        let mut zero = EventDates::new(|id| u64::from(id == "one"));
        zero.insert("zero", day("2025-01-01"));
        assert_eq!(zero.get("zero"), Some(day("2025-01-01")));
        zero.insert("one", None);
        assert_eq!((zero.get("zero"), zero.get("one")), (None, None));
    }

    #[test]
    fn growing_keeps_every_event_and_far_days() {
        let mut dates = EventDates::new(event_hash);
        let first = NaiveDate::MIN;
        for n in 0..50_000 {
            let d = first + chrono::Days::new(n * 3_000);
            dates.insert(&format!("e{n}"), (n % 7 != 0).then_some(d));
        }
        assert!(dates.keys.len() > 50_000 && dates.len * 5 <= dates.keys.len() * 4);
        for n in 0..50_000 {
            let d = first + chrono::Days::new(n * 3_000);
            assert_eq!(dates.get(&format!("e{n}")), Some((n % 7 != 0).then_some(d)));
        }
        assert_eq!(dates.get(&format!("e{}", 50_000)), None);
    }
}
