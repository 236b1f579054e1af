// The watch summary's best speedup per problem (core/watch/WatchSummary): a noisy 9.9× or a
// faster-than-light time is never the best (issue 13); kernel_rl records without an interval are.
#include "core/watch/WatchSummary.h"

#include "tests/TestPrinters.h"

#include <QTest>

using namespace kw;

namespace {
EvalResult correct(const std::string& id, double speedup, const char* verdict = nullptr)
{
    EvalResult r;
    r.id = id;
    r.status = EvalStatus::Correct;
    r.speedup = speedup;
    r.request.problem = "level1/19_ReLU";
    if (verdict) {
        r.timingQuality = TimingQuality{};
        r.timingQuality->verdict = verdict;
    }
    return r;
}
} // namespace

class TestWatchSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bestIsNeverNoise()
    {
        WatchSummary s;
        s.addResult(correct("plain", 1.3));          // a kernel_rl record: no verdict
        s.addResult(correct("noisy", 9.9, "noisy")); // the 9.91×
        s.addResult(correct("unreliable", 7, "unreliable"));
        EvalResult ftl = correct("ftl", 10, "reliable");
        ftl.flags = {std::string(kFasterThanLightFlag)};
        s.addResult(ftl);
        QCOMPARE(s.bestSpeedups().at("level1/19_ReLU").id, std::string("plain"));
        s.addResult(correct("reliable", 1.5, "reliable"));
        QCOMPARE(s.bestSpeedups().at("level1/19_ReLU").id, std::string("reliable"));
        QCOMPARE(s.results(), std::uint64_t(5));
    }
};

QTEST_GUILESS_MAIN(TestWatchSummary)
#include "tst_watchsummary.moc"
