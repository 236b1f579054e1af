#pragma once

#include "ui/models/HistoryFilterSpec.h"

#include <QTimer>
#include <QWidget>

#include <limits>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;

namespace kw::ui {

class HistoryFilterModel;

// Text, status, problem, source, % of speed of light and time-range filter over a HistoryFilterModel. Several
// bars may share one model (Evaluations and Charts): each follows the model's filterChanged().
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(HistoryFilterModel* model, QWidget* parent = nullptr);

    void focusSearch();
    void clear();
    HistoryFilterSpec currentSpec() const;
    QToolButton* solButton() const { return m_sol; }

private:
    void apply();          // widgets → model
    void sync();           // model → widgets
    void refreshChoices(); // problem and source lists from the interned strings
    void updateStatusButton();
    void updateSolButton();
    void setSolRange(double lo, double hi); // NaN = open
    void updateCount();

    HistoryFilterModel* m_model;
    QLineEdit* m_text;
    QToolButton* m_status;
    QComboBox* m_problem;
    QComboBox* m_source;
    QToolButton* m_sol;
    QSpinBox* m_solMin;
    QSpinBox* m_solMax;
    QComboBox* m_range;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QToolButton* m_clear;
    QLabel* m_count;
    QTimer m_debounce;
    QTimer m_countTimer;
    std::uint32_t m_statusMask = HistoryFilterSpec::kAllStatuses;
    double m_solLo = std::numeric_limits<double>::quiet_NaN();
    double m_solHi = std::numeric_limits<double>::quiet_NaN();
    std::uint32_t m_problemPoolSize = 0;
    std::uint32_t m_sourcePoolSize = 0;
    bool m_syncing = false;
};

} // namespace kw::ui
