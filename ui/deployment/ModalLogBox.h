#pragma once

#include "core/modal/ModalCli.h"

#include <QGroupBox>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace kw {
class HistoryStore;
class ModalLogFollower;
} // namespace kw

namespace kw::ui {

class AppContext;
class LogFilterModel;
class LogLineModel;

// The evaluator app's logs: Follow runs a ModalLogFollower (the stream is reopened with a backoff
// when it ends, until Follow is switched off); every line goes to a searchable table filtered by
// container, and each KERNELWATCH_EVAL line becomes a result in the history store (source modal,
// with its container id). The follower is stopped off the UI thread.
class ModalLogBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit ModalLogBox(AppContext& ctx, QWidget* parent = nullptr);
    ~ModalLogBox() override;

    LogLineModel* logs() const { return m_logs; }
    bool following() const { return m_follower != nullptr; }
    QString followStatus() const;

public Q_SLOTS:
    void setFollowing(bool on);

private:
    void onLogLine(const ModalLogLine& line);
    void stopFollowing();

    AppContext& m_ctx;
    LogLineModel* m_logs = nullptr;
    LogFilterModel* m_logFilter = nullptr;
    QTableView* m_logView = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_containerFilter = nullptr;
    QPushButton* m_followButton = nullptr;
    QLabel* m_followStatus = nullptr;
    std::shared_ptr<ModalLogFollower> m_follower;
    std::shared_ptr<HistoryStore> m_followStore;
    int m_followResults = 0;
};

} // namespace kw::ui
