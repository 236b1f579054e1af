#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include <utility>

namespace kw::ui::async {

// Runs `work` on a thread of its own (a `modal` command may take minutes; the global pool is
// small) and hands its result to `done` on the UI thread, only while `guard` still exists.
template <typename Work, typename Done> void run(QObject* guard, Work work, Done done)
{
    QPointer<QObject> g(guard);
    QThread* t = QThread::create([g, work = std::move(work), done = std::move(done)]() mutable {
        auto result = work();
        QMetaObject::invokeMethod(
            qApp,
            [g, result = std::move(result), done = std::move(done)]() mutable {
                if (g)
                    done(std::move(result));
            },
            Qt::QueuedConnection);
    });
    QObject::connect(t, &QThread::finished, t, &QObject::deleteLater);
    t->start();
}

// Calls `fn` on the UI thread while `guard` exists (from any thread).
template <typename Fn> void post(const QPointer<QObject>& guard, Fn fn)
{
    QMetaObject::invokeMethod(
        qApp,
        [guard, fn = std::move(fn)]() mutable {
            if (guard)
                fn();
        },
        Qt::QueuedConnection);
}

} // namespace kw::ui::async
