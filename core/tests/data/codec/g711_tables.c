/* Writes the ITU-T G.191 G.711 tables used by core/tests/codec_g711.rs.
 * Link with g711.c of the ITU-T Software Tool Library (openitu/STL,
 * src/g711/g711.c), which provides the four functions below:
 *   gcc -O2 -o g711_tables g711_tables.c STL/src/g711/g711.c && ./g711_tables
 * Output: g711_{ulaw,alaw}_encode.u8 (65 536 code words for the inputs
 * -32768..32767 in order) and stl_{ulaw,alaw}_decode.s16 (256 s16le values). */
#include <stdio.h>
void alaw_compress(long, short *, short *);
void alaw_expand(long, short *, short *);
void ulaw_compress(long, short *, short *);
void ulaw_expand(long, short *, short *);
static short lin[65536], codes[65536], words[256], dec[256];
static void put8(const char *p, const short *v, int n)
{
    FILE *f = fopen(p, "wb");
    for (int i = 0; i < n; i++) fputc(v[i] & 0xff, f);
    fclose(f);
}
static void put16(const char *p, const short *v, int n)
{
    FILE *f = fopen(p, "wb");
    fwrite(v, 2, n, f);
    fclose(f);
}
int main(void)
{
    for (int i = 0; i < 65536; i++) lin[i] = (short)(i - 32768);
    for (int i = 0; i < 256; i++) words[i] = (short)i;
    ulaw_compress(65536, lin, codes); put8("g711_ulaw_encode.u8", codes, 65536);
    alaw_compress(65536, lin, codes); put8("g711_alaw_encode.u8", codes, 65536);
    ulaw_expand(256, words, dec); put16("stl_ulaw_decode.s16", dec, 256);
    alaw_expand(256, words, dec); put16("stl_alaw_decode.s16", dec, 256);
    return 0;
}
