#pragma once

#include "core/model/HistoryStore.h"
#include "ui/base/Job.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <vector>

namespace kw::ui {

class HistoryModel;

// Feeds HistoryModel from the store: first everything in pages, then new rows only (rowid >
// last seen), which is how results written by kernelwatch-cli in another process show up.
// Queries run on a worker thread and never overlap: query → finished → enqueue → re-arm a
// single-shot timer. While the store fails, the interval backs off up to 10 s.
class HistoryPoller : public QObject
{
    Q_OBJECT
public:
    HistoryPoller(std::shared_ptr<HistoryStore> store, HistoryModel* model, QObject* parent = nullptr);
    ~HistoryPoller() override;

    void start();
    void stop();
    void pollNow(); // soon, without waiting for the interval (a result was just stored)
    void setInterval(int ms) { m_intervalMs = ms; }
    void setPageSize(std::size_t rows) { m_pageSize = rows; }
    bool initialLoadDone() const { return m_initialDone; }
    bool busy() const { return m_inFlight || !m_initialDone; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void initialLoadFinished(int rows);
    void pollFailed(const QString& message);
    void pollRecovered();

private:
    struct Page
    {
        std::vector<HistoryRow> rows;
        QString error;
    };
    void poll();
    void onPage(Page page);

    std::shared_ptr<HistoryStore> m_store;
    QPointer<HistoryModel> m_model;
    Job<Page> m_job{this};
    QTimer m_timer;
    std::int64_t m_after = 0;
    std::size_t m_pageSize = 20000;
    int m_intervalMs = 500;
    int m_failures = 0;
    int m_loaded = 0;
    bool m_running = false;
    bool m_inFlight = false;
    bool m_again = false;
    bool m_initialDone = false;
    QString m_lastError;
};

} // namespace kw::ui
