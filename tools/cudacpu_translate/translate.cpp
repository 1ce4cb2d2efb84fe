/// @file translate.cpp
/// @brief The translator: mask comments and literals, find the three constructs by matching brackets, rewrite them.
///
/// Three passes over the text:
///  1. a lexer blanks comments and line splices, replaces literals by `"` and marks preprocessor directives, so no
///     later scan can be fooled by `<<<` in a string or a `;` in a comment (the masked text keeps every offset);
///  2. scans find launches (in code and in `#define` bodies) and `__shared__` declarations (in code) and turn each
///     into an edit of a range of the original text;
///  3. an emitter copies the text, replacing each edited range; a launch is emitted from its parts, so launches
///     nested in another launch's arguments are rewritten too.
/// Every edit writes as many newlines as the range it replaces had, which keeps the line numbers.
#include "translate.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

namespace ws::cudacpu_translate {
namespace {

constexpr std::size_t npos = std::string_view::npos;

/// The region of ordinary code; preprocessor directives are numbered from 0.
constexpr int k_code = -1;

bool is_ident_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) != 0 || c == '_' || u >= 0x80;
}

bool is_ident_char(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_open(char c) { return c == '(' || c == '[' || c == '{'; }

bool is_close(char c) { return c == ')' || c == ']' || c == '}'; }

/// Words after which a parenthesized group is not a call: `if (x) (k)<<<…` must not take `if` as the callee.
bool is_keyword(std::string_view word) {
  static constexpr std::string_view keywords[] = {"if",   "while",  "for",     "switch",    "return",       "case",
                                                  "else", "do",     "throw",   "co_return", "co_await",     "co_yield",
                                                  "new",  "delete", "sizeof",  "alignof",   "not",          "and",
                                                  "or",   "goto",   "typedef", "using",     "static_assert"};
  return std::find(std::begin(keywords), std::end(keywords), word) != std::end(keywords);
}

std::size_t count_newlines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// One preprocessor directive: from its `#` to the newline that ends it (line splices included).
struct directive {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t body = 0;  ///< #define only: the first character after the macro's name and parameter list
  bool is_define = false;
  std::size_t quoted_begin = 0;  ///< `#include "name"` only: the name's first byte, after the opening quote
  std::size_t quoted_end = 0;    ///< and the closing quote (0 for every other directive)
};

/// The source and what the lexer learnt about each of its bytes.
struct source_model {
  std::string_view text;
  std::string masked;       ///< comments and splices blanked, literals replaced by '"'; newlines kept
  std::vector<int> region;  ///< k_code or the index of the directive the byte belongs to
  std::vector<directive> directives;
  std::vector<std::size_t> line_starts;
  std::vector<diagnostic>* errors = nullptr;

  void error(std::size_t at, std::string message) const {
    const auto line = std::upper_bound(line_starts.begin(), line_starts.end(), at) - line_starts.begin();
    const std::size_t column = at - line_starts[static_cast<std::size_t>(line - 1)] + 1;
    errors->push_back({static_cast<int>(line), static_cast<int>(column), std::move(message)});
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Pass 1: the lexer

class lexer {
 public:
  explicit lexer(source_model& model) : m_(model), s_(model.text), n_(model.text.size()) {}

  void run() {
    std::size_t i = s_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a byte order mark is no token
    bool line_start = true;  // only blanks and comments since the last newline: a '#' starts a directive
    int dir = -1;
    while (i < n_) {
      const char c = s_[i];
      if (const std::size_t k = splice_at(i)) {
        blank(i, i + k);
        i += k;
      } else if (c == '\n') {
        if (dir >= 0) {
          m_.directives[static_cast<std::size_t>(dir)].end = i;
          dir = -1;
        }
        line_start = true;
        ++i;
      } else if (is_space(c)) {
        ++i;
      } else if (c == '/' && i + 1 < n_ && s_[i + 1] == '/') {
        std::size_t j = i;
        while (j < n_ && s_[j] != '\n') {
          const std::size_t splice = splice_at(j);  // a splice continues a // comment onto the next line
          j += splice != 0 ? splice : 1;
        }
        blank(i, j);
        i = j;
      } else if (c == '/' && i + 1 < n_ && s_[i + 1] == '*') {
        const std::size_t close = s_.find("*/", i + 2);
        if (close == npos) m_.error(i, "unterminated comment");
        const std::size_t j = close == npos ? n_ : close + 2;
        blank(i, j);
        i = j;
      } else if (c == '#' && line_start && dir < 0) {
        dir = static_cast<int>(m_.directives.size());
        m_.directives.push_back({i, n_, i + 1, false});
        i = directive_name(m_.directives.back());
        line_start = false;
      } else {
        line_start = false;
        i = token(i);
      }
    }
    for (std::size_t d = 0; d < m_.directives.size(); ++d) {
      const directive& dr = m_.directives[d];
      std::fill(m_.region.begin() + static_cast<std::ptrdiff_t>(dr.begin),
                m_.region.begin() + static_cast<std::ptrdiff_t>(dr.end), static_cast<int>(d));
    }
  }

 private:
  /// The length of a line splice (backslash, newline) at @p p, or 0.
  [[nodiscard]] std::size_t splice_at(std::size_t p) const {
    if (p >= n_ || s_[p] != '\\') return 0;
    std::size_t q = p + 1;
    if (q < n_ && s_[q] == '\r') ++q;
    return (q < n_ && s_[q] == '\n') ? q + 1 - p : 0;
  }

  void blank(std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (s_[i] != '\n') m_.masked[i] = ' ';
    }
  }

  void literal(std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (s_[i] != '\n') m_.masked[i] = '"';
    }
  }

  /// One past the closing quote of the literal opened at @p p; an unterminated one ends at the newline (as in
  /// `#error don't`, which is no literal at all).
  [[nodiscard]] std::size_t quoted_end(std::size_t p, char quote) const {
    std::size_t j = p + 1;
    while (j < n_) {
      if (s_[j] == '\\' && j + 1 < n_) {
        j += 2;
      } else if (s_[j] == quote) {
        return j + 1;
      } else if (s_[j] == '\n') {
        return j;
      } else {
        ++j;
      }
    }
    return n_;
  }

  /// One past a raw string literal whose `"` is at @p p, or npos when what follows is no valid delimiter.
  [[nodiscard]] std::size_t raw_end(std::size_t p) const {
    std::size_t d = p + 1;
    while (d < n_ && s_[d] != '(') {
      if (d - p > 16 || s_[d] == ')' || s_[d] == '\\' || is_space(s_[d])) return npos;
      ++d;
    }
    if (d >= n_) return npos;
    const std::string close = ")" + std::string(s_.substr(p + 1, d - p - 1)) + "\"";
    const std::size_t f = s_.find(close, d + 1);
    if (f == npos) {
      m_.error(p, "unterminated raw string literal");
      return n_;
    }
    return f + close.size();
  }

  /// End of the preprocessing number at @p p; `'` digit separators belong to it (`1'000` is no char literal).
  [[nodiscard]] std::size_t number_end(std::size_t p) const {
    std::size_t j = p + 1;
    while (j < n_) {
      const char c = s_[j];
      if ((c == 'e' || c == 'E' || c == 'p' || c == 'P') && j + 1 < n_ && (s_[j + 1] == '+' || s_[j + 1] == '-')) {
        j += 2;
      } else if (is_ident_char(c) || c == '.') {
        ++j;
      } else if (c == '\'' && j + 1 < n_ && is_ident_char(s_[j + 1])) {
        j += 2;
      } else {
        break;
      }
    }
    return j;
  }

  /// Lexes one token at @p i (a word, number, literal or punctuator) and returns where the next one may start.
  std::size_t token(std::size_t i) {
    const char c = s_[i];
    if (is_ident_start(c)) {
      std::size_t j = i;
      while (j < n_ && is_ident_char(s_[j])) ++j;
      const std::string_view word = s_.substr(i, j - i);
      if (j < n_ && s_[j] == '"' && (word == "R" || word == "u8R" || word == "uR" || word == "UR" || word == "LR")) {
        if (const std::size_t e = raw_end(j); e != npos) {
          literal(i, e);
          return e;
        }
      }
      if (j < n_ && (s_[j] == '"' || s_[j] == '\'') && (word == "u8" || word == "u" || word == "U" || word == "L")) {
        const std::size_t e = quoted_end(j, s_[j]);
        literal(i, e);
        return e;
      }
      return j;
    }
    if (is_digit(c) || (c == '.' && i + 1 < n_ && is_digit(s_[i + 1]))) return number_end(i);
    if (c == '"' || c == '\'') {
      const std::size_t e = quoted_end(i, c);
      literal(i, e);
      return e;
    }
    return i + 1;
  }

  /// Reads a directive's name; masks `#include <…>`'s header name and finds a `#define`'s body.
  std::size_t directive_name(directive& d) {
    auto skip_blanks = [&](std::size_t j) {
      while (j < n_ && (s_[j] == ' ' || s_[j] == '\t' || splice_at(j) != 0))
        j += std::max<std::size_t>(1, splice_at(j));
      return j;
    };
    std::size_t j = skip_blanks(d.begin + 1);
    const std::size_t name_begin = j;
    while (j < n_ && is_ident_char(s_[j])) ++j;
    const std::string_view name = s_.substr(name_begin, j - name_begin);
    if (name == "include" || name == "include_next" || name == "import") {
      const std::size_t lt = skip_blanks(j);
      if (name == "include" && lt < n_ && s_[lt] == '"') {
        const std::size_t close = s_.find_first_of("\"\n", lt + 1);
        if (close != npos && s_[close] == '"' && close > lt + 1) {
          d.quoted_begin = lt + 1;
          d.quoted_end = close;
        }
      }
      if (lt < n_ && s_[lt] == '<') {
        const std::size_t gt = s_.find_first_of(">\n", lt);
        if (gt != npos && s_[gt] == '>') {
          literal(lt, gt + 1);
          return gt + 1;
        }
      }
    } else if (name == "define") {
      d.is_define = true;
      std::size_t k = skip_blanks(j);
      while (k < n_ && is_ident_char(s_[k])) ++k;
      if (k < n_ && s_[k] == '(') {
        while (k < n_ && s_[k] != ')' && s_[k] != '\n') ++k;
        if (k < n_ && s_[k] == ')') ++k;
      }
      d.body = k;
    }
    return j;
  }

  source_model& m_;
  std::string_view s_;
  std::size_t n_;
};

// ---------------------------------------------------------------------------------------------------------------
// Pass 2a: launches

/// The characters one scan may look at: ordinary code (directives read as blanks) or one `#define`'s body.
struct view {
  const source_model* m = nullptr;
  int region = k_code;
  std::size_t lo = 0;
  std::size_t hi = 0;

  [[nodiscard]] char at(std::size_t p) const {
    return (p >= lo && p < hi && m->region[p] == region) ? m->masked[p] : ' ';
  }
  [[nodiscard]] bool blank(std::size_t p) const { return is_space(at(p)); }
  /// The first non-blank at or after @p p, or hi.
  [[nodiscard]] std::size_t next_solid(std::size_t p) const {
    while (p < hi && blank(p)) ++p;
    return p;
  }
  /// The last non-blank before @p p, or npos.
  [[nodiscard]] std::size_t prev_solid(std::size_t p) const {
    while (p > lo) {
      --p;
      if (!blank(p)) return p;
    }
    return npos;
  }
  /// The first character of the word whose last character is at @p p.
  [[nodiscard]] std::size_t word_begin(std::size_t p) const {
    while (p > lo && is_ident_char(at(p - 1))) --p;
    return p;
  }
  [[nodiscard]] std::string_view word_at(std::size_t last) const {
    const std::size_t b = word_begin(last);
    return m->text.substr(b, last + 1 - b);
  }
  /// The bracket closing the one opened at @p p, or npos.
  [[nodiscard]] std::size_t match_forward(std::size_t p) const {
    int depth = 0;
    for (std::size_t q = p; q < hi; ++q) {
      const char c = at(q);
      if (is_open(c)) {
        ++depth;
      } else if (is_close(c) && --depth == 0) {
        return q;
      }
    }
    return npos;
  }
  /// The bracket opening the one closed at @p p, or npos.
  [[nodiscard]] std::size_t match_backward(std::size_t p) const {
    int depth = 0;
    for (std::size_t q = p + 1; q-- > lo;) {
      const char c = at(q);
      if (is_close(c)) {
        ++depth;
      } else if (is_open(c) && --depth == 0) {
        return q;
      }
    }
    return npos;
  }
  /// The `<` opening the template argument list closed by the `>` at @p p; parenthesized arguments such as
  /// `(2 > 1)` are skipped whole. npos when there is none.
  [[nodiscard]] std::size_t angle_backward(std::size_t p) const {
    int depth = 0;
    for (std::size_t q = p + 1; q-- > lo;) {
      const char c = at(q);
      if (c == '>') {
        ++depth;
      } else if (c == '<') {
        if (--depth == 0) return q;
      } else if (c == ')' || c == ']') {
        q = match_backward(q);
        if (q == npos) return npos;
      } else if (c == ';' || c == '{' || c == '}') {
        return npos;
      }
    }
    return npos;
  }
  /// True when the character at @p p ends `::`, `.` or `->`.
  [[nodiscard]] bool ends_member_access(std::size_t p) const {
    const char c = at(p);
    return c == '.' || (c == ':' && at(p - 1) == ':') || (c == '>' && at(p - 1) == '-');
  }
  /// The first character of the `::`, `.` or `->` ending at @p p.
  [[nodiscard]] std::size_t member_access_begin(std::size_t p) const { return at(p) == '.' ? p : p - 1; }
};

/// A kernel launch `kernel <<< config >>> (args)`, as offsets into the source.
struct launch {
  std::size_t kernel_begin = 0;  ///< the kernel expression
  std::size_t kernel_end = 0;
  std::size_t open = 0;        ///< the `<<<`
  std::size_t close = 0;       ///< the `>>>`
  std::size_t args_open = 0;   ///< the `(` before the arguments
  std::size_t args_close = 0;  ///< the `)` after them
};

enum class kernel_scan { found, missing, not_a_launch };

/// Walks back from the `<<<` at @p lt over the kernel expression: names, `::`, `.`, `->`, template argument lists,
/// calls, subscripts and parenthesized expressions. Sets @p begin to its first character.
kernel_scan scan_kernel(const view& v, std::size_t lt, std::size_t& begin) {
  std::size_t cur = v.prev_solid(lt);
  if (cur == npos) return kernel_scan::missing;
  bool first = true;
  for (;;) {
    const char c = v.at(cur);
    std::size_t atom = npos;
    if (is_ident_char(c)) {
      atom = v.word_begin(cur);
      const std::string_view word = v.m->text.substr(atom, cur + 1 - atom);
      if (first && word == "operator") return kernel_scan::not_a_launch;  // `operator<<<T>`: a template-id
      if (is_digit(word.front()) || is_keyword(word)) {
        if (first) return kernel_scan::missing;
        break;  // `return ::k<<<…`: the keyword is no part of the kernel
      }
    } else if (c == '>') {
      const std::size_t lt2 = v.angle_backward(cur);
      const std::size_t name = lt2 == npos ? npos : v.prev_solid(lt2);
      if (name == npos || !is_ident_char(v.at(name))) return kernel_scan::missing;
      atom = v.word_begin(name);
    } else if (c == ')' || c == ']') {
      atom = v.match_backward(cur);
      if (atom == npos) return kernel_scan::missing;
      // A call or a subscript (`pick(i)<<<…`, `table[i]<<<…`): the callee continues to the left.
      const std::size_t q = v.prev_solid(atom);
      if (q != npos) {
        const char p = v.at(q);
        const bool callee =
            (is_ident_char(p) && !is_keyword(v.word_at(q))) || p == ']' || p == '>' || (c == ']' && p == ')');
        if (callee) {
          begin = atom;
          first = false;
          cur = q;
          continue;
        }
      }
    } else {
      if (first) return kernel_scan::missing;
      break;
    }
    begin = atom;
    first = false;
    std::size_t q = v.prev_solid(atom);
    if (q == npos) break;
    if (is_ident_char(v.at(q))) {  // `obj.template k<int>`: the disambiguator belongs to the expression
      const std::size_t w = v.word_begin(q);
      const std::size_t before = v.prev_solid(w);
      if (v.word_at(q) != "template" || before == npos || !v.ends_member_access(before)) break;
      begin = w;
      q = before;
    }
    if (!v.ends_member_access(q)) break;
    begin = v.member_access_begin(q);
    const std::size_t next = v.prev_solid(begin);
    if (next == npos) break;  // a leading `::`
    const char n = v.at(next);
    if (!(is_ident_char(n) || n == '>' || n == ')' || n == ']')) break;
    cur = next;
  }
  return kernel_scan::found;
}

/// Parses the launch whose `<<<` is at @p lt. Reports what it cannot parse; nullopt then, and for `operator<<<`.
std::optional<launch> parse_launch(const view& v, std::size_t lt) {
  const source_model& m = *v.m;
  launch l;
  l.open = lt;
  switch (scan_kernel(v, lt, l.kernel_begin)) {
    case kernel_scan::not_a_launch:
      return std::nullopt;
    case kernel_scan::missing:
      m.error(lt, "expected a kernel before '<<<' (a name, a template-id or a parenthesized expression)");
      return std::nullopt;
    case kernel_scan::found:
      break;
  }
  l.kernel_end = v.prev_solid(lt) + 1;

  int depth = 0;
  l.close = npos;
  for (std::size_t q = lt + 3; q < v.hi; ++q) {
    const char c = v.at(q);
    if (is_open(c)) {
      ++depth;
    } else if (is_close(c)) {
      if (depth-- == 0) break;
    } else if (c == ';' && depth == 0) {
      break;
    } else if (c == '>' && depth == 0 && v.at(q + 1) == '>' && v.at(q + 2) == '>') {
      l.close = q;
      break;
    }
  }
  if (l.close == npos) {
    m.error(lt, "this launch configuration is not closed by '>>>'");
    return std::nullopt;
  }
  if (v.next_solid(lt + 3) == l.close) {
    m.error(lt, "empty launch configuration: a launch needs at least <<<grid, block>>>");
    return std::nullopt;
  }
  l.args_open = v.next_solid(l.close + 3);
  if (l.args_open >= v.hi || v.at(l.args_open) != '(') {
    m.error(l.close, "expected '(' and the kernel's arguments after '>>>'");
    return std::nullopt;
  }
  l.args_close = v.match_forward(l.args_open);
  if (l.args_close == npos) {
    m.error(l.args_open, "the kernel's argument list is not closed by ')'");
    return std::nullopt;
  }
  return l;
}

// ---------------------------------------------------------------------------------------------------------------
// Pass 2b: __shared__ declarations

/// A token of a declaration: a word ('w'), number ('n'), literal ('l') or a punctuator (the character itself).
struct token {
  std::size_t begin = 0;
  std::size_t end = 0;
  char kind = 0;
};

using tokens = std::vector<token>;

tokens tokenize(const source_model& m, std::size_t b, std::size_t e) {
  tokens out;
  std::size_t q = b;
  while (q < e) {
    const char c = m.masked[q];
    if (m.region[q] != k_code || is_space(c)) {
      ++q;
      continue;
    }
    std::size_t j = q + 1;
    char kind = c;
    if (c == '"') {
      while (j < e && m.masked[j] == '"') ++j;
      kind = 'l';
    } else if (is_ident_start(c) || is_digit(c)) {
      while (j < e && (is_ident_char(m.masked[j]) || (is_digit(c) && (m.masked[j] == '.' || m.masked[j] == '\'')))) ++j;
      kind = is_digit(c) ? 'n' : 'w';
    }
    out.push_back({q, j, kind});
    q = j;
  }
  return out;
}

/// @p s without its leading and trailing blanks.
std::string_view trim_view(std::string_view s) {
  const std::size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

/// What a `{` opens, as far as the `__shared__` check needs to know.
enum class scope { block, namespace_like, class_like };

/// The index of the token closing the bracket opened at tokens[i] (matching all of ( [ {), or ts.size().
std::size_t match_token(const source_model& m, const tokens& ts, std::size_t i) {
  int depth = 0;
  for (std::size_t j = i; j < ts.size(); ++j) {
    const char c = m.masked[ts[j].begin];
    if (is_open(c)) {
      ++depth;
    } else if (is_close(c) && --depth == 0) {
      return j;
    }
  }
  return ts.size();
}

class shared_rewriter {
 public:
  explicit shared_rewriter(const source_model& m) : m_(m), text_(m.text) {}

  /// Finds every `__shared__` in code (not in directives, comments or literals) and adds an edit for each.
  void run(std::vector<std::pair<std::size_t, std::size_t>>& ranges, std::vector<std::string>& replacements) {
    std::vector<scope> scopes;
    const std::size_t n = text_.size();
    for (std::size_t p = 0; p < n;) {
      const char c = m_.masked[p];
      if (m_.region[p] != k_code) {
        ++p;
      } else if (c == '{') {
        scopes.push_back(classify_brace(p));
        ++p;
      } else if (c == '}') {
        if (!scopes.empty()) scopes.pop_back();
        ++p;
      } else if (is_ident_start(c)) {
        std::size_t j = p;
        while (j < n && is_ident_char(m_.masked[j])) ++j;
        if (text_.substr(p, j - p) == "__shared__") {
          const scope where = scopes.empty() ? scope::namespace_like : scopes.back();
          j = rewrite(p, where, ranges, replacements);
        }
        p = j;
      } else {
        ++p;
      }
    }
  }

 private:
  [[nodiscard]] std::string_view text(const token& t) const { return text_.substr(t.begin, t.end - t.begin); }
  [[nodiscard]] char punct(const token& t) const {
    return t.kind == 'w' || t.kind == 'n' || t.kind == 'l' ? 0 : t.kind;
  }

  /// Decides from the words before a `{` (back to the previous `;`, `{` or `}`) whether it opens a namespace,
  /// a class or something inside a function. Heuristic, but only used to reject `__shared__` outside functions.
  [[nodiscard]] scope classify_brace(std::size_t brace) const {
    std::size_t s = brace;
    while (s > 0) {
      const char c = m_.masked[s - 1];
      if (m_.region[s - 1] == k_code && (c == ';' || c == '{' || c == '}')) break;
      --s;
    }
    const tokens ts = tokenize(m_, s, brace);
    bool paren = false;
    bool class_key = false;
    for (const token& t : ts) {
      const std::string_view w = text(t);
      if (t.kind == ')') paren = true;
      if (t.kind == 'w' && (w == "class" || w == "struct" || w == "union" || w == "enum")) class_key = true;
    }
    if (!ts.empty() && ts[0].kind == 'w') {
      const std::string_view w0 = text(ts[0]);
      if (w0 == "namespace" || (w0 == "inline" && ts.size() > 1 && text(ts[1]) == "namespace"))
        return scope::namespace_like;
      if (w0 == "extern" && ts.size() > 1 && ts[1].kind == 'l' && !paren) return scope::namespace_like;  // extern "C" {
    }
    return class_key && !paren ? scope::class_like : scope::block;
  }

  /// Joins tokens as they were written, with one space wherever there was a gap (blanks, a comment, a line break
  /// or a dropped token), so the result sits on one line.
  [[nodiscard]] std::string join(const tokens& ts) const {
    std::string out;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      if (i > 0 && ts[i].begin != ts[i - 1].end) out += ' ';
      out += text(ts[i]);
    }
    return out;
  }

  /// True when @p ts reads as a type: words, `::`, template argument lists and `decltype(…)`.
  [[nodiscard]] bool looks_like_type(const tokens& ts) const {
    int angle = 0;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const char c = punct(ts[i]);
      if (is_open(c)) {  // skipped whole, so `Tile<(N > 2)>` counts no `>` inside the parentheses
        const std::string_view before = i > 0 ? text(ts[i - 1]) : std::string_view{};
        if (angle == 0 && before != "decltype" && before != "__typeof__" && before != "typeof") return false;
        i = match_token(m_, ts, i);
        if (i == ts.size()) return false;
      } else if (c == '<') {
        ++angle;
      } else if (c == '>') {
        if (--angle < 0) return false;
      } else if (angle == 0 && c != 0 && c != ':' && c != '*' && c != '&') {
        return false;
      }
    }
    return angle == 0;
  }

  /// True when only blanks and comments share the lines of [b, e] with it (so it can become a directive).
  [[nodiscard]] bool alone_on_its_lines(std::size_t b, std::size_t e) const {
    for (std::size_t q = b; q-- > 0 && text_[q] != '\n';) {
      if (!is_space(m_.masked[q])) return false;
    }
    for (std::size_t q = e + 1; q < text_.size() && text_[q] != '\n'; ++q) {
      if (!is_space(m_.masked[q])) return false;
    }
    return true;
  }

  /// Rewrites the declaration containing the `__shared__` at @p at. Returns where scanning goes on.
  std::size_t rewrite(std::size_t at, scope where, std::vector<std::pair<std::size_t, std::size_t>>& ranges,
                      std::vector<std::string>& replacements) {
    const std::size_t n = text_.size();
    // The statement: back to the previous `;`, `{`, `}`, label colon or directive; forward to the `;`.
    std::size_t s = at;
    while (s > 0) {
      const std::size_t q = s - 1;
      const char c = m_.masked[q];
      if (m_.region[q] != k_code || c == ';' || c == '{' || c == '}') break;
      if (c == ':') {
        if (q > 0 && m_.masked[q - 1] == ':') {
          s = q - 1;
          continue;
        }
        break;
      }
      s = q;
    }
    std::size_t semi = npos;
    int depth = 0;
    for (std::size_t q = at; q < n; ++q) {
      if (m_.region[q] != k_code) break;
      const char c = m_.masked[q];
      if (is_open(c)) {
        ++depth;
      } else if (is_close(c)) {
        if (depth-- == 0) break;
      } else if (c == ';' && depth == 0) {
        semi = q;
        break;
      }
    }
    if (semi == npos) {
      m_.error(at, "expected ';' at the end of this __shared__ declaration");
      return at + 1;
    }
    if (where == scope::class_like) {
      m_.error(at, "a __shared__ variable must be declared inside a function body");
      return semi + 1;
    }

    // Drop the storage specifiers and alignment requests; what is left is a type and declarators.
    const tokens all = tokenize(m_, s, semi);
    tokens kept;
    bool is_extern = false;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const std::string_view w = all[i].kind == 'w' ? text(all[i]) : std::string_view{};
      if (w == "__shared__" || w == "static" || w == "__device__") continue;
      if (w == "extern") {
        is_extern = true;
        continue;
      }
      if (w == "__align__" || w == "alignas" || w == "__attribute__" || w == "__declspec") {
        if (i + 1 < all.size() && all[i + 1].kind == '(') i = match_token(m_, all, i + 1);
        continue;
      }
      if (all[i].kind == '[' && i + 1 < all.size() && all[i + 1].kind == '[' && all[i + 1].begin == all[i].end) {
        i = match_token(m_, all, i);  // an [[attribute]]
        continue;
      }
      kept.push_back(all[i]);
    }

    // `__shared__ union TempStorage { … } temp;` (CUB's style): the class definition stays as written, on its
    // lines, as a declaration of its own; the variable then names the class (an unnamed one gets a name).
    std::string definition;
    std::string defined_type;
    std::size_t declarators_begin = all.front().begin;
    if (kept.size() > 1 && kept[0].kind == 'w' &&
        (text(kept[0]) == "struct" || text(kept[0]) == "union" || text(kept[0]) == "class")) {
      const std::size_t brace = kept[1].kind == '{' ? 1 : (kept.size() > 2 && kept[2].kind == '{' ? 2 : 0);
      if (brace != 0) {
        const std::size_t close = match_token(m_, kept, brace);
        if (close == kept.size()) {
          m_.error(kept[brace].begin, "cannot parse this __shared__ declaration: '{' is not closed");
          return semi + 1;
        }
        definition.append(count_newlines(text_.substr(all.front().begin, kept[0].begin - all.front().begin)), '\n');
        if (brace == 2) {
          defined_type = text(kept[1]);
          definition += text_.substr(kept[0].begin, kept[close].end - kept[0].begin);
        } else {
          defined_type = "ws_shared_type_" + std::to_string(kept[0].begin) + "_";
          definition += std::string(text(kept[0])) + " " + defined_type;
          definition += text_.substr(kept[0].end, kept[close].end - kept[0].end);
        }
        definition += ';';
        declarators_begin = kept[close].end;
        kept.erase(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(close + 1));
      }
    }

    // Split into declarators at top-level commas (commas in template arguments and brackets stay).
    std::vector<tokens> declarators(1);
    std::vector<std::size_t> commas;
    int brackets = 0;
    int angles = 0;  // counted outside brackets only: `[N > 2 ? 1 : 2]` holds no template argument list
    for (const token& t : kept) {
      const char c = punct(t);
      if (is_open(c)) ++brackets;
      if (is_close(c)) --brackets;
      if (brackets == 0 && c == '<') ++angles;
      if (brackets == 0 && c == '>' && angles > 0) --angles;
      if (c == ',' && brackets == 0 && angles == 0) {
        commas.push_back(t.begin);
        declarators.emplace_back();
      } else {
        declarators.back().push_back(t);
      }
    }

    // At namespace scope the declaration becomes a `#define` (one variable per block cannot be a namespace-scope
    // object), so it must be alone on its lines, one per declaration.
    const bool at_namespace_scope = where == scope::namespace_like;
    const char* const kind = is_extern ? "an extern __shared__ array" : "a __shared__ variable";
    if (at_namespace_scope && !alone_on_its_lines(all.front().begin, semi)) {
      m_.error(at, std::string(kind) + " at namespace scope must be alone on its line(s), one per declaration");
      return semi + 1;
    }
    if (at_namespace_scope && declarators.size() > 1) {
      m_.error(commas.front(), "at namespace scope, declare one __shared__ variable per declaration");
      return semi + 1;
    }

    std::string type;  // the base type, shared by all declarators
    std::string out = definition;
    const std::size_t decl_begin = all.front().begin;
    for (std::size_t d = 0; d < declarators.size(); ++d) {
      const tokens& ts = declarators[d];
      const std::size_t seg_begin = d == 0 ? declarators_begin : commas[d - 1] + 1;
      const std::size_t seg_end = d + 1 == declarators.size() ? semi + 1 : commas[d] + 1;
      // The name is the last word before the first top-level `[`, `=`, `{` or `(`.
      std::size_t split = 0;
      int angle = 0;
      for (; split < ts.size(); ++split) {
        const char c = punct(ts[split]);
        if (c == '<') ++angle;
        if (c == '>') --angle;
        if (angle == 0 && (c == '[' || c == '=' || c == '{')) break;
        if (angle == 0 && c == '(' && split > 0 && ts[split - 1].kind == 'w' && text(ts[split - 1]) != "decltype") {
          if (d > 0 || split > 1) break;  // `T x(…)`: an initializer
        }
        if (is_open(c)) split = match_token(m_, ts, split);
        if (split == ts.size()) break;
      }
      if (split == 0 || ts[split - 1].kind != 'w') {
        m_.error(ts.empty() ? (d == 0 ? at : commas[d - 1]) : ts.front().begin,
                 "cannot parse this __shared__ declaration: expected a type and a variable name");
        return semi + 1;
      }
      const token name = ts[split - 1];
      // Pointer declarators (`*`, `&` and their cv-qualifiers) belong to this name, the rest is the base type.
      std::size_t ptr = split - 1;
      while (ptr > 0) {
        const std::string_view w = text(ts[ptr - 1]);
        if (w == "*" || w == "&" || w == "const" || w == "volatile" || w == "__restrict__" || w == "__restrict") {
          --ptr;
        } else {
          break;
        }
      }
      while (ptr < split - 1 && ts[ptr].kind != '*' && ts[ptr].kind != '&') ++ptr;  // cv before any `*` is the type's
      const tokens base(ts.begin(), ts.begin() + static_cast<std::ptrdiff_t>(ptr));
      const tokens stars(ts.begin() + static_cast<std::ptrdiff_t>(ptr),
                         ts.begin() + static_cast<std::ptrdiff_t>(split - 1));
      if (d == 0 && !defined_type.empty()) {
        if (!base.empty()) {
          m_.error(base.front().begin, "cannot parse this __shared__ declaration after the class definition");
          return semi + 1;
        }
        type = defined_type;
      } else if (d == 0) {
        if (base.empty() || !looks_like_type(base)) {
          m_.error(
              base.empty() ? name.begin : base.front().begin,
              "cannot parse this __shared__ declaration: expected a type before '" + std::string(text(name)) + "'");
          return semi + 1;
        }
        type = join(base);
      } else if (!base.empty()) {
        m_.error(base.front().begin, "cannot parse this declarator of a __shared__ declaration");
        return semi + 1;
      }
      // DIMS: zero or more [expr].
      tokens dims;
      for (std::size_t i = split; i < ts.size();) {
        const char c = punct(ts[i]);
        if (c == '=' || c == '{' || c == '(') {
          m_.error(ts[i].begin,
                   "a __shared__ variable cannot have an initializer (CUDA does not allow one either); "
                   "assign it in the kernel, then __syncthreads()");
          return semi + 1;
        }
        if (c != '[') {
          m_.error(ts[i].begin,
                   "cannot parse this __shared__ declaration: unexpected '" + std::string(text(ts[i])) + "'");
          return semi + 1;
        }
        const std::size_t close = match_token(m_, ts, i);
        if (close == ts.size()) {
          m_.error(ts[i].begin, "cannot parse this __shared__ declaration: '[' is not closed");
          return semi + 1;
        }
        dims.insert(dims.end(), ts.begin() + static_cast<std::ptrdiff_t>(i),
                    ts.begin() + static_cast<std::ptrdiff_t>(close + 1));
        i = close + 1;
      }

      const std::string full_type = type + join(stars);
      std::string decl;
      if (is_extern) {
        if (dims.size() != 2) {
          m_.error(name.begin, "extern __shared__ must declare an array of unknown size: extern __shared__ T " +
                                   std::string(text(name)) + "[];");
          return semi + 1;
        }
        if (at_namespace_scope) {
          // A pointer initialized at namespace scope would be set once, outside any block; a macro asks the
          // running block each time, like the kernels' own `extern __shared__` declarations do.
          decl = "#define " + std::string(text(name)) + " (::cudacpu::dynamic_shared<" + full_type + ">())";
        } else {
          decl = full_type + "* " + std::string(text(name)) + " = ::cudacpu::dynamic_shared<" + full_type + ">();";
        }
      } else {
        // `T (&name)[N]`; without dimensions plain `T& name`, since gcc's -Wparentheses warns about `T (&name)`.
        const std::string dims_text = join(dims);
        const std::string declarator =
            dims.empty() ? "& " + std::string(text(name)) : " (&" + std::string(text(name)) + ")" + dims_text;
        // The name, for the race checker's reports ("data race on __shared__ tile[3][4]").
        if (at_namespace_scope) {
          // A macro that asks the running block for its instance at every use. A lambda's type cannot be the key
          // here (each expansion would make a new one), so the key is a type named by a hash of the declaration.
          const std::string what = std::string(text(name)) + "|" + full_type + dims_text;
          std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
          for (const char c : what) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
          decl = "#define " + std::string(text(name)) + " (::cudacpu::shared_variable<" + full_type + dims_text +
                 ">(::std::integral_constant<unsigned long long, " + std::to_string(hash) + "ull>{}, \"" +
                 std::string(text(name)) + "\"))";
        } else {
          decl = full_type + declarator + " = ::cudacpu::shared_variable<" + full_type + dims_text + ">([]{}, \"" +
                 std::string(text(name)) + "\");";
        }
      }
      const std::size_t before = count_newlines(text_.substr(seg_begin, name.begin - seg_begin));
      const std::size_t after = count_newlines(text_.substr(name.end, seg_end - name.end));
      out.append(before, '\n');
      if (before > 0) {  // a declarator on a line of its own keeps that line's indentation
        const std::size_t line = text_.rfind('\n', name.begin) + 1;
        const std::size_t indent = text_.find_first_not_of(" \t", line);
        out += text_.substr(line, std::min(indent, name.begin) - line);
      } else if (d > 0 || !definition.empty()) {
        out += ' ';
      }
      out += decl;
      out.append(after, '\n');
    }
    ranges.emplace_back(decl_begin, semi + 1);
    replacements.push_back(std::move(out));
    return semi + 1;
  }

  const source_model& m_;
  std::string_view text_;
};

