/// @file archive.cpp
/// @brief Reads learner submissions (.tar.gz or folder) defensively; writes the .tar.gz that `./course submit` makes.
///
/// The reader is a small state machine over a zlib stream: it asks for one 512-byte tar block at a time, so it never
/// holds more than one file's data, and it decides every limit from the header before it reads the entry's data.
/// Nothing here writes to disk except write_submission_archive, and that one only creates a file that did not exist.
#include "archive.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ws_grade {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t block_size = 512;
using block = std::array<char, block_size>;

// --- messages --------------------------------------------------------------------------------------------------------

/// @p text with everything but printable ASCII as \xNN: a hostile name must not break the one-line message.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\') {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", byte);
      out += hex.data();
    } else {
      out += c;
    }
  }
  return out;
}

[[noreturn]] void reject_entry(std::string_view name, const std::string& reason) {
  throw rejected_submission("entry '" + printable(name) + "': " + reason);
}

/// For problems of the archive as a whole (not gzip, truncated, too big), named by its file name only: the grader's
/// own folders are none of the learner's business.
[[noreturn]] void reject_archive(const fs::path& archive, const std::string& reason) {
  throw rejected_submission("archive '" + printable(archive.filename().string()) + "': " + reason);
}

[[noreturn]] void reject_truncated(const fs::path& archive, const std::string& where) {
  reject_archive(archive, "truncated archive (it ends " + where + ")");
}

std::string bytes_over(std::uint64_t bytes, std::uint64_t limit, std::string_view what) {
  return std::to_string(bytes) + " bytes, more than the limit of " + std::to_string(limit) + " bytes " +
         std::string(what);
}

// --- names -----------------------------------------------------------------------------------------------------------

/// A name the grader may ask for: one path component, printable, not "." or "..".
bool is_flat_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return c == '/' || byte < 0x20 || byte == 0x7f;
  });
}

void require_flat_names(const std::vector<std::string>& wanted) {
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (!is_flat_name(wanted[i])) {
      throw std::invalid_argument("wanted name '" + printable(wanted[i]) + "' is not a flat file name");
    }
    if (std::find(wanted.begin(), wanted.begin() + static_cast<std::ptrdiff_t>(i), wanted[i]) !=
        wanted.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("wanted name '" + printable(wanted[i]) + "' is listed twice");
    }
  }
}

/// The components of an archive path with "" and "." dropped (so "./lab01//a.cu" is {lab01, a.cu}); rejects the
/// names no extractor should ever be handed.
std::vector<std::string> checked_components(const std::string& name) {
  if (name.empty()) reject_entry(name, "an empty name");
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) reject_entry(name, "a name with a control character");
  }
  if (name.front() == '/') reject_entry(name, "an absolute path (names must be relative to the submission folder)");
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string part = name.substr(start, slash - start);
    if (part == "..") reject_entry(name, "a path that leaves the submission folder (..)");
    if (!part.empty() && part != ".") parts.push_back(part);
    start = slash + 1;
  }
  return parts;
}

/// Index of @p name in @p wanted, or nullopt.
std::optional<std::size_t> wanted_index(const std::vector<std::string>& wanted, const std::string& name) {
  const auto it = std::find(wanted.begin(), wanted.end(), name);
  if (it == wanted.end()) return std::nullopt;
  return static_cast<std::size_t>(it - wanted.begin());
}

/// What both readers collect while they walk a submission: the wanted files (at most one each) and the limits on
/// their sizes. Duplicates and totals are decided here so both readers say the same thing.
class collector {
 public:
  collector(const std::vector<std::string>& wanted, const archive_limits& limits)
      : wanted_(wanted), limits_(limits), first_path_(wanted.size()), contents_(wanted.size()) {}

  /// A regular file named @p base was seen at @p path; returns its index in `wanted` if it is a wanted name, and
  /// rejects a second copy. The caller decides whether a copy is shallow enough to read; a deep one still counts here,
  /// so "a.cu" next to "x/y/a.cu" is refused rather than silently graded from one of them.
  std::optional<std::size_t> see(const std::string& path, const std::string& base) {
    const auto index = wanted_index(wanted_, base);
    if (!index) return std::nullopt;
    if (first_path_[*index]) {
      reject_entry(path, "a second file named '" + printable(base) + "' (the first is '" +
                             printable(*first_path_[*index]) + "'); submit exactly one");
    }
    first_path_[*index] = path;
    return index;
  }

