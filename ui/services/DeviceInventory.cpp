#include "ui/services/DeviceInventory.h"

#include <QtConcurrent/QtConcurrentRun>

namespace kw::ui {

DeviceInventory::DeviceInventory(QObject* parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<CudaInventory>::finished, this, [this] {
        m_inventory = m_watcher.result();
        m_ready = true;
        Q_EMIT changed();
    });
}

DeviceInventory::~DeviceInventory()
{
    m_watcher.waitForFinished();
}

void DeviceInventory::refresh()
{
    if (m_watcher.isRunning())
        return;
    m_watcher.setFuture(QtConcurrent::run([] { return CudaDeviceQuery::query(); }));
}

QString DeviceInventory::summary() const
{
    const int n = gpuCount();
    if (n == 0)
        return tr("Local: CPU");
    return n == 1 ? tr("Local: 1 GPU") : tr("Local: %1 GPUs").arg(n);
}

} // namespace kw::ui
