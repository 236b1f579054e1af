#pragma once

// Process helpers for tests that start and kill evaluation processes (header-only).
#include <QByteArray>
#include <QFile>
#include <QString>

namespace kwtest {

// True when `pid` no longer runs: no /proc entry, or a zombie waiting to be reaped.
inline bool processGone(long long pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return true;
    const QByteArray s = f.readAll();
    const int close = s.lastIndexOf(')');
    return close > 0 && s.size() > close + 2 && s[close + 2] == 'Z';
}

} // namespace kwtest
