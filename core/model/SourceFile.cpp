#include "core/model/SourceFile.h"

#include "core/model/EvalRequest.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace kw {

bool readSourceFile(const std::string& path, std::string& out, std::string& error)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        error = path + ": no such file";
        return false;
    }
    if (fs::is_directory(path, ec)) {
        error = path + ": is a folder, not a source file";
        return false;
    }
    const auto size = fs::file_size(path, ec);
    if (!ec && size > kMaxSourceBytes) {
        error = path + ": " + std::to_string(size) + " bytes, over the 1 MiB limit for a source file";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot be read (" + std::strerror(errno) + ")";
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    if (out.find_first_not_of(" \t\r\n") == std::string::npos) {
        error = path + ": the file is empty";
        return false;
    }
    if (out.find('\0') != std::string::npos) {
        error = path + ": contains NUL bytes; expected Python source text";
        return false;
    }
    return true;
}

namespace {
bool hasClass(const std::string& code, const char* name)
{
    const std::regex re(std::string(R"((^|\n)\s*class\s+)") + name + R"(\b)");
    return std::regex_search(code, re);
}
} // namespace

std::string checkReferenceSource(const std::string& code, const std::string& label)
{
    if (!hasClass(code, "Model"))
        return label + ": no 'class Model' found; a KernelBench reference defines class Model(nn.Module)";
    if (code.find("def get_inputs") == std::string::npos)
        return label +
               ": no get_inputs() found; a KernelBench reference defines get_inputs() and get_init_inputs()";
    return {};
}

std::string checkKernelSource(const std::string& code, const std::string& label)
{
    if (!hasClass(code, "ModelNew"))
        return label + ": no 'class ModelNew' found; the candidate must define class ModelNew(nn.Module)";
    return {};
}

} // namespace kw
