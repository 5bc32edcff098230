//! The scheduler: always jump to the earliest of a scripted action, a datagram delivery or
//! a node's deadline; no threads, no sleeps.

use std::time::{Duration, Instant};

use sipvoice_core::endpoint::{Event, Output, SocketRequest};

use super::{AudioTally, EventRecord, NodeId, Sim};

/// Times a node may ask to be woken again at the instant it was just woken at.
const MAX_REFIRES: u32 = 8;

/// Rounds of work at a single instant before the run is declared stuck.
const MAX_ROUNDS_PER_INSTANT: u32 = 1_000_000;

impl Sim {
    /// Schedules `action` at `offset` from the epoch (now, if that is already past).
    /// Actions at the same instant run in the order they were scheduled.
    pub fn at(&mut self, offset: Duration, action: impl FnOnce(&mut Sim) + 'static) {
        let at = self.clock.at(offset).max(self.clock.now());
        self.action_seq += 1;
        self.actions.insert((at, self.action_seq), Box::new(action));
    }

    /// Schedules `action` `delay` after the current virtual time.
    pub fn after(&mut self, delay: Duration, action: impl FnOnce(&mut Sim) + 'static) {
        let offset = self.clock.elapsed() + delay;
        self.at(offset, action);
    }

    /// Installs the closure that sees every event (audio frames included) as it happens;
    /// it may issue commands and schedule actions. Replaces any previous one.
    pub fn on_event(&mut self, reactor: impl FnMut(&mut Sim, NodeId, &Event) + 'static) {
        self.reactor = Some(Box::new(reactor));
    }

    /// The earliest instant at which something is due, if anything is.
    pub fn next_wakeup(&self) -> Option<Instant> {
        let action = self.actions.keys().next().map(|(at, _)| *at);
        let link = self.links.values().filter_map(|l| l.poll_timeout()).min();
        let node = self.nodes.iter().filter_map(|n| n.deadline).min();
        [action, link, node].into_iter().flatten().min()
    }

    /// Runs everything due up to `offset` from the epoch; the clock ends at `offset`.
    pub fn run_until(&mut self, offset: Duration) {
        let limit = self.clock.at(offset);
        self.run_while(limit, |_| true);
    }

    /// Runs for `duration` of virtual time.
    pub fn run_for(&mut self, duration: Duration) {
        let offset = self.clock.elapsed() + duration;
        self.run_until(offset);
    }

    /// Runs until [`Sim::is_idle`] or until `offset` from the epoch; returns whether idle.
    pub fn run_until_idle(&mut self, offset: Duration) -> bool {
        let limit = self.clock.at(offset);
        self.run_while(limit, |sim| !sim.is_idle());
        self.is_idle()
    }

    /// Nothing in flight, no scripted action left, and every node's live state empty.
    pub fn is_idle(&self) -> bool {
        self.actions.is_empty()
            && self.links.values().all(|l| l.in_flight() == 0)
            && self.all_counts_empty()
    }

    fn run_while(&mut self, limit: Instant, mut go_on: impl FnMut(&Sim) -> bool) {
        let mut last = None;
        let mut rounds = 0u32;
        while go_on(self) {
            let Some(next) = self.next_wakeup().filter(|t| *t <= limit) else {
                self.clock.advance_to(limit);
                return;
            };
            let now = next.max(self.clock.now());
            if last == Some(now) {
                rounds += 1;
                assert!(
                    rounds < MAX_ROUNDS_PER_INSTANT,
                    "simulation stuck at {:?}: work keeps arriving at the same instant",
                    self.clock.offset_of(now)
                );
            } else {
                rounds = 0;
                last = Some(now);
            }
            self.clock.advance_to(now);
            self.step(now);
        }
    }

    fn step(&mut self, now: Instant) {
        while let Some(entry) = self.actions.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let action = entry.remove();
            action(self);
            self.dispatch_events();
        }
        let due: Vec<(usize, usize)> = self
            .links
            .iter()
            .filter(|(_, l)| l.poll_timeout().is_some_and(|t| t <= now))
            .map(|(k, _)| *k)
            .collect();
        for key in due {
            while let Some(transmit) = self.links.get_mut(&key).and_then(|l| l.poll_transmit(now)) {
                self.deliver(key.1, transmit);
            }
        }
        for index in 0..self.nodes.len() {
            let due = self.nodes[index].deadline.is_some_and(|d| d <= now);
            if due {
                self.nodes[index].deadline = None;
                self.nodes[index].agent.handle_timeout(now);
                self.drain(index, true);
            }
        }
        self.dispatch_events();
    }

    /// Drains a node's outputs until its next deadline, acting on each one.
    pub(crate) fn drain(&mut self, index: usize, after_timeout: bool) {
        let now = self.clock.now();
        loop {
            let Some(node) = self.nodes.get_mut(index) else {
                return;
            };
            match node.agent.poll_output() {
                Output::Transmit(transmit) => self.send(index, transmit),
                Output::Event(event) => self.pending_events.push_back((NodeId(index), event)),
                Output::Socket(SocketRequest::Bind(addr)) => {
                    let ok = node.bind(addr);
                    node.agent.handle_bind_result(now, addr, ok);
                }
                Output::Socket(SocketRequest::Close(addr)) => node.close(addr),
                Output::Timeout(deadline) => {
                    // Woken at `now` and still due at `now`: fire again a few times (some
                    // machines handle one timer per call), then call it a stall and wait.
                    let again = after_timeout && deadline <= now;
                    node.refires = if again { node.refires + 1 } else { 0 };
                    node.deadline = Some(if again && node.refires > MAX_REFIRES {
                        self.stalls += 1;
                        node.refires = 0;
                        now + Duration::from_millis(1)
                    } else {
                        deadline
                    });
                    return;
                }
            }
        }
    }

    /// Records pending events and hands them to the reactor (once, at the outermost level:
    /// events raised by the reactor's own commands join the same queue).
    pub(crate) fn dispatch_events(&mut self) {
        if self.dispatching {
            return;
        }
        self.dispatching = true;
        let mut reactor = self.reactor.take();
        while let Some((node, event)) = self.pending_events.pop_front() {
            self.record_event(node, &event);
            if let Some(reactor) = reactor.as_mut() {
                reactor(self, node, &event);
            }
            self.keep_event(node, event);
        }
        if self.reactor.is_none() {
            self.reactor = reactor;
        }
        self.dispatching = false;
    }

    fn record_event(&mut self, node: NodeId, event: &Event) {
        let at = self.clock.elapsed();
        let name = self.nodes.get(node.0).map_or("?", |n| n.name.as_str());
        self.trace.event(at, name, event);
        self.audit.event(node, event);
        if let Event::Audio { call, frame } = event {
            let tally: &mut AudioTally = self.audio.entry((node, *call)).or_default();
            tally.frames += 1;
            tally.concealed += u64::from(frame.concealed);
            if self.config.keep_audio {
                tally.pcm.extend_from_slice(&frame.pcm);
            }
        }
    }

    fn keep_event(&mut self, node: NodeId, event: Event) {
        if !matches!(event, Event::Audio { .. }) {
            let at = self.clock.elapsed();
            self.events.push(EventRecord { at, node, event });
        }
    }
}
