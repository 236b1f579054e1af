#pragma once

#include "ui/settings/SettingsBridge.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace kw::ui {

class Settings;

// The interpreter field with Browse and Test. Test runs probePython on a worker and reports
// the Python and torch versions and the devices torch sees, or what to fix.
class PythonTestRow : public QWidget
{
    Q_OBJECT
public:
    explicit PythonTestRow(Settings& settings, QWidget* parent = nullptr);
    ~PythonTestRow() override;

    void test();
    bool testing() const { return m_bridge->testingPython(); }
    QString resultText() const;

Q_SIGNALS:
    void tested(bool ok);

private:
    void showProbe(const SettingsBridge::PythonReport& p);

    Settings& m_settings;
    QLineEdit* m_path;
    QPushButton* m_browse;
    QPushButton* m_test;
    QLabel* m_result;
    SettingsBridge* m_bridge;
};

} // namespace kw::ui
