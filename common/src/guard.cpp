/// @file guard.cpp
/// @brief Guard-band checking shared by the host `guarded_buffer` and the device `device_guarded_buffer`.
#include "ws/guard.hpp"

namespace ws {

namespace {

bool element_changed(const unsigned char* p, std::size_t elem_size) {
    for (std::size_t b = 0; b < elem_size; ++b) {
        if (p[b] != guard_byte) return true;
    }
    return false;
}

}  // namespace

guard_status check_guard_bytes(std::span<const unsigned char> front, std::span<const unsigned char> back,
                               std::size_t elem_size, std::size_t n) {
    guard_status s;
    s.elem_size = elem_size == 0 ? 1 : elem_size;
    s.guard_elements = front.size() / s.elem_size;
    s.n = n;
    // Front band: walk away from the data, so the first hit is the nearest (the likely off-by-one).
    const std::size_t front_elems = front.size() / s.elem_size;
    for (std::size_t d = 1; d <= front_elems; ++d) {
        if (element_changed(front.data() + (front_elems - d) * s.elem_size, s.elem_size)) {
            if (s.front_clobbered++ == 0) s.front_nearest = d;
        }
    }
    const std::size_t back_elems = back.size() / s.elem_size;
    for (std::size_t j = 0; j < back_elems; ++j) {
        if (element_changed(back.data() + j * s.elem_size, s.elem_size)) {
            if (s.back_clobbered++ == 0) s.back_nearest = j;
        }
    }
    return s;
}

std::string guard_status::report() const {
    const std::string of = " of " + std::to_string(guard_elements) + " elements overwritten, nearest at data[";
    std::string s = "front guard ";
    s += front_clobbered == 0 ? "intact"
                              : "clobbered: " + std::to_string(front_clobbered) + of + "-" +
                                    std::to_string(front_nearest) + "]";
    s += "; back guard ";
    s += back_clobbered == 0 ? "intact"
                             : "clobbered: " + std::to_string(back_clobbered) + of + std::to_string(n + back_nearest) +
                                   "] (n = " + std::to_string(n) + ")";
    return s;
}

}  // namespace ws
