#include "ui/evaluations/FilterBar.h"

#include "ui/base/StatusStyle.h"
#include "ui/models/HistoryFilterModel.h"

#include <QComboBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QWidgetAction>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
constexpr std::uint32_t bit(EvalStatus s)
{
    return 1u << static_cast<int>(s);
}
constexpr std::uint32_t kFailures = bit(EvalStatus::CompileError) | bit(EvalStatus::RuntimeError) |
                                    bit(EvalStatus::Timeout) | bit(EvalStatus::Crashed) |
                                    bit(EvalStatus::InfraError);
constexpr double kOpen = std::numeric_limits<double>::quiet_NaN(); // an open end of the % SOL range
} // namespace

FilterBar::FilterBar(HistoryFilterModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_text(new QLineEdit(this)), m_status(new QToolButton(this)),
      m_problem(new QComboBox(this)), m_source(new QComboBox(this)), m_sol(new QToolButton(this)),
      m_solMin(new QSpinBox), m_solMax(new QSpinBox), m_range(new QComboBox(this)),
      m_from(new QDateTimeEdit(this)), m_to(new QDateTimeEdit(this)), m_clear(new QToolButton(this)),
      m_count(new QLabel(this))
{
    m_text->setPlaceholderText(tr("Search problem, run, GPU, backend, status…"));
    m_text->setClearButtonEnabled(true);
    // Narrow enough that the bar fits a 1024 px window beside the sidebar; wider windows give
    // the extra room to the search and problem fields (stretch 3 and 2).
    m_text->setMinimumWidth(110);

    m_status->setPopupMode(QToolButton::InstantPopup);
    m_status->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* menu = new QMenu(m_status);
    auto setMask = [this](std::uint32_t mask) {
        m_statusMask = mask;
        updateStatusButton();
        apply();
    };
    menu->addAction(tr("All statuses"), this, [setMask] { setMask(HistoryFilterSpec::kAllStatuses); });
    menu->addAction(tr("Only correct"), this, [setMask] { setMask(bit(EvalStatus::Correct)); });
    menu->addAction(tr("Only failures (errors, timeouts, crashes)"), this, [setMask] { setMask(kFailures); });
    menu->addAction(tr("Only rejected (cheating caught)"), this,
                    [setMask] { setMask(bit(EvalStatus::Rejected)); });
    menu->addSeparator();
    for (int i = 0; i < StatusStyle::kCount; ++i) {
        const EvalStatus s = StatusStyle::at(i);
        QAction* a = menu->addAction(StatusStyle::dot(s), StatusStyle::label(s));
        a->setCheckable(true);
        a->setData(i);
        connect(a, &QAction::toggled, this, [this, s, setMask](bool on) {
            if (m_syncing)
                return;
            setMask(on ? (m_statusMask | bit(s)) : (m_statusMask & ~bit(s)));
        });
    }
    m_status->setMenu(menu);

    // % of speed of light: presets and a from–to range (percent; "any" leaves a side open).
    m_sol->setPopupMode(QToolButton::InstantPopup);
    m_sol->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_sol->setToolTip(tr("Only evaluations whose runtime is within this share of the speed of light "
                         "(rows without an estimate are left out while a range is set)"));
    auto* solMenu = new QMenu(m_sol);
    solMenu->addAction(tr("Any % of SOL"), this, [this] { setSolRange(kOpen, kOpen); });
    solMenu->addAction(tr("Below 10 % (far from the roof)"), this, [this] { setSolRange(kOpen, 10); });
    solMenu->addAction(tr("10–50 %"), this, [this] { setSolRange(10, 50); });
    solMenu->addAction(tr("Above 50 % (near the roof)"), this, [this] { setSolRange(50, kOpen); });
    solMenu->addSeparator();
    auto* rangeBox = new QWidget;
    auto* rl = new QHBoxLayout(rangeBox);
    rl->setContentsMargins(8, 4, 8, 4);
    for (QSpinBox* b : {m_solMin, m_solMax}) {
        b->setRange(-1, 1000);
        b->setSpecialValueText(tr("any"));
        b->setSuffix(tr(" %"));
        b->setValue(-1);
    }
    rl->addWidget(new QLabel(tr("from"), rangeBox));
    rl->addWidget(m_solMin);
    rl->addWidget(new QLabel(tr("to"), rangeBox));
    rl->addWidget(m_solMax);
    auto* rangeAction = new QWidgetAction(solMenu);
    rangeAction->setDefaultWidget(rangeBox);
    solMenu->addAction(rangeAction);
    m_sol->setMenu(solMenu);
    for (QSpinBox* b : {m_solMin, m_solMax})
        connect(b, &QSpinBox::valueChanged, this, [this] {
            if (m_syncing)
                return;
            const auto side = [](int v) { return v < 0 ? kOpen : double(v); };
            setSolRange(side(m_solMin->value()), side(m_solMax->value()));
        });

    m_problem->setEditable(true);
    m_problem->setInsertPolicy(QComboBox::NoInsert);
    m_problem->setMinimumWidth(110);
    m_problem->lineEdit()->setPlaceholderText(tr("All problems"));
    m_problem->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_problem->completer()->setFilterMode(Qt::MatchContains);
    m_problem->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_source->setMinimumWidth(90);
    for (QComboBox* c : {m_problem, m_source, m_range}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(6);
    }
    for (int r = 0; r <= static_cast<int>(HistoryFilterSpec::TimeRange::Custom); ++r)
        m_range->addItem(HistoryFilterSpec::rangeLabel(static_cast<HistoryFilterSpec::TimeRange>(r)), r);
    for (QDateTimeEdit* e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
        e->setDateTime(QDateTime::currentDateTime());
        e->hide();
    }
    m_from->setDateTime(QDateTime::currentDateTime().addDays(-1));
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Show every evaluation"));
    m_count->setForegroundRole(QPalette::PlaceholderText);

    auto* l = new QHBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(6);
    l->addWidget(m_text, 3);
    l->addWidget(m_status);
    l->addWidget(m_problem, 2);
    l->addWidget(m_source, 1);
    l->addWidget(m_sol);
    l->addWidget(m_range);
    l->addWidget(m_from);
    l->addWidget(m_to);
    l->addWidget(m_clear);
    l->addSpacing(8);
    l->addWidget(m_count);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::apply);
    connect(m_text, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_problem, &QComboBox::currentTextChanged, this, [this] { m_debounce.start(); });
    connect(m_source, &QComboBox::currentIndexChanged, this, &FilterBar::apply);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom =
            m_range->currentData().toInt() == static_cast<int>(HistoryFilterSpec::TimeRange::Custom);
        m_from->setVisible(custom);
        m_to->setVisible(custom);
        apply();
    });
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, [this] { m_debounce.start(); });
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, [this] { m_debounce.start(); });
    connect(m_clear, &QToolButton::clicked, this, &FilterBar::clear);
    connect(m_model, &HistoryFilterModel::filterChanged, this, &FilterBar::sync);
    // Counts and choice lists follow streaming rows, at most a few times a second.
    m_countTimer.setSingleShot(true);
    m_countTimer.setInterval(250);
    connect(&m_countTimer, &QTimer::timeout, this, [this] {
        updateCount();
        refreshChoices();
    });
    connect(m_model, &HistoryFilterModel::contentsChanged, this, [this] {
        if (!m_countTimer.isActive())
            m_countTimer.start();
    });
    refreshChoices();
    sync();
}

