#pragma once

// Recorded outputs of the real modal client (tests/fixtures/modal/) for the parser tests
// tst_modal_listings, tst_modal_logs, tst_modal_deploy and tst_modal_errors. Header-only.
#include "tests/TestPaths.h"

#include <QRegularExpression>
#include <QString>
#include <QTest>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace kwtest {

// tests/fixtures/modal/<name>, empty when missing.
inline std::string fixture(const std::string& name)
{
    std::ifstream f(fixturesPath() + "/modal/" + name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Whether the recordings are there (the suites skip with a reason when not).
inline bool modalFixturesPresent()
{
    return !fixture("app_list.json").empty() && !fixture("1.5.4/app_list.stdout").empty() &&
           !fixture("1.4.2/app_list.stdout").empty();
}

// One recorded case of the real client: tests/fixtures/modal/<version>/<name>.{stdout,stderr,exit}.
struct Recorded
{
    std::string out, err;
    int exitCode = -1;
    std::string joined() const { return out + "\n" + err; } // what ModalCli hands the parsers
};

inline Recorded recorded(const QString& version, const std::string& name)
{
    const std::string base = version.toStdString() + "/" + name;
    Recorded r;
    r.out = fixture(base + ".stdout");
    r.err = fixture(base + ".stderr");
    const std::string code = fixture(base + ".exit");
    if (!code.empty())
        r.exitCode = std::stoi(code);
    return r;
}

inline std::vector<std::string> linesOf(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        out.push_back(line);
    return out;
}

inline std::string lastNonEmptyLine(const std::string& text)
{
    std::string last;
    for (const auto& l : linesOf(text))
        if (!l.empty())
            last = l;
    return last;
}

// The data column "version" with both recorded clients.
inline void bothVersions()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("1.5.4") << "1.5.4";
    QTest::newRow("1.4.2") << "1.4.2";
}

// "YYYY-MM-DD HH:MM:SS±HH:MM": how both clients print times in --json and --timestamps.
inline bool isClientTime(const std::string& s)
{
    static const QRegularExpression re(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d$"));
    return re.match(QString::fromStdString(s)).hasMatch();
}

} // namespace kwtest
