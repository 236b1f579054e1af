#pragma once

#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"

#include <QList>
#include <QObject>
#include <QString>

#include <optional>
#include <utility>

namespace kw::ui {

class AppContext;

// The Submit feature's door to core (issue 16): admission (core/usecase/EvalSession, the words
// every front end uses), the Modal GPU catalogue and the newest stored result of a problem, in
// Qt types. The evaluation itself runs through EvalService (ui/services), which does the thread
// hop and the pre-run size check.
class SubmitBridge : public QObject
{
    Q_OBJECT
public:
    explicit SubmitBridge(AppContext& ctx, QObject* parent = nullptr);

    // Empty when the request may run; else one sentence saying what is wrong and what to do.
    // The labels name the sources in it ("reference.py", "Kernel").
    static QString admit(const EvalRequest& request, const QString& refLabel, const QString& kernelLabel);
    // Modal's GPU types: (label shown, name sent), in the catalogue's order.
    static QList<std::pair<QString, QString>> modalGpus();
    // The newest stored result of a problem ("samples/relu"); none when the store is not open.
    std::optional<EvalResult> newestResult(const QString& problem) const;

private:
    AppContext& m_ctx;
};

} // namespace kw::ui
