#include "ui/widgets/BaselineChooser.h"

#include <QComboBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kw::ui {

BaselineChooser::BaselineChooser(QWidget* parent)
    : QWidget(parent), m_baselines(new QComboBox(this)), m_mode(new QComboBox(this))
{
    m_baselines->addItem(tr("Eager PyTorch"), false);
    m_baselines->addItem(tr("Eager + torch.compile"), true);
    m_baselines->setToolTip(
        tr("The speedup is always measured against eager PyTorch (kernel_rl's speedup). With "
           "torch.compile, the reference compiled by inductor is timed too (compile time reported, "
           "not counted; cached per problem and device) and the result shows the speedup over each."));
    m_mode->addItem(tr("default"), u"default"_s);
    m_mode->addItem(tr("max-autotune-no-cudagraphs"), u"max-autotune-no-cudagraphs"_s);
    m_mode->setToolTip(tr("torch.compile mode of the compiled baseline; max-autotune tries more kernels and "
                          "takes longer to compile."));
    for (QComboBox* c : {m_baselines, m_mode}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(10);
    }
    // One above the other: side by side they made the Submit options column so wide that the
    // editors were squeezed to a few characters at 1024 px (tst_layout).
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(4);
    l->addWidget(m_baselines);
    l->addWidget(m_mode);
    connect(m_baselines, &QComboBox::currentIndexChanged, this, [this] {
        m_mode->setEnabled(m_baselines->currentData().toBool());
        Q_EMIT changed();
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, &BaselineChooser::changed);
    m_mode->setEnabled(false);
}

QStringList BaselineChooser::baselines() const
{
    return m_baselines->currentData().toBool() ? QStringList{u"eager"_s, u"compile"_s}
                                               : QStringList{u"eager"_s};
}

void BaselineChooser::setBaselines(const QStringList& names)
{
    m_baselines->setCurrentIndex(names.contains(u"compile"_s) ? 1 : 0);
}

QString BaselineChooser::compileMode() const
{
    return m_mode->currentData().toString();
}

void BaselineChooser::setCompileMode(const QString& mode)
{
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(mode)));
}

} // namespace kw::ui
