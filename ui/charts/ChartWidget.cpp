#include "ui/charts/ChartWidget.h"

#include "ui/base/Theme.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QMenu>
#include <QToolTip>

using namespace Qt::StringLiterals;

namespace kw::ui {

ChartWidget::ChartWidget(const QString& title, QWidget* parent)
    : QCustomPlot(parent), m_title(nullptr), m_empty(nullptr), m_titleText(title)
{
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setMouseTracking(true);
    setNoAntialiasingOnDrag(true);
    setMinimumSize(280, 200);
    plotLayout()->insertRow(0);
    QFont tf = font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() + 0.5);
    m_title = new QCPTextElement(this, title, tf);
    plotLayout()->addElement(0, 0, m_title);
    m_empty = new QCPItemText(this);
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setPositionAlignment(Qt::AlignCenter);
    m_empty->setClipToAxisRect(false);
    m_empty->setVisible(false);
}

QString ChartWidget::helpText()
{
    return tr("Wheel: zoom · drag: pan · double-click: reset · right-click: save");
}

bool ChartWidget::event(QEvent* event)
{
    // The pointer rested: a point's tooltip stays; the help shows only away from the data. (A
    // widget tool tip here replaced the point's tooltip a second after the pointer stopped.)
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString tip = tooltipAt(help->pos());
        QToolTip::showText(help->globalPos(), tip.isEmpty() ? helpText() : tip, this);
        return true;
    }
    return QCustomPlot::event(event);
}

QColor ChartWidget::textColor() const
{
    return QApplication::palette().color(QPalette::WindowText);
}
QColor ChartWidget::backgroundColor() const
{
    return QApplication::palette().color(QPalette::Base);
}
QColor ChartWidget::gridColor() const
{
    return Theme::isDark() ? QColor(0x3a, 0x3d, 0x44) : QColor(0xe3, 0xe6, 0xea);
}

void ChartWidget::styleAxis(QCPAxis* axis) const
{
    const QColor text = textColor();
    QColor faint = text;
    faint.setAlpha(150);
    axis->setBasePen(QPen(faint));
    axis->setTickPen(QPen(faint));
    axis->setSubTickPen(QPen(faint));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(gridColor(), 1, Qt::SolidLine));
    axis->grid()->setSubGridPen(QPen(gridColor(), 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
}

void ChartWidget::applyColors()
{
    setBackground(backgroundColor());
    axisRect()->setBackground(backgroundColor());
    for (QCPAxis* a : axisRect()->axes())
        styleAxis(a);
    m_title->setTextColor(textColor());
    QColor muted = textColor();
    muted.setAlpha(160);
    m_empty->setColor(muted);
    legend->setBrush(backgroundColor());
    legend->setTextColor(textColor());
    legend->setBorderPen(QPen(gridColor()));
}

void ChartWidget::setEmptyMessage(const QString& text)
{
    m_empty->setText(text);
    m_empty->setVisible(!text.isEmpty());
}

QString ChartWidget::tooltipAt(const QPoint&) const
{
    return {};
}

void ChartWidget::mouseMoveEvent(QMouseEvent* event)
{
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton)
        return;
    const QString tip = tooltipAt(event->pos());
    if (tip.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), tip, this);
}

void ChartWidget::mouseDoubleClickEvent(QMouseEvent* event)
{
    QCustomPlot::mouseDoubleClickEvent(event);
    resetZoom();
    replot(rpQueuedReplot);
}

void ChartWidget::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    menu.addAction(tr("Reset zoom"), this, [this] {
        resetZoom();
        replot(rpQueuedReplot);
    });
    menu.addSeparator();
    menu.addAction(tr("Save as PNG…"), this, [this] { saveDialog(false); });
    menu.addAction(tr("Save as PDF…"), this, [this] { saveDialog(true); });
    menu.exec(event->globalPos());
}

void ChartWidget::saveDialog(bool pdf)
{
    QString base = m_titleText.toLower();
    base.replace(u' ', u'-');
    const QString path = QFileDialog::getSaveFileName(
        this, pdf ? tr("Save chart as PDF") : tr("Save chart as PNG"), base + (pdf ? u".pdf"_s : u".png"_s),
        pdf ? tr("PDF (*.pdf)") : tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    const bool ok = pdf ? savePdfTo(path) : savePngTo(path);
    if (!ok)
        QToolTip::showText(mapToGlobal(rect().center()),
                           tr("Could not write %1: check the folder's permissions.").arg(path), this);
}

void ChartWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        applyColors();
        replot(rpQueuedReplot);
    }
    QCustomPlot::changeEvent(event);
}

} // namespace kw::ui
