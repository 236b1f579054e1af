// ui/base/Job.h and UiThread.h: the GUI's one idiom for leaving and returning to the UI thread.
#include "ui/base/Job.h"
#include "ui/base/QtStd.h"
#include "ui/base/UiThread.h"

#include <QAtomicInt>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

using namespace kw::ui;

class TstJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void answerArrivesOnTheOwnersThread();
    void laterStartMakesEarlierAnswersStale();
    void piecesRunInOrderOnOneThread();
    void destroyingTheOwnerDropsTheAnswer();
    void discardDropsWhatIsRunning();
    void finishAnswersBeforeReturning();
    void postRunsOnTheUiThreadWhileTheGuardLives();
    void conversionsKeepUtf8();
};

void TstJob::answerArrivesOnTheOwnersThread()
{
    QObject owner;
    Job<int> job(&owner);
    QThread* worker = nullptr;
    QThread* answered = nullptr;
    int got = 0;
    job.start(
        [&worker] {
            worker = QThread::currentThread();
            return 42;
        },
        [&](int v) {
            answered = QThread::currentThread();
            got = v;
        });
    QVERIFY(job.busy());
    QTRY_COMPARE(got, 42);
    QVERIFY(!job.busy());
    QVERIFY(worker != QThread::currentThread());
    QCOMPARE(answered, QThread::currentThread());
}

void TstJob::laterStartMakesEarlierAnswersStale()
{
    QObject owner;
    Job<int> job(&owner);
    QSemaphore gate;
    QList<int> answers;
    job.start(
        [&gate] {
            gate.acquire();
            return 1;
        },
        [&](int v) { answers << v; });
    job.start([] { return 2; }, [&](int v) { answers << v; });
    gate.release();
    QTRY_VERIFY(!job.busy());
    QCOMPARE(answers, QList<int>{2});
}

void TstJob::piecesRunInOrderOnOneThread()
{
    QObject owner;
    Job<int> job(&owner);
    auto order = std::make_shared<QList<int>>();
    QList<QThread*> threads;
    for (int i = 0; i < 5; ++i)
        job.start(
            [i, order, &threads] {
                order->append(i); // one thread at a time: no lock needed
                threads << QThread::currentThread();
                return i;
            },
            [](int) {});
    job.wait();
    QCOMPARE(*order, (QList<int>{0, 1, 2, 3, 4}));
    for (auto* t : threads)
        QCOMPARE(t, threads.first());
}

void TstJob::destroyingTheOwnerDropsTheAnswer()
{
    QSemaphore gate;
    QAtomicInt ran = 0;
    bool answered = false;
    {
        auto owner = std::make_unique<QObject>();
        auto job = std::make_unique<Job<int>>(owner.get());
        job->start(
            [&] {
                gate.acquire();
                ran = 1;
                return 7;
            },
            [&](int) { answered = true; });
        gate.release();
        job.reset(); // waits for the work in progress
        QCOMPARE(ran.loadRelaxed(), 1);
    }
    QTest::qWait(50);
    QVERIFY(!answered);
}

void TstJob::discardDropsWhatIsRunning()
{
    QObject owner;
    Job<int> job(&owner);
    bool answered = false;
    job.start([] { return 3; }, [&](int) { answered = true; });
    job.discard();
    QTRY_VERIFY(!job.busy());
    QVERIFY(!answered);
}

void TstJob::finishAnswersBeforeReturning()
{
    QObject owner;
    Job<int> job(&owner);
    QList<int> answers;
    for (int i = 1; i <= 3; ++i)
        job.start(
            [i] {
                QThread::msleep(20);
                return i;
            },
            [&answers](int v) { answers << v; });
    job.finish();
    QCOMPARE(answers, QList<int>{3}); // the latest request wins, answered before finish() returns
    QVERIFY(!job.busy());
    job.start([] { return 4; }, [&answers](int v) { answers << v; });
    QTRY_COMPARE(answers, (QList<int>{3, 4})); // the watcher still answers what comes after
    QTest::qWait(50);
    QCOMPARE(answers, (QList<int>{3, 4}));
}

void TstJob::postRunsOnTheUiThreadWhileTheGuardLives()
{
    auto alive = std::make_unique<QObject>();
    auto gone = std::make_unique<QObject>();
    QThread* ranOn = nullptr;
    bool ranGone = false;
    QPointer<QObject> a(alive.get()), g(gone.get());
    QThread* t = QThread::create([&, a, g] {
        post(a, [&] { ranOn = QThread::currentThread(); });
        post(g, [&] { ranGone = true; });
    });
    gone.reset();
    t->start();
    t->wait();
    delete t;
    QTRY_VERIFY(ranOn != nullptr);
    QCOMPARE(ranOn, QThread::currentThread());
    QTest::qWait(20);
    QVERIFY(!ranGone);
}

void TstJob::conversionsKeepUtf8()
{
    const std::string s = "speedup × 1.5 — ok";
    QCOMPARE(qs(s), QStringLiteral("speedup × 1.5 — ok"));
    QCOMPARE(toStd(qs(s)), s);
    QCOMPARE(qs(std::string("a\0b", 3)).size(), 3);
    QCOMPARE(toStdList(qsList({"α", "b"})), (std::vector<std::string>{"α", "b"}));
}

QTEST_GUILESS_MAIN(TstJob)
#include "tst_job.moc"
