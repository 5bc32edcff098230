//! Audio codecs: G.711 µ-law and A-law, G.722 SB-ADPCM at 64 kbit/s.
