#pragma once

#include "core/local/CudaDeviceQuery.h"

#include <QFutureWatcher>
#include <QObject>

namespace kw::ui {

// The local GPUs, queried once at start (and on refresh()) off the UI thread.
class DeviceInventory : public QObject
{
    Q_OBJECT
public:
    explicit DeviceInventory(QObject* parent = nullptr);
    ~DeviceInventory() override;

    void refresh();
    bool ready() const { return m_ready; }
    bool busy() const { return m_watcher.isRunning(); }
    const CudaInventory& inventory() const { return m_inventory; }
    int gpuCount() const { return static_cast<int>(m_inventory.devices.size()); }
    QString summary() const; // "Local: 2 GPUs", "Local: CPU"

Q_SIGNALS:
    void changed();

private:
    QFutureWatcher<CudaInventory> m_watcher;
    CudaInventory m_inventory;
    bool m_ready = false;
};

} // namespace kw::ui
