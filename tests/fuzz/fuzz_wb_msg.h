/*  The fuzz input format shared by the fuzz target and the corpus maker:
    frames:u8, then for each frame size:u16 big-endian and its bytes. */
#ifndef FUZZ_WB_MSG_H_INCLUDED
#define FUZZ_WB_MSG_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#endif