  /// Checks a wanted file's size against both limits before any of its data is read.
  void reserve(const std::string& path, std::uint64_t bytes) {
    if (bytes > limits_.max_file_bytes) reject_entry(path, bytes_over(bytes, limits_.max_file_bytes, "for one file"));
    total_ += bytes;
    if (total_ > limits_.max_total_bytes) {
      reject_entry(path, "the wanted files together are " +
                             bytes_over(total_, limits_.max_total_bytes, "for a submission"));
    }
  }

  void store(std::size_t index, std::string contents) { contents_[index] = std::move(contents); }
  void ignore(std::string name) { ignored_.push_back(std::move(name)); }

  read_result result() && {
    read_result out;
    for (std::size_t i = 0; i < wanted_.size(); ++i) {
      if (contents_[i]) {
        out.files.push_back({wanted_[i], std::move(*contents_[i])});
      } else {
        out.missing.push_back(wanted_[i]);
      }
    }
    out.ignored = std::move(ignored_);
    return out;
  }

 private:
  const std::vector<std::string>& wanted_;
  const archive_limits& limits_;
  std::vector<std::optional<std::string>> first_path_;
  std::vector<std::optional<std::string>> contents_;
  std::vector<std::string> ignored_;
  std::uint64_t total_ = 0;
};

// --- files -----------------------------------------------------------------------------------------------------------

/// Closes a file descriptor at scope exit.
class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  /// Closes now and reports the error close() gives (it can be the first sign of a failed write).
  int close_now() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// Reads an open regular file to its end, refusing as soon as it holds more than @p max_bytes: the size from fstat
/// was already checked, this only guards against a file that grows while we read it.
std::optional<std::string> read_at_most(int fd, std::uint64_t max_bytes, const std::string& what) {
  std::string bytes;
  std::array<char, 1 << 16> chunk{};
  for (;;) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + what);
    }
    if (got == 0) return bytes;
    bytes.append(chunk.data(), static_cast<std::size_t>(got));
    if (bytes.size() > max_bytes) return std::nullopt;
  }
}

// --- gzip ------------------------------------------------------------------------------------------------------------

/// A gzip stream decompressed on demand. It never produces more than @p budget bytes in all (it asks zlib for at most
/// one byte past the budget, to tell "exactly the budget" from "more"), so a gzip bomb costs only the budget's time
/// and one 64 KiB buffer.
class gunzip {
 public:
  gunzip(const fs::path& archive, const std::string& compressed, std::uint64_t budget)
      : archive_(archive), in_(compressed), budget_(budget) {
    const bool gzip_magic = in_.size() >= 2 && static_cast<unsigned char>(in_[0]) == 0x1f &&
                            static_cast<unsigned char>(in_[1]) == 0x8b;
    if (!gzip_magic) reject_archive(archive_, "not a .tar.gz file (it does not start with the gzip signature)");
    // windowBits 15 + 16: gzip framing only; a raw or zlib-wrapped stream is not what `./course submit` makes.
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw std::bad_alloc();
  }
  ~gunzip() { inflateEnd(&z_); }
  gunzip(const gunzip&) = delete;
  gunzip& operator=(const gunzip&) = delete;

