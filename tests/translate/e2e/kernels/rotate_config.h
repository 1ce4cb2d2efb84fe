/// @file rotate_config.h
/// @brief Plain C++ included by a translated header: it needs no rewrite, so it is read where it is.
#pragma once

/// Threads per block of rotate_kernel.
constexpr int k_rotate_block = 50;
