#include "ui/widgets/ResultCard.h"

#include "ui/base/Format.h"
#include "ui/base/QtStd.h"
#include "ui/base/StatusStyle.h"

#include <QEvent>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
QString spread(const std::optional<RuntimeStats>& s, std::optional<double> mean)
{
    QString text = Format::milliseconds(mean ? mean : (s ? std::optional<double>(s->mean) : std::nullopt));
    if (s && s->n > 0) {
        text += u"  ± "_s + Format::milliseconds(s->std);
        text += QObject::tr("   (min %1 · median %2 · max %3 · n %4)")
                    .arg(Format::milliseconds(s->min), Format::milliseconds(s->median),
                         Format::milliseconds(s->max))
                    .arg(s->n);
    }
    return text;
}

QString jsonNumberText(const nlohmann::json& j)
{
    if (j.is_number()) {
        const double v = j.get<double>();
        return std::isfinite(v) ? QString::number(v, 'g', 4) : u"NaN"_s;
    }
    if (j.is_string())
        return qs(j.get<std::string>());
    return {};
}
// GPU evaluations report the host time of the call beside the (GPU-only) runtimes.
QString hostCallText(const EvalResult& r)
{
    if (!r.metadata.is_object() || r.metadata.value("timing_method", "") != "cuda_event_covered")
        return {};
    const auto it = r.metadata.find("host_call_median_ms");
    if (it == r.metadata.end() || !it->is_object())
        return {};
    const auto ms = [&](const char* key) {
        const auto v = it->find(key);
        return v != it->end() && v->is_number() ? std::optional<double>(v->get<double>()) : std::nullopt;
    };
    const auto cand = ms("cand"), ref = ms("ref");
    if (!cand && !ref)
        return {};
    return QObject::tr("kernel %1 · reference %2   (launch cost, not in the runtimes)")
        .arg(Format::milliseconds(cand), Format::milliseconds(ref));
}
QString intervalText(const SpeedupInterval& ci)
{
    return u"(%1\u2013%2)"_s.arg(QString::number(ci.low, 'f', 2), QString::number(ci.high, 'f', 2));
}

QString intervalText(const std::optional<SpeedupInterval>& ci)
{
    return ci ? u" "_s + intervalText(*ci) : QString();
}

QString describeCompile(const EvalResult& r)
{
    const BaselineTiming* c = r.baseline("compile");
    if (!c)
        return {};
    if (!c->error.empty())
        return QObject::tr("compile baseline failed: %1").arg(qs(c->error));
    const QString mode = qs(c->mode.empty() ? std::string("default") : c->mode);
    QString runtime = Format::milliseconds(
        c->runtimeMs ? c->runtimeMs : (c->stats ? std::optional<double>(c->stats->median) : std::nullopt));
    if (c->stats && c->stats->n > 0)
        runtime += u" ± "_s + Format::milliseconds(c->stats->std);
    QString text = QObject::tr("%1%2 against the compiled reference (%3), which ran in %4")
                       .arg(Format::speedup(c->speedup), intervalText(c->speedupCi), mode, runtime);
    if (c->compileS)
        text += c->cacheHit
                    ? QObject::tr(" · loaded from the compile cache in %1").arg(Format::seconds(*c->compileS))
                    : QObject::tr(" · compiled in %1, not timed").arg(Format::seconds(*c->compileS));
    return text;
}

QString describeSol(const EvalResult& r)
{
    if (r.sol && r.sol->available()) {
        const SpeedOfLight& s = *r.sol;
        QString text =
            QObject::tr("%1 of speed of light, %2-bound").arg(Format::percent(s.percent), qs(s.bound));
        text += QObject::tr("\nleast time %1: %2 at %3 · %4 at %5 %6")
                    .arg(Format::milliseconds(s.timeMs), Format::si(s.bytes, u"B"_s),
                         Format::si(s.peakBytesPerS, u"B/s"_s), Format::si(s.flops, u"FLOP"_s),
                         Format::si(s.peakFlopsPerS, u"FLOP/s"_s), qs(s.precision));
        if (!s.peaks.empty())
            text += QObject::tr("\npeaks: %1").arg(qs(s.peaks));
        else if (!s.device.empty())
            text += QObject::tr("\npeaks of %1").arg(qs(s.device));
        if (s.flopsEstimated)
            text += QObject::tr("\nFLOPs estimated: one per element (the counter found none)");
        return text;
    }
    if (r.sol && !r.sol->unavailable.empty())
        return QObject::tr("not available: %1").arg(qs(r.sol->unavailable));
    if (r.device.arch == "cpu" || r.device.target == "cpu")
        return QObject::tr("not available: speed of light needs a GPU with known peaks");
    return {};
}

