#pragma once

// Where tests find the source tree and their fixtures: the environment CTest sets
// (tests/CMakeLists.txt, KW_TEST_ENV), never __FILE__ (under ccache with CCACHE_BASEDIR the
// compiler sees relative paths, so __FILE__ is relative and breaks outside the build folder).
// Header-only and Qt-free (the benchmarks link kwcore only); tests/CliTestUtils.h gives the
// source tree as a QString.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace kwtest {

// An environment variable the tests need; without it the test binary stops with what to do.
inline std::string requiredEnv(const char* name)
{
    if (const char* v = std::getenv(name); v && *v)
        return v;
    std::fprintf(stderr,
                 "%s is not set: run the test through CTest (ctest --test-dir build/dev -R NAME), "
                 "or set KW_SOURCE_DIR to the repository root (KW_TEST_FIXTURES defaults to "
                 "$KW_SOURCE_DIR/tests/fixtures)\n",
                 name);
    std::exit(2);
}

// The repository root: $KW_SOURCE_DIR.
inline std::string sourcePath()
{
    return requiredEnv("KW_SOURCE_DIR");
}

// tests/ in the repository.
inline std::string testsPath()
{
    return sourcePath() + "/tests";
}

// The recorded fixtures: $KW_TEST_FIXTURES, else $KW_SOURCE_DIR/tests/fixtures.
inline std::string fixturesPath()
{
    if (const char* v = std::getenv("KW_TEST_FIXTURES"); v && *v)
        return v;
    return testsPath() + "/fixtures";
}

} // namespace kwtest