  /// Copies the next @p n bytes to @p dst (or drops them when @p dst is null); false if the stream ends first.
  bool read(char* dst, std::uint64_t n) {
    while (n > 0) {
      if (pos_ == len_ && !fill()) return false;
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, len_ - pos_));
      if (dst != nullptr) {
        std::memcpy(dst, out_.data() + pos_, take);
        dst += take;
      }
      pos_ += take;
      n -= take;
    }
    return true;
  }

  /// Reads to the end of the gzip stream; true if every byte left is zero (tar pads its last record with zeros).
  bool rest_is_zero() {
    for (;;) {
      const auto first = out_.begin() + static_cast<std::ptrdiff_t>(pos_);
      const auto last = out_.begin() + static_cast<std::ptrdiff_t>(len_);
      if (!std::all_of(first, last, [](unsigned char b) { return b == 0; })) return false;
      pos_ = len_;
      if (!fill()) return true;
    }
  }

 private:
  /// Decompresses the next piece into out_; false at the end of the stream.
  bool fill() {
    pos_ = 0;
    len_ = 0;
    while (len_ == 0 && !ended_) {
      if (z_.avail_in == 0 && fed_ < in_.size()) {
        // zlib counts input in uInt, so a very large archive is fed in pieces.
        const std::size_t piece = std::min<std::size_t>(in_.size() - fed_, std::size_t{1} << 20);
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_.data() + fed_));  // zlib only reads it
        z_.avail_in = static_cast<uInt>(piece);
        fed_ += piece;
      }
      const std::uint64_t left = budget_ - produced_;
      const auto room = static_cast<uInt>(left >= out_.size() ? out_.size() : left + 1);
      z_.next_out = out_.data();
      z_.avail_out = room;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      len_ = room - z_.avail_out;
      produced_ += len_;
      if (produced_ > budget_) {
        reject_archive(archive_, "decompresses to more than " + std::to_string(budget_) +
                                     " bytes, the limit for a submission (a gzip bomb?)");
      }
      switch (rc) {
        case Z_OK:
          break;
        case Z_STREAM_END:
          ended_ = true;
          // A second gzip member or junk after the first: other tools would read what we skip, so refuse it.
          if (z_.avail_in != 0 || fed_ < in_.size()) {
            reject_archive(archive_, "data after the end of the gzip stream (make the archive with ./course submit)");
          }
          break;
        case Z_BUF_ERROR:  // no progress: with room to write, that means the input ran out before the stream ended
          if (z_.avail_in == 0 && fed_ == in_.size()) {
            reject_archive(archive_, "truncated archive (the gzip stream ends early)");
          }
          break;
        case Z_MEM_ERROR:
          throw std::bad_alloc();
        default:
          reject_archive(archive_, std::string("damaged gzip data, or not a .tar.gz file (zlib: ") +
                                       (z_.msg != nullptr ? z_.msg : "unknown error") + ")");
      }
    }
    return len_ > 0;
  }

  const fs::path& archive_;
  const std::string& in_;
  std::uint64_t budget_;
  z_stream z_{};
  std::size_t fed_ = 0;
  std::uint64_t produced_ = 0;
  bool ended_ = false;
  std::array<unsigned char, 1 << 16> out_{};
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

// --- tar headers -----------------------------------------------------------------------------------------------------

// Field offsets and lengths of a ustar header (POSIX.1-1988; GNU tar writes the same layout).
constexpr std::size_t name_at = 0, name_len = 100;
constexpr std::size_t size_at = 124, size_len = 12;
constexpr std::size_t mtime_at = 136, mtime_len = 12;
constexpr std::size_t mode_at = 100, uid_at = 108, gid_at = 116, id_len = 8;
constexpr std::size_t checksum_at = 148, checksum_len = 8;
constexpr std::size_t type_at = 156;
constexpr std::size_t magic_at = 257;
constexpr std::size_t prefix_at = 345, prefix_len = 155;

std::string_view field(const block& b, std::size_t at, std::size_t len) { return {b.data() + at, len}; }

/// A text field up to its first NUL; nullopt if anything but NULs follows that NUL (a name with a NUL inside).
std::optional<std::string> c_string(std::string_view f) {
  const std::size_t nul = std::min(f.find('\0'), f.size());
  if (f.find_first_not_of('\0', nul) != std::string_view::npos) return std::nullopt;
  return std::string(f.substr(0, nul));
}

/// A numeric field: optional leading spaces, octal digits, then only spaces or NULs. nullopt for anything else,
/// including GNU's base-256 form (high bit set), which only sizes of 8 GiB and more need.
std::optional<std::uint64_t> parse_octal(std::string_view f) {
  std::size_t i = 0;
  while (i < f.size() && f[i] == ' ') ++i;
  std::uint64_t value = 0;
  for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i) value = value * 8 + static_cast<std::uint64_t>(f[i] - '0');
  for (; i < f.size(); ++i) {
    if (f[i] != ' ' && f[i] != '\0') return std::nullopt;
  }
  return value;  // at most 12 digits: 36 bits, no overflow
}

