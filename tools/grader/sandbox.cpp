/// @file sandbox.cpp
/// @brief run_limited(): a keeper process per run, rlimits, a memory cgroup and bubblewrap in the command, and a
/// polling caller that enforces the wall, memory and written-bytes limits, keeps the output's head and tail, and
/// kills everything left at the end.
///
/// The process tree of one run:
///
///     caller (run_limited, polls)  ->  keeper (child subreaper, reaps)  ->  command [-> bwrap -> ...] -> ...
///                                                                          '-- in the run's memory cgroup --'
///
/// The command joins the run's cgroup before exec, and the keeper stays outside it, so the kernel's OOM killer can
/// only pick the run's own processes, never the one that reaps them and reports.
///
/// Why a keeper and not the caller as the subreaper: the caller may run several commands at once, or have children
/// of its own; a per-run subreaper makes "the run's processes" exactly "the keeper's subtree", so killing them can
/// never hit anything else, and the caller's process-wide settings stay as they were.
///
/// Between fork() and exec() only async-signal-safe calls are made (the caller may have threads that held malloc's
/// lock when we forked), so everything the keeper and the command need is prepared beforehand in a `child_plan`.
#include "sandbox.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

extern char** environ;

namespace ws_grade {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// setrlimit's first parameter: an enum in glibc, an int elsewhere.
using rlimit_resource = decltype(RLIMIT_CPU);

constexpr uid_t nobody_uid = 65534;
constexpr gid_t nobody_gid = 65534;
constexpr milliseconds poll_interval{20};
/// How long we wait for killed processes to disappear before giving up on them (a process stuck in the kernel,
/// e.g. in a GPU driver, dies only when the kernel lets it).
constexpr milliseconds kill_grace{5000};

// ---- small POSIX helpers -------------------------------------------------------------------------------------------

/// An owned file descriptor.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

[[noreturn]] void throw_errno(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

/// A close-on-exec pipe whose ends are both >= 3, so the command's dup2() onto 0, 1 and 2 cannot clobber them even
/// when the caller runs with a standard stream closed.
std::pair<unique_fd, unique_fd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("run_limited: pipe2");
  unique_fd ends[2] = {unique_fd(fds[0]), unique_fd(fds[1])};
  for (unique_fd& end : ends) {
    if (end.get() < 3) {
      const int moved = ::fcntl(end.get(), F_DUPFD_CLOEXEC, 3);
      if (moved < 0) throw_errno("run_limited: fcntl(F_DUPFD_CLOEXEC)");
      end = unique_fd(moved);
    }
  }
  return {std::move(ends[0]), std::move(ends[1])};
}

/// Reads a small file (/proc/PID/stat, /proc/PID/status) into `buffer`; false when it is gone.
bool read_small_file(const char* path, std::string& buffer) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  buffer.clear();
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buffer.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(fd);
  return !buffer.empty();
}

// ---- the process table -----------------------------------------------------------------------------------------------

/// One process as /proc/PID/stat shows it.
struct process_entry {
  pid_t pid = 0;
  pid_t ppid = 0;
  std::uint64_t rss_pages = 0;
};

/// Every process visible in /proc (thread-group leaders; PIDs as our PID namespace numbers them, also for processes
/// inside bwrap's namespace, so their parent chains lead to the keeper).
std::vector<process_entry> read_process_table() {
  std::vector<process_entry> table;
  std::error_code ec;
  std::string stat;
  char path[64];
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    std::snprintf(path, sizeof path, "/proc/%s/stat", name.c_str());
    if (!read_small_file(path, stat)) continue;  // it ended meanwhile
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
    // priority nice threads itrealvalue starttime vsize rss ...": comm may hold spaces and ')', so parse after the
    // last ')'.
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<std::string_view> fields;
    std::string_view rest(stat);
    rest.remove_prefix(close + 1);
    while (!rest.empty() && fields.size() < 22) {
      const std::size_t start = rest.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const std::size_t stop = std::min(rest.find(' '), rest.size());
      fields.push_back(rest.substr(0, stop));
      rest.remove_prefix(stop);
    }
    if (fields.size() < 22) continue;
    process_entry entry;
    entry.pid = static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10));
    entry.ppid = static_cast<pid_t>(std::strtol(std::string(fields[1]).c_str(), nullptr, 10));  // field 4
    entry.rss_pages = std::strtoull(std::string(fields[21]).c_str(), nullptr, 10);              // field 24
    table.push_back(entry);
  }
  return table;
}

/// Every process whose parent chain leads to `root` (not `root` itself), zombies included.
std::vector<process_entry> descendants_of(pid_t root) {
  const std::vector<process_entry> table = read_process_table();
  std::unordered_multimap<pid_t, const process_entry*> children;
  for (const process_entry& entry : table) children.emplace(entry.ppid, &entry);
  std::vector<process_entry> found;
  std::vector<pid_t> queue = {root};
  while (!queue.empty()) {
    const pid_t parent = queue.back();
    queue.pop_back();
    const auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      found.push_back(*it->second);
      queue.push_back(it->second->pid);
    }
  }
  return found;
}

/// SIGKILLs every descendant of `root` once; returns how many there were.
std::size_t kill_descendants_once(pid_t root) {
  const std::vector<process_entry> found = descendants_of(root);
  for (const process_entry& entry : found) ::kill(entry.pid, SIGKILL);
  return found.size();
}

/// SIGKILLs the descendants of `root` until none are left (new forks and reparented zombies included), or until
/// `give_up`. The keeper reaps them, so "none left" also means no zombies.
bool kill_all_descendants(pid_t root, clock_type::time_point give_up) {
  for (;;) {
    if (kill_descendants_once(root) == 0) return true;
    if (clock_type::now() >= give_up) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
}

/// How many tasks (threads count for RLIMIT_NPROC) the real user `uid` has now.
long tasks_of_user(uid_t uid) {
  long tasks = 0;
  std::error_code ec;
  std::string status;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    if (!read_small_file((it->path() / "status").c_str(), status)) continue;
    const std::size_t uid_at = status.find("\nUid:");
    const std::size_t threads_at = status.find("\nThreads:");
    if (uid_at == std::string::npos || threads_at == std::string::npos) continue;
    if (std::strtoul(status.c_str() + uid_at + 5, nullptr, 10) != uid) continue;
    tasks += std::strtol(status.c_str() + threads_at + 9, nullptr, 10);
  }
  return tasks;
}

// ---- bytes written: disk usage of the writable paths ------------------------------------------------------------

/// Sums the disk usage (st_blocks, as `du` counts it) of a set of trees, for run_limits::written_bytes. Disk usage
/// rather than st_size: a sparse file (`truncate -s 1T`) has written nothing. Symlinks are not followed, other file
/// systems mounted inside are not entered, and a file with several hard links counts once.
class disk_usage {
 public:
  /// `roots`: resolved paths; a root inside another root is dropped, so nothing counts twice.
  explicit disk_usage(std::vector<std::filesystem::path> roots) {
    std::sort(roots.begin(), roots.end());
    for (const std::filesystem::path& root : roots) {
      const bool nested = std::any_of(roots_.begin(), roots_.end(), [&](const std::string& outer) {
        const std::string inner = root.string();
        return inner == outer || (inner.rfind(outer, 0) == 0 && (outer.back() == '/' || inner[outer.size()] == '/'));
      });
      if (!nested) roots_.push_back(root.string());
    }
  }

