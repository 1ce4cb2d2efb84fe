/// @file archive.tests.cpp
/// @brief The submission reader against hostile archives and folders; the writer's round trip and no-overwrite rule.
///
/// Hostile archives are built here with a small ustar writer of our own and zlib, not with the code under test: the
/// writer must be able to produce exactly what the reader has to refuse (links, `..`, bad checksums, lying sizes).
/// Every rejection is checked by its message, and after each one the scratch folder must hold only the archive: the
/// reader never writes.
#include "archive.hpp"
#include "tar_testing.hpp"

#include <catch2/catch.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using ws_test::gzip_of;
using ws_test::gzip_writer;
using ws_test::gnu_magic;
using ws_test::tar_entry;
using ws_test::tar_of;
using ws_test::zero_blocks;
using ws_test::header_block;
using ws_test::gzip_zeros;
using ws_test::octal;
using Catch::Matchers::Contains;
using ws_grade::archive_limits;
using ws_grade::read_result;
using ws_grade::read_submission_archive;
using ws_grade::read_submission_folder;
using ws_grade::rejected_submission;
using ws_grade::submitted_file;
using ws_grade::write_submission_archive;

// --- a scratch folder ------------------------------------------------------------------------------------------------

/// A fresh folder under the temp directory, removed with everything in it when the test ends, pass or fail.
class scratch_dir {
 public:
  scratch_dir() {
    static int counter = 0;
    root_ = fs::temp_directory_path() /
            ("ws_grader_archive_tests_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  [[nodiscard]] fs::path path(const std::string& rel) const { return root_ / rel; }

  fs::path write(const std::string& rel, const std::string& bytes) const {
    fs::create_directories(path(rel).parent_path());
    std::ofstream(path(rel), std::ios::binary) << bytes;
    return path(rel);
  }

  [[nodiscard]] std::string read(const std::string& rel) const {
    std::ifstream in(path(rel), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  /// Everything under the folder (links not followed), '/'-separated and sorted: what "nothing was written" compares.
  [[nodiscard]] std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      names.push_back(e.path().lexically_relative(root_).generic_string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path root_;
};

// --- checks ----------------------------------------------------------------------------------------------------------

const std::vector<std::string> only_archive{"submission.tar.gz"};

/// Reading @p archive must throw rejected_submission whose one-line message contains @p reason, and leave @p dir
/// exactly as it was.
void require_rejected(const scratch_dir& dir, const fs::path& archive, const std::vector<std::string>& wanted,
                      const std::string& reason, const archive_limits& limits = {}) {
  const std::vector<std::string> before = dir.listing();
  REQUIRE_THROWS_AS(read_submission_archive(archive, wanted, limits), rejected_submission);
  REQUIRE_THROWS_WITH(read_submission_archive(archive, wanted, limits), Contains(reason) && !Contains("\n"));
  REQUIRE(dir.listing() == before);
}

/// As require_rejected, for an uncompressed tar stream that the test gzips into a fresh scratch folder.
void require_tar_rejected(const std::string& tar, const std::vector<std::string>& wanted, const std::string& reason,
                          const archive_limits& limits = {}) {
  scratch_dir dir;
  const fs::path archive = dir.write("submission.tar.gz", gzip_of(tar));
  require_rejected(dir, archive, wanted, reason, limits);
  REQUIRE(dir.listing() == only_archive);
}

std::vector<std::string> names_of(const std::vector<submitted_file>& files) {
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.name);
  return names;
}

std::string all_byte_values() {
  std::string bytes;
  for (int round = 0; round < 3; ++round) {
    for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  }
  return bytes;
}

}  // namespace

// --- accepted --------------------------------------------------------------------------------------------------------

TEST_CASE("an archive written by write_submission_archive reads back byte for byte", "[grader][archive]") {
  scratch_dir dir;
  const std::vector<submitted_file> files{
      {"vector_add.cu", "__global__ void vector_add() {}\n"},
      {"data.bin", all_byte_values()},            // NULs and high bytes survive
      {"empty.txt", ""},                          // no data block at all
      {"one_block.txt", std::string(512, 'x')},   // exactly one block: no padding
      {"two_blocks.txt", std::string(513, 'y')},  // one byte into the second block
  };
  const fs::path archive = dir.path("submission.tar.gz");
  write_submission_archive(archive, files, 1700000000);

  const std::vector<std::string> wanted{"two_blocks.txt", "submission.json", "vector_add.cu", "empty.txt",
                                        "data.bin", "one_block.txt"};
  const read_result got = read_submission_archive(archive, wanted);
  REQUIRE(names_of(got.files) ==
          std::vector<std::string>{"two_blocks.txt", "vector_add.cu", "empty.txt", "data.bin", "one_block.txt"});
  for (const submitted_file& f : got.files) {
    const auto original = std::find_if(files.begin(), files.end(), [&f](const auto& o) { return o.name == f.name; });
    INFO(f.name);
    REQUIRE(f.contents == original->contents);
  }
  CHECK(got.missing == std::vector<std::string>{"submission.json"});
  CHECK(got.ignored.empty());
  CHECK(dir.listing() == only_archive);

  // The same input gives the same bytes, so a resubmission can be compared with the original.
  const fs::path again = dir.path("again.tar.gz");
  write_submission_archive(again, files, 1700000000);
  CHECK(dir.read("again.tar.gz") == dir.read("submission.tar.gz"));
}

TEST_CASE("files under a leading ./ and one top-level folder are read; deeper ones are only listed as ignored",
          "[grader][archive]") {
  scratch_dir dir;
  const std::string tar = tar_of({
      {"./", "", '5'},
      {"./lab01/", "", '5'},
      {"./lab01/vector_add.cu", "kernel"},
      tar_entry("submission.json", "{}").with_prefix("lab01"),  // the ustar prefix field makes it lab01/submission.json
      tar_entry("lab01/notes.txt", "notes", '\0').with_magic(gnu_magic),  // old-style type '\0' and GNU magic
      {"a/b/matmul.cu", "too deep"},
  });
  const fs::path archive = dir.write("submission.tar.gz", gzip_of(tar));

  const read_result got = read_submission_archive(archive, {"submission.json", "vector_add.cu", "matmul.cu"});
  REQUIRE(names_of(got.files) == std::vector<std::string>{"submission.json", "vector_add.cu"});
  CHECK(got.files[0].contents == "{}");
  CHECK(got.files[1].contents == "kernel");
  CHECK(got.missing == std::vector<std::string>{"matmul.cu"});
  CHECK(got.ignored == std::vector<std::string>{"./lab01/", "lab01/notes.txt", "a/b/matmul.cu"});
  CHECK(dir.listing() == only_archive);
}

TEST_CASE("an archive with no wanted files reports every wanted name as missing", "[grader][archive]") {
  scratch_dir dir;
  const fs::path archive = dir.write("submission.tar.gz", gzip_of(tar_of({{"README.md", "hello"}})));
  const read_result got = read_submission_archive(archive, {"vector_add.cu", "submission.json"});
  CHECK(got.files.empty());
  CHECK(got.missing == std::vector<std::string>{"vector_add.cu", "submission.json"});
  CHECK(got.ignored == std::vector<std::string>{"README.md"});
}

// --- rejected entries ------------------------------------------------------------------------------------------------

TEST_CASE("hostile entries are rejected with their own reason, even when not wanted, and nothing is written",
          "[grader][archive]") {
  struct hostile_case {
    std::string label;
    std::string tar;
    std::string reason;
  };
  const tar_entry good{"vector_add.cu", "kernel"};
  std::string nonzero_tail = tar_of({good});
  nonzero_tail[nonzero_tail.size() - 1] = 'x';
  std::string bad_checksum = tar_of({good});
  bad_checksum[20] = 'x';  // inside the name field, after its NUL: the stored checksum no longer matches
  const std::string one_entry = tar_of({good}, false);

  const std::vector<hostile_case> cases{
      {"absolute path", tar_of({{"/etc/passwd", "root"}}), "entry '/etc/passwd': an absolute path"},
      {"leading ..", tar_of({{"../x", "x"}}), "entry '../x': a path that leaves the submission folder (..)"},
      {".. inside", tar_of({{"lab01/../../x", "x"}}), "entry 'lab01/../../x': a path that leaves"},
      {".. in the prefix field", tar_of({tar_entry("x", "x").with_prefix("lab01/..")}),
       "entry 'lab01/../x': a path that leaves"},
      {".. as a directory", tar_of({{"../", "", '5'}}), "(..)"},
      {"empty name", tar_of({{"", "x"}}), "entry '': an empty name"},
      {"control character", tar_of({{"a\nb.cu", "x"}}), "entry 'a\\x0ab.cu': a name with a control character"},
      {"NUL inside the name", tar_of({{std::string("vector_add.cu\0../../x", 21), "x"}}),
       "entry 'vector_add.cu\\x00../../x': a name with a NUL byte inside"},
      {"symlink", tar_of({tar_entry("vector_add.cu", "", '2').linking_to("/etc/passwd")}),
       "'vector_add.cu': a symbolic link"},
      {"unwanted symlink", tar_of({good, tar_entry("notes", "", '2').linking_to("/etc")}), "'notes': a symbolic link"},
      {"hard link", tar_of({tar_entry("vector_add.cu", "", '1').linking_to("/etc/shadow")}), "a hard link"},
      {"character device", tar_of({{"tty", "", '3'}}), "'tty': a character device"},
      {"block device", tar_of({{"sda", "", '4'}}), "'sda': a block device"},
      {"fifo", tar_of({{"pipe", "", '6'}}), "'pipe': a FIFO"},
      {"contiguous file", tar_of({{"vector_add.cu", "x", '7'}}), "a contiguous file"},
      {"unknown type", tar_of({{"vector_add.cu", "x", 'Z'}}), "an unknown entry type 'Z'"},
      {"GNU long name", tar_of({{"././@LongLink", std::string(300, 'a') + '\0', 'L'}, good}),
       "a GNU long-name header; names must fit a plain ustar header (make the archive with ./course submit)"},
      {"GNU long link", tar_of({{"././@LongLink", "target", 'K'}, good}), "./course submit"},
      {"pax header", tar_of({{"PaxHeaders/vector_add.cu", "30 path=../../../etc/passwd\n", 'x'}, good}),
       "a pax extended header; the grader reads plain ustar only (make the archive with ./course submit)"},
      {"pax global header", tar_of({{"pax_global_header", "9 a=b\n", 'g'}, good}), "./course submit"},
      {"wanted file twice", tar_of({good, {"lab01/vector_add.cu", "other"}}),
       "entry 'lab01/vector_add.cu': a second file named 'vector_add.cu' (the first is 'vector_add.cu')"},
      {"wanted file in two folders", tar_of({{"a/vector_add.cu", "1"}, {"b/vector_add.cu", "2"}}),
       "a second file named 'vector_add.cu'"},
      {"wanted file also deep down", tar_of({good, {"a/b/vector_add.cu", "2"}}), "a second file named"},
      {"directory with data", tar_of({{"lab01/", "hidden", '5'}}), "entry 'lab01/': a directory that carries data"},
      {"base-256 size", tar_of({tar_entry("big.bin").with_size_field(std::string("\x80\0\0\0\0\0\0\x02\0\0\0\0", 12))}),
       "entry 'big.bin': a size in GNU base-256 form"},
      {"damaged size", tar_of({tar_entry("vector_add.cu").with_size_field(std::string("0000000012x\0", 12))}),
       "a damaged size field"},
      {"no ustar magic", tar_of({tar_entry("vector_add.cu", "x").with_magic(std::string(8, '\0'))}),
       "not a ustar header"},
      {"bad checksum", bad_checksum, "entry at byte 0 ('vector_add.cu'): bad header checksum"},
      {"lone zero block", tar_of({good}, false) + zero_blocks(1) + tar_of({{"hidden.cu", "x"}}),
       "a zero block in the middle of the archive"},
      {"data after the end marker", nonzero_tail, "data after the end-of-archive marker"},
      {"no end marker", one_entry, "truncated archive (it ends before the end-of-archive marker)"},
      {"a single zero block", one_entry + zero_blocks(1), "truncated archive (it ends after a single zero block)"},
      {"data cut short", one_entry.substr(0, 512 + 3), "truncated archive (it ends inside entry 'vector_add.cu')"},
      {"header cut short", one_entry + header_block(good).substr(0, 100), "truncated archive"},
  };
  for (const hostile_case& c : cases) {
    DYNAMIC_SECTION(c.label) { require_tar_rejected(c.tar, {"vector_add.cu"}, c.reason); }
  }
}

TEST_CASE("an entry declaring 1 GB is rejected from its header, before any data is read", "[grader][archive]") {
  // The data is absent: a reader that trusted the size would report truncation (or try to read a gigabyte).
  const std::uint64_t one_gb = std::uint64_t{1} << 30;
  const auto started = std::chrono::steady_clock::now();
  SECTION("wanted") {
    require_tar_rejected(header_block(tar_entry("vector_add.cu").declaring(one_gb)), {"vector_add.cu"},
                         "entry 'vector_add.cu': declares 1073741824 bytes, more than the limit of 1048576 bytes");
  }
  SECTION("not wanted") {
    require_tar_rejected(header_block(tar_entry("lab01/video.mp4").declaring(one_gb)), {"vector_add.cu"},
                         "entry 'lab01/video.mp4': declares 1073741824 bytes");
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("a file of exactly max_file_bytes is read and one byte more is rejected", "[grader][archive]") {
  archive_limits limits;
  limits.max_file_bytes = 1000;
  scratch_dir dir;
  const fs::path archive = dir.write("submission.tar.gz", gzip_of(tar_of({{"vector_add.cu", std::string(1000, 'k')}})));
  CHECK(read_submission_archive(archive, {"vector_add.cu"}, limits).files.at(0).contents.size() == 1000);
  require_tar_rejected(tar_of({{"vector_add.cu", std::string(1001, 'k')}}), {"vector_add.cu"},
                       "declares 1001 bytes, more than the limit of 1000 bytes", limits);
}

TEST_CASE("wanted files together over max_total_bytes are rejected; unwanted files do not count", "[grader][archive]") {
  archive_limits limits;
  limits.max_total_bytes = 1000;
  const std::vector<std::string> wanted{"a.cu", "b.cu"};
  require_tar_rejected(tar_of({{"a.cu", std::string(600, 'a')}, {"b.cu", std::string(600, 'b')}}), wanted,
                       "entry 'b.cu': the wanted files together are 1200 bytes, more than the limit of 1000", limits);

  scratch_dir dir;
  const fs::path archive = dir.write(
      "submission.tar.gz", gzip_of(tar_of({{"a.cu", std::string(600, 'a')}, {"notes.txt", std::string(600, 'n')}})));
  CHECK(read_submission_archive(archive, wanted, limits).files.size() == 1);
}

TEST_CASE("more than max_entries entries are rejected; exactly max_entries are read", "[grader][archive]") {
  std::vector<tar_entry> entries;
  for (int i = 0; i < 256; ++i) entries.push_back({"lab01/f" + std::to_string(i) + ".txt", "x"});
  scratch_dir dir;
  const fs::path archive = dir.write("submission.tar.gz", gzip_of(tar_of(entries)));
  CHECK(read_submission_archive(archive, {"vector_add.cu"}).ignored.size() == 256);

  entries.push_back({"lab01/one_more.txt", "x"});
  require_tar_rejected(tar_of(entries), {"vector_add.cu"}, "more than 256 entries");
}

// --- rejected archives -----------------------------------------------------------------------------------------------

TEST_CASE("a gzip bomb is rejected once the decompressed bytes pass max_unpacked_bytes", "[grader][archive]") {
  scratch_dir dir;
  // 200 MB of zeros: to a tar reader, an empty archive followed by a very long padding.
  const std::string bomb = gzip_zeros(std::uint64_t{200} << 20);
  REQUIRE(bomb.size() < archive_limits{}.max_archive_bytes);  // small on disk: only the unpacked limit can stop it
  const fs::path archive = dir.write("submission.tar.gz", bomb);
  const auto started = std::chrono::steady_clock::now();
  require_rejected(dir, archive, {"vector_add.cu"},
                   "archive 'submission.tar.gz': decompresses to more than 67108864 bytes");
  CHECK(dir.listing() == only_archive);
  // 64 MiB inflated twice (two REQUIREs) is well under a second; 200 MB would take longer and prove nothing.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("the unpacked limit counts file data too, and exactly the limit is accepted", "[grader][archive]") {
  // One small file: header + data block + two zero blocks, padded to one 10240-byte record.
  const std::string tar = tar_of({{"vector_add.cu", "kernel"}});
  REQUIRE(tar.size() == 10240);
  archive_limits limits;
  limits.max_unpacked_bytes = 10240;
  scratch_dir dir;
  const fs::path archive = dir.write("submission.tar.gz", gzip_of(tar));
  CHECK(read_submission_archive(archive, {"vector_add.cu"}, limits).files.size() == 1);
  limits.max_unpacked_bytes = 10239;
  require_rejected(dir, archive, {"vector_add.cu"}, "decompresses to more than 10239 bytes", limits);

  limits.max_unpacked_bytes = 4096;  // stops inside the file's data
  require_tar_rejected(tar_of({{"vector_add.cu", std::string(8192, 'k')}}), {"vector_add.cu"},
                       "decompresses to more than 4096 bytes", limits);
}

TEST_CASE("an archive over max_archive_bytes on disk is rejected before it is read", "[grader][archive]") {
  archive_limits limits;
  limits.max_archive_bytes = 100;
  scratch_dir dir;
  // Not even gzip: the size is checked first, so the message is about the size.
  const fs::path archive = dir.write("submission.tar.gz", std::string(101, 'z'));
  require_rejected(dir, archive, {"vector_add.cu"},
                   "101 bytes, more than the limit of 100 bytes for the .tar.gz on disk", limits);
}

TEST_CASE("a file that is not gzip is rejected as not a .tar.gz file", "[grader][archive]") {
  scratch_dir dir;
  const std::string tar = tar_of({{"vector_add.cu", "kernel"}});
  SECTION("a plain tar") { dir.write("submission.tar.gz", tar); }
  SECTION("an empty file") { dir.write("submission.tar.gz", ""); }
  SECTION("a zip") { dir.write("submission.tar.gz", "PK\x03\x04 not really"); }
  SECTION("gzip magic, then garbage") { dir.write("submission.tar.gz", "\x1f\x8b garbage that is not deflate"); }
  require_rejected(dir, dir.path("submission.tar.gz"), {"vector_add.cu"}, "not a .tar.gz file");
  CHECK(dir.listing() == only_archive);
}

TEST_CASE("a damaged or cut gzip stream, or data after it, is rejected", "[grader][archive]") {
  scratch_dir dir;
  const std::string gz = gzip_of(tar_of({{"vector_add.cu", std::string(5000, 'k')}}));
  std::string reason;
  SECTION("cut in the middle") {
    dir.write("submission.tar.gz", gz.substr(0, gz.size() / 2));
    reason = "truncated archive";
  }
  SECTION("cut before the gzip trailer") {
    dir.write("submission.tar.gz", gz.substr(0, gz.size() - 4));
    reason = "truncated archive (the gzip stream ends early)";
  }
  SECTION("a wrong CRC in the trailer") {
    std::string damaged = gz;
    damaged[damaged.size() - 8] = static_cast<char>(damaged[damaged.size() - 8] ^ 0x55);
    dir.write("submission.tar.gz", damaged);
    reason = "damaged gzip data";
  }
  SECTION("a second gzip member") {
    dir.write("submission.tar.gz", gz + gzip_of(tar_of({{"hidden.cu", "x"}})));
    reason = "data after the end of the gzip stream";
  }
  SECTION("junk after the stream") {
    dir.write("submission.tar.gz", gz + "junk");
    reason = "data after the end of the gzip stream";
  }
  require_rejected(dir, dir.path("submission.tar.gz"), {"vector_add.cu"}, reason);
  CHECK(dir.listing() == only_archive);
}

TEST_CASE("a FIFO given as the archive is rejected without blocking", "[grader][archive]") {
  scratch_dir dir;
  REQUIRE(::mkfifo(dir.path("submission.tar.gz").c_str(), 0600) == 0);
  require_rejected(dir, dir.path("submission.tar.gz"), {"vector_add.cu"}, "not a regular file");
}

// --- writing ---------------------------------------------------------------------------------------------------------

TEST_CASE("write_submission_archive refuses to overwrite an existing file and leaves it untouched",
          "[grader][archive]") {
  scratch_dir dir;
  const std::vector<submitted_file> files{{"vector_add.cu", "kernel"}};
  SECTION("a regular file") {
    dir.write("submission.tar.gz", "precious");
    REQUIRE_THROWS_WITH(write_submission_archive(dir.path("submission.tar.gz"), files, 0),
                        Contains("refusing to overwrite"));
    CHECK(dir.read("submission.tar.gz") == "precious");
  }
  SECTION("a dangling symlink, which must not be followed to create its target") {
    fs::create_symlink(dir.path("target.tar.gz"), dir.path("submission.tar.gz"));
    REQUIRE_THROWS_WITH(write_submission_archive(dir.path("submission.tar.gz"), files, 0),
                        Contains("refusing to overwrite"));
    CHECK_FALSE(fs::exists(dir.path("target.tar.gz")));
  }
  CHECK(dir.listing() == only_archive);
}

TEST_CASE("write_submission_archive rejects names that are not flat and creates no file", "[grader][archive]") {
  scratch_dir dir;
  const fs::path out = dir.path("submission.tar.gz");
  const auto bad_name = GENERATE(as<std::string>{}, "", ".", "..", "../x", "lab01/x.cu", "a\nb", std::string(101, 'n'));
  INFO("name: " << bad_name);
  CHECK_THROWS_AS(write_submission_archive(out, {{bad_name, "x"}}, 0), std::invalid_argument);
  CHECK_THROWS_AS(write_submission_archive(out, {{"a.cu", "1"}, {"a.cu", "2"}}, 0), std::invalid_argument);
  CHECK_THROWS_AS(write_submission_archive(out, {{"a.cu", "1"}}, -1), std::invalid_argument);
  CHECK(dir.listing().empty());
}

// --- folders ---------------------------------------------------------------------------------------------------------

TEST_CASE("the folder reader finds wanted files at the top and one folder down, and writes nothing",
          "[grader][archive]") {
  scratch_dir dir;
  dir.write("upload/vector_add.cu", "kernel");
  dir.write("upload/lab01/submission.json", "{}");
  dir.write("upload/lab01/notes.txt", "notes");
  dir.write("upload/a/b/matmul.cu", "too deep");
  const std::vector<std::string> before = dir.listing();

  const read_result got = read_submission_folder(dir.path("upload"), {"submission.json", "vector_add.cu", "matmul.cu"});
  REQUIRE(names_of(got.files) == std::vector<std::string>{"submission.json", "vector_add.cu"});
  CHECK(got.files[0].contents == "{}");
  CHECK(got.files[1].contents == "kernel");
  CHECK(got.missing == std::vector<std::string>{"matmul.cu"});
  CHECK(got.ignored == std::vector<std::string>{"a", "a/b", "lab01", "lab01/notes.txt"});
  CHECK(dir.listing() == before);
}

TEST_CASE("the folder reader rejects a symlink, FIFO or second copy named like a wanted file", "[grader][archive]") {
  scratch_dir dir;
  dir.write("upload/README.md", "hello");
  std::string reason;
  SECTION("a symlink at the top") {
    fs::create_symlink("/etc/passwd", dir.path("upload/vector_add.cu"));
    reason = "entry 'vector_add.cu': a symbolic link";
  }
  SECTION("a symlink one folder down") {
    fs::create_directories(dir.path("upload/lab01"));
    fs::create_symlink("/etc/passwd", dir.path("upload/lab01/vector_add.cu"));
    reason = "entry 'lab01/vector_add.cu': a symbolic link";
  }
  SECTION("a FIFO, which must not block the reader") {
    REQUIRE(::mkfifo(dir.path("upload/vector_add.cu").c_str(), 0600) == 0);
    reason = "entry 'vector_add.cu': a FIFO";
  }
  SECTION("two copies") {
    dir.write("upload/vector_add.cu", "1");
    dir.write("upload/lab01/vector_add.cu", "2");
    reason = "entry 'vector_add.cu': a second file named 'vector_add.cu' (the first is 'lab01/vector_add.cu')";
  }
  const std::vector<std::string> before = dir.listing();
  REQUIRE_THROWS_AS(read_submission_folder(dir.path("upload"), {"vector_add.cu"}), rejected_submission);
  REQUIRE_THROWS_WITH(read_submission_folder(dir.path("upload"), {"vector_add.cu"}), Contains(reason));
  CHECK(dir.listing() == before);
}

TEST_CASE("the folder reader ignores unwanted symlinks and never follows a linked folder", "[grader][archive]") {
  scratch_dir dir;
  dir.write("elsewhere/vector_add.cu", "not the learner's");
  dir.write("upload/submission.json", "{}");
  fs::create_symlink("/etc/passwd", dir.path("upload/notes.txt"));
  fs::create_directory_symlink(dir.path("elsewhere"), dir.path("upload/linked"));

  const read_result got = read_submission_folder(dir.path("upload"), {"vector_add.cu", "submission.json"});
  CHECK(names_of(got.files) == std::vector<std::string>{"submission.json"});
  CHECK(got.missing == std::vector<std::string>{"vector_add.cu"});
  CHECK(got.ignored.empty());  // links are neither read nor listed
}

TEST_CASE("the folder reader applies the file and total size limits", "[grader][archive]") {
  scratch_dir dir;
  archive_limits limits;
  limits.max_file_bytes = 1000;
  limits.max_total_bytes = 1500;
  dir.write("upload/a.cu", std::string(1000, 'a'));
  CHECK(read_submission_folder(dir.path("upload"), {"a.cu", "b.cu"}, limits).files.size() == 1);

  dir.write("upload/lab01/b.cu", std::string(600, 'b'));
  REQUIRE_THROWS_WITH(read_submission_folder(dir.path("upload"), {"a.cu", "b.cu"}, limits),
                      Contains("entry 'lab01/b.cu': the wanted files together are 1600 bytes"));
  dir.write("upload/a.cu", std::string(1001, 'a'));
  REQUIRE_THROWS_WITH(read_submission_folder(dir.path("upload"), {"a.cu"}, limits),
                      Contains("entry 'a.cu': 1001 bytes, more than the limit of 1000 bytes for one file"));
}
