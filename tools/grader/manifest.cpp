/// @file manifest.cpp
/// @brief Loading and checking lab.json, and the SHA-256 that identifies a manifest in a submission.
#include "manifest.hpp"

#include <array>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace ws_grade {

namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw std::runtime_error(file.string() + ": " + what);
}

const json& member(const std::filesystem::path& file, const json& object, const char* key, json::value_t type,
           const std::string& where) {
  if (!object.contains(key)) fail(file, where + " has no \"" + key + "\"");
  const json& v = object.at(key);
  const bool ok = type == json::value_t::number_float ? v.is_number() : v.type() == type;
  if (!ok) fail(file, where + ": \"" + key + "\" has the wrong type (" + v.type_name() + ")");
  return v;
}

double time_limit(const std::filesystem::path& file, const json& object, double fallback, const std::string& where) {
  if (!object.contains("time_limit_seconds")) return fallback;
  const double t = member(file, object, "time_limit_seconds", json::value_t::number_float, where).get<double>();
  if (!(t > 0 && t <= 3600)) fail(file, where + ": time_limit_seconds must be in (0, 3600]");
  return t;
}

/// A submitted file is one plain name in the lab's folder: no folders, no dot files, nothing a shell or tar treats
/// specially.
bool safe_file_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

double manifest::test_points() const {
  double sum = 0;
  for (const manifest_test& t : tests) sum += t.points;
  return sum;
}

double manifest::perf_points() const {
  double sum = 0;
  for (const manifest_perf_case& c : perf) sum += c.points;
  return sum;
}

manifest load_manifest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, "cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  json doc;
  try {
    doc = json::parse(bytes);
  } catch (const json::parse_error& e) {
    fail(file, std::string("is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) fail(file, "must hold a JSON object");

  manifest m;
  m.sha256 = sha256_hex(bytes);
  m.lab = member(file, doc, "lab", json::value_t::string, "the manifest").get<std::string>();
  m.title = member(file, doc, "title", json::value_t::string, "the manifest").get<std::string>();
  const double default_limit = time_limit(file, doc, 60, "the manifest");

  std::set<std::string> seen;
  for (const json& f : member(file, doc, "files", json::value_t::array, "the manifest")) {
    if (!f.is_string() || !safe_file_name(f.get<std::string>()))
      fail(file, "\"files\" must be plain file names (letters, digits, _ - .), got " + f.dump());
    if (f.get<std::string>() == "submission.json") fail(file, "\"submission.json\" is the grader's own file");
    if (!seen.insert(f.get<std::string>()).second) fail(file, "\"files\" lists " + f.dump() + " twice");
    m.files.push_back(f.get<std::string>());
  }
  if (m.files.empty()) fail(file, "\"files\" is empty: a learner must submit something");

  if (doc.contains("libraries")) {
    // The vocabulary of cmake/WsLab.cmake. Only cublas changes what the sandbox lets a submission load.
    const std::set<std::string> known{"openmp", "openblas", "cublas", "cub", "thrust"};
    for (const json& l : member(file, doc, "libraries", json::value_t::array, "the manifest")) {
      if (!l.is_string() || !known.contains(l.get<std::string>()))
        fail(file, "\"libraries\" may name: openmp, openblas, cublas, cub, thrust, got " + l.dump());
      m.libraries.push_back(l.get<std::string>());
    }
  }

  const std::set<std::string> visibilities{"visible", "hidden", "after_due_date", "after_published"};
  std::set<std::string> names;
  for (const json& t : member(file, doc, "tests", json::value_t::array, "the manifest")) {
    if (!t.is_object()) fail(file, "every entry of \"tests\" must be an object");
    manifest_test test;
    test.name = member(file, t, "name", json::value_t::string, "a test").get<std::string>();
    const std::string where = "test \"" + test.name + "\"";
    test.kind = member(file, t, "kind", json::value_t::string, where).get<std::string>();
    if (test.kind != "gpu" && test.kind != "cpu") fail(file, where + ": kind must be \"gpu\" or \"cpu\"");
    test.points = member(file, t, "points", json::value_t::number_float, where).get<double>();
    if (!(test.points >= 0)) fail(file, where + ": points must be >= 0");
    test.visibility = member(file, t, "visibility", json::value_t::string, where).get<std::string>();
    if (!visibilities.contains(test.visibility))
      fail(file, where + ": visibility must be visible, hidden, after_due_date or after_published");
    test.time_limit_seconds = time_limit(file, t, default_limit, where);
    if (!names.insert(test.name).second) fail(file, where + " is listed twice");
    m.tests.push_back(test);
  }
  if (m.tests.empty()) fail(file, "\"tests\" is empty");

  if (doc.contains("performance")) {
    const json& perf = member(file, doc, "performance", json::value_t::object, "the manifest");
    for (const json& c : member(file, perf, "cases", json::value_t::array, "\"performance\"")) {
      if (!c.is_object()) fail(file, "every performance case must be an object");
      manifest_perf_case pc;
      pc.name = member(file, c, "case", json::value_t::string, "a performance case").get<std::string>();
      const std::string where = "performance case \"" + pc.name + "\"";
      pc.points = member(file, c, "points", json::value_t::number_float, where).get<double>();
      if (!(pc.points >= 0)) fail(file, where + ": points must be >= 0");
      for (const json& r : member(file, c, "requires", json::value_t::array, where)) {
        if (!r.is_string() || !names.contains(r.get<std::string>()))
          fail(file, where + ": \"requires\" names " + r.dump() + ", which is not a test of this lab");
        pc.requires_passed.push_back(r.get<std::string>());
      }
      m.perf.push_back(pc);
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4), small and slow enough for a few kilobytes.

namespace {

constexpr std::array<std::uint32_t, 64> k_round{
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  std::array<std::uint32_t, 8> h{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg = bytes;
  const std::uint64_t bit_length = static_cast<std::uint64_t>(bytes.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bit_length >> (8 * i)) & 0xff));

  for (std::size_t block = 0; block < msg.size(); block += 64) {
    std::array<std::uint32_t, 64> w{};
    for (int i = 0; i < 16; ++i) {
      for (int b = 0; b < 4; ++b) {
        w[i] = (w[i] << 8) | static_cast<unsigned char>(msg[block + 4 * static_cast<std::size_t>(i) + b]);
      }
    }
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::array<std::uint32_t, 8> v = h;
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
      const std::uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      const std::uint32_t t1 = v[7] + s1 + ch + k_round[i] + w[i];
      const std::uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
      const std::uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      const std::uint32_t t2 = s0 + maj;
      v = {t1 + t2, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
    }
    for (int i = 0; i < 8; ++i) h[i] += v[i];
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (const std::uint32_t word : h) {
    for (int shift = 28; shift >= 0; shift -= 4) out.push_back(hex[(word >> shift) & 0xf]);
  }
  return out;
}

}  // namespace ws_grade
