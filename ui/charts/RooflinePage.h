#pragma once

#include "ui/charts/RooflineData.h"

#include <QHash>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;

namespace kw::ui {

class RooflineChart;

// What one problem's speed-of-light estimate on one GPU says beyond the row: whether its FLOPs
// were estimated, and the peaks it used (loaded from one stored result per problem and GPU).
struct ProblemSol
{
    bool flopsEstimated = false;
    QString precision;
    double peakFlopsPerS = 0, peakBytesPerS = 0;
};

// The roofline of the filtered evaluations, one device at a time (a chooser when the results
// span several GPUs; the one with the most points first).
class RooflinePage : public QWidget
{
    Q_OBJECT
public:
    explicit RooflinePage(QWidget* parent = nullptr);

    // Points of every device; problemSol keyed by key(problem, device).
    void setInput(std::shared_ptr<std::vector<RooflinePoint>> points,
                  std::shared_ptr<const std::vector<QString>> problems, const std::vector<QString>& gpuNames,
                  const QHash<quint64, ProblemSol>& problemSol);
    RooflineChart* chart() const { return m_chart; }
    QComboBox* deviceBox() const { return m_device; }
    static quint64 key(std::uint32_t problem, std::uint32_t device)
    {
        return (quint64(problem) << 32) | device;
    }

private:
    void rebuild();

    QComboBox* m_device;
    QLabel* m_note;
    RooflineChart* m_chart;
    std::shared_ptr<std::vector<RooflinePoint>> m_points;
    std::shared_ptr<const std::vector<QString>> m_problems;
    std::vector<QString> m_gpuNames;
    QHash<quint64, ProblemSol> m_sol;
};

} // namespace kw::ui
