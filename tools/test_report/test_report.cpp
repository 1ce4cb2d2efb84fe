/// @file test_report.cpp
/// @brief A small, forgiving, linear-time reader of Catch2's XML report (see test_report.hpp for what it promises).
#include "test_report.hpp"

#include <cstdint>
#include <utility>

#include "text.hpp"

namespace ws_report {

namespace {

/// Element names are compared on their first this many bytes.
constexpr std::size_t k_max_tag_name = 64;
/// Attributes other than a test case's or section's name are short (file names, numbers, booleans).
constexpr std::size_t k_max_attribute_bytes = 512;
/// INFO messages kept before one failed check, and sections kept in one path.
constexpr std::size_t k_max_infos = 16;

enum class kind {
  catch_root, test_case, section, expression, original, expanded, info, warning, failure, exception, fatal,
  overall_result, std_out, std_err, other
};

kind kind_of(std::string_view name) {
  struct entry { std::string_view name; kind k; };
  static constexpr entry table[] = {
      {"Catch", kind::catch_root},    {"TestCase", kind::test_case},   {"Section", kind::section},
      {"Expression", kind::expression}, {"Original", kind::original},  {"Expanded", kind::expanded},
      {"Info", kind::info},           {"Warning", kind::warning},      {"Failure", kind::failure},
      {"Exception", kind::exception}, {"FatalErrorCondition", kind::fatal},
      {"OverallResult", kind::overall_result}, {"StdOut", kind::std_out}, {"StdErr", kind::std_err},
  };
  for (const entry& e : table) {
    if (e.name == name) return e.k;
  }
  return kind::other;
}

bool captures_text(kind k) {
  switch (k) {
    case kind::original: case kind::expanded: case kind::info: case kind::warning: case kind::failure:
    case kind::exception: case kind::fatal: case kind::std_out: case kind::std_err:
      return true;
    default:
      return false;
  }
}

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// A line number: up to 9 digits, else 0.
long to_line(std::string_view s) {
  long v = 0;
  std::size_t n = 0;
  for (; n < s.size() && n < 9 && s[n] >= '0' && s[n] <= '9'; ++n) v = v * 10 + (s[n] - '0');
  return n == s.size() ? v : 0;
}

/// The attributes the reader uses, decoded.
struct attributes {
  std::string name, filename, line, success, type;
};

struct frame {
  kind k = kind::other;
  std::string tag;  ///< the element's name, at most k_max_tag_name bytes
  std::string file;
  long line = 0;
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Decodes the entity at the start of `s` (which starts with '&') into `out`; returns the bytes it used, 0 when it
/// is not one (then the '&' is plain text).
std::size_t decode_entity(std::string_view s, std::string& out) {
  const std::size_t semi = s.substr(0, 12).find(';');
  if (semi == std::string_view::npos) return 0;
  const std::string_view body = s.substr(1, semi - 1);
  static constexpr std::pair<std::string_view, char> named[] = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [name, c] : named) {
    if (body == name) {
      out.push_back(c);
      return semi + 1;
    }
  }
  if (body.size() < 2 || body[0] != '#') return 0;
  const bool hex = body[1] == 'x' || body[1] == 'X';
  const std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return 0;
  std::uint32_t cp = 0;
  for (const char c : digits) {
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<std::uint32_t>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return 0;
    }
    cp = cp * (hex ? 16u : 10u) + d;
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  append_utf8(out, cp);  // a control character is made printable by the caller
  return semi + 1;
}

/// Reads one document; see parse_catch2_xml.
class reader {
public:
  explicit reader(std::string_view xml) : xml_(xml) {}

