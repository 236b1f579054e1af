#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>

#include <utility>

namespace kw::ui {

// From any thread: calls fn() on the UI thread while `guard` still exists. The way work running
// in a Job (ui/base/Job.h) or a core use case's per-item callback reports progress.
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

} // namespace kw::ui
