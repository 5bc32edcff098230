//! The offerer (RFC 3264 §5, §7): our offers for outbound calls and the answers to them.

use super::attribute::Direction;
use super::build::{AudioSpec, audio_section, our_origin, skeleton};
use super::config::{AudioCodec, MediaConfig};
use super::model::{Origin, SessionDescription, Timing};
use super::negotiated::{NegotiatedMedia, Settled, codec_of, is_live_audio, negotiated, remote_ip};
use super::refusal::Refusal;
use super::text::Text;

/// The telephone-event events we offer: DTMF 0-9 * # A-D and flash (RFC 4733).
pub const TELEPHONE_EVENTS: &str = "0-16";

/// Our offer for a new outbound call: every configured codec in preference order,
/// telephone-event with `fmtp 0-16`, our ptime, sendrecv.
pub fn build_offer(config: &MediaConfig) -> SessionDescription {
    offer_with(config, our_origin(config), Direction::SendRecv)
}

/// A new offer inside an existing session (re-INVITE/UPDATE), e.g. `SendOnly` to put the
/// peer on hold and `SendRecv` to resume: same session id, version one above `previous`
/// (the `o=` of the last description we sent).
pub fn build_reoffer(
    config: &MediaConfig,
    previous: &Origin,
    direction: Direction,
) -> SessionDescription {
    offer_with(config, previous.next_version(), direction)
}

fn offer_with(config: &MediaConfig, origin: Origin, direction: Direction) -> SessionDescription {
    let list = config.codec_list();
    let mut pairs = [(AudioCodec::G722, 0); 3];
    for (pair, &codec) in pairs.iter_mut().zip(list.as_slice()) {
        *pair = (codec, codec.static_payload_type());
    }
    let codecs = pairs.get(..list.as_slice().len()).unwrap_or_default();
    let dtmf = config
        .dtmf_payload_type
        .filter(|pt| !codecs.iter().any(|&(_, p)| p == *pt))
        .map(|pt| (pt, Some(Text::from_static(TELEPHONE_EVENTS))));
    let mut sdp = skeleton(config, origin, vec![Timing::default()], 1);
    sdp.media.push(audio_section(
        config,
        AudioSpec {
            proto: Text::from_static("RTP/AVP"),
            codecs,
            telephone_event: dtmf,
            ptime: config.ptime,
            rtcp_mux: false,
            direction,
        },
    ));
    sdp
}

/// Applies the answer to our initial offer: the negotiated media, or why it is unusable
/// (e.g. the answer picked no codec we offered, or rejected the audio stream).
pub fn apply_answer(
    offer: &SessionDescription,
    answer: &SessionDescription,
    config: &MediaConfig,
) -> Result<NegotiatedMedia, Refusal> {
    apply(offer, answer, config, false)
}

/// Applies the answer to a re-offer within an existing session (`c=0.0.0.0` may mean hold).
pub fn apply_reanswer(
    offer: &SessionDescription,
    answer: &SessionDescription,
    config: &MediaConfig,
) -> Result<NegotiatedMedia, Refusal> {
    apply(offer, answer, config, true)
}

fn apply(
    offer: &SessionDescription,
    answer: &SessionDescription,
    config: &MediaConfig,
    reoffer: bool,
) -> Result<NegotiatedMedia, Refusal> {
    if answer.media.len() != offer.media.len() {
        return Err(Refusal::MediaMismatch);
    }
    let index = offer
        .media
        .iter()
        .position(is_live_audio)
        .ok_or(Refusal::NoAudio)?;
    let (ours, theirs) = match (offer.media.get(index), answer.media.get(index)) {
        (Some(o), Some(a)) if is_live_audio(a) => (o, a),
        _ => return Err(Refusal::NoAudio),
    };
    if !theirs
        .proto
        .as_bytes()
        .eq_ignore_ascii_case(ours.proto.as_bytes())
    {
        return Err(Refusal::UnsupportedTransport);
    }
    let allowed = config.codec_list();
    let (codec, payload_type) = theirs
        .payload_types()
        .filter(|&pt| ours.payload_types().any(|offered| offered == pt))
        .find_map(|pt| {
            let c = codec_of(theirs, pt).or_else(|| codec_of(ours, pt))?;
            allowed.as_slice().contains(&c).then_some((c, pt))
        })
        .ok_or(Refusal::NoCommonCodec)?;
    let remote = remote_ip(answer, index, config, reoffer)?;
    // Hold: the peer will not receive what we offered to send (or answered c=0.0.0.0).
    let we_offered_to_send = offer.media_direction(index).sends();
    let settled = Settled {
        index,
        codec: (codec, payload_type),
        remote,
        rtcp_mux: config.rtcp_mux && ours.rtcp_mux() && theirs.rtcp_mux(),
        peer_holds: we_offered_to_send && !answer.media_direction(index).receives(),
    };
    Ok(negotiated(answer, theirs, config, settled))
}
