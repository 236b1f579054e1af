#pragma once

#include "core/model/HistoryStore.h"
#include "ui/models/CompactRow.h"
#include "ui/models/StringPool.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <array>
#include <mutex>
#include <vector>

namespace kw::ui {

// Every evaluation in the history store, as compact rows (88 bytes each, strings interned).
// Live rows arrive through enqueue() from any thread into a mutex-guarded staging buffer; the
// first one arms a single-shot timer and each flush inserts the batch with one beginInsertRows.
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Time,
        Source,
        Problem,
        Backend,
        Target,
        Gpu,
        Status,
        Speedup,
        CompileSpeedup, // "vs compile": the speedup against torch.compile of the reference
        SolPercent,     // "% SOL": the speed of light's share of the runtime
        Runtime,
        Baseline,
        Duration,
        Cost,
        ColumnCount
    };
    enum Field
    {
        FSource,
        FProblem,
        FBackend,
        FTarget,
        FGpu,
        FRun,
        FieldCount
    };
    enum Role
    {
        RowIdRole = Qt::UserRole + 1,
        StatusRole,     // int (kw::EvalStatus)
        CreatedAtRole,  // double, unix seconds
        SpeedupRole,    // double or invalid
        ProblemRole,    // QString
        SortRole,       // numeric or string key
        WinRole,        // int (kw::WinVerdict): only Win is coloured or charted as a speedup
        SolPercentRole, // double or invalid
    };

    explicit HistoryModel(QObject* parent = nullptr);
    ~HistoryModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Thread-safe. Rows are shown after the next flush (≤ flushIntervalMs later).
    void enqueue(std::vector<HistoryRow> rows);
    // UI thread: inserts at once (still one beginInsertRows), after any staged rows.
    void appendNow(const std::vector<HistoryRow>& rows);
    // UI thread: processes everything staged now.
    void flush();
    // UI thread: brings the model to exactly `rows` (sorted by rowId), row by row: rows that
    // vanished are removed, new ones inserted, changed ones updated. Views keep selection.
    void merge(const std::vector<HistoryRow>& rows);
    void clear();

    const CompactRow& row(int i) const { return m_rows[static_cast<std::size_t>(i)]; }
    const std::vector<CompactRow>& rows() const { return m_rows; }
    const StringPool& pool(Field f) const { return m_pools[f]; }
    QString text(int row, Field f) const;
    int rowForRowId(std::int64_t rowId) const; // -1 when absent
    std::int64_t maxRowId() const { return m_maxRowId; }
    std::size_t stagedCount() const;
    std::size_t memoryBytes() const;

    void setFlushInterval(int ms) { m_flushTimer.setInterval(ms); }
    void setMaxBatch(int rows) { m_maxBatch = rows; }
    static QString columnTitle(int column);

Q_SIGNALS:
    void flushed(int first, int last); // after each batch insert

private:
    CompactRow compact(const HistoryRow& r);
    void insertBatch(std::vector<HistoryRow>::const_iterator begin,
                     std::vector<HistoryRow>::const_iterator end);
    std::uint16_t intern16(Field f, const std::string& s);

    std::vector<CompactRow> m_rows;
    std::array<StringPool, FieldCount> m_pools;
    std::int64_t m_maxRowId = 0;
    bool m_sortedByRowId = true;

    mutable std::mutex m_stageMutex;
    std::vector<HistoryRow> m_staged;
    bool m_flushScheduled = false;
    QTimer m_flushTimer;
    int m_maxBatch = 50000;
};

} // namespace kw::ui
