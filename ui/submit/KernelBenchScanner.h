#pragma once

#include <QString>

#include <vector>

namespace kw::ui {

struct KernelBenchProblem
{
    QString level;   // "level1"
    QString name;    // "19_ReLU"
    QString path;    // absolute file path
    int number = -1; // 19
    QString id() const { return level + QLatin1Char('/') + name; }
};

struct KernelBenchScan
{
    QString root; // the folder holding level1..level4
    std::vector<KernelBenchProblem> problems;
    QString error;
};

// Lists the problems of a KernelBench checkout: `dir` may be the folder holding level1..level4
// or the repository root (with KernelBench/level1...). Blocking; run it off the UI thread.
class KernelBenchScanner
{
public:
    static KernelBenchScan scan(const QString& dir);
    // The problem id of a file: "level1/19_ReLU" for …/level1/19_ReLU.py (as in the browser),
    // else the file's base name. The same file gets the same id however it was opened.
    static QString problemIdForPath(const QString& path);
};

} // namespace kw::ui
