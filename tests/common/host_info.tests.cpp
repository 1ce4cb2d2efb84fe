/// @file host_info.tests.cpp
/// @brief Tests of query_host on the machine running the tests.
#include <catch2/catch.hpp>

#include <thread>

#include "ws/host_info.hpp"

TEST_CASE("query_host reports the cores, memory and operating system of this machine", "[common][host_info]") {
    const ws::host_info h = ws::query_host();
    INFO(h.cpu_model << ", " << h.logical_cores << " threads, " << h.physical_cores << " cores, "
                     << h.total_memory_bytes << " bytes, " << h.os);
    CHECK(h.logical_cores == std::thread::hardware_concurrency());
    CHECK_FALSE(h.cpu_model.empty());
#if defined(__linux__)
    CHECK(h.total_memory_bytes > 0);
    CHECK(h.os.rfind("Linux ", 0) == 0);
    CHECK(h.physical_cores <= h.logical_cores);
#endif
}

TEST_CASE("host info converts to a JSON object with every field", "[common][host_info]") {
    const auto j = ws::to_json(ws::query_host());
    for (const char* key : {"cpu_model", "logical_cores", "physical_cores", "total_memory_bytes", "os"}) {
        CHECK(j.find(key) != nullptr);
    }
}