  /// Bytes in use now.
  std::uint64_t measure() {
    total_ = 0;
    entries_ = 0;
    linked_.clear();
    for (const std::string& root : roots_) {
      struct stat info{};
      if (::lstat(root.c_str(), &info) != 0) continue;
      add(info);
      if (!S_ISDIR(info.st_mode)) continue;
      const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) walk(fd, info.st_dev, 0);
    }
    return total_;
  }

 private:
  /// Deeper folders are counted but not entered: each level holds a descriptor. Far deeper than any build.
  static constexpr int max_depth = 200;
  /// A walk stops after this many entries (the count is then a lower bound); the poll interval grows with the walk's
  /// duration, so even this many cannot stall the caller.
  static constexpr std::uint64_t max_entries = 4'000'000;

  void add(const struct stat& info) {
    if (!S_ISDIR(info.st_mode) && info.st_nlink > 1 && !linked_.insert({info.st_dev, info.st_ino}).second) return;
    total_ += static_cast<std::uint64_t>(info.st_blocks) * 512;
  }

  /// Takes ownership of `fd`.
  void walk(int fd, dev_t device, int depth) {
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      ::close(fd);
      return;
    }
    while (const dirent* entry = ::readdir(dir)) {
      const char* name = entry->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      if (++entries_ > max_entries) break;
      struct stat info{};
      if (::fstatat(::dirfd(dir), name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;  // removed meanwhile
      add(info);
      if (S_ISDIR(info.st_mode) && info.st_dev == device && depth < max_depth) {
        const int child = ::openat(::dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child >= 0) walk(child, device, depth + 1);
      }
    }
    ::closedir(dir);
  }

  struct inode_hash {
    std::size_t operator()(const std::pair<dev_t, ino_t>& key) const {
      return std::hash<std::uint64_t>()(static_cast<std::uint64_t>(key.second) * 31 + key.first);
    }
  };
  std::vector<std::string> roots_;
  std::uint64_t total_ = 0;
  std::uint64_t entries_ = 0;
  std::unordered_set<std::pair<dev_t, ino_t>, inode_hash> linked_;
};

/// What the run's processes hold open but no folder shows: files of memfd_create() or deleted from a tmpfs (memory),
/// and deleted files on disk (written bytes a tree walk misses).
struct unlinked_files {
  std::uint64_t memory_bytes = 0;
  std::uint64_t disk_bytes = 0;
};

/// Looks at every open descriptor of `tree` through /proc/PID/fd (each file once).
unlinked_files unlinked_open_files(const std::vector<process_entry>& tree) {
  constexpr long tmpfs_magic = 0x01021994;  // TMPFS_MAGIC: memfd_create() files are on an internal tmpfs too
  unlinked_files found;
  std::unordered_set<std::uint64_t> seen;
  char path[64 + sizeof(dirent::d_name)];
  for (const process_entry& entry : tree) {
    std::snprintf(path, sizeof path, "/proc/%d/fd", static_cast<int>(entry.pid));
    DIR* dir = ::opendir(path);
    if (dir == nullptr) continue;  // gone, or not ours to look at
    while (const dirent* fd = ::readdir(dir)) {
      if (fd->d_name[0] < '0' || fd->d_name[0] > '9') continue;
      std::snprintf(path, sizeof path, "/proc/%d/fd/%s", static_cast<int>(entry.pid), fd->d_name);
      struct stat info{};
      if (::stat(path, &info) != 0 || !S_ISREG(info.st_mode) || info.st_nlink != 0) continue;
      if (!seen.insert(static_cast<std::uint64_t>(info.st_ino) * 1000003u + info.st_dev).second) continue;
      struct statfs fs{};
      const std::uint64_t bytes = static_cast<std::uint64_t>(info.st_blocks) * 512;
      if (::statfs(path, &fs) == 0 && static_cast<long>(fs.f_type) == tmpfs_magic) {
        found.memory_bytes += bytes;
      } else {
        found.disk_bytes += bytes;
      }
    }
    ::closedir(dir);
  }
  return found;
}

// ---- memory cgroups ---------------------------------------------------------------------------------------------

/// Where our own memory cgroup is, the parent of every run's cgroup.
struct cgroup_parent {
  memory_accounting version = memory_accounting::rss_polling;  // rss_polling: none found
  std::string path;
};

/// Splits `text` at `separator`.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

/// Our memory cgroup, from /proc/self/cgroup (which cgroup) and /proc/self/mountinfo (where its hierarchy is
/// mounted). v1's memory controller first: where both exist, v2 usually has no memory controller.
cgroup_parent find_own_memory_cgroup() {
  std::string cgroups;
  std::string mounts;
  if (!read_small_file("/proc/self/cgroup", cgroups) || !read_small_file("/proc/self/mountinfo", mounts)) return {};
  std::optional<std::string> v1_path;
  std::optional<std::string> v2_path;
  for (std::string_view line : split(cgroups, '\n')) {
    // "ID:CONTROLLERS:PATH"; the path may itself hold ':'.
    const std::size_t first = line.find(':');
    const std::size_t second = line.find(':', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) continue;
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const std::string path(line.substr(second + 1));
    const std::vector<std::string_view> names = split(controllers, ',');
    if (std::find(names.begin(), names.end(), "memory") != names.end()) v1_path = path;
    if (line.substr(0, first) == "0" && controllers.empty()) v2_path = path;
  }
  cgroup_parent found;
  for (std::string_view line : split(mounts, '\n')) {
    // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"
    const std::size_t dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    const std::vector<std::string_view> fields = split(line.substr(0, dash), ' ');
    const std::vector<std::string_view> tail = split(line.substr(dash + 3), ' ');
    if (fields.size() < 5 || tail.size() < 3) continue;
    const std::vector<std::string_view> options = split(tail[2], ',');
    const bool has_memory = std::find(options.begin(), options.end(), "memory") != options.end();
    const bool v1 = tail[0] == "cgroup" && v1_path && has_memory;
    const bool v2 = tail[0] == "cgroup2" && v2_path && found.path.empty();
    if (!v1 && !v2) continue;
    std::string path = v1 ? *v1_path : *v2_path;
    const std::string root(fields[3]);
    if (root != "/") {
      if (path.rfind(root, 0) != 0) continue;  // our cgroup is not under this mount's root
      path = path.substr(root.size());
    }
    found.path = std::string(fields[4]) + (path == "/" ? "" : path);
    found.version = v1 ? memory_accounting::cgroup_v1 : memory_accounting::cgroup_v2;
    if (v1) break;
  }
  return found;
}

/// Writes `text` to the file `path`; false when it cannot.
bool write_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return ::close(fd) == 0 && ok;
}

