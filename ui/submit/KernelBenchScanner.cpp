#include "ui/submit/KernelBenchScanner.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
bool hasLevels(const QDir& d)
{
    for (int i = 1; i <= 4; ++i)
        if (d.exists(u"level"_s + QString::number(i)))
            return true;
    return false;
}
} // namespace

KernelBenchScan KernelBenchScanner::scan(const QString& dir)
{
    KernelBenchScan out;
    QDir d(dir);
    if (dir.isEmpty() || !d.exists()) {
        out.error = QObject::tr("The folder %1 does not exist. Choose your KernelBench checkout.").arg(dir);
        return out;
    }
    if (!hasLevels(d)) {
        if (QDir inner(d.filePath(u"KernelBench"_s)); inner.exists() && hasLevels(inner))
            d = inner;
        else {
            out.error = QObject::tr("No level1 … level4 folders in %1. Choose the KernelBench checkout (the "
                                    "folder that holds KernelBench/level1).")
                            .arg(QDir::toNativeSeparators(dir));
            return out;
        }
    }
    out.root = d.absolutePath();
    for (int i = 1; i <= 4; ++i) {
        const QString level = u"level"_s + QString::number(i);
        QDir ld(d.filePath(level));
        if (!ld.exists())
            continue;
        const QFileInfoList files = ld.entryInfoList({u"*.py"_s}, QDir::Files | QDir::Readable, QDir::Name);
        for (const QFileInfo& f : files) {
            if (f.fileName().startsWith(u"__"_s))
                continue;
            KernelBenchProblem p;
            p.level = level;
            p.name = f.completeBaseName();
            p.path = f.absoluteFilePath();
            const QString digits = p.name.section(u'_', 0, 0);
            bool ok = false;
            const int n = digits.toInt(&ok);
            p.number = ok ? n : -1;
            out.problems.push_back(p);
        }
    }
    std::sort(out.problems.begin(), out.problems.end(), [](const auto& a, const auto& b) {
        if (a.level != b.level)
            return a.level < b.level;
        if (a.number != b.number)
            return a.number < b.number;
        return a.name < b.name;
    });
    if (out.problems.empty())
        out.error = QObject::tr("The level folders in %1 hold no .py problem files.").arg(out.root);
    return out;
}

QString KernelBenchScanner::problemIdForPath(const QString& path)
{
    const QFileInfo f(path);
    const QString dir = f.absoluteDir().dirName();
    static const QRegularExpression level(u"^level[1-9]$"_s);
    if (level.match(dir).hasMatch())
        return dir + u'/' + f.completeBaseName();
    return f.completeBaseName();
}

} // namespace kw::ui
