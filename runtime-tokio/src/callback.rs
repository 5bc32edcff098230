//! Application callbacks that may be plain or async closures.

use std::future::Future;
use std::sync::Arc;

use crate::call::{Call, CallEnd, DtmfReceived};

/// A stored callback: called inside the driver, it runs at once or spawns its future.
pub(crate) type Boxed<A> = Arc<dyn Fn(A) + Send + Sync + 'static>;

/// Marker for callbacks that return `()` and run inside the driver (keep them short).
#[derive(Debug)]
pub enum Immediate {}

/// Marker for callbacks that return a future; it is spawned on the runtime.
#[derive(Debug)]
pub enum Spawned {}

/// A closure usable as a callback: `Fn(A)` or `Fn(A) -> impl Future<Output = ()>`.
pub trait Callback<A, M>: Send + Sync + 'static {
    /// Stores the callback behind one calling convention.
    fn into_boxed(self) -> Boxed<A>;
}

impl<A, F> Callback<A, Immediate> for F
where
    F: Fn(A) + Send + Sync + 'static,
{
    fn into_boxed(self) -> Boxed<A> {
        Arc::new(self)
    }
}

impl<A, F, Fut> Callback<A, Spawned> for F
where
    F: Fn(A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    fn into_boxed(self) -> Boxed<A> {
        Arc::new(move |arg| {
            tokio::spawn(self(arg));
        })
    }
}

/// The registered callback lists.
#[derive(Default)]
pub(crate) struct Callbacks {
    pub(crate) on_call: Vec<Boxed<Call>>,
    pub(crate) on_disconnect: Vec<Boxed<CallEnd>>,
    pub(crate) on_dtmf: Vec<Boxed<DtmfReceived>>,
}
