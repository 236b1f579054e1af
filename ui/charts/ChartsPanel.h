#pragma once

#include "app/Panel.h"
#include "charts/ChartData.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QTimer>

#include <memory>

class QLabel;

namespace kw::ui {

class BestSpeedupChart;
class FilterBar;
class RatesChart;
class SpeedupHistogramChart;
class SpeedupTimeChart;

// Four QCustomPlot charts over the Evaluations filter. Data changes only mark the charts
// dirty; a single-shot ~40 ms timer snapshots the filtered rows, a worker computes the
// series, and each chart replots once. Hidden charts wait until they are shown.
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
    bool saveAll(const QString& path); // .png or .pdf of the four charts
    void refreshNow();                 // skips the coalescing timer (tests, screenshots)

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Job
    {
        ChartSeries series;
        std::shared_ptr<const std::vector<ChartPoint>> points;
        std::shared_ptr<const std::vector<QString>> names;
    };
    void markDirty();
    void rebuild();
    void onBuilt();
    void saveDialog(bool pdf);
    void resetZoom();

    FilterBar* m_filterBar;
    QLabel* m_summary;
    QWidget* m_grid;
    SpeedupTimeChart* m_time;
    SpeedupHistogramChart* m_hist;
    RatesChart* m_rates;
    BestSpeedupChart* m_best;
    QTimer m_coalesce;
    QFutureWatcher<Job> m_watcher;
    ChartSeries m_series;
    bool m_dirty = true;
    int m_refreshes = 0;
    int m_minIntervalMs = 40;
};

} // namespace kw::ui
