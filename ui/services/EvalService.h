#pragma once

#include "core/base/CallbackQueue.h"
#include "core/model/HistoryStore.h"
#include "ui/base/MetaTypes.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

namespace kw::ui {

// The GUI's door to the evaluators. Backend calls (starting the local backend imports torch
// for seconds) run on one long-lived worker thread in order; results and progress arrive on
// core threads, are stored in the history there, and reach the UI through post()
// (ui/base/UiThread.h). Counts feed the status bar.
class EvalService : public QObject
{
    Q_OBJECT
public:
    using Factory = std::function<std::unique_ptr<Evaluator>()>;

    explicit EvalService(QObject* parent = nullptr);
    ~EvalService() override;

    void setStore(std::shared_ptr<HistoryStore> store);
    // How to build the evaluator for a target ("local", "modal"). A target without a factory
    // answers with `unavailableReason`.
    void setFactory(const QString& target, Factory factory);
    void setUnavailableReason(const QString& target, const QString& reason);
    QString unavailableReason(const QString& target) const; // empty: the target can evaluate
    // Drops the target's evaluator once it is idle; the next submit builds a fresh one.
    void resetBackend(const QString& target);

    QString submit(EvalRequest request); // returns the request id at once
    void cancel(const QString& requestId);
    void cancelAll();

    int queuedCount() const;
    int runningCount() const;
    int finishedCount() const { return m_finished; }
    double costUsd() const { return m_cost; }
    QString targetDescription(const QString& target) const;
    void setTargetDescription(const QString& target, const QString& text);
    bool isActive(const QString& requestId) const { return m_active.contains(requestId); }

Q_SIGNALS:
    void progress(const QString& requestId, kw::EvalStage stage, double elapsedS, const QString& detail);
    void finished(const kw::EvalResult& result);
    void countsChanged();
    void resultStored(); // a result reached the history store: poll it now
    void storeFailed(const QString& message);
    void backendStarted(const QString& target, const QString& description);

private:
    struct Shared;
    void onProgress(const EvalProgress& p);
    void onFinished(const EvalResult& r, const QString& storeError);

    std::shared_ptr<Shared> m_shared;
    CallbackQueue m_worker; // the backend calls, in order; evaluators live on it
    QHash<QString, EvalStage> m_active;
    QHash<QString, QString> m_unavailable;
    QHash<QString, QString> m_descriptions;
    int m_finished = 0;
    double m_cost = 0;
};

} // namespace kw::ui
