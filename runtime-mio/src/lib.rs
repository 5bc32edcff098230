//! sipvoice-mio: a blocking driver for the sipvoice core on `mio::Poll` (arrives with the runtime issue).
