#include "ui/charts/RooflinePage.h"

#include "ui/charts/RooflineChart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace kw::ui {

RooflinePage::RooflinePage(QWidget* parent)
    : QWidget(parent), m_device(new QComboBox(this)), m_note(new QLabel(this)),
      m_chart(new RooflineChart(this))
{
    m_device->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_device->setMinimumContentsLength(26); // "NVIDIA H100 80GB HBM3 (214)"
    m_device->setToolTip(tr("Roofs differ per GPU: one device at a time"));
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Device"), this));
    bar->addWidget(m_device);
    bar->addWidget(m_note, 1);
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(4);
    l->addLayout(bar);
    l->addWidget(m_chart, 1);
    connect(m_device, &QComboBox::currentIndexChanged, this, &RooflinePage::rebuild);
}

void RooflinePage::setInput(std::shared_ptr<std::vector<RooflinePoint>> points,
                            std::shared_ptr<const std::vector<QString>> problems,
                            const std::vector<QString>& gpuNames,
                            const QHash<quint64, ProblemSol>& problemSol)
{
    m_points = std::move(points);
    m_problems = std::move(problems);
    m_gpuNames = gpuNames;
    m_sol = problemSol;
    for (RooflinePoint& p : *m_points) {
        const auto it = m_sol.constFind(key(p.problem, p.device));
        p.estimated = it != m_sol.constEnd() && it->flopsEstimated;
    }
    // Devices, most points first; the current choice kept when it is still there.
    std::map<std::uint32_t, int> counts;
    for (const RooflinePoint& p : *m_points)
        ++counts[p.device];
    std::vector<std::pair<int, std::uint32_t>> order;
    for (const auto& [d, n] : counts)
        order.emplace_back(-n, d);
    std::sort(order.begin(), order.end());
    const QVariant current = m_device->currentData();
    {
        const QSignalBlocker block(m_device);
        m_device->clear();
        for (const auto& [n, d] : order) {
            const QString name =
                d < m_gpuNames.size() && !m_gpuNames[d].isEmpty() ? m_gpuNames[d] : tr("(unknown GPU)");
            m_device->addItem(tr("%1 (%2)").arg(name).arg(-n), d);
        }
        const int keep = current.isValid() ? m_device->findData(current) : -1;
        m_device->setCurrentIndex(keep >= 0 ? keep : 0);
    }
    m_device->setEnabled(m_device->count() > 1);
    rebuild();
}

void RooflinePage::rebuild()
{
    if (!m_points)
        return;
    const bool any = m_device->count() > 0;
    const std::uint32_t device = any ? m_device->currentData().toUInt() : 0;
    DeviceRoofs roofs;
    for (auto it = m_sol.cbegin(); it != m_sol.cend(); ++it) {
        if ((it.key() & 0xffffffffu) != device)
            continue;
        roofs.peakBytesPerS = std::max(roofs.peakBytesPerS, it->peakBytesPerS);
        roofs.addCompute(it->precision, it->peakFlopsPerS);
    }
    const RooflineSeries s = RooflineData::build(*m_points, device, roofs);
    int hollow = 0;
    for (const auto& h : s.hollowX)
        hollow += static_cast<int>(h.size());
    QStringList note;
    if (hollow > 0)
        note << tr("hollow: FLOPs estimated (one per element), the counter found none");
    if (s.skipped > 0)
        note << tr("%1 without a positive intensity or throughput not drawn").arg(s.skipped);
    note << tr("click a point to open it in Evaluations");
    m_note->setText(note.join(u" · "_s));
    m_chart->setData(s, m_points, m_problems,
                     any && device < m_gpuNames.size() ? m_gpuNames[device] : QString());
    m_chart->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace kw::ui