bool is_zero_block(const block& b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == '\0'; });
}

/// The header checksum: the byte sum with the checksum field read as spaces. Some old tars summed signed chars, so
/// both sums are accepted.
bool checksum_ok(const block& b) {
  const auto stored = parse_octal(field(b, checksum_at, checksum_len));
  if (!stored) return false;
  std::uint64_t unsigned_sum = 0;
  std::int64_t signed_sum = 0;
  for (std::size_t i = 0; i < block_size; ++i) {
    const bool in_field = i >= checksum_at && i < checksum_at + checksum_len;
    const char c = in_field ? ' ' : b[i];
    unsigned_sum += static_cast<unsigned char>(c);
    signed_sum += static_cast<signed char>(c);
  }
  return *stored == unsigned_sum || static_cast<std::int64_t>(*stored) == signed_sum;
}

/// Why an entry type may not be in a submission, or nullopt for the two it may ('0'/'\0' files and '5' folders).
std::optional<std::string> forbidden_type(char type) {
  switch (type) {
    case '0':
    case '\0':
    case '5':
      return std::nullopt;
    case '1':
      return "a hard link (submit the file itself)";
    case '2':
      return "a symbolic link (submit the file itself)";
    case '3':
      return "a character device";
    case '4':
      return "a block device";
    case '6':
      return "a FIFO (named pipe)";
    case '7':
      return "a contiguous file (type '7'), which the grader does not read";
    default:
      break;
  }
  const auto byte = static_cast<unsigned char>(type);
  const std::string shown = byte >= 0x20 && byte < 0x7f ? std::string(1, type) : printable(std::string(1, type));
  return "an unknown entry type '" + shown + "'";
}

/// What the reader needs from one header: the full name, its components (see checked_components), type and size.
struct entry_header {
  std::string name;
  std::vector<std::string> parts;
  char type;
  std::uint64_t size;
};

/// Decodes and vets one header, or rejects it. @p offset is where it starts in the tar stream: a header whose
/// checksum fails is named by position too, since its name may be garbage.
entry_header parse_header(const block& b, std::uint64_t offset) {
  const std::string_view name_field = field(b, name_at, name_len);
  const std::string raw_name(name_field.substr(0, std::min(name_field.find('\0'), name_len)));
  if (!checksum_ok(b)) {
    throw rejected_submission("entry at byte " + std::to_string(offset) + " ('" + printable(raw_name) +
                              "'): bad header checksum (not a tar archive, or a damaged one)");
  }
  // "ustar\0" + "00" is POSIX; "ustar  \0" is GNU tar's own, which has no prefix field.
  const std::string_view magic = field(b, magic_at, 6);
  const bool posix = magic == std::string_view("ustar\0", 6);
  if (!posix && magic != "ustar ") {
    reject_entry(raw_name, "not a ustar header (make the archive with ./course submit)");
  }
  const char type = b[type_at];
  if (type == 'L' || type == 'K') {
    reject_entry(raw_name, "a GNU long-name header; names must fit a plain ustar header (make the archive with "
                           "./course submit)");
  }
  if (type == 'x' || type == 'g') {
    reject_entry(raw_name, "a pax extended header; the grader reads plain ustar only (make the archive with "
                           "./course submit)");
  }

  const auto name = c_string(name_field);
  const auto prefix = posix ? c_string(field(b, prefix_at, prefix_len)) : std::optional<std::string>("");
  if (!name || !prefix) {
    // Show all of it, NUL included: the part after the NUL is what the learner should see.
    const std::string_view bad = name ? field(b, prefix_at, prefix_len) : name_field;
    reject_entry(bad.substr(0, bad.find_last_not_of('\0') + 1), "a name with a NUL byte inside");
  }
  entry_header h;
  h.name = prefix->empty() ? *name : *prefix + "/" + *name;
  h.parts = checked_components(h.name);  // throws for empty, control characters, absolute, ".."
  h.type = type;
  if (const auto why = forbidden_type(type)) reject_entry(h.name, *why);

  const std::string_view size_field = field(b, size_at, size_len);
  if ((static_cast<unsigned char>(size_field[0]) & 0x80) != 0) {
    reject_entry(h.name, "a size in GNU base-256 form (8 GiB or more), far over the limit for one file");
  }
  const auto size = parse_octal(size_field);
  if (!size) reject_entry(h.name, "a damaged size field");
  h.size = *size;
  return h;
}