/// The memory cgroup of one run: created with its limit, joined by the command before exec (through procs_fd()),
/// watched for OOM kills, removed when the run is over.
class run_cgroup {
 public:
  /// nullptr when it cannot be made (then the run falls back to RSS polling).
  static std::unique_ptr<run_cgroup> create(const cgroup_parent& parent, std::uint64_t limit_bytes) {
    if (parent.path.empty()) return nullptr;
    static std::atomic<unsigned> serial{0};
    auto group = std::unique_ptr<run_cgroup>(new run_cgroup);
    group->version_ = parent.version;
    group->path_ = parent.path + "/ws_run_" + std::to_string(::getpid()) + "_" + std::to_string(serial++);
    if (::mkdir(group->path_.c_str(), 0755) != 0) return nullptr;
    group->made_ = true;
    const std::string limit = std::to_string(limit_bytes);
    if (parent.version == memory_accounting::cgroup_v1) {
      if (!write_file(group->path_ + "/memory.limit_in_bytes", limit)) return nullptr;
      // Memory + swap at the same limit, so that tmpfs pages cannot escape the limit into swap (absent when the
      // kernel does not account swap).
      write_file(group->path_ + "/memory.memsw.limit_in_bytes", limit);
    } else {
      if (!write_file(group->path_ + "/memory.max", limit)) {
        // The controller may not be enabled for our children yet.
        write_file(parent.path + "/cgroup.subtree_control", "+memory");
        if (!write_file(group->path_ + "/memory.max", limit)) return nullptr;
      }
      write_file(group->path_ + "/memory.swap.max", "0");
      write_file(group->path_ + "/memory.oom.group", "1");  // the kernel kills the whole run at once
    }
    group->procs_ = unique_fd(::open((group->path_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    if (!group->procs_) return nullptr;
    return group;
  }

  run_cgroup(const run_cgroup&) = delete;
  run_cgroup& operator=(const run_cgroup&) = delete;
  ~run_cgroup() {
    if (!made_) return;
    // Empty once every process of the run is reaped; the kernel may take a moment to notice.
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (::rmdir(path_.c_str()) == 0 || errno == ENOENT) return;
      std::this_thread::sleep_for(milliseconds(1));
    }
  }

  /// Writing "0" here moves the writer into the cgroup.
  int procs_fd() const { return procs_.get(); }
  void close_procs_fd() { procs_.reset(); }

  /// How many processes the kernel's OOM killer killed in this cgroup (at the limit).
  std::uint64_t oom_kills() const {
    std::string text;
    const char* file = version_ == memory_accounting::cgroup_v1 ? "/memory.oom_control" : "/memory.events";
    if (!read_small_file((path_ + file).c_str(), text)) return 0;
    const std::size_t at = text.find("oom_kill ");
    return at == std::string::npos ? 0 : std::strtoull(text.c_str() + at + 9, nullptr, 10);
  }

  memory_accounting version() const { return version_; }

 private:
  run_cgroup() = default;
  memory_accounting version_ = memory_accounting::rss_polling;
  std::string path_;
  bool made_ = false;
  unique_fd procs_;
};

/// Can a run use a memory cgroup here? Makes one and moves a forked child into it, as a run would. Also removes the
/// empty cgroups a killed grader left behind (ws_run_<its pid>_N, that pid gone).
cgroup_parent probe_memory_cgroup() {
  const cgroup_parent parent = find_own_memory_cgroup();
  std::error_code ec;
  for (std::filesystem::directory_iterator it(parent.path, ec), end; !parent.path.empty() && !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("ws_run_", 0) != 0) continue;
    const std::string pid = name.substr(7, name.find('_', 7) - 7);
    std::error_code ignored;
    if (!std::filesystem::exists("/proc/" + pid, ignored)) ::rmdir(it->path().c_str());
  }
  std::unique_ptr<run_cgroup> group = run_cgroup::create(parent, 64ull << 20);
  if (!group) return {};
  const pid_t child = ::fork();
  if (child < 0) return {};
  if (child == 0) ::_exit(::write(group->procs_fd(), "0", 1) == 1 ? 0 : 1);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
  return parent;
}

const cgroup_parent& usable_memory_cgroup() {
  static const cgroup_parent parent = probe_memory_cgroup();
  return parent;
}

// ---- the command line -------------------------------------------------------------------------------------------------

/// `name` searched in `path_list` like execvp() does; "" when not found. A name with a '/' is returned as is.
std::string find_in_path(const std::string& name, const std::string& path_list) {
  if (name.find('/') != std::string::npos) return name;
  std::size_t start = 0;
  for (;;) {
    const std::size_t stop = std::min(path_list.find(':', start), path_list.size());
    std::string dir = path_list.substr(start, stop - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    struct stat info{};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (stop == path_list.size()) return "";
    start = stop + 1;
  }
}

std::string caller_path_list() {
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
}

/// The namespace flags every bwrap run uses (the probe included, so the probe tests exactly what runs use).
const std::vector<std::string>& bwrap_isolation_flags() {
  static const std::vector<std::string> flags = {"--unshare-all", "--die-with-parent", "--new-session", "--cap-drop",
                                                 "ALL"};
  return flags;
}

/// An absolute path with symlinks resolved (so that the nesting order below is the real one).
std::filesystem::path resolved(const std::filesystem::path& path) {
  return std::filesystem::weakly_canonical(std::filesystem::absolute(path));
}

/// The folders that hold temporary files in a minimal_root view: `<first writable>/.tmp` and `.shm`, on disk (so
/// written_bytes counts them), open to every user like /tmp. Empty paths when there is no writable path.
struct temp_folders {
  std::filesystem::path tmp;
  std::filesystem::path shm;
};

temp_folders minimal_root_temp_folders(const sandbox_options& options) {
  if (!options.minimal_root || options.writable.empty()) return {};
  const std::filesystem::path base = resolved(options.writable.front());
  return {base / ".tmp", base / ".shm"};
}

/// What a minimal_root view binds read-only besides the caller's paths (see sandbox_options::minimal_root for why
/// each is there). /bin, /sbin and the /lib* folders become symlinks where they are symlinks (merged /usr).
const std::vector<std::string>& minimal_root_system_paths() {
  static const std::vector<std::string> paths = {"/usr",           "/bin",           "/sbin",
                                                 "/lib",           "/lib64",         "/lib32",
                                                 "/libx32",        "/etc/ld.so.cache", "/etc/ld.so.conf",
                                                 "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime"};
  return paths;
}

/// `bwrap ... --` for `options`. Mounts apply in order, so a mount inside another one must come after it: /tmp's
/// tmpfs and the hidden paths' tmpfs would otherwise cover a readable or writable folder inside them. Sorting all of
/// them by depth (parents first) gives that; on equal paths hidden and masked come last, so hiding wins. Read-only
/// remounts come after every mount, since bwrap creates the mount points of nested mounts inside their parents.
std::vector<std::string> bwrap_prefix(const sandbox_options& options) {
  std::vector<std::string> args = {"bwrap"};
  enum class how { read_only, writable, hidden, private_tmp, masked_file };
  struct mount {
    std::filesystem::path path;
    how kind;
    std::string source;  // when it differs from path
  };
  std::vector<mount> mounts;
  std::vector<std::string> read_only_after;  // tmpfs mounts and bwrap's own root and /dev
  if (options.minimal_root) {
    for (const std::string& path : minimal_root_system_paths()) {
      struct stat info{};
      if (::lstat(path.c_str(), &info) != 0) continue;
      if (S_ISLNK(info.st_mode) && std::count(path.begin(), path.end(), '/') == 1) {
        std::error_code ec;
        const std::filesystem::path target = std::filesystem::read_symlink(path, ec);
        if (!ec) args.insert(args.end(), {"--symlink", target.string(), path});
        continue;
      }
      mounts.push_back({path, how::read_only, ""});
    }
    const temp_folders temp = minimal_root_temp_folders(options);
    if (!temp.tmp.empty()) {
      mounts.push_back({"/tmp", how::writable, temp.tmp.string()});
      mounts.push_back({"/dev/shm", how::writable, temp.shm.string()});
    } else {
      args.insert(args.end(), {"--dir", "/tmp"});  // empty, and read-only with the root
    }
    read_only_after.insert(read_only_after.end(), {"/dev", "/"});
  } else {
    args.insert(args.end(), {"--ro-bind", "/", "/"});
    mounts.push_back({"/tmp", how::private_tmp, ""});
  }
  args.insert(args.end(), {"--dev", "/dev"});
  if (options.allow_gpu_devices) {
    std::vector<std::string> devices;
    std::error_code ec;
    for (std::filesystem::directory_iterator it("/dev", ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().rfind("nvidia", 0) == 0) devices.push_back(it->path().string());
    }
    std::sort(devices.begin(), devices.end());
    for (const std::string& device : devices) args.insert(args.end(), {"--dev-bind", device, device});
    // The CUDA driver reads the GPU's PCI and NUMA topology under /sys.
    if (options.minimal_root) mounts.push_back({"/sys", how::read_only, ""});
  }
  args.insert(args.end(), {"--proc", "/proc"});

  for (const std::filesystem::path& path : options.readable) mounts.push_back({resolved(path), how::read_only, ""});
  for (const std::filesystem::path& path : options.writable) mounts.push_back({resolved(path), how::writable, ""});
  for (const std::filesystem::path& path : options.hidden) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) mounts.push_back({resolved(path), how::hidden, ""});
  }
  for (const std::filesystem::path& path : options.masked) {
    // The real file: every symlink to it (an alternative, a versioned name) then fails too.
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::canonical(path, ec);
    if (ec) continue;
    mounts.push_back({real, std::filesystem::is_directory(real, ec) ? how::hidden : how::masked_file, ""});
  }
  const auto depth = [](const std::filesystem::path& path) { return std::distance(path.begin(), path.end()); };
  std::stable_sort(mounts.begin(), mounts.end(), [&](const mount& a, const mount& b) {
    return depth(a.path) < depth(b.path);
  });
  for (const mount& m : mounts) {
    const std::string path = m.path.string();
    const std::string source = m.source.empty() ? path : m.source;
    switch (m.kind) {
      case how::private_tmp: args.insert(args.end(), {"--tmpfs", path}); break;
      case how::hidden:
        // Read-only: a hidden folder must not become a place to store memory-backed files.
        args.insert(args.end(), {"--tmpfs", path});
        read_only_after.push_back(path);
        break;
      case how::read_only: args.insert(args.end(), {"--ro-bind", source, path}); break;
      case how::writable: args.insert(args.end(), {"--bind", source, path}); break;
      // /dev/null bound without device access (bwrap mounts binds nodev): opening it fails with EACCES.
      case how::masked_file: args.insert(args.end(), {"--ro-bind", "/dev/null", path}); break;
    }
  }
  for (const std::string& path : read_only_after) args.insert(args.end(), {"--remount-ro", path});
  const std::vector<std::string>& flags = bwrap_isolation_flags();
  args.insert(args.end(), flags.begin(), flags.end());
  if (!options.workdir.empty()) args.insert(args.end(), {"--chdir", resolved(options.workdir).string()});
  args.push_back("--");
  return args;
}

