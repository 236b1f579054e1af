#pragma once

#include "ui/base/Job.h"
#include "ui/base/Panel.h"
#include "ui/charts/ChartData.h"
#include "ui/charts/RooflinePage.h"
#include "ui/charts/ScoreData.h"

#include <QElapsedTimer>
#include <QTimer>

#include <memory>

class QComboBox;
class QLabel;
class QTabWidget;

namespace kw::ui {

class BestSpeedupChart;
class FilterBar;
class RatesChart;
class ScoresTable;
class SpeedupHistogramChart;
class SpeedupTimeChart;

// Four QCustomPlot charts over the Evaluations filter (speedups against eager PyTorch or
// torch.compile), the roofline, and fast_p scores for the filter, per run and over time. Data
// changes only mark the charts dirty; a single-shot ~40 ms timer snapshots the filtered rows, a
// worker computes the series (and loads the peaks of one result per new problem and GPU), and
// each chart replots once. Hidden charts wait until they are shown.
class ChartsPanel : public Panel
{
    Q_OBJECT
public:
    ChartsPanel(AppContext& ctx, QWidget* parent = nullptr);
    ~ChartsPanel() override;
    static PanelInfo info();

    bool busy() const override;
    void prepareScreenshot() override;
    int refreshCount() const { return m_refreshes; }
    const ChartSeries& series() const { return m_series; }
    const ScoreGroup& scores() const { return m_scores; }
    QString scoresText() const;
    RooflinePage* roofline() const { return m_roofline; }
    ScoresTable* scoresTable() const { return m_scoresTable; }
    QComboBox* baselineBox() const { return m_baseline; }
    QComboBox* groupBox() const { return m_groupBy; }
    QTabWidget* tabs() const { return m_tabs; }
    bool saveAll(const QString& path); // .png or .pdf of the tab shown (four charts, roofline, scores)
    void refreshNow();                 // skips the coalescing timer (tests, screenshots)

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Build
    {
        ChartSeries series;
        std::shared_ptr<const std::vector<ChartPoint>> points;
        std::shared_ptr<const std::vector<QString>> names;
        std::shared_ptr<std::vector<RooflinePoint>> roofline;
        ScoreGroup scores;
        std::vector<ScoreGroup> groups;
        QHash<quint64, ProblemSol> loaded; // peaks and FLOP estimate of new problem/GPU pairs
    };
    void markDirty();
    void rebuild();
    void onBuilt(Build j);
    void saveDialog(bool pdf);
    void resetZoom();

    FilterBar* m_filterBar;
    QLabel* m_summary;
    QLabel* m_scoresLabel;
    QComboBox* m_baseline;
    QComboBox* m_groupBy;
    QTabWidget* m_tabs;
    QWidget* m_grid;
    RooflinePage* m_roofline;
    ScoresTable* m_scoresTable;
    SpeedupTimeChart* m_time;
    SpeedupHistogramChart* m_hist;
    RatesChart* m_rates;
    BestSpeedupChart* m_best;
    QTimer m_coalesce;
    Job<Build> m_build{this};
    ChartSeries m_series;
    ScoreGroup m_scores;
    QHash<quint64, ProblemSol> m_problemSol;
    bool m_dirty = true;
    int m_refreshes = 0;
    int m_minIntervalMs = 40;
};

} // namespace kw::ui