  test_report run() {
    std::size_t p = 0;
    while (p < xml_.size()) {
      const std::size_t lt = xml_.find('<', p);
      if (lt == std::string_view::npos) {
        on_text(xml_.substr(p));
        break;
      }
      if (lt > p) on_text(xml_.substr(p, lt - p));
      p = markup(lt);
    }
    if (have_case_) finish_case();  // the process stopped inside it
    return std::move(report_);
  }

private:
  /// Reads the markup at `lt` (xml_[lt] == '<'); returns where the text after it starts. Always moves forward.
  std::size_t markup(std::size_t lt) {
    const std::size_t n = xml_.size();
    const std::string_view rest = xml_.substr(lt);
    const auto skip_to = [&](std::string_view end, std::size_t from) {
      const std::size_t e = xml_.find(end, from);
      return e == std::string_view::npos ? n : e + end.size();
    };
    if (rest.starts_with("<!--")) return skip_to("-->", lt + 4);
    if (rest.starts_with("<![CDATA[")) {
      const std::size_t e = xml_.find("]]>", lt + 9);
      on_text(xml_.substr(lt + 9, (e == std::string_view::npos ? n : e) - (lt + 9)), false);
      return e == std::string_view::npos ? n : e + 3;
    }
    if (rest.starts_with("<?")) return skip_to("?>", lt + 2);
    if (rest.starts_with("<!")) return skip_to(">", lt + 2);
    if (rest.starts_with("</")) {
      std::size_t q = lt + 2;
      const std::string_view name = read_name(q);
      const std::size_t end = skip_to(">", q);
      if (end == n && (xml_.empty() || xml_.back() != '>')) return n;  // cut inside the tag: it never happened
      on_end(name);
      return end;
    }
    if (rest.size() < 2 || !is_name_start(rest[1])) {
      on_text("<");
      return lt + 1;
    }
    std::size_t q = lt + 1;
    const std::string_view name = read_name(q);
    attributes a;
    bool self_closing = false;
    for (;;) {
      while (q < n && is_space(xml_[q])) ++q;
      if (q >= n) return n;  // cut inside the tag: it never happened
      const char c = xml_[q];
      if (c == '>') {
        ++q;
        break;
      }
      if (c == '/') {
        if (q + 1 < n && xml_[q + 1] == '>') {
          self_closing = true;
          q += 2;
          break;
        }
        ++q;
        continue;
      }
      if (!is_name_char(c)) {
        ++q;  // garbage inside a tag
        continue;
      }
      const std::string_view attribute = read_name(q);
      while (q < n && is_space(xml_[q])) ++q;
      if (q >= n || xml_[q] != '=') continue;
      ++q;
      while (q < n && is_space(xml_[q])) ++q;
      if (q >= n) return n;
      std::string_view value;
      if (xml_[q] == '"' || xml_[q] == '\'') {
        const std::size_t close = xml_.find(xml_[q], q + 1);
        if (close == std::string_view::npos) return n;
        value = xml_.substr(q + 1, close - q - 1);
        q = close + 1;
      } else {
        const std::size_t start = q;
        while (q < n && !is_space(xml_[q]) && xml_[q] != '>') ++q;
        value = xml_.substr(start, q - start);
      }
      store_attribute(a, attribute, value);
    }
    on_start(name, a, self_closing);
    return q;
  }

  /// The name at `q` (advanced past it); may be empty.
  std::string_view read_name(std::size_t& q) const {
    const std::size_t start = q;
    while (q < xml_.size() && is_name_char(xml_[q])) ++q;
    return xml_.substr(start, q - start);
  }

  static void store_attribute(attributes& a, std::string_view name, std::string_view value) {
    std::string* target = nullptr;
    std::size_t cap = k_max_attribute_bytes;
    if (name == "name") {
      target = &a.name;
      cap = k_max_field_bytes;
    } else if (name == "filename") {
      target = &a.filename;
    } else if (name == "line") {
      target = &a.line;
    } else if (name == "success") {
      target = &a.success;
    } else if (name == "type") {
      target = &a.type;
    }
    if (target == nullptr) return;
    target->clear();
    if (!append_xml_text(*target, value, cap)) *target = cut(std::move(*target), cap);
    // Attribute values are one line: a newline in a name is shown as '?'.
    for (char& c : *target) {
      if (c == '\n') c = '?';
    }
  }

