#include "ui/evaluations/CompareDialog.h"

#include "ui/base/Format.h"
#include "ui/base/QtStd.h"
#include "ui/base/StatusStyle.h"
#include "ui/base/Theme.h"
#include "ui/evaluations/EvaluationsBridge.h"
#include "ui/evaluations/LineDiff.h"
#include "ui/services/AppContext.h"
#include "ui/widgets/CodeEditor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
constexpr int kChangedMarker = 1;
constexpr int kPadMarker = 2;

QString stats(const std::optional<double>& mean, const std::optional<RuntimeStats>& s)
{
    QString t = Format::milliseconds(mean);
    if (s && s->n > 0)
        t += u" ± "_s + Format::milliseconds(s->std);
    return t;
}

QString maxDiff(const EvalResult& r)
{
    if (!r.metadata.is_object() || !r.metadata.contains("max_difference"))
        return Format::dash();
    const auto& j = r.metadata["max_difference"];
    return j.is_number() ? QString::number(j.get<double>(), 'g', 4) : qs(j.dump());
}

void setupSide(CodeEditor* e)
{
    e->setReadOnlyViewer(true);
    e->setMarginType(0, QsciScintilla::TextMargin);
    e->markerDefine(QsciScintilla::Background, kChangedMarker);
    e->markerDefine(QsciScintilla::Background, kPadMarker);
}
} // namespace

CompareDialog::CompareDialog(AppContext& ctx, std::int64_t rowA, std::int64_t rowB, QWidget* parent)
    : QDialog(parent), m_summary(new QLabel(this)), m_numbers(new QTableWidget(this)),
      m_which(new QComboBox(this)), m_diffInfo(new QLabel(this)), m_left(new CodeEditor(this)),
      m_right(new CodeEditor(this)), m_bridge(new EvaluationsBridge(ctx, this))
{
    setWindowTitle(tr("Compare evaluations"));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1200, 800);
    m_summary->setWordWrap(true);
    m_numbers->setColumnCount(3);
    m_numbers->setHorizontalHeaderLabels({tr("Metric"), tr("A"), tr("B")});
    m_numbers->verticalHeader()->hide();
    m_numbers->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_numbers->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_numbers->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_numbers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_numbers->setAlternatingRowColors(true);
    m_which->addItem(tr("Kernel code"));
    m_which->addItem(tr("Reference code"));
    setupSide(m_left);
    setupSide(m_right);

    auto* diffBar = new QHBoxLayout;
    diffBar->addWidget(new QLabel(tr("Diff of"), this));
    diffBar->addWidget(m_which);
    diffBar->addWidget(m_diffInfo, 1);
    auto* sides = new QSplitter(Qt::Horizontal, this);
    sides->addWidget(m_left);
    sides->addWidget(m_right);
    auto* diffBox = new QWidget(this);
    auto* dl = new QVBoxLayout(diffBox);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addLayout(diffBar);
    dl->addWidget(sides, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_numbers);
    split->addWidget(diffBox);
    split->setSizes({260, 540});
    auto* l = new QVBoxLayout(this);
    l->addWidget(m_summary);
    l->addWidget(split, 1);

    // Scroll both sides together.
    connect(m_left->verticalScrollBar(), &QScrollBar::valueChanged, m_right->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_right->verticalScrollBar(), &QScrollBar::valueChanged, m_left->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_which, &QComboBox::currentIndexChanged, this, &CompareDialog::showDiff);

    m_summary->setText(tr("Loading both evaluations…"));
    if (!m_bridge->loadPair(rowA, rowB,
                            [this](const EvaluationsBridge::Pair& p) { onLoaded(p.first, p.second); }))
        m_summary->setText(tr("The history store is not open."));
}

CompareDialog::~CompareDialog() = default;

void CompareDialog::onLoaded(const std::optional<EvalResult>& a, const std::optional<EvalResult>& b)
{
    m_a = a;
    m_b = b;
    if (!ready()) {
        m_summary->setText(tr("One of the evaluations could not be read from the history store."));
        return;
    }
    m_summary->setText(tr("<b>A</b>: %1 · %2 &nbsp;&nbsp; <b>B</b>: %3 · %4")
                           .arg(qs(m_a->request.problem).toHtmlEscaped(), Format::dateTime(m_a->createdAt),
                                qs(m_b->request.problem).toHtmlEscaped(), Format::dateTime(m_b->createdAt)));
    fillNumbers();
    showDiff();
}