// ---------------------------------------------------------------------------------------------------------------
// Pass 3: the emitter

/// One edit: a range of the source and either a launch (emitted from its parts) or finished replacement text.
struct edit {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::optional<launch> call;
  std::string replacement;
};

class emitter {
 public:
  emitter(std::string_view text, const std::vector<edit>& edits) : text_(text), edits_(edits) {}

  /// Copies [b, e) with every edit that lies wholly inside it applied.
  void emit(std::size_t b, std::size_t e) {
    std::size_t pos = b;
    auto it = first_at_or_after(pos);
    while (it != edits_.end() && it->begin < e) {
      if (it->end > e) {  // straddles the range's end: cannot happen in code that compiles; leave it alone
        ++it;
        continue;
      }
      out.append(text_.substr(pos, it->begin - pos));
      if (it->call) {
        emit_launch(*it->call);
      } else {
        out += it->replacement;
      }
      pos = it->end;
      it = first_at_or_after(pos);
    }
    out.append(text_.substr(pos, e - pos));
  }

  std::string out;

 private:
  [[nodiscard]] std::vector<edit>::const_iterator first_at_or_after(std::size_t pos) const {
    return std::lower_bound(edits_.begin(), edits_.end(), pos,
                            [](const edit& x, std::size_t p) { return x.begin < p; });
  }

