#pragma once

#include "core/model/EvalResult.h"
#include "ui/base/Job.h"
#include "ui/services/HistoryExporter.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kw::ui {

class AppContext;

// The Evaluations feature's door to the history store (issue 16): it reads one evaluation or
// two, and exports rows, each on a Job of its own (off the UI thread, the answer on it, the
// latest request wins), and gives the raw JSON of a result with secrets redacted. Each part of
// the panel that waits for answers (details, compare, export) holds its own bridge.
class EvaluationsBridge : public QObject
{
    Q_OBJECT
public:
    struct Row
    {
        std::int64_t rowId = 0;
        std::optional<EvalResult> result; // none: not in the store (any more)
        QString error;                    // reading failed
    };
    using Pair = std::pair<std::optional<EvalResult>, std::optional<EvalResult>>;

    explicit EvaluationsBridge(AppContext& ctx, QObject* parent = nullptr);
    ~EvaluationsBridge() override;

    // Each returns false (and never answers) when the history store is not open.
    bool loadRow(std::int64_t rowId, std::function<void(const Row&)> done);
    bool loadPair(std::int64_t rowA, std::int64_t rowB, std::function<void(const Pair&)> done);
    bool exportRows(std::vector<std::int64_t> rowIds, HistoryExporter::Format format, const QString& path,
                    std::function<void(const HistoryExporter::Outcome&)> done);
    void dropRowLoads(); // loads started so far are not answered
    bool loading() const { return m_rows.busy() || m_pairs.busy(); }
    bool exporting() const { return m_export.busy(); }

    // The result as stored (JSON, indented), with Modal tokens and anything like a secret redacted.
    static QString redactedJson(const EvalResult& result);

private:
    AppContext& m_ctx;
    std::shared_ptr<std::atomic<bool>> m_exportCancel;
    Job<Row> m_rows{this};
    Job<Pair> m_pairs{this};
    Job<HistoryExporter::Outcome> m_export{this};
};

} // namespace kw::ui
