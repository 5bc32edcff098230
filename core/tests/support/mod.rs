//! Helpers shared by the parser property tests (`sdp_proptest`, `sip_proptest`).
#![allow(dead_code)]

use proptest::prelude::*;
use std::ops::Range;

/// One edit of an input: the position is taken modulo the input length.
#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    /// Overwrite one byte.
    Flip(usize, u8),
    /// Insert bytes.
    Insert(usize, Vec<u8>),
    /// Delete up to this many bytes.
    Delete(usize, usize),
    /// Cut the input short.
    Truncate(usize),
}

/// Mutations that insert what `insert` yields and delete runs of a length in `delete`.
pub(crate) fn mutation(
    insert: impl Strategy<Value = Vec<u8>>,
    delete: Range<usize>,
) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), insert).prop_map(|(p, b)| Mutation::Insert(p, b)),
        (any::<usize>(), delete).prop_map(|(p, n)| Mutation::Delete(p, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// `data` with `muts` applied in order.
pub(crate) fn apply(mut data: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = data.len().max(1);
        match m {
            Mutation::Flip(p, b) => {
                if let Some(x) = data.get_mut(p % len) {
                    *x = *b;
                }
            }
            Mutation::Insert(p, bytes) => {
                let at = (p % len).min(data.len());
                data.splice(at..at, bytes.iter().copied());
            }
            Mutation::Delete(p, n) => {
                let at = (p % len).min(data.len());
                let end = (at + n).min(data.len());
                data.drain(at..end);
            }
            Mutation::Truncate(p) => data.truncate(p % len),
        }
    }
    data
}