  void emit_launch(const launch& l) {
    out += "::cudacpu::launch(::cudacpu::launch_config(";
    emit(l.open + 3, l.close);
    out += "), [&](auto&... ws_args_) { ";
    emit(l.kernel_begin, l.kernel_end);
    emit(l.kernel_end, l.open);  // blanks or a comment between the kernel and `<<<`, kept for their newlines
    out += "(ws_args_...); })";
    emit(l.close + 3, l.args_open);
    out += "(";
    emit(l.args_open + 1, l.args_close);
    out += ")";
  }

  std::string_view text_;
  const std::vector<edit>& edits_;
};

/// @p source lexed (pass 1); its errors go to @p errors, which must outlive the model.
source_model lex(std::string_view source, std::vector<diagnostic>& errors) {
  source_model m;
  m.text = source;
  m.masked.assign(source);
  m.region.assign(source.size(), k_code);
  m.errors = &errors;
  m.line_starts.push_back(0);
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') m.line_starts.push_back(i + 1);
  }
  lexer(m).run();
  return m;
}

/// Passes 2 and 3 on a lexed source: the rewritten text (its errors go where the model's lexing sent them).
std::string rewrite(const source_model& m) {
  const std::string_view source = m.text;
  std::vector<diagnostic>& errors = *m.errors;
  std::size_t start = 0;
  if (source.substr(0, 3) == "\xEF\xBB\xBF") start = 3;  // a BOM after the #line would be a stray token

  std::vector<edit> edits;
  auto find_launches = [&](const view& v) {
    for (std::size_t p = v.lo; p + 2 < v.hi; ++p) {
      if (v.at(p) == '<' && v.at(p + 1) == '<' && v.at(p + 2) == '<' && v.at(p - 1) != '<') {
        if (auto l = parse_launch(v, p)) edits.push_back({l->kernel_begin, l->args_close + 1, l, {}});
        p += 2;
      }
    }
  };
  find_launches(view{&m, k_code, start, source.size()});
  for (std::size_t d = 0; d < m.directives.size(); ++d) {
    const directive& dr = m.directives[d];
    if (dr.is_define) find_launches(view{&m, static_cast<int>(d), dr.body, dr.end});
  }

  // `extern __shared__ T name[];` inside a #define (cuda-samples build a SharedMemory<T> specialisation per type
  // that way) becomes the pointer the kernels' own dynamic shared memory declarations become. Other __shared__
  // declarations in a macro stay: a use of the macro stops the build with defs.h's message.
  for (const directive& dr : m.directives) {
    if (!dr.is_define) continue;
    for (std::size_t p = dr.body; p + 10 <= dr.end; ++p) {
      if (source.compare(p, 10, "__shared__") != 0 || (p > 0 && is_ident_char(m.masked[p - 1])) ||
          (p + 10 < source.size() && is_ident_char(m.masked[p + 10]))) {
        continue;
      }
      std::size_t ext = p;
      while (ext > dr.body && is_space(m.masked[ext - 1])) --ext;
      const bool is_extern = ext >= dr.body + 6 && source.compare(ext - 6, 6, "extern") == 0 &&
                             (ext - 6 == dr.body || !is_ident_char(m.masked[ext - 7]));
      const std::size_t semi = source.find(';', p);
      std::string_view decl;
      if (semi != npos && semi < dr.end) decl = std::string_view(m.masked).substr(p + 10, semi - p - 10);
      // "T name[]": the name is the word before the brackets, the type everything before it.
      std::size_t close = decl.find_last_not_of(' ');
      std::size_t open = close == npos ? npos : decl.find_last_not_of(' ', close - 1);
      bool ok = is_extern && !decl.empty() && decl.find('\n') == npos && close != npos && decl[close] == ']' &&
                open != npos && decl[open] == '[';
      std::size_t name_end = ok ? decl.find_last_not_of(' ', open - 1) + 1 : 0;
      std::size_t name_begin = name_end;
      while (ok && name_begin > 0 && is_ident_char(decl[name_begin - 1])) --name_begin;
      const std::string_view type = ok ? trim_view(decl.substr(0, name_begin)) : std::string_view();
      ok = ok && name_begin < name_end && !type.empty();
      if (!ok) continue;  // left as written: where the macro is used, defs.h's __shared__ stops the build
      const std::string name(decl.substr(name_begin, name_end - name_begin));
      edits.push_back({ext - 6, semi + 1, std::nullopt,
                       std::string(type) + "* " + name + " = ::cudacpu::dynamic_shared<" + std::string(type) + ">();"});
      p = semi;
    }
  }

  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::vector<std::string> replacements;
  shared_rewriter(m).run(ranges, replacements);
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    edits.push_back({ranges[i].first, ranges[i].second, std::nullopt, std::move(replacements[i])});
  }
  std::sort(edits.begin(), edits.end(), [](const edit& a, const edit& b) { return a.begin < b.begin; });

  std::sort(errors.begin(), errors.end(), [](const diagnostic& a, const diagnostic& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });

  emitter out(source, edits);
  out.emit(start, source.size());
  return std::move(out.out);
}

}  // namespace