  void on_text(std::string_view raw, bool decode = true) {
    if (skipped_depth_ > 0 || stack_.empty() || !captures_text(stack_.back().k) || text_cut_) return;
    if (decode) {
      text_cut_ = !append_xml_text(text_, raw, k_max_field_bytes);
    } else {
      std::string printable;
      append_printable(printable, raw.substr(0, k_max_field_bytes + 1), true);
      text_ += printable;
      if (text_.size() > k_max_field_bytes) text_cut_ = true;
    }
  }

  /// The text of the element just closed, trimmed and cut.
  std::string take_text() {
    std::string t(trim_space(text_));
    if (text_cut_) t += "...";
    text_.clear();
    text_cut_ = false;
    return cut(std::move(t), k_max_field_bytes);
  }

  void on_start(std::string_view name, const attributes& a, bool self_closing) {
    if (skipped_depth_ > 0 || stack_.size() >= k_max_depth) {
      if (!self_closing) ++skipped_depth_;
      return;
    }
    frame f;
    f.k = kind_of(name);
    f.tag = std::string(name.substr(0, k_max_tag_name));
    f.file = a.filename;
    f.line = to_line(a.line);
    open(f, a);
    if (self_closing) {
      close(f);
    } else {
      stack_.push_back(std::move(f));
    }
  }

  void on_end(std::string_view name) {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
      return;
    }
    name = name.substr(0, k_max_tag_name);
    for (std::size_t i = stack_.size(); i-- > 0;) {
      if (stack_[i].tag != name) continue;
      while (stack_.size() > i) {  // elements left open inside it end with it
        const frame f = std::move(stack_.back());
        stack_.pop_back();
        close(f);
      }
      return;
    }
    // an end tag that closes nothing open: ignored
  }

  void open(const frame& f, const attributes& a) {
    if (captures_text(f.k)) {
      text_.clear();
      text_cut_ = false;
    }
    switch (f.k) {
      case kind::catch_root:
        report_.started = true;
        report_.complete = false;
        break;
      case kind::test_case:
        if (have_case_) finish_case();
        case_ = test_case_result{};
        case_.name = a.name;
        case_.file = a.filename;
        case_.line = f.line;
        have_case_ = true;
        infos_.clear();
        sections_.clear();
        have_check_ = false;
        break;
      case kind::section:
        sections_.push_back(cut(a.name, 200));
        break;
      case kind::expression:
        have_check_ = true;
        check_ = failed_check{};
        check_.file = a.filename;
        check_.line = f.line;
        check_.macro = a.type;
        check_failed_ = a.success != "true";
        break;
      case kind::overall_result:
        if (have_case_ && !stack_.empty() && stack_.back().k == kind::test_case) {
          case_.finished = true;
          case_.passed = a.success == "true";
        }
        break;
      default:
        break;
    }
  }

  void close(const frame& f) {
    switch (f.k) {
      case kind::catch_root:
        if (have_case_) finish_case();
        report_.complete = true;
        break;
      case kind::test_case:
        if (have_case_) finish_case();
        break;
      case kind::section:
        if (!sections_.empty()) sections_.pop_back();
        break;
      case kind::expression:
        if (have_check_ && check_failed_) {
          check_.message = with_infos(check_.message);
          add_failure(std::move(check_));
        }
        have_check_ = false;
        infos_.clear();
        break;
      case kind::original:
        if (have_check_) check_.expression = take_text();
        break;
      case kind::expanded:
        if (have_check_) check_.expanded = take_text();
        break;
      case kind::info:
        if (infos_.size() < k_max_infos) infos_.push_back(take_text());
        break;
      case kind::failure:
      case kind::exception:
      case kind::fatal: {
        std::string text = take_text();
        if (have_check_) {
          if (!check_.message.empty()) check_.message += '\n';
          check_.message = cut(check_.message + text, k_max_field_bytes);
          break;
        }
        failed_check c;
        c.file = f.file;
        c.line = f.line;
        c.macro = f.k == kind::failure ? "FAIL" : f.k == kind::exception ? "exception" : "fatal error";
        c.message = with_infos(text);
        add_failure(std::move(c));
        infos_.clear();
        break;
      }
      case kind::std_out:
        if (have_case_) case_.std_out = take_text();
        break;
      case kind::std_err:
        if (have_case_) case_.std_err = take_text();
        break;
      default:
        if (captures_text(f.k)) take_text();
        break;
    }
  }

