#ifndef TROVE_CRC32C_H
#define TROVE_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// Nonzero when this CPU has the SSE4.2 CRC32 instruction.
int trove_crc32c_hw_available(void);

/// CRC-32C of `length` bytes continuing from the finished checksum `crc` (0 to start),
/// with the CRC32 instruction. Call only when trove_crc32c_hw_available() is nonzero.
uint32_t trove_crc32c_hw(uint32_t crc, const void *data, size_t length);

#endif
