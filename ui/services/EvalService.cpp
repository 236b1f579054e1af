#include "ui/services/EvalService.h"

#include "core/local/LocalBackend.h"
#include "core/usecase/EvalSession.h"

#include "ui/base/QtStd.h"
#include "ui/base/UiThread.h"

#include <QPointer>

#include <map>
#include <mutex>
#include <set>

using namespace Qt::StringLiterals;

namespace kw::ui {

struct EvalService::Shared
{
    std::mutex mutex;
    std::shared_ptr<HistoryStore> store;
    std::map<std::string, Factory> factories;
    std::map<std::string, std::unique_ptr<Evaluator>> evaluators; // touched by the worker only
    std::set<std::string> stale;
    std::map<std::string, std::pair<std::string, Evaluator::Ticket>> tickets; // id → target, ticket
};

EvalService::EvalService(QObject* parent) : QObject(parent), m_shared(std::make_shared<Shared>()) {}

EvalService::~EvalService()
{
    auto shared = m_shared;
    m_worker.post([shared] {
        for (auto& [t, e] : shared->evaluators)
            e->cancelAll();
    });
    m_worker.drain();
    // Destroying an evaluator joins its threads; callbacks fired meanwhile post to this
    // object, which is still alive, and are dropped with it.
    m_shared->evaluators.clear();
}

void EvalService::setStore(std::shared_ptr<HistoryStore> store)
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->store = std::move(store);
}

void EvalService::setFactory(const QString& target, Factory factory)
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->factories[toStd(target)] = std::move(factory);
    }
    m_unavailable.remove(target);
    resetBackend(target);
}

void EvalService::setUnavailableReason(const QString& target, const QString& reason)
{
    if (reason.isEmpty())
        m_unavailable.remove(target);
    else
        m_unavailable.insert(target, reason);
}

QString EvalService::unavailableReason(const QString& target) const
{
    if (auto it = m_unavailable.find(target); it != m_unavailable.end())
        return *it;
    std::lock_guard lock(m_shared->mutex);
    if (!m_shared->factories.count(toStd(target)))
        return tr("No evaluator is set up for the target “%1”.").arg(target);
    return {};
}

void EvalService::resetBackend(const QString& target)
{
    auto shared = m_shared;
    const std::string t = toStd(target);
    m_worker.post([shared, t] {
        auto it = shared->evaluators.find(t);
        if (it == shared->evaluators.end())
            return;
        if (it->second->pending() == 0)
            shared->evaluators.erase(it); // kills idle workers, off the UI thread
        else
            shared->stale.insert(t);
    });
}

