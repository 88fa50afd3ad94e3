//! Paged lists: every list the server sends is cut into pages that fit the
//! protocol's line limit, whatever the number of rooms, users or members.

use serde::Serialize;
use tertulia_shared::limits::PAGE_BUDGET_BYTES;

/// Takes items (each with the key it is sorted by) until their JSON would
/// pass [`PAGE_BUDGET_BYTES`]. Returns the page and, when items remain, the
/// key of the last one taken: the cursor the next page starts after.
pub(crate) fn fill<K, T: Serialize>(
    items: impl IntoIterator<Item = (K, T)>,
) -> (Vec<T>, Option<K>) {
    fill_within(items, PAGE_BUDGET_BYTES)
}

pub(crate) fn fill_within<K, T: Serialize>(
    items: impl IntoIterator<Item = (K, T)>,
    budget: usize,
) -> (Vec<T>, Option<K>) {
    let mut page = Vec::new();
    let mut used = 0;
    let mut last = None;
    for (key, item) in items {
        // The item plus the comma that separates it from the next one.
        let size = json_len(&item).unwrap_or(budget) + 1;
        if used + size > budget && !page.is_empty() {
            return (page, last);
        }
        used += size;
        page.push(item);
        last = Some(key);
    }
    (page, None)
}

/// How many bytes `item` takes as JSON, counted without building the text
/// (pages are filled under the hub's lock).
pub(crate) fn json_len<T: Serialize>(item: &T) -> Option<usize> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, item).ok()?;
    Some(count.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_stops_at_the_budget_and_names_where_to_go_on() {
        let items = (0..100).map(|n| (n, format!("item-{n:03}")));
        // Each item is 10 bytes of JSON plus a comma.
        let (page, next) = fill_within(items, 55);
        assert_eq!(page.len(), 5);
        assert_eq!(next, Some(4));
    }

    #[test]
    fn sizes_are_those_of_the_json() {
        assert_eq!(json_len(&"ñ\"").unwrap(), "\"ñ\\\"\"".len());
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let (page, next) = fill_within((0..3).map(|n| (n, n)), 1000);
        assert_eq!(page, [0, 1, 2]);
        assert_eq!(next, None);
        let (empty, none) = fill_within(Vec::<(u8, u8)>::new(), 1000);
        assert!(empty.is_empty() && none.is_none());
    }
}
