// The training-config editor: every byte except the edited scalar stays as it was (comments,
// quoting, anchors, CRLF), missing keys are inserted with the mapping's indentation, bad values
// and unsafe layouts are refused, and the file is replaced atomically with a backup.
#include "core/base/AtomicFile.h"
#include "core/config/TrainingConfig.h"
#include "core/config/YamlScalarEdit.h"
#include "tests/TestPaths.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace kw;

namespace {

std::string fixture(const std::string& name)
{
    std::ifstream f(kwtest::fixturesPath() + "/yaml/" + name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The text with `from` replaced by `to` exactly once (the expected result of an edit).
std::string replaced(const std::string& text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    if (at == std::string::npos || text.find(from, at + 1) != std::string::npos)
        return "<ambiguous: " + from + ">";
    return text.substr(0, at) + to + text.substr(at + from.size());
}

TrainingChange change(const std::string& assignment)
{
    TrainingChange c;
    const std::string err = parseTrainingAssignment(assignment, c);
    if (!err.empty())
        qFatal("bad assignment in test: %s", err.c_str());
    return c;
}

} // namespace

class TestYamlEdit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (fixture("rl_kernelbench.yaml").empty())
            QSKIP("fixtures not found");
    }

    void editsPreserveEveryOtherByte_data()
    {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("bool keeps its comment") << "use_modal=true"
                                                << "use_modal: false            # true"
                                                << "use_modal: true            # true";
        QTest::newRow("double quotes kept") << "modal_gpu_type=a100-80gb"
                                            << "modal_gpu_type: \"H100\""
                                            << "modal_gpu_type: \"A100-80GB\"";
        QTest::newRow("pinned H100") << "dataset_builder.modal_gpu_type=H100!"
                                     << "\"H100\""
                                     << "\"H100!\"";
        QTest::newRow("TYPE:N") << "modal_gpu_type=h200:2"
                                << "\"H100\""
                                << "\"H200:2\"";
        QTest::newRow("int") << "modal_timeout=900"
                             << "modal_timeout: 300 "
                             << "modal_timeout: 900 ";
        QTest::newRow("choice") << "backend=Triton"
                                << "backend: cuda  "
                                << "backend: triton  ";
        QTest::newRow("trials") << "num_correct_trials=10"
                                << "num_correct_trials: 5"
                                << "num_correct_trials: 10";
        QTest::newRow("yes/no accepted") << "measure_performance=no"
                                         << "measure_performance: true"
                                         << "measure_performance: false";
    }
    void editsPreserveEveryOtherByte()
    {
        QFETCH(QString, assignment);
        QFETCH(QString, from);
        QFETCH(QString, to);
        const std::string text = fixture("rl_kernelbench.yaml");
        auto r = applyTrainingChanges(text, {change(assignment.toStdString())});
        QVERIFY2(r.ok(), r.error.c_str());
        QVERIFY(r.changed);
        QVERIFY(!r.inserted);
        QCOMPARE(r.text, replaced(text, from.toStdString(), to.toStdString()));
    }

    void sameValueIsByteIdentical()
    {
        const std::string text = fixture("rl_kernelbench.yaml");
        auto r = applyTrainingChanges(
            text, {change("modal_timeout=300"), change("use_modal=false"), change("modal_gpu_type=H100")});
        QVERIFY2(r.ok(), r.error.c_str());
        QVERIFY(!r.changed);
        QCOMPARE(r.text, text);
    }

    void severalChangesAtOnce()
    {
        const std::string text = fixture("rl_kernelbench.yaml");
        auto r = applyTrainingChanges(
            text, {change("use_modal=true"), change("modal_gpu_type=L40S"), change("modal_timeout=1200")});
        QVERIFY2(r.ok(), r.error.c_str());
        std::string expect = replaced(text, "use_modal: false ", "use_modal: true ");
        expect = replaced(expect, "\"H100\"", "\"L40S\"");
        expect = replaced(expect, "modal_timeout: 300", "modal_timeout: 1200");
        QCOMPARE(r.text, expect);
        auto view = readTrainingSettings(r.text);
        QVERIFY(view.error.empty());
        QCOMPARE(view.values.size(), std::size_t(6));
        QCOMPARE(*view.values[0].second, std::string("true"));
        QCOMPARE(*view.values[1].second, std::string("L40S"));
        QCOMPARE(*view.values[2].second, std::string("1200"));
    }

