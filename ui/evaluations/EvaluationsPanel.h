#pragma once

#include "ui/base/Panel.h"
#include "ui/services/HistoryExporter.h"

#include <QTimer>

#include <atomic>
#include <memory>

class QLabel;
class QPushButton;
class QSplitter;
class QTableView;
class QToolButton;

namespace kw::ui {

class DetailsPane;
class EvaluationsBridge;
class FilterBar;

// Every evaluation in the history, live: filter, sort, details on demand, re-run, compare
// two side by side, export the filtered rows.
class EvaluationsPanel : public Panel
{
    Q_OBJECT
public:
    EvaluationsPanel(AppContext& ctx, QWidget* parent = nullptr);
    ~EvaluationsPanel() override;
    static PanelInfo info();

    void saveState() override;
    void prepareScreenshot() override;
    bool busy() const override;

    QTableView* table() const { return m_table; }
    DetailsPane* details() const { return m_details; }
    FilterBar* filterBar() const { return m_filterBar; }
    std::vector<std::int64_t> selectedRowIds() const;
    std::vector<std::int64_t> filteredRowIds() const;
    // Writes the filtered rows; async, exportFinished() follows.
    void exportTo(const QString& path, HistoryExporter::Format format);
    void rerunSelected();
    void compareSelected();
    // The message line above the table (empty while hidden). Done-messages hide after kMessageMs.
    QString messageText() const;
    static constexpr int kMessageMs = 6000;

Q_SIGNALS:
    void exportFinished(int written, const QString& error);

private:
    void exportDialog(HistoryExporter::Format format);
    void onCurrentChanged();
    void updateActions();
    void showMessage(const QString& text, bool error);
    void openSelectedInSubmit(bool runNow);

    EvaluationsBridge* m_bridge; // the export
    FilterBar* m_filterBar;
    QTableView* m_table;
    DetailsPane* m_details;
    QSplitter* m_split;
    QPushButton* m_rerun;
    QPushButton* m_open;
    QPushButton* m_compare;
    QToolButton* m_export;
    QLabel* m_message;
    QTimer m_messageTimer;
    std::int64_t m_currentRowId = 0;
    std::int64_t m_pendingRowId = 0;
    bool m_pendingRun = false;
};

} // namespace kw::ui
