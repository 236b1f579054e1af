#pragma once

#include "core/model/Evaluator.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <array>

class QLabel;

namespace kw::ui {

// Queued → Compiling → Checking → Timing, with the elapsed time ticking while it runs.
class StageIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit StageIndicator(QWidget* parent = nullptr);

    void start(); // a submission began (queued)
    void setStage(EvalStage stage, const QString& detail = {});
    void finish(const QString& verdict, double elapsedS = -1); // stops the clock, shows the verdict
    void reset();
    EvalStage stage() const { return m_stage; }
    bool running() const { return m_running; }

private:
    void refresh();

    std::array<QLabel*, 4> m_steps{};
    QLabel* m_elapsed;
    QLabel* m_detail;
    QElapsedTimer m_clock;
    QTimer m_tick;
    EvalStage m_stage = EvalStage::Queued;
    bool m_running = false;
    bool m_started = false;
    double m_fixedElapsed = -1;
};

} // namespace kw::ui
