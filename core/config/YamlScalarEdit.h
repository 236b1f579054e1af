#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// A value to write into YAML, typed so that it is quoted only where a plain scalar would be
// read back as something else.
struct YamlScalarValue
{
    enum class Kind
    {
        Bool,
        Int,
        Number, // a plain number written as given in `string` ("60.0", "1e3")
        String
    };
    Kind kind = Kind::String;
    bool boolean = false;
    long long integer = 0;
    std::string string;

    static YamlScalarValue ofBool(bool b);
    static YamlScalarValue ofInt(long long i);
    static YamlScalarValue ofNumberText(std::string plainNumber);
    static YamlScalarValue ofString(std::string s);
    // The scalar text a YAML parser reads back ("true", "600", "H100").
    std::string scalarText() const;
};

struct YamlEditOutcome
{
    std::string text;      // the whole new document (the input unchanged when error is set)
    std::string error;     // why the edit was refused
    bool inserted = false; // the key was absent and has been added
    bool changed = false;  // the bytes differ from the input

    bool ok() const { return error.empty(); }
};

// Pure, byte-preserving edit: sets the scalar at `path` (mapping keys from the root) to `value`
// and leaves every other byte of `text` as it was — comments, blank lines, quoting of other
// values, key order, line endings. The scalar's position comes from yaml-cpp's node marks; its
// old bytes (plain, 'single' or "double" quoted, after any &anchor or !tag) are replaced,
// keeping the old quoting style where the new value allows it. A missing last key is inserted
// into its block mapping with that mapping's indentation; a missing mapping is appended at the
// end of the document. Refused with a message: invalid YAML, a path through a non-mapping, a
// value that is a mapping/sequence/alias/block scalar or spans lines, flow-style mappings.
// Every edit is verified by parsing the result: the target must read back as the new value and
// everything else as before, else the edit is refused.
YamlEditOutcome setYamlScalar(std::string_view text, const std::vector<std::string>& path,
                              const YamlScalarValue& value);

// The scalar text at `path`; nullopt when absent, null, or not a scalar (error says which when
// the YAML itself is invalid).
std::optional<std::string> readYamlScalar(std::string_view text, const std::vector<std::string>& path,
                                          std::string* error = nullptr);

} // namespace kw
