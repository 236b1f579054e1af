#include "ui/deployment/DeploymentUi.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>

namespace kw::ui::deployment {

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent)
{
    auto* v = new QTableView(parent);
    v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->verticalHeader()->hide();
    v->horizontalHeader()->setStretchLastSection(true);
    v->setAlternatingRowColors(true);
    v->setWordWrap(false);
    // Ids and names share long prefixes ("ta-01K…", "ap-Q2V…"): keep both ends visible; the
    // tooltip has the whole text.
    v->setTextElideMode(Qt::ElideMiddle);
    return v;
}

void makeWrapping(QLabel* l)
{
    l->setWordWrap(true);
    l->setMinimumWidth(0);
    QSizePolicy p = l->sizePolicy(); // keeps the height-for-width flag that word wrap set
    p.setHorizontalPolicy(QSizePolicy::Ignored);
    l->setSizePolicy(p);
}

} // namespace kw::ui::deployment