std::string translate_body(std::string_view source, std::vector<diagnostic>& errors) {
  return rewrite(lex(source, errors));
}

namespace {

/// @p path as the inside of a C string literal.
std::string c_string(std::string_view path) {
  std::string quoted;
  for (const char c : path) {
    if (c == '\\' || c == '"') quoted += '\\';
    quoted += c;
  }
  return quoted;
}

}  // namespace

namespace {

/// What encloses a point of the file, for kernel registrations: a named or anonymous namespace, `extern "C" {`,
/// or anything else (a class or function: no kernel there can be registered).
struct enclosing {
  char kind = 'o';   ///< 'n' named namespace, 'a' anonymous namespace, 'e' extern "C", 'o' other
  std::string name;  ///< the namespace's name ('n' only; may be `a::b`)
};

/// Registrations of the file's non-template `__global__` functions at namespace scope, one line each, reopening the
/// kernel's namespaces so the parameter types resolve as in the declaration:
/// `namespace n { [[maybe_unused]] static const bool ws_cudacpu_kernel_0 = ::cudacpu::detail::register_kernel(
/// static_cast<void (*)(float*, int)>(&k)); }`. The void* forms of cudaLaunchKernel and cudaLaunchCooperativeKernel
/// find a kernel's parameter types through them. Kernels with default arguments or qualified names are left out.
std::string kernel_registrations(const source_model& m, std::string_view path) {
  // The file's own prefix for the registrations' names: a .cu and the headers translated with it share one
  // translation unit.
  std::uint64_t file_hash = 14695981039346656037ull;  // FNV-1a
  for (const char ch : path) file_hash = (file_hash ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  const std::string prefix = "ws_cudacpu_kernel_" + std::to_string(file_hash % 1000000007ull) + "_";
  const std::string_view s = m.text;
  const std::string& masked = m.masked;
  const std::size_t n = s.size();
  const auto statement_start = [&](std::size_t at) {
    std::size_t b = at;
    while (b > 0 && !(m.region[b - 1] == k_code && (masked[b - 1] == ';' || masked[b - 1] == '{' ||
                                                      masked[b - 1] == '}'))) {
      --b;
    }
    return b;
  };
  const auto word_at = [&](std::size_t b) {
    std::size_t e = b;
    while (e < n && is_ident_char(masked[e])) ++e;
    return s.substr(b, e - b);
  };
  std::vector<enclosing> stack;
  std::vector<std::string> seen;
  std::string out;
  int count = 0;
  for (std::size_t p = 0; p < n; ++p) {
    if (m.region[p] != k_code) continue;
    const char c = masked[p];
    if (c == '{') {
      const tokens ts = tokenize(m, statement_start(p), p);
      enclosing e;
      std::size_t w = 0;
      if (ts.size() > w && ts[w].kind == 'w' && s.substr(ts[w].begin, ts[w].end - ts[w].begin) == "inline") ++w;
      if (ts.size() > w && ts[w].kind == 'w' && s.substr(ts[w].begin, ts[w].end - ts[w].begin) == "namespace") {
        e.kind = 'a';
        for (std::size_t k = w + 1; k < ts.size(); ++k) e.name += std::string(s.substr(ts[k].begin, ts[k].end - ts[k].begin));
        if (!e.name.empty()) e.kind = 'n';
      } else if (ts.size() == 2 && ts[0].kind == 'w' && s.substr(ts[0].begin, 6) == "extern" && ts[1].kind == 'l') {
        e.kind = 'e';
      }
      stack.push_back(e);
      continue;
    }
    if (c == '}') {
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    if (!is_ident_start(c) || (p > 0 && is_ident_char(masked[p - 1]))) continue;
    const std::string_view word = word_at(p);
    if (word != "__global__") {
      p += word.size() - 1;
      continue;
    }
    bool at_namespace_scope = true;
    for (const enclosing& e : stack) at_namespace_scope = at_namespace_scope && e.kind != 'o';
    const std::size_t begin = statement_start(p);
    // The declaration runs to the first `{` or `;` outside parentheses.
    std::size_t end = p;
    for (int depth = 0; end < n; ++end) {
      if (m.region[end] != k_code) continue;
      if (masked[end] == '(') ++depth;
      if (masked[end] == ')') --depth;
      if (depth == 0 && (masked[end] == '{' || masked[end] == ';')) break;
    }
    const tokens before = tokenize(m, begin, p);
    bool is_template = false;
    for (const token& t : before) is_template = is_template || s.substr(t.begin, t.end - t.begin) == "template";
    const tokens ts = tokenize(m, p, end);
    p += word.size() - 1;
    if (!at_namespace_scope || is_template) continue;
    // The name: the first word followed by '(' that is not an attribute-like macro.
    std::size_t name = ts.size();
    for (std::size_t i = 1; i + 1 < ts.size(); ++i) {
      const std::string_view w = s.substr(ts[i].begin, ts[i].end - ts[i].begin);
      if (ts[i].kind == 'w' && ts[i + 1].kind == '(' && w != "__launch_bounds__" && w != "__attribute__" &&
          w != "__declspec" && w != "alignas" && w != "decltype" && w != "__align__") {
        name = i;
        break;
      }
      if (ts[i].kind == '(') i = match_token(m, ts, i);
    }
    if (name == ts.size() || (name > 0 && ts[name - 1].kind == ':')) continue;  // not found, or `ns::k(...)`
    const std::size_t close = match_token(m, ts, name + 1);
    if (close == ts.size()) continue;
    std::string params;
    bool has_default = false;
    for (std::size_t q = ts[name + 1].end; q < ts[close].begin; ++q) {
      if (m.region[q] != k_code) continue;
      if (masked[q] == '=') has_default = true;
      if (masked[q] == '"') has_default = true;  // a literal we cannot copy back from the masked text
      const char ch = masked[q] == '\n' || masked[q] == '\r' || masked[q] == '\t' ? ' ' : masked[q];
      if (ch != ' ' || (!params.empty() && params.back() != ' ')) params += ch;  // one line, single spaces
    }
    while (!params.empty() && params.back() == ' ') params.pop_back();
    if (has_default) continue;
    const std::string kernel(s.substr(ts[name].begin, ts[name].end - ts[name].begin));
    std::string open;
    std::string qualified;
    int opened = 0;
    for (const enclosing& e : stack) {
      if (e.kind == 'n') {
        open += "namespace " + e.name + " { ";
        qualified += e.name + "::";
        ++opened;
      } else if (e.kind == 'a') {
        open += "namespace { ";
        qualified += "{anonymous}::";
        ++opened;
      }
    }
    std::string key = qualified + kernel + "(" + params + ")";
    key.erase(std::remove(key.begin(), key.end(), ' '), key.end());
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;  // a declaration and its definition
    seen.push_back(key);
    out += open + "[[maybe_unused]] static const bool " + prefix + std::to_string(count++) +
           " = ::cudacpu::detail::register_kernel(static_cast<void (*)(" + params + ")>(&" + kernel + "));" +
           (opened > 0 ? " " + std::string(static_cast<std::size_t>(opened), '}') : "") + "\n";
  }
  return out;
}

/// The registrations of @p source's kernels, after a #line that names them (nothing when there are none).
std::string registrations_trailer(const source_model& m, std::string_view path) {
  const std::string regs = kernel_registrations(m, path);
  if (regs.empty()) return "";
  const bool ends_with_newline = !m.text.empty() && m.text.back() == '\n';
  return std::string(ends_with_newline ? "" : "\n") + "#line 1 \"<cudacpu: kernel registrations>\"\n" + regs;
}

}  // namespace

std::string translate(std::string_view source, std::string_view path, std::vector<diagnostic>& errors) {
  const source_model m = lex(source, errors);  // once, for the rewrite and the registrations
  return "#include <cuda_runtime.h>\n#line 1 \"" + c_string(path) + "\"\n" + rewrite(m) +
         registrations_trailer(m, path);
}

std::string translate_header(std::string_view source, std::string_view path, std::vector<diagnostic>& errors) {
  const source_model m = lex(source, errors);
  return "#line 1 \"" + c_string(path) + "\"\n" + rewrite(m) + registrations_trailer(m, path);
}

std::vector<quoted_include> quoted_includes(std::string_view source) {
  std::vector<diagnostic> ignored;  // translate_body reports the same text's errors
  const source_model m = lex(source, ignored);
  std::vector<quoted_include> out;
  for (const directive& d : m.directives) {
    if (d.quoted_end == 0) continue;
    out.push_back({d.quoted_begin, d.quoted_end, std::string(source.substr(d.quoted_begin, d.quoted_end - d.quoted_begin))});
  }
  return out;
}

std::string format_diagnostic(std::string_view path, std::string_view source, const diagnostic& error) {
  std::string out = std::string(path) + ":" + std::to_string(error.line) + ":" + std::to_string(error.column) +
                    ": error: " + error.message + "\n";
  // The offending line with a caret, as gcc prints it.
  std::size_t begin = 0;
  for (int line = 1; line < error.line && begin != npos; ++line) {
    begin = source.find('\n', begin);
    if (begin != npos) ++begin;
  }
  if (begin == npos || begin > source.size()) return out;
  std::size_t end = source.find('\n', begin);
  std::string_view text = source.substr(begin, end == npos ? npos : end - begin);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  const std::string number = std::to_string(error.line);
  out += " " + number + " | " + std::string(text) + "\n";
  out += " " + std::string(number.size(), ' ') + " | ";
  for (std::size_t i = 0; i + 1 < static_cast<std::size_t>(error.column) && i < text.size(); ++i) {
    out += text[i] == '\t' ? '\t' : ' ';  // tabs kept so the caret lines up in any terminal
  }
  out += "^\n";
  return out;
}

}  // namespace ws::cudacpu_translate
