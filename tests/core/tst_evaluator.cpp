// The Evaluator base class's batch helpers: input order, per-item failures, exactly-once.
#include "core/model/Evaluator.h"

#include "tests/TestPrinters.h"

#include <QtTest>
#include <atomic>
#include <thread>

using namespace kw;

namespace {
// Finishes each request on its own thread after a delay that reverses the order.
class ScriptedEvaluator : public Evaluator
{
public:
    std::string describe() const override { return "scripted"; }
    Ticket submit(EvalRequest request, ResultFn onDone, ProgressFn onProgress) override
    {
        const Ticket t = ++m_next;
        const int delayMs = 50 - int(t) * 5;
        m_threads.emplace_back([request, onDone, onProgress, delayMs] {
            if (onProgress)
                onProgress({request.id, EvalStage::Checking, 0, {}});
            std::this_thread::sleep_for(std::chrono::milliseconds(std::max(delayMs, 1)));
            EvalResult r;
            r.id = request.id;
            r.request = request;
            r.status = request.kernelCode == "bad" ? EvalStatus::CompileError : EvalStatus::Correct;
            onDone(r);
        });
        return t;
    }
    void cancel(Ticket) override {}
    void cancelAll() override {}
    std::size_t pending() const override { return 0; }
    ~ScriptedEvaluator() override
    {
        for (auto& t : m_threads)
            t.join();
    }

private:
    std::atomic<Ticket> m_next{0};
    std::vector<std::thread> m_threads;
};
} // namespace

class TestEvaluator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchKeepsInputOrder()
    {
        ScriptedEvaluator ev;
        std::vector<EvalRequest> reqs(8);
        for (int i = 0; i < 8; ++i) {
            reqs[i].problem = "p" + std::to_string(i);
            reqs[i].kernelCode = i == 3 ? "bad" : "ok";
        }
        std::atomic<int> items{0};
        auto out = ev.evaluateBatch(reqs, [&](std::size_t, const EvalResult&) { ++items; });
        QCOMPARE(items.load(), 8);
        QCOMPARE(out.size(), std::size_t(8));
        for (int i = 0; i < 8; ++i) {
            QCOMPARE(out[i].request.problem, "p" + std::to_string(i));
            QVERIFY(!out[i].id.empty());
        }
        QCOMPARE(out[3].status, EvalStatus::CompileError);
        QCOMPARE(out[4].status, EvalStatus::Correct);
    }

    void emptyBatch()
    {
        ScriptedEvaluator ev;
        QVERIFY(ev.evaluateBatch({}).empty());
    }
};

QTEST_GUILESS_MAIN(TestEvaluator)
#include "tst_evaluator.moc"