QString describeFasterThanLight(const EvalResult& r)
{
    if (!r.hasFlag(kFasterThanLightFlag))
        return {};
    if (r.sol && r.sol->floorMs > 0 && r.runtimeMs)
        return QObject::tr("rejected as faster than light: the measured %1 is below the physical floor of "
                           "%2 for this problem on this device, so the timing cannot be right and no speedup "
                           "is counted")
            .arg(Format::milliseconds(r.runtimeMs), Format::milliseconds(r.sol->floorMs));
    return QObject::tr("rejected as faster than light: the measured time is below what the device can do, so "
                       "the timing cannot be right and no speedup is counted");
}

// A refusal's message, split into what happened and what to do (shown under the headline) and
// its details (the size refusal's "Details: estimated peak …", shown in the message box).
struct NotRunMessage
{
    QString what, details;
};

NotRunMessage notRunMessage(const EvalResult& r)
{
    QString m = qs(r.errorMessage).trimmed();
    if (m.startsWith(u"setup: "_s))
        m = m.mid(7);
    NotRunMessage out;
    const qsizetype d = m.indexOf(u"Details:"_s);
    out.what = (d < 0 ? m : m.left(d)).trimmed();
    out.details = d < 0 ? QString() : m.mid(d).trimmed();
    out.what = out.what.isEmpty() ? QObject::tr("not run: nothing was measured") : Format::sentence(out.what);
    return out;
}

QString qualityText(const EvalResult& r)
{
    QStringList parts;
    if (r.timingQuality) {
        const auto& q = *r.timingQuality;
        if (q.verdict == "noisy")
            parts << QObject::tr("Noisy: the speedup is not reliable.");
        else if (q.verdict == "unreliable")
            parts << QObject::tr("Unreliable: the speedup cannot be trusted.");
        else if (q.verdict == "reliable")
            parts << QObject::tr("Reliable.");
        for (const auto& reason : q.reasons)
            parts << Format::sentence(qs(reason)); // the evaluator's reasons are clauses
        if (!q.busyProcesses.empty()) {
            QStringList busy;
            for (const auto& b : q.busyProcesses)
                busy << qs(b);
            parts << QObject::tr("Busy at the time: %1.").arg(busy.join(u"; "_s));
        }
    }
    // The trials that ran (adaptive: may differ from the number asked for).
    const int kernelTrials =
        r.runtimeStats ? r.runtimeStats->n : (r.timingQuality ? r.timingQuality->trials : 0);
    const int baseTrials =
        r.baselineStats ? r.baselineStats->n : (r.timingQuality ? r.timingQuality->baselineTrials : 0);
    if (kernelTrials > 0)
        parts << QObject::tr("%1 kernel and %2 baseline trials ran.").arg(kernelTrials).arg(baseTrials);
    return parts.join(u' ');
}
} // namespace

