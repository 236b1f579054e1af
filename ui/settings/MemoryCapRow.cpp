#include "ui/settings/MemoryCapRow.h"

#include "ui/base/Settings.h"
#include "ui/settings/SettingsBridge.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QVBoxLayout>

#include <cmath>

namespace kw::ui {

MemoryCapRow::MemoryCapRow(Settings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_spin(new QDoubleSpinBox(this)), m_hint(new QLabel(this))
{
    const double ramGiB = SettingsBridge::machineMemoryGiB();
    m_spin->setDecimals(1);
    m_spin->setSingleStep(1.0);
    m_spin->setRange(0.0, 65536.0);
    m_spin->setSuffix(tr(" GiB"));
    m_spin->setSpecialValueText(tr("Half of RAM (%1 GiB)").arg(ramGiB / 2, 0, 'f', 1));
    m_spin->setKeyboardTracking(false); // one change (and backend restart) per edit, not per key
    m_spin->setToolTip(tr("The most memory one evaluation's process may use; a problem that cannot fit is "
                          "not run"));
    const long long mb = settings.memLimitMb();
    m_spin->setValue(mb > 0 ? double(mb) / 1024.0 : 0.0);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (const QString env = settings.memLimitFromEnvironment(); !env.isEmpty()) {
        m_spin->setEnabled(false);
        m_hint->setText(
            tr("KERNELWATCH_MEM_LIMIT_MB=%1 is set in the environment: the app and kernelwatch-cli "
               "use it (MiB; 0 = no cap) instead of this field.")
                .arg(env));
    } else {
        m_hint->setText(tr("Per evaluation process: all it may use on the CPU, host memory beside a GPU. A "
                           "problem that cannot fit is not run and says why. kernelwatch-cli uses it too; "
                           "KERNELWATCH_MEM_LIMIT_MB or --mem-limit-mb (0 = no cap) win over it."));
    }
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(m_spin);
    l->addWidget(m_hint);
    connect(m_spin, &QDoubleSpinBox::valueChanged, this,
            [this](double gib) { m_settings.setMemLimitMb(gib <= 0 ? -1 : std::llround(gib * 1024.0)); });
}

QString MemoryCapRow::hintText() const
{
    return m_hint->text();
}

} // namespace kw::ui
