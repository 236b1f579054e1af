// Plain driver for the fuzz targets when libFuzzer is not used: replays every file given on the
// command line (directories are walked) through LLVMFuzzerTestOneInput. Build a target with
//   clang++ -fsanitize=fuzzer,address,undefined fuzz_X.cpp <kwcore sources>       (libFuzzer)
//   c++ fuzz_X.cpp FuzzReplayMain.cpp -lkwcore ...                                  (replay)
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
int replay(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), {});
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 1;
}
} // namespace

int main(int argc, char** argv)
{
    int n = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code ec;
        const std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p, ec)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec))
                if (e.is_regular_file())
                    n += replay(e.path());
        } else {
            n += replay(p);
        }
    }
    // Also the empty input, so a run without files still exercises the target once.
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(""), 0);
    std::printf("replayed %d input(s)\n", n);
    return 0;
}
