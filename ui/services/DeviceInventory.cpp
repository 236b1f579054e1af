#include "ui/services/DeviceInventory.h"

#include "core/base/Paths.h"
#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"
#include "ui/base/UiThread.h"

#include <QPointer>

namespace kw::ui {

DeviceInventory::DeviceInventory(const Settings& settings, QObject* parent)
    : QObject(parent), m_settings(settings), m_job(this)
{
}

DeviceInventory::~DeviceInventory() = default;

void DeviceInventory::refresh()
{
    const std::string python = m_settings.localConfig().python;
    const QPointer<QObject> guard(this);
    m_job.start(
        [python, guard] {
            CudaInventory driver = CudaDeviceQuery::query();
            GpuInventory first = GpuInventory::combine(driver, std::nullopt);
            post(guard, [guard, first]() mutable {
                static_cast<DeviceInventory*>(guard.data())->publish(std::move(first));
            });
            return GpuInventory::combine(std::move(driver), findPython(python, paths::evaluatorDir()));
        },
        [this](GpuInventory inventory) { publish(std::move(inventory)); });
}

void DeviceInventory::publish(GpuInventory inventory)
{
    m_inventory = std::move(inventory);
    Q_EMIT changed();
}

QString DeviceInventory::summary() const
{
    return qs(m_inventory.summary());
}

} // namespace kw::ui
