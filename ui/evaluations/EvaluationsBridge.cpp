#include "ui/evaluations/EvaluationsBridge.h"

#include "core/modal/ModalSecrets.h"
#include "core/model/HistoryStore.h"
#include "ui/base/QtStd.h"
#include "ui/services/AppContext.h"

namespace kw::ui {

EvaluationsBridge::EvaluationsBridge(AppContext& ctx, QObject* parent) : QObject(parent), m_ctx(ctx) {}

EvaluationsBridge::~EvaluationsBridge()
{
    if (m_exportCancel)
        m_exportCancel->store(true); // the Jobs wait for the export, which stops at the next page
}

bool EvaluationsBridge::loadRow(std::int64_t rowId, std::function<void(const Row&)> done)
{
    auto store = m_ctx.store();
    if (!store)
        return false;
    m_rows.start(
        [store, rowId] {
            Row l;
            l.rowId = rowId;
            try {
                l.result = store->findByRowId(rowId);
            } catch (const std::exception& e) {
                l.error = qs(e.what());
            }
            return l;
        },
        std::move(done));
    return true;
}

bool EvaluationsBridge::loadPair(std::int64_t rowA, std::int64_t rowB, std::function<void(const Pair&)> done)
{
    auto store = m_ctx.store();
    if (!store)
        return false;
    m_pairs.start(
        [store, rowA, rowB] {
            Pair p;
            try {
                p.first = store->findByRowId(rowA);
                p.second = store->findByRowId(rowB);
            } catch (const std::exception&) {
            }
            return p;
        },
        std::move(done));
    return true;
}

bool EvaluationsBridge::exportRows(std::vector<std::int64_t> rowIds, HistoryExporter::Format format,
                                   const QString& path,
                                   std::function<void(const HistoryExporter::Outcome&)> done)
{
    auto store = m_ctx.store();
    if (!store)
        return false;
    m_exportCancel = std::make_shared<std::atomic<bool>>(false);
    m_export.start(
        [store, ids = std::move(rowIds), format, path, cancel = m_exportCancel]() mutable {
            return HistoryExporter::run(*store, std::move(ids), format, path, cancel.get());
        },
        std::move(done));
    return true;
}

void EvaluationsBridge::dropRowLoads()
{
    m_rows.discard();
}

QString EvaluationsBridge::redactedJson(const EvalResult& result)
{
    const std::string json =
        toJson(result, false).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    return qs(kw::redactModalSecrets(json, kw::modalSecretsFromEnvironment()));
}

} // namespace kw::ui
