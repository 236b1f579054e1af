#pragma once

#include "ui/base/Job.h"
#include "ui/submit/KernelBenchScanner.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace kw::ui {

class Settings;

// Browses a KernelBench checkout (level1 … level4); choosing a problem fills the reference.
class ProblemBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit ProblemBrowser(Settings& settings, QWidget* parent = nullptr);
    ~ProblemBrowser() override;

    void setFolder(const QString& dir); // scans off the UI thread
    bool scanning() const { return m_scanning.busy(); }
    int problemCount() const { return static_cast<int>(m_scan.problems.size()); }

Q_SIGNALS:
    void problemChosen(const QString& path, const QString& problemId);

private:
    void chooseFolder();
    void populate();
    void applyFilter(const QString& text);
    void activate(QTreeWidgetItem* item);

    Settings& m_settings;
    QLabel* m_folder;
    QPushButton* m_choose;
    QLineEdit* m_filter;
    QTreeWidget* m_tree;
    QLabel* m_hint;
    KernelBenchScan m_scan;
    Job<KernelBenchScan> m_scanning{this};
};

} // namespace kw::ui