  /// The pending INFO messages, then `text`, one per line, cut.
  std::string with_infos(const std::string& text) const {
    std::string out;
    for (const std::string& info : infos_) {
      if (out.size() > k_max_field_bytes) break;
      (out += info) += '\n';
    }
    out += text;
    return cut(std::string(trim_space(out)), k_max_field_bytes);
  }

  void add_failure(failed_check c) {
    if (!have_case_) return;  // a check outside any test case: nothing to charge it to
    ++case_.failure_count;
    if (case_.failures.size() >= k_max_failures_kept) return;
    for (std::size_t i = 0; i < sections_.size(); ++i) {
      if (c.section.size() > k_max_field_bytes) break;
      if (i > 0) c.section += " / ";
      c.section += sections_[i];
    }
    c.section = cut(std::move(c.section), k_max_field_bytes);
    case_.failures.push_back(std::move(c));
  }

  void finish_case() {
    if (case_.finished && case_.passed) {
      ++report_.passed_count;
    } else {
      ++report_.failed_count;
    }
    if (report_.cases.size() < k_max_cases_kept) report_.cases.push_back(std::move(case_));
    case_ = test_case_result{};
    have_case_ = false;
    have_check_ = false;
    infos_.clear();
    sections_.clear();
  }

  std::string_view xml_;
  test_report report_;
  std::vector<frame> stack_;
  std::size_t skipped_depth_ = 0;  ///< elements open beyond k_max_depth
  bool have_case_ = false;
  test_case_result case_;
  bool have_check_ = false;
  bool check_failed_ = false;
  failed_check check_;
  std::vector<std::string> infos_;
  std::vector<std::string> sections_;
  std::string text_;
  bool text_cut_ = false;
};

}  // namespace

const test_case_result* test_report::find(std::string_view name) const {
  for (const test_case_result& c : cases) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const test_case_result* test_report::unfinished() const {
  for (auto it = cases.rbegin(); it != cases.rend(); ++it) {
    if (!it->finished) return &*it;
  }
  return nullptr;
}

bool append_xml_text(std::string& out, std::string_view raw, std::size_t cap) {
  if (out.size() >= cap) return raw.empty();
  // Decode at most a little more than what fits (an entity is at most 12 bytes, its UTF-8 at most 4).
  const std::size_t room = cap - out.size();
  std::string decoded;
  std::size_t i = 0;
  while (i < raw.size() && decoded.size() <= room + 4) {
    const std::size_t amp = raw.find('&', i);
    const std::size_t stop = amp == std::string_view::npos ? raw.size() : amp;
    const std::size_t take = std::min(stop - i, room + 5 - decoded.size());
    decoded.append(raw.substr(i, take));
    i += take;
    if (i < stop || i >= raw.size()) continue;  // filled up, or done
    const std::size_t used = decode_entity(raw.substr(i), decoded);
    if (used == 0) {
      decoded.push_back('&');
      ++i;
    } else {
      i += used;
    }
  }
  append_printable(out, decoded, true);
  if (out.size() <= cap && i >= raw.size()) return true;
  if (out.size() > cap) {
    std::size_t end = cap;
    while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
    out.resize(end);
  }
  return false;
}

test_report parse_catch2_xml(std::string_view xml) { return reader(xml).run(); }

}  // namespace ws_report
