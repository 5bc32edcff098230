//! The answerer (RFC 3264 §6): one audio stream accepted, every other section rejected.

use super::attribute::Direction;
use super::build::{AudioSpec, audio_section, our_origin, rejected, skeleton};
use super::config::MediaConfig;
use super::model::{MediaDescription, Origin, SessionDescription, Timing};
use super::negotiated::{
    Answer, NegotiatedMedia, Settled, choose_codec, is_live_audio, is_rtp_avp, negotiated, rank,
    remote_ip,
};
use super::refusal::Refusal;

/// Answers an initial offer (a new session, e.g. an INVITE).
///
/// Picks our most preferred codec among those offered, mirrors telephone-event, ptime and
/// direction, accepts the first usable audio stream and rejects every other section with
/// port 0. Refuses (488) when no audio stream can be used.
pub fn answer_offer(offer: &SessionDescription, config: &MediaConfig) -> Result<Answer, Refusal> {
    negotiate(offer, config, our_origin(config), false)
}

/// Parses an offer body and answers it; a malformed body is refused like any other offer.
pub fn answer_offer_bytes(body: &[u8], config: &MediaConfig) -> Result<Answer, Refusal> {
    let offer = SessionDescription::parse_slice(body)?;
    answer_offer(&offer, config)
}

/// Answers a new offer inside an existing session (re-INVITE or UPDATE).
///
/// Keeps the session id of `previous_answer`; the `o=` version goes up by one when the new
/// answer differs from the previous one and stays the same when it does not (RFC 3264 §8).
/// `c=0.0.0.0` is accepted as hold when the address policy allows it in re-offers.
pub fn answer_reoffer(
    offer: &SessionDescription,
    config: &MediaConfig,
    previous_answer: &SessionDescription,
) -> Result<Answer, Refusal> {
    let mut answer = negotiate(offer, config, previous_answer.origin.clone(), true)?;
    if answer.sdp != *previous_answer {
        answer.sdp.origin = previous_answer.origin.next_version();
    }
    Ok(answer)
}

/// The stream we accept: its index and its negotiated parameters.
fn negotiate(
    offer: &SessionDescription,
    config: &MediaConfig,
    origin: Origin,
    reoffer: bool,
) -> Result<Answer, Refusal> {
    let mut refusal = Refusal::NoAudio;
    let mut accepted = None;
    for (i, m) in offer.media.iter().enumerate() {
        if !is_live_audio(m) {
            continue;
        }
        let result = if is_rtp_avp(m) {
            accept_stream(offer, i, m, config, reoffer)
        } else {
            Err(Refusal::UnsupportedTransport)
        };
        match result {
            Ok(media) => {
                accepted = Some(media);
                break;
            }
            Err(r) if rank(&r) > rank(&refusal) => refusal = r,
            Err(_) => {}
        }
    }
    let media = accepted.ok_or(refusal)?;

    // The answer's t= equals the offer's (RFC 3264 §6); an offer without one gets `t=0 0`.
    let timings = match offer.timings.is_empty() {
        true => vec![Timing::default()],
        false => offer.timings.clone(),
    };
    let mut sdp = skeleton(config, origin, timings, offer.media.len());
    for (i, m) in offer.media.iter().enumerate() {
        if i != media.media_index {
            sdp.media.push(rejected(m));
            continue;
        }
        let codecs = [(media.codec, media.payload_type)];
        let te = media
            .telephone_event
            .map(|pt| (pt, media.telephone_event_fmtp.clone()));
        sdp.media.push(audio_section(
            config,
            AudioSpec {
                proto: m.proto.clone(),
                codecs: &codecs,
                telephone_event: te,
                ptime: media.ptime,
                rtcp_mux: media.rtcp_mux,
                direction: media.direction,
            },
        ));
    }
    Ok(Answer { media, sdp })
}

fn accept_stream(
    offer: &SessionDescription,
    index: usize,
    m: &MediaDescription,
    config: &MediaConfig,
    reoffer: bool,
) -> Result<NegotiatedMedia, Refusal> {
    let remote = remote_ip(offer, index, config, reoffer)?;
    let codec = choose_codec(m, config).ok_or(Refusal::NoCommonCodec)?;
    let offered = offer.media_direction(index);
    let settled = Settled {
        index,
        codec,
        remote,
        rtcp_mux: config.rtcp_mux && m.rtcp_mux(),
        peer_holds: matches!(offered, Direction::SendOnly | Direction::Inactive),
    };
    Ok(negotiated(offer, m, config, settled))
}
