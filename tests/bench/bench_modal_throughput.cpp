// Throughput of ModalBackend against the endpoint double answering after 1 s:
// N evaluations with 256 in flight; prints results/s and the client's CPU per request
// (getrusage of this process: the double runs in its own process).
//
//   bench_modal_throughput [N=1024] [concurrency=256] [delay_s=1.0]
#include "core/base/ChildEnv.h"
#include "core/base/Subprocess.h"
#include "core/modal/ModalBackend.h"
#include "tests/TestPaths.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

using namespace kw;

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string doubleScript()
{
    return kwtest::testsPath() + "/doubles/endpoint_double.py";
}

} // namespace

int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 1024;
    const int conc = argc > 2 ? std::atoi(argv[2]) : 256;
    const double delay = argc > 3 ? std::atof(argv[3]) : 1.0;

    Subprocess dbl;
    SpawnOptions so;
    so.argv = {access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3", doubleScript(),
               "--lifetime", "600"};
    so.env = childenv::current();
    so.pipeStderr = false;
    if (auto err = dbl.start(so); !err.empty()) {
        std::fprintf(stderr, "cannot start the endpoint double: %s\n", err.c_str());
        return 1;
    }
    std::string line;
    while (line.find('\n') == std::string::npos && dbl.waitReadable(10000))
        if (dbl.readSome(Subprocess::Stream::Stdout, line) == 0)
            break;
    if (line.rfind("PORT ", 0) != 0) {
        std::fprintf(stderr, "the endpoint double did not report a port\n");
        return 1;
    }
    const int port = std::atoi(line.c_str() + 5);

    ModalConfig c;
    c.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/ok?delay=" + std::to_string(delay);
    c.proxyKey = "wk-double-key";
    c.proxySecret = "ws-double-secret";
    c.maxInFlight = conc;
    ModalBackend backend(c);

    std::vector<EvalRequest> reqs(static_cast<std::size_t>(n));
    for (auto& r : reqs) {
        r.refCode = "import torch\nclass Model(torch.nn.Module):\n    pass\n";
        r.kernelCode = std::string(4000, 'x'); // a typical kernel's size
        r.gpuType = "H100";
    }
    const double cpu0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    auto results = backend.evaluateBatch(std::move(reqs));
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpuSeconds() - cpu0;
    int ok = 0;
    double cost = 0;
    for (const auto& r : results) {
        ok += r.status == EvalStatus::Correct;
        cost += r.costUsd.value_or(0);
    }
    const auto st = backend.stats();
    std::printf("bench_modal_throughput: %d evaluations, %d in flight, endpoint delay %.2f s\n", n, conc,
                delay);
    std::printf("  wall %.2f s, %.1f results/s, %d correct, %llu POSTs, max in flight %zu\n", wall, n / wall,
                ok, static_cast<unsigned long long>(st.posts), st.maxInFlight);
    std::printf("  client CPU %.3f s total, %.3f ms per request\n", cpu, 1000.0 * cpu / n);
    std::printf("  estimated cost %.4f USD (H100 list price x reported GPU-seconds)\n", cost);
    dbl.closeStdin();
    dbl.kill();
    return ok == n ? 0 : 2;
}
