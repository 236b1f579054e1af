#include "ui/settings/PythonTestRow.h"

#include "ui/base/Format.h"
#include "ui/base/Settings.h"
#include "ui/base/StatusStyle.h"

#include <QFileDialog>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace kw::ui {

PythonTestRow::PythonTestRow(Settings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_path(new QLineEdit(this)),
      m_browse(new QPushButton(tr("Browse…"), this)), m_test(new QPushButton(tr("Test"), this)),
      m_result(new QLabel(this)), m_bridge(new SettingsBridge(this))
{
    m_path->setPlaceholderText(tr("Automatic: $KERNELWATCH_PYTHON, python3 on PATH, then /usr/bin/python3"));
    m_path->setText(settings.pythonPath());
    m_test->setToolTip(tr("Start the interpreter, import torch and list the devices it sees"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setText(tr("Press Test to check that this interpreter can import torch."));
    m_result->setForegroundRole(QPalette::PlaceholderText);
    if (const QString env = settings.pythonFromEnvironment(); !env.isEmpty())
        m_result->setText(
            tr("KERNELWATCH_PYTHON is set to %1 in the environment: the app and kernelwatch-cli "
               "use it instead of this field.")
                .arg(env));

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
    connect(m_bridge, &SettingsBridge::pythonTested, this, [this](const SettingsBridge::PythonReport& p) {
        m_test->setEnabled(true);
        showProbe(p);
    });
}

PythonTestRow::~PythonTestRow() = default; // the bridge waits for a probe in progress

QString PythonTestRow::resultText() const
{
    return m_result->text();
}

void PythonTestRow::test()
{
    if (testing())
        return;
    m_settings.setPythonPath(m_path->text());
    m_test->setEnabled(false);
    m_result->setForegroundRole(QPalette::WindowText);
    m_result->setText(tr("Testing… (importing torch takes a few seconds)"));
    m_bridge->testPython(m_path->text().trimmed());
}

void PythonTestRow::showProbe(const SettingsBridge::PythonReport& p)
{
    if (!p.ok) {
        const QColor bad = StatusStyle::color(EvalStatus::CompileError);
        m_result->setText(u"<span style='color:%1'>✗</span> "_s.arg(bad.name()) +
                          (p.error.isEmpty()
                               ? tr("This interpreter cannot import torch. Install PyTorch into it "
                                    "(pip install torch) or choose another interpreter.")
                               : p.error.toHtmlEscaped()));
        Q_EMIT tested(false);
        return;
    }
    const QColor good = StatusStyle::color(EvalStatus::Correct);
    QString text = u"<span style='color:%1'>✓</span> "_s.arg(good.name());
    text +=
        tr("<b>%1</b> · Python %2 · torch %3").arg(p.path.toHtmlEscaped(), p.pythonVersion, p.torchVersion);
    text += p.torchCuda.isEmpty() ? tr(" (CPU build)") : tr(" (CUDA %1)").arg(p.torchCuda);
    text += p.tritonAvailable ? tr(" · Triton available") : tr(" · no Triton");
    if (p.gpus.isEmpty()) {
        text += tr("<br>torch sees no GPU: evaluations run on the CPU.");
    } else {
        QStringList gpus;
        for (const auto& g : p.gpus)
            gpus << tr("cuda:%1 %2 (%3, %4)")
                        .arg(g.index)
                        .arg(g.name.toHtmlEscaped(), g.arch,
                             Format::bytes(g.memoryGiB * 1024.0 * 1024.0 * 1024.0));
        text += u"<br>"_s +
                tr("torch sees %1: ").arg(Format::count(qint64(p.gpus.size()), tr("GPU"), tr("GPUs"))) +
                gpus.join(u", "_s);
    }
    m_result->setText(text);
    Q_EMIT tested(true);
}

} // namespace kw::ui