// ---- the forked side ----------------------------------------------------------------------------------------------

/// Where the command failed before exec, sent to the caller through the error pipe.
enum class start_stage : int { fork = 1, session, limits, streams, workdir, privileges, exec, cgroup };

struct start_failure {
  int stage = 0;
  int error = 0;
};

/// What the keeper sends when the command ended.
struct exit_record {
  int status = 0;
  long long cpu_microseconds = 0;
};

/// Everything the keeper and the command need, prepared before fork().
struct child_plan {
  std::string exec_path;
  std::vector<std::string> arg_storage;
  std::vector<char*> argv;
  std::vector<std::string> env_storage;
  std::vector<char*> envp;
  std::string workdir;
  std::vector<std::pair<rlimit_resource, rlimit>> limits;
  bool change_user = false;  // to uid/gid, without supplementary groups
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t caller = 0;
  int output_fd = -1;  // write ends
  int error_fd = -1;
  int status_fd = -1;
  int cgroup_fd = -1;  // the run's cgroup.procs, or -1
};

void write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

[[noreturn]] void fail_start(const child_plan& plan, start_stage stage) {
  const start_failure failure{static_cast<int>(stage), errno};
  write_all(plan.error_fd, &failure, sizeof failure);
  ::_exit(127);
}

/// Closes every descriptor >= 3 except `keep` (sorted; those < 3 are ignored): the keeper must not hold other runs'
/// pipes, and the command must not inherit the caller's files.
void close_other_fds(const int (&keep)[4]) {
  unsigned int from = 3;
  bool fast = true;
  for (int fd : keep) {
    if (fd < 3) continue;
    const auto upto = static_cast<unsigned int>(fd);
#ifdef SYS_close_range
    if (fast && upto > from && ::syscall(SYS_close_range, from, upto - 1, 0) != 0) fast = false;
#else
    fast = false;
#endif
    if (!fast) {
      for (unsigned int i = from; i < upto; ++i) ::close(static_cast<int>(i));
    }
    from = upto + 1;
  }
#ifdef SYS_close_range
  if (fast && ::syscall(SYS_close_range, from, ~0U, 0) == 0) return;
#endif
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  const rlim_t last = files.rlim_cur == RLIM_INFINITY ? 1u << 20 : files.rlim_cur;
  for (rlim_t i = from; i < last; ++i) ::close(static_cast<int>(i));
}