ResultCard::ResultCard(QWidget* parent)
    : QFrame(parent), m_badge(new QLabel(this)), m_speedup(new QLabel(this)), m_interval(new QLabel(this)),
      m_speedupNote(new QLabel(this)), m_placeholder(new QLabel(this)), m_body(new QWidget(this)),
      m_form(new QGridLayout(m_body)), m_runtime(new QLabel(m_body)), m_baseline(new QLabel(m_body)),
      m_compile(new QLabel(m_body)), m_sol(new QLabel(m_body)), m_tests(new QLabel(m_body)),
      m_maxDiff(new QLabel(m_body)), m_flags(new QLabel(m_body)), m_device(new QLabel(m_body)),
      m_timings(new QLabel(m_body)), m_hostCall(new QLabel(m_body)), m_cost(new QLabel(m_body)),
      m_problem(new QLabel(m_body)), m_quality(new QLabel(m_body)), m_error(new QLabel),
      m_errorArea(new QScrollArea(this)), m_logTitle(new QLabel(tr("Kernel output (last lines)"), this)),
      m_log(new QPlainTextEdit(this))
{
    setFrameShape(QFrame::StyledPanel);
    setObjectName(u"resultCard"_s);
    setStyleSheet(u"QFrame#resultCard { background: palette(base); border: 1px solid palette(midlight);"
                  " border-radius: 8px; }"_s);

    m_badge->setAlignment(Qt::AlignCenter);
    QFont big = m_speedup->font();
    big.setPointSizeF(big.pointSizeF() * 2.0);
    big.setBold(true);
    m_speedup->setFont(big);
    QFont mid = m_interval->font();
    mid.setPointSizeF(mid.pointSizeF() * 1.25);
    m_interval->setFont(mid);
    m_interval->setObjectName(u"speedupInterval"_s);
    m_interval->setToolTip(tr("95 % confidence interval of the speedup"));
    m_speedupNote->setForegroundRole(QPalette::PlaceholderText);
    m_speedupNote->setWordWrap(true);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setMinimumHeight(80);

    // Badge, then the speedup with its interval, then the note: stacked, so that a long badge
    // ("CORRECT · NOISY TIMING") and the interval fit a narrow column.
    auto* head = new QVBoxLayout;
    head->setSpacing(2);
    auto* badgeRow = new QHBoxLayout;
    badgeRow->addWidget(m_badge);
    badgeRow->addStretch(1);
    head->addLayout(badgeRow);
    head->addSpacing(4);
    auto* sp = new QHBoxLayout;
    sp->setSpacing(8);
    sp->addWidget(m_speedup, 0, Qt::AlignBaseline);
    sp->addWidget(m_interval, 0, Qt::AlignBaseline);
    sp->addStretch(1);
    head->addLayout(sp);
    head->addWidget(m_speedupNote);

    // A grid, not a QFormLayout: Qt 6.4's QFormLayout::heightForWidth writes out of bounds when
    // rows are hidden with setRowVisible (heap corruption seen with a cancelled result).
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setVerticalSpacing(4);
    m_form->setHorizontalSpacing(8);
    m_form->setColumnStretch(1, 1);
    for (QLabel* v : {m_problem, m_quality, m_runtime, m_baseline, m_compile, m_sol, m_tests, m_maxDiff,
                      m_flags, m_device, m_timings, m_hostCall, m_cost}) {
        v->setWordWrap(true);
        v->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    addRow(tr("Problem"), m_problem);
    m_quality->setObjectName(u"timingQuality"_s);
    m_quality->setToolTip(tr("The evaluator's judgement of its own timing: spread of the trials, "
                             "load on the host, other busy processes."));
    addRow(tr("Timing"), m_quality);
    addRow(tr("Kernel runtime"), m_runtime);
    addRow(tr("Baseline runtime"), m_baseline);
    m_compile->setObjectName(u"compileBaseline"_s);
    m_compile->setToolTip(tr("The reference under torch.compile (inductor), timed the same way; its compile "
                             "time is reported, not timed, and the compiled reference is cached per problem "
                             "and device."));
    addRow(tr("torch.compile"), m_compile);
    m_sol->setObjectName(u"speedOfLight"_s);
    m_sol->setToolTip(tr("The least time the problem's work can take on this device: bytes that must move "
                         "over the memory bandwidth, FLOPs over the peak for the precision, whichever is "
                         "longer. % of speed of light = that time / the kernel's runtime."));
    addRow(tr("Speed of light"), m_sol);
    addRow(tr("Tests passed"), m_tests);
    addRow(tr("Max difference"), m_maxDiff);
    addRow(tr("Flags"), m_flags);
    addRow(tr("Device"), m_device);
    addRow(tr("Time spent"), m_timings);
    m_hostCall->setObjectName(u"hostCall"_s);
    m_hostCall->setToolTip(
        tr("Host (CPU) time until the call returned, median. On a GPU the runtimes count the "
           "GPU's work only: launch cost depends on the CPU the evaluation ran on."));
    addRow(tr("Host per call"), m_hostCall);
    addRow(tr("Cost"), m_cost);

    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setObjectName(u"errorBox"_s);
    m_error->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // A long traceback scrolls inside the card instead of pushing the buttons off the window.
    m_errorArea->setWidget(m_error);
    m_errorArea->setWidgetResizable(true);
    m_errorArea->setFrameShape(QFrame::NoFrame);
    m_errorArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_errorArea->setMaximumHeight(160);
    m_errorArea->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_log->setFont(mono);
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setMinimumHeight(90);
    m_logTitle->setForegroundRole(QPalette::PlaceholderText);

    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(14, 12, 14, 12);
    l->setSpacing(8);
    l->addLayout(head);
    l->addWidget(m_placeholder);
    l->addWidget(m_body);
    l->addWidget(m_errorArea);
    l->addWidget(m_logTitle);
    l->addWidget(m_log, 100);
    l->addStretch(1); // keeps the rows together when there is no log
    showPlaceholder(tr("No result yet."));
}

void ResultCard::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        styleBadge();
    QFrame::changeEvent(event);
}

