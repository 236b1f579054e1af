#include "tests/ui/UiTestUtils.h"

#include "core/model/HistoryStore.h"
#include "ui/base/Settings.h"
#include "ui/evaluations/EvaluationsPanel.h"
#include "ui/models/HistoryFilterModel.h"
#include "ui/models/HistoryModel.h"
#include "ui/services/AppContext.h"
#include "ui/services/HistoryExporter.h"
#include "ui/widgets/EmptyViewHint.h"

#include <QFile>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace kw;
using namespace kw::ui;

namespace {
EvalResult result(const std::string& id, EvalStatus st, const std::string& problem, double t)
{
    EvalResult r;
    r.id = id;
    r.status = st;
    r.createdAt = t;
    r.finishedAt = t + 1;
    r.request.id = id;
    r.request.problem = problem;
    r.request.source = "batch";
    r.request.kernelCode = "class ModelNew: pass  # " + id;
    r.request.refCode = "class Model: pass";
    if (st == EvalStatus::Correct) {
        r.speedup = 2.0;
        r.runtimeMs = 1.0;
        r.baselineRuntimeMs = 2.0;
    }
    // Secrets that must never reach an export.
    r.errorMessage = "auth failed with token as-AbCdEfGh12345678XYZ, see \"quotes\", commas";
    r.logTail = "MODAL_TOKEN_SECRET=kwtestsecretvalue42\n";
    r.metadata["proxy"] = "ws-ZyXwVuTs87654321abc";
    return r;
}

QString readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
} // namespace

class TestExport : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<HistoryStore> m_store;

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("MODAL_TOKEN_SECRET", "kwtestsecretvalue42");
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<HistoryStore>(m_dir.filePath(QStringLiteral("h.sqlite")).toStdString());
        std::vector<EvalResult> rs;
        for (int i = 0; i < 30; ++i)
            rs.push_back(result("e" + std::to_string(i),
                                i % 3 ? EvalStatus::Correct : EvalStatus::CompileError,
                                i % 2 ? "level1/19_ReLU" : "level2/1_Conv", 1.7e9 + i));
        QCOMPARE(m_store->addMany(rs), std::size_t(30));
    }

    void csvOfChosenRows()
    {
        const auto rows = m_store->rows({});
        std::vector<std::int64_t> ids;
        for (const auto& r : rows)
            if (r.problem == "level1/19_ReLU")
                ids.push_back(r.rowId);
        const QString path = m_dir.filePath(QStringLiteral("out.csv"));
        const auto o = HistoryExporter::run(*m_store, ids, HistoryExporter::Format::Csv, path);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(o.written, 15);
        const QString text = readAll(path);
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 16); // header + rows
        QVERIFY(lines.front().startsWith(QStringLiteral("time,id,source")));
        QVERIFY(!text.contains(QStringLiteral("level2/1_Conv")));
        QVERIFY(!text.contains(QStringLiteral("kwtestsecretvalue42")));
        // The error message is a column of its own (quoted: it holds commas and quotes), redacted.
        QVERIFY2(lines.front().endsWith(QStringLiteral(",error")), qPrintable(lines.front()));
        QVERIFY2(lines.at(1).contains(QStringLiteral("auth failed with token")), qPrintable(lines.at(1)));
        QVERIFY(lines.at(1).contains(QStringLiteral("\"\"quotes\"\", commas\"")));
        QVERIFY(!text.contains(QStringLiteral("as-AbCdEfGh12345678XYZ")));
    }

    void jsonlWithoutSecretsOrCode()
    {
        const auto rows = m_store->rows({});
        std::vector<std::int64_t> ids;
        for (const auto& r : rows)
            ids.push_back(r.rowId);
        const QString path = m_dir.filePath(QStringLiteral("out.jsonl"));
        const auto o = HistoryExporter::run(*m_store, ids, HistoryExporter::Format::Jsonl, path);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(o.written, 30);
        const QString text = readAll(path);
        QVERIFY(!text.contains(QStringLiteral("as-AbCdEfGh12345678XYZ")));
        QVERIFY(!text.contains(QStringLiteral("ws-ZyXwVuTs87654321abc")));
        QVERIFY(!text.contains(QStringLiteral("kwtestsecretvalue42")));
        QVERIFY(!text.contains(QStringLiteral("class ModelNew")));
        QVERIFY(!text.contains(QStringLiteral("seed_secret\":\"x")));
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 30);
        for (const QString& l : lines) {
            const auto j = nlohmann::json::parse(l.toStdString());
            QVERIFY(j.contains("status"));
        }

        const QString withCode = m_dir.filePath(QStringLiteral("code.jsonl"));
        QVERIFY(HistoryExporter::run(*m_store, ids, HistoryExporter::Format::JsonlWithCode, withCode)
                    .error.isEmpty());
        const QString t2 = readAll(withCode);
        QVERIFY(t2.contains(QStringLiteral("class ModelNew")));
        QVERIFY(!t2.contains(QStringLiteral("kwtestsecretvalue42")));
    }

    void unwritablePathSaysWhatToDo()
    {
        const auto o = HistoryExporter::run(*m_store, {1}, HistoryExporter::Format::Csv,
                                            QStringLiteral("/proc/no/such/dir/out.csv"));
        QVERIFY(!o.error.isEmpty());
        QVERIFY(o.error.contains(QStringLiteral("Choose another folder")));
    }

    void panelExportsTheFilteredRows()
    {
        AppContext::Options opts;
        opts.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        opts.historyPath = m_dir.filePath(QStringLiteral("h.sqlite"));
        AppContext ctx(opts);
        QTRY_VERIFY(ctx.storeReady());
        QTRY_COMPARE(ctx.history()->rowCount(), 30);
        EvaluationsPanel panel(ctx);
        HistoryFilterSpec spec;
        spec.statusMask = 1u << int(EvalStatus::CompileError);
        ctx.filtered()->setFilter(spec);
        QCOMPARE(ctx.filtered()->rowCount(), 10);
        // A filter that hides every row says so (the table's empty hint), not "no evaluations yet".
        auto* hint = panel.table()->findChild<EmptyViewHint*>();
        QVERIFY(hint);
        QVERIFY(hint->shownText().isEmpty());
        HistoryFilterSpec none = spec;
        none.text = QStringLiteral("no-such-problem-anywhere");
        ctx.filtered()->setFilter(none);
        QTRY_COMPARE(hint->shownText(),
                     QStringLiteral("No evaluation matches these filters. Clear shows all 30."));
        ctx.filtered()->setFilter(spec);
        QTRY_VERIFY(hint->shownText().isEmpty());
        QSignalSpy done(&panel, &EvaluationsPanel::exportFinished);
        const QString path = m_dir.filePath(QStringLiteral("panel.csv"));
        panel.exportTo(path, HistoryExporter::Format::Csv);
        QTRY_COMPARE(done.count(), 1);
        QCOMPARE(done.at(0).at(0).toInt(), 10);
        // The banner says so, then goes away by itself.
        QVERIFY(panel.messageText().contains(QStringLiteral("Exported 10")));
        QTRY_VERIFY_WITH_TIMEOUT(panel.messageText().isEmpty(), EvaluationsPanel::kMessageMs + 2000);
        const QString text = readAll(path);
        QCOMPARE(text.count(QStringLiteral("compile_error")), 10);
        QVERIFY(!text.contains(QStringLiteral(",correct,")));
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
