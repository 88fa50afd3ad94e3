//! Paged lists (`room_list`, `user_list`) gathered into one reply: the
//! network thread asks for the next page until the last, so the UI only
//! ever sees whole lists.

use tertulia_shared::{Reply, Request};

/// The request for the page after `reply`, if it is a list with more pages.
pub(super) fn pages_next(reply: &Reply) -> Option<Request> {
    match reply {
        Reply::RoomList {
            next: Some(after), ..
        } => Some(Request::ListRooms {
            after: Some(after.clone()),
        }),
        Reply::UserList {
            next: Some(after), ..
        } => Some(Request::ListUsers {
            after: Some(after.clone()),
        }),
        _ => None,
    }
}

/// Adds `page` to the pages gathered so far; `next` becomes the page's.
pub(super) fn append_page(pages: &mut Reply, page: Reply) {
    match (pages, page) {
        (
            Reply::RoomList { rooms, next },
            Reply::RoomList {
                rooms: more,
                next: then,
            },
        ) => {
            rooms.extend(more);
            *next = then;
        }
        (
            Reply::UserList { users, next },
            Reply::UserList {
                users: more,
                next: then,
            },
        ) => {
            users.extend(more);
            *next = then;
        }
        // Not a page of the same list: stop gathering.
        (Reply::RoomList { next, .. } | Reply::UserList { next, .. }, _) => *next = None,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tertulia_shared::RoomInfo;

    fn rooms(names: &[&str], next: Option<&str>) -> Reply {
        Reply::RoomList {
            rooms: names
                .iter()
                .map(|n| RoomInfo {
                    announce: false,
                    name: (*n).into(),
                    members: 0,
                    creator: None,
                    is_default: false,
                })
                .collect(),
            next: next.map(Into::into),
        }
    }

    #[test]
    fn pages_join_up_and_ask_for_what_follows() {
        let mut pages = rooms(&["a", "b"], Some("b"));
        assert_eq!(
            pages_next(&pages),
            Some(Request::ListRooms {
                after: Some("b".into())
            })
        );
        append_page(&mut pages, rooms(&["c"], None));
        assert_eq!(pages, rooms(&["a", "b", "c"], None));
        assert_eq!(pages_next(&pages), None);
    }
}