void ResultCard::styleBadge()
{
    if (!m_hasResult) {
        m_badge->setStyleSheet(
            u"QLabel { border: 1px solid palette(mid); border-radius: 6px; padding: 5px 12px;"
            " color: palette(mid); font-weight: 700; }"_s);
        return;
    }
    // Correct, but the timing was noisy: no green, nothing that reads as a win.
    // Cancelled by the user: neutral grey, not the red of an infrastructure failure.
    const QColor c = m_cancelled   ? palette().color(QPalette::Dark)
                     : m_untrusted ? QColor(0xb0, 0x6d, 0x12)
                                   : StatusStyle::color(m_status);
    m_badge->setStyleSheet(u"QLabel { background: %1; color: white; border-radius: 6px; padding: 5px 12px;"
                           " font-weight: 700; letter-spacing: 1px; }"_s.arg(c.name()));
    const QColor err =
        m_cancelled ? palette().color(QPalette::Mid) : StatusStyle::color(EvalStatus::CompileError);
    QColor tint = err;
    tint.setAlpha(28);
    m_error->setStyleSheet(
        u"QLabel#errorBox { background: rgba(%1,%2,%3,%4); border: 1px solid %5; border-radius: 6px;"
        " padding: 6px 8px; }"_s.arg(tint.red())
            .arg(tint.green())
            .arg(tint.blue())
            .arg(tint.alpha())
            .arg(err.name()));
}

QString ResultCard::badgeText() const
{
    return m_badge->text();
}

QString ResultCard::speedupText() const
{
    return m_interval->text().isEmpty() ? m_speedup->text() : m_speedup->text() + u' ' + m_interval->text();
}

QString ResultCard::speedupNote() const
{
    return m_speedupNote->text();
}

QString ResultCard::compileText() const
{
    return m_compile->isHidden() ? QString() : m_compile->text();
}

QString ResultCard::solText() const
{
    return m_sol->isHidden() ? QString() : m_sol->text();
}

QString ResultCard::timingText() const
{
    return m_quality->isHidden() ? QString() : m_quality->text();
}

void ResultCard::showPlaceholder(const QString& text)
{
    m_hasResult = false;
    m_badge->setText(tr("NO RESULT"));
    m_speedup->setText(Format::dash());
    m_interval->clear();
    m_speedupNote->setText({});
    m_placeholder->setText(text);
    m_placeholder->show();
    m_body->hide();
    m_win = false;
    m_speedup->setStyleSheet({});
    m_interval->setStyleSheet({});
    m_errorArea->hide();
    m_logTitle->hide();
    m_log->hide();
    styleBadge();
}

void ResultCard::showLoading(const QString& text)
{
    showPlaceholder(text);
}

