#pragma once

#include "EvalResult.h"

#include <QFrame>

class QFormLayout;
class QLabel;
class QPlainTextEdit;

namespace kw::ui {

// One evaluation at a glance: status badge, speedup, kernel and baseline runtimes with their
// spread, tests passed, max difference, flags, the error with the log tail, device, host time
// per call (GPU: shown, not counted in the runtimes), cost.
class ResultCard : public QFrame
{
    Q_OBJECT
public:
    explicit ResultCard(QWidget* parent = nullptr);

    void showResult(const EvalResult& r);
    void showPlaceholder(const QString& text);
    void showLoading(const QString& text);
    bool hasResult() const { return m_hasResult; }
    QString badgeText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void setRow(QLabel* value, const QString& text);
    void styleBadge();

    QLabel* m_badge;
    QLabel* m_speedup;
    QLabel* m_speedupNote;
    QLabel* m_placeholder;
    QWidget* m_body;
    QFormLayout* m_form;
    QLabel* m_runtime;
    QLabel* m_baseline;
    QLabel* m_tests;
    QLabel* m_maxDiff;
    QLabel* m_flags;
    QLabel* m_device;
    QLabel* m_timings;
    QLabel* m_hostCall;
    QLabel* m_cost;
    QLabel* m_problem;
    QLabel* m_error;
    QLabel* m_logTitle;
    QPlainTextEdit* m_log;
    EvalStatus m_status = EvalStatus::Unknown;
    bool m_hasResult = false;
};

} // namespace kw::ui
