#pragma once

#include "core/model/EvalResult.h"

#include <QDialog>

#include <optional>
#include <utility>

class QComboBox;
class QLabel;
class QTableWidget;

namespace kw::ui {

class AppContext;
class CodeEditor;
class EvaluationsBridge;

// Two evaluations side by side: the numbers (with the better one marked) and a line diff
// of the kernel or reference code with aligned rows and changed lines highlighted.
class CompareDialog : public QDialog
{
    Q_OBJECT
public:
    CompareDialog(AppContext& ctx, std::int64_t rowA, std::int64_t rowB, QWidget* parent = nullptr);
    ~CompareDialog() override;

    bool ready() const { return m_a.has_value() && m_b.has_value(); }
    int changedLines() const { return m_changed; }
    QTableWidget* numbers() const { return m_numbers; }

private:
    void onLoaded(const std::optional<EvalResult>& a, const std::optional<EvalResult>& b);
    void fillNumbers();
    void showDiff();

    QLabel* m_summary;
    QTableWidget* m_numbers;
    QComboBox* m_which;
    QLabel* m_diffInfo;
    CodeEditor* m_left;
    CodeEditor* m_right;
    EvaluationsBridge* m_bridge;
    std::optional<EvalResult> m_a, m_b;
    int m_changed = 0;
};

} // namespace kw::ui