void ResultCard::addRow(const QString& name, QLabel* value)
{
    auto* label = new QLabel(name, m_body);
    label->setAlignment(Qt::AlignRight | Qt::AlignTop);
    const int row = m_form->rowCount();
    m_form->addWidget(label, row, 0);
    m_form->addWidget(value, row, 1);
    m_names.insert(value, label);
}

bool ResultCard::isRowShown(const QString& name) const
{
    for (auto it = m_names.cbegin(); it != m_names.cend(); ++it)
        if (it.value()->text() == name)
            return !it.key()->isHidden();
    return false;
}

void ResultCard::setRow(QLabel* value, const QString& text)
{
    value->setText(text);
    value->setVisible(!text.isEmpty());
    if (QLabel* name = m_names.value(value))
        name->setVisible(!text.isEmpty());
}

void ResultCard::showResult(const EvalResult& r)
{
    m_hasResult = true;
    m_status = r.status;
    m_untrusted = r.status == EvalStatus::Correct && r.timingQuality && r.timingQuality->untrustworthy();
    m_badge->setText(
        m_untrusted ? tr("%1 · %2 TIMING")
                          .arg(StatusStyle::label(r.status).toUpper(), qs(r.timingQuality->verdict).toUpper())
                    : StatusStyle::label(r.status).toUpper());
    m_badge->setToolTip(StatusStyle::explanation(r.status));
    m_cancelled = r.isCancelled();
    // A setup refusal never ran the kernel: not the kernel's failure.
    const std::string notRunReason = r.notRunReason();
    const bool notRun = !notRunReason.empty();
    const NotRunMessage refusal = notRun ? notRunMessage(r) : NotRunMessage{};
    // A result that never ran (cancelled, refused) has no tests, differences, flags or speed of
    // light to show: "0 / 5" and "flags: none" would read as measured.
    const bool ran = !notRun && !m_cancelled;
    if (m_cancelled) {
        m_badge->setText(tr("CANCELLED"));
        m_badge->setToolTip(tr("You stopped this evaluation before it finished."));
    } else if (notRunReason == "too large") {
        m_badge->setText(tr("NOT RUN · TOO LARGE"));
        m_badge->setToolTip(
            tr("Not run: the problem does not fit the memory it may use here (see the message)."));
    } else if (notRun) {
        m_badge->setText(tr("NOT RUN · SETUP"));
        m_badge->setToolTip(tr("Not run: a setup problem here, not the kernel's failure (see the message)."));
    }
    m_placeholder->hide();
    m_body->show();

    m_speedup->setText(Format::speedup(r.speedup));
    m_interval->setText(r.speedup && r.speedupCi ? intervalText(*r.speedupCi) : QString());
    const WinVerdict win = significantWin(r);
    // Inputs scaled down for a try (metadata.inputs_scaled): the speedup is not the problem's.
    QString scaled;
    if (const auto it = r.metadata.find("inputs_scaled"); it != r.metadata.end() && it->is_object())
        scaled = tr("inputs scaled: batch_size %1 → %2")
                     .arg(it->value("original_batch_size", 0LL))
                     .arg(it->value("batch_size", 0LL));
    m_win = r.speedup && win == WinVerdict::Win && scaled.isEmpty();
    m_speedup->setStyleSheet(
        m_win ? u"QLabel { color: %1; }"_s.arg(StatusStyle::color(EvalStatus::Correct).name()) : QString());
    m_interval->setStyleSheet(m_speedup->styleSheet());
    const bool untrusted = r.timingQuality && r.timingQuality->untrustworthy();
    if (r.speedup && !scaled.isEmpty())
        m_speedupNote->setText(tr("%1: this speedup is not the problem's").arg(scaled));
    else if (r.speedup && r.status == EvalStatus::Correct && untrusted)
        m_speedupNote->setText(r.timingQuality->verdict == "noisy"
                                   ? tr("not a reliable speedup: the timing was noisy (see Timing)")
                                   : tr("not a reliable speedup: the timing was unreliable (see Timing)"));
    else if (r.speedup && r.status == EvalStatus::Correct && r.speedupCi && win == WinVerdict::NotAWin)
        m_speedupNote->setText(r.speedupCi->high < 1.0
                                   ? tr("slower than the PyTorch reference")
                                   : tr("no significant difference: the 95 % interval includes 1×"));
    else if (r.speedup && r.status == EvalStatus::Correct && win == WinVerdict::Win)
        m_speedupNote->setText(tr("faster than the PyTorch reference (95 % interval above 1×)"));
    else if (r.speedup && r.status == EvalStatus::Correct)
        m_speedupNote->setText(*r.speedup >= 1.0 ? tr("faster than the reference in this run; no confidence "
                                                      "interval, so not counted as a win")
                                                 : tr("slower than the PyTorch reference"));
    else if (const QString ftl = describeFasterThanLight(r); !ftl.isEmpty())
        m_speedupNote->setText(ftl);
    else if (r.speedup)
        m_speedupNote->setText(tr("not counted: the result is not correct"));
    else if (m_cancelled)
        m_speedupNote->setText(tr("cancelled before it finished"));
    else if (notRun) // what to do, under the headline: nothing else on the card is measured
        m_speedupNote->setText(refusal.what);
    else
        m_speedupNote->setText(r.status == EvalStatus::Correct ? tr("performance was not measured")
                                                               : tr("no speedup: the kernel did not pass"));

    setRow(m_problem, qs(r.request.problem) + (scaled.isEmpty() ? QString() : u" ("_s + scaled + u")"_s));
    setRow(m_quality, qualityText(r));
    setRow(m_runtime, r.runtimeMs || r.runtimeStats ? spread(r.runtimeStats, r.runtimeMs) : QString());
    setRow(m_baseline,
           r.baselineRuntimeMs || r.baselineStats ? spread(r.baselineStats, r.baselineRuntimeMs) : QString());
    setRow(m_compile, describeCompile(r));
    setRow(m_sol, ran ? describeSol(r) : QString());
    setRow(m_tests, ran && r.testsTotal > 0 ? tr("%1 / %2").arg(r.testsPassed).arg(r.testsTotal) : QString());
    QString diff;
    if (r.metadata.is_object() && r.metadata.contains("max_difference")) {
        diff = jsonNumberText(r.metadata["max_difference"]);
        if (r.metadata.contains("avg_difference"))
            diff += tr("   (average %1)").arg(jsonNumberText(r.metadata["avg_difference"]));
    }
    setRow(m_maxDiff, diff);
    QStringList flags;
    for (const auto& f : r.flags)
        flags << qs(f);
    setRow(m_flags, !flags.isEmpty() ? flags.join(u", "_s) : ran ? tr("none") : QString());
    QString device = qs(r.device.name);
    if (!r.device.target.empty())
        device += (device.isEmpty() ? QString() : u"  ·  "_s) + qs(r.device.target);
    if (!r.device.arch.empty() && r.device.arch != "cpu")
        device += u"  ·  "_s + qs(r.device.arch);
    setRow(m_device, device);
    QStringList t;
    if (r.timings.queued > 0.05)
        t << tr("queued %1").arg(Format::seconds(r.timings.queued));
    if (r.timings.compile > 0)
        t << tr("compile %1").arg(Format::seconds(r.timings.compile));
    if (r.timings.correctness > 0)
        t << tr("checks %1").arg(Format::seconds(r.timings.correctness));
    if (r.timings.perf > 0)
        t << tr("timing %1").arg(Format::seconds(r.timings.perf));
    if (r.timings.total > 0)
        t << tr("total %1").arg(Format::seconds(r.timings.total));
    setRow(m_timings, t.join(u" · "_s));
    setRow(m_hostCall, hostCallText(r));
    setRow(m_cost, r.costUsd ? Format::cost(r.costUsd)
                             : (r.request.target == "local" ? tr("free (local)") : QString()));

    // A refusal's message is the note; only its details, when it has some, go in the box.
    const QString errorText = notRun ? refusal.details : qs(r.errorMessage);
    m_errorArea->setVisible(!errorText.isEmpty());
    m_error->setText(errorText);
    const bool showLog = !r.logTail.empty();
    m_logTitle->setVisible(showLog);
    m_log->setVisible(showLog);
    m_log->setPlainText(qs(r.logTail));
    m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
    styleBadge();
}

} // namespace kw::ui
