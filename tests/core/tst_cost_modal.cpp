// Modal GPU catalogue, GPU strings (TYPE:N, H100!), list prices and per-batch cost.
#include "core/modal/ModalGpu.h"
#include "core/modal/ModalPricing.h"

#include <QTest>
#include <cmath>

using namespace kw;

namespace {
bool near(double a, double b)
{
    return std::abs(a - b) < 1e-12;
}
} // namespace

class TestCostModal : public QObject
{
    Q_OBJECT

private slots:
    void parseGpu_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<int>("count");
        QTest::newRow("plain") << "H100"
                               << "H100" << 1;
        QTest::newRow("lower case") << "h100"
                                    << "H100" << 1;
        QTest::newRow("pinned") << "H100!"
                                << "H100!" << 1;
        QTest::newRow("count") << "A100-80GB:4"
                               << "A100-80GB:4" << 4;
        QTest::newRow("pinned count") << "h100!:8"
                                      << "H100!:8" << 8;
        QTest::newRow("40GB alias") << "A100-40GB"
                                    << "A100" << 1;
        QTest::newRow("A10G alias") << "a10g"
                                    << "A10" << 1;
        QTest::newRow("rtx") << "RTX-PRO-6000"
                             << "RTX-PRO-6000" << 1;
        QTest::newRow("spaces") << " B200 "
                                << "B200" << 1;
        // Modal's GPU guide: "B200/B200+" (modal 1.5: a B200 or a B300), A10 up to 4 GPUs.
        QTest::newRow("B200+") << "b200+"
                               << "B200+" << 1;
        QTest::newRow("B200+ count") << "B200+:8"
                                     << "B200+:8" << 8;
        QTest::newRow("A10 four") << "A10:4"
                                  << "A10:4" << 4;
        QTest::newRow("A10G four") << "a10g:4"
                                   << "A10:4" << 4;
    }
    void parseGpu()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QFETCH(int, count);
        auto s = parseModalGpu(text.toStdString());
        QVERIFY2(s.ok(), s.error.c_str());
        QCOMPARE(QString::fromStdString(s.canonical()), canonical);
        QCOMPARE(s.count, count);
    }

    void rejectsBadGpu_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("unknown") << "V100";
        QTest::newRow("zero") << "H100:0";
        QTest::newRow("nine") << "H100:9";
        QTest::newRow("bang on A100") << "A100!";
        QTest::newRow("junk count") << "T4:x";
        QTest::newRow("empty count") << "T4:";
        QTest::newRow("five A10") << "A10:5";
        QTest::newRow("eight A10G") << "A10G:8";
        QTest::newRow("bang on B200+") << "B200+!";
        QTest::newRow("B200++") << "B200++";
    }
    void rejectsBadGpu()
    {
        QFETCH(QString, text);
        auto s = parseModalGpu(text.toStdString());
        QVERIFY(!s.ok());
        QVERIFY(!s.error.empty());
    }

    void prices()
    {
        QCOMPARE(modalGpuCatalogue().size(), std::size_t(11));
        QVERIFY(near(*modalUsdPerSecond("B200+"), 0.001736)); // billed as a B200
        QVERIFY(near(*modalUsdPerSecond("T4"), 0.000164));
        QVERIFY(near(*modalUsdPerSecond("H100"), 0.001097));
        QVERIFY(near(*modalUsdPerSecond("H100!"), 0.001097));
        QVERIFY(near(*modalUsdPerSecond("H200:2"), 2 * 0.001261));
        QVERIFY(near(*modalUsdPerSecond("B200"), 0.001736));
        QVERIFY(!modalUsdPerSecond("V100"));
        QVERIFY(near(*modalCostUsd("A100-80GB", 10), 0.00694));
        QVERIFY(!modalCostUsd("H100", -1));
        QVERIFY(!modalCostUsd("H100", NAN));
    }

    void batchCost()
    {
        EvalResult a; // priced from timings
        a.status = EvalStatus::Correct;
        a.device.target = "modal:H100";
        a.timings.total = 100;
        EvalResult b; // has its own cost
        b.status = EvalStatus::Incorrect;
        b.costUsd = 0.5;
        b.timings.total = 3;
        EvalResult c; // infra error: never reached a GPU
        c.status = EvalStatus::InfraError;
        c.request.gpuType = "H100";
        c.createdAt = 0;
        c.finishedAt = 50;
        EvalResult d; // unknown GPU type
        d.status = EvalStatus::Correct;
        d.request.gpuType = "";
        d.timings.total = 5;
        EvalResult e; // wall-time fallback, GPU from the request
        e.status = EvalStatus::Timeout;
        e.request.gpuType = "T4:2";
        e.createdAt = 100;
        e.finishedAt = 110;
        auto cost = modalBatchCost({a, b, c, d, e});
        QVERIFY(near(cost.usd, 0.1097 + 0.5 + 0 + 2 * 0.000164 * 10));
        QCOMPARE(cost.priced, 4);
        QCOMPARE(cost.unpriced, 1);
        QVERIFY(near(cost.gpuSeconds, 100 + 3 + 0 + 10));
        QCOMPARE(modalGpuTypeOf(a), std::string("H100"));
        QCOMPARE(modalGpuTypeOf(e), std::string("T4:2"));
        QCOMPARE(cost.containers, 0); // no container ids: nothing known about starts and idle tails
    }

    void containersStartAndIdle()
    {
        // A lone 3 s H100 evaluation: its GPU seconds are a small part of what Modal bills; the
        // container's start and its idle tail until scale-down come on top, once per container.
        EvalResult lone;
        lone.status = EvalStatus::Correct;
        lone.device.target = "modal:H100";
        lone.timings.total = 3;
        lone.worker.containerId = "ta-01";
        EvalResult again = lone;
        again.worker.containerId = "ta-01"; // same container: one start, one tail
        EvalResult other = lone;
        other.worker.containerId = "ta-02";
        auto cost = modalBatchCost({lone, again, other});
        QCOMPARE(cost.containers, 2);
        QVERIFY(near(cost.usd, 3 * 3 * 0.001097));
        QVERIFY(near(cost.overheadUsd, 2 * (kModalColdStartS + kModalScaledownS) * 0.001097));
        QVERIFY(modalBatchCost({lone}).overheadUsd >
                100 * modalBatchCost({lone}).usd); // ~100x, as Modal bills
    }
};

QTEST_GUILESS_MAIN(TestCostModal)
#include "tst_cost_modal.moc"
