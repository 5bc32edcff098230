//! ITU-T G.711 µ-law and A-law companding, bit-exact with the ITU-T G.191 reference.
//!
//! G.711 works on 14-bit (µ-law) and 13-bit (A-law) linear samples; a 16-bit sample
//! is reduced by truncation, not rounding, as the ITU-T G.191 software tools do: a
//! negative sample's magnitude is taken as its one's complement (`!s`, i.e. `-s - 1`)
//! before the low bits are dropped, which makes the quantiser exactly symmetric for
//! a 16-bit sample read as the interval `[s, s + 1)`. Decoding yields the 16-bit value
//! at the centre of the code word's interval (µ-law: ±32124 at most, A-law: ±32256).
//!
//! The conversions are table lookups; the tables are computed at compile time from
//! the segment rules of G.711 (tables 1a/2a), not copied from anywhere.

/// µ-law code word for each 14-bit magnitude (sign bit clear).
static ULAW_ENCODE: [u8; 8192] = ulaw_encode_table();
/// A-law code word (even bits already inverted, sign bit clear) for each 12-bit magnitude.
static ALAW_ENCODE: [u8; 2048] = alaw_encode_table();
/// Linear value of each µ-law code word.
static ULAW_DECODE: [i16; 256] = ulaw_decode_table();
/// Linear value of each A-law code word.
static ALAW_DECODE: [i16; 256] = alaw_decode_table();

/// Bit length of `v` (0 for 0).
const fn bit_length(v: u32) -> u32 {
    32 - v.leading_zeros()
}

const fn ulaw_encode_table() -> [u8; 8192] {
    let mut t = [0u8; 8192];
    let mut m = 0;
    while m < 8192 {
        // Bias by 33 so that segment boundaries fall on powers of two.
        let mut biased = m as u32 + 33;
        if biased > 0x1FFF {
            biased = 0x1FFF;
        }
        let segment = 1 + bit_length(biased >> 6); // 1..=8
        let high = 8 - segment;
        let low = 15 - ((biased >> segment) & 15);
        t[m] = ((high << 4) | low) as u8;
        m += 1;
    }
    t
}

const fn alaw_encode_table() -> [u8; 2048] {
    let mut t = [0u8; 2048];
    let mut m = 0;
    while m < 2048 {
        let mut v = m as u32;
        if v > 15 {
            let mut exponent = 1;
            while v > 31 {
                v >>= 1;
                exponent += 1;
            }
            v = (v - 16) + (exponent << 4);
        }
        t[m] = (v as u8) ^ 0x55;
        m += 1;
    }
    t
}

const fn ulaw_decode_table() -> [i16; 256] {
    let mut t = [0i16; 256];
    let mut code = 0;
    while code < 256 {
        let inverted = !(code as u32) & 0xFF;
        let exponent = (inverted >> 4) & 7;
        let mantissa = (inverted & 15) as i32;
        let step = 8i32 << exponent;
        let magnitude = (0x80i32 << exponent) + step * mantissa + step / 2 - 4 * 33;
        t[code] = if code < 0x80 { -magnitude } else { magnitude } as i16;
        code += 1;
    }
    t
}

const fn alaw_decode_table() -> [i16; 256] {
    let mut t = [0i16; 256];
    let mut code = 0;
    while code < 256 {
        let v = (code as u32 ^ 0x55) & 0x7F;
        let exponent = v >> 4;
        let mut mantissa = (v & 15) as i32;
        if exponent > 0 {
            mantissa += 16;
        }
        mantissa = (mantissa << 4) + 8;
        if exponent > 1 {
            mantissa <<= exponent - 1;
        }
        t[code] = if code > 127 { mantissa } else { -mantissa } as i16;
        code += 1;
    }
    t
}

/// Sign bit of a G.711 code word: set for samples ≥ 0.
#[inline(always)]
fn sign_bit(s: i32) -> u8 {
    ((!s >> 31) & 0x80) as u8
}

/// One's complement magnitude: `s` for `s >= 0`, `-s - 1` otherwise (0..=32767).
#[inline(always)]
fn magnitude(s: i32) -> i32 {
    s ^ (s >> 31)
}

/// Encodes one 16-bit linear sample to a µ-law code word (ITU-T G.711, truncating).
#[inline]
pub fn linear_to_ulaw(s: i16) -> u8 {
    let s = i32::from(s);
    ULAW_ENCODE[(magnitude(s) >> 2) as usize & 8191] | sign_bit(s)
}

/// Decodes one µ-law code word to a 16-bit linear sample.
#[inline]
pub fn ulaw_to_linear(u: u8) -> i16 {
    ULAW_DECODE[usize::from(u)]
}

/// Encodes one 16-bit linear sample to an A-law code word (ITU-T G.711, truncating).
#[inline]
pub fn linear_to_alaw(s: i16) -> u8 {
    let s = i32::from(s);
    ALAW_ENCODE[(magnitude(s) >> 4) as usize & 2047] | sign_bit(s)
}

