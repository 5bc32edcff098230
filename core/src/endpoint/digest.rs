//! Digest authentication of incoming INVITEs (RFC 7616 / 2617 via [`crate::auth`]):
//! 401 with one challenge per algorithm (MD5 first, then SHA-256), `stale=true` for an
//! expired nonce, 403 for a wrong password or a replayed nonce count, 400 for garbage.

use super::Endpoint;
use super::transaction::TxId;
use crate::auth::{Action, Secret};
use crate::sip::{HeaderName, Request};

impl Endpoint {
    /// Digest authentication when users are configured: true lets the INVITE through;
    /// otherwise 401 (challenge), 403 or 400 has been sent.
    pub(crate) fn authenticate(&mut self, tx: TxId, req: &Request) -> bool {
        let Some(auth) = self.auth.as_mut() else {
            return true;
        };
        let users = &self.config.auth_users;
        let lookup = |user: &str, _realm: &str| {
            users
                .get(user)
                .map(|p| Secret::Password(p.expose().to_owned()))
        };
        let uri = req.uri().as_str();
        let method = req.method().as_str();
        let mut action = Action::Challenge { stale: false };
        for value in req.headers().authorization() {
            let verdict = auth.verify(self.now, method, uri, value.as_str(), &lookup);
            action = verdict.action();
            if action == Action::Accept {
                break;
            }
        }
        match action {
            Action::Accept => true,
            Action::Challenge { stale } => {
                let challenges = if stale {
                    auth.challenge_stale(self.now, self.rng.as_rng_core())
                } else {
                    auth.challenge(self.now, self.rng.as_rng_core())
                };
                let mut resp = self.tagged_response(req, 401, "Unauthorized");
                for c in &challenges {
                    resp.header(HeaderName::WWW_AUTHENTICATE, c.to_header_value());
                }
                self.server_respond(tx, resp.finish());
                self.arm_nonces();
                false
            }
            Action::Forbidden => {
                self.reject_new(tx, req, 403, "Forbidden");
                false
            }
            Action::BadRequest => {
                self.reject_new(tx, req, 400, "Bad Request - Authorization");
                false
            }
        }
    }
}