HistoryFilterSpec FilterBar::currentSpec() const
{
    HistoryFilterSpec s;
    s.text = m_text->text().trimmed();
    s.statusMask = m_statusMask;
    s.problem = m_problem->currentText().trimmed();
    if (s.problem == tr("All problems"))
        s.problem.clear();
    s.source = m_source->currentIndex() > 0 ? m_source->currentText() : QString();
    s.range = static_cast<HistoryFilterSpec::TimeRange>(m_range->currentData().toInt());
    if (s.range == HistoryFilterSpec::TimeRange::Custom) {
        s.customFrom = static_cast<double>(m_from->dateTime().toSecsSinceEpoch());
        s.customTo = static_cast<double>(m_to->dateTime().toSecsSinceEpoch());
    }
    s.run = m_model->filter().run; // set by other views (Training); kept as is
    s.solMin = m_solLo;
    s.solMax = m_solHi;
    return s;
}

void FilterBar::apply()
{
    if (m_syncing)
        return;
    m_debounce.stop();
    m_model->setFilter(currentSpec());
    updateCount();
}

void FilterBar::sync()
{
    m_syncing = true;
    const HistoryFilterSpec& s = m_model->filter();
    const QSignalBlocker b1(m_text), b2(m_problem), b3(m_source), b4(m_range), b5(m_from), b6(m_to);
    if (m_text->text().trimmed() != s.text)
        m_text->setText(s.text);
    m_statusMask = s.statusMask;
    m_problem->setCurrentText(s.problem);
    const int src = s.source.isEmpty() ? 0 : m_source->findText(s.source);
    if (src < 0)
        m_source->addItem(s.source);
    m_source->setCurrentIndex(src < 0 ? m_source->count() - 1 : src);
    m_range->setCurrentIndex(static_cast<int>(s.range));
    const bool custom = s.range == HistoryFilterSpec::TimeRange::Custom;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
    if (custom) {
        if (s.customFrom > 0)
            m_from->setDateTime(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(s.customFrom)));
        if (s.customTo > 0)
            m_to->setDateTime(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(s.customTo)));
    }
    updateStatusButton();
    m_solLo = s.solMin;
    m_solHi = s.solMax;
    updateSolButton();
    m_syncing = false;
    updateCount();
}

