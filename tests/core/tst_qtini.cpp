// core/config/QtIni: QSettings' INI format read and written without Qt, on files recorded from
// QSettings and the GUI's Settings (tests/fixtures/settings, re-recorded by tst_settings_file).
#include "core/config/QtIni.h"

#include <QtTest>

#include <fstream>
#include <sstream>

using namespace kw;

namespace {
std::string fixture(const char* name)
{
    std::ifstream f(qEnvironmentVariable("KW_TEST_FIXTURES").toStdString() + "/settings/" + name,
                    std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
std::string str(const QtIniFile& f, const char* key)
{
    const QtIniValue* v = f.find(key);
    return v ? v->toString() : std::string("<absent>");
}
using Strings = std::vector<std::string>;
} // namespace

class TestQtIni : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void typical()
    {
        const std::string text = fixture("typical.conf");
        QVERIFY(!text.empty());
        const QtIniFile f = parseQtIni(text);
        QVERIFY(f.problems.empty());
        QCOMPARE(str(f, "local/python"), std::string("/opt/conda/envs/kb/bin/python3"));
        QCOMPARE(f.find("local/devices")->toStringList(), (Strings{"cuda:0", "cuda:1", "cuda:1"}));
        QCOMPARE(f.find("local/cpuConcurrency")->toInt(), std::optional<long long>(4));
        QCOMPARE(str(f, "modal/endpoint"),
                 std::string("https://me--kernel-rl-evaluator-evaluate-http.modal.run"));
        QCOMPARE(str(f, "modal/gpuType"), std::string("A100-80GB"));
        QCOMPARE(f.find("modal/timeoutS")->toInt(), std::optional<long long>(900));
        QCOMPARE(f.find("defaults/timeoutS")->toDouble(), std::optional<double>(120.5));
        QCOMPARE(f.find("defaults/baselines")->toStringList(), (Strings{"eager", "compile"}));
        QCOMPARE(f.find("ui/theme")->toInt(), std::optional<long long>(2));
        const QtIniValue* geometry = f.find("window/geometry");
        QVERIFY(geometry && geometry->kind == QtIniValue::Kind::ByteArray);
        QCOMPARE(geometry->text, std::string("\x01\xd9\xd0\xcb\x00\x03\x00\x00\x00\x00\x07\x80", 12));
        QCOMPARE(f.find("panels/submit/splitter")->text, std::string("\x00\x00\x00\xff\x01", 5));
    }

    void tricky()
    {
        const QtIniFile f = parseQtIni(fixture("tricky.conf"));
        QVERIFY(f.problems.empty());
        QCOMPARE(str(f, "local/python"), std::string("/home/j\xc3\xbcrgen/env \"b\",c/py;thon=3"));
        // A one-item list is written as a plain string; read as a list it is that item.
        QCOMPARE(f.find("local/devices")->kind, QtIniValue::Kind::String);
        QCOMPARE(f.find("local/devices")->toStringList(), (Strings{"cuda:0"}));
        QCOMPARE(str(f, "local/cacheDir"), std::string("@home/cache"));
        QCOMPARE(str(f, "storage/history"), std::string("/tmp/t\xc3\xa9st/h\xf0\x9f\x90\x8d.sqlite"));
        QCOMPARE(str(f, "profile/ncu"), std::string("C:\\Program Files\\NVIDIA\\ncu.exe"));
        QCOMPARE(str(f, "modal/endpoint"), std::string());
        QCOMPARE(f.find("defaults/baselines")->kind, QtIniValue::Kind::Invalid); // the empty list
        QVERIFY(f.find("defaults/baselines")->toStringList().empty());
        QCOMPARE(str(f, "submit/lastKernel"), std::string(" lead and trail "));
        QCOMPARE(str(f, "submit/lastReference"), std::string("line1\nline2\x01"
                                                             "7\t"));
        const QtIniValue* odd = f.find("panels/my panel%\xc3\xa9/a/b");
        QVERIFY(odd);
        QCOMPARE(odd->kind, QtIniValue::Kind::ByteArray);
        QCOMPARE(odd->text, std::string("x"));
    }

    void raw()
    {
        const QtIniFile f = parseQtIni(fixture("raw.conf"));
        QVERIFY(f.problems.empty());
        QCOMPARE(str(f, "topLevel"), std::string("x"));      // [General]
        QCOMPARE(str(f, "General/inner"), std::string("1")); // [%General]
        QCOMPARE(str(f, "flags/enabled"), std::string("true"));
        QCOMPARE(f.find("flags/ratio")->toDouble(), std::optional<double>(0.25));
        QCOMPARE(f.find("flags/size")->kind, QtIniValue::Kind::Other);
        QCOMPARE(f.find("flags/size")->text, std::string("@Size(3 4)"));
        QCOMPARE(f.find("flags/map")->kind, QtIniValue::Kind::Other);
        QCOMPARE(f.find("flags/list")->toStringList(), (Strings{"1", "two"}));
        QCOMPARE(str(f, "flags/at"), std::string("@literal"));
        QCOMPARE(f.find("flags/atlist")->toStringList(), (Strings{"@a", "b"}));
        QCOMPARE(str(f, "odd key=;/x y"), std::string("v"));
    }

    // What the writer makes of a recorded file is that file, byte for byte.
    void writesWhatQSettingsWrites_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : {"typical.conf", "tricky.conf", "raw.conf"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }
    void writesWhatQSettingsWrites()
    {
        QFETCH(QString, name);
        const std::string text = fixture(name.toLatin1().constData());
        QVERIFY(!text.empty());
        QCOMPARE(writeQtIni(parseQtIni(text)), text);
    }

    // Values set here are written so that they read back the same.
    void writerRoundTrip()
    {
        QtIniFile f;
        f.set("local/python", QtIniValue::string("/a b/\"q\"\\,;=@x\t\xc3\xa9\xf0\x9f\x90\x8d "));
        f.set("local/devices", QtIniValue::stringList({"cuda:0", "a,b", " sp "}));
        f.set("defaults/baselines", QtIniValue::stringList({}));
        f.set("window/geometry", QtIniValue::bytes(std::string("\x00\x7f\x80\xff"
                                                               "1",
                                                               5)));
        f.set("top", QtIniValue::string("@at"));
        const QtIniFile back = parseQtIni(writeQtIni(f));
        QCOMPARE(back.entries.size(), f.entries.size());
        for (const auto& e : f.entries) {
            const QtIniValue* v = back.find(e.key);
            QVERIFY2(v, e.key.c_str());
            if (e.value.kind == QtIniValue::Kind::StringList && e.value.list.empty())
                QCOMPARE(v->kind, QtIniValue::Kind::Invalid);
            else
                QVERIFY2(*v == e.value, e.key.c_str());
        }
    }

    // Hand-edited files: comments, CRLF, a BOM, a continued line, a repeated key, junk lines.
    void handEdited()
    {
        const std::string text =
            "\xEF\xBB\xBF; written by hand\r\n[local]\r\npython = /usr/bin/python3 \r\n"
            "python=/opt/py\\\n3\r\n"
            "this line is junk\n[broken\nkey=v\n[modal]\nendpoint=\"https://x\" ; note\n";
        const QtIniFile f = parseQtIni(text);
        QCOMPARE(str(f, "local/python"), std::string("/opt/py3"));
        QCOMPARE(str(f, "modal/endpoint"), std::string("https://x"));
        QCOMPARE(str(f, "broken/key"), std::string("v"));
        QCOMPARE(f.problems.size(), std::size_t(2));
        QVERIFY2(f.problems[0].find("line 6") != std::string::npos, f.problems[0].c_str());
        QVERIFY(f.problems[0].find("not key=value") != std::string::npos);
        QVERIFY(f.problems[1].find("no closing ']'") != std::string::npos);
    }

    void numbers()
    {
        QCOMPARE(QtIniValue::string(" 42 ").toInt(), std::optional<long long>(42));
        QCOMPARE(QtIniValue::string("4x").toInt(), std::nullopt);
        QCOMPARE(QtIniValue::string("").toInt(), std::nullopt);
        QCOMPARE(QtIniValue::string("1e3").toDouble(), std::optional<double>(1000));
        QCOMPARE(QtIniValue::stringList({"1", "2"}).toInt(), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestQtIni)
#include "tst_qtini.moc"
