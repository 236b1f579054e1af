#pragma once

#include <QGroupBox>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace kw::ui {

class DeploymentBridge;
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
    explicit ModalLogBox(DeploymentBridge* bridge, QWidget* parent = nullptr);

    LogLineModel* logs() const { return m_logs; }
    bool following() const;
    QString followStatus() const;

public Q_SLOTS:
    void setFollowing(bool on);

private:
    void onLinesAdded(const QStringList& containerIds);
    void stopFollowing();

    DeploymentBridge* m_bridge;
    LogLineModel* m_logs = nullptr;
    LogFilterModel* m_logFilter = nullptr;
    QTableView* m_logView = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_containerFilter = nullptr;
    QPushButton* m_followButton = nullptr;
    QLabel* m_followStatus = nullptr;
    int m_followResults = 0;
    bool m_atEnd = false; // the view showed the last line before new ones came
};

} // namespace kw::ui