/// The command: its own session, limits, streams, folder and user, then exec.
[[noreturn]] void command_main(const child_plan& plan, pid_t keeper) {
  // A new session is also a new process group, and it has no controlling terminal, so the command cannot open
  // /dev/tty or get the terminal's signals.
  if (::setsid() < 0) fail_start(plan, start_stage::session);
  // Into the run's memory cgroup while we may still write its files; everything the command starts inherits it.
  // The keeper stays outside, so the kernel's OOM killer can never pick it.
  if (plan.cgroup_fd >= 0) {
    if (::write(plan.cgroup_fd, "0", 1) != 1) fail_start(plan, start_stage::cgroup);
    ::close(plan.cgroup_fd);
  }
  for (const auto& [resource, limit] : plan.limits) {
    if (::setrlimit(resource, &limit) != 0) fail_start(plan, start_stage::limits);
  }
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0) fail_start(plan, start_stage::streams);
  if (null_fd != 0 && (::dup2(null_fd, 0) < 0 || ::close(null_fd) != 0)) fail_start(plan, start_stage::streams);
  if (::dup2(plan.output_fd, 1) < 0 || ::dup2(plan.output_fd, 2) < 0) fail_start(plan, start_stage::streams);
  ::close(plan.output_fd);
  ::close(plan.status_fd);  // error_fd stays until exec closes it (close-on-exec): EOF there means "exec worked"
  if (!plan.workdir.empty() && ::chdir(plan.workdir.c_str()) != 0) fail_start(plan, start_stage::workdir);
  if (plan.change_user) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(plan.gid) != 0 || ::setuid(plan.uid) != 0) {
      fail_start(plan, start_stage::privileges);
    }
  }
  // After the privilege change, which clears it: die with the keeper.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != keeper) ::_exit(127);
  ::execve(plan.exec_path.c_str(), plan.argv.data(), plan.envp.data());
  fail_start(plan, start_stage::exec);
}

/// The keeper: subreaper of the run, parent of the command, reaper of everything the command leaves.
[[noreturn]] void keeper_main(const child_plan& plan) {
  // The caller's signal handlers, ignored signals and blocked signals must not reach the command (an ignored
  // SIGPIPE or SIGCHLD is inherited through exec); the keeper itself needs SIGCHLD's default to wait.
  struct sigaction default_action{};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &default_action, nullptr);  // glibc's own signals: EINVAL
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != plan.caller) ::_exit(1);
  int keep[4] = {plan.output_fd, plan.error_fd, plan.status_fd, plan.cgroup_fd};
  std::sort(std::begin(keep), std::end(keep));
  close_other_fds(keep);
  // Every orphan of the run (a daemon's double fork, a killed parent's children) becomes our child, so the run's
  // processes are exactly our subtree.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  const pid_t keeper = ::getpid();
  const pid_t command = ::fork();
  if (command == 0) command_main(plan, keeper);
  if (command < 0) fail_start(plan, start_stage::fork);
  ::close(plan.output_fd);
  ::close(plan.error_fd);
  if (plan.cgroup_fd >= 0) ::close(plan.cgroup_fd);

  int status_fd = plan.status_fd;
  for (;;) {
    int status = 0;
    rusage usage{};
    const pid_t pid = ::wait4(-1, &status, 0, &usage);
    if (pid == command) {
      const exit_record record{status, (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000LL +
                                            usage.ru_utime.tv_usec + usage.ru_stime.tv_usec};
      write_all(status_fd, &record, sizeof record);
      ::close(status_fd);
      status_fd = -1;
    } else if (pid < 0 && errno != EINTR) {
      break;  // ECHILD: nothing of the run is left
    }
  }
  ::_exit(0);
}

// ---- the caller's side ------------------------------------------------------------------------------------------------

/// Keeps the first and the last part of a stream that may be endless.
class head_tail_buffer {
 public:
  explicit head_tail_buffer(std::uint64_t limit)
      : head_limit_(static_cast<std::size_t>(limit - limit / 2)), tail_limit_(static_cast<std::size_t>(limit / 2)) {}

  void add(const char* data, std::size_t size) {
    total_ += size;
    const std::size_t to_head = std::min(size, head_limit_ - head_.size());
    head_.append(data, to_head);
    if (size > to_head) {
      tail_.append(data + to_head, size - to_head);
      // Trim only now and then, so the cost per byte stays constant.
      if (tail_.size() > 2 * tail_limit_ + 65536) tail_.erase(0, tail_.size() - tail_limit_);
    }
  }

  /// The kept text; `cut` says whether bytes were dropped.
  std::string finish(bool& cut) {
    if (tail_.size() > tail_limit_) tail_.erase(0, tail_.size() - tail_limit_);
    const std::uint64_t dropped = total_ - head_.size() - tail_.size();
    cut = dropped > 0;
    if (!cut) return head_ + tail_;
    std::string text = head_;
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += "[... " + std::to_string(dropped) + " bytes cut ...]\n";
    return text + tail_;
  }

 private:
  std::size_t head_limit_;
  std::size_t tail_limit_;
  std::string head_;
  std::string tail_;
  std::uint64_t total_ = 0;
};

/// Reads what is available now (at most a few MB, so a flood cannot starve the clock checks); false at EOF.
bool drain_available(int fd, head_tail_buffer& output) {
  char chunk[65536];
  for (int round = 0; round < 64; ++round) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      output.add(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
  return true;
}

/// Reads exactly one record; 1 when read, 0 at EOF (or a short record), -1 when nothing is there yet.
template <typename Record>
int read_record(int fd, Record& record) {
  for (;;) {
    const ssize_t n = ::read(fd, &record, sizeof record);
    if (n == static_cast<ssize_t>(sizeof record)) return 1;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return -1;
    return 0;
  }
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("run_limited: fcntl(O_NONBLOCK)");
}

std::string stage_text(int stage, const std::string& command, const std::string& workdir, uid_t uid) {
  switch (static_cast<start_stage>(stage)) {
    case start_stage::fork: return "fork";
    case start_stage::session: return "setsid";
    case start_stage::limits: return "setrlimit";
    case start_stage::streams: return "redirecting stdin/stdout/stderr";
    case start_stage::workdir: return "entering " + workdir;
    case start_stage::privileges: return "switching to user " + std::to_string(uid);
    case start_stage::exec: return "exec " + command;
    case start_stage::cgroup: return "joining the run's memory cgroup";
  }
  return "starting";
}

/// The environment: the caller's (with clear_env, a fixed minimal one instead), then TMPDIR for a minimal_root view,
/// then options.env replacing or adding variables, in a stable order. `with_bwrap`: the command sees the view's /tmp.
std::vector<std::string> make_environment(const sandbox_options& options, bool with_bwrap) {
  std::vector<std::string> names;
  std::map<std::string, std::string> values;
  const auto set = [&](const std::string& name, const std::string& value) {
    if (values.insert_or_assign(name, value).second) names.push_back(name);
  };
  const temp_folders temp = minimal_root_temp_folders(options);
  const std::string tmpdir = with_bwrap || temp.tmp.empty() ? "/tmp" : temp.tmp.string();
  if (options.clear_env) {
    std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    std::error_code ec;
    if (std::filesystem::is_directory("/usr/local/cuda/bin", ec)) path += ":/usr/local/cuda/bin";
    set("PATH", path);
    set("LANG", "C.UTF-8");
    std::string home = "/";
    if (!options.workdir.empty()) {
      home = resolved(options.workdir).string();
    } else if (!options.writable.empty()) {
      home = resolved(options.writable.front()).string();
    }
    set("HOME", home);
    set("TMPDIR", tmpdir);
  } else {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string text = *entry;
      const std::size_t eq = text.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      const std::string name = text.substr(0, eq);
      if (values.emplace(name, text.substr(eq + 1)).second) names.push_back(name);
    }
    // The caller's TMPDIR may not exist in the view, and must not be outside the counted folders.
    if (options.minimal_root) set("TMPDIR", tmpdir);
  }
  for (const auto& [name, value] : options.env) {
    if (name.empty() || name.find('=') != std::string::npos) {
      throw std::invalid_argument("run_limited: bad environment variable name '" + name + "'");
    }
    set(name, value);
  }
  std::vector<std::string> env;
  env.reserve(names.size());
  for (const std::string& name : names) env.push_back(name + "=" + values[name]);
  return env;
}