// --- ustar writing ---------------------------------------------------------------------------------------------------

/// Writes @p value as zero-padded octal filling all but the last byte of the field, which stays NUL.
void put_octal(block& b, std::size_t at, std::size_t len, std::uint64_t value) {
  for (std::size_t i = len - 1; i-- > 0;) {
    b[at + i] = static_cast<char>('0' + (value & 7U));
    value >>= 3;
  }
  b[at + len - 1] = '\0';
}

constexpr std::uint64_t octal_11_max = (std::uint64_t{1} << 33) - 1;  // what 11 octal digits hold

block ustar_header(const submitted_file& file, std::int64_t mtime_seconds) {
  block b{};
  std::memcpy(b.data() + name_at, file.name.data(), file.name.size());
  put_octal(b, mode_at, id_len, 0644);
  put_octal(b, uid_at, id_len, 0);
  put_octal(b, gid_at, id_len, 0);
  put_octal(b, size_at, size_len, file.contents.size());
  put_octal(b, mtime_at, mtime_len, static_cast<std::uint64_t>(mtime_seconds));
  b[type_at] = '0';
  std::memcpy(b.data() + magic_at, "ustar\0" "00", 8);
  std::fill_n(b.begin() + checksum_at, checksum_len, ' ');
  std::uint64_t sum = 0;
  for (const char c : b) sum += static_cast<unsigned char>(c);
  // Six digits, NUL, space: the form every tar writes.
  put_octal(b, checksum_at, 7, sum);
  b[checksum_at + 7] = ' ';
  return b;
}

/// gzip (RFC 1952) of @p data at the best compression; zlib writes a header with time 0, so the bytes are
/// reproducible.
std::string gzip(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::bad_alloc();
  std::string out;
  std::array<unsigned char, 1 << 16> buffer{};
  std::size_t fed = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && fed < data.size()) {
      const std::size_t piece = std::min<std::size_t>(data.size() - fed, std::size_t{1} << 20);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + fed));  // zlib only reads it
      z.avail_in = static_cast<uInt>(piece);
      fed += piece;
    }
    z.next_out = buffer.data();
    z.avail_out = static_cast<uInt>(buffer.size());
    rc = deflate(&z, fed == data.size() ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&z);
      throw std::runtime_error("gzip compression failed");
    }
    out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size() - z.avail_out);
  }
  deflateEnd(&z);
  return out;
}

/// Removes the file this process just created and reports errno; a half-written archive must not look like one.
[[noreturn]] void remove_and_throw(const fs::path& out, const std::string& what) {
  const int saved = errno;
  ::unlink(out.c_str());
  throw std::system_error(saved, std::generic_category(), what + " " + out.string());
}

