/// @file archive.hpp
/// @brief The autograder's reader and writer of learner submissions: a .tar.gz or an uploaded folder.
///
/// Submissions come from people we cannot trust, so the reader treats the archive as hostile: it parses the tar
/// stream itself (POSIX ustar / GNU headers, 512-byte blocks), accepts only regular files and directories with plain
/// relative names, decides every size limit from the header before reading data, stops decompressing at a fixed
/// budget, and never writes anything. It returns the wanted files' contents; the caller writes them where it wants.
/// Anything it cannot vouch for (links, devices, long-name or pax headers, `..`, a damaged stream) rejects the whole
/// submission with one readable line, so the learner knows what to fix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ws_grade {

/// Limits on what a submission may contain. Defaults suit a lab's source files.
struct archive_limits {
  std::uint64_t max_file_bytes = 1 << 20;       // one file
  std::uint64_t max_total_bytes = 8 << 20;      // all wanted files together
  std::uint64_t max_archive_bytes = 4 << 20;    // the .tar.gz on disk
  std::uint64_t max_unpacked_bytes = 64 << 20;  // decompressed stream read in all (gzip-bomb guard)
  int max_entries = 256;
};

/// One file of a submission: its flat name (as in `wanted`) and its bytes.
struct submitted_file {
  std::string name;
  std::string contents;
};

/// A submission that must be rejected; what() is one readable line naming the entry and the reason,
/// e.g. "entry '../x': a path that leaves the submission folder (..)".
struct rejected_submission : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What a submission held.
struct read_result {
  std::vector<submitted_file> files;  // the wanted files found, in `wanted` order
  std::vector<std::string> ignored;   // names of harmless regular files/dirs that were not wanted
  std::vector<std::string> missing;   // wanted names that were absent
};

/// Reads a .tar.gz. `wanted` are flat file names (e.g. "vector_add.cu", "submission.json"); an entry matches when its
/// path, after removing a leading "./" and at most ONE leading top-level folder (e.g. "lab01/vector_add.cu"), equals a
/// wanted name. Throws rejected_submission for anything hostile anywhere in the archive, even if not wanted.
///
/// @param archive  the .tar.gz; it must be a regular file of at most limits.max_archive_bytes (checked before reading).
/// @param wanted   flat file names to return; a wanted name found twice (in any folder) rejects the submission.
/// @param limits   size and entry-count limits; every entry's declared size is checked before its data is read.
/// @return the wanted files in `wanted` order, the names of the ignored entries, the wanted names that were absent.
/// @throws rejected_submission for a hostile, damaged or oversized submission (what() is one line);
///         std::system_error when the archive cannot be opened or read (a problem of the grading machine).
[[nodiscard]] read_result read_submission_archive(const std::filesystem::path& archive,
                                                  const std::vector<std::string>& wanted,
                                                  const archive_limits& limits = {});

/// Reads the same files from a folder (a Gradescope upload: /autograder/submission). Only `wanted` names directly in
/// the folder or in one subfolder level are looked at (lstat: symlinks, devices, fifos, sockets -> rejected_submission
/// if they are a wanted name; other entries are ignored, never followed). Size limits apply.
///
/// @param folder  the uploaded folder (it may itself be reached through a symlink; nothing inside it is followed).
/// @param wanted  flat file names to return; found twice (top level and a subfolder, or two subfolders) is rejected.
/// @param limits  max_file_bytes and max_total_bytes apply; the archive-only limits do not.
/// @return as read_submission_archive; `ignored` lists the regular files and folders seen at those two levels.
/// @throws rejected_submission for a wanted name that is not a regular file or is too large;
///         std::system_error when the folder cannot be listed or a file cannot be read.
[[nodiscard]] read_result read_submission_folder(const std::filesystem::path& folder,
                                                 const std::vector<std::string>& wanted,
                                                 const archive_limits& limits = {});

/// Writes a .tar.gz (ustar, gzip) of `files` (flat names, mode 0644, mtime given) to `out`. Refuses (throws
/// std::runtime_error) if `out` already exists: it never overwrites anything (open with O_CREAT|O_EXCL).
///
/// The output depends only on the arguments (uid/gid 0, no user names, gzip header time 0), so the same submission
/// gives the same bytes. If writing fails after `out` was created, the partial file is removed.
/// @throws std::invalid_argument for a name that is not a flat file name (empty, '/', control characters, "." or
///         "..", over 100 bytes), a name given twice, or an mtime that ustar cannot store.
void write_submission_archive(const std::filesystem::path& out, const std::vector<submitted_file>& files,
                              std::int64_t mtime_seconds);

}  // namespace ws_grade
