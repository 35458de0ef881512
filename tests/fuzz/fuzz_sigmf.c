/* libFuzzer harness: SigMF metadata (JSON) parsing. */
#include "centinela/iqfile.h"
#include "centinela/log.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    log_set_level(LOG_LEVEL_ERROR);
    iqfile_sigmf_meta m;
    (void)iqfile_sigmf_parse_meta((const char *)data, size, &m);
    return 0;
}
