//! The remote-address policy applied to the media address of an offer or answer.

use super::config::{AddressPolicy, LoopbackRule, UnspecifiedRule};
use super::refusal::AddressProblem;
use std::net::IpAddr;

/// Whether an acceptable remote address means "hold" (RFC 2543 `c=0.0.0.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Usable,
    Hold,
}

fn is_link_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}

fn is_broadcast(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.is_broadcast())
}

/// Checks a remote media address against the policy.
///
/// `local` is our advertised address; `reoffer` is true inside an existing session.
pub(crate) fn check_remote(
    remote: IpAddr,
    local: IpAddr,
    policy: &AddressPolicy,
    reoffer: bool,
) -> Result<Verdict, AddressProblem> {
    if remote.is_unspecified() {
        return match policy.unspecified {
            UnspecifiedRule::ReofferOnly if reoffer => Ok(Verdict::Hold),
            _ => Err(AddressProblem::Unspecified),
        };
    }
    if remote.is_multicast() {
        return Err(AddressProblem::Multicast);
    }
    if is_broadcast(remote) {
        return Err(AddressProblem::Broadcast);
    }
    if remote.is_ipv4() != local.is_ipv4() {
        return Err(AddressProblem::FamilyMismatch);
    }
    if remote.is_loopback() {
        let ok = match policy.loopback {
            LoopbackRule::Never => false,
            LoopbackRule::WhenLocalIsLoopback => local.is_loopback(),
            LoopbackRule::Always => true,
        };
        return if ok {
            Ok(Verdict::Usable)
        } else {
            Err(AddressProblem::Loopback)
        };
    }
    if is_link_local(remote) && !policy.allow_link_local {
        return Err(AddressProblem::LinkLocal);
    }
    if local.is_loopback() && !policy.allow_remote_beyond_loopback {
        return Err(AddressProblem::BeyondLoopback);
    }
    Ok(Verdict::Usable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    fn check(remote: &str, local: &str, reoffer: bool) -> Result<Verdict, AddressProblem> {
        check_remote(ip(remote), ip(local), &AddressPolicy::default(), reoffer)
    }

    #[test]
    fn unspecified_is_refused_in_an_initial_offer() {
        assert_eq!(
            check("0.0.0.0", "10.0.0.5", false),
            Err(AddressProblem::Unspecified)
        );
    }

    #[test]
    fn unspecified_is_hold_in_a_reoffer() {
        assert_eq!(check("0.0.0.0", "10.0.0.5", true), Ok(Verdict::Hold));
    }

    #[test]
    fn unspecified_is_refused_in_a_reoffer_when_policy_says_never() {
        let p = AddressPolicy {
            unspecified: UnspecifiedRule::Never,
            ..AddressPolicy::default()
        };
        assert_eq!(
            check_remote(ip("0.0.0.0"), ip("10.0.0.5"), &p, true),
            Err(AddressProblem::Unspecified)
        );
    }

    #[test]
    fn multicast_and_broadcast_are_never_accepted() {
        assert_eq!(
            check("239.1.2.3", "10.0.0.5", false),
            Err(AddressProblem::Multicast)
        );
        assert_eq!(
            check("ff02::1", "fd00::5", false),
            Err(AddressProblem::Multicast)
        );
        assert_eq!(
            check("255.255.255.255", "10.0.0.5", false),
            Err(AddressProblem::Broadcast)
        );
    }

    #[test]
    fn loopback_is_accepted_only_when_we_are_on_loopback() {
        assert_eq!(check("127.0.0.1", "127.0.0.1", false), Ok(Verdict::Usable));
        assert_eq!(check("::1", "::1", false), Ok(Verdict::Usable));
        assert_eq!(
            check("127.0.0.1", "10.0.0.5", false),
            Err(AddressProblem::Loopback)
        );
    }

    #[test]
    fn loopback_rules_never_and_always() {
        let never = AddressPolicy {
            loopback: LoopbackRule::Never,
            ..AddressPolicy::default()
        };
        let always = AddressPolicy {
            loopback: LoopbackRule::Always,
            ..AddressPolicy::default()
        };
        let (r, l) = (ip("127.0.0.1"), ip("127.0.0.1"));
        assert_eq!(
            check_remote(r, l, &never, false),
            Err(AddressProblem::Loopback)
        );
        assert_eq!(
            check_remote(r, ip("10.0.0.5"), &always, false),
            Ok(Verdict::Usable)
        );
    }

    #[test]
    fn routable_remote_is_refused_while_we_are_on_loopback_unless_allowed() {
        assert_eq!(
            check("192.168.1.7", "127.0.0.1", false),
            Err(AddressProblem::BeyondLoopback)
        );
        let p = AddressPolicy {
            allow_remote_beyond_loopback: true,
            ..AddressPolicy::default()
        };
        assert_eq!(
            check_remote(ip("192.168.1.7"), ip("127.0.0.1"), &p, false),
            Ok(Verdict::Usable)
        );
    }

    #[test]
    fn private_and_public_remotes_are_accepted_from_a_routable_address() {
        assert_eq!(check("192.168.1.7", "10.0.0.5", false), Ok(Verdict::Usable));
        assert_eq!(check("203.0.113.9", "10.0.0.5", false), Ok(Verdict::Usable));
    }

    #[test]
    fn link_local_is_refused_by_default() {
        assert_eq!(
            check("169.254.3.4", "10.0.0.5", false),
            Err(AddressProblem::LinkLocal)
        );
        assert_eq!(
            check("fe80::1", "2001:db8::5", false),
            Err(AddressProblem::LinkLocal)
        );
    }

    #[test]
    fn family_mismatch_is_refused() {
        assert_eq!(
            check("2001:db8::7", "10.0.0.5", false),
            Err(AddressProblem::FamilyMismatch)
        );
    }
}
