/* libFuzzer harness: WAV headers and sample data through the iqfile reader. */
#include "centinela/iqfile.h"
#include "centinela/log.h"

#include <complex.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    log_set_level(LOG_LEVEL_ERROR);
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    iqfile_options o = {.format = IQFILE_FORMAT_WAV};
    iqfile_reader *r = iqfile_open_stream(f, 1, "fuzz.wav", &o);
    if (r) {
        float complex c[97];
        float x[97];
        long n;
        do {
            n = iqfile_get_info(r)->kind == IQFILE_KIND_COMPLEX ? iqfile_read_cf32(r, c, 97)
                                                                 : iqfile_read_real(r, x, 97);
        } while (n > 0);
        iqfile_close(&r);
    }
    return 0;
}
