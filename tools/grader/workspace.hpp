/// @file workspace.hpp
/// @brief Where submissions are compiled: a build that holds no answer, made from a copy of the public sources.
///
/// The grader keeps two builds apart (docs/grading.md, "Isolation"):
///  - `build/grade`, ours: the grader itself and the reference solutions it compares with. Never visible to a
///    submission.
///  - the *graded workspace*, the submission's: `source/`, a copy of the public files a lab's tests need (the CMake
///    files, common/, the CPU backend's translator, the tests), and `build/`, a CMake build of only the labs' graded
///    trees (WS_GRADED_ONLY) from that copy. Nothing in it was ever compiled from solutions/, so a submission whose
///    compiler reads every file it can (`#include`, `.incbin`) finds no answer there.
///
/// When the grader runs as root, the workspace is outside the checkout (a checkout under /root is not reachable by
/// other users), owned by the build user k_build_uid, and the tests run as another user (k_test_uid), so a test can
/// neither read nor change what the next submission is built from.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace ws_grade {

/// The unprivileged user that compiles submissions (when the grader is root).
inline constexpr uid_t k_build_uid = 65533;
/// The unprivileged user that runs the learner's test binaries (nobody).
inline constexpr uid_t k_test_uid = 65534;

struct graded_workspace {
  std::filesystem::path root;    ///< the workspace
  std::filesystem::path source;  ///< root/source: the public sources, copied
  std::filesystem::path build;   ///< root/build: the WS_GRADED_ONLY build
  bool separate_users = false;   ///< we are root: build as k_build_uid, run tests as k_test_uid
};

/// The workspace that belongs to the grading build `grade_build` (one per build, so two checkouts never share one):
/// `/var/tmp/warpspeed-graded-<hash>` when we are root, else `<grade_build>/../graded`.
graded_workspace workspace_for(const std::filesystem::path& grade_build);

/// The public files a graded build needs, relative to the checkout: the only files of the checkout a submission's
/// compiler ever sees. Folders are copied whole.
const std::vector<std::string>& public_sources();

/// Copies public_sources() from `checkout` into ws.source (only what changed, so ninja rebuilds nothing needlessly),
/// configures ws.build the first time (as the build user), and hands ws.build to the build user. Throws
/// std::runtime_error when configuring fails.
void prepare_workspace(const std::filesystem::path& checkout, const graded_workspace& ws, std::ostream& log);

/// A file's bytes ("" when it cannot be read).
std::string read_text(const std::filesystem::path& file);

/// Writes `contents` to `file` unless it already holds exactly that, so ninja rebuilds nothing needlessly. Never
/// writes through a link someone left there. Throws std::runtime_error when it cannot write.
void write_if_different(const std::filesystem::path& file, const std::string& contents);

/// Makes `path` and everything below it belong to `uid` (no-op when we are not root).
void chown_tree(const std::filesystem::path& path, uid_t uid);

/// Makes folders that hold answers or other people's work unreadable to the unprivileged users, when we are root:
/// without bubblewrap (Docker, Gradescope) file permissions are what keeps them out. Returns what it changed, for the
/// log. Paths that do not exist are skipped.
std::vector<std::string> lock_down(const std::vector<std::filesystem::path>& private_folders);

}  // namespace ws_grade
