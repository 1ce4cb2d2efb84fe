/// @file json.cpp
/// @brief JSON text generation: escaping, number formatting, pretty printing, file output.
#include "ws/json.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace ws::json {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not one (overlong forms,
/// surrogates and code points above U+10FFFF included, per RFC 3629).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else return 0;
    if (i + len > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return len;
}

void append_number(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or Infinity; null is what JSON.stringify and Python's strict mode use
        return;
    }
    char buf[32];
    // Shortest text that reads back as the same double: 0.1 stays "0.1", 1e300 stays "1e+300".
    const auto res = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, res.ptr);
}

void newline(std::string& out, int indent, int depth) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

}  // namespace

std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (c < 0x20) {
                        static constexpr char hex[] = "0123456789abcdef";
                        out += "\\u00";
                        out += hex[c >> 4];
                        out += hex[c & 0xF];
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
        } else if (const std::size_t len = utf8_sequence_length(s, i); len != 0) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\\ufffd";
            ++i;
        }
    }
    out += '"';
    return out;
}

value& value::set(std::string_view key, value v) {
    auto* members = std::get_if<object_type>(&data_);
    if (members == nullptr) throw std::logic_error("ws::json::value::set: not an object");
    for (auto& [k, existing] : *members) {
        if (k == key) {
            existing = std::move(v);
            return *this;
        }
    }
    members->emplace_back(std::string(key), std::move(v));
    return *this;
}

value& value::push_back(value v) {
    auto* elements = std::get_if<array_type>(&data_);
    if (elements == nullptr) throw std::logic_error("ws::json::value::push_back: not an array");
    elements->push_back(std::move(v));
    return *this;
}

kind value::type() const noexcept { return static_cast<kind>(data_.index()); }

std::size_t value::size() const noexcept {
    if (const auto* a = std::get_if<array_type>(&data_)) return a->size();
    if (const auto* o = std::get_if<object_type>(&data_)) return o->size();
    return 0;
}

const value* value::find(std::string_view key) const noexcept {
    const auto* members = std::get_if<object_type>(&data_);
    if (members == nullptr) return nullptr;
    for (const auto& [k, v] : *members) {
        if (k == key) return &v;
    }
    return nullptr;
}

std::string value::dump(int indent) const {
    std::string out;
    write(out, indent, 0);
    return out;
}

void value::write(std::string& out, int indent, int depth) const {
    switch (type()) {
        case kind::null: out += "null"; break;
        case kind::boolean: out += std::get<bool>(data_) ? "true" : "false"; break;
        case kind::integer: out += std::to_string(std::get<std::int64_t>(data_)); break;
        case kind::unsigned_integer: out += std::to_string(std::get<std::uint64_t>(data_)); break;
        case kind::number: append_number(out, std::get<double>(data_)); break;
        case kind::string: out += escape(std::get<std::string>(data_)); break;
        case kind::array: {
            const auto& elements = std::get<array_type>(data_);
            out += '[';
            for (std::size_t i = 0; i < elements.size(); ++i) {
                if (i != 0) out += ',';
                newline(out, indent, depth + 1);
                elements[i].write(out, indent, depth + 1);
            }
            if (!elements.empty()) newline(out, indent, depth);
            out += ']';
            break;
        }
        case kind::object: {
            const auto& members = std::get<object_type>(data_);
            out += '{';
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (i != 0) out += ',';
                newline(out, indent, depth + 1);
                out += escape(members[i].first);
                out += indent < 0 ? ":" : ": ";
                members[i].second.write(out, indent, depth + 1);
            }
            if (!members.empty()) newline(out, indent, depth);
            out += '}';
            break;
        }
    }
}

void write_file(const std::filesystem::path& path, const value& v, int indent) {
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);  // a failure shows up when opening the file
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("ws::json::write_file: cannot open " + path.string() + " for writing");
    out << v.dump(indent) << '\n';
    out.close();
    if (!out) throw std::runtime_error("ws::json::write_file: writing " + path.string() + " failed");
}

}  // namespace ws::json