void CompareDialog::fillNumbers()
{
    const EvalResult& a = *m_a;
    const EvalResult& b = *m_b;
    auto flags = [](const EvalResult& r) {
        QStringList f;
        for (const auto& x : r.flags)
            f << qs(x);
        return f.isEmpty() ? QObject::tr("none") : f.join(u", "_s);
    };
    struct Row
    {
        QString name, a, b;
        int better = 0; // -1: A, 1: B
    };
    // Only a significant difference is marked: non-overlapping 95 % intervals, trustworthy timing.
    const int faster = significantlyFaster(a, b);
    auto speedupText = [](const EvalResult& r) {
        QString t = Format::speedup(r.speedup);
        if (r.speedup && r.speedupCi)
            t += u" (%1\u2013%2)"_s.arg(QString::number(r.speedupCi->low, 'f', 2),
                                        QString::number(r.speedupCi->high, 'f', 2));
        return t;
    };
    auto timingVerdict = [](const EvalResult& r) {
        return r.timingQuality && !r.timingQuality->verdict.empty() ? qs(r.timingQuality->verdict)
                                                                    : QObject::tr("not judged");
    };
    const std::vector<Row> rows = {
        {tr("Status"), StatusStyle::label(a.status), StatusStyle::label(b.status), 0},
        {tr("Speedup"), speedupText(a), speedupText(b), faster},
        {tr("Timing"), timingVerdict(a), timingVerdict(b), 0},
        {tr("Kernel runtime"), stats(a.runtimeMs, a.runtimeStats), stats(b.runtimeMs, b.runtimeStats),
         faster},
        {tr("Baseline runtime"), stats(a.baselineRuntimeMs, a.baselineStats),
         stats(b.baselineRuntimeMs, b.baselineStats), 0},
        {tr("Tests passed"), tr("%1 / %2").arg(a.testsPassed).arg(a.testsTotal),
         tr("%1 / %2").arg(b.testsPassed).arg(b.testsTotal), 0},
        {tr("Max difference"), maxDiff(a), maxDiff(b), 0},
        {tr("Flags"), flags(a), flags(b), 0},
        {tr("Backend · precision"), qs(a.request.backend + " · " + a.request.precision),
         qs(b.request.backend + " · " + b.request.precision), 0},
        {tr("Device"), qs(a.device.name + "  " + a.device.target), qs(b.device.name + "  " + b.device.target),
         0},
        {tr("Duration"), Format::seconds(a.timings.total), Format::seconds(b.timings.total), 0},
        {tr("Cost"), Format::cost(a.costUsd), Format::cost(b.costUsd), 0},
        {tr("Error"), qs(a.errorMessage), qs(b.errorMessage), 0},
    };
    m_numbers->setRowCount(static_cast<int>(rows.size()));
    const QColor good = StatusStyle::color(EvalStatus::Correct);
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const Row& r = rows[static_cast<std::size_t>(i)];
        m_numbers->setItem(i, 0, new QTableWidgetItem(r.name));
        auto* ia = new QTableWidgetItem(r.a);
        auto* ib = new QTableWidgetItem(r.b);
        if (r.better != 0) {
            QTableWidgetItem* w = r.better < 0 ? ia : ib;
            w->setForeground(good);
            QFont f = w->font();
            f.setBold(true);
            w->setFont(f);
        }
        if (r.a != r.b) {
            const bool timed = r.name == tr("Speedup") || r.name == tr("Kernel runtime");
            const QString tip = timed && r.better == 0
                                    ? tr("differs, but not significantly: the 95 % intervals overlap, one is "
                                         "missing, or the timing was noisy")
                                    : tr("differs");
            ia->setToolTip(tip);
            ib->setToolTip(tip);
        }
        m_numbers->setItem(i, 1, ia);
        m_numbers->setItem(i, 2, ib);
    }
}

void CompareDialog::showDiff()
{
    if (!ready())
        return;
    const bool kernel = m_which->currentIndex() == 0;
    const QString ta = qs(kernel ? m_a->request.kernelCode : m_a->request.refCode);
    const QString tb = qs(kernel ? m_b->request.kernelCode : m_b->request.refCode);
    const QStringList la = ta.split(u'\n'), lb = tb.split(u'\n');
    const auto lines = LineDiff::diff(la, lb);
    const auto rows = LineDiff::sideBySide(lines);
    m_changed = LineDiff::changedLines(lines);
    m_diffInfo->setText(m_changed == 0 ? tr("identical") : tr("%1 changed lines").arg(m_changed));

    QStringList left, right;
    for (const auto& r : rows) {
        left << (r.left >= 0 ? la[r.left] : QString());
        right << (r.right >= 0 ? lb[r.right] : QString());
    }
    m_left->setText(left.join(u'\n'));
    m_right->setText(right.join(u'\n'));
    const bool dark = Theme::isDark();
    m_left->setMarkerBackgroundColor(dark ? QColor(0x5a, 0x24, 0x28) : QColor(0xff, 0xe1, 0xe1),
                                     kChangedMarker);
    m_right->setMarkerBackgroundColor(dark ? QColor(0x1f, 0x4a, 0x2c) : QColor(0xdc, 0xf5, 0xe3),
                                      kChangedMarker);
    for (CodeEditor* e : {m_left, m_right}) {
        e->setMarkerBackgroundColor(dark ? QColor(0x2a, 0x2c, 0x31) : QColor(0xf0, 0xf0, 0xf2), kPadMarker);
        e->markerDeleteAll();
        e->clearMarginText();
        e->setMarginWidth(0, u"99999"_s);
    }
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const auto& r = rows[static_cast<std::size_t>(i)];
        if (r.left >= 0)
            m_left->setMarginText(i, QString::number(r.left + 1), 0);
        if (r.right >= 0)
            m_right->setMarginText(i, QString::number(r.right + 1), 0);
        if (r.changed) {
            m_left->markerAdd(i, r.left >= 0 ? kChangedMarker : kPadMarker);
            m_right->markerAdd(i, r.right >= 0 ? kChangedMarker : kPadMarker);
        }
    }
}

} // namespace kw::ui
