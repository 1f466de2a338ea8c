#include "trove_crc32c.h"
#include "trove_blas.h"
#include "trove_scan.h"
#include "trove_encoder.h"
