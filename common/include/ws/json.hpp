/// @file json.hpp
/// @brief A small JSON writer for results files (benchmarks, device info), with no dependency.
///
/// Build a `ws::json::value` from strings, numbers, bools and null, nest objects and arrays, then `dump()` or
/// `write_file()`. Objects keep insertion order, so files diff well between runs. Output is always valid JSON:
/// strings are escaped (quotes, backslashes, control characters; invalid UTF-8 becomes U+FFFD), and NaN and
/// infinities, which JSON cannot express, are written as `null`.
/// @code
/// ws::json::value run = ws::json::value::object();
/// run.set("kernel", "matmul_tiled").set("n", 1024).set("ms", stats.median_ms);
/// run.set("sizes", ws::json::value::array({256, 512, 1024}));
/// ws::json::write_file("bench/results/matmul.json", run);
/// @endcode
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

/// JSON output: `ws::json::value`, `ws::json::escape`, `ws::json::write_file`.
namespace ws::json {

/// The kind of a `value`.
enum class kind { null, boolean, integer, unsigned_integer, number, string, array, object };

/// A JSON value: null, bool, number, string, array or object.
///
/// Integers are kept exactly (64-bit) rather than going through double, so sizes and byte counts above 2^53 survive.
class value {
public:
    using array_type = std::vector<value>;                          ///< Elements of an array.
    using object_type = std::vector<std::pair<std::string, value>>;  ///< Members of an object, in insertion order.

    /// null.
    value() noexcept = default;
    /// null.
    value(std::nullptr_t) noexcept {}
    /// true or false.
    /// @param b the value.
    value(bool b) noexcept : data_(b) {}
    /// A signed integer, written exactly.
    /// @param i the value.
    template <std::signed_integral I>
        requires(!std::same_as<I, bool>)
    value(I i) noexcept : data_(static_cast<std::int64_t>(i)) {}
    /// An unsigned integer, written exactly.
    /// @param u the value.
    template <std::unsigned_integral U>
        requires(!std::same_as<U, bool>)
    value(U u) noexcept : data_(static_cast<std::uint64_t>(u)) {}
    /// A number; NaN and infinities are written as null.
    /// @param d the value.
    value(double d) noexcept : data_(d) {}
    /// A number; NaN and infinities are written as null.
    /// @param f the value.
    value(float f) noexcept : data_(static_cast<double>(f)) {}
    /// A string, UTF-8.
    /// @param s the text; must not be null.
    value(const char* s) : data_(std::string(s)) {}
    /// A string, UTF-8.
    /// @param s the text.
    value(std::string s) noexcept : data_(std::move(s)) {}
    /// A string, UTF-8.
    /// @param s the text.
    value(std::string_view s) : data_(std::string(s)) {}
    /// Other pointers would silently become `true`; refuse them.
    template <class T>
    value(T*) = delete;

    /// An empty object, to fill with `set()`.
    [[nodiscard]] static value object() { return value(object_type{}); }
    /// An empty array, to fill with `push_back()`.
    [[nodiscard]] static value array() { return value(array_type{}); }
    /// An array of the given elements, e.g. `value::array({1, 2.5, "x"})`.
    /// @param elements the elements, in order.
    [[nodiscard]] static value array(std::initializer_list<value> elements) { return value(array_type(elements)); }

    /// Sets member @p key of an object (replacing an existing one in place) and returns *this for chaining.
    /// Precondition: `type() == kind::object`; otherwise throws std::logic_error.
    /// @param key member name (any UTF-8; escaped when written).
    /// @param v   member value.
    value& set(std::string_view key, value v);
    /// Appends @p v to an array and returns *this. Precondition: `type() == kind::array` (else std::logic_error).
    /// @param v the element.
    value& push_back(value v);

    /// The kind of value held.
    [[nodiscard]] kind type() const noexcept;
    /// Elements of an array or members of an object; 0 for anything else.
    [[nodiscard]] std::size_t size() const noexcept;
    /// Member @p key of an object, or nullptr when absent or not an object.
    /// @param key member name.
    [[nodiscard]] const value* find(std::string_view key) const noexcept;

    /// The text of this value.
    /// @param indent spaces per nesting level (pretty, one member per line); negative for compact single-line output.
    [[nodiscard]] std::string dump(int indent = 2) const;

private:
    explicit value(array_type a) : data_(std::move(a)) {}
    explicit value(object_type o) : data_(std::move(o)) {}
    void write(std::string& out, int indent, int depth) const;

    std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, array_type, object_type>
        data_{nullptr};
};

/// @p s as a JSON string literal, quotes included: `"`, `\` and control characters escaped, UTF-8 passed through,
/// invalid UTF-8 bytes replaced by U+FFFD so the output always parses.
/// @param s UTF-8 text.
[[nodiscard]] std::string escape(std::string_view s);

/// Writes `v.dump(indent)` and a final newline to @p path, creating missing parent directories.
/// Throws std::runtime_error naming the path when the file cannot be written.
/// @param path   destination file; replaced if it exists.
/// @param v      the value to write.
/// @param indent as for `value::dump`.
void write_file(const std::filesystem::path& path, const value& v, int indent = 2);

}  // namespace ws::json