/// Decodes one A-law code word to a 16-bit linear sample.
#[inline]
pub fn alaw_to_linear(a: u8) -> i16 {
    ALAW_DECODE[usize::from(a)]
}

/// Encodes `pcm` to µ-law into `out`; returns the number of bytes written,
/// `min(pcm.len(), out.len())`.
pub fn encode_ulaw(pcm: &[i16], out: &mut [u8]) -> usize {
    let n = pcm.len().min(out.len());
    for (o, &s) in out[..n].iter_mut().zip(&pcm[..n]) {
        *o = linear_to_ulaw(s);
    }
    n
}

/// Decodes µ-law `payload` into `out`; returns the number of samples written,
/// `min(payload.len(), out.len())`.
pub fn decode_ulaw(payload: &[u8], out: &mut [i16]) -> usize {
    let n = payload.len().min(out.len());
    for (o, &u) in out[..n].iter_mut().zip(&payload[..n]) {
        *o = ulaw_to_linear(u);
    }
    n
}

/// Encodes `pcm` to A-law into `out`; returns the number of bytes written,
/// `min(pcm.len(), out.len())`.
pub fn encode_alaw(pcm: &[i16], out: &mut [u8]) -> usize {
    let n = pcm.len().min(out.len());
    for (o, &s) in out[..n].iter_mut().zip(&pcm[..n]) {
        *o = linear_to_alaw(s);
    }
    n
}

/// Decodes A-law `payload` into `out`; returns the number of samples written,
/// `min(payload.len(), out.len())`.
pub fn decode_alaw(payload: &[u8], out: &mut [i16]) -> usize {
    let n = payload.len().min(out.len());
    for (o, &a) in out[..n].iter_mut().zip(&payload[..n]) {
        *o = alaw_to_linear(a);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_code_words() {
        // Silence: µ-law 0xFF (+0) / 0x7F (-0), A-law 0xD5 / 0x55.
        assert_eq!(linear_to_ulaw(0), 0xFF);
        assert_eq!(linear_to_ulaw(-1), 0x7F);
        assert_eq!(linear_to_alaw(0), 0xD5);
        assert_eq!(linear_to_alaw(-1), 0x55);
        assert_eq!(ulaw_to_linear(0xFF), 0);
        assert_eq!(ulaw_to_linear(0x7F), 0);
        assert_eq!(ulaw_to_linear(0x80), 32124);
        assert_eq!(ulaw_to_linear(0x00), -32124);
        assert_eq!(alaw_to_linear(0xD5), 8);
        assert_eq!(alaw_to_linear(0x55), -8);
        assert_eq!(alaw_to_linear(0xAA), 32256);
        assert_eq!(alaw_to_linear(0x2A), -32256);
        // Full scale.
        assert_eq!(linear_to_ulaw(i16::MAX), 0x80);
        assert_eq!(linear_to_ulaw(i16::MIN), 0x00);
        assert_eq!(linear_to_alaw(i16::MAX), 0xAA);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2A);
    }

    #[test]
    fn decode_then_encode_is_identity_except_negative_zero() {
        for code in 0..=255u8 {
            let u = linear_to_ulaw(ulaw_to_linear(code));
            let expected_u = if code == 0x7F { 0xFF } else { code };
            assert_eq!(u, expected_u, "µ-law {code:#04x}");
            assert_eq!(
                linear_to_alaw(alaw_to_linear(code)),
                code,
                "A-law {code:#04x}"
            );
        }
    }

    #[test]
    fn encoding_is_monotonic() {
        // Code words ordered by the value they decode to never go backwards as the
        // input rises.
        let mut last_u = i16::MIN;
        let mut last_a = i16::MIN;
        for s in i16::MIN..=i16::MAX {
            let u = ulaw_to_linear(linear_to_ulaw(s));
            let a = alaw_to_linear(linear_to_alaw(s));
            assert!(u >= last_u && a >= last_a, "at {s}");
            last_u = u;
            last_a = a;
        }
    }

    #[test]
    fn slice_helpers_stop_at_the_shorter_buffer() {
        let pcm = [0i16, 1000, -1000, 32767];
        let mut out = [0u8; 3];
        assert_eq!(encode_ulaw(&pcm, &mut out), 3);
        assert_eq!(out, [0xFF, linear_to_ulaw(1000), linear_to_ulaw(-1000)]);
        let mut back = [0i16; 2];
        assert_eq!(decode_alaw(&[0xD5, 0x55, 0xAA], &mut back), 2);
        assert_eq!(back, [8, -8]);
        assert_eq!(encode_alaw(&pcm, &mut []), 0);
        assert_eq!(decode_ulaw(&[], &mut back), 0);
    }
}
