#pragma once

#include <QObject>
#include <QPointer>
#include <functional>

class QAbstractItemModel;
class QAbstractItemView;
class QLabel;

namespace kw::ui {

// What an empty table or list means and what to do, drawn in its viewport while it has no rows
// (a fresh install's Evaluations table, a Training panel before a run is opened). The text comes
// from a function, so it can say "nothing matches the filter" instead of "nothing yet".
class EmptyViewHint : public QObject
{
    Q_OBJECT
public:
    using TextFn = std::function<QString()>;
    // Owned by `view`; follows its model (also one set later, through refresh()).
    static EmptyViewHint* install(QAbstractItemView* view, TextFn text);

    void refresh();            // re-reads the text and the row count
    QString shownText() const; // empty while hidden

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    EmptyViewHint(QAbstractItemView* view, TextFn text);
    void watch(QAbstractItemModel* model);

    QAbstractItemView* m_view;
    QWidget* m_viewport; // compared, never called through m_view, in eventFilter: it also sees the
                         // events of a view being destroyed, when m_view is no longer one
    QLabel* m_label;
    TextFn m_text;
    QPointer<QAbstractItemModel> m_model;
};

} // namespace kw::ui
