#pragma once

#include "core/local/GpuInventory.h"
#include "ui/base/Job.h"

#include <QObject>

namespace kw::ui {

class Settings;

// The local GPUs for the whole app: core/local/GpuInventory (what kernelwatch-cli doctor shows),
// built off the UI thread at start and on refresh(): the driver's list first (fast, every GPU
// Pending), then the evaluator's torch probe with the Python from Settings (seconds), which
// says which GPUs evaluations can use.
class DeviceInventory : public QObject
{
    Q_OBJECT
public:
    explicit DeviceInventory(const Settings& settings, QObject* parent = nullptr);
    ~DeviceInventory() override;

    void refresh();
    bool ready() const { return m_inventory.driver.has_value() || m_inventory.torch.has_value(); }
    bool busy() const { return m_job.busy(); }
    const GpuInventory& inventory() const { return m_inventory; }
    int gpuCount() const { return m_inventory.usableCount(); }
    QString summary() const; // GpuInventory::summary(): "Local: 2 GPUs", "Local: CPU"

Q_SIGNALS:
    void changed();

private:
    void publish(GpuInventory inventory);

    const Settings& m_settings;
    GpuInventory m_inventory;
    Job<GpuInventory> m_job;
};

} // namespace kw::ui
