//! sipvoice-tokio: the async driver for the sipvoice core and the `sipvoice` command (arrives with the runtime issue).
