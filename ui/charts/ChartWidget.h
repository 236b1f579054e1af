#pragma once

#include "ui/charts/QCustomPlotInclude.h"

namespace kw::ui {

// Base of the four charts: zoom and pan with the mouse (wheel, drag; double-click resets),
// hover tooltips through tooltipAt(), a context menu to save PNG or PDF, colours from the
// palette (light and dark), a title and an empty-state message.
class ChartWidget : public QCustomPlot
{
    Q_OBJECT
public:
    explicit ChartWidget(const QString& title, QWidget* parent = nullptr);

    virtual void resetZoom() = 0;
    bool savePngTo(const QString& path) { return savePng(path, 0, 0, 2.0); }
    bool savePdfTo(const QString& path) { return savePdf(path); }
    void setEmptyMessage(const QString& text); // shown centred when there is nothing to plot
    QString title() const { return m_titleText; }
    QString shownTitle() const { return m_title->text(); }   // with counts, as drawn
    QString emptyMessage() const { return m_empty->text(); } // empty while there is data
    static QString helpText(); // shown when the pointer rests away from the data

protected:
    virtual QString tooltipAt(const QPoint& pos) const;
    virtual void applyColors();
    void styleAxis(QCPAxis* axis) const;
    QColor textColor() const;
    QColor gridColor() const;
    QColor backgroundColor() const;

    bool event(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void changeEvent(QEvent* event) override;

    QCPTextElement* m_title;
    QCPItemText* m_empty;

private:
    void saveDialog(bool pdf);
    QString m_titleText;
};

} // namespace kw::ui
