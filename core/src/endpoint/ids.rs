//! Small copyable handles the application uses to address calls.

use std::fmt;

/// A call owned by an [`Endpoint`](crate::endpoint::Endpoint): a small copyable handle.
///
/// Ids are never reused within one endpoint, so a stale id simply refers to nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallId(pub(crate) u64);

impl CallId {
    /// The numeric value (unique within its endpoint), for logs and maps.
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call#{}", self.0)
    }
}