void FilterBar::setSolRange(double lo, double hi)
{
    m_solLo = lo;
    m_solHi = hi;
    updateSolButton();
    apply();
}

void FilterBar::updateSolButton()
{
    HistoryFilterSpec s;
    s.solMin = m_solLo;
    s.solMax = m_solHi;
    m_sol->setText(s.hasSolRange() ? s.solLabel() : tr("% SOL"));
    const bool wasSyncing = m_syncing;
    m_syncing = true;
    m_solMin->setValue(std::isnan(m_solLo) ? -1 : static_cast<int>(m_solLo));
    m_solMax->setValue(std::isnan(m_solHi) ? -1 : static_cast<int>(m_solHi));
    m_syncing = wasSyncing;
}

void FilterBar::updateStatusButton()
{
    int on = 0;
    EvalStatus only = EvalStatus::Unknown;
    const bool wasSyncing = m_syncing;
    m_syncing = true;
    for (QAction* a : m_status->menu()->actions()) {
        if (!a->isCheckable())
            continue;
        const int i = a->data().toInt();
        const bool checked = (m_statusMask >> i) & 1u;
        a->setChecked(checked);
        if (checked) {
            ++on;
            only = StatusStyle::at(i);
        }
    }
    m_syncing = wasSyncing;
    if (m_statusMask == HistoryFilterSpec::kAllStatuses)
        m_status->setText(tr("Status: all"));
    else if (m_statusMask == kFailures)
        m_status->setText(tr("Status: failures"));
    else if (on == 1)
        m_status->setText(tr("Status: %1").arg(StatusStyle::label(only)));
    else
        m_status->setText(tr("Status: %1 of %2").arg(on).arg(StatusStyle::kCount));
}

void FilterBar::refreshChoices()
{
    const HistoryModel* h = m_model->historyModel();
    if (!h)
        return;
    const StringPool& problems = h->pool(HistoryModel::FProblem);
    if (problems.size() != m_problemPoolSize) {
        m_problemPoolSize = problems.size();
        QStringList names(problems.strings().begin() + 1, problems.strings().end());
        std::sort(names.begin(), names.end(),
                  [](const QString& a, const QString& b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
        const QString current = m_problem->currentText();
        const QSignalBlocker block(m_problem);
        m_problem->clear();
        m_problem->addItem(QString());
        m_problem->addItems(names);
        m_problem->setCurrentText(current);
    }
    const StringPool& sources = h->pool(HistoryModel::FSource);
    if (sources.size() != m_sourcePoolSize || m_source->count() == 0) {
        m_sourcePoolSize = sources.size();
        QStringList names = {u"submit"_s, u"batch"_s, u"cli"_s, u"run"_s, u"modal"_s};
        for (std::uint32_t i = 1; i < sources.size(); ++i)
            if (!names.contains(sources.at(i)))
                names << sources.at(i);
        const QString current = m_source->currentIndex() > 0 ? m_source->currentText() : QString();
        const QSignalBlocker block(m_source);
        m_source->clear();
        m_source->addItem(tr("All sources"));
        m_source->addItems(names);
        m_source->setCurrentIndex(current.isEmpty() ? 0 : std::max(0, m_source->findText(current)));
    }
}

void FilterBar::updateCount()
{
    const HistoryModel* h = m_model->historyModel();
    const int total = h ? h->rowCount() : 0;
    const int shown = m_model->rowCount();
    const QLocale loc;
    m_count->setText(shown == total ? tr("%1 evaluations").arg(loc.toString(total))
                                    : tr("%1 of %2").arg(loc.toString(shown), loc.toString(total)));
    m_clear->setEnabled(!m_model->filter().isEmpty());
}

void FilterBar::focusSearch()
{
    m_text->setFocus();
    m_text->selectAll();
}

void FilterBar::clear()
{
    HistoryFilterSpec s;
    s.run = m_model->filter().run;
    m_model->setFilter(s);
}

} // namespace kw::ui
