#pragma once

#include "core/modal/ModalConfig.h"

#include <QString>

#include <string>

class QAbstractItemModel;
class QLabel;
class QTableView;
class QWidget;

// Small pieces the Deployment panel's parts share.
namespace kw::ui::deployment {

// The evaluator app that Deploy, Serve and Follow work on (resources/evaluator/modal_app.py).
inline const std::string kAppName = std::string(kEvaluatorAppName);

inline QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// A read-only, single-row-selection table without a row header.
QTableView* makeTable(QAbstractItemModel* model, QWidget* parent);

// A status line that wraps inside whatever width its row leaves it, instead of widening the panel.
void makeWrapping(QLabel* l);

} // namespace kw::ui::deployment
