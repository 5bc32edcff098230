//! Replay of a captured call into a fresh core endpoint standing in for one side.

mod compare;
mod driver;
mod mapping;
mod node;
mod target;

pub use compare::Divergence;
pub use driver::{
    Direction, LadderEntry, ReplayError, ReplayOptions, ReplayReport, Sent, Skipped, config_for,
    replay, replay_with,
};
pub use node::ReplayNode;
pub use target::{ReplayTarget, choose_target};
