//! sipvoice-tests: cross-crate scenarios and interop tests with real peers (arrive with the runtime issue).
