//! The ADPCM sub-band machinery of G.722 shared by encoder and decoder: the
//! quantisers, the scale factor adaptation (LOGSCL/SCALEL, LOGSCH/SCALEH) and the
//! adaptive pole-zero predictor ("block 4": RECONS, PARREC, UPZERO, UPPOL2, UPPOL1,
//! FILTEZ, FILTEP, PREDIC).
//!
//! Arithmetic follows the spec's 16-bit fixed point exactly; values are held in `i32`
//! and saturated to 16 bits wherever the spec's operators saturate and the range
//! analysis below does not rule it out.

use super::tables::{
    IL_BY_SIGN, INVQBL, NBH_MAX, NBL_MAX, Q2, QQ2, QQ4, QQ4_BY_INTERVAL, SCALE_H, SCALE_L,
    SCALE_L_STEPS, THRESHOLDS_L, WH2, WL_BY_INTERVAL, WL4,
};

/// Saturates to the 16-bit range, as the spec's `add`/`sub`/`shl` operators do.
#[inline(always)]
pub(super) fn sat16(x: i32) -> i32 {
    x.clamp(-32768, 32767)
}

/// The spec's `mult(a, b)`: `(a * b) >> 15` (no operand here is ever -32768 twice).
#[inline(always)]
fn mult(a: i32, b: i32) -> i32 {
    (a * b) >> 15
}

/// `mult(x, 32640)`, i.e. `floor(x * 255 / 256)`, without a multiply.
#[inline(always)]
fn leak8(x: i32) -> i32 {
    x - ((x + 255) >> 8)
}

/// `mult(x, 32512)`, i.e. `floor(x * 127 / 128)`, without a multiply.
#[inline(always)]
fn leak7(x: i32) -> i32 {
    x - ((x + 127) >> 7)
}

/// FILTEZ as the spec computes it: accumulate from B6·D6 down, saturating each step.
#[cold]
#[inline(never)]
fn saturating_sum(terms: &[i32; 6]) -> i32 {
    terms.iter().rev().fold(0, |acc, &t| sat16(acc + t))
}

/// The adaptive predictor of one sub-band (block 4 of G.722).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Predictor {
    /// Signal estimate S = SP + SZ for the next sample.
    pub(super) s: i32,
    /// Zero-section output SZ.
    sz: i32,
    /// Pole coefficients A1, A2.
    a: [i32; 2],
    /// Zero coefficients B1..B6.
    b: [i32; 6],
    /// Past quantised differences D(n-1)..D(n-6).
    d: [i32; 6],
    /// Past partially reconstructed signals P(n-1), P(n-2), unsaturated (only their
    /// signs are used).
    p: [i32; 2],
    /// The last reconstructed signal, doubled with saturation: `sat(R(n-1) << 1)`.
    r_twice: i32,
}