/// The user the command runs as, when we change it: run_as_uid, else nobody for drop_privileges; only when root.
std::optional<std::pair<uid_t, gid_t>> command_user(const sandbox_options& options) {
  if (::geteuid() != 0) return std::nullopt;
  if (options.run_as_uid >= 0) {
    return std::pair{static_cast<uid_t>(options.run_as_uid),
                     static_cast<gid_t>(options.run_as_gid >= 0 ? options.run_as_gid : options.run_as_uid)};
  }
  if (options.drop_privileges) return std::pair{nobody_uid, nobody_gid};
  return std::nullopt;
}

/// The one implementation: execs `exec_path` (already searched in PATH) with `args`. `with_bwrap` says that
/// exec_path is bwrap (which changes how a signal shows in the exit status).
run_result run_process(std::string exec_path, std::vector<std::string> args, const run_limits& limits,
                       const sandbox_options& options, bool with_bwrap) {
  run_result result;
  result.limits = limits;
  result.used_bwrap = with_bwrap;

  const std::optional<std::pair<uid_t, gid_t>> user = command_user(options);
  child_plan plan;
  plan.exec_path = std::move(exec_path);
  plan.arg_storage = std::move(args);
  for (std::string& arg : plan.arg_storage) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  plan.env_storage = make_environment(options, with_bwrap);
  for (std::string& entry : plan.env_storage) plan.envp.push_back(entry.data());
  plan.envp.push_back(nullptr);
  if (!options.workdir.empty()) plan.workdir = resolved(options.workdir).string();
  plan.change_user = user.has_value();
  if (user) std::tie(plan.uid, plan.gid) = *user;
  plan.caller = ::getpid();

  // Limits only ever tighten: never above the caller's own hard limit, which an unprivileged caller could not raise
  // (setrlimit would fail and no command would start).
  const auto add_limit = [&plan](rlimit_resource resource, rlim_t soft, rlim_t hard) {
    rlimit current{};
    if (::getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
      hard = std::min(hard, current.rlim_max);
      soft = std::min(soft, hard);
    }
    plan.limits.push_back({resource, {soft, hard}});
  };
  add_limit(RLIMIT_CORE, 0, 0);
  if (limits.cpu_seconds > 0) {
    const auto soft = static_cast<rlim_t>(std::ceil(std::min(limits.cpu_seconds, 1e9)));
    add_limit(RLIMIT_CPU, soft, soft + 1);
  }
  if (limits.file_bytes > 0) add_limit(RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes);
  if (limits.limit_address_space && limits.memory_bytes > 0) {
    add_limit(RLIMIT_AS, limits.memory_bytes, limits.memory_bytes);
  }
  const uid_t command_uid = user ? user->first : ::getuid();
  if (limits.processes > 0 && command_uid != 0) {
    // RLIMIT_NPROC counts all of the user's tasks, not the run's: allow `processes` more than the user has now.
    const auto allowed = static_cast<rlim_t>(tasks_of_user(command_uid) + limits.processes);
    add_limit(RLIMIT_NPROC, allowed, allowed);
  }

  auto [output_read, output_write] = make_pipe();
  auto [error_read, error_write] = make_pipe();
  auto [status_read, status_write] = make_pipe();
  set_nonblocking(output_read.get());
  set_nonblocking(error_read.get());
  set_nonblocking(status_read.get());
  plan.output_fd = output_write.get();
  plan.error_fd = error_write.get();
  plan.status_fd = status_write.get();

  // The kernel's own accounting where we may use it: it sees tmpfs, shared memory and page cache, which RSS misses.
  std::unique_ptr<run_cgroup> cgroup;
  if (limits.memory_bytes > 0) {
    result.memory = memory_accounting::rss_polling;
    if (options.memory_cgroup && !usable_memory_cgroup().path.empty()) {
      // Above memory_bytes by more than the RSS poll can miss in 20 ms: the poll, which kills the whole tree at
      // once, stays the first to act on ordinary memory; the kernel (which kills one process) catches what RSS cannot
      // see. At exactly memory_bytes, a shell whose child the kernel killed would run on for a moment.
      const std::uint64_t margin = (64ull << 20) + limits.memory_bytes / 16;
      cgroup = run_cgroup::create(usable_memory_cgroup(), limits.memory_bytes + margin);
    }
    if (cgroup) {
      result.memory = cgroup->version();
      plan.cgroup_fd = cgroup->procs_fd();
    }
  }
  // What the writable paths hold before the run: written_bytes limits the growth.
  std::optional<disk_usage> written;
  std::uint64_t written_before = 0;
  if (limits.written_bytes > 0) {
    std::vector<std::filesystem::path> roots;
    for (const std::filesystem::path& path : options.writable) roots.push_back(resolved(path));
    written.emplace(std::move(roots));
    written_before = written->measure();
  }

  const auto start = clock_type::now();
  const pid_t keeper = ::fork();
  if (keeper < 0) throw_errno("run_limited: fork");
  if (keeper == 0) keeper_main(plan);
  if (cgroup) cgroup->close_procs_fd();
  output_write.reset();
  error_write.reset();
  status_write.reset();
  // Should anything below throw (no memory, poll failing), the run must still not outlive us.
  struct keeper_guard {
    pid_t keeper;
    bool armed = true;
    ~keeper_guard() {
      if (!armed) return;
      kill_all_descendants(keeper, clock_type::now() + kill_grace);
      ::kill(keeper, SIGKILL);
      while (::waitpid(keeper, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  } guard{keeper};

  head_tail_buffer output(limits.output_bytes);
  // Clamped to a year, so that a huge limit cannot overflow the clock arithmetic.
  const auto deadline = start + std::chrono::duration_cast<clock_type::duration>(
                                    std::chrono::duration<double>(std::min(limits.wall_seconds, 365 * 86400.0)));
  std::optional<start_failure> failure;
  std::optional<exit_record> ended;
  bool started = false;   // the error pipe closed: exec happened, the command is no longer a copy of us
  bool killed = false;
  bool keeper_lost = false;  // the keeper ended without reporting (killed from outside, or we gave up on it)
  clock_type::time_point give_up{};
  auto last_check = start;
  auto next_written_check = start;
  const bool count_sandbox_tmpfs = with_bwrap && !options.minimal_root && !cgroup && limits.memory_bytes > 0;
  auto next_tmpfs_check = start;
  std::uint64_t tmpfs_bytes = 0;
  // Without a cgroup, memfd and deleted tmpfs files are memory; deleted files on disk are written bytes.
  const bool count_unlinked = (limits.memory_bytes > 0 && !cgroup) || written.has_value();
  auto next_unlinked_check = start;
  unlinked_files unlinked;

  while (!ended && !keeper_lost) {
    pollfd fds[3] = {{output_read.get(), POLLIN, 0}, {error_read.get(), POLLIN, 0}, {status_read.get(), POLLIN, 0}};
    const auto now = clock_type::now();
    auto wait = poll_interval;
    if (!killed && deadline - now < wait) {
      wait = std::max(milliseconds(0), std::chrono::ceil<milliseconds>(deadline - now));
    }
    if (::poll(fds, 3, static_cast<int>(wait.count())) < 0 && errno != EINTR) throw_errno("run_limited: poll");

    if (output_read && !drain_available(output_read.get(), output)) output_read.reset();
    if (error_read) {
      start_failure record;
      const int got = read_record(error_read.get(), record);
      if (got == 1) failure = record;
      if (got >= 0) {
        started = true;
        error_read.reset();
      }
    }
    exit_record record;
    const int got = read_record(status_read.get(), record);
    if (got == 1) {
      ended = record;
      break;
    }
    if (got == 0) {
      keeper_lost = true;
      break;
    }

    const auto checked = clock_type::now();
    if (!killed && checked >= deadline) {
      result.timed_out = true;
    } else if (!killed && started && limits.memory_bytes > 0 && checked - last_check >= poll_interval) {
      last_check = checked;
      std::uint64_t resident = 0;
      const std::vector<process_entry> tree = descendants_of(keeper);
      for (const process_entry& entry : tree) resident += entry.rss_pages;
      resident *= static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
      // Without a cgroup, bwrap's own tmpfs (/tmp, /dev and its shm) is memory no RSS shows: count its files. Any
      // process below bwrap (depth 2 and more) is inside the sandbox, and /proc/PID/root shows us its view.
      if (count_sandbox_tmpfs && checked >= next_tmpfs_check) {
        const auto inside =
            std::find_if(tree.begin(), tree.end(), [&](const process_entry& e) { return e.ppid != keeper; });
        if (inside != tree.end()) {
          const std::string root = "/proc/" + std::to_string(inside->pid) + "/root";
          disk_usage tmpfs({root + "/tmp", root + "/dev"});
          tmpfs_bytes = tmpfs.measure();
          const auto walked = clock_type::now();
          next_tmpfs_check = walked + std::max<clock_type::duration>(poll_interval, 9 * (walked - checked));
        }
      }
      if (resident + tmpfs_bytes + (cgroup ? 0 : unlinked.memory_bytes) > limits.memory_bytes) {
        result.out_of_memory = true;
      }
      // The kernel killed one of the run's processes at the cgroup's limit: the rest goes too, as with RSS.
      if (cgroup && cgroup->oom_kills() > 0) result.out_of_memory = true;
    }
    if (!killed && !result.timed_out && started && count_unlinked && checked >= next_unlinked_check) {
      unlinked = unlinked_open_files(descendants_of(keeper));
      const auto looked = clock_type::now();
      next_unlinked_check = looked + std::max<clock_type::duration>(poll_interval, 9 * (looked - checked));
    }
    if (!killed && !result.timed_out && started && written && checked >= next_written_check) {
      const std::uint64_t bytes = written->measure() + unlinked.disk_bytes;
      const auto walked = clock_type::now();
      // A walk of a huge tree must not become our main work: wait nine times its duration before the next one.
      next_written_check = walked + std::max<clock_type::duration>(poll_interval, 9 * (walked - checked));
      result.written_bytes = bytes > written_before ? bytes - written_before : 0;
      if (result.written_bytes > limits.written_bytes) result.write_limit = true;
    }
    if (!killed && (result.timed_out || result.out_of_memory || result.write_limit)) {
      killed = true;
      give_up = checked + kill_grace;
      kill_descendants_once(keeper);
    } else if (killed && checked - last_check >= poll_interval) {
      last_check = checked;
      kill_descendants_once(keeper);  // what forked in between
      if (checked >= give_up) keeper_lost = true;
    }
  }
  result.wall_seconds = std::chrono::duration<double>(clock_type::now() - start).count();

  // The command is over; whatever it started is not wanted any more. The keeper reaps what we kill and exits once
  // nothing is left.
  kill_all_descendants(keeper, clock_type::now() + kill_grace);
  // With every writer gone the output pipe reaches EOF at once; the bound is for a process we could not kill.
  const auto drain_until = clock_type::now() + milliseconds(1000);
  while (output_read && clock_type::now() < drain_until) {
    pollfd fd = {output_read.get(), POLLIN, 0};
    ::poll(&fd, 1, 20);
    if (!drain_available(output_read.get(), output)) output_read.reset();
  }
  if (error_read) {  // the command died before exec or exec'ed: either way the pipe is complete now
    start_failure record;
    if (read_record(error_read.get(), record) == 1) failure = record;
  }
  guard.armed = false;
  int keeper_status = 0;
  const auto reap_until = clock_type::now() + milliseconds(2000);
  for (;;) {
    const pid_t reaped = ::waitpid(keeper, &keeper_status, WNOHANG);
    if (reaped == keeper || (reaped < 0 && errno != EINTR)) break;  // ECHILD: someone else reaped it
    if (clock_type::now() >= reap_until) {
      // Something of the run would not die; stop waiting for it (the keeper's orphans go to init).
      ::kill(keeper, SIGKILL);
      while (::waitpid(keeper, &keeper_status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(milliseconds(1));
  }

  result.output = output.finish(result.output_cut);
  if (cgroup && cgroup->oom_kills() > 0) result.out_of_memory = true;
  if (written) {
    const std::uint64_t bytes = written->measure();
    result.written_bytes = bytes > written_before ? bytes - written_before : 0;
  }
  if (failure) {
    result.exit_code = 127;
    result.start_error = "cannot start " + plan.arg_storage.front() + ": " + stage_text(failure->stage, plan.exec_path, plan.workdir, plan.uid) +
                         ": " + std::generic_category().message(failure->error);
    return result;
  }
  if (!ended) {
    result.signal = SIGKILL;
    if (!result.timed_out && !result.out_of_memory && !result.write_limit) result.start_error = "the sandbox's keeper process was killed";
    return result;
  }
  if (WIFEXITED(ended->status)) result.exit_code = WEXITSTATUS(ended->status);
  if (WIFSIGNALED(ended->status)) result.signal = WTERMSIG(ended->status);
  // bwrap reports a command killed by signal N as exit code 128 + N, like a shell.
  if (with_bwrap && result.exit_code > 128 && result.exit_code < 128 + 32) {
    result.signal = result.exit_code - 128;
    result.exit_code = -1;
  }
  if (result.signal == SIGXCPU) result.cpu_limit = true;
  if (result.signal == SIGKILL && !killed && limits.cpu_seconds > 0 &&
      static_cast<double>(ended->cpu_microseconds) >= std::ceil(limits.cpu_seconds) * 1e6 - 1e5) {
    result.cpu_limit = true;  // it caught or ignored SIGXCPU and ran on into the hard limit
  }
  if (result.signal == SIGXFSZ) result.file_limit = true;
  return result;
}

/// Runs bwrap as `uid` (-1: as ourselves).
std::string probe_bwrap(int uid) {
  const std::string bwrap = find_in_path("bwrap", caller_path_list());
  if (bwrap.empty()) return "bwrap is not installed (not in PATH)";
  sandbox_options options;
  options.workdir = "/";
  options.use_bwrap = false;
  options.run_as_uid = uid;
  options.memory_cgroup = false;
  sandbox_options layout;  // no extra mounts: test the namespaces, not the caller's paths
  layout.workdir = "/";
  std::vector<std::string> args = bwrap_prefix(layout);
  args.push_back("true");
  run_limits limits;
  limits.wall_seconds = 10;
  limits.output_bytes = 2048;
  const run_result result = run_process(bwrap, std::move(args), limits, options, false);
  if (result.exit_code == 0) return "";
  std::string output = result.output.substr(0, result.output.find('\n'));
  std::string reason = "bwrap cannot create its namespaces here (" + result.failure_reason() + ")";
  if (!result.start_error.empty()) reason = result.start_error;
  if (!output.empty()) reason += ": " + output;
  return reason;
}

}  // namespace

// ---- public ----------------------------------------------------------------------------------------------------------

std::string run_result::failure_reason() const {
  const auto number = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return std::string(text);
  };
  const auto megabytes = [](std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MB"; };
  if (!start_error.empty()) return start_error;
  if (timed_out) return "timed out after " + number(limits.wall_seconds) + " s";
  if (out_of_memory) return "used more than " + megabytes(limits.memory_bytes) + " of memory";
  if (cpu_limit) return "used more than " + number(std::ceil(limits.cpu_seconds)) + " s of CPU time";
  if (write_limit) return "wrote more than " + megabytes(limits.written_bytes) + " in all";
  if (file_limit) return "wrote a file larger than " + megabytes(limits.file_bytes);
  if (signal != 0) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
    const char* name = ::sigdescr_np(signal);  // strsignal() is not thread-safe
#else
    const char* name = ::strsignal(signal);
#endif
    return "killed by signal " + std::to_string(signal) + " (" + (name != nullptr ? name : "unknown signal") + ")";
  }
  if (exit_code != 0) return "exited with code " + std::to_string(exit_code);
  return "";
}

const char* to_string(memory_accounting accounting) {
  switch (accounting) {
    case memory_accounting::none: return "none";
    case memory_accounting::rss_polling: return "rss polling";
    case memory_accounting::cgroup_v1: return "cgroup v1";
    case memory_accounting::cgroup_v2: return "cgroup v2";
  }
  return "unknown";
}

std::string bwrap_unavailable_reason_for_uid(int uid) {
  // Only root changes user; anyone else runs bwrap as themselves.
  if (::geteuid() != 0 || uid < 0) uid = -1;
  static std::mutex mutex;
  static std::map<int, std::string> probed;
  const std::lock_guard<std::mutex> lock(mutex);  // held while probing: one probe per uid, ever
  const auto found = probed.find(uid);
  if (found != probed.end()) return found->second;
  return probed.emplace(uid, probe_bwrap(uid)).first->second;
}

memory_accounting memory_accounting_available() {
  return usable_memory_cgroup().path.empty() ? memory_accounting::rss_polling : usable_memory_cgroup().version;
}

std::string bwrap_unavailable_reason(bool drop_privileges) {
  return bwrap_unavailable_reason_for_uid(drop_privileges ? static_cast<int>(nobody_uid) : -1);
}

run_result run_limited(const std::vector<std::string>& argv, const run_limits& limits, const sandbox_options& options) {
  if (argv.empty() || argv.front().empty()) throw std::invalid_argument("run_limited: no command");
  if (!(limits.wall_seconds > 0)) throw std::invalid_argument("run_limited: wall_seconds must be > 0");
  std::error_code ec;
  if (!options.workdir.empty() && !std::filesystem::is_directory(options.workdir, ec)) {
    throw std::invalid_argument("run_limited: workdir " + options.workdir.string() + " is not a folder");
  }
  for (const std::filesystem::path& path : options.writable) {
    if (!std::filesystem::exists(path, ec)) {
      throw std::invalid_argument("run_limited: writable path " + path.string() + " does not exist");
    }
  }
  for (const std::filesystem::path& path : options.readable) {
    if (!std::filesystem::exists(path, ec)) {
      throw std::invalid_argument("run_limited: readable path " + path.string() + " does not exist");
    }
  }
  for (const std::filesystem::path& path : options.hidden) {
    // A tmpfs can only cover a folder; silently leaving a file visible would be worse than refusing.
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec)) {
      throw std::invalid_argument("run_limited: hidden path " + path.string() + " is not a folder");
    }
  }
  if (options.run_as_uid < -1 || options.run_as_gid < -1) {
    throw std::invalid_argument("run_limited: run_as_uid and run_as_gid must be >= -1");
  }
  // The view's /tmp and /dev/shm: on disk, in the first writable path, open to all (sticky, like /tmp).
  const temp_folders temp = minimal_root_temp_folders(options);
  // An earlier run may have left a symlink there (to /etc, say): never follow it, as root, with a chmod.
  for (const std::filesystem::path& folder : {temp.tmp, temp.shm}) {
    if (folder.empty()) continue;
    struct stat info{};
    if (::lstat(folder.c_str(), &info) == 0 && !S_ISDIR(info.st_mode)) std::filesystem::remove(folder, ec);
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) throw_errno("run_limited: mkdir " + folder.string());
    const unique_fd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd || ::fchmod(fd.get(), 01777) != 0) throw_errno("run_limited: chmod " + folder.string());
  }

  const std::optional<std::pair<uid_t, gid_t>> user = command_user(options);
  const bool with_bwrap =
      options.use_bwrap && bwrap_unavailable_reason_for_uid(user ? static_cast<int>(user->first) : -1).empty();
  if (with_bwrap) {
    // bwrap itself searches PATH for argv[0], inside the sandbox, with the command's environment.
    const std::string bwrap = find_in_path("bwrap", caller_path_list());
    std::vector<std::string> args = bwrap_prefix(options);
    args.insert(args.end(), argv.begin(), argv.end());
    return run_process(bwrap, std::move(args), limits, options, true);
  }
  // Without bwrap we search PATH ourselves, before fork (execvp may allocate), in the command's environment.
  std::string path_list = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& entry : make_environment(options, false)) {
    if (entry.rfind("PATH=", 0) == 0) path_list = entry.substr(5);
  }
  const std::string program = find_in_path(argv.front(), path_list);
  if (program.empty()) {
    run_result result;
    result.limits = limits;
    result.exit_code = 127;
    result.start_error = "cannot start " + argv.front() + ": not found in PATH";
    return result;
  }
  return run_process(program, argv, limits, options, false);
}

run_result run_trusted(const std::vector<std::string>& argv, const run_limits& limits,
                       const std::filesystem::path& workdir) {
  sandbox_options options;
  options.use_bwrap = false;
  options.workdir = workdir;
  return run_limited(argv, limits, options);
}

}  // namespace ws_grade
