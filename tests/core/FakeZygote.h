#pragma once

// What the LocalBackend suites share: requests for the fake zygote in tests/fixtures/fake_zygote
// (standard-library Python, no torch needed; `#FAKE` directives in the kernel code say what it
// does) and a backend configuration that uses it.
#include "core/local/LocalConfig.h"
#include "core/model/EvalRequest.h"

#include <QTemporaryDir>

#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace kw::testing {

inline std::string fixturesDir()
{
    return qgetenv("KW_TEST_FIXTURES").toStdString();
}

inline std::string python()
{
    return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

inline EvalRequest fake(const std::string& directives, const std::string& device = "auto",
                        double timeoutS = 30)
{
    EvalRequest r;
    r.id = EvalRequest::makeId();
    r.refCode = "class Model: pass\n";
    r.kernelCode = "#FAKE " + directives + "\nclass ModelNew: pass\n";
    r.device = device;
    r.timeoutS = timeoutS;
    r.problem = directives;
    return r;
}

inline std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A temporary folder with a LocalBackend configuration on the fake zygote (its cache inside).
// The LocalBackend suites derive from it beside QObject.
class FakeZygoteSandbox
{
protected:
    LocalConfig config(std::vector<std::string> devices = {}, int cpu = 1) const
    {
        LocalConfig c;
        c.python = python();
        c.evaluatorDir = fixturesDir() + "/fake_zygote";
        c.cacheDir = m_tmp.path().toStdString() + "/cache";
        c.devices = std::move(devices);
        c.cpuConcurrency = cpu;
        c.compileJobs = 2;
        return c;
    }
    std::string tmpFile(const char* name) const { return m_tmp.path().toStdString() + "/" + name; }
    bool sandboxReady() const { return m_tmp.isValid(); }

private:
    QTemporaryDir m_tmp;
};

} // namespace kw::testing