impl Predictor {
    /// Adapts the predictor to the quantised difference `d0` of the current sample and
    /// computes the estimate for the next one; returns the reconstructed signal R(n).
    ///
    /// Ranges (why only some sums saturate): |d0| ≤ 10228, B stays in 16 bits by
    /// construction of UPZERO, |A1| ≤ 27648, |A2| ≤ 12288; R and P are saturated sums.
    #[inline(always)]
    pub(super) fn update(&mut self, d0: i32) -> i32 {
        // PARREC. P(n) only ever matters through its sign, which saturation keeps.
        let p0 = d0 + self.sz;
        let r0 = sat16(self.s + d0); // RECONS
        let r0_twice = sat16(r0 << 1);

        // UPZERO: sign-sign LMS on B1..B6 with leakage 1 - 2^-8:
        // B'(i) = leak(B(i)) ± 128 (0 when D(n) = 0), + when D(n) and D(n-i) agree.
        let nonzero = -i32::from(d0 != 0);
        let mut b = [0i32; 6];
        for (bi, (&old_b, &old_d)) in b.iter_mut().zip(self.b.iter().zip(&self.d)) {
            let differ = (d0 ^ old_d) >> 31; // 0 for equal signs, -1 otherwise
            *bi = leak8(old_b) + (((128 ^ differ) - differ) & nonzero);
        }
        let d = [d0, self.d[0], self.d[1], self.d[2], self.d[3], self.d[4]];

        // UPPOL2, then UPPOL1 (which is limited by the new A2). The spec's
        // `shr(-sat(A1 << 2), 7)` equals `clamp(-A1 >> 5, -256, 255)`.
        let same1 = (p0 ^ self.p[0]) >= 0;
        let same2 = (p0 ^ self.p[1]) >= 0;
        let signed_a1 = if same1 { -self.a[0] } else { self.a[0] };
        let wd2 = (signed_a1 >> 5).clamp(-256, 255);
        let wd3 = if same2 { 128 } else { -128 };
        let a2 = (wd2 + wd3 + leak7(self.a[1])).clamp(-12288, 12288);
        let wd1 = if same1 { 192 } else { -192 };
        let lim = 15360 - a2; // 3072..=27648
        let a1 = (wd1 + leak8(self.a[0])).min(lim).max(-lim);

        // FILTEZ. `mult(D << 1, B)` is `(D * B) >> 14`. When the magnitudes add up to
        // no more than 16 bits no partial sum can saturate and the plain sum is exact;
        // otherwise take the spec's step-by-step path.
        let mut terms = [0i32; 6];
        for ((t, &di), &bi) in terms.iter_mut().zip(&d).zip(&b) {
            *t = (di * bi) >> 14;
        }
        let magnitude: i32 = terms.iter().map(|t| t.abs()).sum();
        let sz = if magnitude <= 32767 {
            terms.iter().sum()
        } else {
            saturating_sum(&terms)
        };
        // FILTEP on the new R(n) and R(n-1), each doubled with saturation.
        let sp = sat16(mult(a1, r0_twice) + mult(a2, self.r_twice));

        self.b = b;
        self.d = d;
        self.a = [a1, a2];
        self.p = [p0, self.p[0]];
        self.r_twice = r0_twice;
        self.sz = sz;
        self.s = sat16(sp + sz); // PREDIC
        r0
    }
}

/// Lower sub-band ADPCM state: predictor plus quantiser scale.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct LowBand {
    pred: Predictor,
    /// Log scale factor NBL (0..=18432).
    nb: i32,
}

impl LowBand {
    /// The scale factor step `NBL >> 6` (0..=288), the index of DETL's tables.
    #[inline(always)]
    fn step(&self) -> usize {
        ((self.nb >> 6) as usize).min(SCALE_L_STEPS - 1)
    }

    /// The quantiser scale factor DETL (SCALEL).
    #[inline(always)]
    fn det(&self) -> i32 {
        SCALE_L[self.step()]
    }

    /// Adapts the scale factor and predictor to the 6-bit code `il`.
    #[inline(always)]
    fn adapt(&mut self, il: usize, det: i32) {
        let il4 = (il >> 2) & 15;
        let dlt = mult(det, QQ4[il4]); // INVQAL
        self.nb = (leak7(self.nb) + WL4[il4]).clamp(0, NBL_MAX); // LOGSCL
        self.pred.update(dlt);
    }

    /// Encodes one lower sub-band sample `xl` to its 6-bit code (SUBTRA, QUANTL).
    #[inline(always)]
    pub(super) fn encode(&mut self, xl: i32) -> u8 {
        // SUBTRA. Saturating EL would not change the outcome: the largest decision
        // level is far below 2^15, so clamping the magnitude is enough.
        let el = xl - self.pred.s;
        let magnitude = (el ^ (el >> 31)).min(32767) as i16;
        // The thresholds ascend, so the levels at or below the magnitude form a run of
        // ones from bit 0: its length is the interval number.
        let row = &THRESHOLDS_L[self.step()];
        let mut mask = 0u32;
        for (i, &t) in row.iter().enumerate() {
            mask |= u32::from(t <= magnitude) << i;
        }
        let mil = (mask.trailing_ones() as usize).min(30);
        let sign = usize::from(el >= 0);
        let dlt = mult(self.det(), QQ4_BY_INTERVAL[sign][mil]); // INVQAL
        self.nb = (leak7(self.nb) + WL_BY_INTERVAL[mil]).clamp(0, NBL_MAX); // LOGSCL
        self.pred.update(dlt);
        IL_BY_SIGN[sign][mil]
    }

    /// Decodes the 6-bit code `il`; `mode` selects the inverse quantiser (0: 6 bits,
    /// 1: 5 bits, 2: 4 bits). Returns the reconstructed sample, limited to 15 bits.
    #[inline(always)]
    pub(super) fn decode(&mut self, il: usize, mode: usize) -> i32 {
        let det = self.det();
        let table = &INVQBL[mode.min(2)];
        let dl = mult(det, table[il & 63]); // INVQBL
        let rl = self.pred.s + dl; // RECONS; LIMIT below makes its saturation moot
        self.adapt(il, det);
        rl.clamp(-16384, 16383) // LIMIT
    }
}

