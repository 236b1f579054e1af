#include "UiTestUtils.h"

#include "app/AppContext.h"
#include "app/EvalService.h"
#include "app/MainWindow.h"
#include "app/PanelRegistry.h"
#include "app/Settings.h"
#include "evaluations/EvaluationsPanel.h"
#include "models/HistoryFilterModel.h"
#include "models/HistoryModel.h"
#include "submit/EditorPane.h"
#include "submit/SubmitOptionsForm.h"
#include "submit/SubmitPanel.h"
#include "widgets/ResultCard.h"

#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace kw;
using namespace kw::ui;

class TestSubmitFlow : public QObject
{
    Q_OBJECT

    struct Fixture
    {
        QTemporaryDir dir;
        std::unique_ptr<AppContext> ctx;
        std::unique_ptr<MainWindow> window;
        SubmitPanel* submit = nullptr;
        EvaluationsPanel* evals = nullptr;

        Fixture()
        {
            AppContext::Options o;
            o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
            o.historyPath = dir.filePath(QStringLiteral("history.sqlite"));
            ctx = std::make_unique<AppContext>(o);
            ctx->settings().setPythonPath(QStringLiteral("/usr/bin/python3"));
            ctx->settings().setDevices({QStringLiteral("cpu")});
            ctx->settings().setCacheDir(dir.filePath(QStringLiteral("cache")));
            window = std::make_unique<MainWindow>(*ctx, PanelRegistry::builtin());
            window->setPersistent(false);
            submit = qobject_cast<SubmitPanel*>(window->panel(QStringLiteral("submit")));
            evals = qobject_cast<EvaluationsPanel*>(window->panel(QStringLiteral("evaluations")));
        }
    };

private Q_SLOTS:
    void firstStartLoadsTheSample()
    {
        Fixture f;
        QVERIFY(f.submit && f.evals);
        QVERIFY(f.submit->referencePane()->text().contains(QStringLiteral("class Model")));
        QVERIFY(f.submit->kernelPane()->text().contains(QStringLiteral("class ModelNew")));
        EvalRequest r;
        f.submit->options()->fillRequest(r);
        QCOMPARE(r.device, std::string("cpu"));
        QCOMPARE(r.target, std::string("local"));
    }

    void refusesWhatCannotRunInWords()
    {
        Fixture f;
        f.submit->kernelPane()->setText(QString());
        QVERIFY(f.submit->submit().isEmpty());
        QVERIFY2(f.submit->bannerText().contains(QStringLiteral("kernel is empty")),
                 qPrintable(f.submit->bannerText()));
        f.submit->loadSample(QStringLiteral("relu-cpu"));
        EvalRequest modal;
        f.submit->options()->fillRequest(modal);
        modal.target = "modal";
        modal.gpuType = "H100";
        f.submit->options()->loadFrom(modal);
        QVERIFY(f.submit->submit().isEmpty());
        QVERIFY2(f.submit->bannerText().contains(QStringLiteral("Modal")),
                 qPrintable(f.submit->bannerText()));
        QVERIFY(f.submit->bannerText().contains(QStringLiteral("Settings")));
    }

    void sampleRunsOnTheCpuAndShowsInEvaluations()
    {
        if (!test::torchAvailable())
            QSKIP("/usr/bin/python3 cannot import torch; install PyTorch there to run the end-to-end submit "
                  "test");
        Fixture f;
        QTRY_VERIFY(f.ctx->storeReady());
        f.submit->loadSample(QStringLiteral("relu-cpu"));
        const QString id = f.submit->submit();
        QVERIFY2(!id.isEmpty(), qPrintable(f.submit->bannerText()));
        QTRY_VERIFY_WITH_TIMEOUT(f.submit->resultCard()->hasResult(), 300000);
        // Correct; on a busy machine (the test suite runs in parallel) the CPU timing is rightly
        // called unreliable or noisy, and the badge says so.
        const QString badge = f.submit->resultCard()->badgeText();
        QVERIFY2(badge == QStringLiteral("CORRECT") || badge.startsWith(QStringLiteral("CORRECT · ")),
                 qPrintable(badge));
        QCOMPARE(f.ctx->evals()->finishedCount(), 1);
        // The stored result reaches the Evaluations table through the poller.
        QTRY_COMPARE_WITH_TIMEOUT(f.evals->table()->model()->rowCount(), 1, 10000);
        const QModelIndex problem = f.evals->table()->model()->index(0, HistoryModel::Problem);
        QCOMPARE(problem.data().toString(), QStringLiteral("samples/relu"));
        QCOMPARE(f.evals->table()->model()->index(0, HistoryModel::Source).data().toString(),
                 QStringLiteral("submit"));
        QCOMPARE(f.evals->table()->model()->index(0, HistoryModel::Status).data().toString(),
                 QStringLiteral("correct"));
    }
};

QTEST_MAIN(TestSubmitFlow)
#include "tst_submitflow.moc"
