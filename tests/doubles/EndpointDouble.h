#pragma once

// Starts tests/doubles/endpoint_double.py for a Qt test and tells its base URL. Header-only;
// tests include it as "doubles/EndpointDouble.h". The double stops by itself when this object
// closes its stdin (destructor) or when its lifetime ends.
#include "tests/TestPaths.h"

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <string>

namespace kwtest {

inline QString doublesDir()
{
    return QString::fromStdString(testsPath() + "/doubles");
}

inline QString testPython()
{
    return QFile::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                             : QStringLiteral("python3");
}

class EndpointDouble
{
public:
    static constexpr const char* kKey = "wk-double-key";
    static constexpr const char* kSecret = "ws-double-secret";

    explicit EndpointDouble(QStringList extraArgs = {}, double lifetimeS = 120)
    {
        QStringList args{doublesDir() + QStringLiteral("/endpoint_double.py"), QStringLiteral("--lifetime"),
                         QString::number(lifetimeS)};
        args += extraArgs;
        m_proc.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_proc.start(testPython(), args);
        if (!m_proc.waitForStarted(10000))
            return;
        QByteArray line;
        while (!line.contains('\n') && m_proc.waitForReadyRead(10000))
            line += m_proc.readAll();
        if (line.startsWith("PORT "))
            m_port = line.mid(5).trimmed().toInt();
    }
    ~EndpointDouble()
    {
        m_proc.closeWriteChannel();
        if (!m_proc.waitForFinished(5000)) {
            m_proc.kill();
            m_proc.waitForFinished(2000);
        }
    }
    EndpointDouble(const EndpointDouble&) = delete;
    EndpointDouble& operator=(const EndpointDouble&) = delete;

    bool ok() const { return m_port > 0; }
    int port() const { return m_port; }
    std::string url(const std::string& pathAndQuery) const
    {
        return "http://127.0.0.1:" + std::to_string(m_port) + pathAndQuery;
    }

private:
    QProcess m_proc;
    int m_port = 0;
};

} // namespace kwtest
