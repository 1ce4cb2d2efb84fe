/// @file make_starters.cpp
/// @brief Walks solutions/, builds every starter in memory, then writes, checks or refuses file by file.
///
/// Everything is generated before anything is written, so a malformed region anywhere leaves labs/ untouched.
#include "make_starters.h"

#include "record.h"
#include "regions.h"
#include "starter_ignore.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <ostream>
#include <regex>
#include <set>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace ws::make_starters {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view k_record_name = ".starters";
constexpr std::string_view k_ignore_name = ".starter-ignore";
constexpr std::string_view k_out_of_date_hint =
    "labs/ is out of date with solutions/: run tools/make_starters (or ./course starters)";

// ---------------------------------------------------------------------------------------------------------------
// Files

std::optional<std::string> read_bytes(const fs::path& path, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::string data;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int saved = errno;
  std::fclose(f);
  if (failed) {
    error = std::strerror(saved);
    return std::nullopt;
  }
  return data;
}

constexpr fs::perms k_exec_bits = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;

bool is_executable(fs::perms p) { return (p & k_exec_bits) != fs::perms::none; }

/// Git keeps only "executable or not"; mirror that by giving exec to whoever may read (0644 <-> 0755).
fs::perms with_exec(fs::perms p, bool executable) {
  p &= ~k_exec_bits;
  if (!executable) return p;
  if ((p & fs::perms::owner_read) != fs::perms::none) p |= fs::perms::owner_exec;
  if ((p & fs::perms::group_read) != fs::perms::none) p |= fs::perms::group_exec;
  if ((p & fs::perms::others_read) != fs::perms::none) p |= fs::perms::others_exec;
  return p;
}

/// Temp file + rename, so an interrupted run never leaves a learner with half a file.
bool write_atomically(const fs::path& target, std::string_view bytes, bool executable, std::string& error) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    error = "cannot create " + target.parent_path().string() + ": " + ec.message();
    return false;
  }
  const fs::path tmp =
      target.parent_path() / ("." + target.filename().string() + ".make_starters-" + std::to_string(::getpid()));
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int saved = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (ok) {
    fs::permissions(tmp, with_exec(fs::status(tmp, ec).permissions(), executable), ec);
    if (!ec) fs::rename(tmp, target, ec);
    if (ec) {
      ok = false;
      error = ec.message();
    }
  } else {
    error = std::strerror(saved != 0 ? saved : errno);
  }
  if (!ok) fs::remove(tmp, ec);
  return ok;
}

std::string backup_stamp_now() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &local);
  return buf;
}

/// Copies @p file next to itself as `<name>.backup-<stamp>[-N]`; an existing backup is never overwritten.
std::optional<fs::path> make_backup(const fs::path& file, const std::string& stamp, std::string& error) {
  for (int n = 0; n < 10000; ++n) {
    const fs::path backup =
        file.parent_path() / (file.filename().string() + ".backup-" + stamp + (n > 0 ? "-" + std::to_string(n) : ""));
    std::error_code ec;
    if (fs::exists(fs::symlink_status(backup, ec))) continue;
    // copy_options::none fails rather than overwrite, so a backup made between the check and here survives.
    fs::copy_file(file, backup, fs::copy_options::none, ec);
    if (!ec) return backup;
    if (ec != std::errc::file_exists) {
      error = ec.message();
      return std::nullopt;
    }
  }
  error = "too many backups already";
  return std::nullopt;
}

bool is_backup_name(const std::string& name) {
  static const std::regex pattern(R"(.*\.backup-[0-9]{8}-[0-9]{6}(-[0-9]+)?)");
  return std::regex_match(name, pattern);
}

