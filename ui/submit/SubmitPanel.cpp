#include "ui/submit/SubmitPanel.h"

#include "core/model/SourceFile.h"
#include "ui/base/Format.h"
#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"
#include "ui/base/StatusStyle.h"
#include "ui/services/AppContext.h"
#include "ui/services/DeviceInventory.h"
#include "ui/services/EvalService.h"
#include "ui/submit/EditorDrafts.h"
#include "ui/submit/EditorPane.h"
#include "ui/submit/KernelBenchScanner.h"
#include "ui/submit/ProblemBrowser.h"
#include "ui/submit/StageIndicator.h"
#include "ui/submit/SubmitBridge.h"
#include "ui/submit/SubmitOptionsForm.h"
#include "ui/submit/UnsavedPrompt.h"
#include "ui/widgets/CodeEditor.h"
#include "ui/widgets/ResultCard.h"

#include <QFile>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <QVBoxLayout>
#include <utility>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
struct Sample
{
    const char* id;
    const char* title;
    const char* ref;
    const char* kernel;
    const char* backend;
    const char* device;
};
constexpr Sample kSamples[] = {
    {"relu-cpu", "ReLU · PyTorch on the CPU (works everywhere)", "relu_ref.py", "relu_kernel.py", "cuda",
     "cpu"},
    {"swish-cuda", "Swish · CUDA kernel", "swish_ref.py", "swish_cuda.py", "cuda", "auto"},
    {"swish-triton", "Swish · Triton kernel", "swish_ref.py", "swish_triton.py", "triton", "auto"},
    {"softmax-cuda", "Softmax · CUDA kernel", "softmax_ref.py", "softmax_cuda.py", "cuda", "auto"},
    {"softmax-triton", "Softmax · Triton kernel", "softmax_ref.py", "softmax_triton.py", "triton", "auto"},
    {"matmul-cuda", "Matmul · CUDA kernel", "matmul_ref.py", "matmul_cuda.py", "cuda", "auto"},
    {"matmul-triton", "Matmul · Triton kernel", "matmul_ref.py", "matmul_triton.py", "triton", "auto"},
};

QString readResource(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
} // namespace

PanelInfo SubmitPanel::info()
{
    return {u"submit"_s, tr("Submit"), u"submit"_s, tr("Evaluate a kernel against a reference")};
}

