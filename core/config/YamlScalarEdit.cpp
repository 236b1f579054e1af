#include "core/config/YamlScalarEdit.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace kw {

YamlScalarValue YamlScalarValue::ofBool(bool b)
{
    YamlScalarValue v;
    v.kind = Kind::Bool;
    v.boolean = b;
    return v;
}

YamlScalarValue YamlScalarValue::ofInt(long long i)
{
    YamlScalarValue v;
    v.kind = Kind::Int;
    v.integer = i;
    return v;
}

YamlScalarValue YamlScalarValue::ofNumberText(std::string plainNumber)
{
    YamlScalarValue v;
    v.kind = Kind::Number;
    v.string = std::move(plainNumber);
    return v;
}

YamlScalarValue YamlScalarValue::ofString(std::string s)
{
    YamlScalarValue v;
    v.kind = Kind::String;
    v.string = std::move(s);
    return v;
}

std::string YamlScalarValue::scalarText() const
{
    switch (kind) {
    case Kind::Bool:
        return boolean ? "true" : "false";
    case Kind::Int:
        return std::to_string(integer);
    case Kind::Number:
    case Kind::String:
        return string;
    }
    return {};
}

namespace {

enum class Quote
{
    Plain,
    Single,
    Double
};

class Source
{
public:
    explicit Source(std::string_view t) : text(t)
    {
        std::size_t start = 0;
        if (t.substr(0, 3) == "\xEF\xBB\xBF")
            start = 3;
        lineStarts.push_back(start);
        for (std::size_t i = start; i < t.size(); ++i)
            if (t[i] == '\n')
                lineStarts.push_back(i + 1);
    }
    std::optional<std::size_t> offset(const YAML::Mark& m) const
    {
        if (m.line < 0 || m.column < 0 || static_cast<std::size_t>(m.line) >= lineStarts.size())
            return std::nullopt;
        const std::size_t at =
            lineStarts[static_cast<std::size_t>(m.line)] + static_cast<std::size_t>(m.column);
        if (at > lineEnd(lineStarts[static_cast<std::size_t>(m.line)]))
            return std::nullopt;
        return at;
    }
    // End of the line holding `pos`, before "\r\n" or "\n".
    std::size_t lineEnd(std::size_t pos) const
    {
        std::size_t e = text.find('\n', pos);
        if (e == std::string_view::npos)
            e = text.size();
        if (e > pos && text[e - 1] == '\r')
            --e;
        return e;
    }
    std::size_t lineStartOf(std::size_t pos) const
    {
        const auto nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
        return (pos == 0 || nl == std::string_view::npos) ? lineStarts.front() : nl + 1;
    }
    std::string_view newline() const
    {
        const auto nl = text.find('\n');
        return (nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r') ? "\r\n" : "\n";
    }

    std::string_view text;
    std::vector<std::size_t> lineStarts;
};

// Position after a quoted scalar starting at `p` (on one line), or npos.
std::size_t scanQuoted(std::string_view t, std::size_t p, std::size_t end)
{
    const char q = t[p];
    for (std::size_t i = p + 1; i < end; ++i) {
        if (q == '"' && t[i] == '\\') {
            ++i;
            continue;
        }
        if (t[i] == q) {
            if (q == '\'' && i + 1 < end && t[i + 1] == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return std::string_view::npos;
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// Would a plain scalar with this text read back as a string, the same string?
bool plainIsSafe(const std::string& s)
{
    if (s.empty() || isBlank(s.front()) || isBlank(s.back()))
        return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos)
        return false;
    if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':')
        return false;
    for (char c : s)
        if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20)
            return false;
    // YAML 1.1 (PyYAML) booleans, nulls and numbers.
    std::string l;
    for (char c : s)
        l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* word :
         {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", ".nan"})
        if (l == word)
            return false;
    if (std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '+' || s.front() == '.')
        return false;
    return true;
}

std::string quoteDouble(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string quoteSingle(const std::string& s)
{
    std::string out = "'";
    for (char c : s) {
        out += c;
        if (c == '\'')
            out += '\'';
    }
    return out + "'";
}

std::string render(const YamlScalarValue& v, Quote oldStyle)
{
    if (v.kind != YamlScalarValue::Kind::String)
        return v.scalarText();
    const std::string& s = v.string;
    if (oldStyle == Quote::Single && s.find('\n') == std::string::npos)
        return quoteSingle(s);
    if (oldStyle == Quote::Double || !plainIsSafe(s))
        return quoteDouble(s);
    return s;
}

// A canonical form of a node tree for comparisons: scalars with their tags, maps by key.
nlohmann::json canonical(const YAML::Node& n, int depth = 0)
{
    if (depth > 64)
        return "<deep>";
    switch (n.Type()) {
    case YAML::NodeType::Scalar:
        return n.Tag() + "|" + n.Scalar();
    case YAML::NodeType::Sequence: {
        auto a = nlohmann::json::array();
        for (const auto& c : n)
            a.push_back(canonical(c, depth + 1));
        return a;
    }
    case YAML::NodeType::Map: {
        auto o = nlohmann::json::object();
        for (const auto& kv : n) {
            // A complex key (a map or list as a key) by its canonical dump; invalid UTF-8 in it
            // is replaced, not thrown (found by fuzz_yaml_edit).
            const std::string key = kv.first.IsScalar()
                                        ? kv.first.Scalar()
                                        : canonical(kv.first, depth + 1)
                                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            o[key] = canonical(kv.second, depth + 1);
        }
        return o;
    }
    case YAML::NodeType::Null:
        return nullptr;
    case YAML::NodeType::Undefined:
        return "<undefined>";
    }
    return nullptr;
}

// Replaces the value at `path` in a canonical tree (creating maps on the way).
void setCanonical(nlohmann::json& j, const std::vector<std::string>& path, std::size_t i)
{
    if (!j.is_object())
        j = nlohmann::json::object();
    if (i + 1 == path.size()) {
        j[path[i]] = "<edited>";
        return;
    }
    setCanonical(j[path[i]], path, i + 1);
}

// The key node and the value node of `key` in mapping `map`.
bool findKey(const YAML::Node& map, const std::string& key, YAML::Node& keyNode, YAML::Node& valueNode)
{
    for (const auto& kv : map) {
        if (kv.first.IsScalar() && kv.first.Scalar() == key) {
            keyNode.reset(kv.first);
            valueNode.reset(kv.second);
            return true;
        }
    }
    return false;
}

YAML::Node loadOrError(std::string_view text, std::string& error)
{
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        error = "invalid YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")";
    } catch (const std::exception& e) {
        error = std::string("invalid YAML: ") + e.what();
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

std::string joinPath(const std::vector<std::string>& path, std::size_t upTo)
{
    std::string s;
    for (std::size_t i = 0; i < upTo && i < path.size(); ++i)
        s += (i ? "." : "") + path[i];
    return s;
}

struct Splice
{
    std::size_t begin = 0, end = 0;
    std::string bytes;
    bool inserted = false;
};

// Where the value of an existing key sits, and what to write there.
std::string spliceForValue(const Source& src, const YAML::Node& keyNode, const YAML::Node& valueNode,
                           const YamlScalarValue& value, const std::string& where, Splice& out)
{
    if (valueNode.IsMap() || valueNode.IsSequence())
        return where + " is a " + std::string(valueNode.IsMap() ? "mapping" : "sequence") + ", not a value";
    auto keyAt = src.offset(keyNode.Mark());
    if (!keyAt)
        return "cannot locate " + where + " in the file";
    const std::string_view t = src.text;
    const std::size_t eol = src.lineEnd(*keyAt);
    std::size_t p = *keyAt;
    if (t[p] == '"' || t[p] == '\'') {
        p = scanQuoted(t, p, eol);
        if (p == std::string_view::npos)
            return "cannot read the key of " + where;
    } else {
        if (t[p] == '?')
            return where + " uses an explicit '?' key: edit it by hand";
        while (p < eol && !(t[p] == ':' && (p + 1 == eol || isBlank(t[p + 1]))))
            ++p;
    }
    while (p < eol && isBlank(t[p]))
        ++p;
    if (p >= eol || t[p] != ':')
        return "cannot find the ':' after the key of " + where;
    const std::size_t colon = p;
    ++p;
    while (p < eol && isBlank(t[p]))
        ++p;
    bool hadProperties = false;
    while (p < eol && (t[p] == '&' || t[p] == '!')) {
        hadProperties = true;
        while (p < eol && !isBlank(t[p]))
            ++p;
        while (p < eol && isBlank(t[p]))
            ++p;
    }
    if (p >= eol || t[p] == '#') { // empty value (null)
        if (valueNode.IsScalar() && !valueNode.Scalar().empty())
            return where + " continues on the next lines: edit it by hand";
        if (hadProperties)
            return where + " has a tag or anchor but no value: edit it by hand";
        out.begin = out.end = colon + 1;
        out.bytes = " " + render(value, Quote::Plain);
        if (p < eol && t[p] == '#')
            out.bytes += " ";
        return {};
    }
    const char c = t[p];
    if (c == '*')
        return where + " is an alias (*" + std::string(t.substr(p + 1, eol - p - 1)) +
               "): edit the anchor instead";
    if (c == '|' || c == '>')
        return where + " is a block scalar: edit it by hand";
    if (c == '[' || c == '{')
        return where + " is a flow collection, not a value";
    Quote style = Quote::Plain;
    std::size_t end = 0;
    if (c == '"' || c == '\'') {
        style = c == '"' ? Quote::Double : Quote::Single;
        end = scanQuoted(t, p, eol);
        if (end == std::string_view::npos)
            return where + " is a quoted value spanning lines: edit it by hand";
    } else {
        end = p;
        while (end < eol && !(t[end] == '#' && isBlank(t[end - 1])))
            ++end;
        while (end > p && isBlank(t[end - 1]))
            --end;
    }
    out.begin = p;
    out.end = end;
    out.bytes = render(value, style);
    return {};
}

// Where to insert `key: value` into the block mapping `map` (which exists and is not empty).
std::string spliceForInsert(const Source& src, const YAML::Node& map, const std::string& key,
                            const YamlScalarValue& value, const std::string& where, Splice& out)
{
    auto firstAt = src.offset(map.Mark());
    if (!firstAt)
        return "cannot locate " + where + " in the file";
    const std::string_view t = src.text;
    const std::size_t ls = src.lineStartOf(*firstAt);
    for (std::size_t i = ls; i < *firstAt; ++i)
        if (t[i] != ' ')
            return where + " is not a block mapping (flow style or same-line key): add the key by hand";
    const std::string indent(*firstAt - ls, ' ');
    // After the last one-line scalar entry, preferring the modal_* / use_modal group.
    std::size_t after = std::string::npos;
    int bestScore = -1;
    for (const auto& kv : map) {
        if (!kv.second.IsScalar() && !kv.second.IsNull())
            continue;
        auto at = src.offset(kv.first.Mark());
        if (!at)
            continue;
        const std::size_t eol = src.lineEnd(*at);
        const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        const int score = (k.rfind("modal_", 0) == 0 || k == "use_modal") ? 2 : 1;
        if (kv.second.IsScalar() && kv.second.Scalar().find('\n') != std::string::npos)
            continue; // a multi-line value: inserting after its key line would split it
        if (score > bestScore || (score == bestScore && eol > after)) {
            bestScore = score;
            after = eol;
        }
    }
    const std::string line = indent + key + ": " + render(value, Quote::Plain);
    if (after != std::string::npos) {
        out.begin = out.end = after;
        out.bytes = std::string(src.newline()) + line;
    } else {
        out.begin = out.end = ls;
        out.bytes = line + std::string(src.newline());
    }
    out.inserted = true;
    return {};
}

} // namespace

std::optional<std::string> readYamlScalar(std::string_view text, const std::vector<std::string>& path,
                                          std::string* error)
{
    std::string err;
    YAML::Node node = loadOrError(text, err);
    if (!err.empty()) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    for (const auto& key : path) {
        if (!node.IsMap())
            return std::nullopt;
        YAML::Node k, v;
        if (!findKey(node, key, k, v))
            return std::nullopt;
        node.reset(v);
    }
    if (!node.IsScalar())
        return std::nullopt;
    return node.Scalar();
}

YamlEditOutcome setYamlScalar(std::string_view text, const std::vector<std::string>& path,
                              const YamlScalarValue& value)
{
    YamlEditOutcome out;
    out.text = std::string(text);
    if (path.empty()) {
        out.error = "no key given";
        return out;
    }
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
            out.error = "the file uses bare CR line endings, which this editor does not handle";
            return out;
        }
    if (value.kind == YamlScalarValue::Kind::String &&
        value.string.find_first_of("\r\n") != std::string::npos) {
        out.error = "values with line breaks are not supported";
        return out;
    }
    const YAML::Node root = loadOrError(text, out.error);
    if (!out.error.empty())
        return out;
    const Source src(text);
    const std::string where = joinPath(path, path.size());

    Splice splice;
    YAML::Node node;
    node.reset(root);
    std::string err;
    for (std::size_t i = 0; i < path.size() && err.empty(); ++i) {
        const bool last = i + 1 == path.size();
        if (node.IsNull() || !node.IsDefined()) {
            if (i == 0) { // empty document: append the whole path
                std::string add;
                for (std::size_t j = 0; j < path.size(); ++j)
                    add += std::string(2 * j, ' ') + path[j] + ":" +
                           (j + 1 == path.size() ? " " + render(value, Quote::Plain) : "") +
                           std::string(src.newline());
                splice.begin = splice.end = text.size();
                splice.bytes = (text.empty() || text.back() == '\n' ? "" : std::string(src.newline())) + add;
                splice.inserted = true;
                break;
            }
            err = joinPath(path, i) + " is empty: add the key by hand";
            break;
        }
        if (!node.IsMap()) {
            err = (i ? joinPath(path, i) : std::string("the document")) + " is not a mapping";
            break;
        }
        YAML::Node k, v;
        if (findKey(node, path[i], k, v)) {
            if (last) {
                err = spliceForValue(src, k, v, value, where, splice);
                break;
            }
            if (v.IsNull()) {
                // "dataset_builder:" with nothing under it: the rest goes under its key line.
                auto keyAt = src.offset(k.Mark());
                if (!keyAt) {
                    err = "cannot locate " + joinPath(path, i + 1);
                    break;
                }
                const std::size_t ls = src.lineStartOf(*keyAt);
                const std::size_t eol = src.lineEnd(*keyAt);
                std::string add;
                for (std::size_t j = i + 1; j < path.size(); ++j)
                    add += std::string(src.newline()) + std::string(*keyAt - ls + 2 * (j - i), ' ') +
                           path[j] + ":" + (j + 1 == path.size() ? " " + render(value, Quote::Plain) : "");
                const std::string_view rest = text.substr(*keyAt, eol - *keyAt);
                if (rest.find('~') != std::string_view::npos || rest.find("null") != std::string_view::npos) {
                    err = joinPath(path, i + 1) + " is an explicit null: edit it by hand";
                    break;
                }
                splice.begin = splice.end = eol;
                splice.bytes = add;
                splice.inserted = true;
                break;
            }
            node.reset(v);
            continue;
        }
        // Missing key at level i.
        if (node.size() == 0) {
            err = joinPath(path, i) + " is an empty mapping: add the key by hand";
            break;
        }
        if (last) {
            err = spliceForInsert(src, node, path[i], value, where, splice);
            break;
        }
        if (i > 0) {
            err = joinPath(path, i + 1) + " is missing: add it by hand";
            break;
        }
        // A missing top-level section: append it at the end of the document.
        std::string add;
        for (std::size_t j = i; j < path.size(); ++j)
            add += std::string(2 * (j - i), ' ') + path[j] + ":" +
                   (j + 1 == path.size() ? " " + render(value, Quote::Plain) : "") +
                   std::string(src.newline());
        splice.begin = splice.end = text.size();
        splice.bytes = (text.empty() || text.back() == '\n' ? "" : std::string(src.newline())) + add;
        splice.inserted = true;
        break;
    }
    if (!err.empty()) {
        out.error = err;
        return out;
    }

    std::string edited(text.substr(0, splice.begin));
    edited += splice.bytes;
    edited.append(text.substr(splice.end));

    // Verify: the target reads back as the value, everything else as before.
    std::string verr;
    const YAML::Node after = loadOrError(edited, verr);
    auto readBack = readYamlScalar(edited, path);
    if (!verr.empty() || !readBack || *readBack != value.scalarText()) {
        out.error = "the edit of " + where + " could not be verified (unusual formatting): edit it by hand";
        return out;
    }
    nlohmann::json before = canonical(root);
    nlohmann::json now = canonical(after);
    setCanonical(before, path, 0);
    setCanonical(now, path, 0);
    if (before != now) {
        out.error = "editing " + where + " would change other values (unusual formatting): edit it by hand";
        return out;
    }
    out.changed = edited != text;
    out.inserted = splice.inserted;
    out.text = std::move(edited);
    return out;
}

} // namespace kw
