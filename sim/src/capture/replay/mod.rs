//! Replay of a captured call into a fresh core endpoint standing in for one side.

mod compare;
mod driver;
mod mapping;
mod node;
mod report;
mod target;

pub use compare::Divergence;
pub use driver::{config_for, replay, replay_with};
pub use node::ReplayNode;
pub use report::{Direction, LadderEntry, ReplayError, ReplayOptions, ReplayReport, Sent, Skipped};
pub use target::{ReplayTarget, Role, choose_target};
