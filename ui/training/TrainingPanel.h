#pragma once

#include "ui/base/Panel.h"
#include "ui/training/StepMetrics.h"
#include "ui/training/TrainingBridge.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <memory>
#include <vector>

class QLabel;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;
class QTemporaryDir;

namespace kw::ui {

class CodeEditor;
class EmptyViewHint;
class StepChart;
class TraceTableModel;

// Follows kernel_rl training runs live: a run directory or a runs root (its runs appear by
// themselves), a runs list, a live table per run, lazily loaded details of the selected row,
// per-step charts with the selected runs overlaid, and an alert banner (cheat or error rate
// jump, no new line for a configurable time).
class TrainingPanel : public Panel
{
    Q_OBJECT
public:
    static PanelInfo info();
    TrainingPanel(AppContext& ctx, QWidget* parent = nullptr);
    ~TrainingPanel() override;

    // Follows a run dir or a runs root (remembered in the settings).
    void follow(const QString& path);
    void setStallSeconds(int seconds);
    void setPollMs(int ms) { m_pollMs = ms; }

    // For tests and screenshots.
    TraceTableModel* currentModel() const;
    QString currentRun() const { return m_current; }
    QStringList runNames() const;
    QString alertText() const;
    bool alertVisible() const;
    int detailsLoaded() const { return m_detailsLoaded; }

    void saveState() override;
    void prepareScreenshot() override;
    bool busy() const override;

private:
    struct Run
    {
        QString dir;
        TraceTableModel* model = nullptr;
        std::vector<StepMetrics> metrics;
        QTreeWidgetItem* item = nullptr;
        qint64 lastArrivalMs = -1; // m_clock time of the last new row
        bool indexed = false;
        QString error;
    };

    void chooseRun(bool root);
    void onUpdates();
    void showRun(const QString& name);
    void onRowChanged();
    void showDetails(const TrainingBridge::Details& d);
    void refreshRunsList();
    void scheduleCharts();
    void refreshCharts();
    void checkAlerts();
    void clearRuns();

    TrainingBridge* m_bridge;
    QHash<QString, Run> m_runs;
    QString m_current;
    int m_pollMs = 250;
    int m_stallSeconds = 120;
    QElapsedTimer m_clock;

    QLabel* m_path;
    QString m_followedPath; // empty until a run or runs root is followed
    QSpinBox* m_stall;
    QLabel* m_banner;
    QString m_dismissed;
    QTreeWidget* m_runList;
    QTableView* m_table;
    EmptyViewHint* m_runsHint;
    EmptyViewHint* m_tableHint;
    QTabWidget* m_tabs;
    QTextBrowser* m_details;
    CodeEditor* m_kernel;
    StepChart* m_reward;
    StepChart* m_rates;
    StepChart* m_speedup;
    StepChart* m_evalTime;
    QTimer m_chartTimer;
    QTimer m_tick;

    bool m_detailsPending = false;
    int m_detailsLoaded = 0;
    std::unique_ptr<QTemporaryDir> m_demoDir;
    bool m_demo = false;
    bool m_demoArranged = false;
    bool m_followedWithStore = false;
};

} // namespace kw::ui
