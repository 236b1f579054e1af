#pragma once

#include <QWidget>

class QLabel;

namespace kw::ui {

class AppContext;

// The status bar's permanent part: the local target, the Modal target's state, queue depth,
// running, finished, cost.
class StatusSummary : public QWidget
{
    Q_OBJECT
public:
    explicit StatusSummary(AppContext& ctx, QWidget* parent = nullptr);
    void update();
    QString modalText() const;

private:
    AppContext& m_ctx;
    QLabel* m_target;
    QLabel* m_modal;
    QLabel* m_queue;
    QLabel* m_running;
    QLabel* m_finished;
    QLabel* m_cost;
};

} // namespace kw::ui