/// Lists a folder sorted by name, so `ignored` and the duplicate message do not depend on the file system's order.
std::vector<fs::directory_entry> sorted_listing(const fs::path& folder) {
  std::vector<fs::directory_entry> entries{fs::directory_iterator(folder), fs::directory_iterator()};
  std::sort(entries.begin(), entries.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
  return entries;
}

/// Looks at one entry of an uploaded folder that carries a wanted name: lstat only, a regular file or nothing.
void read_folder_candidate(collector& found, const fs::directory_entry& entry, const std::string& rel) {
  const fs::file_status status = entry.symlink_status();
  switch (status.type()) {
    case fs::file_type::regular:
      break;
    case fs::file_type::directory:
      found.ignore(rel);  // a folder that happens to carry a wanted name holds nothing we read
      return;
    case fs::file_type::symlink:
      reject_entry(rel, "a symbolic link (submit the file itself)");
    case fs::file_type::character:
      reject_entry(rel, "a character device");
    case fs::file_type::block:
      reject_entry(rel, "a block device");
    case fs::file_type::fifo:
      reject_entry(rel, "a FIFO (named pipe)");
    case fs::file_type::socket:
      reject_entry(rel, "a socket");
    default:
      reject_entry(rel, "not a regular file");
  }
  const auto index = found.see(rel, entry.path().filename().string());
  if (!index) return;
  // O_NOFOLLOW and O_NONBLOCK: if the file was swapped for a link or a FIFO since the lstat, fail instead of following
  // or hanging; fstat then decides on the file actually opened.
  const int fd = ::open(entry.path().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) reject_entry(rel, "a symbolic link (submit the file itself)");
    throw_errno("cannot open " + entry.path().string());
  }
  fd_guard guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("cannot stat " + entry.path().string());
  if (!S_ISREG(st.st_mode)) reject_entry(rel, "not a regular file");
  const auto declared = static_cast<std::uint64_t>(st.st_size);
  found.reserve(rel, declared);
  auto contents = read_at_most(fd, declared, entry.path().string());
  if (!contents) reject_entry(rel, "grew while it was being read");
  found.store(*index, std::move(*contents));
}

}  // namespace

// --- public ----------------------------------------------------------------------------------------------------------

