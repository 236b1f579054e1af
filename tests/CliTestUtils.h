#pragma once

// Helpers for tests that run the built kernelwatch-cli (header-only).
#include "tests/TestPaths.h"

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace kwtest {

// The built CLI: $KW_BINARY_DIR/bin/kernelwatch-cli (set by CTest), else ./kernelwatch-cli.
inline QString cliPath()
{
    const QString bin = qEnvironmentVariable("KW_BINARY_DIR");
    return (bin.isEmpty() ? QStringLiteral(".") : bin + QStringLiteral("/bin")) +
           QStringLiteral("/kernelwatch-cli");
}

// The source tree: $KW_SOURCE_DIR (set by CTest; tests/TestPaths.h).
inline QString sourceDir()
{
    return QString::fromStdString(sourcePath());
}

// Whether Debian's Python can import torch (the local evaluator's tests need it).
inline bool torchPython()
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import torch")});
    return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// What a run of the CLI gave; code -1 when it did not end in time.
struct CliRun
{
    int code = -1;
    QByteArray out, err;
};

// Runs the CLI at `cli` with `env` (the caller's changes to this process's environment applied),
// waiting up to timeoutMs.
inline CliRun runCli(const QString& cli, const QStringList& args, const QProcessEnvironment& env,
                     int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(cli, args);
    if (!p.waitForFinished(timeoutMs))
        return {};
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace kwtest
