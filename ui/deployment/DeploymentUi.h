#pragma once

class QAbstractItemModel;
class QLabel;
class QTableView;
class QWidget;

// Small pieces the Deployment panel's parts share.
namespace kw::ui::deployment {

// A read-only, single-row-selection table without a row header.
QTableView* makeTable(QAbstractItemModel* model, QWidget* parent);

// A status line that wraps inside whatever width its row leaves it, instead of widening the panel.
void makeWrapping(QLabel* l);

} // namespace kw::ui::deployment
