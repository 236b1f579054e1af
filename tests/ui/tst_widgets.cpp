#include "core/local/CudaDeviceQuery.h"
#include "core/model/InputSizes.h"
#include "core/usecase/EvalSession.h"
#include "ui/base/Format.h"
#include "ui/base/Settings.h"
#include "ui/base/StatusStyle.h"
#include "ui/charts/ChartData.h"
#include "ui/evaluations/LineDiff.h"
#include "ui/models/GpuListModel.h"
#include "ui/submit/KernelBenchScanner.h"
#include "ui/widgets/EmptyViewHint.h"
#include "ui/widgets/ResultCard.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QScrollArea>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace kw;
using namespace kw::ui;

class TestWidgets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Durations read as people say them: no "1 min 0 s" (it wrapped the Charts summary line).
    void durationsDropZeroParts()
    {
        QCOMPARE(Format::sentence(QStringLiteral(" the trials spread widely ")),
                 QStringLiteral("The trials spread widely."));
        QCOMPARE(Format::sentence(QStringLiteral("Done!")), QStringLiteral("Done!"));
        QCOMPARE(Format::sentence(QString()), QString());
        QCOMPARE(Format::count(1, QStringLiteral("app"), QStringLiteral("apps")), QStringLiteral("1 app"));
        QCOMPARE(Format::count(0, QStringLiteral("app"), QStringLiteral("apps")), QStringLiteral("0 apps"));
        QCOMPARE(Format::seconds(4.3), QStringLiteral("4.3 s"));
        QCOMPARE(Format::seconds(42), QStringLiteral("42 s"));
        QCOMPARE(Format::seconds(60), QStringLiteral("1 min"));
        QCOMPARE(Format::seconds(76), QStringLiteral("1 min 16 s"));
        QCOMPARE(Format::seconds(7200), QStringLiteral("2 h"));
        QCOMPARE(Format::seconds(7260), QStringLiteral("2 h 1 min"));
        QCOMPARE(Format::seconds(-1), Format::dash());
    }

    void settingsAreTypedAndSignal()
    {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("s.ini"));
        {
            Settings s(ini);
            QCOMPARE(s.correctTrials(), 5);
            QCOMPARE(s.perfTrials(), 100);
            QCOMPARE(s.precision(), QStringLiteral("fp32"));
            QCOMPARE(s.theme(), Settings::Theme::System);
            QSignalSpy local(&s, &Settings::localConfigChanged);
            QSignalSpy defaults(&s, &Settings::defaultsChanged);
            QSignalSpy theme(&s, &Settings::themeChanged);
            s.setPythonPath(QStringLiteral("/usr/bin/python3"));
            s.setPythonPath(QStringLiteral("/usr/bin/python3")); // unchanged: no signal
            s.setDevices({QStringLiteral("cuda:0"), QStringLiteral("cuda:0")});
            s.setCorrectTrials(3);
            s.setTheme(Settings::Theme::Dark);
            QCOMPARE(local.count(), 2);
            QCOMPARE(defaults.count(), 1);
            QCOMPARE(theme.count(), 1);
            const LocalConfig c = s.localConfig();
            QCOMPARE(c.python, std::string("/usr/bin/python3"));
            QCOMPARE(c.devices.size(), std::size_t(2));
            s.setPanelState(QStringLiteral("submit"), QStringLiteral("splitter"), QByteArray("abc"));
            s.sync();
        }
        Settings again(ini);
        QCOMPARE(again.correctTrials(), 3);
        QCOMPARE(again.theme(), Settings::Theme::Dark);
        QCOMPARE(again.panelState(QStringLiteral("submit"), QStringLiteral("splitter")), QByteArray("abc"));
    }

    void gpuListMergesRowByRow()
    {
        GpuListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const GpuEntry h100{0, "NVIDIA H100 80GB HBM3", 85e9, 9, 0, "sm_90", GpuUse::Pending, "checking"};
        GpuEntry h100b = h100;
        h100b.index = 1;
        m.setDevices({h100, h100b});
        QCOMPARE(m.rowCount(), 2);
        const QPersistentModelIndex second = m.index(1, 0);
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        h100b.use = GpuUse::Usable; // torch answered: the row changes in place
        h100b.note.clear();
        m.setDevices(
            {h100b, {2, "NVIDIA L4", 24e9, 8, 9, "sm_89", GpuUse::NotUsable, "torch does not see it"}});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(second.data().toString(), QStringLiteral("cuda:1"));
        QCOMPARE(m.index(0, GpuListModel::Use).data().toString(), QStringLiteral("usable"));
        QCOMPARE(m.index(1, GpuListModel::Use).data().toString(), QStringLiteral("not usable"));
        QCOMPARE(m.index(1, GpuListModel::Name).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("torch does not see it"));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(m.rowCount(), 2);
        QVERIFY(second.isValid());
        QCOMPARE(second.row(), 0);
        QCOMPARE(m.index(1, GpuListModel::Capability).data().toString(), QStringLiteral("8.9 (sm_89)"));
        m.setDevices({});
        QCOMPARE(m.rowCount(), 0);
    }

    void cudaQueryNeverFailsHard()
    {
        const CudaInventory inv = CudaDeviceQuery::query();
        if (inv.devices.empty())
            QVERIFY2(!inv.message.empty(), "no GPU must come with a line that says so");
        for (const auto& d : inv.devices) {
            QVERIFY(!d.name.empty());
            QVERIFY(d.ccMajor >= 3);
        }
    }

    void lineDiff()
    {
        const QStringList a = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                               QStringLiteral("d")};
        const QStringList b = {QStringLiteral("a"), QStringLiteral("x"), QStringLiteral("c"),
                               QStringLiteral("d"), QStringLiteral("e")};
        const auto lines = LineDiff::diff(a, b);
        QCOMPARE(LineDiff::changedLines(lines), 3); // -b +x +e
        const auto rows = LineDiff::sideBySide(lines);
        QCOMPARE(int(rows.size()), 5);
        QCOMPARE(rows[1].left, 1);
        QCOMPARE(rows[1].right, 1);
        QVERIFY(rows[1].changed);
        QCOMPARE(rows[4].left, -1);
        QCOMPARE(rows[4].right, 4);
        QCOMPARE(LineDiff::changedLines(LineDiff::diff(a, a)), 0);
    }

    void kernelBenchScanner()
    {
        QTemporaryDir dir;
        QDir root(dir.path());
        QVERIFY(root.mkpath(QStringLiteral("KernelBench/level1")));
        QVERIFY(root.mkpath(QStringLiteral("KernelBench/level2")));
        for (const char* f :
             {"KernelBench/level1/19_ReLU.py", "KernelBench/level1/2_Matmul.py",
              "KernelBench/level2/1_Conv2D_ReLU_BiasAdd.py", "KernelBench/level1/__init__.py"}) {
            QFile file(root.filePath(QString::fromLatin1(f)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("class Model: pass\n");
        }
        const auto scan = KernelBenchScanner::scan(dir.path()); // the repository root works too
        QVERIFY2(scan.error.isEmpty(), qPrintable(scan.error));
        QCOMPARE(int(scan.problems.size()), 3);
        QCOMPARE(scan.problems[0].id(), QStringLiteral("level1/2_Matmul")); // numeric order
        QCOMPARE(scan.problems[1].id(), QStringLiteral("level1/19_ReLU"));
        QVERIFY(!KernelBenchScanner::scan(dir.filePath(QStringLiteral("nothing"))).error.isEmpty());
        QVERIFY(KernelBenchScanner::scan(QDir::tempPath()).error.contains(QStringLiteral("level1")));
    }

    void chartData()
    {
        std::vector<ChartPoint> pts;
        const std::vector<QString> names = {QString(), QStringLiteral("p1"), QStringLiteral("p2")};
        const float nan = std::nanf("");
        const auto win = std::uint8_t(WinVerdict::Win), notAWin = std::uint8_t(WinVerdict::NotAWin);
        pts.push_back({1000, 2.0f, 1, std::uint8_t(EvalStatus::Correct), win});
        pts.push_back({1100, 4.0f, 1, std::uint8_t(EvalStatus::Correct), win});
        pts.push_back({1200, 0.5f, 2, std::uint8_t(EvalStatus::Correct), notAWin});
        pts.push_back({1300, nan, 2, std::uint8_t(EvalStatus::CompileError)});
        pts.push_back({1400, 3.0f, 2, std::uint8_t(EvalStatus::Incorrect)});
        pts.push_back({1500, nan, 2, std::uint8_t(EvalStatus::InfraError)});
        const ChartSeries s = ChartData::build(pts, names);
        QCOMPARE(s.total, 6);
        QCOMPARE(s.correct, 3);
        QCOMPARE(s.withSpeedup, 4);
        QCOMPARE(s.scatterTime[int(EvalStatus::Correct)].size(), 3);
        // Only significant wins are a best (tst_charts: bestPerProblemExcludesNoise).
        QCOMPARE(s.bestNames.size(), 1);
        QCOMPARE(s.bestNames[0], QStringLiteral("p1"));
        QCOMPARE(s.bestSpeedup[0], 4.0);
        QCOMPARE(s.problemsWithoutWin, 1);
        double hist = 0;
        for (double c : s.histCount)
            hist += c;
        QCOMPARE(hist, 3.0);
        // Rates skip infra errors: 5 counted, 4 compiled, 3 correct.
        double n = 0, compiled = 0, correct = 0;
        for (int i = 0; i < s.rateTime.size(); ++i) {
            n += s.rateCount[i];
            compiled += s.compileRate[i] * s.rateCount[i] / 100;
            correct += s.correctRate[i] * s.rateCount[i] / 100;
        }
        QCOMPARE(n, 5.0);
        QCOMPARE(std::round(compiled), 4.0);
        QCOMPARE(std::round(correct), 3.0);
    }

    void resultCardShowsHostCallTimeForGpuRuns()
    {
        EvalResult r;
        r.status = EvalStatus::Correct;
        r.speedup = 1.37;
        r.runtimeMs = 0.0424;
        r.baselineRuntimeMs = 0.0583;
        r.metadata = {{"timing_method", "cuda_event_covered"},
                      {"host_call_median_ms", {{"cand", 0.0952}, {"ref", 0.0311}}}};
        ResultCard card;
        card.resize(700, 500);
        card.show();
        card.showResult(r);
        auto* host = card.findChild<QLabel*>(QStringLiteral("hostCall"));
        QVERIFY(host);
        QVERIFY(host->isVisible());
        QVERIFY2(host->text().contains(QStringLiteral("0.095")) &&
                     host->text().contains(QStringLiteral("0.031")),
                 qPrintable(host->text()));
        QVERIFY(host->text().contains(QStringLiteral("not in the runtimes")));

        // CPU runs (host clock is the runtime) and results without the figures have no such row
        r.metadata = {{"timing_method", "perf_counter"},
                      {"host_call_median_ms", {{"cand", 0.2}, {"ref", 0.1}}}};
        card.showResult(r);
        QVERIFY(!host->isVisible());
        r.metadata = {{"timing_method", "cuda_event_covered"}, {"host_call_median_ms", "garbage"}};
        card.showResult(r);
        QVERIFY(!host->isVisible());
    }

    // A size refusal is not the kernel's failure nor an infrastructure error: the card says it did
    // not run and why, in the use case's words (core/usecase/EvalSession, the CLI's too).
    void resultCardSaysASizeRefusalWasNotRun()
    {
        // KernelBench level1/23_Softmax's probe (tests/core/tst_eval_session) under a 2 GiB cap.
        const InputSizes sizes = parseInputSizes(nlohmann::json::parse(R"({"status": "probed", "sizes": {
            "input_bytes": 6442450944, "output_bytes": 6442450944, "param_bytes": 0, "buffer_bytes": 0,
            "batch_size": 4096, "scalable": true, "inputs_scaled": null,
            "inputs": [{"shape": [4096, 393216], "dtype": "float32", "bytes": 6442450944}],
            "compare_bytes": 77309411328, "estimated_peak_bytes": 115964116992,
            "estimate_rule": "4 x inputs + 2 x (parameters + buffers) + 2 x outputs + 6 x outputs in float64"}})"));
        MemoryBudget cap;
        cap.bytes = 2048LL << 20;
        cap.what = "the evaluator's memory cap of 2.0 GiB (KERNELWATCH_MEM_LIMIT_MB=2048)";
        cap.name = "the memory cap";
        cap.raise =
            "raise it with KERNELWATCH_MEM_LIMIT_MB or kernelwatch-cli --mem-limit-mb (MiB; 0 = no cap) "
            "if this machine has the memory";
        const SizeCheck check = judgeSizes(sizes, cap);
        QVERIFY(!check.problem.empty());
        EvalRequest req;
        req.problem = "23_Softmax";
        const EvalResult refused = sizeRefusal(req, check);

        ResultCard card;
        card.resize(700, 520);
        card.show();
        card.showResult(refused);
        QCOMPARE(card.badgeText(), QStringLiteral("NOT RUN · TOO LARGE"));
        // What happened and what to do under the headline; the estimate's details in the box.
        QVERIFY2(card.speedupNote().startsWith(QStringLiteral(
                     "Not run: this problem needs about 108.0 GiB of memory; the memory cap is 2.0 GiB.")),
                 qPrintable(card.speedupNote()));
        QVERIFY(!card.speedupNote().contains(QStringLiteral("Details:")));
        auto* error = card.findChild<QLabel*>(QStringLiteral("errorBox"));
        QVERIFY(error);
        QVERIFY2(error->text().startsWith(QStringLiteral("Details: estimated peak 108.0 GiB")),
                 qPrintable(error->text()));
        // Nothing was measured: no "0 / 5" tests, no "flags: none".
        QVERIFY(!card.isRowShown(QStringLiteral("Tests passed")));
        QVERIFY(!card.isRowShown(QStringLiteral("Flags")));
        if (const QString out = qEnvironmentVariable("KW_SCREENSHOT_DIR"); !out.isEmpty()) {
            QTest::qWait(100);
            QVERIFY(card.grab().save(out + QStringLiteral("/result-card-size-refusal.png")));
        }

        // Another setup error (the evaluator's error_kind "setup"): not run, no size named.
        EvalResult setup = EvalResult::infraError(req, "setup: no C compiler found");
        setup.metadata["error_kind"] = "setup";
        card.showResult(setup);
        QCOMPARE(card.badgeText(), QStringLiteral("NOT RUN · SETUP"));
        QCOMPARE(card.speedupNote(), QStringLiteral("No C compiler found.")); // the message, untagged
        QVERIFY(card.errorArea()->isHidden());
        QVERIFY(!card.isRowShown(QStringLiteral("Tests passed")));
        // An infrastructure error stays one.
        card.showResult(EvalResult::infraError(req, "the worker died"));
        QCOMPARE(card.badgeText(), StatusStyle::label(EvalStatus::InfraError).toUpper());
        QCOMPARE(card.speedupNote(), QStringLiteral("no speedup: the kernel did not pass"));
    }

    // An empty view says why while it has no rows, and says nothing once it has some.
    void emptyViewHintFollowsTheRows()
    {
        QTableView view;
        view.resize(400, 300);
        QString why = QStringLiteral("Nothing yet.");
        EmptyViewHint* hint = EmptyViewHint::install(&view, [&why] { return why; });
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(hint->shownText(), why); // no model at all
        QStandardItemModel model(0, 2);
        view.setModel(&model);
        hint->refresh(); // a model set later is followed from then on
        QCOMPARE(hint->shownText(), why);
        model.appendRow({new QStandardItem(QStringLiteral("a")), new QStandardItem(QStringLiteral("b"))});
        QTRY_VERIFY(hint->shownText().isEmpty());
        why = QStringLiteral("Nothing matches.");
        model.removeRow(0);
        QTRY_COMPARE(hint->shownText(), why);
        auto* label = view.viewport()->findChild<QLabel*>(QStringLiteral("emptyViewHint"));
        QVERIFY(label);
        QCOMPARE(label->geometry(), view.viewport()->rect());
        why.clear(); // an empty text hides it even while empty
        model.appendRow(new QStandardItem(QStringLiteral("c")));
        model.removeRow(0);
        QTRY_VERIFY(!label->isVisible());
    }
};

QTEST_MAIN(TestWidgets)
#include "tst_widgets.moc"