/// Regular files under @p dir, as sorted '/'-separated paths relative to it.
std::vector<std::string> list_files(const fs::path& dir, const std::string& shown_as, std::ostream& err,
                                    std::vector<std::string>& errors) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec);
  if (ec) {
    errors.push_back(shown_as + ": cannot list: " + ec.message());
    return files;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    const auto rel = entry.path().lexically_relative(dir).generic_string();
    std::error_code sec;
    const auto st = entry.status(sec);
    if (fs::is_regular_file(st)) {
      files.push_back(rel);
    } else if (!fs::is_directory(st) || entry.is_symlink(sec)) {
      err << shown_as << "/" << rel << ": not a regular file or folder; skipped\n";
    }
  }
  if (ec) errors.push_back(shown_as + ": cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

// ---------------------------------------------------------------------------------------------------------------
// Labs and scope

/// "01" -> "1": lab numbers compare as numbers, so `--lab 1` and `--lab 01` agree.
std::string lab_number(std::string_view folder) {
  auto tag = lab_tag_for(folder);
  if (tag.empty()) return {};
  auto digits = std::string_view(tag).substr(3);
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return std::string(digits);
}

std::optional<std::string> selector_number(std::string_view selector) {
  if (selector.starts_with("lab")) selector.remove_prefix(3);
  if (selector.empty() || selector.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  while (selector.size() > 1 && selector.front() == '0') selector.remove_prefix(1);
  return std::string(selector);
}

std::string first_component(std::string_view rel) { return std::string(rel.substr(0, rel.find('/'))); }

struct generated_file {
  std::string content;
  std::string hash;
  bool executable = false;
};

/// What solutions/ generates, keyed by the path relative to labs/.
using generated_tree = std::map<std::string, generated_file>;

struct context {
  const options& opts;
  std::ostream& out;
  std::ostream& err;
  fs::path labs;
  std::set<std::string> lab_numbers;  // the labs this run is about (all of them without --lab)

  [[nodiscard]] bool in_scope(std::string_view rel) const {
    if (!opts.lab) return true;
    return lab_numbers.contains(lab_number(first_component(rel)));
  }
};

std::string shown(std::string_view rel) { return "labs/" + std::string(rel); }

// ---------------------------------------------------------------------------------------------------------------
// --check

std::string clip(std::string_view line) {
  constexpr std::size_t k_max = 120;
  if (line.size() <= k_max) return std::string(line);
  return std::string(line.substr(0, k_max)) + "...";
}

/// The first line where labs/ and the generated file part ways, with both lines, for a quick look.
std::string describe_difference(std::string_view have, std::string_view want) {
  if (looks_binary(have) || looks_binary(want)) return "contents differ (binary file)";
  std::size_t line_no = 1;
  while (true) {
    const auto hn = have.find('\n');
    const auto wn = want.find('\n');
    const auto h = have.substr(0, hn);
    const auto w = want.substr(0, wn);
    if (h != w || (hn == std::string_view::npos) != (wn == std::string_view::npos)) {
      const auto where = "first difference at line " + std::to_string(line_no);
      if (have.empty() && hn == std::string_view::npos) {
        return where + ": labs/ ends there; solutions/ generates\n      " + clip(w);
      }
      if (want.empty() && wn == std::string_view::npos) {
        return where + ": labs/ has more lines:\n      " + clip(h);
      }
      auto strip_cr = [](std::string_view s) { return s.ends_with('\r') ? s.substr(0, s.size() - 1) : s; };
      if (strip_cr(h) == strip_cr(w) && h != w) return where + ": line endings differ (CRLF vs LF)";
      if (h == w) return where + ": the final newline differs";
      return where + ":\n      labs/:     " + clip(h) + "\n      generated: " + clip(w);
    }
    if (hn == std::string_view::npos) return "contents differ";  // unreachable: equal text is not compared
    have.remove_prefix(hn + 1);
    want.remove_prefix(wn + 1);
    ++line_no;
  }
}

int run_check(const context& ctx, const generated_tree& tree, const record& old_record, bool record_exists,
              const std::vector<std::string>& lab_folders_in_labs) {
  std::vector<std::string> problems;
  for (const auto& [rel, file] : tree) {
    const auto path = ctx.labs / rel;
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (!fs::exists(st)) {
      problems.push_back(shown(rel) + ": missing");
      continue;
    }
    std::string error;
    const auto have = read_bytes(path, error);
    if (!have) {
      problems.push_back(shown(rel) + ": cannot read: " + error);
    } else if (*have != file.content) {
      problems.push_back(shown(rel) + ": differs from what solutions/ generates; " +
                         describe_difference(*have, file.content));
    } else if (is_executable(st.permissions()) != file.executable) {
      problems.push_back(shown(rel) + ": executable bit differs from the solution file's");
    }
  }

  std::vector<std::string> errors;
  for (const auto& folder : lab_folders_in_labs) {
    if (!ctx.in_scope(folder)) continue;
    for (const auto& rel : list_files(ctx.labs / folder, shown(folder), ctx.err, errors)) {
      const auto full = folder + "/" + rel;
      if (tree.contains(full) || is_backup_name(fs::path(rel).filename().string())) continue;
      problems.push_back(shown(full) + ": extra (not generated from solutions/)");
    }
  }
  for (const auto& e : errors) problems.push_back(e);

  std::vector<std::string> record_problems;
  for (const auto& [rel, hash] : old_record) {
    if (!ctx.in_scope(rel)) continue;
    const auto it = tree.find(rel);
    if (it == tree.end()) record_problems.push_back("lists " + rel + ", which solutions/ no longer generates");
    else if (it->second.hash != hash) record_problems.push_back("has an old hash for " + rel);
  }
  for (const auto& [rel, file] : tree) {
    if (!old_record.contains(rel)) record_problems.push_back("does not list " + rel);
  }
  if (!record_exists && !tree.empty()) {
    problems.push_back("labs/" + std::string(k_record_name) + ": missing");
  } else {
    for (const auto& p : record_problems) problems.push_back("labs/" + std::string(k_record_name) + ": " + p);
  }

  if (problems.empty()) {
    ctx.out << "labs/ is up to date with solutions/ (" << tree.size() << " files)\n";
    return exit_ok;
  }
  for (const auto& p : problems) ctx.err << p << "\n";
  ctx.err << k_out_of_date_hint << "\n";
  return exit_failed;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

struct tally {
  int created = 0, updated = 0, replaced = 0, deleted = 0, unchanged = 0, refused = 0, failed = 0;
};

int run_generate(const context& ctx, const generated_tree& tree, const record& old_record, bool record_exists) {
  const bool dry = ctx.opts.dry_run;
  const std::string would = dry ? "would " : "";
  const std::string stamp = ctx.opts.backup_stamp.empty() ? backup_stamp_now() : ctx.opts.backup_stamp;
  record new_record = old_record;
  tally t;

  auto fail = [&](const std::string& rel, const std::string& what) {
    ctx.err << shown(rel) << ": " << what << "\n";
    ++t.failed;
  };
  /// Keeps the learner's file as a backup before --force replaces or deletes it; false when that failed.
  auto back_up = [&](const std::string& rel) -> std::optional<std::string> {
    if (dry) return shown(rel) + ".backup-" + stamp;
    std::string error;
    const auto backup = make_backup(ctx.labs / rel, stamp, error);
    if (!backup) {
      fail(rel, "cannot make a backup, so leaving it alone: " + error);
      return std::nullopt;
    }
    return "labs/" + backup->lexically_relative(ctx.labs).generic_string();
  };
  auto write = [&](const std::string& rel, const generated_file& file) {
    if (dry) return true;
    std::string error;
    if (write_atomically(ctx.labs / rel, file.content, file.executable, error)) return true;
    fail(rel, "cannot write: " + error);
    return false;
  };

  for (const auto& [rel, file] : tree) {
    const auto path = ctx.labs / rel;
    std::error_code ec;
    const auto st = fs::symlink_status(path, ec);
    if (!fs::exists(st)) {
      if (write(rel, file)) {
        ctx.out << would << "create " << shown(rel) << "\n";
        new_record[rel] = file.hash;
        ++t.created;
      }
      continue;
    }
    if (!fs::is_regular_file(st)) {
      fail(rel, "is not a regular file; move it away and run again");
      continue;
    }
    std::string error;
    const auto have = read_bytes(path, error);
    if (!have) {
      fail(rel, "cannot read: " + error);
      continue;
    }
    if (*have == file.content) {
      new_record[rel] = file.hash;
      if (is_executable(st.permissions()) != file.executable) {
        if (!dry) fs::permissions(path, with_exec(st.permissions(), file.executable), ec);
        if (ec) fail(rel, "cannot change its executable bit: " + ec.message());
        else ctx.out << would << "update " << shown(rel) << " (executable bit)\n";
      }
      ++t.unchanged;
      continue;
    }
    const auto recorded = old_record.find(rel);
    if (recorded != old_record.end() && recorded->second == hash_hex(*have)) {
      if (write(rel, file)) {  // still the starter we wrote last time: the learner has not touched it
        ctx.out << would << "update " << shown(rel) << "\n";
        new_record[rel] = file.hash;
        ++t.updated;
      }
      continue;
    }
    if (!ctx.opts.force) {
      ctx.err << shown(rel)
              << ": you have changed this file; not overwriting it (run with --force to replace it; a backup will "
                 "be kept)\n";
      ++t.refused;
      continue;
    }
    const auto backup = back_up(rel);
    if (backup && write(rel, file)) {
      ctx.out << would << "replace " << shown(rel) << " (your version " << (dry ? "would be" : "is") << " in "
              << *backup << ")\n";
      new_record[rel] = file.hash;
      ++t.replaced;
    }
  }

  // Files this tool wrote earlier whose solution is gone.
  for (const auto& [rel, hash] : old_record) {
    if (!ctx.in_scope(rel) || tree.contains(rel)) continue;
    const auto path = ctx.labs / rel;
    std::error_code ec;
    const auto st = fs::symlink_status(path, ec);
    if (!fs::exists(st)) {
      new_record.erase(rel);
      continue;
    }
    std::string error;
    const auto have = fs::is_regular_file(st) ? read_bytes(path, error) : std::nullopt;
    if (!have) {
      fail(rel, "no longer generated from solutions/, but cannot read it: " +
                    (error.empty() ? std::string("not a regular file") : error));
      continue;
    }
    std::optional<std::string> backup;
    if (hash_hex(*have) != hash) {
      if (!ctx.opts.force) {
        ctx.err << shown(rel)
                << ": no longer generated from solutions/, but you have changed this file; not deleting it (run "
                   "with --force to delete it; a backup will be kept)\n";
        ++t.refused;
        continue;
      }
      backup = back_up(rel);
      if (!backup) continue;
    }
    if (!dry) {
      fs::remove(path, ec);
      if (ec) {
        fail(rel, "cannot delete: " + ec.message());
        continue;
      }
      // Folders emptied by the deletion go too, up to labs/ itself: a removed lab leaves nothing behind.
      for (auto dir = path.parent_path(); dir != ctx.labs && fs::is_empty(dir, ec) && !ec; dir = dir.parent_path()) {
        if (!fs::remove(dir, ec) || ec) break;
      }
    }
    ctx.out << would << "delete " << shown(rel) << " (no longer in solutions/)";
    if (backup) ctx.out << " (your version " << (dry ? "would be" : "is") << " in " << *backup << ")";
    ctx.out << "\n";
    new_record.erase(rel);
    ++t.deleted;
  }

  const auto record_text = format_record(new_record);
  if (!dry && (record_exists ? new_record != old_record : !new_record.empty())) {
    std::string error;
    if (!write_atomically(ctx.labs / k_record_name, record_text, false, error)) {
      ctx.err << "labs/" << k_record_name << ": cannot write: " << error << "\n";
      ++t.failed;
    }
  }

  std::string summary;
  for (const auto& [count, what] : {std::pair{t.created, "created"}, {t.updated, "updated"}, {t.replaced, "replaced"},
                                    {t.deleted, "deleted"}, {t.unchanged, "unchanged"}}) {
    if (count > 0) summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + what;
  }
  if (t.created + t.updated + t.replaced + t.deleted + t.refused + t.failed == 0) {
    summary = "labs/ is up to date (" + std::to_string(t.unchanged) + " files)";
  } else if (dry) {
    summary = "dry run, nothing written: would have " + summary;
  }
  const std::string sep = summary.empty() ? "" : "; ";
  if (t.refused > 0) summary += sep + "kept " + std::to_string(t.refused) + " file(s) you changed (see above)";
  if (t.failed > 0) summary += (summary.empty() ? "" : "; ") + std::to_string(t.failed) + " error(s)";
  ctx.out << "make_starters: " << summary << "\n";
  if (t.failed > 0) return exit_error;
  return t.refused > 0 ? exit_failed : exit_ok;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

int run(const options& opts, std::ostream& out, std::ostream& err) {
  const fs::path solutions = opts.root / "solutions";
  context ctx{opts, out, err, opts.root / "labs", {}};

  std::error_code ec;
  if (!fs::is_directory(solutions, ec)) {
    err << "make_starters: " << solutions.string()
        << ": no such folder (run from the course root, or pass --root DIR)\n";
    return exit_error;
  }

  // Lab folders in solutions/, chosen by --lab.
  std::vector<std::string> labs_to_make;
  for (fs::directory_iterator it(solutions, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!it->is_directory() || name.starts_with('.')) continue;
    if (lab_tag_for(name).empty()) {
      err << "solutions/" << name << ": not a lab folder (NN_name); ignored\n";
      continue;
    }
    if (opts.lab && *opts.lab != name && selector_number(*opts.lab) != lab_number(name)) continue;
    labs_to_make.push_back(name);
    ctx.lab_numbers.insert(lab_number(name));
  }
  if (ec) {
    err << "make_starters: solutions/: cannot list: " << ec.message() << "\n";
    return exit_error;
  }
  std::sort(labs_to_make.begin(), labs_to_make.end());
  if (opts.lab && labs_to_make.empty()) {
    err << "make_starters: no lab '" << *opts.lab << "' in solutions/\n";
    return exit_error;
  }

  // Every starter, in memory, before anything is touched.
  generated_tree tree;
  std::vector<std::string> errors;
  for (const auto& lab : labs_to_make) {
    const auto lab_dir = solutions / lab;
    const auto tag = lab_tag_for(lab);
    starter_ignore ignore;
    if (fs::exists(lab_dir / k_ignore_name, ec)) {
      std::string error;
      const auto text = read_bytes(lab_dir / k_ignore_name, error);
      if (!text) errors.push_back("solutions/" + lab + "/" + std::string(k_ignore_name) + ": cannot read: " + error);
      else ignore = starter_ignore::parse(*text);
    }
    for (const auto& rel : list_files(lab_dir, "solutions/" + lab, err, errors)) {
      if (rel == k_ignore_name || ignore.ignores(rel)) continue;
      const auto source = "solutions/" + lab + "/" + rel;
      std::string error;
      const auto bytes = read_bytes(lab_dir / rel, error);
      if (!bytes) {
        errors.push_back(source + ": cannot read: " + error);
        continue;
      }
      auto starter = make_starter_text(*bytes, tag, source);
      for (const auto& e : starter.errors) errors.push_back(e.to_string());
      if (!starter.errors.empty()) continue;
      generated_file file;
      file.hash = hash_hex(starter.text);
      file.content = std::move(starter.text);
      file.executable = is_executable(fs::status(lab_dir / rel, ec).permissions());
      tree.emplace(lab + "/" + rel, std::move(file));
    }
  }

  // The record of what was written last time.
  const auto record_path = ctx.labs / k_record_name;
  const bool record_exists = fs::exists(record_path, ec);
  record old_record;
  if (record_exists) {
    std::string error;
    const auto text = read_bytes(record_path, error);
    if (!text) {
      errors.push_back("labs/" + std::string(k_record_name) + ": cannot read: " + error);
    } else {
      auto parsed = parse_record(*text, "labs/" + std::string(k_record_name));
      for (const auto& e : parsed.errors) errors.push_back(e.to_string());
      old_record = std::move(parsed.entries);
    }
  }

  if (!errors.empty()) {
    for (const auto& e : errors) err << e << "\n";
    err << "make_starters: " << (opts.check ? "cannot check labs/" : "nothing written") << "\n";
    return exit_error;
  }

  if (opts.check) {
    std::vector<std::string> lab_folders_in_labs;
    for (fs::directory_iterator it(ctx.labs, ec), end; !ec && it != end; it.increment(ec)) {
      const auto name = it->path().filename().string();
      if (it->is_directory() && !lab_tag_for(name).empty()) lab_folders_in_labs.push_back(name);
    }
    std::sort(lab_folders_in_labs.begin(), lab_folders_in_labs.end());
    return run_check(ctx, tree, old_record, record_exists, lab_folders_in_labs);
  }
  return run_generate(ctx, tree, old_record, record_exists);
}

std::string usage() {
  return "usage: make_starters [--root DIR] [--check] [--force] [--lab NN] [--dry-run]\n"
         "\n"
         "Writes labs/NN_name/ from solutions/NN_name/: each BEGIN SOLUTION ... END SOLUTION region becomes a\n"
         "TODO line and its STARTER lines. Files you changed in labs/ are never overwritten without --force.\n"
         "\n"
         "  --root DIR  the course root, holding solutions/ and labs/ (default: the current folder)\n"
         "  --check     write nothing; exit 1 if labs/ differs from what solutions/ generates\n"
         "  --force     replace files you changed, keeping each as <file>.backup-YYYYmmdd-HHMMSS\n"
         "  --lab NN    only lab NN (01, 1, lab01 or 01_vector_add)\n"
         "  --dry-run   say what would change; write nothing\n"
         "\n"
         "exit: 0 ok, 1 labs/ out of date (--check) or a changed file kept, 2 usage, region or file error\n";
}

int run_cli(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  options opts;
  auto usage_error = [&](const std::string& message) {
    err << "make_starters: " << message << "\n" << usage();
    return exit_error;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    // "--opt value" and "--opt=value" both work.
    auto value_of = [&](std::string_view name) -> std::optional<std::string> {
      if (arg == name) {
        if (i + 1 >= args.size()) return std::nullopt;
        return args[++i];
      }
      return arg.substr(name.size() + 1);
    };
    if (arg == "-h" || arg == "--help") {
      out << usage();
      return exit_ok;
    } else if (arg == "--check") {
      opts.check = true;
    } else if (arg == "--force") {
      opts.force = true;
    } else if (arg == "--dry-run") {
      opts.dry_run = true;
    } else if (arg == "--root" || arg.starts_with("--root=")) {
      const auto v = value_of("--root");
      if (!v || v->empty()) return usage_error("--root needs a folder");
      opts.root = *v;
    } else if (arg == "--lab" || arg.starts_with("--lab=")) {
      const auto v = value_of("--lab");
      if (!v || v->empty()) return usage_error("--lab needs a lab number, e.g. --lab 01");
      opts.lab = *v;
    } else {
      return usage_error("unknown argument '" + arg + "'");
    }
  }
  if (opts.check && (opts.force || opts.dry_run)) {
    return usage_error("--check writes nothing; it cannot be combined with --force or --dry-run");
  }
  return run(opts, out, err);
}

}  // namespace ws::make_starters
