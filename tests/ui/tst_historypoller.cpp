#include "tests/ui/UiTestUtils.h"

#include "core/model/HistoryStore.h"
#include "ui/models/HistoryModel.h"
#include "ui/models/HistoryPoller.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

using namespace kw;
using namespace kw::ui;

namespace {
EvalResult result(const std::string& id, double t)
{
    EvalResult r;
    r.id = id;
    r.status = EvalStatus::Correct;
    r.createdAt = t;
    r.request.id = id;
    r.request.problem = "level1/19_ReLU";
    r.request.source = "cli";
    r.speedup = 1.2;
    return r;
}
} // namespace

class TestHistoryPoller : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initialLoadInPagesThenLiveRows()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("h.sqlite")).toStdString();
        auto store = std::make_shared<HistoryStore>(path);
        std::vector<EvalResult> first;
        for (int i = 0; i < 250; ++i)
            first.push_back(result("a" + std::to_string(i), 1000 + i));
        store->addMany(first);

        HistoryModel model;
        HistoryPoller poller(store, &model);
        poller.setPageSize(100); // three pages
        poller.setInterval(50);
        QSignalSpy loaded(&poller, &HistoryPoller::initialLoadFinished);
        poller.start();
        QTRY_COMPARE(loaded.count(), 1);
        QCOMPARE(loaded.at(0).at(0).toInt(), 250);
        QTRY_COMPARE(model.rowCount(), 250);

        // Another process (kernelwatch-cli) writes to the same file.
        const pid_t pid = fork();
        if (pid == 0) {
            try {
                HistoryStore other(path);
                other.add(result("from-cli", 5000));
            } catch (...) {
                _exit(1);
            }
            _exit(0);
        }
        QVERIFY(pid > 0);
        int status = 0;
        waitpid(pid, &status, 0);
        QCOMPARE(WEXITSTATUS(status), 0);
        QTRY_COMPARE(model.rowCount(), 251);
        QCOMPARE(model.text(250, HistoryModel::FSource), QStringLiteral("cli"));

        // pollNow() picks up a row without waiting for the interval.
        poller.setInterval(60000);
        store->add(result("late", 6000));
        poller.pollNow();
        QTRY_COMPARE(model.rowCount(), 252);
    }
};

QTEST_MAIN(TestHistoryPoller)
#include "tst_historypoller.moc"
