/// @file
/// @brief The race checker's side of the runtime (src/race_report.cpp, built into ws_cudacpu_races only): what it
///        must be told so that a ThreadSanitizer data-race report can be followed by one line in CUDA's terms.
#pragma once

#include "cudacpu/types.h"

namespace cudacpu::detail {

/// Races mode: names the calling fiber, for ThreadSanitizer, after the CUDA thread it starts running
/// ("block (x,y,z) thread (x,y,z)"). Called when a CUDA thread starts: each thread of a block has its own fiber
/// there (no reuse within a block), so a report's thread names which CUDA thread made each access.
void name_race_fiber(const uint3& block, const uint3& thread);

}  // namespace cudacpu::detail