SubmitPanel::SubmitPanel(AppContext& ctx, QWidget* parent)
    : Panel(ctx, parent), m_bridge(new SubmitBridge(ctx, this)),
      m_browser(new ProblemBrowser(ctx.settings(), this)),
      m_ref(new EditorPane(tr("Reference"), tr("class Model · get_inputs() · get_init_inputs()"), this)),
      m_kernel(new EditorPane(tr("Kernel"), tr("class ModelNew"), this)),
      m_options(new SubmitOptionsForm(ctx.settings(), this)), m_banner(new QLabel(this)),
      m_submit(new QPushButton(tr("Submit"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_scale(new QPushButton(this)), m_stage(new StageIndicator(this)), m_card(new ResultCard(this)),
      m_outer(new QSplitter(Qt::Horizontal, this)), m_editors(new QSplitter(Qt::Vertical, this))
{
    m_ref->setObjectName(u"reference"_s);
    m_kernel->setObjectName(u"kernel"_s);
    m_drafts = new EditorDrafts(ctx.draftsPath(), {m_ref, m_kernel}, this);
    // Toolbar: samples and file loading.
    auto* samples = new QToolButton(this);
    samples->setText(tr("Samples"));
    samples->setPopupMode(QToolButton::InstantPopup);
    samples->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* sampleMenu = new QMenu(samples);
    for (const Sample& s : kSamples) {
        const QString id = QString::fromLatin1(s.id);
        QAction* a = sampleMenu->addAction(tr(s.title), this, [this, id] { loadSample(id); });
        a->setData(QString::fromLatin1(s.device));
    }
    // Where no GPU was found, the CUDA and Triton samples say what they need before they are
    // picked (they still load: Modal can run them).
    connect(sampleMenu, &QMenu::aboutToShow, this, [this, sampleMenu] {
        const bool noGpu = m_ctx.devices()->ready() && m_ctx.devices()->gpuCount() == 0;
        for (QAction* a : sampleMenu->actions()) {
            const bool gpuOnly = a->data().toString() != u"cpu"_s;
            a->setToolTip(gpuOnly && noGpu
                              ? tr("Needs a GPU: none was found here, so run it on Modal (Target)")
                              : QString());
            QString text = a->text().section(u"  —  "_s, 0, 0);
            if (gpuOnly && noGpu)
                text += tr("  —  needs a GPU (Modal)");
            a->setText(text);
        }
    });
    sampleMenu->setToolTipsVisible(true);
    samples->setMenu(sampleMenu);
    // The KernelBench list: shown when a checkout is chosen (or the user showed it), so on a narrow
    // window the editors get its width until there is something to list.
    m_problemsToggle = new QToolButton(this);
    m_problemsToggle->setObjectName(u"problemsToggle"_s);
    m_problemsToggle->setText(tr("KernelBench problems"));
    m_problemsToggle->setCheckable(true);
    m_problemsToggle->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_problemsToggle->setToolTip(tr("Show or hide the list of KernelBench problems (Ctrl+B)"));
    auto* hint = new QLabel(tr("Drop .py files on an editor, or double-click a KernelBench problem."), this);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto* toolbar = new QHBoxLayout;
    toolbar->addWidget(samples);
    toolbar->addWidget(m_problemsToggle);
    toolbar->addSpacing(8);
    toolbar->addWidget(hint, 1);

    // Editors.
    m_editors->addWidget(m_ref);
    m_editors->addWidget(m_kernel);
    m_editors->setChildrenCollapsible(false);

    // Right column: options, actions, stage, result.
    auto* right = new QWidget(this);
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(8, 0, 4, 0);
    rl->setSpacing(8);
    auto* optionsBox = new QGroupBox(tr("Evaluation"), right);
    auto* ol = new QVBoxLayout(optionsBox);
    ol->addWidget(m_options);
    rl->addWidget(optionsBox);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->hide();
    rl->addWidget(m_banner);
    m_scale->setObjectName(u"scaleInputs"_s);
    m_scale->setToolTip(tr("Runs the problem with a smaller batch_size so it fits this machine's memory. "
                           "The result says the inputs were scaled: its speedup is not the problem's."));
    m_scale->hide();
    connect(m_scale, &QPushButton::clicked, this, [this] { submitScaled(); });
    rl->addWidget(m_scale);
    m_submit->setDefault(true);
    m_submit->setToolTip(tr("Evaluate the kernel (Ctrl+Return)"));
    m_submit->setMinimumHeight(32);
    m_cancel->setToolTip(tr("Stop the running evaluation (Ctrl+.)"));
    m_cancel->setMinimumHeight(32);
    QFont bf = m_submit->font();
    bf.setBold(true);
    m_submit->setFont(bf);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_submit, 2);
    buttons->addWidget(m_cancel, 1);
    rl->addLayout(buttons);
    rl->addWidget(m_stage);
    rl->addWidget(m_card, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(right);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Wide enough for the column and a vertical scroll bar (a long result scrolls): nothing is
    // cut off on the right, and with the sidebar and the editors it fits a 1024 px window.
    scroll->setMinimumWidth(right->minimumSizeHint().width() +
                            style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, scroll) + 4);

    m_browser->setMinimumWidth(150);
    m_outer->addWidget(m_browser);
    m_outer->addWidget(m_editors);
    m_outer->addWidget(scroll);
    m_outer->setStretchFactor(0, 0);
    m_outer->setStretchFactor(1, 1);
    m_outer->setStretchFactor(2, 0);
    m_outer->setSizes({190, 620, 390});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 6);
    layout->addLayout(toolbar);
    layout->addWidget(m_outer, 1);

    addPanelAction(
        tr("&Submit"), QKeySequence(Qt::CTRL | Qt::Key_Return), [this] { submit(); },
        tr("Evaluate the kernel"));
    addPanelAction(tr("&Cancel evaluation"), QKeySequence(Qt::CTRL | Qt::Key_Period), [this] { cancel(); });
    addPanelAction(tr("Open &reference…"), QKeySequence(Qt::CTRL | Qt::Key_O),
                   [this] { m_ref->openDialog(); });
    addPanelAction(tr("Open &kernel…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                   [this] { m_kernel->openDialog(); });
    addPanelAction(tr("Load the &ReLU sample"), {}, [this] { loadSample(u"relu-cpu"_s); });
    addPanelAction(tr("Show KernelBench &problems"), QKeySequence(Qt::CTRL | Qt::Key_B),
                   [this] { m_problemsToggle->toggle(); });

    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(m_cancel, &QPushButton::clicked, this, &SubmitPanel::cancel);
    connect(m_options, &SubmitOptionsForm::targetChanged, this, &SubmitPanel::onTargetChanged);
    connect(m_browser, &ProblemBrowser::problemChosen, this,
            [this](const QString& path, const QString& id) { openProblem(path, id); });
    for (EditorPane* pane : {m_ref, m_kernel}) {
        connect(pane, &EditorPane::loadFailed, this,
                [this](const QString& msg) { showBanner(tr("%1. Pick another file.").arg(msg), true); });
        connect(pane, &EditorPane::saveFailed, this, [this](const QString& msg) { showBanner(msg, true); });
        connect(pane, &EditorPane::saved, this, [this, pane](const QString& path) {
            if (pane == m_ref)
                m_ctx.settings().setLastReferencePath(path);
            else
                m_ctx.settings().setLastKernelPath(path);
            Q_EMIT m_ctx.statusMessage(tr("Saved %1").arg(path), 4000);
        });
        connect(pane, &EditorPane::fileLoaded, this, [this, pane](const QString& path) {
            hideBanner();
            if (pane == m_ref) {
                m_ctx.settings().setLastReferencePath(path);
                m_problemId.clear(); // named after the file from now on (problemName)
            } else {
                m_ctx.settings().setLastKernelPath(path);
            }
        });
    }
    connect(ctx.evals(), &EvalService::progress, this, &SubmitPanel::onProgress);
    connect(ctx.evals(), &EvalService::finished, this, &SubmitPanel::onFinished);
    connect(&ctx, &AppContext::submitRequested, this, [this](const EvalRequest& r, bool runNow) {
        if (load(r) && runNow)
            submit();
    });
    auto updateDevices = [this] {
        QStringList devs;
        for (const auto& d : m_ctx.devices()->inventory().devices)
            if (d.use != GpuUse::NotUsable)
                devs << u"cuda:"_s + QString::number(d.index);
        m_options->setLocalDevices(devs);
    };
    connect(ctx.devices(), &DeviceInventory::changed, this, updateDevices);
    connect(&ctx.settings(), &Settings::defaultsChanged, m_options, &SubmitOptionsForm::applyDefaults);

    const QByteArray state = ctx.settings().panelState(info().id, u"splitter"_s);
    if (!state.isEmpty())
        m_outer->restoreState(state);
    const QByteArray shown = ctx.settings().panelState(info().id, u"problems"_s);
    m_problemsToggle->setChecked(shown.isEmpty() ? !ctx.settings().kernelBenchDir().isEmpty() : shown == "1");
    m_browser->setVisible(m_problemsToggle->isChecked());
    connect(m_problemsToggle, &QToolButton::toggled, m_browser, &QWidget::setVisible);
    m_editors->restoreState(ctx.settings().panelState(info().id, u"editors"_s));
    restoreSession();
    m_card->showPlaceholder(
        tr("Results appear here. The sample compares torch.clamp_min with torch.relu on the "
           "CPU, so Submit works even without a GPU."));
    updateButtons();
}

void SubmitPanel::restoreSession()
{
    const QString ref = m_ctx.settings().lastReferencePath();
    const QString kernel = m_ctx.settings().lastKernelPath();
    if (!ref.isEmpty() && !kernel.isEmpty() && QFileInfo::exists(ref) && QFileInfo::exists(kernel)) {
        // A pane with unsaved text is restored below, not reloaded from its file.
        if (!m_drafts->has(m_ref))
            m_ref->loadFile(ref);
        if (!m_drafts->has(m_kernel))
            m_kernel->loadFile(kernel);
    } else {
        loadSample(u"relu-cpu"_s);
    }
    const QStringList restored = m_drafts->restore();
    if (restored.isEmpty())
        return;
    const QString when = m_drafts->savedAt().isValid()
                             ? QLocale().toString(m_drafts->savedAt().toLocalTime(), QLocale::ShortFormat)
                             : tr("the last session");
    const QString text = tr("Restored unsaved text of %1 from %2: kernelwatch closed before it was saved. "
                            "Save it with Ctrl+S.")
                             .arg(QLocale().createSeparatedList(restored), when);
    showBanner(text, false);
    // The status bar is connected once the main window has placed every panel.
    QTimer::singleShot(0, this, [this, text] { Q_EMIT m_ctx.statusMessage(text, 15000); });
}

void SubmitPanel::saveState()
{
    m_ctx.settings().setPanelState(info().id, u"splitter"_s, m_outer->saveState());
    m_ctx.settings().setPanelState(info().id, u"problems"_s, m_problemsToggle->isChecked() ? "1" : "0");
    m_ctx.settings().setPanelState(info().id, u"editors"_s, m_editors->saveState());
    m_drafts->writeNow();
}

bool SubmitPanel::confirmClose()
{
    if (!UnsavedPrompt::confirm(this, {m_ref, m_kernel}, tr("quit")))
        return false;
    // Saved, or the user chose Discard: nothing is left to restore on the next start.
    for (EditorPane* pane : {m_ref, m_kernel})
        pane->editor()->setModified(false);
    m_drafts->writeNow();
    return true;
}

bool SubmitPanel::openProblem(const QString& path, const QString& problemId)
{
    if (!UnsavedPrompt::confirm(this, {m_ref}, tr("open %1").arg(problemId)))
        return false;
    m_problemId = problemId;
    m_ref->loadFile(path);
    return true;
}

bool SubmitPanel::loadSample(const QString& sampleId)
{
    if (!UnsavedPrompt::confirm(this, {m_ref, m_kernel}, tr("load a sample")))
        return false;
    for (const Sample& s : kSamples) {
        if (sampleId != QLatin1String(s.id))
            continue;
        const QString ref = u":/samples/"_s + QLatin1String(s.ref);
        const QString kernel = u":/samples/"_s + QLatin1String(s.kernel);
        m_ref->setText(readResource(ref), ref);
        m_kernel->setText(readResource(kernel), kernel);
        m_options->setBackend(QLatin1String(s.backend));
        m_options->setDevice(QLatin1String(s.device));
        m_problemId = u"samples/"_s + sampleId.section(u'-', 0, 0);
        m_ctx.settings().setLastReferencePath({});
        m_ctx.settings().setLastKernelPath({});
        hideBanner();
        return true;
    }
    return false;
}

bool SubmitPanel::load(const EvalRequest& r)
{
    if (!UnsavedPrompt::confirm(this, {m_ref, m_kernel}, tr("load evaluation %1").arg(qs(r.problem))))
        return false;
    m_ref->setText(qs(r.refCode), qs(r.refPath));
    m_kernel->setText(qs(r.kernelCode), qs(r.kernelPath));
    m_options->loadFrom(r);
    m_problemId = qs(r.problem);
    hideBanner();
    return true;
}

QString SubmitPanel::problemName() const
{
    if (!m_problemId.isEmpty())
        return m_problemId;
    if (!m_ref->path().isEmpty())
        return KernelBenchScanner::problemIdForPath(m_ref->path());
    return u"untitled"_s;
}

QString SubmitPanel::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void SubmitPanel::showBanner(const QString& text, bool error)
{
    const QColor c =
        error ? StatusStyle::color(EvalStatus::CompileError) : palette().color(QPalette::Highlight);
    m_banner->setStyleSheet(u"QLabel { border: 1px solid %1; border-left: 4px solid %1; border-radius: 4px;"
                            " padding: 6px 8px; background: palette(base); }"_s.arg(c.name()));
    m_banner->setText(text);
    m_banner->show();
}

void SubmitPanel::hideBanner()
{
    m_scale->hide();
    m_banner->hide();
    onTargetChanged(m_options->target());
}

void SubmitPanel::onTargetChanged(const QString& target)
{
    const QString why = m_ctx.evals()->unavailableReason(target);
    if (!why.isEmpty())
        showBanner(why, false);
    else if (!m_banner->isHidden() && target == u"local"_s &&
             m_banner->text() == m_ctx.evals()->unavailableReason(u"modal"_s))
        m_banner->hide();
    updateButtons();
}

QString SubmitPanel::submit()
{
    const QString target = m_options->target();
    if (const QString why = m_ctx.evals()->unavailableReason(target); !why.isEmpty()) {
        showBanner(why, true);
        return {};
    }
    EvalRequest r;
    r.refCode = toStd(m_ref->text());
    r.kernelCode = toStd(m_kernel->text());
    m_options->fillRequest(r);
    r.source = "submit";
    r.problem = toStd(problemName());
    if (!m_ref->path().startsWith(u':'))
        r.refPath = toStd(m_ref->path());
    if (!m_kernel->path().startsWith(u':'))
        r.kernelPath = toStd(m_kernel->path());
    const QString refLabel = m_ref->path().isEmpty() ? u"Reference"_s : QFileInfo(m_ref->path()).fileName();
    const QString kLabel = m_kernel->path().isEmpty() ? u"Kernel"_s : QFileInfo(m_kernel->path()).fileName();
    r.inputBatchSize = std::exchange(m_nextBatch, std::nullopt);
    // One admission for every front end (core/usecase/EvalSession); the sizes are checked by
    // the evaluation service off the UI thread.
    if (const QString problem = SubmitBridge::admit(r, refLabel, kLabel); !problem.isEmpty()) {
        showBanner(problem, true);
        return {};
    }
    hideBanner();
    m_kernel->clearErrorMark();
    m_submittedKernel = m_kernel->text();
    m_currentId = m_ctx.evals()->submit(r);
    m_stage->start();
    m_card->showLoading(
        tr("Evaluating %1 on %2…").arg(qs(r.problem), target == u"local"_s ? qs(r.device) : qs(r.gpuType)));
    updateButtons();
    return m_currentId;
}

QString SubmitPanel::submitScaled()
{
    if (m_offeredBatch <= 0)
        return {};
    m_nextBatch = m_offeredBatch;
    return submit();
}

void SubmitPanel::cancel()
{
    if (m_currentId.isEmpty() || !m_ctx.evals()->isActive(m_currentId))
        return;
    m_ctx.evals()->cancel(m_currentId);
    m_cancel->setEnabled(false);
    m_stage->setStage(m_stage->stage(), tr("Cancelling…"));
}

void SubmitPanel::onProgress(const QString& id, EvalStage stage, double, const QString& detail)
{
    if (id == m_currentId)
        m_stage->setStage(stage, detail);
}

void SubmitPanel::onFinished(const EvalResult& result)
{
    if (qs(result.id) != m_currentId)
        return;
    m_card->showResult(result);
    // A compile error mapped to the kernel's line: marked in the editor, unless it was edited since.
    if (const auto ln = result.metadata.find("compile_error_line");
        result.status == EvalStatus::CompileError && ln != result.metadata.end() && ln->is_number_integer() &&
        m_kernel->text() == m_submittedKernel) {
        const auto col = result.metadata.find("compile_error_column");
        m_kernel->markErrorLine(
            ln->get<int>(), col != result.metadata.end() && col->is_number_integer() ? col->get<int>() : 0,
            qs(result.errorMessage));
    }
    // A size refusal with a batch_size that would fit: offer the scaled try.
    m_offeredBatch = 0;
    if (const auto sc = result.metadata.find("size_check"); sc != result.metadata.end() && sc->is_object()) {
        showBanner(qs(result.errorMessage), true);
        m_offeredBatch = sc->value("suggested_batch_size", 0LL);
        if (m_offeredBatch > 0) {
            m_scale->setText(tr("Try on the CPU with inputs scaled down (batch_size %1 → %2)")
                                 .arg(sc->value("batch_size", 0LL))
                                 .arg(m_offeredBatch));
            m_scale->show();
        }
    }
    const std::string notRun = result.notRunReason();
    QString verdict = result.isCancelled() ? tr("cancelled")
                      : notRun.empty()     ? StatusStyle::label(result.status)
                                           : tr("not run (%1)").arg(qs(notRun));
    if (result.status == EvalStatus::Correct && result.speedup && result.timingQuality &&
        result.timingQuality->untrustworthy())
        verdict = tr("%1, speedup not reliable (%2 timing)").arg(verdict, qs(result.timingQuality->verdict));
    else if (result.status == EvalStatus::Correct && result.speedup)
        verdict = tr("%1, %2 speedup").arg(verdict, Format::speedup(result.speedup));
    m_stage->finish(tr("Finished: %1.").arg(verdict));
    updateButtons();
}

void SubmitPanel::updateButtons()
{
    const bool running = !m_currentId.isEmpty() && m_ctx.evals()->isActive(m_currentId);
    m_cancel->setEnabled(running);
    m_submit->setEnabled(m_ctx.evals()->unavailableReason(m_options->target()).isEmpty());
}

bool SubmitPanel::busy() const
{
    return m_ref->loading() || m_kernel->loading() || m_browser->scanning();
}

void SubmitPanel::prepareScreenshot()
{
    // --demo: show the newest stored result of the sample, as after one click on Submit.
    const std::optional<EvalResult> newest = m_bridge->newestResult(u"samples/relu"_s);
    if (!newest)
        return;
    m_stage->start();
    m_stage->finish(tr("Finished: %1, %2 speedup.")
                        .arg(StatusStyle::label(newest->status), Format::speedup(newest->speedup)),
                    newest->timings.total);
    m_card->showResult(*newest);
}

} // namespace kw::ui
