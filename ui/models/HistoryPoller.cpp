#include "ui/models/HistoryPoller.h"

#include "ui/models/HistoryModel.h"

#include "ui/base/QtStd.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kw::ui {

HistoryPoller::HistoryPoller(std::shared_ptr<HistoryStore> store, HistoryModel* model, QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_model(model)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HistoryPoller::poll);
}

HistoryPoller::~HistoryPoller()
{
    m_running = false;
    m_timer.stop();
    m_job.wait();
}

void HistoryPoller::start()
{
    if (m_running || !m_store)
        return;
    m_running = true;
    poll();
}

void HistoryPoller::stop()
{
    m_running = false;
    m_timer.stop();
}

void HistoryPoller::pollNow()
{
    if (!m_running)
        return;
    if (m_inFlight)
        m_again = true;
    else
        m_timer.start(0);
}

void HistoryPoller::poll()
{
    if (!m_running || m_inFlight)
        return;
    m_inFlight = true;
    m_again = false;
    HistoryQuery q;
    q.afterRowId = m_after;
    q.newestFirst = false;
    q.limit = m_pageSize;
    auto store = m_store;
    m_job.start(
        [store, q]() {
            Page page;
            try {
                page.rows = store->rows(q);
            } catch (const std::exception& e) {
                page.error = qs(e.what());
            }
            return page;
        },
        [this](Page page) { onPage(std::move(page)); });
}

void HistoryPoller::onPage(Page page)
{
    m_inFlight = false;
    const bool full = page.rows.size() >= m_pageSize;
    if (!page.error.isEmpty()) {
        ++m_failures;
        m_lastError = tr("Reading the history store failed: %1. Check that the file is readable; "
                         "kernelwatch retries by itself.")
                          .arg(page.error);
        Q_EMIT pollFailed(m_lastError);
    } else {
        if (m_failures > 0) {
            m_failures = 0;
            m_lastError.clear();
            Q_EMIT pollRecovered();
        }
        if (!page.rows.empty()) {
            for (const auto& r : page.rows)
                m_after = std::max(m_after, r.rowId);
            m_loaded += static_cast<int>(page.rows.size());
            if (m_model)
                m_model->enqueue(std::move(page.rows));
        }
        if (!full && !m_initialDone) {
            m_initialDone = true;
            Q_EMIT initialLoadFinished(m_loaded);
        }
    }
    if (!m_running)
        return;
    if (full || m_again)
        m_timer.start(0);
    else
        m_timer.start(m_failures == 0 ? m_intervalMs
                                      : std::min(10000, m_intervalMs << std::min(m_failures, 5)));
}

} // namespace kw::ui
