// Hardware CRC-32C: the x86 CRC32 instruction computes exactly the Castagnoli CRC that
// every Trove checksum uses, several times faster than the table-driven Swift version
// (which stays as the fallback on CPUs without SSE4.2 and on other architectures).
#include "trove_crc32c.h"
#include <string.h>

#if defined(__x86_64__)

int trove_crc32c_hw_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2")))
uint32_t trove_crc32c_hw(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = (uint32_t)~crc;
    while (length >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = __builtin_ia32_crc32di(c, w);
        p += 8;
        length -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (length > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p++);
        length--;
    }
    return ~c32;
}

#else

int trove_crc32c_hw_available(void) { return 0; }
uint32_t trove_crc32c_hw(uint32_t crc, const void *data, size_t length) { (void)data; (void)length; return crc; }

#endif