    void crlfPreserved()
    {
        std::string text;
        for (char c : fixture("rl_kernelbench.yaml")) {
            if (c == '\n')
                text += '\r';
            text += c;
        }
        auto r = applyTrainingChanges(text, {change("modal_timeout=60"), change("modal_gpu_type=T4")});
        QVERIFY2(r.ok(), r.error.c_str());
        std::string expect = replaced(text, "modal_timeout: 300", "modal_timeout: 60");
        expect = replaced(expect, "\"H100\"", "\"T4\"");
        QCOMPARE(r.text, expect);
    }

    void bomPreserved()
    {
        const std::string text = "\xEF\xBB\xBF"
                                 "dataset_builder:\n  modal_timeout: 300 # s\n";
        auto r = setYamlScalar(text, {"dataset_builder", "modal_timeout"}, YamlScalarValue::ofInt(45));
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.text, std::string("\xEF\xBB\xBF"
                                     "dataset_builder:\n  modal_timeout: 45 # s\n"));
    }

    void insertsMissingKeysWithIndentation()
    {
        const std::string text = fixture("minimal_no_modal_keys.yaml");
        auto r = applyTrainingChanges(
            text, {change("use_modal=true"), change("modal_gpu_type=H100"), change("modal_timeout=600")});
        QVERIFY2(r.ok(), r.error.c_str());
        QVERIFY(r.inserted);
        const std::string expect = replaced(text, "    level: 1\n",
                                            "    level: 1\n    use_modal: true\n    modal_gpu_type: H100\n"
                                            "    modal_timeout: 600\n");
        QCOMPARE(r.text, expect);
    }

    void appendsMissingSection()
    {
        const std::string text = fixture("no_dataset_builder.yaml");
        auto r = applyTrainingChanges(text, {change("use_modal=true"), change("modal_timeout=600")});
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.text, text + "dataset_builder:\n  use_modal: true\n  modal_timeout: 600\n");
        auto empty = applyTrainingChanges("", {change("backend=cuda")});
        QVERIFY2(empty.ok(), empty.error.c_str());
        QCOMPARE(empty.text, std::string("dataset_builder:\n  backend: cuda\n"));
        auto nullSection =
            applyTrainingChanges("a: 1\ndataset_builder:\nb: 2\n", {change("use_modal=false")});
        QVERIFY2(nullSection.ok(), nullSection.error.c_str());
        QCOMPARE(nullSection.text, std::string("a: 1\ndataset_builder:\n  use_modal: false\nb: 2\n"));
    }

    void anchorsTagsAndEmptyValues()
    {
        const std::string text = fixture("anchors_and_tags.yaml");
        // An alias is refused: editing it would need the anchor.
        auto alias = applyTrainingChanges(text, {change("modal_gpu_type=T4")});
        QVERIFY(!alias.ok());
        QVERIFY2(alias.error.find("alias") != std::string::npos, alias.error.c_str());
        QCOMPARE(alias.text, text);
        // A tagged scalar: the tag stays, the value changes.
        auto tagged = applyTrainingChanges(text, {change("modal_timeout=700")});
        QVERIFY2(tagged.ok(), tagged.error.c_str());
        QCOMPARE(tagged.text, replaced(text, "!!int 600", "!!int 700"));
        // An anchored scalar keeps its anchor.
        auto anchored = applyTrainingChanges(text, {change("backend=triton")});
        QVERIFY2(anchored.ok(), anchored.error.c_str());
        QCOMPARE(anchored.text, replaced(text, "&be cuda", "&be triton"));
        // An empty value gets one.
        auto empty = applyTrainingChanges(text, {change("use_modal=true")});
        QVERIFY2(empty.ok(), empty.error.c_str());
        QCOMPARE(empty.text, replaced(text, "  use_modal:\n", "  use_modal: true\n"));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("needle");
        QTest::newRow("invalid yaml") << "dataset_builder: [unclosed\n"
                                      << "invalid YAML";
        QTest::newRow("flow mapping") << "dataset_builder: {backend: cuda}\n"
                                      << "block mapping";
        QTest::newRow("value is a mapping") << "dataset_builder:\n  modal_timeout:\n    a: 1\n"
                                            << "mapping";
        QTest::newRow("block scalar") << "dataset_builder:\n  modal_timeout: |\n    300\n"
                                      << "block scalar";
        QTest::newRow("multi-line plain") << "dataset_builder:\n  modal_timeout: 300\n    400\n"
                                          << "by hand";
        QTest::newRow("root is a list") << "- a\n- b\n"
                                        << "not a mapping";
        QTest::newRow("section is a list") << "dataset_builder:\n  - a\n"
                                           << "not a mapping";
        QTest::newRow("bare CR") << "dataset_builder:\r  modal_timeout: 3\r"
                                 << "CR";
    }
    void refusals()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, needle);
        auto r = applyTrainingChanges(yaml.toStdString(), {change("modal_timeout=60")});
        QVERIFY(!r.ok());
        QVERIFY2(r.error.find(needle.toStdString()) != std::string::npos, r.error.c_str());
        QCOMPARE(r.text, yaml.toStdString());
    }

    void validation_data()
    {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<QString>("needle");
        QTest::newRow("unknown key") << "learning_rate=3"
                                     << "known settings are";
        QTest::newRow("no equals") << "use_modal"
                                   << "key=value";
        QTest::newRow("bad bool") << "use_modal=maybe"
                                  << "true or false";
        QTest::newRow("unknown gpu") << "modal_gpu_type=V100"
                                     << "unknown GPU type";
        QTest::newRow("bang on A10") << "modal_gpu_type=A10!"
                                     << "pins only H100";
        QTest::newRow("too many gpus") << "modal_gpu_type=H100:16"
                                       << "1 to 8";
        QTest::newRow("timeout low") << "modal_timeout=5"
                                     << "10 to 86400";
        QTest::newRow("timeout high") << "modal_timeout=100000"
                                      << "10 to 86400";
        QTest::newRow("timeout float too low") << "modal_timeout=1.5"
                                               << "10 to 86400";
        QTest::newRow("timeout not a number") << "modal_timeout=sixty"
                                              << "e.g. 60.0";
        QTest::newRow("backend") << "backend=opencl"
                                 << "cuda, triton";
        QTest::newRow("trials") << "num_correct_trials=0"
                                << "1 to 1000";
    }
    void validation()
    {
        QFETCH(QString, assignment);
        QFETCH(QString, needle);
        TrainingChange c;
        const std::string err = parseTrainingAssignment(assignment.toStdString(), c);
        QVERIFY2(err.find(needle.toStdString()) != std::string::npos, err.c_str());
    }

    void kernelRlFloatTimeout()
    {
        // kernel_rl declares modal_timeout: float and ships `modal_timeout: 60.0` (4-space indent,
        // inline comments) in every config (kernel_rl/config/*.yaml at af0aa94).
        const std::string text = "dataset_builder:\n    use_modal: true # Enable Modal\n"
                                 "    modal_gpu_type: \"A100\" # GPU type: A100, H100, L40S, T4\n"
                                 "    modal_timeout: 60.0 # Hard timeout per kernel (seconds)\n";
        const auto view = readTrainingSettings(text);
        QCOMPARE(view.section, std::string("dataset_builder"));
        for (const auto& [key, value] : view.values) {
            if (!value)
                continue;
            YamlScalarValue parsed;
            QCOMPARE(validateTrainingValue(key, *value, parsed), std::string()); // no warning on 60.0
        }
        auto same = applyTrainingChanges(text, {change("modal_timeout=60.0")});
        QVERIFY2(same.ok(), same.error.c_str());
        QVERIFY(!same.changed);
        auto whole = applyTrainingChanges(text, {change("modal_timeout=90")});
        QVERIFY2(whole.ok(), whole.error.c_str());
        QCOMPARE(whole.text, replaced(text, "modal_timeout: 60.0 #", "modal_timeout: 90.0 #")); // style kept
        auto frac = applyTrainingChanges(text, {change("modal_timeout=75.5")});
        QCOMPARE(frac.text, replaced(text, "modal_timeout: 60.0 #", "modal_timeout: 75.5 #"));
        // An integer-style file stays integer-style.
        auto plain =
            applyTrainingChanges("dataset_builder:\n  modal_timeout: 300\n", {change("modal_timeout=600")});
        QCOMPARE(plain.text, std::string("dataset_builder:\n  modal_timeout: 600\n"));
    }

    void multiTurnSectionWins()
    {
        // kernel_rl's loop uses multiturn_dataset_builder instead of dataset_builder when it is set.
        const std::string text = "dataset_builder:\n  modal_timeout: 60.0\n"
                                 "multiturn_dataset_builder:\n  use_modal: true\n  modal_timeout: 120.0\n";
        const auto view = readTrainingSettings(text);
        QCOMPARE(view.section, std::string("multiturn_dataset_builder"));
        auto r = applyTrainingChanges(text, {change("modal_timeout=300")});
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.text, replaced(text, "modal_timeout: 120.0", "modal_timeout: 300.0"));
        QCOMPARE(
            readTrainingSettings("dataset_builder:\n  use_modal: true\nmultiturn_dataset_builder: null\n")
                .section,
            std::string("dataset_builder"));
    }

    void kernelRlNotes()
    {
        auto notesFor = [](const std::string& yaml) { return kernelRlWarnings(readTrainingSettings(yaml)); };
        auto has = [](const std::vector<std::string>& v, const std::string& needle) {
            return std::any_of(v.begin(), v.end(),
                               [&](const std::string& s) { return s.find(needle) != std::string::npos; });
        };
        const auto b200 = notesFor("dataset_builder:\n  use_modal: false\n  modal_gpu_type: B200\n");
        QVERIFY(has(b200, "not in kernel_rl's GPU-architecture table"));
        QVERIFY(!has(b200, "A100 whatever"));
        const auto a100 = notesFor("dataset_builder:\n  use_modal: true\n  modal_gpu_type: \"A100\"\n");
        QVERIFY(!has(a100, "not in kernel_rl's"));
        QVERIFY(has(a100, "A100 whatever is set here"));
        QVERIFY(!has(notesFor("dataset_builder:\n  modal_gpu_type: H100!\n"), "not in kernel_rl's"));
        QVERIFY(has(notesFor("dataset_builder:\n  modal_gpu_type: A10\n"),
                    "not in kernel_rl's")); // it spells A10G
    }

    void stringsThatLookLikeOtherTypesAreQuoted()
    {
        auto r = setYamlScalar("a:\n  b: x\n", {"a", "b"}, YamlScalarValue::ofString("yes"));
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.text, std::string("a:\n  b: \"yes\"\n"));
        auto n = setYamlScalar("a:\n  b: 'x'\n", {"a", "b"}, YamlScalarValue::ofString("it's"));
        QVERIFY2(n.ok(), n.error.c_str());
        QCOMPARE(n.text, std::string("a:\n  b: 'it''s'\n"));
        auto colon = setYamlScalar("a:\n  b: x\n", {"a", "b"}, YamlScalarValue::ofString("1:30"));
        QCOMPARE(colon.text, std::string("a:\n  b: \"1:30\"\n"));
        QCOMPARE(*readYamlScalar(colon.text, {"a", "b"}), std::string("1:30"));
    }

    void utf8Around()
    {
        const std::string text =
            "# température ≥ 5\ndataset_builder:\n  clé: \"été\"\n  modal_timeout: 300 # durée\n";
        auto r = setYamlScalar(text, {"dataset_builder", "modal_timeout"}, YamlScalarValue::ofInt(301));
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.text, replaced(text, "300", "301"));
        auto k = setYamlScalar(text, {"dataset_builder", "clé"}, YamlScalarValue::ofString("hiver"));
        QVERIFY2(k.ok(), k.error.c_str());
        QCOMPARE(k.text, replaced(text, "\"été\"", "\"hiver\""));
    }

    void atomicWriteWithBackup()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.path().toStdString() + "/rl.yaml";
        const std::string original = fixture("rl_kernelbench.yaml");
        {
            std::ofstream f(path, std::ios::binary);
            f << original;
        }
        ::chmod(path.c_str(), 0640);
        auto r = applyTrainingChanges(original, {change("use_modal=true")});
        QVERIFY(r.ok());
        QCOMPARE(writeFileAtomically(path, r.text, ".bak"), std::string());
        std::string now, bak;
        QCOMPARE(readWholeFile(path, now), std::string());
        QCOMPARE(readWholeFile(path + ".bak", bak), std::string());
        QCOMPARE(now, r.text);
        QCOMPARE(bak, original);
        struct stat st
        {
        };
        ::stat(path.c_str(), &st);
        QCOMPARE(int(st.st_mode & 0777), 0640);
        // No temporary files left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);

        // Through a symlink: the target is replaced, the link stays a link.
        const std::string link = dir.path().toStdString() + "/link.yaml";
        QCOMPARE(::symlink(path.c_str(), link.c_str()), 0);
        QCOMPARE(writeFileAtomically(link, "x: 1\n"), std::string());
        QCOMPARE(readWholeFile(path, now), std::string());
        QCOMPARE(now, std::string("x: 1\n"));
        struct stat lst
        {
        };
        ::lstat(link.c_str(), &lst);
        QVERIFY(S_ISLNK(lst.st_mode));

        QVERIFY(!writeFileAtomically("/nonexistent-dir/x.yaml", "a").empty());
    }
};

QTEST_GUILESS_MAIN(TestYamlEdit)
#include "tst_yaml_edit.moc"
