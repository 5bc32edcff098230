/* Cross-check: the same tables from spandsp's G.711 (libspandsp-dev 0.0.6).
 *   gcc -O2 -o g711_spandsp g711_spandsp.c -lspandsp && ./g711_spandsp
 * Output: spandsp_{ulaw,alaw}_encode.u8 and spandsp_{ulaw,alaw}_decode.s16. */
#include <stdio.h>
#include <stdint.h>
#include <spandsp.h>
int main(void)
{
    static int16_t lin[65536], dec[256];
    static uint8_t codes[65536], words[256];
    const char *names[2] = {"ulaw", "alaw"};
    int modes[2] = {G711_ULAW, G711_ALAW};
    for (int i = 0; i < 65536; i++) lin[i] = (int16_t)(i - 32768);
    for (int i = 0; i < 256; i++) words[i] = (uint8_t)i;
    for (int m = 0; m < 2; m++) {
        char path[64];
        g711_state_t *s = g711_init(NULL, modes[m]);
        int n = g711_encode(s, codes, lin, 65536);
        snprintf(path, sizeof path, "spandsp_%s_encode.u8", names[m]);
        FILE *f = fopen(path, "wb"); fwrite(codes, 1, n, f); fclose(f);
        n = g711_decode(s, dec, words, 256);
        snprintf(path, sizeof path, "spandsp_%s_decode.s16", names[m]);
        f = fopen(path, "wb"); fwrite(dec, 2, n, f); fclose(f);
        g711_free(s);
    }
    return 0;
}
