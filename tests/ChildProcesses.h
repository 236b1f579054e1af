#pragma once

#include <QDir>
#include <QFile>
#include <QStringList>

#include <unistd.h>

// This test process's running children whose command line contains `needle` (/proc). A child
// that has ended is not listed (a zombie's command line is empty).
inline QStringList childProcesses(const QByteArray& needle)
{
    QStringList out;
    const QString self = QString::number(::getpid());
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "PID (comm) STATE PPID ...": comm may hold spaces, so split after its closing parenthesis.
        const QByteArray s = stat.readAll();
        const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 2 || fields[1] != self.toLatin1())
            continue;
        QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmd.open(QIODevice::ReadOnly) && cmd.readAll().replace('\0', ' ').contains(needle))
            out << pid;
    }
    return out;
}