QString EvalService::submit(EvalRequest request)
{
    if (request.id.empty())
        request.id = EvalRequest::makeId();
    const QString id = qs(request.id);
    m_active.insert(id, EvalStage::Queued);
    Q_EMIT countsChanged();

    const QPointer<QObject> guard(this);
    auto shared = m_shared;
    auto deliver = [shared, guard, self = this](EvalResult r) {
        QString storeError;
        std::shared_ptr<HistoryStore> store;
        {
            std::lock_guard lock(shared->mutex);
            store = shared->store;
            shared->tickets.erase(r.id);
        }
        if (store) {
            try {
                store->add(r);
            } catch (const std::exception& e) {
                storeError = qs(e.what());
            }
        }
        post(guard, [self, r = std::move(r), storeError] { self->onFinished(r, storeError); });
    };
    auto progress = [guard, self = this](const EvalProgress& p) {
        post(guard, [self, p] { self->onProgress(p); });
    };

    m_worker.post([shared, request = std::move(request), deliver, progress, guard, self = this]() mutable {
        const std::string target = request.target;
        Evaluator* ev = nullptr;
        std::string error;
        {
            auto it = shared->evaluators.find(target);
            if (it != shared->evaluators.end() && shared->stale.count(target) && it->second->pending() == 0) {
                shared->evaluators.erase(it);
                shared->stale.erase(target);
            }
            auto& slot = shared->evaluators[target];
            if (!slot) {
                Factory f;
                {
                    std::lock_guard lock(shared->mutex);
                    if (auto fit = shared->factories.find(target); fit != shared->factories.end())
                        f = fit->second;
                }
                if (f)
                    slot = f();
            }
            ev = slot.get();
            if (!ev) {
                shared->evaluators.erase(target);
                error = "No evaluator is set up for the target '" + target + "'.";
            }
        }
        if (auto* local = dynamic_cast<LocalBackend*>(ev); local && !local->started()) {
            error = local->start(); // imports torch: seconds, never on the UI thread
            if (error.empty()) {
                const QString desc = qs(local->describe());
                const QString t = qs(target);
                post(guard, [self, t, desc] {
                    self->m_descriptions.insert(t, desc);
                    Q_EMIT self->backendStarted(t, desc);
                    Q_EMIT self->countsChanged();
                });
            }
        }
        if (!error.empty()) {
            deliver(EvalResult::infraError(request, error));
            return;
        }
        // The pre-run check (core/usecase/EvalSession, the CLI's words): the problem's sizes
        // against the memory the evaluation will have; a refusal is a setup error, recorded.
        if (const SizeCheck check = checkSizes(*ev, request); check.sizes.probed || !check.problem.empty()) {
            progress(EvalProgress{request.id, EvalStage::Queued, 0, check.line});
            if (!check.problem.empty()) {
                deliver(sizeRefusal(request, check));
                return;
            }
        }
        const std::string id = request.id;
        auto onDone = [deliver](const EvalResult& r) { deliver(r); };
        const Evaluator::Ticket ticket = ev->submit(std::move(request), onDone, progress);
        std::lock_guard lock(shared->mutex);
        shared->tickets.emplace(id, std::make_pair(target, ticket));
    });
    return id;
}

void EvalService::cancel(const QString& requestId)
{
    auto shared = m_shared;
    const std::string id = toStd(requestId);
    m_worker.post([shared, id] {
        std::pair<std::string, Evaluator::Ticket> t;
        {
            std::lock_guard lock(shared->mutex);
            auto it = shared->tickets.find(id);
            if (it == shared->tickets.end())
                return; // finished already
            t = it->second;
        }
        if (auto ev = shared->evaluators.find(t.first); ev != shared->evaluators.end())
            ev->second->cancel(t.second);
    });
}

void EvalService::cancelAll()
{
    auto shared = m_shared;
    m_worker.post([shared] {
        for (auto& [t, e] : shared->evaluators)
            e->cancelAll();
    });
}

void EvalService::onProgress(const EvalProgress& p)
{
    const QString id = qs(p.requestId);
    auto it = m_active.find(id);
    if (it == m_active.end())
        return;
    const bool changed = *it != p.stage;
    *it = p.stage;
    Q_EMIT progress(id, p.stage, p.elapsedS, qs(p.detail));
    if (changed)
        Q_EMIT countsChanged();
}

void EvalService::onFinished(const EvalResult& r, const QString& storeError)
{
    m_active.remove(qs(r.id));
    ++m_finished;
    if (r.costUsd)
        m_cost += *r.costUsd;
    Q_EMIT finished(r);
    Q_EMIT countsChanged();
    if (!storeError.isEmpty())
        Q_EMIT storeFailed(
            tr("The result could not be saved to the history: %1. Check free disk space and the "
               "history location in Settings.")
                .arg(storeError));
    else
        Q_EMIT resultStored();
}

int EvalService::queuedCount() const
{
    int n = 0;
    for (EvalStage s : m_active)
        n += s == EvalStage::Queued ? 1 : 0;
    return n;
}

int EvalService::runningCount() const
{
    return static_cast<int>(m_active.size()) - queuedCount();
}

QString EvalService::targetDescription(const QString& target) const
{
    return m_descriptions.value(target);
}

void EvalService::setTargetDescription(const QString& target, const QString& text)
{
    m_descriptions.insert(target, text);
    Q_EMIT countsChanged();
}

} // namespace kw::ui
