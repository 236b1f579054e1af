#pragma once

#include "ui/charts/ChartWidget.h"
#include "ui/charts/RooflineData.h"

#include <memory>

namespace kw::ui {

// Roofline of one device, log-log: arithmetic intensity (FLOP/byte) against achieved FLOP/s,
// the memory roof (bandwidth × intensity) and a compute roof per precision, from the peaks the
// results' speed-of-light estimates used. Points coloured by status; hollow where the FLOPs were
// estimated (one per element) rather than counted. Hover: problem, result, speedup, % of SOL;
// a click on a point emits resultClicked.
class RooflineChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit RooflineChart(QWidget* parent = nullptr);
    void setData(const RooflineSeries& s, std::shared_ptr<const std::vector<RooflinePoint>> points,
                 std::shared_ptr<const std::vector<QString>> problemNames, const QString& deviceName);
    void resetZoom() override;
    const RooflineSeries& series() const { return m_series; }
    // The input index of the point drawn nearest to pos (within a few pixels), or -1.
    int pointAt(const QPoint& pos) const;
    QString tooltipFor(int pointIndex) const;

Q_SIGNALS:
    void resultClicked(qint64 rowId);

protected:
    QString tooltipAt(const QPoint& pos) const override;
    void applyColors() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void clearRoofs();

    std::array<QCPGraph*, StatusStyle::kCount> m_filled{}, m_hollow{};
    std::vector<QCPGraph*> m_roofs; // memory first, then compute
    std::vector<QCPItemText*> m_roofLabels;
    RooflineSeries m_series;
    std::shared_ptr<const std::vector<RooflinePoint>> m_points;
    std::shared_ptr<const std::vector<QString>> m_names;
    QPoint m_pressPos;
};

} // namespace kw::ui