/// Higher sub-band ADPCM state: predictor plus quantiser scale.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct HighBand {
    pred: Predictor,
    /// Log scale factor NBH (0..=22528).
    nb: i32,
}

impl HighBand {
    /// The quantiser scale factor DETH (SCALEH).
    #[inline(always)]
    fn det(&self) -> i32 {
        SCALE_H[(self.nb >> 6) as usize & 511]
    }

    /// Adapts to the 2-bit code `ih`; returns the reconstructed signal RH.
    #[inline(always)]
    fn adapt(&mut self, ih: usize, det: i32) -> i32 {
        let ih = ih & 3;
        let dh = mult(QQ2[ih], det); // INVQAH
        self.nb = (leak7(self.nb) + WH2[ih]).clamp(0, NBH_MAX); // LOGSCH
        self.pred.update(dh)
    }

    /// Encodes one higher sub-band sample `xh` to its 2-bit code (SUBTRA, QUANTH).
    #[inline(always)]
    pub(super) fn encode(&mut self, xh: i32) -> u8 {
        let det = self.det();
        // SUBTRA, unsaturated: the decision level is far below 2^15 (see QUANTL).
        let eh = xh - self.pred.s;
        let magnitude = eh ^ (eh >> 31);
        let outer = magnitude >= mult(Q2, det);
        // Negative: 1 (inner) / 0 (outer); positive: 3 (inner) / 2 (outer).
        let ih = (u8::from(eh >= 0) << 1) | u8::from(!outer);
        self.adapt(usize::from(ih), det);
        ih
    }

    /// Decodes the 2-bit code `ih`; returns the reconstructed sample, limited to 15 bits.
    #[inline(always)]
    pub(super) fn decode(&mut self, ih: usize) -> i32 {
        let det = self.det();
        self.adapt(ih, det).clamp(-16384, 16383)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_state_matches_the_spec() {
        let low = LowBand::default();
        let high = HighBand::default();
        assert_eq!((low.det(), low.nb, low.pred.s), (32, 0, 0));
        assert_eq!((high.det(), high.nb, high.pred.s), (8, 0, 0));
    }

    #[test]
    fn silence_stays_near_silence() {
        let mut low = LowBand::default();
        let mut high = HighBand::default();
        let mut low_dec = LowBand::default();
        let mut high_dec = HighBand::default();
        for _ in 0..1000 {
            let il = low.encode(0);
            let ih = high.encode(0);
            // The reconstruction of silence stays within a few LSBs of zero.
            assert!(low_dec.decode(usize::from(il), 0).abs() <= 16);
            assert!(high_dec.decode(usize::from(ih)).abs() <= 16);
        }
        // The idle channel keeps a small, bounded scale.
        assert!(low.nb < NBL_MAX / 4 && high.nb < NBH_MAX / 4);
    }

    #[test]
    fn decoder_tracks_encoder_state() {
        // Feeding the encoder's codes to a decoder keeps both in lock step.
        let mut enc = LowBand::default();
        let mut dec = LowBand::default();
        let mut henc = HighBand::default();
        let mut hdec = HighBand::default();
        for n in 0..4000i32 {
            let x = ((n * 7919) % 20000) - 10000;
            let il = enc.encode(x);
            dec.decode(usize::from(il), 0);
            let ih = henc.encode(x / 3);
            hdec.decode(usize::from(ih));
            assert_eq!(enc, dec);
            assert_eq!(henc, hdec);
        }
    }

    #[test]
    fn extreme_inputs_stay_in_range() {
        let mut low = LowBand::default();
        let mut high = HighBand::default();
        for n in 0..20000 {
            let x = if (n / 3) % 2 == 0 { 16383 } else { -16384 };
            low.encode(x);
            high.encode(-x);
            assert!((0..=NBL_MAX).contains(&low.nb));
            assert!((0..=NBH_MAX).contains(&high.nb));
            assert!(low.pred.a[0].abs() <= 27648 && low.pred.a[1].abs() <= 12288);
        }
        let mut dec = LowBand::default();
        for n in 0..20000usize {
            let y = dec.decode((n * 37) % 64, n % 3);
            assert!((-16384..=16383).contains(&y));
        }
    }
}