read_result read_submission_archive(const fs::path& archive, const std::vector<std::string>& wanted,
                                    const archive_limits& limits) {
  require_flat_names(wanted);

  // The archive is small by construction; check its size from fstat, then hold it in memory.
  const int fd = ::open(archive.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // O_NONBLOCK: a FIFO must not hang us
  if (fd < 0) throw_errno("cannot open " + archive.string());
  fd_guard guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("cannot stat " + archive.string());
  if (!S_ISREG(st.st_mode)) reject_archive(archive, "not a regular file");
  const auto on_disk = static_cast<std::uint64_t>(st.st_size);
  if (on_disk > limits.max_archive_bytes) {
    reject_archive(archive, bytes_over(on_disk, limits.max_archive_bytes, "for the .tar.gz on disk"));
  }
  const auto compressed = read_at_most(fd, limits.max_archive_bytes, archive.string());
  if (!compressed) reject_archive(archive, "grew past the size limit while it was being read");

  gunzip stream(archive, *compressed, limits.max_unpacked_bytes);
  collector found(wanted, limits);
  int entries = 0;
  std::uint64_t offset = 0;
  block header{};
  for (;;) {
    if (!stream.read(header.data(), block_size)) reject_truncated(archive, "before the end-of-archive marker");
    if (is_zero_block(header)) {
      // The end is two zero blocks. One zero block followed by more headers would hide those entries from us while
      // other tools (tar --ignore-zeros) read them, so that is refused, as is anything but zero padding afterwards.
      if (!stream.read(header.data(), block_size)) reject_truncated(archive, "after a single zero block");
      if (!is_zero_block(header)) {
        reject_archive(archive, "a zero block in the middle of the archive at byte " + std::to_string(offset));
      }
      if (!stream.rest_is_zero()) reject_archive(archive, "data after the end-of-archive marker");
      break;
    }
    ++entries;
    if (entries > limits.max_entries) {
      reject_archive(archive, "more than " + std::to_string(limits.max_entries) + " entries");
    }
    const entry_header h = parse_header(header, offset);
    const std::vector<std::string>& parts = h.parts;
    // Decided from the header alone: an entry declaring too many bytes is refused before any of them is read.
    if (h.size > limits.max_file_bytes) {
      reject_entry(h.name, "declares " + bytes_over(h.size, limits.max_file_bytes, "for one file"));
    }
    const std::uint64_t padded = (h.size + block_size - 1) / block_size * block_size;
    offset += block_size;

    if (h.type == '5') {
      if (h.size != 0) reject_entry(h.name, "a directory that carries data");
      if (!parts.empty()) found.ignore(h.name);  // "./" itself is no entry worth listing
      continue;
    }
    if (parts.empty()) reject_entry(h.name, "an empty name");
    // At most one leading folder: "a.cu" and "lab01/a.cu" are read; "x/lab01/a.cu" only counts for duplicates.
    const auto index = found.see(h.name, parts.back());
    if (index && parts.size() <= 2) {
      found.reserve(h.name, h.size);
      std::string contents(static_cast<std::size_t>(h.size), '\0');
      if (!stream.read(contents.data(), h.size)) reject_truncated(archive, "inside entry '" + printable(h.name) + "'");
      if (!stream.read(nullptr, padded - h.size)) reject_truncated(archive, "inside entry '" + printable(h.name) + "'");
      found.store(*index, std::move(contents));
    } else {
      found.ignore(h.name);
      if (!stream.read(nullptr, padded)) reject_truncated(archive, "inside entry '" + printable(h.name) + "'");
    }
    offset += padded;
  }
  return std::move(found).result();
}

read_result read_submission_folder(const fs::path& folder, const std::vector<std::string>& wanted,
                                   const archive_limits& limits) {
  require_flat_names(wanted);
  if (!fs::is_directory(folder)) {
    throw std::system_error(std::make_error_code(std::errc::not_a_directory), "cannot read " + folder.string());
  }
  collector found(wanted, limits);
  for (const fs::directory_entry& top : sorted_listing(folder)) {
    const std::string top_name = top.path().filename().string();
    const fs::file_status top_status = top.symlink_status();  // never is_directory(): that one follows links
    if (wanted_index(wanted, top_name)) {
      read_folder_candidate(found, top, top_name);
    } else if (fs::is_regular_file(top_status) || fs::is_directory(top_status)) {
      found.ignore(top_name);
    }
    if (!fs::is_directory(top_status)) continue;
    for (const fs::directory_entry& inner : sorted_listing(top.path())) {
      const std::string rel = top_name + "/" + inner.path().filename().string();
      const fs::file_status inner_status = inner.symlink_status();
      if (wanted_index(wanted, inner.path().filename().string())) {
        read_folder_candidate(found, inner, rel);
      } else if (fs::is_regular_file(inner_status) || fs::is_directory(inner_status)) {
        found.ignore(rel);
      }
    }
  }
  return std::move(found).result();
}

void write_submission_archive(const fs::path& out, const std::vector<submitted_file>& files,
                              std::int64_t mtime_seconds) {
  // Everything is checked and built in memory first, so bad input never leaves a file behind.
  if (mtime_seconds < 0 || static_cast<std::uint64_t>(mtime_seconds) > octal_11_max) {
    throw std::invalid_argument("mtime " + std::to_string(mtime_seconds) + " does not fit a ustar header");
  }
  std::string tar;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const submitted_file& file = files[i];
    if (!is_flat_name(file.name) || file.name.size() > name_len) {
      throw std::invalid_argument("'" + printable(file.name) + "' is not a flat file name of at most 100 bytes");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (files[j].name == file.name) throw std::invalid_argument("'" + printable(file.name) + "' is given twice");
    }
    if (file.contents.size() > octal_11_max) {
      throw std::invalid_argument("'" + printable(file.name) + "' is too large for a ustar header");
    }
    const block header = ustar_header(file, mtime_seconds);
    tar.append(header.data(), header.size());
    tar += file.contents;
    tar.append((block_size - file.contents.size() % block_size) % block_size, '\0');
  }
  // Two zero blocks end the archive; tar then pads to its 10240-byte record, and so do we.
  tar.append(2 * block_size, '\0');
  tar.append((10240 - tar.size() % 10240) % 10240, '\0');
  const std::string compressed = gzip(tar);

  // O_EXCL: never overwrite, not even through a symlink planted at `out` (O_EXCL fails on any existing name).
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) throw std::runtime_error("refusing to overwrite '" + out.string() + "': it already exists");
    throw_errno("cannot create " + out.string());
  }
  fd_guard guard(fd);
  // The file is ours from here on: on any failure remove it rather than leave half an archive.
  std::size_t written = 0;
  while (written < compressed.size()) {
    const ssize_t n = ::write(fd, compressed.data() + written, compressed.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      remove_and_throw(out, "cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (guard.close_now() != 0) remove_and_throw(out, "cannot close");
}

}  // namespace ws_grade
