#pragma once

// Helpers for tests that run the built kernelwatch-cli (header-only).
#include "tests/TestPaths.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QString>
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

} // namespace kwtest
