#include "ui/submit/SubmitBridge.h"

#include "core/modal/ModalGpu.h"
#include "core/model/HistoryStore.h"
#include "core/usecase/EvalSession.h"
#include "ui/base/QtStd.h"
#include "ui/services/AppContext.h"

namespace kw::ui {

SubmitBridge::SubmitBridge(AppContext& ctx, QObject* parent) : QObject(parent), m_ctx(ctx) {}

QString SubmitBridge::admit(const EvalRequest& request, const QString& refLabel, const QString& kernelLabel)
{
    return qs(kw::admitRequest(request, toStd(refLabel), toStd(kernelLabel), AdmissionMode::Interactive));
}

QList<std::pair<QString, QString>> SubmitBridge::modalGpus()
{
    QList<std::pair<QString, QString>> out;
    for (const auto& g : kw::modalGpuCatalogue())
        out.append({qs(g.name + "  ·  " + g.arch), qs(g.name)});
    return out;
}

std::optional<EvalResult> SubmitBridge::newestResult(const QString& problem) const
{
    auto store = m_ctx.store();
    if (!store)
        return std::nullopt;
    HistoryQuery q;
    q.problem = toStd(problem);
    q.limit = 1;
    const auto results = store->results(q);
    if (results.empty())
        return std::nullopt;
    return results.front();
}

} // namespace kw::ui
