#include "ui/settings/PythonTestRow.h"

#include "core/base/Paths.h"
#include "ui/base/Format.h"
#include "ui/base/Settings.h"
#include "ui/base/StatusStyle.h"

#include <QFileDialog>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace kw::ui {

PythonTestRow::PythonTestRow(Settings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_path(new QLineEdit(this)),
      m_browse(new QPushButton(tr("Browse…"), this)), m_test(new QPushButton(tr("Test"), this)),
      m_result(new QLabel(this))
{
    m_path->setPlaceholderText(tr("Automatic: $KERNELWATCH_PYTHON, python3 on PATH, then /usr/bin/python3"));
    m_path->setText(settings.pythonPath());
    m_test->setToolTip(tr("Start the interpreter, import torch and list the devices it sees"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setText(tr("Press Test to check that this interpreter can import torch."));
    m_result->setForegroundRole(QPalette::PlaceholderText);

    auto* l = new QGridLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(m_path, 0, 0);
    l->addWidget(m_browse, 0, 1);
    l->addWidget(m_test, 0, 2);
    l->addWidget(m_result, 1, 0, 1, 3);

    connect(m_path, &QLineEdit::editingFinished, this, [this] { m_settings.setPythonPath(m_path->text()); });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Python interpreter"), u"/usr/bin"_s);
        if (!f.isEmpty()) {
            m_path->setText(f);
            m_settings.setPythonPath(f);
        }
    });
    connect(m_test, &QPushButton::clicked, this, &PythonTestRow::test);
    connect(&m_watcher, &QFutureWatcher<PythonProbe>::finished, this, [this] {
        m_test->setEnabled(true);
        showProbe(m_watcher.result());
    });
}

PythonTestRow::~PythonTestRow()
{
    m_watcher.waitForFinished();
}

QString PythonTestRow::resultText() const
{
    return m_result->text();
}

void PythonTestRow::test()
{
    if (m_watcher.isRunning())
        return;
    m_settings.setPythonPath(m_path->text());
    const std::string python = m_path->text().trimmed().toStdString();
    const std::string evaluator = paths::evaluatorDir();
    m_test->setEnabled(false);
    m_result->setForegroundRole(QPalette::WindowText);
    m_result->setText(tr("Testing… (importing torch takes a few seconds)"));
    m_watcher.setFuture(QtConcurrent::run([python, evaluator] {
        return python.empty() ? findPython({}, evaluator) : probePython(python, evaluator, 60);
    }));
}

void PythonTestRow::showProbe(const PythonProbe& p)
{
    if (!p.ok) {
        const QColor bad = StatusStyle::color(EvalStatus::CompileError);
        m_result->setText(u"<span style='color:%1'>✗</span> "_s.arg(bad.name()) +
                          (p.error.empty()
                               ? tr("This interpreter cannot import torch. Install PyTorch into it "
                                    "(pip install torch) or choose another interpreter.")
                               : QString::fromStdString(p.error).toHtmlEscaped()));
        Q_EMIT tested(false);
        return;
    }
    const QColor good = StatusStyle::color(EvalStatus::Correct);
    QString text = u"<span style='color:%1'>✓</span> "_s.arg(good.name());
    text += tr("<b>%1</b> · Python %2 · torch %3")
                .arg(QString::fromStdString(p.path).toHtmlEscaped(), QString::fromStdString(p.pythonVersion),
                     QString::fromStdString(p.torchVersion));
    text +=
        p.torchCuda.empty() ? tr(" (CPU build)") : tr(" (CUDA %1)").arg(QString::fromStdString(p.torchCuda));
    text += p.tritonAvailable ? tr(" · Triton available") : tr(" · no Triton");
    if (p.gpus.empty()) {
        text += tr("<br>torch sees no GPU: evaluations run on the CPU.");
    } else {
        QStringList gpus;
        for (const auto& g : p.gpus)
            gpus << tr("cuda:%1 %2 (%3, %4)")
                        .arg(g.index)
                        .arg(QString::fromStdString(g.name).toHtmlEscaped(), QString::fromStdString(g.arch),
                             Format::bytes(g.memoryGiB * 1024.0 * 1024.0 * 1024.0));
        text += u"<br>"_s + tr("torch sees %n GPU(s): ", nullptr, static_cast<int>(p.gpus.size())) +
                gpus.join(u", "_s);
    }
    m_result->setText(text);
    Q_EMIT tested(true);
}

} // namespace kw::ui
